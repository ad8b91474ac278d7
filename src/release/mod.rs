//! Guided release steps: each computes its whole result from the policy, has the one
//! evaluator judge it, and only then writes it.

pub mod changelog;
pub mod flow;
pub mod next;
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

/// The ref writes of a judged step, each checked against the local ref as the step found it.
fn ref_writes(session: &Session, step: &Step) -> Vec<RefWrite> {
    step.moves
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
    let message = format!("git policy release {}", step.name);
    Ok(session
        .git
        .write_refs(&ref_writes(session, step), &message)?)
}

/// Whether this clone could take a judged step now (no branch it moves held by a worktree,
/// no change in the work tree it would overwrite): a dry run says so.
pub fn writable(session: &Session, step: &Step) -> Result<(), ReleaseError> {
    session.git.writable(&ref_writes(session, step))?;
    Ok(())
}

/// Pushes a judged step atomically by object id; only when the remote took it are the local
/// refs and the tracking refs written, as a fetch would.
pub fn push(session: &Session, step: &Step) -> Result<Pushed, ReleaseError> {
    let writes = ref_writes(session, step);
    session.git.writable(&writes)?;
    let pushed = session.git.push_by_id(&session.remote, &writes)?;
    if !pushed.ok {
        return Ok(pushed);
    }
    let written = write(session, step).and_then(|()| {
        let tracking = tracking_writes(session, step)?;
        let message = format!("git policy release {}: pushed", step.name);
        Ok(session.git.write_refs(&tracking, &message)?)
    });
    written.map_err(|source| ReleaseError::PushedNotWritten {
        remote: session.remote.clone(),
        source: Box::new(source),
    })?;
    Ok(pushed)
}

/// The remote-tracking refs of the branches a pushed step moved, as a fetch would set them.
fn tracking_writes(session: &Session, step: &Step) -> Result<Vec<RefWrite>, ReleaseError> {
    let mut tracking = Vec::new();
    for m in step.moves.iter().filter(|m| !m.is_tag()) {
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
