//! The only code that writes to git for a release step: objects first (commits from a
//! parent's tree with files replaced, merges, annotated tag objects), no ref moved; then, once
//! the step is judged, an atomic ref transaction with the checked-out work tree kept in step,
//! or a push by object id.

use std::path::Path;
use std::process::Command;

use git2::{FileMode, Oid, Signature};

use super::worktrees::{Held, Holding};
use super::{Git, RepoError, git_err, to_id, to_oid};
use crate::rules::Id;

/// Why a release step's write failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("merging {theirs} into {ours} conflicts in {}", crate::rules::cut_short(&paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>()))]
    Conflict {
        ours: String,
        theirs: String,
        paths: Vec<String>,
    },
    #[error("`{refname}` moved since the step started (it was at {expected}, it is at {found})")]
    Moved {
        refname: String,
        expected: String,
        found: String,
    },
    #[error("the work tree has changes to {}, which the step rewrites", paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "))]
    Dirty { paths: Vec<String> },
    #[error("cherry-picking {commit} conflicts in {}", paths.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "))]
    PickConflict { commit: String, paths: Vec<String> },
    #[error("cannot run `git push`")]
    Spawn(#[source] std::io::Error),
    /// The step moves the checked-out branch while git is in the middle of an operation on it
    /// (`merge`, `cherry-pick`, `revert`, `am`): what it is, as its `--abort` names it.
    #[error("a `git {0}` is in progress in this work tree")]
    InProgress(&'static str),
    /// The step moves a branch another worktree holds (git never moves one under it).
    #[error("`{branch}` is {} in the worktree `{}`", match held.how { Holding::CheckedOut => "checked out", Holding::Rebased => "being rebased", Holding::Bisected => "being bisected" }, held.worktree.display())]
    Held { branch: String, held: Held },
}

/// One ref a judged step sets: `expected` is what it named when the step started (`None`:
/// it did not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefWrite {
    pub refname: String,
    pub expected: Option<Id>,
    pub new: Id,
}

/// What `git push` said.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub ok: bool,
    /// Its standard output: the `--porcelain` status of each ref.
    pub stdout: String,
    /// Its standard error, for people: the hooks' and the server's (`remote:`) messages.
    pub stderr: String,
}

fn mode_of(mode: i32) -> FileMode {
    match mode {
        0o100755 => FileMode::BlobExecutable,
        0o120000 => FileMode::Link,
        _ => FileMode::Blob,
    }
}

impl Git {
    /// From now on, objects this process writes stay in memory (a `--dry-run`): they are read
    /// back like any other, and gone when it ends.
    pub fn objects_in_memory(&self) -> Result<(), RepoError> {
        let odb = self
            .repo
            .odb()
            .map_err(git_err("open the object database"))?;
        // Above the loose and pack backends (priorities 1 and 2): written there first.
        odb.add_new_mempack_backend(1000)
            .map_err(git_err("keep new objects in memory"))?;
        Ok(())
    }

    /// Runs `compute` with every object it writes held in memory. Where it returns its result
    /// with `Some(ids)` (a judged step to write or push, and the objects its refs will name),
    /// the objects those reach that are not stored yet are then written to the object database
    /// as one pack; else (a refusal, a dry run, an error) none is written.
    pub fn staged<T, E: From<RepoError>>(
        &self,
        compute: impl FnOnce() -> Result<(T, Option<Vec<Id>>), E>,
    ) -> Result<T, E> {
        let odb = self
            .repo
            .odb()
            .map_err(git_err("open the object database"))?;
        // Above the loose and pack backends (priorities 1 and 2): written there first.
        odb.add_new_mempack_backend(1000)
            .map_err(git_err("keep new objects in memory"))?;
        let (result, keep) = compute()?;
        let Some(ids) = keep else {
            return Ok(result);
        };
        let pack = self.pack_of_new(&ids)?;
        self.write_pack(&odb, &pack)?;
        // The objects stay in memory too: what the step reads from here on finds them there.
        Ok(result)
    }

    /// A pack of the objects `ids` reach that the object database on disk lacks: what a step
    /// made (its commits, their new trees and blobs, its tag objects).
    fn pack_of_new(&self, ids: &[Id]) -> Result<Vec<u8>, RepoError> {
        let failed = || git_err("pack the step's objects");
        // The repository opened again has no objects in memory: its database is the disk's.
        let disk = git2::Repository::open(self.repo.path()).map_err(failed())?;
        let disk = disk.odb().map_err(failed())?;
        let mut builder = self.repo.packbuilder().map_err(failed())?;
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<Oid> = ids.iter().map(|&id| to_oid(id)).collect();
        while let Some(oid) = stack.pop() {
            if !seen.insert(oid) || disk.exists(oid) {
                continue;
            }
            // Neither stored nor made by the step (a partial clone's missing blob): not ours.
            let Ok(object) = self.repo.find_object(oid, None) else {
                continue;
            };
            builder.insert_object(oid, None).map_err(failed())?;
            if let Some(commit) = object.as_commit() {
                stack.push(commit.tree_id());
                stack.extend(commit.parent_ids());
            } else if let Some(tree) = object.as_tree() {
                // A submodule's commit (a gitlink) is not in this repository.
                let entries = tree.iter().filter(|e| e.filemode() != 0o160000);
                stack.extend(entries.map(|e| e.id()));
            } else if let Some(tag) = object.as_tag() {
                stack.push(tag.target_id());
            }
        }
        let mut pack = git2::Buf::new();
        builder.write_buf(&mut pack).map_err(failed())?;
        Ok(pack.to_vec())
    }

    /// Writes `pack` into the object database with its index, unless it holds no object (its
    /// header counts them, bytes 8 to 12).
    fn write_pack(&self, odb: &git2::Odb<'_>, pack: &[u8]) -> Result<(), RepoError> {
        let count = pack
            .get(8..12)
            .map_or(0, |n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]));
        if count == 0 {
            return Ok(());
        }
        let failed = git_err("write the step's objects");
        let mut writer = odb
            .packwriter()
            .map_err(git_err("write the step's objects"))?;
        std::io::Write::write_all(&mut writer, pack)
            .map_err(|err| failed(git2::Error::from_str(&err.to_string())))?;
        writer
            .commit()
            .map_err(git_err("write the step's objects"))?;
        Ok(())
    }

    /// The contents of `path` in the work tree's index and on disk differ from `HEAD`'s for
    /// any of `paths`: those paths (a step would overwrite them).
    fn dirty_paths(&self, paths: &[String]) -> Result<Vec<String>, RepoError> {
        let mut options = git2::StatusOptions::new();
        options.include_untracked(true).include_ignored(false);
        let statuses = self
            .repo
            .statuses(Some(&mut options))
            .map_err(git_err("read the work tree's status"))?;
        let mut dirty = Vec::new();
        for entry in statuses.iter() {
            let Ok(path) = entry.path() else { continue };
            if entry.status() != git2::Status::CURRENT && paths.iter().any(|p| p == path) {
                dirty.push(path.to_owned());
            }
        }
        Ok(dirty)
    }

    /// A commit on `parents` (the first one's tree) with `files` replaced or added, made by
    /// the user git's config and environment name. Written to the object database; no ref moves.
    pub fn commit_with_files(
        &self,
        parents: &[Id],
        files: &[(String, Vec<u8>)],
        message: &str,
    ) -> Result<Id, RepoError> {
        let first = parents.first().copied().unwrap_or(Id([0; 20]));
        let base = self
            .repo
            .find_commit(to_oid(first))
            .and_then(|c| c.tree())
            .map_err(git_err(format!("read {}'s tree", first.short())))?;
        let tree = self.tree_with_files(&base, files)?;
        self.commit_tree(tree, parents, message)
    }

    /// `base` with `files` replaced or added (a replaced file keeps its mode).
    fn tree_with_files(
        &self,
        base: &git2::Tree<'_>,
        files: &[(String, Vec<u8>)],
    ) -> Result<Oid, RepoError> {
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, bytes) in files {
            let blob = self
                .repo
                .blob(bytes)
                .map_err(git_err(format!("write `{path}`")))?;
            let mode = base
                .get_path(Path::new(path))
                .map(|e| mode_of(e.filemode()))
                .unwrap_or(FileMode::Blob);
            update.upsert(path.as_str(), blob, mode);
        }
        update
            .create_updated(&self.repo, base)
            .map_err(git_err("write a tree"))
    }

    /// A commit of `tree` on `parents`.
    fn commit_tree(&self, tree: Oid, parents: &[Id], message: &str) -> Result<Id, RepoError> {
        let tree = self
            .repo
            .find_tree(tree)
            .map_err(git_err("read a tree just written"))?;
        let parents = parents
            .iter()
            .map(|&p| self.repo.find_commit(to_oid(p)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(git_err("read a parent commit"))?;
        let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let (author, committer) = self.identities()?;
        let id = self
            .repo
            .commit(None, &author, &committer, message, &tree, &parents)
            .map_err(git_err("write a commit"))?;
        Ok(to_id(id))
    }

    /// Author and committer as `git commit` takes them: the environment, else the config.
    fn identities(&self) -> Result<(Signature<'static>, Signature<'static>), RepoError> {
        let author = self.repo.author_from_env().map_err(git_err(
            "tell who the author is (set `user.name` and `user.email`)",
        ))?;
        let committer = self.repo.committer_from_env().map_err(git_err(
            "tell who the committer is (set `user.name` and `user.email`)",
        ))?;
        Ok((author, committer))
    }

    /// Whether git knows who makes the commits and tags a step writes (`user.name` and
    /// `user.email`, or the `GIT_AUTHOR_*`/`GIT_COMMITTER_*` variables).
    pub fn knows_who(&self) -> bool {
        self.identities().is_ok()
    }

    /// The day a commit or tag made now is dated, as git dates it (`GIT_COMMITTER_DATE`, else
    /// the clock), in the committer's offset: the day a calendar version and a changelog's
    /// heading name.
    pub fn committer_day(&self) -> Option<jiff::civil::Date> {
        let (_, committer) = self.identities().ok()?;
        let when = committer.when();
        crate::rules::Stamp {
            seconds: when.seconds(),
            offset_minutes: when.offset_minutes(),
        }
        .date()
    }

    /// A merge commit of `theirs` into `ours` (first parent `ours`), with `files` replaced in
    /// the merged tree. Refused with the paths when the merge conflicts.
    pub fn merge_commit(
        &self,
        (ours, ours_name): (Id, &str),
        (theirs, theirs_name): (Id, &str),
        files: &[(String, Vec<u8>)],
        message: &str,
    ) -> Result<Id, WriteError> {
        let find = |id: Id| {
            self.repo
                .find_commit(to_oid(id))
                .map_err(git_err(format!("read {}", id.short())))
        };
        let (our_commit, their_commit) = (find(ours)?, find(theirs)?);
        let index = self
            .repo
            .merge_commits(&our_commit, &their_commit, None)
            .map_err(git_err(format!("merge `{theirs_name}` into `{ours_name}`")))?;
        let merged = match self.settled_tree(index, files, "merge")? {
            Ok(tree) => tree,
            Err(paths) => {
                return Err(WriteError::Conflict {
                    ours: format!("`{ours_name}`"),
                    theirs: format!("`{theirs_name}`"),
                    paths,
                });
            }
        };
        let tree = self.tree_with_files(&merged, files)?;
        Ok(self.commit_tree(tree, &[ours, theirs], message)?)
    }

    /// The tree of a merge's or pick's `index`, with its conflicts on the paths of `files`
    /// (which the step writes anyway: the version file) resolved to their bytes; or the other
    /// paths in conflict, when there are any.
    fn settled_tree(
        &self,
        mut index: git2::Index,
        files: &[(String, Vec<u8>)],
        what: &str,
    ) -> Result<Result<git2::Tree<'_>, Vec<String>>, RepoError> {
        if index.has_conflicts() {
            let mut paths: Vec<String> = index
                .conflicts()
                .map_err(git_err(format!("list the {what}'s conflicts")))?
                .filter_map(Result::ok)
                .filter_map(|c| c.our.or(c.their).or(c.ancestor))
                .map(|e| String::from_utf8_lossy(&e.path).into_owned())
                .collect();
            paths.dedup();
            let unresolved: Vec<String> = paths
                .iter()
                .filter(|p| !files.iter().any(|(f, _)| f == *p))
                .cloned()
                .collect();
            if !unresolved.is_empty() {
                return Ok(Err(unresolved));
            }
            for path in &paths {
                let bytes = files
                    .iter()
                    .find(|(f, _)| f == path)
                    .map(|(_, b)| b.as_slice())
                    .unwrap_or_default();
                self.resolve_conflict(&mut index, path, bytes)?;
            }
        }
        let tree = index
            .write_tree_to(&self.repo)
            .map_err(git_err(format!("write the {what}'s tree")))?;
        let tree = self
            .repo
            .find_tree(tree)
            .map_err(git_err(format!("read the {what}'s tree")))?;
        Ok(Ok(tree))
    }

    /// Resolves the conflict on `path` in a merge's index with `bytes`.
    fn resolve_conflict(
        &self,
        index: &mut git2::Index,
        path: &str,
        bytes: &[u8],
    ) -> Result<(), RepoError> {
        index
            .conflict_remove(Path::new(path))
            .map_err(git_err(format!("resolve `{path}`")))?;
        let blob = self
            .repo
            .blob(bytes)
            .map_err(git_err(format!("write `{path}`")))?;
        let time = git2::IndexTime::new(0, 0);
        let entry = git2::IndexEntry {
            ctime: time,
            mtime: time,
            dev: 0,
            ino: 0,
            mode: 0o100644,
            uid: 0,
            gid: 0,
            file_size: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            id: blob,
            flags: u16::try_from(path.len().min(0xfff)).unwrap_or(0xfff),
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index
            .add(&entry)
            .map_err(git_err(format!("resolve `{path}`")))
    }

    /// An annotated tag object named `name` on `target`, tagged by the committer; no ref.
    pub fn tag_object(&self, name: &str, target: Id, message: &str) -> Result<Id, RepoError> {
        let object = self
            .repo
            .find_object(to_oid(target), None)
            .map_err(git_err(format!("read {}", target.short())))?;
        let (_, tagger) = self.identities()?;
        let id = self
            .repo
            .tag_annotation_create(name, &object, &tagger, message)
            .map_err(git_err(format!("write the tag object `{name}`")))?;
        Ok(to_id(id))
    }

    /// Sets every ref of `writes` at once, or none: each is locked and checked to still name
    /// what the step started from. When the checked-out branch moves, its work tree and index
    /// follow, refused first when they have changes to the paths the move changes.
    pub fn write_refs(&self, writes: &[RefWrite], message: &str) -> Result<(), WriteError> {
        // Checked before anything is locked or written.
        let checkout = self.writable(writes)?;
        let mut tx = self
            .repo
            .transaction()
            .map_err(git_err("start a ref transaction"))?;
        for write in writes {
            tx.lock_ref(&write.refname)
                .map_err(git_err(format!("lock `{}`", write.refname)))?;
        }
        for write in writes {
            let found = self.ref_target(&write.refname)?;
            if found != write.expected {
                let name = |id: Option<Id>| id.map_or_else(|| "nothing".to_owned(), |i| i.short());
                return Err(WriteError::Moved {
                    refname: write.refname.clone(),
                    expected: name(write.expected),
                    found: name(found),
                });
            }
        }
        let (_, committer) = self.identities()?;
        for write in writes {
            tx.set_target(&write.refname, to_oid(write.new), Some(&committer), message)
                .map_err(git_err(format!("set `{}`", write.refname)))?;
        }
        if let Some(tree) = checkout {
            let mut options = git2::build::CheckoutBuilder::new();
            options.safe();
            self.repo
                .checkout_tree(&tree, Some(&mut options))
                .map_err(git_err("update the work tree"))?;
        }
        tx.commit().map_err(git_err("write the refs"))?;
        Ok(())
    }

    /// Refuses `writes` when they move a branch another worktree holds (checked out there, or
    /// being rebased or bisected anywhere), or the checked-out branch over changes in the work tree or
    /// index to the paths the move changes; else the tree the work tree moves to, if it moves.
    /// Asked before a push too: what the remote takes must be writable here.
    pub fn writable(&self, writes: &[RefWrite]) -> Result<Option<git2::Object<'_>>, WriteError> {
        for write in writes.iter().filter(|w| w.expected != Some(w.new)) {
            if let Some(branch) = write.refname.strip_prefix("refs/heads/") {
                if let Some(held) = self.held_by_worktree(&write.refname) {
                    return Err(WriteError::Held {
                        branch: branch.to_owned(),
                        held,
                    });
                }
            }
        }
        let head = self.head_branch().map(|b| format!("refs/heads/{b}"));
        let moved_head = writes
            .iter()
            .find(|w| Some(&w.refname) == head.as_ref() && w.expected != Some(w.new));
        match moved_head {
            Some(write) => {
                if let Some(operation) = self.operation_in_progress() {
                    return Err(WriteError::InProgress(operation));
                }
                Ok(Some(self.checkout_plan(write)?))
            }
            None => Ok(None),
        }
    }

    /// The operation git is in the middle of in this work tree, by the command that ends it.
    fn operation_in_progress(&self) -> Option<&'static str> {
        use git2::RepositoryState as State;
        match self.repo.state() {
            State::Clean | State::Bisect => None,
            State::Merge => Some("merge"),
            State::CherryPick | State::CherryPickSequence => Some("cherry-pick"),
            State::Revert | State::RevertSequence => Some("revert"),
            State::ApplyMailbox | State::ApplyMailboxOrRebase => Some("am"),
            State::Rebase | State::RebaseInteractive | State::RebaseMerge => Some("rebase"),
        }
    }

    /// The tree the checked-out branch moves to, once its changed paths are known to be clean.
    fn checkout_plan(&self, write: &RefWrite) -> Result<git2::Object<'_>, WriteError> {
        let new = self
            .repo
            .find_commit(to_oid(write.new))
            .and_then(|c| c.tree())
            .map_err(git_err("read the new tip's tree"))?;
        if self.workdir().is_none() {
            return Ok(new.into_object());
        }
        let old = match write.expected {
            Some(old) => Some(
                self.repo
                    .find_commit(to_oid(old))
                    .and_then(|c| c.tree())
                    .map_err(git_err("read the old tip's tree"))?,
            ),
            None => None,
        };
        let diff = self
            .repo
            .diff_tree_to_tree(old.as_ref(), Some(&new), None)
            .map_err(git_err("compare the old and new tips"))?;
        let paths: Vec<String> = diff
            .deltas()
            .flat_map(|d| [d.old_file().path(), d.new_file().path()])
            .flatten()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let dirty = self.dirty_paths(&paths)?;
        if !dirty.is_empty() {
            return Err(WriteError::Dirty { paths: dirty });
        }
        Ok(new.into_object())
    }

    /// `git push --atomic --porcelain <remote> <id>:<ref>...`, with `GIT_POLICY_JUDGED=1` so
    /// git-policy's own client hooks accept at once (the step judged it); other hooks run.
    pub fn push_by_id(&self, remote: &str, writes: &[RefWrite]) -> Result<Pushed, WriteError> {
        let mut command = Command::new("git");
        command
            .arg("push")
            .arg("--atomic")
            .arg("--porcelain")
            .arg(remote)
            .env(crate::hooks::JUDGED_ENV, "1");
        for write in writes {
            command.arg(format!("{}:{}", to_oid(write.new), write.refname));
        }
        // Run where git-policy runs, with its environment: the repository it opened.
        let output = command.output().map_err(WriteError::Spawn)?;
        Ok(Pushed {
            ok: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

impl Git {
    /// A cherry-pick of `commit` onto `onto` as `git cherry-pick -x` makes it: the change
    /// `commit` made (to its first parent) applied to `onto`'s tree, its author and message
    /// kept, with one `(cherry picked from commit <id>)` line naming `commit` (those it carried
    /// are replaced: the pick names the commit it was made from). The paths of `keep` stay as
    /// `onto` has them (a port never carries a version change). Refused with the paths where
    /// it conflicts elsewhere; `None` where `onto` has the change already. No ref moves.
    pub fn cherry_pick(
        &self,
        commit: Id,
        onto: Id,
        keep: &[String],
    ) -> Result<Option<Id>, WriteError> {
        let find = |id: Id| {
            self.repo
                .find_commit(to_oid(id))
                .map_err(git_err(format!("read {}", id.short())))
        };
        let (picked, target) = (find(commit)?, find(onto)?);
        let mainline = u32::from(picked.parent_count() > 1);
        let index = self
            .repo
            .cherrypick_commit(&picked, &target, mainline, None)
            .map_err(git_err(format!("cherry-pick {}", commit.short())))?;
        let target_tree = target
            .tree()
            .map_err(git_err(format!("read {}'s tree", onto.short())))?;
        let kept: Vec<(String, Vec<u8>)> = keep
            .iter()
            .filter_map(|path| {
                let entry = target_tree.get_path(Path::new(path)).ok()?;
                let blob = self.repo.find_blob(entry.id()).ok()?;
                Some((path.clone(), blob.content().to_vec()))
            })
            .collect();
        let applied = match self.settled_tree(index, &kept, "cherry-pick")? {
            Ok(tree) => tree,
            Err(paths) => {
                return Err(WriteError::PickConflict {
                    commit: commit.short(),
                    paths,
                });
            }
        };
        let tree = self.tree_with_files(&applied, &kept)?;
        if tree == target_tree.id() {
            return Ok(None);
        }
        let tree = self
            .repo
            .find_tree(tree)
            .map_err(git_err("read a tree just written"))?;
        let message = picked.message_raw().unwrap_or_default();
        let mut message: String = message
            .lines()
            .filter(|line| !line.trim().starts_with("(cherry picked from commit "))
            .collect::<Vec<_>>()
            .join("\n");
        message.truncate(message.trim_end().len());
        message.push_str(&format!(
            "\n\n(cherry picked from commit {})\n",
            to_oid(commit)
        ));
        let author = picked.author().to_owned();
        let (_, committer) = self.identities()?;
        let id = self
            .repo
            .commit(None, &author, &committer, &message, &tree, &[&target])
            .map_err(git_err("write the cherry-pick"))?;
        Ok(Some(to_id(id)))
    }

    /// Whether commits `a` and `b` have the same tree (a merge that brings no change).
    pub fn same_tree(&self, a: Id, b: Id) -> Result<bool, RepoError> {
        let tree = |id: Id| {
            self.repo
                .find_commit(to_oid(id))
                .map(|c| c.tree_id())
                .map_err(git_err(format!("read {}", id.short())))
        };
        Ok(tree(a)? == tree(b)?)
    }
}
