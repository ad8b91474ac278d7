//! `git policy release port COMMIT [--onto B]...`: cherry-pick (`-x`) a fix into every branch
//! downstream of the protected branch it is on, in flow order, each pick made from its
//! immediate upstream's so that it names a commit of an allowed source, each version kept.

use std::collections::HashSet;

use crate::cli::PortArgs;
use crate::policy::Policy;
use crate::release::{Move, ReleaseError, Session, Step, flow};
use crate::repo::WriteError;
use crate::rules::{Id, RepoView, picked_from};

/// A branch that has the fix: where it stands after the step, and the commit that is the fix
/// there (the commit itself, or the pick of it).
struct Has {
    branch: String,
    class: usize,
    fix: Id,
}

pub fn compute(session: &Session, args: &PortArgs) -> Result<Step, ReleaseError> {
    let policy = &session.policy;
    let commit = session.git.resolve(&args.commit).map_err(|_| {
        ReleaseError::usage(
            format!("`{}` names no commit here", args.commit),
            format!(
                "fetch it first (`git fetch {}`), or name the commit by its id",
                session.remote
            ),
        )
    })?;
    let branches = protected_branches(session);
    let mut has: Vec<Has> = Vec::new();
    for (branch, class, tip) in &branches {
        if session.git.is_ancestor(commit, *tip)? {
            has.push(Has {
                branch: branch.clone(),
                class: *class,
                fix: commit,
            });
        }
    }
    let Some(home) = home_class(policy, &has) else {
        return Err(ReleaseError::usage(
            format!(
                "{} is on no protected branch, so there is nothing downstream to port it to",
                commit.short()
            ),
            "land it on the protected branch it fixes first, then run `git policy release port <its id there>`",
        ));
    };
    let home_name = has
        .iter()
        .find(|h| h.class == home)
        .map(|h| h.branch.clone())
        .unwrap_or_default();
    let order = downstream(policy, home);
    let targets: Vec<&(String, usize, Id)> = order
        .iter()
        .flat_map(|&class| branches.iter().filter(move |(_, c, _)| *c == class))
        .collect();
    for onto in &args.onto {
        if !targets.iter().any(|(b, _, _)| b == onto) {
            return Err(ReleaseError::usage(
                format!(
                    "`{onto}` is not downstream of `{home_name}`, where {} is",
                    commit.short()
                ),
                match targets.first() {
                    Some((first, _, _)) => format!(
                        "port onto the branches downstream ({}), e.g. `git policy release port {} --onto {first}`",
                        names(targets.iter().map(|(b, _, _)| b.as_str())),
                        args.commit
                    ),
                    None => format!(
                        "no branch takes commits from `{home_name}`: there is nowhere to port it"
                    ),
                },
            ));
        }
    }
    let mut step = Step::new("port");
    // Branches `--onto` leaves out, which the branches after them may need as a source.
    let mut left_out: Vec<(String, usize)> = Vec::new();
    for (branch, class, tip) in targets {
        if has.iter().any(|h| &h.branch == branch) {
            continue;
        }
        if let Some(fix) = picked_already(session, *tip, commit, &has)? {
            has.push(Has {
                branch: branch.clone(),
                class: *class,
                fix,
            });
            continue;
        }
        if !args.onto.is_empty() && !args.onto.contains(branch) {
            left_out.push((branch.clone(), *class));
            continue;
        }
        let Some(upstream) = has
            .iter()
            .find(|h| policy.branches[*class].accepts.classes.contains(&h.class))
        else {
            let sources = &policy.branches[*class].accepts.classes;
            if let Some((via, _)) = left_out.iter().find(|(_, c)| sources.contains(c)) {
                return Err(ReleaseError::usage(
                    format!(
                        "`{branch}` takes commits from `{via}`, which lacks {} and which `--onto` leaves out",
                        commit.short()
                    ),
                    format!(
                        "port it onto `{via}` too: `git policy release port {} --onto {via} --onto {branch}`",
                        args.commit
                    ),
                ));
            }
            step.notes.push(format!(
                "`{branch}` is left out: none of the branches it takes commits from has {}",
                commit.short()
            ));
            continue;
        };
        let keep: Vec<String> = session
            .version_files_at(*tip)?
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        let picked = session
            .git
            .cherry_pick(upstream.fix, *tip, &keep)
            .map_err(|err| conflict(err, (branch, &session.remote), upstream.fix))?;
        let Some(picked) = picked else {
            step.notes.push(format!(
                "`{branch}` has the change of {} already: a pick would change nothing",
                upstream.fix.short()
            ));
            continue;
        };
        step.moves.push(Move::branch(
            branch,
            Some(*tip),
            picked,
            format!(
                "cherry-pick of {} from `{}`",
                upstream.fix.short(),
                upstream.branch
            ),
        ));
        has.push(Has {
            branch: branch.clone(),
            class: *class,
            fix: picked,
        });
    }
    if step.moves.is_empty() {
        return Err(ReleaseError::usage(
            format!(
                "every branch downstream of `{home_name}` has {} already, or takes it from no branch that has it",
                commit.short()
            ),
            "nothing to port; `git policy release plan` shows the next steps",
        ));
    }
    Ok(step)
}

/// The protected branches where the session starts them, with their classes, in name order
/// (numbers as numbers: `0.9` before `0.12`).
fn protected_branches(session: &Session) -> Vec<(String, usize, Id)> {
    let mut branches: Vec<(String, usize, Id)> = session
        .tips
        .iter()
        .filter_map(|(refname, &tip)| {
            let branch = refname.strip_prefix("refs/heads/")?;
            let class = session.policy.class_of(branch)?;
            Some((branch.to_owned(), class, tip))
        })
        .collect();
    branches.sort_by_cached_key(|(name, _, _)| natural(name));
    branches
}

/// A sort key that orders the numbers in a name by value.
pub fn natural(name: &str) -> Vec<(u64, String)> {
    let mut key = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in name.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                key.push((0, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
                digits.clear();
            }
            text.push(c);
        }
    }
    if !digits.is_empty() {
        key.push((digits.parse().unwrap_or(u64::MAX), String::new()));
    }
    if !text.is_empty() {
        key.push((0, text));
    }
    key
}

/// The class the fix comes from: of the classes holding it, the first no other one feeds.
fn home_class(policy: &Policy, has: &[Has]) -> Option<usize> {
    let classes: Vec<usize> = has.iter().map(|h| h.class).collect();
    classes
        .iter()
        .copied()
        .find(|&c| {
            !classes.iter().any(|&other| {
                other != c
                    && downstream(policy, other).contains(&c)
                    && !downstream(policy, c).contains(&other)
            })
        })
        .or_else(|| classes.first().copied())
}

/// The classes downstream of `home` (those that accept it, transitively), in flow order.
pub fn downstream(policy: &Policy, home: usize) -> Vec<usize> {
    let mut order = Vec::new();
    let mut seen: HashSet<usize> = HashSet::from([home]);
    let mut queue = std::collections::VecDeque::from([home]);
    while let Some(class) = queue.pop_front() {
        for target in 0..policy.branches.len() {
            if flow::flows(policy, class, target) && seen.insert(target) {
                order.push(target);
                queue.push_back(target);
            }
        }
    }
    order
}

/// The commit on `tip` that is a pick of the fix (of `commit` or of a pick of it that a
/// branch holds), when there is one since the fix's history.
fn picked_already(
    session: &Session,
    tip: Id,
    commit: Id,
    has: &[Has],
) -> Result<Option<Id>, ReleaseError> {
    let known: Vec<Id> = std::iter::once(commit)
        .chain(has.iter().map(|h| h.fix))
        .collect();
    for candidate in session.git.walk(&[tip], &[commit])? {
        let message = session.git.commit(candidate)?.message;
        if picked_from(&message)
            .iter()
            .any(|named| known.contains(named))
        {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// A conflicting pick as the user fixes it: by hand, on that branch.
fn conflict(err: WriteError, (branch, remote): (&str, &str), fix: Id) -> ReleaseError {
    match err {
        WriteError::PickConflict { commit, paths } => ReleaseError::usage(
            format!(
                "cherry-picking {commit} onto `{branch}` conflicts in {}: nothing was written",
                names(paths.iter().map(String::as_str))
            ),
            format!(
                "port it by hand: `git switch {branch} && git cherry-pick -x {}`, resolve the conflicts, `git cherry-pick --continue`, then `git push {remote} {branch}`",
                fix.short()
            ),
        ),
        other => other.into(),
    }
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
