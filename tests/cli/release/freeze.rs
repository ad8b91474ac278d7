//! `git policy release freeze`: the kept-below branch takes the kept-above one (a
//! fast-forward where it can, else a merge) and the upper branch moves to its next minor's
//! `.dev1`, as one update set.

use super::{audit_clean, release, start, state, unchanged};
use crate::harness::{accepted, failed, rejected};
use crate::hooks::setup;

/// seed 000: "Merge master into rc. In master, update version ... to 0.(N+1).0.dev1": where
/// `rc` is behind `master` it fast-forwards, `master` moves to 0.14.0.dev1, and both land
/// in one atomic push that neither the client hooks nor the server refuse.
#[test]
fn freeze_fast_forwards_rc_and_bumps_master() {
    let s = setup("pre-receive");
    let master = s.dev.rev("master");
    let run = release(&s.dev, &["freeze", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(s.central.rev("rc"), master);
    assert_eq!(s.central.rev("master^"), master);
    let file = s.central.git(&["show", "master:tokio/__init__.py"]);
    assert!(file.contains("\"0.14.0.dev1\""), "{file}");
    assert_eq!(s.dev.rev("rc"), master, "the local branch follows");
    audit_clean(&s.central);
}

/// Where `rc` has a hotfix of its own, `rc` takes `master` by a merge, carrying `master`'s
/// version (its conflict in the version file is the freeze's to resolve) and the hotfix.
#[test]
fn freeze_merges_master_into_a_diverged_rc() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    s.dev.change("fix.txt", "a hotfix\n", "hotfix on rc");
    s.dev.set_version("0.12.0.dev2");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    let (rc, master) = (s.dev.rev("rc"), s.dev.rev("master"));
    let run = release(&s.dev, &["freeze", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(s.central.rev("rc^1"), rc);
    assert_eq!(s.central.rev("rc^2"), master);
    let file = s.central.git(&["show", "rc:tokio/__init__.py"]);
    assert!(file.contains("\"0.13.0.dev1\""), "{file}");
    assert_eq!(s.central.git(&["show", "rc:fix.txt"]), "a hotfix");
    // The work tree of the checked-out `rc` follows the merge.
    assert_eq!(s.dev.git(&["status", "--porcelain"]), "");
    assert!(s.dev.path.join("feature.txt").exists());
    audit_clean(&s.central);
}

/// A freeze whose result breaks the policy (here `rc` carries a local merge of a topic
/// branch, which only `master` takes) is refused with the violation, and nothing is written.
#[test]
fn refused_freeze_writes_nothing() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "topic", "rc"]);
    s.dev.change("topic.txt", "topic\n", "topic work");
    s.dev.checkout("rc");
    s.dev.git(&[
        "merge",
        "-q",
        "--no-ff",
        "--no-verify",
        "-m",
        "Merge topic",
        "topic",
    ]);
    let before = state(&s.dev);
    let run = release(&s.dev, &["freeze", "--push"]);
    rejected(&run, "flow/source");
    unchanged(&s.dev, &before, &run);
}

/// When `master` moved on at the server since the clone fetched, the atomic push is refused,
/// nothing is written here, and the hint says to fetch and freeze again.
#[test]
fn upstream_moved_on_writes_nothing() {
    let s = setup("pre-receive");
    let other = s.sandbox.clone_of(&s.central, "other");
    other.set_version("0.13.0.dev2");
    accepted(&other.git_run(&["push", "-q", "origin", "master"]));
    let before = state(&s.dev);
    let central = s.central.git(&["for-each-ref"]);
    let run = release(&s.dev, &["freeze", "--push"]);
    failed(
        &run,
        &[
            "refused the push, or has moved on",
            "`git fetch origin`, then run `git policy release freeze --push` again",
        ],
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(
        s.central.git(&["for-each-ref"]),
        central,
        "the atomic push moved nothing"
    );
}

/// `--dry-run` writes no object either; it prints both moves and the verdict, and writes nothing.
#[test]
fn dry_run_writes_nothing() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["freeze", "--dry-run"]);
    accepted(&run);
    assert!(
        run.stdout.contains("dry run: nothing was written"),
        "{}",
        run.stdout
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// A policy that keeps no branch above another has no freeze, and says so (exit 2).
#[test]
fn no_kept_above_pair_has_no_freeze() {
    let files = [("src/__init__.py", "__version__ = \"1.2.3\"\n")];
    let s = start("github-rc", "main", &files);
    let before = state(&s.dev);
    let run = release(&s.dev, &["freeze"]);
    failed(
        &run,
        &[
            "`.git-policy.toml` has no feature freeze: no branch is kept above another (`version.above`)",
            "hint: release with the steps it has: `git policy release tag`",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// A conflict outside the version files stops the freeze (exit 2, nothing written), and the
/// hint gives the way through by hand that keeps `master` above `rc` at every moment.
#[test]
fn conflicting_freeze_says_how_to_merge_by_hand() {
    let s = setup("pre-receive");
    s.dev
        .change("shared.txt", "master's line\n", "master edits shared.txt");
    s.dev.checkout("rc");
    s.dev
        .change("shared.txt", "rc's line\n", "rc edits shared.txt");
    let master = s.dev.rev("master");
    let before = state(&s.dev);
    let run = release(&s.dev, &["freeze"]);
    let merge = format!(
        "hint: move `master` on first, `git policy release bump 0.14.0.dev1 --branch master --push`; then merge the commit before it into `rc`, `git switch rc && git merge {}`, resolve the conflicts with 0.13.0.dev1 in `tokio/__init__.py`, `git commit`, and `git push origin rc`",
        &master[..7]
    );
    failed(
        &run,
        &[
            "merging `master` into `rc` conflicts in `shared.txt`, which a freeze cannot resolve: nothing was written",
            &merge,
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// Bug: the conflicting freeze's hint, followed literally, left `rc` at its old version and
/// unpushed; it now names the version `rc` takes and the push, and followed, lands clean.
#[test]
fn conflicting_freeze_hint_followed_literally_lands() {
    let s = setup("pre-receive");
    s.dev
        .change("shared.txt", "master's line\n", "master edits shared.txt");
    s.dev.checkout("rc");
    s.dev
        .change("shared.txt", "rc's line\n", "rc edits shared.txt");
    let master = s.dev.rev("master");
    failed(&release(&s.dev, &["freeze"]), &["`git push origin rc`"]);
    accepted(&release(
        &s.dev,
        &["bump", "0.14.0.dev1", "--branch", "master", "--push"],
    ));
    s.dev.checkout("rc");
    let merged = s.dev.git_run(&["merge", &master[..7]]);
    assert_ne!(
        merged.code,
        0,
        "the merge stops on its conflict:\n{}",
        merged.all()
    );
    s.dev.write("shared.txt", "both lines\n");
    s.dev.write(
        "tokio/__init__.py",
        "\"\"\"pytokio\"\"\"\n__version__ = \"0.13.0.dev1\"\n",
    );
    s.dev.git(&["add", "shared.txt", "tokio/__init__.py"]);
    accepted(&s.dev.git_run(&["commit", "-q", "--no-edit"]));
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
    let file = s.central.git(&["show", "rc:tokio/__init__.py"]);
    assert!(file.contains("\"0.13.0.dev1\""), "{file}");
    audit_clean(&s.central);
}

/// Bug: the freeze showed the version `rc` takes in its normal form (`0.13.0.dev1`) where
/// `master`'s file, which `rc` takes as it is, writes `0.13.0-dev1`.
#[test]
fn freeze_shows_the_version_as_the_file_writes_it() {
    let s = setup("pre-receive");
    s.dev.set_version("0.13.0-dev1");
    let run = release(&s.dev, &["freeze", "--dry-run"]);
    accepted(&run);
    assert!(
        run.stdout.contains("fast-forward to `master`, 0.13.0-dev1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("(was 0.13.0-dev1 in `tokio/__init__.py`)"),
        "{}",
        run.stdout
    );
}
