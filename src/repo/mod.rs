//! The only module that touches git: a `git2` repository opened from the environment, with
//! one ancestry engine over git's commit-graph, or a graph built in memory when there is none.
//!
//! Opening from the environment matters twice: hooks run with `GIT_DIR`/`GIT_INDEX_FILE` set,
//! and pre-receive runs with pushed objects in a quarantine directory that only
//! `GIT_OBJECT_DIRECTORY`/`GIT_ALTERNATE_OBJECT_DIRECTORIES` reveal.

mod ancestry;
mod built;
mod dates;
mod files;
mod fresh;
mod graph;
mod head;
mod kind;
mod moved;
pub mod namespace;
mod objects;
mod pending;
mod refs;
mod remembered;
mod worktrees;
mod write;

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

use ancestry::Source;
use built::BuiltGraph;
use graph::CommitGraph;
use remembered::Remembered;

use crate::rules::{CommitInfo, Id, Peeled, RepoView, Stamp, ViewError};
pub use fresh::Fresh;
pub use pending::{commit_files, index_files, merge_files};
pub use refs::valid_branch_name;
pub use worktrees::{Held, Holding};
pub use write::{Pushed, RefWrite, WriteError};

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("not in a git repository")]
    NotARepository(#[source] git2::Error),
    #[error(
        "this repository's object format is not SHA-1, and git-policy reads only SHA-1 repositories"
    )]
    ObjectFormat(#[source] git2::Error),
    #[error(
        "this repository stores its refs in the reftable format, which git-policy cannot read yet"
    )]
    Reftable(#[source] git2::Error),
    #[error("cannot resolve `{rev}` to a commit")]
    Resolve {
        rev: String,
        #[source]
        source: git2::Error,
    },
    #[error("cannot {what}")]
    Git {
        what: String,
        #[source]
        source: git2::Error,
    },
    #[error("cannot {what}")]
    View {
        what: String,
        #[source]
        source: ViewError,
    },
}

fn git_err(what: impl Into<String>) -> impl FnOnce(git2::Error) -> RepoError {
    let what = what.into();
    move |source| RepoError::Git { what, source }
}

fn view_err(what: impl Into<String>) -> impl FnOnce(git2::Error) -> ViewError {
    let what = what.into();
    move |source| ViewError::Git {
        what,
        source: Box::new(source),
    }
}

pub fn to_oid(id: Id) -> Oid {
    Oid::from_bytes(&id.0).unwrap_or(Oid::ZERO_SHA1)
}

pub fn to_id(oid: Oid) -> Id {
    let mut bytes = [0u8; 20];
    let raw = oid.as_bytes();
    let n = raw.len().min(20);
    bytes[..n].copy_from_slice(&raw[..n]);
    Id(bytes)
}

/// libgit2 opens SHA-1 repositories only; a SHA-256 one (`git init --object-format=sha256`) is
/// found but refused with "unknown object format", which must not read as "not a repository".
///
/// The same goes for reftable (`git init --ref-format=reftable`, git 2.45+): libgit2 refuses the
/// `extensions.refstorage` it declares.
fn open_error(source: git2::Error) -> RepoError {
    if source.message().contains("object format") {
        RepoError::ObjectFormat(source)
    } else if source.message().contains("refstorage") {
        RepoError::Reftable(source)
    } else {
        RepoError::NotARepository(source)
    }
}

/// Sets libgit2's process-wide options for git-policy, a reader of scattered objects that
/// exits when done. `main` calls it first; code that opens a repository without it (tests)
/// gets libgit2's defaults, which judge the same, only slower.
///
/// # Safety
///
/// libgit2 keeps these options in globals without synchronisation: call this before any
/// thread is started and before any repository is opened.
pub unsafe fn configure_libgit2() {
    // libgit2 hashes every object it reads to check its name, which git does only in `fsck`:
    // objects come from git, which checked them when it wrote or received them, and zlib's
    // checksum still catches a damaged one. Hashing cost a hook run 4% of its instructions.
    git2::opts::strict_hash_verification(false);
    // Version files are read at commits all over history, each tree and blob once: the object
    // cache held them all (`--history` peaked at 213 MB, not 60) and made no run measurably
    // faster.
    git2::opts::enable_caching(false);
    // libgit2 maps packs in windows of up to 1 GB, 8 GB in all, and every page read stays
    // resident: a few small windows bound what `--history` keeps of a pack (24 MB of it instead
    // of 37 on 100k commits), and no run was measurably slower for it.
    // SAFETY: the caller's contract: no other thread, no repository open yet.
    unsafe {
        let _ = git2::opts::set_mwindow_size(2 << 20);
        let _ = git2::opts::set_mwindow_mapped_limit(8 << 20);
    }
}

pub struct Git {
    repo: Repository,
    /// Where objects are looked up, in git's order: where the commit-graph is searched.
    object_dirs: Vec<PathBuf>,
    graph: OnceCell<Option<CommitGraph>>,
    /// Built on the first ancestry question when there is no usable commit-graph.
    built: OnceCell<BuiltGraph>,
    loose: RefCell<ancestry::LooseCache>,
    /// What annotated tags peel to, as `packed-refs` records it (`^` lines): peeling a release
    /// tag then reads no object, which on a big repository is a page of its pack each.
    peeled: RefCell<HashMap<Id, Id>>,
    seen: RefCell<ancestry::PositionSet>,
    /// Generations of tagged commits from earlier runs, read on first use, written on drop.
    remembered: OnceCell<RefCell<Remembered>>,
    /// The contradiction found in the commit-graph, once one is: from then on no ancestry
    /// question is answered and nothing is remembered (see `ancestry::Ancestry::check`).
    damaged: Cell<Option<(Id, u32, u32)>>,
    /// What the last walk hid, for the next question hiding the same.
    hidden: RefCell<Option<ancestry::Hidden>>,
    /// The prefix of the namespace's refs (`GIT_NAMESPACE`; see `namespace.rs`). libgit2 reads
    /// a namespace's loose refs only, so the repository is opened without it and refs are read
    /// through this prefix.
    namespace: Option<String>,
}

impl Git {
    /// Opens the repository git would use here: `GIT_DIR` and friends first, then discovery.
    pub fn open_from_env() -> Result<Git, RepoError> {
        let repo = Repository::open_from_env().map_err(open_error)?;
        let object_dirs = objects::from_env(&repo);
        let namespace = std::env::var("GIT_NAMESPACE")
            .ok()
            .and_then(|ns| namespace::prefix(&ns));
        if namespace.is_some() {
            repo.remove_namespace().map_err(open_error)?;
        }
        let mut git = Git::with_objects(repo, object_dirs);
        git.namespace = namespace;
        Ok(git)
    }

    pub fn open(path: &Path) -> Result<Git, RepoError> {
        let repo = Repository::open(path).map_err(open_error)?;
        let object_dirs = objects::of(&repo);
        Ok(Git::with_objects(repo, object_dirs))
    }

    /// The same repository opened again: a fresh view that sees objects written since.
    pub fn reopen(&self) -> Result<Git, RepoError> {
        let repo = Repository::open(self.repo.path()).map_err(open_error)?;
        let object_dirs = objects::of(&repo);
        Ok(Git::with_objects(repo, object_dirs))
    }

    fn with_objects(repo: Repository, object_dirs: Vec<PathBuf>) -> Git {
        Git {
            repo,
            object_dirs,
            graph: OnceCell::new(),
            built: OnceCell::new(),
            loose: RefCell::new(ancestry::LooseCache::new()),
            peeled: RefCell::new(HashMap::new()),
            seen: RefCell::default(),
            remembered: OnceCell::new(),
            damaged: Cell::new(None),
            hidden: RefCell::new(None),
            namespace: None,
        }
    }

    /// Records that the commit-graph gives `commit` a generation its parents contradict, and
    /// forgets the generations remembered from it. The run then refuses rather than answer
    /// from the file (fail closed); rewriting it (`git commit-graph write --reachable`) gives a
    /// file the next run trusts, and remembers afresh.
    fn distrust(&self, commit: Id, found: u32, expected: u32) -> ViewError {
        if self.damaged.get().is_none() {
            self.damaged.set(Some((commit, found, expected)));
            remembered::forget(&self.common_dir());
        }
        self.damage().unwrap_or(ViewError::DamagedGraph {
            commit,
            found,
            expected,
        })
    }

    /// The contradiction found in the commit-graph, as an error, if one was.
    fn damage(&self) -> Option<ViewError> {
        self.damaged
            .get()
            .map(|(commit, found, expected)| ViewError::DamagedGraph {
                commit,
                found,
                expected,
            })
    }

    /// What ancestry questions are answered from: git's commit-graph when it is usable, else
    /// the graph built in memory, once, from the commits the refs reach. Building it costs a
    /// read of every commit object, the price of having no commit-graph, paid once.
    fn ancestry(&self) -> Result<&dyn Source, ViewError> {
        if let Some(damage) = self.damage() {
            return Err(damage);
        }
        if let Some(graph) = self.graph() {
            return Ok(graph);
        }
        if let Some(built) = self.built.get() {
            return Ok(built);
        }
        let built = BuiltGraph::of_refs(&self.repo)?;
        Ok(self.built.get_or_init(|| built))
    }

    /// The source ancestry is answered from if it is ready, without building one.
    fn ready(&self) -> Option<&dyn Source> {
        if self.damaged.get().is_some() {
            return None;
        }
        match self.graph() {
            Some(graph) => Some(graph),
            None => self.built.get().map(|built| built as &dyn Source),
        }
    }

    /// Which source answers ancestry here: `commit-graph` or `built`.
    #[cfg(test)]
    fn ancestry_source(&self) -> &'static str {
        if self.graph().is_some() {
            "commit-graph"
        } else {
            "built"
        }
    }

    /// The commit-graph, loaded on first use. git ignores it where grafts rewrite parents (a
    /// shallow repository, `info/grafts`), and so do we.
    fn graph(&self) -> Option<&CommitGraph> {
        self.graph
            .get_or_init(|| {
                let grafted = self.common_dir().join("info").join("grafts").exists();
                if self.repo.is_shallow() || grafted {
                    None
                } else {
                    CommitGraph::load(&self.object_dirs)
                }
            })
            .as_ref()
    }

    /// The generation an earlier run read from the commit-graph for `id`, when the
    /// commit-graph answers ancestry here (see `remembered.rs`).
    fn remembered_generation(&self, id: Id) -> Option<u32> {
        if self.damaged.get().is_some() {
            return None;
        }
        self.graph()?;
        self.remembered().borrow().get(id)
    }

    /// Keeps what this run learned of tagged commits for the next run; done on drop, and by a
    /// hook, which ends without dropping. Failing to is not worth an error: the next run gives
    /// the same answers, reading the commit-graph again.
    pub fn save_remembered(&self) {
        if self.damaged.get().is_some() {
            return;
        }
        if let Some(remembered) = self.remembered.get() {
            let _ = remembered.borrow_mut().save();
        }
    }

    fn remembered(&self) -> &RefCell<Remembered> {
        self.remembered.get_or_init(|| {
            let stamp = self.graph().map(CommitGraph::stamp).unwrap_or_default();
            RefCell::new(Remembered::load(&self.common_dir(), stamp))
        })
    }

    /// Whether `id` is a commit that needs no object read to peel: one the graph holds, or one
    /// an earlier run found there. Peeling is asked of what tags point at, and those are the
    /// commits whose generations are worth keeping for the next run.
    fn known_commit(&self, id: Id) -> bool {
        if self.remembered_generation(id).is_some() {
            return true;
        }
        if let Some(graph) = self.graph() {
            let Some(pos) = graph.lookup(id) else {
                return false;
            };
            // Checked before it is kept: later runs use it without reading the graph. A
            // contradiction is recorded, and the next ancestry question refuses.
            if let Ok(generation) = ancestry::checked_generation(self, graph, pos) {
                self.remembered().borrow_mut().learn(id, generation);
            }
            return true;
        }
        self.ready().is_some_and(|g| g.lookup(id).is_some())
    }

    pub fn is_bare(&self) -> bool {
        self.repo.is_bare()
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    pub fn workdir(&self) -> Option<&Path> {
        self.repo.workdir()
    }

    /// The repository's own git directory (a linked worktree's private one).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The git directory shared by all worktrees: where hooks and server files live.
    pub fn common_dir(&self) -> PathBuf {
        self.repo.commondir().to_path_buf()
    }

    pub fn config_string(&self, key: &str) -> Option<String> {
        self.repo.config().ok()?.get_string(key).ok()
    }

    /// `core.hooksPath` from any level, with the level it came from.
    pub fn hooks_path_level(&self) -> Option<(String, git2::ConfigLevel)> {
        let config = self.repo.config().ok()?;
        let entry = config.get_entry("core.hooksPath").ok()?;
        Some((entry.value().ok()?.to_owned(), entry.level()))
    }

    /// Resolves a revision (`master`, `origin/rc`, `HEAD~2`, an id) to a commit.
    pub fn resolve(&self, rev: &str) -> Result<Id, RepoError> {
        let object = self
            .repo
            .revparse_single(rev)
            .map_err(|source| RepoError::Resolve {
                rev: rev.to_owned(),
                source,
            })?;
        let commit = object
            .peel_to_commit()
            .map_err(|source| RepoError::Resolve {
                rev: rev.to_owned(),
                source,
            })?;
        Ok(to_id(commit.id()))
    }

    /// The short name of the branch `HEAD` is on, also when it is unborn.
    pub fn head_branch(&self) -> Option<String> {
        let head = self.repo.find_reference(&self.stored_name("HEAD")).ok()?;
        let target = head.symbolic_target().ok()??;
        self.own_name(target)?
            .strip_prefix("refs/heads/")
            .map(str::to_owned)
    }

    /// The commit `HEAD` points at, if any. git lets a branch name only a commit, so the id is
    /// taken from the ref without reading the object.
    pub fn head_commit(&self) -> Option<Id> {
        self.repo.refname_to_id("HEAD").ok().map(to_id)
    }

    /// The commits being merged: `MERGE_HEAD` when git wrote it (a merge that stopped for a
    /// conflict or `--no-commit`). A clean `git merge` runs `pre-merge-commit` before writing
    /// it, so then the heads come from what git says it is doing: `GIT_REFLOG_ACTION` is
    /// `merge <rev>...`, or `pull ...` with the heads in `FETCH_HEAD`.
    pub fn merge_heads(&self, reflog_action: Option<&str>) -> Vec<Id> {
        let read = |name: &str| std::fs::read_to_string(self.git_dir().join(name)).ok();
        if let Some(text) = read("MERGE_HEAD") {
            return text
                .lines()
                .filter_map(|l| Id::parse_hex(l).ok().flatten())
                .collect();
        }
        let action = reflog_action.unwrap_or_default();
        if let Some(revs) = action.strip_prefix("merge ") {
            return revs
                .split_whitespace()
                .filter(|rev| !rev.starts_with('-'))
                .filter_map(|rev| self.resolve(rev).ok())
                .collect();
        }
        if action == "pull" || action.starts_with("pull ") {
            return read("FETCH_HEAD")
                .unwrap_or_default()
                .lines()
                .filter(|line| line.split('\t').nth(1) == Some(""))
                .filter_map(|line| Id::parse_hex(line.split('\t').next()?).ok().flatten())
                .collect();
        }
        Vec::new()
    }

    pub fn merge_base(&self, a: Id, b: Id) -> Option<Id> {
        self.repo.merge_base(to_oid(a), to_oid(b)).ok().map(to_id)
    }
}

impl RepoView for Git {
    fn parents(&self, id: Id) -> Result<Vec<Id>, ViewError> {
        // A few parents (the first-parent rule's) are not worth building a graph for.
        if let Some(source) = self.ready() {
            return ancestry::parents(self, source, id);
        }
        let commit = self
            .repo
            .find_commit(to_oid(id))
            .map_err(|_| kind::not_a_commit(&self.repo, id))?;
        Ok(commit.parent_ids().map(to_id).collect())
    }

    fn is_ancestor(&self, ancestor: Id, descendant: Id) -> Result<bool, ViewError> {
        self.is_ancestor_of_any(ancestor, &[descendant])
    }

    fn is_ancestor_of_any(&self, ancestor: Id, descendants: &[Id]) -> Result<bool, ViewError> {
        if descendants.contains(&ancestor) {
            return Ok(true);
        }
        ancestry::is_ancestor_of_any(self, self.ancestry()?, ancestor, descendants)
    }

    fn reachable_among(
        &self,
        candidates: &[Id],
        tips: &[Id],
        hide: &[Id],
    ) -> Result<Vec<Vec<Id>>, ViewError> {
        if candidates.is_empty() || tips.is_empty() {
            return Ok(vec![Vec::new(); tips.len()]);
        }
        ancestry::reachable_among(self, self.ancestry()?, candidates, tips, hide)
    }

    fn walk(&self, tips: &[Id], hide: &[Id]) -> Result<Vec<Id>, ViewError> {
        // A commit made on top of a branch asks for what its parent brings that the branch
        // has not: nothing, known without a graph (which, without a commit-graph, would cost
        // `pre-commit` a read of the whole history).
        if tips.iter().all(|tip| hide.contains(tip)) {
            return Ok(Vec::new());
        }
        ancestry::walk(self, self.ancestry()?, tips, hide)
    }

    fn commit(&self, id: Id) -> Result<CommitInfo, ViewError> {
        let commit = self
            .repo
            .find_commit(to_oid(id))
            .map_err(|_| kind::not_a_commit(&self.repo, id))?;
        Ok(CommitInfo {
            message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
            time: commit.time().seconds(),
        })
    }

    fn read_file(&self, commit: Id, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        self.blob_at(commit, path)
    }

    fn list_files(&self, commit: Id, dir: &str) -> Result<Vec<String>, ViewError> {
        self.files_at(commit, dir)
    }

    fn date(&self, id: Id) -> Result<Stamp, ViewError> {
        let object = self
            .repo
            .find_object(to_oid(id), None)
            .map_err(|_| ViewError::Missing(id))?;
        // libgit2 reads an offset beyond ±14 hours as UTC: the raw header has the real one.
        let stamp = |time: git2::Time, raw: &dyn Fn() -> Option<i32>| Stamp {
            seconds: time.seconds(),
            offset_minutes: match time.offset_minutes() {
                0 => raw().unwrap_or(0),
                offset => offset,
            },
        };
        if let Some(tagger) = object.as_tag().and_then(|tag| tag.tagger()) {
            let raw = || {
                let odb = self.repo.odb().ok()?;
                let tag = odb.read(object.id()).ok()?;
                dates::header_offset(tag.data(), "tagger")
            };
            return Ok(stamp(tagger.when(), &raw));
        }
        let commit = object
            .peel_to_commit()
            .map_err(|_| ViewError::Undated(id))?;
        let raw = || dates::header_offset(commit.raw_header_bytes(), "committer");
        Ok(stamp(commit.committer().when(), &raw))
    }

    fn peel(&self, id: Id) -> Result<Peeled, ViewError> {
        // A commit the graph holds needs no object read: release tags are mostly such.
        let in_graph = |id: Id| self.known_commit(id);
        // An id `packed-refs` peeled is a tag's: no need to look for it among the commits.
        let known = self.peeled.borrow().get(&id).copied();
        if let Some(target) = known.filter(|&t| in_graph(t)) {
            return Ok(Peeled::Commit(target));
        }
        if known.is_none() && in_graph(id) {
            return Ok(Peeled::Commit(id));
        }
        let mut object = self
            .repo
            .find_object(to_oid(id), None)
            .map_err(|_| kind::not_a_commit(&self.repo, id))?;
        // Tags of tags are legal; a cycle is not possible in a content-addressed store, but a
        // bound keeps a corrupt one from hanging a server.
        for _ in 0..64 {
            match object.kind() {
                Some(ObjectType::Commit) => return Ok(Peeled::Commit(to_id(object.id()))),
                Some(ObjectType::Tag) => {
                    let tag = object.as_tag().ok_or(ViewError::WrongKind {
                        id,
                        kind: "a tag object that does not parse",
                    })?;
                    let target = tag.target_id();
                    if in_graph(to_id(target)) {
                        return Ok(Peeled::Commit(to_id(target)));
                    }
                    object = self
                        .repo
                        .find_object(target, None)
                        .map_err(|_| kind::not_a_commit(&self.repo, to_id(target)))?;
                }
                Some(ObjectType::Tree) => return Ok(Peeled::NotCommit("tree")),
                Some(ObjectType::Blob) => return Ok(Peeled::NotCommit("blob")),
                _ => return Ok(Peeled::NotCommit("object of unknown kind")),
            }
        }
        Ok(Peeled::NotCommit("chain of more than 64 tags"))
    }
}

impl Drop for Git {
    fn drop(&mut self) {
        self.save_remembered();
    }
}
