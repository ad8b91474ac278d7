//! `git policy release plan`: for each protected branch, its version, its last release tag,
//! and the steps the policy allows next, each computed by the step's own code, judged, and
//! listed only when accepted (with the versions it would set), or marked as needing an
//! argument the policy leaves to the user, with an example.

use std::io::Write;

use serde_json::{Value, json};

use crate::cli::{BranchArgs, CommonArgs, FreezeArgs, MergeArgs, PlanArgs, PlanFormat, TagArgs};
use crate::release::{ReleaseError, Session, Step, judge, steps};
use crate::rules::{Id, Peeled, RepoView};

/// A protected branch as the plan shows it.
struct Branch {
    name: String,
    version: Option<String>,
    last_tag: Option<String>,
    next: Vec<Next>,
}

/// A step the policy allows next.
enum Next {
    /// Computed and accepted: the command, and what it would set (`rc 0.13.0.dev4`, `tag v1`).
    Accepted { command: String, sets: Vec<String> },
    /// The policy leaves an argument to the user.
    Needs {
        command: String,
        argument: String,
        example: String,
    },
}

/// Writes the plan: each protected branch's version, last tag, and the steps allowed next.
pub fn run(session: &Session, args: &PlanArgs, out: &mut dyn Write) -> Result<(), ReleaseError> {
    // The steps are computed as dry runs: none may write to the work tree (a changelog stub).
    let session = Session {
        git: session.git.reopen()?,
        policy: session.policy.clone(),
        remote: session.remote.clone(),
        before: session.before.clone(),
        tips: session.tips.clone(),
        local: session.local.clone(),
        head: None,
        command: session.command.clone(),
        today: session.today,
    };
    let branches = plan(&session)?;
    let written = match args.format {
        PlanFormat::Text => write_text(&session, &branches, out),
        PlanFormat::Json => write_json(&session, &branches, out),
    };
    // A reader that stopped reading (`| head`) has what it wanted.
    let written = written.or_else(|err| match err.kind() {
        std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(err),
    });
    written.map_err(|err| {
        ReleaseError::usage(
            format!("cannot write the plan: {err}"),
            "write it somewhere that takes it, e.g. `git policy release plan > plan.txt`",
        )
    })
}

fn plan(session: &Session) -> Result<Vec<Branch>, ReleaseError> {
    let mut branches: Vec<(String, usize, Id)> = session
        .tips
        .iter()
        .filter_map(|(refname, &tip)| {
            let name = refname.strip_prefix("refs/heads/")?;
            Some((name.to_owned(), session.policy.class_of(name)?, tip))
        })
        .collect();
    branches.sort_by_cached_key(|(name, class, _)| (*class, steps::port::natural(name)));
    let tags = session.release_tags();
    let mut planned = Vec::new();
    for (name, _, tip) in &branches {
        let version = session
            .version_at(*tip)
            .ok()
            .flatten()
            .map(|(v, _)| v.to_string());
        let mut last: Option<&crate::release::Tagged> = None;
        for tag in &tags {
            let Ok(Peeled::Commit(commit)) = session.git.peel(tag.target) else {
                continue;
            };
            if session.git.is_ancestor(commit, *tip)?
                && last.is_none_or(|l| tag.version > l.version)
            {
                last = Some(tag);
            }
        }
        planned.push(Branch {
            name: name.clone(),
            version,
            last_tag: last.map(|t| t.name.clone()),
            next: Vec::new(),
        });
    }
    let mut add = |branch: &str, next: Next| {
        if let Some(entry) = planned.iter_mut().find(|b| b.name == branch) {
            let same = |n: &Next| match (n, &next) {
                (Next::Accepted { sets: a, .. }, Next::Accepted { sets: b, .. }) => a == b,
                _ => false,
            };
            if !entry.next.iter().any(same) {
                entry.next.push(next);
            }
        }
    };
    // The freeze moves a pair: it is listed under the first branch it moves.
    if let Some((branch, next)) = evaluate(
        session,
        "freeze",
        steps::freeze::compute(session, &FreezeArgs { common: dry() }),
    )? {
        add(&branch, next);
    }
    for (name, class, _) in &branches {
        let cut = BranchArgs {
            name: None,
            from: Some(name.clone()),
            version: None,
            common: dry(),
        };
        let command = format!("branch --from {name}");
        if let Some((under, next)) =
            evaluate(session, &command, steps::branch::compute(session, &cut))?
        {
            add(&under, next);
        }
        for (pre, final_, flag) in [
            (false, false, ""),
            (true, false, " --pre"),
            (false, true, " --final"),
        ] {
            let tag = TagArgs {
                version: None,
                pre,
                final_,
                branch: Some(name.clone()),
                common: dry(),
            };
            let command = format!("tag{flag} --branch {name}");
            if let Some((_, next)) =
                evaluate(session, &command, steps::tag::compute(session, &tag))?
            {
                add(name, next);
            }
        }
        for (into, _, _) in branches.iter().filter(|(other, c, _)| {
            other != name && session.policy.branches[*c].accepts.classes.contains(class)
        }) {
            let merge = MergeArgs {
                branch: name.clone(),
                into: Some(into.clone()),
                common: dry(),
            };
            let command = format!("merge {name} --into {into}");
            if let Some((_, next)) =
                evaluate(session, &command, steps::merge::compute(session, &merge))?
            {
                add(name, next);
            }
        }
    }
    Ok(planned)
}

/// The options of a dry run against the session's remote.
fn dry() -> CommonArgs {
    CommonArgs {
        dry_run: true,
        push: false,
        remote: None,
        policy: None,
    }
}

/// A computed step judged: accepted, with the branch it is listed under and what it sets; a
/// missing argument; or nothing to list (refused, or not a step from here).
fn evaluate(
    session: &Session,
    command: &str,
    computed: Result<Step, ReleaseError>,
) -> Result<Option<(String, Next)>, ReleaseError> {
    let command = format!("git policy release {command}");
    let step = match computed {
        Ok(step) => step,
        Err(ReleaseError::Needs {
            argument, example, ..
        }) => {
            let under = example
                .split_whitespace()
                .skip_while(|w| *w != "--from")
                .nth(1)
                .or_else(|| command.split_whitespace().last())
                .unwrap_or_default()
                .to_owned();
            return Ok(Some((
                under,
                Next::Needs {
                    command,
                    argument,
                    example,
                },
            )));
        }
        Err(
            ReleaseError::Usage { .. }
            | ReleaseError::NotBuilt(_)
            | ReleaseError::SetVersion { .. }
            | ReleaseError::ReadVersion { .. }
            | ReleaseError::Write(_),
        ) => return Ok(None),
        Err(other) => return Err(other),
    };
    let judgement = judge(session, &step)?;
    if !judgement.violations.is_empty() {
        return Ok(None);
    }
    let Some(first) = step.moves.first() else {
        return Ok(None);
    };
    let mut sets = Vec::new();
    for m in &step.moves {
        if m.is_tag() {
            sets.push(format!("tag {}", m.short()));
        } else {
            let version = session
                .version_at(m.new)?
                .map_or_else(|| "no version".to_owned(), |(v, _)| v.to_string());
            sets.push(format!("{} {version}", m.short()));
        }
    }
    Ok(Some((
        first.short().to_owned(),
        Next::Accepted { command, sets },
    )))
}

fn write_text(session: &Session, branches: &[Branch], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "the release plan of {}, from `{}` as this clone knows it",
        session.policy.origin, session.remote
    )?;
    for branch in branches {
        let version = branch.version.as_deref().unwrap_or("no version");
        let tag = branch.last_tag.as_deref().map_or_else(
            || "no release tag".to_owned(),
            |t| format!("last tag `{t}`"),
        );
        writeln!(out, "\n`{}` at {version}, {tag}", branch.name)?;
        if branch.next.is_empty() {
            writeln!(out, "  nothing next that the policy accepts")?;
        }
        for next in &branch.next {
            match next {
                Next::Accepted { command, sets } => {
                    writeln!(out, "  next: `{command}`: {}", sets.join(", "))?;
                }
                Next::Needs {
                    argument, example, ..
                } => {
                    writeln!(out, "  needs `{argument}`: e.g. `{example}`")?;
                }
            }
        }
    }
    Ok(())
}

fn write_json(session: &Session, branches: &[Branch], out: &mut dyn Write) -> std::io::Result<()> {
    let branches: Vec<Value> = branches
        .iter()
        .map(|b| {
            let next: Vec<Value> = b
                .next
                .iter()
                .map(|n| match n {
                    Next::Accepted { command, sets } => {
                        json!({ "command": command, "accepted": true, "sets": sets })
                    }
                    Next::Needs {
                        command,
                        argument,
                        example,
                    } => json!({
                        "command": command,
                        "accepted": false,
                        "needs": argument,
                        "example": example,
                    }),
                })
                .collect();
            json!({
                "branch": b.name,
                "version": b.version,
                "last_tag": b.last_tag,
                "next": next,
            })
        })
        .collect();
    let plan = json!({
        "policy": session.policy.origin.to_string(),
        "remote": session.remote,
        "branches": branches,
    });
    let text = serde_json::to_string_pretty(&plan).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
