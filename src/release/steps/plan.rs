//! `git policy release plan`: for each protected branch, its version, its last release tag,
//! and the steps the policy allows next, each computed by the step's own code, judged, and
//! listed only when accepted (with the versions it would set), or marked as needing an
//! argument the policy leaves to the user, with an example.

use std::io::Write;

use crate::cli::{
    BranchArgs, CommonArgs, FreezeArgs, MergeArgs, PlanArgs, PlanFormat, PortArgs, TagArgs,
};
use crate::release::{ReleaseError, Session, Step, judge, steps};
use crate::rules::{Id, Peeled, RepoView};

mod show;

/// A protected branch as the plan shows it.
struct Branch {
    name: String,
    /// Its normal form (`0.13.0b1`).
    version: Option<String>,
    /// As the version file writes it, with the normal form where that differs.
    shown: Option<String>,
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

impl Next {
    fn command(&self) -> &str {
        match self {
            Next::Accepted { command, .. }
            | Next::Changelog { command, .. }
            | Next::Needs { command, .. } => command,
        }
    }
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
        PlanFormat::Text => show::text(&session, &branches, out),
        PlanFormat::Json => show::json(&session, &branches, out),
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
        let shown = session.shown_at(*tip);
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
            shown,
            last_tag: last.map(|t| t.name.clone()),
            next: Vec::new(),
        });
    }
    // The freeze moves a pair: it is listed under the first branch it moves.
    if let Some((branch, next)) = evaluate(
        session,
        "freeze",
        steps::freeze::compute(session, &FreezeArgs { common: dry() }),
    )? {
        add_next(&mut planned, &branch, next);
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
            add_next(&mut planned, &under, next);
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
                    add_next(
                        &mut planned,
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
                        add_next(&mut planned, name, next);
                    }
                }
            }
        }
        let tagged = planned
            .iter()
            .find(|b| &b.name == name)
            .is_some_and(|b| b.next.iter().any(|n| n.command().contains(" tag")));
        if !tagged && let Some(example) = next_release(session, *class, *tip)? {
            // The next release is the user's to choose (a micro, a minor): the next micro is
            // the example, where the policy accepts its tag (its changelog entry aside).
            let command = format!("tag {example} --branch {name}");
            let tag = TagArgs {
                version: Some(example.to_string()),
                pre: false,
                final_: false,
                branch: Some(name.clone()),
                common: dry(),
            };
            let listed = match steps::tag::compute(session, &tag) {
                Err(ReleaseError::Usage { message, .. })
                    if message.contains(" has no entry for ") =>
                {
                    true
                }
                computed => matches!(
                    evaluate(session, &command, computed)?,
                    Some((_, Next::Accepted { .. }))
                ),
            };
            if listed {
                add_next(
                    &mut planned,
                    name,
                    Next::Needs {
                        command: format!("git policy release tag VERSION --branch {name}"),
                        argument: "VERSION".to_owned(),
                        example: format!("git policy release {command}"),
                    },
                );
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
                add_next(&mut planned, name, next);
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
                add_next(
                    &mut planned,
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

/// Lists `next` under `branch`, once: a step that sets the same refs to the same versions as
/// one listed already, or asks for the same changelog entry, is the same step.
fn add_next(planned: &mut [Branch], branch: &str, next: Next) {
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

/// The example of a next release tagged from a branch of `class`: the next micro of the
/// version it carries, as the first pre-release where a tag class on the branch releases
/// pre-releases (with its letter, else `rc`). `None` where no tag class releases from it.
fn next_release(
    session: &Session,
    class: usize,
    tip: Id,
) -> Result<Option<pep440_rs::Version>, ReleaseError> {
    use crate::version::{Kind, PreLetter};
    let policy = &session.policy;
    let on: Vec<&crate::policy::TagClass> = policy
        .tags
        .iter()
        .filter(|t| t.on.is_empty() || t.on.contains(&class))
        .collect();
    let Some((carried, _)) = session.version_at(tip)? else {
        return Ok(None);
    };
    if on.is_empty() {
        return Ok(None);
    }
    let mut release = carried.release().to_vec();
    release.resize(release.len().max(3), 0);
    release[2] += 1;
    let release = pep440_rs::Version::new(release);
    let pre = on
        .iter()
        .find(|t| t.kinds.as_ref().is_none_or(|k| k.contains(&Kind::Pre)));
    let Some(pre) = pre else {
        return Ok(Some(release));
    };
    let letter = pre
        .pre
        .as_ref()
        .and_then(|l| l.first().copied())
        .unwrap_or(PreLetter::Rc);
    let existing: Vec<pep440_rs::Version> = session
        .release_tags()
        .into_iter()
        .map(|t| t.version)
        .collect();
    Ok(Some(crate::release::next::next_pre(
        &release, letter, &existing,
    )))
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
