//! `git policy release plan`: for each protected branch, its version, its last release tag,
//! and the steps the policy allows next, each computed by the step's own code, judged, and
//! listed only when accepted (with the versions it would set), or marked as needing an
//! argument the policy leaves to the user, with an example.

use std::io::Write;

use serde_json::{Value, json};

use crate::cli::{
    BranchArgs, CommonArgs, FreezeArgs, MergeArgs, PlanArgs, PlanFormat, PortArgs, TagArgs,
};
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
    /// Computed and accepted: the command, and what it would set.
    Accepted { command: String, sets: Vec<Sets> },
    /// A changelog lacks the entry the step's tag needs (`release tag` stubs it on the branch
    /// checked out): what is missing.
    Changelog {
        command: String,
        branch: String,
        missing: String,
    },
    /// The policy leaves an argument to the user.
    Needs {
        command: String,
        argument: String,
        example: String,
    },
}

/// A ref an accepted step sets: a branch, with the version it would carry, or a tag.
#[derive(PartialEq, Eq)]
enum Sets {
    Branch {
        name: String,
        version: Option<String>,
    },
    Tag {
        name: String,
    },
}

/// Writes the plan: each protected branch's version, last tag, and the steps allowed next.
pub fn run(session: &Session, args: &PlanArgs, out: &mut dyn Write) -> Result<(), ReleaseError> {
    // The steps are computed as dry runs: their objects stay in memory, and none may write to
    // the work tree (a changelog stub).
    let git = session.git.reopen()?;
    git.objects_in_memory()?;
    let session = Session {
        git,
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
                (Next::Changelog { missing: a, .. }, Next::Changelog { missing: b, .. }) => a == b,
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
    for (name, class, tip) in &branches {
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
            match steps::tag::compute(session, &tag) {
                // The tag's changelog entry comes first: the plan says so, and how.
                Err(ReleaseError::Usage { message, .. })
                    if message.contains(" has no entry for ") =>
                {
                    add(
                        name,
                        Next::Changelog {
                            command: format!("git policy release {command}"),
                            branch: name.clone(),
                            missing: message,
                        },
                    );
                }
                computed => {
                    if let Some((_, next)) = evaluate(session, &command, computed)? {
                        add(name, next);
                    }
                }
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
        let downstream: Vec<Id> = branches
            .iter()
            .filter(|(other, c, _)| {
                other != name && session.policy.branches[*c].accepts.classes.contains(class)
            })
            .map(|(_, _, tip)| *tip)
            .collect();
        if let Some(fix) = unported(session, *tip, &downstream)? {
            let port = PortArgs {
                commit: fix.to_string(),
                onto: Vec::new(),
                common: dry(),
            };
            // Which fix to port is the user's: the one found is the example, where the
            // policy accepts its port.
            let command = format!("port {}", fix.short());
            let computed = steps::port::compute(session, &port);
            if let Some((_, Next::Accepted { .. })) = evaluate(session, &command, computed)? {
                add(
                    name,
                    Next::Needs {
                        command: "git policy release port COMMIT".to_owned(),
                        argument: "COMMIT".to_owned(),
                        example: format!("git policy release {command}"),
                    },
                );
            }
        }
    }
    Ok(planned)
}

/// How many commits of a branch the plan looks through for a fix to port.
const PORT_LOOKS_AT: usize = 50;

/// The newest commit on `tip` that the branches it feeds (`downstream`) lack, neither merged
/// nor picked, and that is a fix: one parent, no version file changed.
fn unported(session: &Session, tip: Id, downstream: &[Id]) -> Result<Option<Id>, ReleaseError> {
    if downstream.is_empty() {
        return Ok(None);
    }
    let picked: std::collections::HashSet<Id> = session
        .git
        .walk(downstream, &[tip])?
        .into_iter()
        .filter_map(|c| session.git.commit(c).ok())
        .flat_map(|info| crate::rules::picked_from(&info.message))
        .collect();
    for commit in session
        .git
        .walk(&[tip], downstream)?
        .into_iter()
        .take(PORT_LOOKS_AT)
    {
        if picked.contains(&commit) {
            continue;
        }
        let parents = session.git.parents(commit)?;
        let [parent] = parents.as_slice() else {
            continue;
        };
        let version = session.version_at(commit).ok().flatten().map(|(v, _)| v);
        let before = session.version_at(*parent).ok().flatten().map(|(v, _)| v);
        if version == before {
            return Ok(Some(commit));
        }
    }
    Ok(None)
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
        let name = m.short().to_owned();
        if m.is_tag() {
            sets.push(Sets::Tag { name });
        } else {
            let version = session.version_at(m.new)?.map(|(v, _)| v.to_string());
            sets.push(Sets::Branch { name, version });
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
                    let sets: Vec<String> = sets
                        .iter()
                        .map(|set| match set {
                            Sets::Branch {
                                name,
                                version: Some(version),
                            } => format!("`{name}` at {version}"),
                            Sets::Branch {
                                name,
                                version: None,
                            } => format!("`{name}` moved"),
                            Sets::Tag { name } => format!("tag `{name}`"),
                        })
                        .collect();
                    writeln!(out, "  next: `{command}` ({})", sets.join(", "))?;
                }
                Next::Needs {
                    argument, example, ..
                } => {
                    writeln!(out, "  needs `{argument}`: e.g. `{example}`")?;
                }
                Next::Changelog {
                    command,
                    branch,
                    missing,
                } => {
                    writeln!(
                        out,
                        "  needs a changelog entry: {missing}; `git switch {branch}`, then `{command}` adds the heading for you to fill in"
                    )?;
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
                        let sets: Vec<Value> = sets
                            .iter()
                            .map(|set| match set {
                                Sets::Branch { name, version } => {
                                    json!({ "branch": name, "version": version })
                                }
                                Sets::Tag { name } => json!({ "tag": name }),
                            })
                            .collect();
                        json!({ "command": command, "accepted": true, "sets": sets })
                    }
                    Next::Changelog {
                        command,
                        branch,
                        missing,
                    } => json!({
                        "command": command,
                        "accepted": false,
                        "needs": "changelog",
                        "branch": branch,
                        "missing": missing,
                    }),
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
