//! The freshest view of each protected branch in a clone: the local branch or its
//! remote-tracking ref, whichever contains the other; a warning with the fix when they diverged.

use super::{Git, RepoError};
use crate::rules::{RefState, RepoView};

/// A clone's refs as the rules should see them, and what people should know about them.
pub struct Fresh {
    pub state: RefState,
    pub warnings: Vec<String>,
}

impl Git {
    /// [`merged_state`](Self::merged_state), where for each branch `protected` names the newer
    /// of the local branch and the upstream remote's tracking ref stands when one contains the
    /// other: a `git fetch` that left a local `master` behind `origin/master` is not a reason
    /// to judge against the old `master`. Diverged, the local branch stands, with a warning.
    pub fn freshest_state(&self, protected: &dyn Fn(&str) -> bool) -> Result<Fresh, RepoError> {
        let mut warnings = Vec::new();
        let Some(remote) = self.upstream_remote() else {
            let state = self.local_state()?;
            return Ok(Fresh { state, warnings });
        };
        // The tracking refs come from the same pass over the refs as the state.
        let (mut state, tracking_refs) = self.clone_refs(&remote, true)?;
        // The branch checked out is judged at its `HEAD`; diverged, it is the user's to push.
        let current = self.head_branch();
        for (branch, tracking) in tracking_refs {
            let branch = branch.as_str();
            let refname = format!("refs/heads/{branch}");
            let Some(&local) = state.get(&refname) else {
                continue;
            };
            if local == tracking || !protected(branch) {
                continue;
            }
            let ancestry = |a, b| {
                self.is_ancestor(a, b).map_err(|source| RepoError::View {
                    what: format!("compare `{branch}` with `{remote}/{branch}`"),
                    source,
                })
            };
            if ancestry(local, tracking)? {
                state.insert(refname, tracking);
            } else if current.as_deref() != Some(branch) && !ancestry(tracking, local)? {
                warnings.push(format!(
                    "your `{branch}` and `{remote}/{branch}` have diverged: other branches were judged against your `{branch}`\nhint: `git switch {branch} && git rebase --autostash {remote}/{branch} && git switch -`"
                ));
            }
        }
        Ok(Fresh { state, warnings })
    }
}
