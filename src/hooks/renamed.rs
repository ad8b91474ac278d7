//! A warning when the policy protects a branch by a name that is missing here while the
//! default branch is unprotected: `git branch -m master main` turns enforcement off silently.

use crate::policy::{Matcher, Policy};
use crate::repo::Git;

/// The warning, with the fix for the committed policy and the server's, when the default
/// branch is unprotected and an exact-named protected branch does not exist.
pub fn unprotected_default(git: &Git, policy: &Policy) -> Option<String> {
    // Every branch the policy names exists, the common case: a ref lookup each, no more.
    let missing = policy
        .branches
        .iter()
        .find_map(|class| match &class.matcher {
            Matcher::Exact(name) if !git.has_branch(name) => Some(name.clone()),
            _ => None,
        })?;
    let default = git.default_branch()?;
    if policy.class_of(&default).is_some() {
        return None;
    }
    Some(format!(
        "the policy protects `{missing}`, which does not exist here, and not `{default}`, the default branch: if `{missing}` was renamed, nothing on `{default}` is judged\nhint: rename it in the policy: in `.git-policy.toml`, `[branches.{missing}]` becomes `[branches.{default}]` and every `\"{missing}\"` becomes `\"{default}\"`; commit it, and give the server the same policy: `git policy install --server <bare repo> --policy .git-policy.toml`"
    ))
}
