//! `git policy release bump VERSION`: one commit on the branch that sets VERSION in every
//! version file, each in its own format (lockstep, globs).

use crate::cli::BumpArgs;
use crate::release::{Move, ReleaseError, Session, Step};
use crate::rules::RepoView;

pub fn compute(session: &Session, args: &BumpArgs) -> Result<Step, ReleaseError> {
    let branch = session.branch_or_head(args.branch.as_deref())?;
    let version = Session::parse_version(&args.version)?;
    let tip = session.branch_tip(&branch)?;
    let current = session.version_at(tip)?.map(|(v, _)| v);
    if current.as_ref() == Some(&version)
        && session
            .version_files_with(tip, &version)?
            .iter()
            .all(|(path, bytes)| {
                session.git.read_file(tip, path).ok().flatten().as_ref() == Some(bytes)
            })
    {
        return Err(ReleaseError::usage(
            format!("`{branch}` is at {version} already, in every version file"),
            format!(
                "name the version to move to, e.g. `git policy release bump {}{}`",
                following(&version),
                args.branch
                    .as_deref()
                    .map_or_else(String::new, |b| format!(" --branch {b}"))
            ),
        ));
    }
    let message = format!("release: set version {version}");
    let new = session.commit_version(tip, &version, &message)?;
    let was = current.map_or_else(|| "no version".to_owned(), |v| session.as_written(tip, &v));
    let mut step = Step::new("bump");
    step.moves.push(Move::branch(
        &branch,
        Some(tip),
        new,
        format!("set version {version} (was {was})"),
    ));
    Ok(step)
}

/// The version after `version` a bump most likely means: the next dev, pre-release or micro.
fn following(version: &pep440_rs::Version) -> pep440_rs::Version {
    match version.dev() {
        Some(dev) => version.clone().with_dev(Some(dev + 1)),
        None => crate::rules::next_after(version),
    }
}
