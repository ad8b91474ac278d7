//! Where a hosting layer runs a repository's server hooks: git's own `hooks/`, GitLab's
//! `custom_hooks/<hook>.d/` (run by Gitaly) or Gitea's and Forgejo's `hooks/<hook>.d/` (run by
//! the `hooks/<hook>` scripts they write), so that `install --server` puts git-policy beside the
//! layer's own hooks instead of over them.

use std::path::{Path, PathBuf};

use super::transaction;

/// A repository's server hook layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// git runs `hooks/<hook>` itself.
    Plain,
    /// GitLab: `hooks/` belongs to Gitaly, which runs `custom_hooks/<hook>.d/*`.
    GitLab,
    /// Gitea and Forgejo: their `hooks/<hook>` runs every file in `hooks/<hook>.d/`.
    Gitea,
}

impl Layout {
    /// The layout a repository shows: GitLab's `custom_hooks/` (or a `hooks/` that is Gitaly's
    /// link), Gitea's `hooks/pre-receive.d/` or `hooks/update.d/`, else plain.
    pub fn detect(git_dir: &Path) -> Layout {
        let hooks = git_dir.join("hooks");
        let linked = std::fs::symlink_metadata(&hooks).is_ok_and(|m| m.file_type().is_symlink());
        if git_dir.join("custom_hooks").is_dir() || linked {
            Layout::GitLab
        } else if hooks.join("pre-receive.d").is_dir() || hooks.join("update.d").is_dir() {
            Layout::Gitea
        } else {
            Layout::Plain
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Layout::Plain => "plain git",
            Layout::GitLab => "GitLab",
            Layout::Gitea => "Gitea/Forgejo",
        }
    }

    /// The directory hook `hook` goes in, given the repository's git directory and its hooks
    /// directory; `None` where the layout has no place for it (GitLab's Gitaly runs no
    /// `reference-transaction` of the repository's).
    pub fn dir_of(self, git_dir: &Path, hooks_dir: &Path, hook: &str) -> Option<PathBuf> {
        let chained = hook != transaction::HOOK;
        match self {
            Layout::Plain => Some(hooks_dir.to_owned()),
            Layout::Gitea if chained => Some(hooks_dir.join(format!("{hook}.d"))),
            Layout::Gitea => Some(hooks_dir.to_owned()),
            Layout::GitLab if chained => {
                Some(git_dir.join("custom_hooks").join(format!("{hook}.d")))
            }
            Layout::GitLab => None,
        }
    }

    /// Every directory any layout may have put `hook` in, for `uninstall`.
    pub fn all_dirs_of(git_dir: &Path, hooks_dir: &Path, hook: &str) -> Vec<PathBuf> {
        let mut dirs = Vec::new();
        for layout in [Layout::Plain, Layout::Gitea, Layout::GitLab] {
            if let Some(dir) = layout.dir_of(git_dir, hooks_dir, hook) {
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
        dirs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each hosting layer is told by what it leaves in the repository.
    #[test]
    fn layouts_are_told_by_their_directories() {
        let dir = tempfile::tempdir().expect("dir");
        let git = dir.path();
        std::fs::create_dir_all(git.join("hooks")).expect("hooks");
        assert_eq!(Layout::detect(git), Layout::Plain);
        std::fs::create_dir_all(git.join("hooks/pre-receive.d")).expect("gitea");
        assert_eq!(Layout::detect(git), Layout::Gitea);
        std::fs::create_dir_all(git.join("custom_hooks")).expect("gitlab");
        assert_eq!(Layout::detect(git), Layout::GitLab);
        let hooks = git.join("hooks");
        assert_eq!(
            Layout::GitLab.dir_of(git, &hooks, "pre-receive"),
            Some(git.join("custom_hooks/pre-receive.d"))
        );
        assert_eq!(Layout::GitLab.dir_of(git, &hooks, transaction::HOOK), None);
        assert_eq!(
            Layout::Gitea.dir_of(git, &hooks, "update"),
            Some(hooks.join("update.d"))
        );
    }
}
