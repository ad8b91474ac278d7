//! Files at a commit or inside a tree: what version files and changelogs are read through.

use std::path::Path;

use git2::{ObjectType, Oid};

use super::{Git, to_oid, view_err};
use crate::rules::{Id, ViewError};

/// Files larger than this are not read through the view: no version file or changelog is.
const MAX_FILE: usize = 16 << 20;

impl Git {
    /// A commit's root tree, by way of the commit-graph when it has the commit.
    pub(super) fn tree_of(&self, commit: Id) -> Result<git2::Tree<'_>, ViewError> {
        if let Some(tree) = self.graph().and_then(|graph| graph.root_tree(commit)) {
            return self
                .repo
                .find_tree(to_oid(tree))
                .map_err(view_err("read a commit's tree"));
        }
        let commit = self
            .repo
            .find_commit(to_oid(commit))
            .map_err(|_| ViewError::Missing(commit))?;
        commit.tree().map_err(view_err("read a commit's tree"))
    }

    pub(super) fn blob_at(&self, commit: Id, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        self.blob_in(&self.tree_of(commit)?, path)
    }

    /// A file's bytes by its path inside `tree`; `None` when it is absent.
    pub(super) fn blob_in(
        &self,
        tree: &git2::Tree<'_>,
        path: &str,
    ) -> Result<Option<Vec<u8>>, ViewError> {
        let entry = match tree.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(view_err(format!("look up `{path}`"))(e)),
        };
        self.read_entry(entry.id(), entry.filemode(), path)
    }

    /// The files (regular ones and symbolic links) under `dir` at a commit, sorted (see [`RepoView::list_files`]).
    pub(super) fn files_at(&self, commit: Id, dir: &str) -> Result<Vec<String>, ViewError> {
        self.files_in(self.tree_of(commit)?, dir)
    }

    /// The files (regular ones and symbolic links) under `dir` inside `root`, as paths from
    /// `root`, sorted.
    pub(super) fn files_in(
        &self,
        root: git2::Tree<'_>,
        dir: &str,
    ) -> Result<Vec<String>, ViewError> {
        let (tree, prefix) = if dir.is_empty() {
            (root, String::new())
        } else {
            let entry = match root.get_path(Path::new(dir)) {
                Ok(entry) if entry.kind() == Some(ObjectType::Tree) => entry,
                Ok(_) => return Ok(Vec::new()),
                Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(view_err(format!("look up `{dir}`"))(e)),
            };
            let tree = self
                .repo
                .find_tree(entry.id())
                .map_err(view_err(format!("read `{dir}`")))?;
            (tree, format!("{dir}/"))
        };
        let mut paths = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            // A symbolic link is listed so that reading it refuses it, as a named version
            // file is: Python imports through it, and skipping it would hide a version.
            if matches!(entry.filemode(), 0o100644 | 0o100755 | 0o120000)
                && let Ok(name) = entry.name()
            {
                paths.push(format!("{prefix}{root}{name}"));
            }
            git2::TreeWalkResult::Ok
        })
        .map_err(view_err(format!("list the files under `{dir}`")))?;
        paths.sort();
        Ok(paths)
    }

    /// Reads a blob named by a tree or index entry, refusing what is not a regular file.
    pub(super) fn read_entry(
        &self,
        oid: Oid,
        mode: i32,
        path: &str,
    ) -> Result<Option<Vec<u8>>, ViewError> {
        match mode {
            0o100644 | 0o100755 => {}
            0o040000 => return Ok(None),
            0o120000 => {
                return Err(ViewError::NotAFile {
                    path: path.to_owned(),
                    what: "a symbolic link",
                });
            }
            _ => {
                return Err(ViewError::NotAFile {
                    path: path.to_owned(),
                    what: "not a regular file",
                });
            }
        }
        let odb = self
            .repo
            .odb()
            .map_err(view_err("open the object database"))?;
        let (size, _) = odb
            .read_header(oid)
            .map_err(view_err(format!("read `{path}`")))?;
        if size > MAX_FILE {
            return Err(ViewError::NotAFile {
                path: path.to_owned(),
                what: "larger than 16 MiB",
            });
        }
        let blob = self
            .repo
            .find_blob(oid)
            .map_err(view_err(format!("read `{path}`")))?;
        Ok(Some(blob.content().to_vec()))
    }
}
