//! `git policy release`: build the session, compute the step, print it with the evaluator's
//! verdict, then stop (`--dry-run`, or a refusal), push it (`--push`) or write it.

use std::io::Write;

use super::check::refuse_shallow;
use super::{Outcome, UserError, load_policy, open_repo};
use crate::cli::{ReleaseArgs, ReleaseStep};
use crate::release::{self, Move, Published, ReleaseError, Session, Step, steps};
use crate::repo::{Holding, Pushed};
use crate::report::{self, Verdict};

pub fn run(args: &ReleaseArgs) -> anyhow::Result<Outcome> {
    run_step(&args.step).map_err(|err| match err.downcast::<ReleaseError>() {
        Ok(err) => user_facing(err),
        Err(err) => err,
    })
}

/// Refuses, with the settings to make, where git does not know who makes the commits and tags
/// of a step (the plan computes them too, to judge them).
fn known_identity(session: &Session) -> anyhow::Result<()> {
    if session.git.knows_who() {
        return Ok(());
    }
    Err(UserError::hinted(
        "git does not know who you are: release steps make their commits and tags in your name",
        "set your name and e-mail address: `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`",
    ))
}

fn run_step(step: &ReleaseStep) -> anyhow::Result<Outcome> {
    let git = open_repo()?;
    refuse_shallow(&git)?;
    if let ReleaseStep::Plan(args) = step {
        let policy = load_policy(&git, args.policy.as_deref())?;
        let session = Session::start(git, policy, args.remote.as_deref())?;
        known_identity(&session)?;
        steps::plan::run(&session, args, &mut anstream::stdout().lock())?;
        return Ok(Outcome::Ok);
    }
    let Some(common) = step.common() else {
        return Ok(Outcome::Ok);
    };
    let policy = load_policy(&git, common.policy.as_deref())?;
    let session = Session::start(git, policy, common.remote.as_deref())?;
    known_identity(&session)?;
    // The step's objects stay in memory until it is judged and to be written: a refusal, a
    // dry run or an error leaves none behind.
    let (computed, judgement) = session.git.staged(|| {
        let computed = match step {
            ReleaseStep::Freeze(args) => steps::freeze::compute(&session, args),
            ReleaseStep::Branch(args) => steps::branch::compute(&session, args),
            ReleaseStep::Tag(args) => steps::tag::compute(&session, args),
            ReleaseStep::Port(args) => steps::port::compute(&session, args),
            ReleaseStep::Bump(args) => steps::bump::compute(&session, args),
            ReleaseStep::Merge(args) => steps::merge::compute(&session, args),
            ReleaseStep::Plan(_) => Err(ReleaseError::NotBuilt("plan")),
        }?;
        let judgement = release::judge(&session, &computed)?;
        let keep = (!common.dry_run && judgement.violations.is_empty())
            .then(|| computed.moves.iter().map(|m| m.new).collect());
        Ok::<_, ReleaseError>(((computed, judgement), keep))
    })?;
    let mut out = anstream::stdout().lock();
    write_moves(&session, &computed, &mut out)?;
    let verdict = Verdict {
        violations: &judgement.violations,
        policy: session.policy.origin.to_string(),
        subject: format!("`git policy release {}`", computed.name),
        notes: judgement.notes.clone(),
        warnings: Vec::new(),
    };
    report::write_text(&verdict, &mut out)?;
    if !judgement.violations.is_empty() {
        writeln!(out, "nothing was written")?;
        return Ok(Outcome::Violations);
    }
    let again = again();
    if common.dry_run {
        writeln!(out, "dry run: nothing was written")?;
        // What would stop the step here, said now rather than when it is run.
        if let Err(err) = release::writable(&session, &computed) {
            let err = user_facing(err);
            let message = err.to_string();
            let message = message.trim_end_matches(": nothing was written");
            writeln!(out, "warning: run now, the step would stop: {message}")?;
            if let Some(hint) = super::hint_of(&err) {
                writeln!(out, "hint: {hint}")?;
            }
            return Ok(Outcome::Ok);
        }
        writeln!(out, "hint: to do it, run `{again}`")?;
        return Ok(Outcome::Ok);
    }
    if common.push {
        let published = release::push(&session, &computed)?;
        return report_push(&session, &computed, &published, &again, &mut out);
    }
    release::write(&session, &computed)?;
    writeln!(out, "written here: {}", names(&computed).join(", "))?;
    writeln!(
        out,
        "hint: publish it with `{}`",
        release::push_command(&session, &computed)
    )?;
    Ok(Outcome::Ok)
}

/// What `--push` did, as `git push` and the server said it, and what to do where it failed.
fn report_push(
    session: &Session,
    step: &Step,
    published: &Published,
    again: &str,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let remote = &session.remote;
    let pushed = match published {
        Published::Atomic(pushed) => pushed,
        Published::NoOrder(pushed) => {
            show_refusal(pushed);
            let mut err = anstream::stderr().lock();
            writeln!(
                err,
                "rejected: `{remote}` judges each ref alone (an `update` hook) and refused the refs as one push, and no order of them is accepted one at a time: nothing was written"
            )?;
            writeln!(
                err,
                "hint: the server has to judge the push as one set: its administrator runs `git policy install --server <BARE_REPO> --hook pre-receive`"
            )?;
            return Ok(Outcome::Violations);
        }
        Published::RefByRef { order, pushes } => {
            for pushed in pushes.iter().filter(|p| p.ok) {
                show_said(pushed);
            }
            let landed = published.landed(step);
            let last = pushes.last().filter(|p| !p.ok);
            writeln!(
                out,
                "`{remote}` judges each ref alone (an `update` hook) and refused the refs as one push: pushed them one at a time, in an order it accepts: {}",
                ticked(order).join(", then ")
            )?;
            let Some(refused) = last else {
                let landed: Vec<&str> = landed.iter().map(Move::short).collect();
                writeln!(out, "pushed to `{remote}`: {}", landed.join(", "))?;
                return Ok(Outcome::Ok);
            };
            if landed.is_empty() {
                refused
            } else {
                show_refusal(refused);
                let rest = &order[landed.len()..];
                let commands: Vec<String> = rest
                    .iter()
                    .map(|m| format!("git push {remote} {}:{}", m.new, m.refname))
                    .collect();
                let message = format!(
                    "`{remote}` took {}, then refused {}: only what it took is written here",
                    ticked(&landed).join(", "),
                    ticked(&rest[..1]).join(""),
                );
                let hint = format!(
                    "fix what `{remote}` said above, then push the rest, one ref at a time: `{}`",
                    commands.join(" && ")
                );
                if refused.stderr.contains("remote: error[") {
                    let mut err = anstream::stderr().lock();
                    writeln!(err, "rejected: {message}")?;
                    writeln!(err, "hint: {hint}")?;
                    return Ok(Outcome::Violations);
                }
                return Err(UserError::hinted(message, hint));
            }
        }
    };
    if pushed.ok {
        show_said(pushed);
        writeln!(out, "pushed to `{remote}`: {}", names(step).join(", "))?;
        return Ok(Outcome::Ok);
    }
    show_refusal(pushed);
    // No ref has a status: a `pre-push` hook here refused it, or the push never reached the
    // remote (its URL, the network, access). Fetching would help neither.
    let statuses = pushed.stdout.lines().any(|l| l.starts_with('!'));
    let fatal = pushed.stderr.lines().any(|l| l.starts_with("fatal:"));
    if !statuses && !fatal {
        return Err(UserError::hinted(
            "a `pre-push` hook of this clone refused the push (its message is above): nothing was written",
            format!("fix what it says, then run `{again} --push` again"),
        ));
    }
    if !statuses {
        return Err(UserError::hinted(
            format!("cannot push to `{remote}` (git's message is above): nothing was written"),
            format!(
                "check its URL (`git remote get-url {remote}`) and your access to it, then run `{again} --push` again"
            ),
        ));
    }
    // The server's own git-policy judged it a violation: a verdict, not an error.
    if pushed.stderr.contains("remote: error[") {
        let mut err = anstream::stderr().lock();
        writeln!(
            err,
            "rejected: `{remote}` refused the step with the violations above (its policy or its refs differ from this clone's): nothing was written"
        )?;
        writeln!(
            err,
            "hint: `git fetch {remote}`, then judge the step against the server's refs: `{again} --dry-run`"
        )?;
        return Ok(Outcome::Violations);
    }
    Err(UserError::hinted(
        format!("`{remote}` refused the push, or has moved on: nothing was written"),
        moved_on_hint(session, step, again),
    ))
}

/// What the hooks and the server said, as `git push` shows it, without git's own `hint:`
/// lines (`git pull`): the step's hint is the one that fits.
fn show_said(pushed: &Pushed) {
    let said: Vec<&str> = pushed
        .stderr
        .lines()
        .filter(|l| !l.starts_with("hint:"))
        .collect();
    let said = said.join("\n");
    let said = said.trim_end();
    if !said.is_empty() {
        let _ = writeln!(anstream::stderr(), "{said}");
    }
}

/// What a refused push said, and the refs it refused (its `--porcelain` `!` lines).
fn show_refusal(pushed: &Pushed) {
    show_said(pushed);
    let refused: Vec<&str> = pushed
        .stdout
        .lines()
        .filter(|l| l.starts_with('!'))
        .collect();
    if !refused.is_empty() {
        let _ = writeln!(anstream::stderr(), "{}", refused.join("\n"));
    }
}

/// Moves by short name, in backticks.
fn ticked(moves: &[Move]) -> Vec<String> {
    moves
        .iter()
        .map(|m| format!("`{}`", report::printable(m.short())))
        .collect()
}

/// What to do when the remote refused the push or moved on: fetch, put this clone's unpushed
/// commits on the branches the step moves onto the remote's new tips (else the step, run
/// again, would rewrite them), and run the step again.
fn moved_on_hint(session: &Session, step: &Step, again: &str) -> String {
    let remote = &session.remote;
    let rebases: Vec<String> = step
        .moves
        .iter()
        .filter(|m| !m.is_tag())
        .filter(|m| match (m.from, session.before.get(&m.refname)) {
            (Some(from), Some(&pushed)) => from != pushed,
            _ => false,
        })
        .map(|m| format!("git rebase {remote}/{0} {0}", m.short()))
        .collect();
    if rebases.is_empty() {
        return format!("`git fetch {remote}`, then run `{again} --push` again");
    }
    format!(
        "`git fetch {remote}`, put this clone's unpushed commits on what `{remote}` has (`{}`), then run `{again} --push` again",
        rebases.join(" && ")
    )
}

/// The refs a step sets, by short name.
fn names(step: &Step) -> Vec<String> {
    step.moves.iter().map(|m| m.short().to_owned()).collect()
}

/// One line per move: `rc  a1b2c3d → d4e5f6a  merge of master`, `tag v0.13.0b1 on 0.13`.
fn write_moves(session: &Session, step: &Step, out: &mut dyn Write) -> anyhow::Result<()> {
    let width = step
        .moves
        .iter()
        .filter(|m| !m.is_tag())
        .map(|m| m.short().len())
        .max()
        .unwrap_or(0);
    for m in &step.moves {
        let name = report::printable(m.short()).to_string();
        let what = report::printable(&m.what);
        if m.is_tag() {
            writeln!(out, "tag {name} {what}")?;
            continue;
        }
        let from = m
            .from
            .map_or_else(|| "(new)".to_owned(), |from| from.short());
        let pushed = match session.before.get(&m.refname) {
            Some(&old) if Some(old) != m.from => {
                format!(" (`{}` has {})", session.remote, old.short())
            }
            _ => String::new(),
        };
        if m.from == Some(m.new) {
            writeln!(out, "{name:<width$}  {from}  {what}{pushed}")?;
        } else {
            writeln!(
                out,
                "{name:<width$}  {from} → {}  {what}{pushed}",
                m.new.short()
            )?;
        }
    }
    for note in &step.notes {
        writeln!(out, "note: {}", report::printable(note))?;
    }
    Ok(())
}

/// The command line that runs the step again, without `--dry-run` and `--push`.
fn again() -> String {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--dry-run" && a != "--push")
        .map(|a| release::shell_word(&a))
        .collect();
    format!("git policy {}", args.join(" "))
}

/// A step's error as the user reads it: a fix where there is one.
fn user_facing(err: ReleaseError) -> anyhow::Error {
    match err {
        ReleaseError::Usage { message, hint } => UserError::hinted(message, hint),
        ReleaseError::Needs {
            message,
            argument,
            example,
        } => UserError::hinted(message, format!("give `{argument}`, e.g. `{example}`")),
        ReleaseError::NotBuilt(step) => UserError::hinted(
            format!("`git policy release {step}` is not built yet"),
            "do this step by hand for now (`git policy explain` shows what the policy accepts)",
        ),
        ReleaseError::Write(crate::repo::WriteError::Dirty { paths }) => UserError::hinted(
            format!(
                "the work tree has changes to {}, which the step rewrites: nothing was written",
                paths
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            format!("commit or stash them (`git stash`), then run `{}` again", release::command_line()),
        ),
        ReleaseError::Write(crate::repo::WriteError::Held { branch, held }) => {
            let at = format!("git -C {}", release::shell_word(&held.worktree.display().to_string()));
            let (message, hint) = match held.how {
                // Removed without `git worktree remove`: git still counts it until pruned.
                _ if !held.worktree.exists() => (
                    format!("`{branch}` is checked out in the worktree `{}`, which is gone but still registered: nothing was written", held.worktree.display()),
                    format!("forget the worktrees that are gone, `git worktree prune`, then run `{}` again", release::command_line()),
                ),
                Holding::CheckedOut => (
                    format!("`{branch}` is checked out in the worktree `{}`, and the step would move it under that worktree: nothing was written", held.worktree.display()),
                    format!("detach that worktree (`{at} switch --detach`), run the step again, then check the branch out there again: `{at} switch {branch}`"),
                ),
                Holding::Rebased => (
                    format!("`{branch}` is being rebased in the worktree `{}`: nothing was written", held.worktree.display()),
                    format!("finish the rebase (`{at} rebase --continue`) or abort it (`{at} rebase --abort`), then run the step again"),
                ),
                Holding::Bisected => (
                    format!("`{branch}` is being bisected in the worktree `{}`: nothing was written", held.worktree.display()),
                    format!("end the bisect (`{at} bisect reset`), then run the step again"),
                ),
            };
            UserError::hinted(message, hint)
        }
        ReleaseError::Write(crate::repo::WriteError::InProgress(operation)) => UserError::hinted(
            format!("a `git {operation}` is in progress in this work tree, on the branch the step moves: nothing was written"),
            format!("finish it, or abort it (`git {operation} --abort`), then run `{}` again", release::command_line()),
        ),
        ReleaseError::PushedNotWritten { remote, source } => {
            anyhow::Error::new(*source).context(UserError {
                message: format!("`{remote}` took the step, but this clone could not write it"),
                hint: Some(format!(
                    "fix the cause above, then bring this clone up to date: `git fetch {remote}`, and `git merge --ff-only` on the checked-out branch"
                )),
            })
        }
        ReleaseError::Write(crate::repo::WriteError::Moved { refname, .. }) => UserError::hinted(
            format!("`{refname}` moved while the step ran: nothing was written"),
            format!("run the step again: `{}`", release::command_line()),
        ),
        other => anyhow::Error::new(other).context("the release step failed: nothing was written"),
    }
}
