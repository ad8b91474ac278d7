//! `git policy release freeze`: the branch kept below (pytokio's `rc`) takes the one kept
//! above it (`master`), by a fast-forward where it can, else a merge, and the upper branch
//! moves on to the first dev version of its next `by` (`0.14.0.dev1`): one update set, so
//! "at least one minor above" holds throughout.

use crate::cli::FreezeArgs;
use crate::policy::Level;
use crate::release::{Move, ReleaseError, Session, Step, flow, next};
use crate::rules::RepoView;

pub fn compute(session: &Session, _args: &FreezeArgs) -> Result<Step, ReleaseError> {
    let policy = &session.policy;
    let Some(pair) = flow::kept_above(policy).into_iter().next() else {
        return Err(ReleaseError::usage(
            format!(
                "{} has no feature freeze: no branch is kept above another (`version.above`), so there is no pair for a freeze to move",
                policy.origin
            ),
            "release with the steps it has: `git policy release tag` (and `branch`, `bump`); `git policy explain` shows its branches",
        ));
    };
    let name = |class: usize| {
        flow::exact_name(policy, class).ok_or_else(|| {
            ReleaseError::usage(
                format!(
                    "branch class `{}` names many branches, so a freeze cannot tell which to move",
                    policy.branches[class].name
                ),
                "a freeze moves one named branch (`[branches.rc]`); cut and tag release branches with `git policy release branch` and `tag`",
            )
        })
    };
    let (upper, lower) = (name(pair.upper)?, name(pair.lower)?);
    let upper_tip = session.branch_tip(upper)?;
    let lower_tip = session.branch_tip(lower)?;
    let Some((version, path)) = session.version_at(upper_tip)? else {
        return Err(ReleaseError::usage(
            format!("`{upper}` has no version file, so there is no version to freeze"),
            session.no_version_file_hint(),
        ));
    };
    if session.git.is_ancestor(upper_tip, lower_tip)? {
        return Err(ReleaseError::usage(
            format!("`{lower}` has everything `{upper}` has: there is nothing to freeze"),
            format!(
                "land the features on `{upper}` first; to move `{upper}` on alone: `git policy release bump {} --branch {upper}`",
                next::next_dev(&version, pair.by)
            ),
        ));
    }
    let frozen = label(&version, pair.by);
    let bumped = next::next_dev(&version, pair.by);
    let mut step = Step::new("freeze");
    // The version `lower` takes, as `upper`'s file writes it.
    let written = session.as_written(upper_tip, &version);
    let (lower_new, how) = if session.git.is_ancestor(lower_tip, upper_tip)? {
        (upper_tip, format!("fast-forward to `{upper}`, {written}"))
    } else {
        // The version files come from the upper branch: a conflict there is the freeze's.
        let files: Vec<(String, Vec<u8>)> = session
            .version_files_at(upper_tip)?
            .into_iter()
            .map(|(p, _)| {
                let bytes = session.git.read_file(upper_tip, &p)?.unwrap_or_default();
                Ok((p, bytes))
            })
            .collect::<Result<_, ReleaseError>>()?;
        let where_ = match files.len() {
            0 | 1 => format!("`{path}`"),
            _ => format!("`{path}` and the other version files"),
        };
        let message = format!("Merge branch '{upper}' into {lower}\n\nrelease: freeze {frozen}\n");
        let merge =
            session
                .git
                .merge_commit((lower_tip, lower), (upper_tip, upper), &files, &message)
                .map_err(|err| match err {
                    // Resolved by hand once `upper` has moved on: the merge of its commit
                    // before the bump then keeps the relation.
                    crate::repo::WriteError::Conflict { paths, .. } => ReleaseError::usage(
                        format!(
                            "merging `{upper}` into `{lower}` conflicts in {}, which a freeze cannot resolve: nothing was written",
                            crate::rules::cut_short(
                                &paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>()
                            )
                        ),
                        format!(
                            "move `{upper}` on first, `git policy release bump {bumped} --branch {upper} --push`; then merge the commit before it into `{lower}`, `git switch {lower} && git merge {}`, resolve the conflicts with {} in {where_}, `git commit`, and `git push {} {lower}`",
                            upper_tip.short(),
                            written,
                            session.remote,
                        ),
                    ),
                    other => other.into(),
                })?;
        (merge, format!("merge of `{upper}`, {written}"))
    };
    step.moves
        .push(Move::branch(lower, Some(lower_tip), lower_new, how));
    let message = format!("release: freeze {frozen} ({upper} {bumped})");
    let upper_new = session.commit_version(upper_tip, &bumped, &message)?;
    step.moves.push(Move::branch(
        upper,
        Some(upper_tip),
        upper_new,
        format!(
            "set version {bumped} (was {} in `{path}`)",
            session.as_written(upper_tip, &version)
        ),
    ));
    Ok(step)
}

/// What is frozen, as people name it: the release components down to `by` (`0.13`).
fn label(version: &pep440_rs::Version, by: Level) -> String {
    let depth = by.depth().unwrap_or(3);
    (0..depth)
        .map(|i| version.release().get(i).copied().unwrap_or(0).to_string())
        .collect::<Vec<_>>()
        .join(".")
}
