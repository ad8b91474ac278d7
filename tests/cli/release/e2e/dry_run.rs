//! `--dry-run` of every step, from a served repository where the step would be accepted: it
//! prints the plan and the verdict and changes nothing, in the clone (refs, `HEAD`, index, work
//! tree, reachable objects) or on the server.

use super::{Served, served};
use crate::harness::TestRepo;

const PYTOKIO: &[(&str, &str)] = &[(
    "tokio/__init__.py",
    "\"\"\"pytokio\"\"\"\n__version__ = \"0.12.0.dev1\"\n",
)];

/// pytokio with `rc` at 0.12.0.dev1 and `master` at 0.13.0.dev1 with a feature, then `more`.
fn pytokio(more: impl FnOnce(&TestRepo)) -> Served {
    served("pytokio", "master", PYTOKIO, |work| {
        work.git(&["branch", "rc"]);
        work.set_version("0.13.0.dev1");
        work.change("feature.txt", "a feature\n", "add a feature");
        more(work);
    })
}

/// Asserts the dry run of `args` names each of `moved` in its plan.
#[track_caller]
fn plans(s: &Served, args: &[&str], moved: &[&str]) {
    let run = s.dry_run(args);
    super::ok(&run);
    for name in moved {
        assert!(run.stdout.contains(name), "{name} in:\n{}", run.stdout);
    }
}

/// `release freeze --dry-run` plans rc's merge of master and master's next minor, writes
/// nothing.
#[test]
fn freeze_dry_run_changes_nothing() {
    let s = pytokio(|_| {});
    plans(&s, &["freeze"], &["rc", "master", "0.14.0.dev1"]);
}

/// `release branch 0.13 --dry-run` plans the version branch at its first beta, writes
/// nothing (no branch, no commit reachable).
#[test]
fn branch_dry_run_changes_nothing() {
    let s = pytokio(|_| {});
    plans(
        &s,
        &["branch", "0.12", "--version", "0.12.0b1"],
        &["0.12", "0.12.0b1"],
    );
}

/// `release tag --dry-run` plans the tag and the next beta, writes nothing (no tag, no
/// tag object reachable).
#[test]
fn tag_dry_run_changes_nothing() {
    let s = pytokio(|work| {
        work.git(&["checkout", "-q", "-b", "0.12", "rc"]);
        work.set_version("0.12.0b1");
        work.checkout("master");
    });
    plans(&s, &["tag", "--branch", "0.12"], &["v0.12.0b1", "0.12.0b2"]);
}

/// `release port COMMIT --dry-run` plans a pick onto rc and the version branch, writes
/// nothing.
#[test]
fn port_dry_run_changes_nothing() {
    let s = pytokio(|work| {
        work.git(&["checkout", "-q", "-b", "0.12", "rc"]);
        work.set_version("0.12.0b1");
        work.checkout("master");
        work.change("fix.txt", "a fix\n", "fix: a bug");
    });
    let fix = s.dev.rev("origin/master");
    plans(&s, &["port", &fix], &["rc", "0.12"]);
}

/// `release bump VERSION --dry-run` on the checked-out branch plans the commit, writes
/// nothing: the work tree's version file is as it was.
#[test]
fn bump_dry_run_changes_nothing() {
    let s = pytokio(|_| {});
    plans(&s, &["bump", "0.13.0.dev2"], &["master", "0.13.0.dev2"]);
}

/// `release merge BRANCH --dry-run` plans trunk's merge of a Twisted release branch at its
/// final version, writes nothing.
#[test]
fn merge_dry_run_changes_nothing() {
    let files = [
        (
            "src/twisted/_version.py",
            "from incremental import Version\n\n__version__ = Version(\"Twisted\", 23, 10, 0)\n",
        ),
        (
            "NEWS",
            "Twisted 23.10.0 (2023-10-01)\n============================\n\n- a feature\n",
        ),
    ];
    let s = served("twisted", "trunk", &files, |work| {
        work.git(&["checkout", "-q", "-b", "releases/release-4290"]);
        work.change(
            "src/twisted/_version.py",
            "from incremental import Version\n\n__version__ = Version(\"Twisted\", 23, 11, 0)\n",
            "change-versions 23.11.0",
        );
        work.checkout("trunk");
    });
    plans(
        &s,
        &["merge", "releases/release-4290"],
        &["trunk", "releases/release-4290"],
    );
}

/// `release plan` reads only: the clone and the server are as they were.
#[test]
fn plan_changes_nothing() {
    let s = pytokio(|_| {});
    let before = super::everything(&s.dev);
    let run = s.dev.policy(&["release", "plan"]);
    super::ok(&run);
    assert_eq!(super::everything(&s.dev), before, "{}", run.all());
}

/// `release tag VERSION --dry-run` where the changelog lacks the release's heading says the
/// step would stop to add it, and writes nothing: the work tree's changelog is as it was.
#[test]
fn tag_dry_run_without_changelog_heading_changes_nothing() {
    let files = [
        (
            "pypiserver/__init__.py",
            "version = __version__ = \"2.1.0\"\n",
        ),
        (
            "CHANGES.rst",
            "Changelog\n=========\n\n2.1.0 (2023-10-01)\n------------------\n\n- a change\n",
        ),
    ];
    let s = served("pypiserver", "main", &files, |_| {});
    let before = super::everything(&s.dev);
    let run = s.dev.policy(&["release", "tag", "2.1.1", "--dry-run"]);
    crate::harness::failed(
        &run,
        &[
            "`CHANGES.rst` has no entry for 2.1.1",
            "nothing was written",
            "`git policy release tag 2.1.1`",
        ],
    );
    assert!(!run.stderr.contains("--dry-run` again"), "{}", run.stderr);
    assert_eq!(super::everything(&s.dev), before, "{}", run.all());
}
