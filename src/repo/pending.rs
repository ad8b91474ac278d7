//! File contents of a commit that does not exist yet: from the index, or from a merge.

use std::cell::OnceCell;
use std::path::Path;

use super::{Git, view_err};
use crate::rules::{FileReader, Id, PendingFiles, ViewError, under};

/// Reads files from the index git is about to commit (`GIT_INDEX_FILE` when git set it, as
/// `git commit -a` and `git commit <paths>` do).
pub fn index_files(git: &Git) -> Result<FileReader<'_>, ViewError> {
    let index = git.repo.index().map_err(view_err("read the index"))?;
    Ok(Box::new(IndexFiles { git, index }))
}

struct IndexFiles<'a> {
    git: &'a Git,
    index: git2::Index,
}

impl PendingFiles for IndexFiles<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        match self.index.get_path(Path::new(path), 0) {
            None => Ok(None),
            Some(entry) => self.git.read_entry(entry.id, entry.mode as i32, path),
        }
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, ViewError> {
        let mut paths: Vec<String> = self
            .index
            .iter()
            .filter(|entry| matches!(entry.mode, 0o100644 | 0o100755))
            .filter_map(|entry| String::from_utf8(entry.path).ok())
            .filter(|path| under(path, dir))
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }
}

/// Reads files as a merge of `head` into `base` would leave them: the side that changed a file
/// wins; both sides changing it differently is a conflict the merge must resolve first.
pub fn merge_files(git: &Git, base: Id, head: Id) -> FileReader<'_> {
    Box::new(MergeFiles {
        git,
        base,
        head,
        merge_base: OnceCell::new(),
    })
}

struct MergeFiles<'a> {
    git: &'a Git,
    base: Id,
    head: Id,
    /// Found when a file differs on the two sides: libgit2's merge base walks history.
    merge_base: OnceCell<Option<Id>>,
}

impl PendingFiles for MergeFiles<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        let (git, base, head) = (self.git, self.base, self.head);
        let ours = git.blob_at(base, path)?;
        let theirs = git.blob_at(head, path)?;
        if ours == theirs {
            return Ok(ours);
        }
        let ancestor = match *self.merge_base.get_or_init(|| git.merge_base(base, head)) {
            Some(mb) => git.blob_at(mb, path)?,
            None => None,
        };
        if theirs == ancestor {
            Ok(ours)
        } else if ours == ancestor {
            Ok(theirs)
        } else {
            Err(ViewError::Conflict {
                path: path.to_owned(),
            })
        }
    }

    /// Both sides' files: a file one side deleted is listed, and `read` finds it gone.
    fn list(&self, dir: &str) -> Result<Vec<String>, ViewError> {
        let mut paths = self.git.files_at(self.base, dir)?;
        paths.extend(self.git.files_at(self.head, dir)?);
        paths.sort();
        paths.dedup();
        Ok(paths)
    }
}
