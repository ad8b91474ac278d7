//! File contents of a commit that does not exist yet: from the index, or from a merge.

use std::path::Path;

use super::{Git, view_err};
use crate::rules::{FileReader, Id, ViewError};

/// Reads files from the index git is about to commit (`GIT_INDEX_FILE` when git set it, as
/// `git commit -a` and `git commit <paths>` do).
pub fn index_files(git: &Git) -> Result<FileReader<'_>, ViewError> {
    let index = git
        .repository()
        .index()
        .map_err(view_err("read the index"))?;
    Ok(Box::new(move |path: &str| {
        match index.get_path(Path::new(path), 0) {
            None => Ok(None),
            Some(entry) => git.read_entry(entry.id, entry.mode as i32, path),
        }
    }))
}

/// Reads files as a merge of `head` into `base` would leave them: the side that changed a file
/// wins; both sides changing it differently is a conflict the merge must resolve first.
pub fn merge_files(git: &Git, base: Id, head: Id) -> FileReader<'_> {
    let merge_base = git.merge_base(base, head);
    Box::new(move |path: &str| {
        let ours = git.blob_at(base, path)?;
        let theirs = git.blob_at(head, path)?;
        let ancestor = match merge_base {
            Some(mb) => git.blob_at(mb, path)?,
            None => None,
        };
        if ours == theirs || theirs == ancestor {
            Ok(ours)
        } else if ours == ancestor {
            Ok(theirs)
        } else {
            Err(ViewError::Conflict {
                path: path.to_owned(),
            })
        }
    })
}
