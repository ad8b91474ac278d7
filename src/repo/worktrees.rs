//! Which worktree holds a branch (checked out elsewhere, or being rebased or bisected), so a
//! release step never moves a branch under a worktree, as git itself never does.

use std::path::{Path, PathBuf};

use git2::Repository;

use super::Git;

/// How a worktree holds a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// Its `HEAD` names the branch (another worktree: this one's work tree follows the step).
    CheckedOut,
    /// A rebase there will set the branch when it ends.
    Rebased,
    /// A bisect there will check the branch out again when it ends.
    Bisected,
}

/// A worktree that holds a branch a step would move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// The worktree's top directory.
    pub worktree: PathBuf,
    pub how: Holding,
}

impl Git {
    /// The worktree that holds branch `refname` (`refs/heads/...`): another worktree that has
    /// it checked out, or any worktree (this one too) where a rebase or bisect holds it.
    pub fn held_by_worktree(&self, refname: &str) -> Option<Held> {
        let own = canonical(self.repo.path());
        for (git_dir, worktree) in self.worktrees() {
            let held = |how| {
                Some(Held {
                    worktree: worktree.clone()?,
                    how,
                })
            };
            let read = |name: &str| {
                std::fs::read_to_string(git_dir.join(name))
                    .ok()
                    .map(|text| text.trim().to_owned())
            };
            let elsewhere = canonical(&git_dir) != own;
            if elsewhere
                && read("HEAD")
                    .as_deref()
                    .and_then(|h| h.strip_prefix("ref: "))
                    == Some(refname)
            {
                if let Some(held) = held(Holding::CheckedOut) {
                    return Some(held);
                }
            }
            for rebase in ["rebase-merge/head-name", "rebase-apply/head-name"] {
                if read(rebase).as_deref() == Some(refname) {
                    if let Some(held) = held(Holding::Rebased) {
                        return Some(held);
                    }
                }
            }
            if let Some(start) = read("BISECT_START") {
                if start == refname || format!("refs/heads/{start}") == refname {
                    if let Some(held) = held(Holding::Bisected) {
                        return Some(held);
                    }
                }
            }
        }
        None
    }

    /// Each worktree's git directory with its top directory (`None`: a bare repository's).
    fn worktrees(&self) -> Vec<(PathBuf, Option<PathBuf>)> {
        let common = self.repo.commondir().to_path_buf();
        let main = if self.repo.is_worktree() {
            Repository::open(&common)
                .ok()
                .and_then(|main| main.workdir().map(top))
        } else {
            self.repo.workdir().map(top)
        };
        let mut all = vec![(common.clone(), main)];
        let Ok(linked) = std::fs::read_dir(common.join("worktrees")) else {
            return all;
        };
        for entry in linked.flatten() {
            let git_dir = entry.path();
            // `gitdir` names the worktree's `.git` file.
            let worktree = std::fs::read_to_string(git_dir.join("gitdir"))
                .ok()
                .and_then(|dot_git| Path::new(dot_git.trim()).parent().map(Path::to_path_buf));
            all.push((git_dir, worktree));
        }
        all
    }
}

/// A directory without the trailing `/` libgit2 gives it.
fn top(dir: &Path) -> PathBuf {
    dir.components().collect()
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
