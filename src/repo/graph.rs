//! git's commit-graph, read with `gix-commitgraph`: parents and generation numbers without
//! parsing commit objects.
//!
//! libgit2 reads only a single `objects/info/commit-graph`, refuses the ones git >= 2.36 writes
//! (with generation data chunks), never reads a `commit-graphs/` chain as `git maintenance`
//! leaves it, and does not use generation numbers to stop a walk. Without them an ancestry
//! question costs a walk through history; with them it costs a walk through the commits between
//! the two, or nothing when the answer is plainly no. See BENCHMARKS.md for the measurements.

use std::path::{Path, PathBuf};

use gix_commitgraph::{Graph, Position};

use super::ancestry::Source;
use crate::rules::{Id, ViewError};

/// A loaded commit-graph.
pub struct CommitGraph {
    graph: Graph,
    count: u32,
    /// The `info` folder it was read from.
    info: PathBuf,
}

impl CommitGraph {
    /// The graph git would use: the first object directory that has one (in a pre-receive
    /// quarantine, the quarantine has none and the repository's own directory, an alternate,
    /// does). `None` when there is none or it cannot be read: then ancestry uses a graph built
    /// in memory instead (see `built.rs`).
    pub fn load(object_dirs: &[PathBuf]) -> Option<CommitGraph> {
        object_dirs.iter().find_map(|dir| Self::load_dir(dir))
    }

    fn load_dir(dir: &Path) -> Option<CommitGraph> {
        let info = dir.join("info");
        if !info.join("commit-graph").is_file()
            && !info
                .join("commit-graphs")
                .join("commit-graph-chain")
                .is_file()
        {
            return None;
        }
        let graph = Graph::from_info_dir(&info).ok()?;
        if graph.object_hash() != gix_hash::Kind::Sha1 {
            return None;
        }
        let count = graph.num_commits();
        // git 2.18 wrote graphs without generation numbers (all zero); pruning by them would
        // be wrong, and the first file of a chain is the oldest.
        for pos in [0, count.saturating_sub(1)] {
            if pos < count && graph.commit_at(Position(pos)).generation() == 0 {
                return None;
            }
        }
        Some(CommitGraph { graph, count, info })
    }

    /// Which commit-graph this is: git writes a new file and renames it over the old (a new
    /// inode, size and time), so a rewritten graph has another stamp. Asked once, by the
    /// remembered generations, not by every load.
    pub fn stamp(&self) -> [u8; 24] {
        let file = |path: &Path| {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::hash::DefaultHasher::new();
            if let Ok(meta) = std::fs::metadata(path) {
                #[cfg(unix)]
                std::os::unix::fs::MetadataExt::ino(&meta).hash(&mut hasher);
                meta.len().hash(&mut hasher);
                meta.modified().ok().hash(&mut hasher);
            }
            hasher.finish()
        };
        let chain = self.info.join("commit-graphs").join("commit-graph-chain");
        let mut stamp = [0u8; 24];
        stamp[..8].copy_from_slice(&file(&self.info.join("commit-graph")).to_be_bytes());
        stamp[8..16].copy_from_slice(&file(&chain).to_be_bytes());
        stamp[16..].copy_from_slice(&u64::from(self.count).to_be_bytes());
        stamp
    }

    /// The root tree of a commit in the graph, which records it: reading the tree of a commit
    /// then parses no commit object.
    pub fn root_tree(&self, id: Id) -> Option<Id> {
        let pos = self.lookup(id)?;
        let commit = self.graph.commit_at(Position(pos));
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(commit.root_tree_id().as_bytes());
        Some(Id(bytes))
    }

    /// A position out of range would make `gix-commitgraph` panic: a corrupt file is an error.
    fn check(&self, pos: u32) -> Result<(), ViewError> {
        if pos < self.count {
            Ok(())
        } else {
            Err(corrupt(format!("position {pos} of {} commits", self.count)))
        }
    }
}

impl Source for CommitGraph {
    fn len(&self) -> u32 {
        self.count
    }

    fn lookup(&self, id: Id) -> Option<u32> {
        let oid = gix_hash::oid::try_from_bytes(&id.0).ok()?;
        self.graph.lookup(oid).map(|p| p.0)
    }

    fn id(&self, pos: u32) -> Result<Id, ViewError> {
        self.check(pos)?;
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(self.graph.id_at(Position(pos)).as_bytes());
        Ok(Id(bytes))
    }

    /// The commit's generation number (its topological level): greater than every parent's.
    fn generation(&self, pos: u32) -> Result<u32, ViewError> {
        self.check(pos)?;
        Ok(self.graph.commit_at(Position(pos)).generation())
    }

    fn entry(&self, pos: u32, into: &mut Vec<u32>) -> Result<u32, ViewError> {
        self.check(pos)?;
        let commit = self.graph.commit_at(Position(pos));
        for parent in commit.iter_parents() {
            let parent = parent.map_err(|e| corrupt(e.to_string()))?;
            self.check(parent.0)?;
            into.push(parent.0);
        }
        Ok(commit.generation())
    }

    /// Parents in order, by position: a graph holds every ancestor of every commit in it.
    fn parents(&self, pos: u32, into: &mut Vec<u32>) -> Result<(), ViewError> {
        self.check(pos)?;
        for parent in self.graph.commit_at(Position(pos)).iter_parents() {
            let parent = parent.map_err(|e| corrupt(e.to_string()))?;
            self.check(parent.0)?;
            into.push(parent.0);
        }
        Ok(())
    }
}

fn corrupt(detail: String) -> ViewError {
    ViewError::Git {
        what: "read the commit-graph".into(),
        source: format!("the commit-graph is corrupt ({detail}); rewrite it with `git commit-graph write --reachable`").into(),
    }
}
