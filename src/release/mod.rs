//! Guided release steps: each computes its whole result from the policy, has the one
//! evaluator judge it, and only then writes it.

pub mod changelog;
pub mod flow;
pub mod next;
mod per_ref;
mod session;
pub mod steps;

pub use session::{Session, Tagged};

use crate::repo::{self, Pushed, RefWrite, RepoError};
use crate::rules::{self, Entry, EvalError, Id, Judgement, Update, ViewError};
use crate::version::{self, ExtractError};

/// Why a step cannot be computed, judged or written.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// A step issue #19 names that this build does not have yet.
    #[error("`git policy release {0}` is not built yet")]
    NotBuilt(&'static str),
    /// What the user can fix (an argument, a branch, a dirty file), with the fix.
    #[error("{message}")]
    Usage { message: String, hint: String },
    /// The policy leaves a choice to the user (a name, a version): the argument that makes it,
    /// with an example command computed from the repository.
    #[error("{message}")]
    Needs {
        message: String,
        argument: String,
        example: String,
    },
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error(transparent)]
    Write(#[from] repo::WriteError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error("`{path}` at {commit} {source}")]
    ReadVersion {
        path: String,
        commit: String,
        #[source]
        source: ExtractError,
    },
    /// The remote took the step but this clone could not record it.
    #[error("`{remote}` took the step, but this clone could not write it")]
    PushedNotWritten {
        remote: String,
        #[source]
        source: Box<ReleaseError>,
    },
    #[error("cannot set the version in `{path}`: it {source}")]
    SetVersion {
        path: String,
        #[source]
        source: version::write::WriteError,
    },
}

impl ReleaseError {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> ReleaseError {
        ReleaseError::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// A step's whole result: the refs it moves or creates, each with the objects already built.
#[derive(Debug, Clone, Default)]
pub struct Step {
    /// The step, as the command line names it (`freeze`).
    pub name: &'static str,
    pub moves: Vec<Move>,
    /// Lines printed after the moves (what the user still has to do, what was chosen).
    pub notes: Vec<String>,
}

/// One ref a step sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// The full ref name (`refs/heads/rc`, `refs/tags/v0.13.0b1`).
    pub refname: String,
    /// Where the step started it from (`Session::tips`); `None`: the step creates it.
    pub from: Option<Id>,
    /// A commit for a branch; for a tag, its tag object.
    pub new: Id,
    /// For people: `merge of master, 0.13.0.dev4`, `on 0.13 (0.13.0b1)`.
    pub what: String,
}

impl Move {
    pub fn branch(branch: &str, from: Option<Id>, new: Id, what: impl Into<String>) -> Move {
        Move {
            refname: format!("refs/heads/{branch}"),
            from,
            new,
            what: what.into(),
        }
    }

    pub fn tag(tag: &str, object: Id, what: impl Into<String>) -> Move {
        Move {
            refname: format!("refs/tags/{tag}"),
            from: None,
            new: object,
            what: what.into(),
        }
    }

    /// The short name: a branch's or a tag's.
    pub fn short(&self) -> &str {
        let name = &self.refname;
        name.strip_prefix("refs/heads/")
            .or_else(|| name.strip_prefix("refs/tags/"))
            .unwrap_or(name)
    }

    pub fn is_tag(&self) -> bool {
        self.refname.starts_with("refs/tags/")
    }
}

impl Step {
    pub fn new(name: &'static str) -> Step {
        Step {
            name,
            ..Step::default()
        }
    }

    /// The update set the evaluator judges: each move from the remote's value.
    pub fn updates(&self, session: &Session) -> Vec<Update> {
        self.moves
            .iter()
            .map(|m| Update {
                refname: m.refname.clone(),
                old: session.before.get(&m.refname).copied(),
                new: Some(m.new),
            })
            .collect()
    }
}

/// The evaluator's verdict on the step's whole result, as one update set against the remote's
/// refs. The session's repository sees the objects the step built (commits it has no
/// commit-graph entry for are read as objects, as a server reads pushed ones).
pub fn judge(session: &Session, step: &Step) -> Result<Judgement, ReleaseError> {
    let updates = step.updates(session);
    Ok(rules::judge_at(
        &session.policy,
        &session.git,
        &session.before,
        &updates,
        Entry::Release.pushing_to(&session.remote),
    )?)
}

/// The ref writes of judged moves, each checked against the local ref as the step found it.
fn ref_writes(session: &Session, moves: &[Move]) -> Vec<RefWrite> {
    moves
        .iter()
        .map(|m| RefWrite {
            refname: m.refname.clone(),
            expected: session.local.get(&m.refname).copied(),
            new: m.new,
        })
        .collect()
}

/// Writes a judged step into the clone: every ref at once, the work tree of the checked-out
/// branch with it.
pub fn write(session: &Session, step: &Step) -> Result<(), ReleaseError> {
    write_moves(session, step.name, &step.moves)
}

/// Whether this clone could take a judged step now (no branch it moves held by a worktree,
/// no change in the work tree it would overwrite): a dry run says so.
pub fn writable(session: &Session, step: &Step) -> Result<(), ReleaseError> {
    session.git.writable(&ref_writes(session, &step.moves))?;
    Ok(())
}

fn write_moves(session: &Session, name: &str, moves: &[Move]) -> Result<(), ReleaseError> {
    let message = format!("git policy release {name}");
    Ok(session
        .git
        .write_refs(&ref_writes(session, moves), &message)?)
}

/// What `--push` did.
#[derive(Debug)]
pub enum Published {
    /// One atomic push: the remote took every ref of the step, or none.
    Atomic(Pushed),
    /// The remote judges each ref alone (an `update` hook) and refused the atomic push for a
    /// ref it judged before the others landed: the refs were pushed one at a time, in `order`,
    /// one in which each is accepted after the ones before it; `pushes` has a push per ref
    /// tried, up to the first refused. The refs it took are written here, the others not.
    RefByRef {
        order: Vec<Move>,
        pushes: Vec<Pushed>,
    },
    /// The remote judges each ref alone and refused the atomic push, and no order of the
    /// step's refs is accepted one at a time: nothing was written.
    NoOrder(Pushed),
}

impl Published {
    /// The moves the remote took, in the order it took them.
    pub fn landed(&self, step: &Step) -> Vec<Move> {
        match self {
            Published::Atomic(pushed) if pushed.ok => step.moves.clone(),
            Published::RefByRef { order, pushes } => order
                .iter()
                .zip(pushes)
                .filter(|(_, pushed)| pushed.ok)
                .map(|(m, _)| m.clone())
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Pushes a judged step atomically by object id; only the refs the remote took are written
/// here, with their tracking refs as a fetch would set them. A remote that judges each ref
/// alone (an `update` hook) refuses some valid steps of several refs as one push (each ref is
/// judged before any lands): when that is why it refused, the refs are pushed one at a time in
/// an order the evaluator accepts ref by ref, as that hook judges them.
pub fn push(session: &Session, step: &Step) -> Result<Published, ReleaseError> {
    let writes = ref_writes(session, &step.moves);
    session.git.writable(&writes)?;
    let atomic = session.git.push_by_id(&session.remote, &writes)?;
    if atomic.ok {
        record(session, step.name, &step.moves)?;
        return Ok(Published::Atomic(atomic));
    }
    let declined = per_ref::declined_by_update_hook(&atomic);
    let per_ref = step.moves.len() > 1
        && !declined.is_empty()
        && per_ref::refused_together(
            &session.policy,
            &session.git,
            &session.before,
            &step.moves,
            &declined,
        )?;
    if !per_ref {
        return Ok(Published::Atomic(atomic));
    }
    let Some(order) = per_ref::order(&session.policy, &session.git, &session.before, &step.moves)?
    else {
        return Ok(Published::NoOrder(atomic));
    };
    let order: Vec<Move> = order.into_iter().map(|i| step.moves[i].clone()).collect();
    let mut pushes: Vec<Pushed> = Vec::new();
    for m in &order {
        let pushed = session.git.push_by_id(
            &session.remote,
            &ref_writes(session, std::slice::from_ref(m)),
        );
        match pushed {
            Ok(pushed) => {
                let ok = pushed.ok;
                pushes.push(pushed);
                if !ok {
                    break;
                }
            }
            Err(err) => {
                // What landed before it is recorded all the same.
                record(session, step.name, &order[..pushes.len()])?;
                return Err(err.into());
            }
        }
    }
    let published = Published::RefByRef { order, pushes };
    record(session, step.name, &published.landed(step))?;
    Ok(published)
}

/// Writes the moves the remote took here, and their tracking refs.
fn record(session: &Session, name: &str, moves: &[Move]) -> Result<(), ReleaseError> {
    if moves.is_empty() {
        return Ok(());
    }
    let written = write_moves(session, name, moves).and_then(|()| {
        let tracking = tracking_writes(session, moves)?;
        let message = format!("git policy release {name}: pushed");
        Ok(session.git.write_refs(&tracking, &message)?)
    });
    written.map_err(|source| ReleaseError::PushedNotWritten {
        remote: session.remote.clone(),
        source: Box::new(source),
    })
}

/// The remote-tracking refs of the branches among pushed moves, as a fetch would set them.
fn tracking_writes(session: &Session, moves: &[Move]) -> Result<Vec<RefWrite>, ReleaseError> {
    let mut tracking = Vec::new();
    for m in moves.iter().filter(|m| !m.is_tag()) {
        let refname = format!("refs/remotes/{}/{}", session.remote, m.short());
        tracking.push(RefWrite {
            expected: session.git.ref_target(&refname)?,
            refname,
            new: m.new,
        });
    }
    Ok(tracking)
}

/// The command that publishes a step written locally, for the user's own `pre-push` to judge.
pub fn push_command(session: &Session, step: &Step) -> String {
    let refs: Vec<String> = step
        .moves
        .iter()
        .map(|m| {
            if m.is_tag() {
                format!("tag {}", m.short())
            } else {
                m.short().to_owned()
            }
        })
        .collect();
    format!("git push --atomic {} {}", session.remote, refs.join(" "))
}

/// The command line that ran the step, as a shell reads it back (`git policy release tag
/// 1.2.3 --push`): hints say to run it again.
pub fn command_line() -> String {
    std::iter::once("git policy".to_owned())
        .chain(std::env::args().skip(1).map(|a| shell_word(&a)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` as a shell reads it back: as is when it is plain, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+@:=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
