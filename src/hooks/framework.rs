//! The pre-commit framework and prek run a `pre-push` hook without git's standard input: they
//! read it themselves and pass one ref of the push in `PRE_COMMIT_*` variables. This turns
//! those back into git's arguments and input line, for the one `pre-push` adapter.

use super::HookError;
use crate::repo::Git;

/// git's `pre-push` arguments (remote name, URL) and standard input, as the framework saw them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub args: Vec<String>,
    pub input: String,
}

const ZERO: &str = "0000000000000000000000000000000000000000";

/// The push the framework describes, or `None` when it did not run this hook.
///
/// The framework names the pushed ref's new commit but not reliably the remote's old one (for
/// a new branch it names the parent of the first new commit), so the old value is the
/// remote-tracking ref, as git-policy's own `pre-push` judges the other branches.
pub fn pre_push(
    git: &Git,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Push>, HookError> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let (Some(remote), Some(remote_ref)) = (
        var("PRE_COMMIT_REMOTE_NAME"),
        var("PRE_COMMIT_REMOTE_BRANCH"),
    ) else {
        return Ok(None);
    };
    let local_ref = var("PRE_COMMIT_LOCAL_BRANCH").unwrap_or_else(|| "HEAD".to_owned());
    // Pushing a history with its root commit, the framework names no commits at all.
    let new = match var("PRE_COMMIT_TO_REF") {
        Some(sha) => sha,
        None => git.resolve(&local_ref)?.to_string(),
    };
    let old = remote_ref
        .strip_prefix("refs/heads/")
        .and_then(|branch| git.resolve(&format!("refs/remotes/{remote}/{branch}")).ok())
        .map_or_else(|| ZERO.to_owned(), |id| id.to_string());
    let url = var("PRE_COMMIT_REMOTE_URL").unwrap_or_else(|| remote.clone());
    Ok(Some(Push {
        args: vec![remote, url],
        input: format!("{local_ref} {new} {remote_ref} {old}\n"),
    }))
}
