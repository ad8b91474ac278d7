//! The generation numbers of tagged commits, remembered between runs in
//! `git-policy/generations` under the repository's git directory.
//!
//! A version branch's push asks whether each release tag above its version is an ancestor of
//! the new tip (`version/ahead-of-tags`). Each question costs a lookup of the tag's commit in
//! the commit-graph: a binary search in its sorted ids and a read of its entry, two pages of a
//! 60 MB file on a million commits, each a page fault in a new process. The answer is almost
//! always settled by the generation alone (a tag higher than the tip is not below it), so the
//! generations of the commits tags point at are kept, and the graph is read only when the
//! generation does not settle the question.
//!
//! A commit's generation is its topological level: a fact of its ancestry, which never changes.
//! Only levels read from git's commit-graph are remembered and used (the graph built in memory
//! applies grafts, which change levels), and only while that commit-graph is the one they were
//! read from: a rewritten graph (`git gc`, `git maintenance`, or by hand after a corrupt one)
//! starts the file afresh, so a level is never trusted longer than its source. A file that cannot be read,
//! or that this module did not write, is ignored, and one that cannot be written is left as it
//! is: the answers are the same without it, only slower.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::ancestry::GENERATION_MAX;
use crate::rules::Id;

/// `03`: levels are checked against their parents' before they are kept; a file of an
/// earlier format, which kept them unchecked, is not read.
const MAGIC: &[u8; 8] = b"gpgen03\n";
/// Which commit-graph the levels were read from (see `CommitGraph::stamp`).
pub type Stamp = [u8; 24];
/// An id and a generation, big-endian.
const ENTRY: usize = 24;
/// The most the file keeps (400 KB): past it, entries of the file make room for what a run
/// learned, the highest ids first. Only deleted tags' commits pile up between rewrites of the
/// commit-graph, and they are never asked about again.
const KEEP: usize = 1 << 14;

/// The generations known from the file and those learned in this run.
pub struct Remembered {
    path: PathBuf,
    stamp: Stamp,
    /// The file's entries, sorted by id.
    known: Vec<(Id, u32)>,
    learned: BTreeMap<Id, u32>,
}

/// Where the file of the repository whose git directory is `common_dir` is.
fn path_in(common_dir: &Path) -> PathBuf {
    common_dir.join("git-policy").join("generations")
}

/// Deletes the file of the repository whose git directory is `common_dir`: its levels came
/// from a commit-graph found damaged. Failing to is left as it is (the stamp of the rewritten
/// graph will not match it).
pub fn forget(common_dir: &Path) {
    let _ = fs::remove_file(path_in(common_dir));
}

impl Remembered {
    /// The file of the repository whose git directory is `common_dir`, for the commit-graph
    /// `stamp`; none, a damaged one or one from another commit-graph reads as empty.
    pub fn load(common_dir: &Path, stamp: Stamp) -> Remembered {
        let path = path_in(common_dir);
        let known = fs::read(&path)
            .ok()
            .and_then(|bytes| decode(&bytes, &stamp))
            .unwrap_or_default();
        Remembered {
            path,
            stamp,
            known,
            learned: BTreeMap::new(),
        }
    }

    pub fn get(&self, id: Id) -> Option<u32> {
        let found = |entries: &[(Id, u32)]| {
            entries
                .binary_search_by(|(e, _)| e.cmp(&id))
                .ok()
                .map(|i| entries[i].1)
        };
        found(&self.known).or_else(|| self.learned.get(&id).copied())
    }

    /// Keeps a level read from the commit-graph; the capped and the unknown (0) are not levels.
    pub fn learn(&mut self, id: Id, generation: u32) {
        if valid(generation) && self.get(id).is_none() {
            self.learned.insert(id, generation);
        }
    }

    /// Writes the file when this run learned something: beside it, then renamed over it, so
    /// that a reader never sees half of one and two writers lose nothing but what they learned.
    pub fn save(&mut self) -> std::io::Result<()> {
        if self.learned.is_empty() {
            return Ok(());
        }
        let mut entries = std::mem::take(&mut self.known);
        entries.truncate(KEEP.saturating_sub(self.learned.len()));
        entries.extend(std::mem::take(&mut self.learned));
        entries.sort_unstable();
        entries.dedup_by_key(|(id, _)| *id);
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let mut builder = tempfile::Builder::new();
        // Readable by whoever else pushes to a shared repository, as git's own files are;
        // a temporary file is otherwise private.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let mut file = builder.tempfile_in(dir)?;
        file.write_all(&encode(&self.stamp, &entries))?;
        file.persist(&self.path)?;
        self.known = entries;
        Ok(())
    }
}

fn valid(generation: u32) -> bool {
    generation > 0 && generation < GENERATION_MAX
}

fn encode(stamp: &Stamp, entries: &[(Id, u32)]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(MAGIC.len() + stamp.len() + entries.len() * ENTRY);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(stamp);
    for (id, generation) in entries {
        bytes.extend_from_slice(&id.0);
        bytes.extend_from_slice(&generation.to_be_bytes());
    }
    bytes
}

/// The entries, when `bytes` is a whole file of this format, from the commit-graph `stamp`,
/// with its ids in strict order and every level a level.
fn decode(bytes: &[u8], stamp: &Stamp) -> Option<Vec<(Id, u32)>> {
    let body = bytes.strip_prefix(MAGIC.as_slice())?;
    let body = body.strip_prefix(stamp.as_slice())?;
    if body.len() % ENTRY != 0 {
        return None;
    }
    let entries: Vec<(Id, u32)> = body
        .chunks_exact(ENTRY)
        .map(|chunk| {
            let (id, generation) = chunk.split_at(20);
            let mut bytes = [0u8; 20];
            bytes.copy_from_slice(id);
            let mut number = [0u8; 4];
            number.copy_from_slice(generation);
            (Id(bytes), u32::from_be_bytes(number))
        })
        .collect();
    let sorted = entries.windows(2).all(|pair| pair[0].0 < pair[1].0);
    (sorted && entries.iter().all(|&(_, g)| valid(g))).then_some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(byte: u8) -> Id {
        Id([byte; 20])
    }

    const STAMP: Stamp = [7; 24];

    /// What one run learns, the next run reads back, in id order and without duplicates.
    #[test]
    fn learned_generations_are_read_back_by_the_next_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut first = Remembered::load(dir.path(), STAMP);
        first.learn(id(9), 70);
        first.learn(id(2), 5);
        first.learn(id(9), 70);
        first.save().expect("save");
        let mut second = Remembered::load(dir.path(), STAMP);
        assert_eq!(second.known, [(id(2), 5), (id(9), 70)]);
        second.learn(id(4), 12);
        second.save().expect("save");
        let third = Remembered::load(dir.path(), STAMP);
        assert_eq!(third.get(id(4)), Some(12));
        assert_eq!(third.get(id(9)), Some(70));
        assert_eq!(third.get(id(3)), None);
    }

    /// Levels read from another commit-graph (rewritten since) are not used, and the next save
    /// starts the file afresh for the new one.
    #[test]
    fn another_commit_graph_starts_afresh() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut old = Remembered::load(dir.path(), STAMP);
        old.learn(id(1), 3);
        old.save().expect("save");
        let mut new = Remembered::load(dir.path(), [8; 24]);
        assert_eq!(new.get(id(1)), None);
        new.learn(id(2), 4);
        new.save().expect("save");
        let again = Remembered::load(dir.path(), [8; 24]);
        assert_eq!((again.get(id(1)), again.get(id(2))), (None, Some(4)));
    }

    /// A file cut short, out of order, from elsewhere, or holding a level that is not one (0,
    /// or the capped maximum) reads as empty; neither is learned.
    #[test]
    fn a_damaged_file_is_ignored() {
        let good = encode(&STAMP, &[(id(1), 3), (id(2), 4)]);
        assert!(decode(&good, &STAMP).is_some());
        let cut = &good[..good.len() - 1];
        let unsorted = encode(&STAMP, &[(id(2), 4), (id(1), 3)]);
        let zero = encode(&STAMP, &[(id(1), 0)]);
        let capped = encode(&STAMP, &[(id(1), GENERATION_MAX)]);
        let foreign = [b"gpgen99\n".as_slice(), &good[MAGIC.len()..]].concat();
        for bad in [cut, &unsorted, &zero, &capped, &foreign, b"".as_slice()] {
            assert_eq!(decode(bad, &STAMP), None);
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mut run = Remembered::load(dir.path(), STAMP);
        run.learn(id(1), 0);
        run.learn(id(2), GENERATION_MAX);
        assert_eq!((run.get(id(1)), run.get(id(2))), (None, None));
    }

    /// A run that learned nothing leaves no file behind.
    #[test]
    fn nothing_learned_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut run = Remembered::load(dir.path(), STAMP);
        run.save().expect("save");
        assert!(!dir.path().join("git-policy").exists());
    }
}
