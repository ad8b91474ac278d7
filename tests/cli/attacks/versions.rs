//! The version git-policy reads is the one Python sees (issue #15, item 9): a version file that
//! a plain reading would take for `0.12.0b2`, where Python's `__version__` is `9.9.9`, pushed
//! with the tag `v0.12.0b2` by a client of its own. The server refuses it, naming the file,
//! rather than judge a version Python never has; the plain file lands.

use super::{Target, each};
use crate::harness::ZERO;
use crate::rawpush::{Transport, assert_fsck_clean, refs_of};

/// Version files that say `0.12.0b2` to a plain reading and something else to Python.
const TWO_FACED: &[(&str, &str)] = &[
    (
        "a lone CR",
        "__version__ = \"0.12.0b2\"\r__version__ = \"9.9.9\"\n",
    ),
    (
        "an NFKC-folded name",
        "__version__ = \"0.12.0b2\"\n__\u{ff56}ersion__ = \"9.9.9\"\n",
    ),
    (
        "a second statement",
        "__version__ = \"0.12.0b2\"; __version__ = \"9.9.9\"\n",
    ),
    (
        "an indented reassignment",
        "__version__ = \"0.12.0b2\"\nif True:\n    __version__ = \"9.9.9\"\n",
    ),
    (
        "an augmented assignment",
        "__version__ = \"0.12.0b2\"\n__version__ += \".post1\"\n",
    ),
];

/// `0.12` moved to a commit whose version file is `text`, tagged `v0.12.0b2`; the commands
/// that push both.
fn bump_with(t: &Target, text: &str, message: &str) -> [(String, String, &'static str); 2] {
    let old = t.tip("0.12");
    t.work.checkout("0.12");
    t.work.git(&["reset", "-q", "--hard", &old]);
    t.work.write("tokio/__init__.py", text);
    let commit = t.work.commit(message);
    t.work.git(&["tag", "-f", "v0.12.0b2", &commit]);
    t.work.checkout("master");
    [
        (old, commit.clone(), "refs/heads/0.12"),
        (ZERO.to_owned(), commit, "refs/tags/v0.12.0b2"),
    ]
}

/// Each two-faced version file, with its tag, is refused naming the file; refs unchanged,
/// `git fsck --strict` clean. The same push with a plain file lands.
#[test]
fn version_python_reads_otherwise_was_released() {
    each(|t: &Target, transport: Transport<'_>| {
        let at = format!("{} over {}", t.hook, transport.name());
        for (what, text) in TWO_FACED {
            let commands = bump_with(t, text, what);
            let commands: Vec<(&str, &str, &str)> = commands
                .iter()
                .map(|(o, n, r)| (o.as_str(), n.as_str(), *r))
                .collect();
            let before = refs_of(&t.central);
            let report = t.send(transport, &commands, false);
            assert!(
                report.status("refs/heads/0.12").is_err()
                    && report.status("refs/tags/v0.12.0b2").is_err(),
                "{at}, {what}: landed:\n{report}"
            );
            assert!(
                report
                    .remote
                    .iter()
                    .any(|l| l.contains("tokio/__init__.py")),
                "{at}, {what}: the file is not named:\n{report}"
            );
            assert_eq!(refs_of(&t.central), before, "{at}, {what}: refs moved");
            assert_fsck_clean(&t.central);
        }
        let plain = bump_with(t, "__version__ = \"0.12.0b2\"\n", "0.12.0b2");
        let plain: Vec<(&str, &str, &str)> = plain
            .iter()
            .map(|(o, n, r)| (o.as_str(), n.as_str(), *r))
            .collect();
        t.landed(transport, &plain);
    });
}
