//! Whether git moved the index to a commit whose branch update was then refused: `git merge`
//! and `git reset` update the index and work tree before the branch.

use super::{Git, to_oid};
use crate::rules::Id;

impl Git {
    /// Whether every path that differs between `HEAD` and `new` is in the index as `new` has
    /// it (and something differs): the index was moved to `new` while `HEAD` stayed.
    pub fn index_moved_to(&self, new: Id) -> bool {
        let moved = || -> Result<bool, git2::Error> {
            let head = self.repo.head()?.peel_to_tree()?;
            let target = self.repo.find_commit(to_oid(new))?.tree()?;
            let index = self.repo.index()?;
            let diff = self
                .repo
                .diff_tree_to_tree(Some(&head), Some(&target), None)?;
            let mut any = false;
            for delta in diff.deltas() {
                any = true;
                let file = delta.new_file();
                let Some(path) = file.path().or_else(|| delta.old_file().path()) else {
                    return Ok(false);
                };
                let staged = index.get_path(path, 0).map(|entry| entry.id);
                let wanted = file.exists().then(|| file.id());
                if staged != wanted {
                    return Ok(false);
                }
            }
            Ok(any)
        };
        moved().unwrap_or(false)
    }
}
