//! A commit-graph whose generation numbers contradict its own parent lists (a bit flip on disk)
//! is not trusted: the server refuses with the fix instead of answering from it.

use std::fs::{self, OpenOptions};
use std::path::Path;

use crate::harness::{Sandbox, TestRepo, accepted, pytokio, refused, serve};

/// The chunk at `id` in a commit-graph file: its offset, from the table after the header.
fn chunk(bytes: &[u8], id: &[u8; 4]) -> usize {
    let count = usize::from(bytes[6]);
    (0..count)
        .map(|i| &bytes[8 + 12 * i..8 + 12 * (i + 1)])
        .find(|entry| &entry[..4] == id)
        .map(|entry| {
            let mut offset = [0u8; 8];
            offset.copy_from_slice(&entry[4..]);
            u64::from_be_bytes(offset) as usize
        })
        .unwrap_or_else(|| panic!("no {} chunk", String::from_utf8_lossy(id)))
}

/// Where the generation (topological level) of `commit` is in the file: its entry in the
/// commit data chunk (`CDAT`), at the position of its id in the sorted ids (`OIDL`), holds it
/// in the top 30 bits of the word after the tree and two parents.
fn level_offset(bytes: &[u8], commit: &str) -> usize {
    let (ids, data) = (chunk(bytes, b"OIDL"), chunk(bytes, b"CDAT"));
    let count = (data - ids) / 20;
    let hex = |i: usize| -> String {
        bytes[ids + 20 * i..ids + 20 * (i + 1)]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let pos = (0..count)
        .find(|&i| hex(i) == commit)
        .unwrap_or_else(|| panic!("{commit} is not in the commit-graph"));
    data + 36 * pos + 28
}

fn level(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) >> 2
}

/// Flips bits of the levels of `flips` (commit, bits to flip) in the repository's commit-graph
/// where it lies, as a failing disk would: the same file, size and modification time, so the
/// generations git-policy remembered from it still look current. Returns the levels before and
/// after.
fn flip_levels(repo: &TestRepo, flips: &[(&str, u32)]) -> Vec<(u32, u32)> {
    let file = repo.path.join("objects/info/commit-graph");
    let mut bytes = fs::read(&file).expect("commit-graph");
    let mut levels = Vec::new();
    for &(commit, bits) in flips {
        let at = level_offset(&bytes, commit);
        let before = level(&bytes, at);
        let word = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        bytes[at..at + 4].copy_from_slice(&(word ^ (bits << 2)).to_be_bytes());
        levels.push((before, level(&bytes, at)));
    }
    rewrite_in_place(&file, &bytes);
    levels
}

fn rewrite_in_place(file: &Path, bytes: &[u8]) {
    let meta = fs::metadata(file).expect("metadata");
    let mut writable = meta.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    writable.set_readonly(false);
    fs::set_permissions(file, writable).expect("writable");
    let mut handle = OpenOptions::new().write(true).open(file).expect("open");
    std::io::Write::write_all(&mut handle, bytes).expect("write");
    handle
        .set_modified(meta.modified().expect("mtime"))
        .expect("keep the time");
    drop(handle);
    fs::set_permissions(file, meta.permissions()).expect("read-only again");
}

/// Regression: with two generation numbers of its commit-graph changed as bit flips would
/// change them (`git commit-graph verify` reports the file, git's own ancestry still answers
/// right), the server accepted a back-merge of `0.12` into `master`. Each damage (the first
/// commit of `0.12` raised above its tip, the tip lowered below it, or both) now refuses the
/// push with the fix as its hint and forgets the generations remembered from the file;
/// following the hint, the back-merge is refused by `flow/foreign` and a legal push lands.
#[test]
fn damaged_commit_graph_accepted_a_back_merge() {
    // The bits flipped on the first commit of 0.12 and on its tip; 0 leaves one alone.
    let damages: [(&str, u32, bool); 3] = [
        ("first commit raised", 1 << 10, false),
        ("tip lowered", 0, true),
        ("both", 1 << 10, true),
    ];
    for (round, (damage, raise, lower)) in damages.into_iter().enumerate() {
        let hook = ["pre-receive", "update"][round % 2];
        let what = format!("{damage}, {hook}");
        let sandbox = Sandbox::new();
        let work = pytokio(&sandbox);
        let first = work.cut("0.12", "rc", "0.12.0b1");
        work.git(&["tag", "v0.12.0b1"]);
        work.change("fix.txt", "one\n", "a fix on 0.12");
        let tip = work.set_version("0.12.0b2");
        work.checkout("master");
        let central = serve(&work, hook);
        central.git(&["commit-graph", "write", "--reachable"]);
        // Judging a release tag peels the others: the server remembers their generations.
        let dev = sandbox.clone_of(&central, "dev");
        dev.git(&["tag", "v0.12.0b2", "origin/0.12"]);
        accepted(&dev.git_run(&["push", "-q", "--no-verify", "origin", "v0.12.0b2"]));
        let remembered = central.path.join("git-policy/generations");
        assert!(remembered.is_file(), "{what}: a push remembers generations");

        let lowered = |level: u32| {
            if lower {
                1 << (31 - level.leading_zeros())
            } else {
                0
            }
        };
        let file = fs::read(central.path.join("objects/info/commit-graph")).expect("graph");
        let tip_level = level(&file, level_offset(&file, &tip));
        let levels = flip_levels(&central, &[(&first, raise), (&tip, lowered(tip_level))]);
        let [(_, first_level), (_, tip_level)] = levels[..] else {
            panic!("two levels")
        };
        assert!(
            tip_level <= first_level,
            "{what}: the damage puts 0.12's tip at or below its first commit: {levels:?}"
        );
        let verify = central.git_run(&["commit-graph", "verify"]);
        assert_ne!(
            verify.code,
            0,
            "{what}: git reports the file: {}",
            verify.all()
        );
        let git_says = central.git_run(&["merge-base", "--is-ancestor", &first, "0.12"]);
        assert_eq!(git_says.code, 0, "{what}: git still answers right");

        // master keeps its version file: only the flow is wrong.
        dev.git(&[
            "merge",
            "-q",
            "--no-verify",
            "--no-edit",
            "-X",
            "ours",
            "origin/0.12",
        ]);
        let before = central.rev("master");
        let run = dev.git_run(&["push", "--no-verify", "origin", "master"]);
        assert_ne!(
            run.code,
            0,
            "{what}: the back-merge is refused: {}",
            run.all()
        );
        assert!(
            run.stderr.contains("the commit-graph is damaged"),
            "{what}: {}",
            run.stderr
        );
        let hint = "`git commit-graph write --reachable`";
        assert!(
            run.stderr.contains("hint:") && run.stderr.contains(hint),
            "{what}: {}",
            run.stderr
        );
        assert_eq!(central.rev("master"), before, "{what}: master did not move");
        assert!(
            !remembered.exists(),
            "{what}: generations remembered from the damaged file are forgotten"
        );

        // The hint, followed literally on the server.
        central.git(&["commit-graph", "write", "--reachable"]);
        let run = dev.git_run(&["push", "--no-verify", "origin", "master"]);
        refused(&run, "flow/foreign");
        assert_eq!(central.rev("master"), before, "{what}: master did not move");
        dev.git(&["reset", "-q", "--hard", "origin/master"]);
        dev.set_version("0.13.0.dev3");
        accepted(&dev.git_run(&["push", "-q", "--no-verify", "origin", "master"]));
    }
}
