//! An in-memory commit graph: the repository the rules are unit-tested (and property-tested) on.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::view::{CommitInfo, Id, Peeled, RepoView, Stamp, ViewError, under};

#[derive(Debug, Clone)]
struct Commit {
    parents: Vec<Id>,
    message: String,
    time: i64,
    files: BTreeMap<String, Vec<u8>>,
}

/// An annotated tag object: what it points at, and its tagger date if it has a tagger.
#[derive(Debug, Clone)]
struct Tag {
    target: Id,
    time: Option<i64>,
}

/// Commits with parents, messages and files; annotated tags as objects pointing at others.
#[derive(Debug, Default, Clone)]
pub struct MemoryRepo {
    commits: HashMap<Id, Commit>,
    tags: HashMap<Id, Tag>,
    trees: HashSet<Id>,
    next: u64,
}

impl MemoryRepo {
    pub fn new() -> Self {
        Self::default()
    }

    fn fresh_id(&mut self) -> Id {
        self.next += 1;
        let mut bytes = [0u8; 20];
        bytes[..8].copy_from_slice(&self.next.to_be_bytes());
        bytes[19] = 1;
        Id(bytes)
    }

    /// Adds a commit whose files are its first parent's with `changes` applied.
    pub fn commit(&mut self, parents: &[Id], message: &str, changes: &[(&str, &str)]) -> Id {
        let mut files = parents
            .first()
            .and_then(|p| self.commits.get(p))
            .map(|c| c.files.clone())
            .unwrap_or_default();
        for (path, content) in changes {
            files.insert((*path).to_owned(), content.as_bytes().to_vec());
        }
        let id = self.fresh_id();
        let time = self.next as i64;
        self.commits.insert(
            id,
            Commit {
                parents: parents.to_vec(),
                message: message.to_owned(),
                time,
                files,
            },
        );
        id
    }

    /// Adds an annotated tag object pointing at `target`, without a tagger.
    pub fn annotated_tag(&mut self, target: Id) -> Id {
        let id = self.fresh_id();
        self.tags.insert(id, Tag { target, time: None });
        id
    }

    /// Dates a commit (its committer date) or an annotated tag (its tagger date), in UTC.
    pub fn set_date(&mut self, id: Id, seconds: i64) {
        if let Some(commit) = self.commits.get_mut(&id) {
            commit.time = seconds;
        } else if let Some(tag) = self.tags.get_mut(&id) {
            tag.time = Some(seconds);
        }
    }

    /// Adds a tree object (for tags that point at something other than a commit).
    pub fn tree(&mut self) -> Id {
        let id = self.fresh_id();
        self.trees.insert(id);
        id
    }

    fn get(&self, id: Id) -> Result<&Commit, ViewError> {
        self.commits.get(&id).ok_or(ViewError::Missing(id))
    }

    /// Every ancestor of `id`, itself included: the brute-force answer the rules must agree with.
    pub fn ancestors(&self, id: Id) -> Result<HashSet<Id>, ViewError> {
        let mut seen = HashSet::new();
        let mut stack = vec![id];
        while let Some(next) = stack.pop() {
            if seen.insert(next) {
                stack.extend(self.get(next)?.parents.iter().copied());
            }
        }
        Ok(seen)
    }
}

impl RepoView for MemoryRepo {
    fn parents(&self, id: Id) -> Result<Vec<Id>, ViewError> {
        Ok(self.get(id)?.parents.clone())
    }

    fn is_ancestor(&self, ancestor: Id, descendant: Id) -> Result<bool, ViewError> {
        Ok(self.ancestors(descendant)?.contains(&ancestor))
    }

    fn walk(&self, tips: &[Id], hide: &[Id]) -> Result<Vec<Id>, ViewError> {
        let mut hidden = HashSet::new();
        for &h in hide {
            hidden.extend(self.ancestors(h)?);
        }
        let mut reachable = HashSet::new();
        for &t in tips {
            reachable.extend(self.ancestors(t)?);
        }
        let mut commits: Vec<Id> = reachable.difference(&hidden).copied().collect();
        // Ids grow with creation, and a commit is created after its parents.
        commits.sort_by(|a, b| b.cmp(a));
        Ok(commits)
    }

    fn commit(&self, id: Id) -> Result<CommitInfo, ViewError> {
        let commit = self.get(id)?;
        Ok(CommitInfo {
            message: commit.message.clone(),
            time: commit.time,
        })
    }

    fn read_file(&self, commit: Id, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        Ok(self.get(commit)?.files.get(path).cloned())
    }

    fn peel(&self, id: Id) -> Result<Peeled, ViewError> {
        let mut id = id;
        for _ in 0..64 {
            if self.commits.contains_key(&id) {
                return Ok(Peeled::Commit(id));
            }
            if self.trees.contains(&id) {
                return Ok(Peeled::NotCommit("tree"));
            }
            id = self.tags.get(&id).ok_or(ViewError::Missing(id))?.target;
        }
        Ok(Peeled::NotCommit("chain of tags"))
    }

    fn list_files(&self, commit: Id, dir: &str) -> Result<Vec<String>, ViewError> {
        Ok(self
            .get(commit)?
            .files
            .keys()
            .filter(|path| under(path, dir))
            .cloned()
            .collect())
    }

    fn date(&self, id: Id) -> Result<Stamp, ViewError> {
        let seconds = match self.tags.get(&id) {
            Some(Tag {
                time: Some(time), ..
            }) => *time,
            _ => match self.peel(id)? {
                Peeled::Commit(commit) => self.get(commit)?.time,
                Peeled::NotCommit(_) => return Err(ViewError::Undated(id)),
            },
        };
        Ok(Stamp {
            seconds,
            offset_minutes: 0,
        })
    }
}
