//! `git policy release merge BRANCH [--into B]`: merge a branch into where the policy lets it
//! go (a branch of a class that accepts BRANCH's), by a fast-forward where the target's rules
//! allow one, else a merge commit whose version-file conflict takes BRANCH's version only when
//! the target may carry it.

use crate::cli::MergeArgs;
use crate::release::{Move, ReleaseError, Session, Step};
use crate::repo::WriteError;
use crate::rules::{Id, RepoView, kind_problem};

pub fn compute(session: &Session, args: &MergeArgs) -> Result<Step, ReleaseError> {
    let policy = &session.policy;
    let branch = args.branch.as_str();
    let tip = session.branch_tip(branch)?;
    let into = match &args.into {
        Some(into) => into.clone(),
        None => target(session, branch)?,
    };
    let into_tip = session.branch_tip(&into)?;
    if session.git.is_ancestor(tip, into_tip)? {
        return Err(ReleaseError::usage(
            format!("`{into}` has everything `{branch}` has: there is nothing to merge"),
            "`git policy release plan` shows the next steps",
        ));
    }
    let into_class = policy.class_of(&into);
    let version = session.version_at(tip)?.map(|(v, _)| v);
    let carries = version
        .as_ref()
        .map_or_else(String::new, |v| format!(", {v}"));
    let first_parent = into_class.is_some_and(|c| policy.branches[c].first_parent);
    let mut step = Step::new("merge");
    if session.git.is_ancestor(into_tip, tip)?
        && (!first_parent || on_first_parent_line(session, into_tip, tip)?)
    {
        step.moves.push(Move::branch(
            &into,
            Some(into_tip),
            tip,
            format!("fast-forward to `{branch}`{carries}"),
        ));
        return Ok(step);
    }
    let message = format!(
        "Merge branch '{branch}' into {into}\n\nrelease: merge {branch}{carries} into {into}\n"
    );
    let merged = match session
        .git
        .merge_commit((into_tip, &into), (tip, branch), &[], &message)
    {
        Ok(merged) => merged,
        Err(WriteError::Conflict { paths, .. }) => {
            let versions: Vec<(String, Vec<u8>)> = session
                .version_files_at(tip)?
                .into_iter()
                .map(|(path, _)| {
                    let bytes = session.git.read_file(tip, &path)?.unwrap_or_default();
                    Ok((path, bytes))
                })
                .collect::<Result<_, ReleaseError>>()?;
            let others: Vec<&String> = paths
                .iter()
                .filter(|p| !versions.iter().any(|(v, _)| v == *p))
                .collect();
            if !others.is_empty() {
                return Err(ReleaseError::usage(
                    format!(
                        "merging `{branch}` into `{into}` conflicts in {}: nothing was written",
                        quoted(others.iter().map(|p| p.as_str()))
                    ),
                    format!(
                        "merge it by hand: `git switch {into} && git merge {branch}`, resolve the conflicts, commit, then `git push {} {into}`",
                        session.remote
                    ),
                ));
            }
            accepted_on(session, &into, into_class, version.as_ref(), &paths, branch)?;
            session
                .git
                .merge_commit((into_tip, &into), (tip, branch), &versions, &message)?
        }
        Err(other) => return Err(other.into()),
    };
    if session.git.same_tree(merged, into_tip)? {
        return Err(ReleaseError::usage(
            format!(
                "`{into}` has every change `{branch}` has (picked already): a merge would change nothing"
            ),
            "`git policy release plan` shows the next steps",
        ));
    }
    step.moves.push(Move::branch(
        &into,
        Some(into_tip),
        merged,
        format!("merge of `{branch}`{carries}"),
    ));
    Ok(step)
}

/// Where the policy lets `branch` go: the one branch of the classes that accept its class.
fn target(session: &Session, branch: &str) -> Result<String, ReleaseError> {
    let policy = &session.policy;
    let example = |into: &str| ReleaseError::Needs {
        message: format!("say which branch `{branch}` goes into"),
        argument: "--into".to_owned(),
        example: format!("git policy release merge {branch} --into {into}"),
    };
    let Some(class) = policy.class_of(branch) else {
        let default = session.git.default_branch();
        return Err(example(default.as_deref().unwrap_or("<branch>")));
    };
    let targets: Vec<String> = session
        .tips
        .keys()
        .filter_map(|refname| refname.strip_prefix("refs/heads/"))
        .filter(|name| *name != branch)
        .filter(|name| {
            policy
                .class_of(name)
                .is_some_and(|c| policy.branches[c].accepts.classes.contains(&class))
        })
        .map(str::to_owned)
        .collect();
    match targets.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(ReleaseError::usage(
            format!(
                "no branch takes commits from `{branch}` (class `{}`)",
                policy.branches[class].name
            ),
            "`git policy explain` shows which branches accept which",
        )),
        [first, ..] => Err(example(first)),
    }
}

/// Whether `old` is on the first-parent line of `new` (a fast-forward keeps the target's
/// first-parent history).
fn on_first_parent_line(session: &Session, old: Id, new: Id) -> Result<bool, ReleaseError> {
    let mut cursor = new;
    loop {
        if cursor == old {
            return Ok(true);
        }
        if !session.git.is_ancestor(old, cursor)? {
            return Ok(false);
        }
        match session.git.parents(cursor)?.first() {
            Some(&parent) => cursor = parent,
            None => return Ok(false),
        }
    }
}

/// Refuses to resolve the version-file conflict with `version` when `into`'s rules do not let
/// it carry that version.
fn accepted_on(
    session: &Session,
    into: &str,
    into_class: Option<usize>,
    version: Option<&pep440_rs::Version>,
    paths: &[String],
    branch: &str,
) -> Result<(), ReleaseError> {
    let rules = into_class.and_then(|c| session.policy.branches[c].version.as_ref());
    let (Some(rules), Some(version)) = (rules, version) else {
        return Ok(());
    };
    let Some(problem) = kind_problem(version, rules.kinds.as_deref(), rules.pre.as_deref()) else {
        return Ok(());
    };
    Err(ReleaseError::usage(
        format!(
            "merging `{branch}` into `{into}` conflicts in {}, and `{branch}`'s {version} is not one `{into}` may carry ({problem}): nothing was written",
            quoted(paths.iter().map(String::as_str))
        ),
        format!(
            "set a version `{into}` accepts on `{branch}` first, e.g. `git policy release bump {} --branch {branch}`, then merge again",
            version.only_release()
        ),
    ))
}

fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
