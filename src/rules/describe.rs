//! What the rules see of a branch, for people (`git policy explain`): the version at its tip
//! and its last release tag, read exactly as the rules read them.

use pep440_rs::Version;

use super::RefState;
use super::context::{Eval, EvalError, short};
use super::view::{Id, RepoView};
use crate::policy::Policy;

/// The version a commit carries (from the policy's first version file present), if any.
pub fn version_of(
    policy: &Policy,
    view: &dyn RepoView,
    commit: Id,
) -> Result<Option<Version>, EvalError> {
    let state = RefState::new();
    let mut cx = Eval::new(policy, view, &state, &[]);
    Ok(cx.version_at(commit)?.map(|at| at.version.clone()))
}

/// The release tag in `state` with the highest version whose commit `tip` contains.
pub fn last_release_tag(
    policy: &Policy,
    view: &dyn RepoView,
    state: &RefState,
    tip: Id,
) -> Result<Option<String>, EvalError> {
    let mut cx = Eval::new(policy, view, state, &[]);
    let mut best: Option<(Version, String)> = None;
    for tag in cx.release_tags().iter() {
        let Some(commit) = cx.peel_commit(tag.target)? else {
            continue;
        };
        let newer = best.as_ref().is_none_or(|(v, _)| tag.version > *v);
        if newer && view.is_ancestor(commit, tip)? {
            best = Some((tag.version.clone(), short(&tag.refname).to_owned()));
        }
    }
    Ok(best.map(|(_, name)| name))
}
