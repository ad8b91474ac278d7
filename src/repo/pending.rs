//! File contents of a commit that does not exist yet: from the index, or from a merge.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use gix_index::State;
use gix_index::entry::{Flags, Mode, Stage};

use super::{Git, view_err};
use crate::rules::{FileReader, Id, PendingFiles, ViewError, under};

/// Reads files from the index git is about to commit (`GIT_INDEX_FILE` when git set it, as
/// `git commit -a` and `git commit <paths>` do), decoding it when a rule first asks: a policy
/// without version files reads none, and a large index costs milliseconds to decode.
///
/// It is read as git reads it, and not with libgit2, which checks the whole file's SHA-1 first
/// (most of a hook's time on a large index) and cannot read a split index
/// (`core.splitIndex`) or a sparse one (`git sparse-checkout --sparse-index`).
pub fn index_files(git: &Git) -> FileReader<'_> {
    let path = std::env::var_os("GIT_INDEX_FILE")
        .map_or_else(|| git.repo.path().join("index"), PathBuf::from);
    Box::new(IndexFiles {
        git,
        path,
        index: OnceCell::new(),
    })
}

/// Decodes the index at `path`.
fn read_index(path: &Path) -> Result<gix_index::File, ViewError> {
    // A repository with nothing added yet has no index file: nothing is being committed.
    // (Not `File::at_or_default`, which reads a split index whose shared index is missing as
    // empty too.)
    if !path.exists() {
        return Ok(gix_index::File::from_state(
            State::new(gix_hash::Kind::Sha1),
            path,
        ));
    }
    let options = gix_index::decode::Options {
        // A hook reads one or two entries: threads would cost more than they save.
        thread_limit: Some(1),
        ..Default::default()
    };
    gix_index::File::at(path, gix_hash::Kind::Sha1, true, options).map_err(|source| {
        let what = match &source {
            // The index is there, so what is missing is the shared index of a split one.
            // gix-index looks for it beside the index, git in the git directory: they differ
            // for a temporary index kept elsewhere (`GIT_INDEX_FILE`).
            gix_index::file::init::Error::Io(err)
                if err.kind() == std::io::ErrorKind::NotFound && path.exists() =>
            {
                format!(
                    "read the split index `{}`: its shared index is not beside it",
                    path.display()
                )
            }
            _ => format!("read the index `{}`", path.display()),
        };
        ViewError::Git {
            what,
            source: Box::new(source),
        }
    })
}

struct IndexFiles<'a> {
    git: &'a Git,
    path: PathBuf,
    index: OnceCell<gix_index::File>,
}

impl IndexFiles<'_> {
    fn index(&self) -> Result<&gix_index::File, ViewError> {
        if let Some(index) = self.index.get() {
            return Ok(index);
        }
        let index = read_index(&self.path)?;
        Ok(self.index.get_or_init(|| index))
    }

    /// The entry of a sparse index that stands for the directory holding `path` (a file, or a
    /// directory without the trailing `/`), with that directory's path.
    fn sparse_dir_of<'i>(
        index: &'i gix_index::File,
        path: &str,
    ) -> Option<(&'i gix_index::Entry, &'i str)> {
        if !index.is_sparse() {
            return None;
        }
        // Entries are sorted by path, and nothing else sorts between `dir/` and what is in it.
        let at = index.entry_index_by_path(path.into()).err()?;
        let entry = index.entries()[..at].last()?;
        let dir = std::str::from_utf8(entry.path(index)).ok()?;
        (entry.mode.is_sparse() && path.starts_with(dir)).then_some((entry, dir))
    }

    /// The files under `dir` (relative to it, `""`: all) in the tree a sparse entry names, as
    /// paths from the top of the repository.
    fn sparse_files(
        &self,
        entry: &gix_index::Entry,
        prefix: &str,
        dir: &str,
    ) -> Result<Vec<String>, ViewError> {
        let tree = self.tree(entry)?;
        let files = self.git.files_in(tree, dir)?;
        Ok(files
            .into_iter()
            .map(|file| format!("{prefix}{file}"))
            .collect())
    }

    fn tree(&self, entry: &gix_index::Entry) -> Result<git2::Tree<'_>, ViewError> {
        self.git
            .repo
            .find_tree(oid(entry)?)
            .map_err(view_err("read a directory of the sparse index"))
    }
}

fn oid(entry: &gix_index::Entry) -> Result<git2::Oid, ViewError> {
    git2::Oid::from_bytes(entry.id.as_bytes()).map_err(view_err("read an index entry"))
}

/// Whether an entry is part of the commit: `git add -N` marks a path without adding it.
fn committed(entry: &gix_index::Entry) -> bool {
    entry.stage() == Stage::Unconflicted && !entry.flags.contains(Flags::INTENT_TO_ADD)
}

impl PendingFiles for IndexFiles<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        let index = self.index()?;
        if let Some(entry) = index.entry_by_path_and_stage(path.into(), Stage::Unconflicted) {
            if !committed(entry) {
                return Ok(None);
            }
            return self
                .git
                .read_entry(oid(entry)?, entry.mode.bits() as i32, path);
        }
        match Self::sparse_dir_of(index, path) {
            Some((entry, dir)) => self.git.blob_in(&self.tree(entry)?, &path[dir.len()..]),
            None => Ok(None),
        }
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, ViewError> {
        let index = self.index()?;
        // `dir` may lie inside a directory the sparse index keeps as one entry.
        if !dir.is_empty()
            && let Some((entry, sparse)) = Self::sparse_dir_of(index, dir)
        {
            return self.sparse_files(entry, sparse, &dir[sparse.len()..]);
        }
        let mut paths = Vec::new();
        for entry in index.entries().iter().filter(|e| committed(e)) {
            let Ok(path) = std::str::from_utf8(entry.path(index)) else {
                continue;
            };
            if !under(path, dir) {
                continue;
            }
            if entry.mode == Mode::FILE
                || entry.mode == Mode::FILE_EXECUTABLE
                || entry.mode == Mode::SYMLINK
            {
                paths.push(path.to_owned());
            } else if entry.mode.is_sparse() {
                paths.extend(self.sparse_files(entry, path, "")?);
            }
        }
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

/// Reads files as an existing commit has them: a pull request's merge that CI made, whose tree
/// is what a rebase or squash of the request would leave on the base.
pub fn commit_files(git: &Git, commit: Id) -> FileReader<'_> {
    Box::new(CommitFiles { git, commit })
}

struct CommitFiles<'a> {
    git: &'a Git,
    commit: Id,
}

impl PendingFiles for CommitFiles<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        self.git.blob_at(self.commit, path)
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, ViewError> {
        self.git.files_at(self.commit, dir)
    }
}
