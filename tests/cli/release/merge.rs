//! `git policy release merge BRANCH [--into B]`: a release branch merged back where the policy
//! lets it go, fast-forward where it can, the version-file conflict resolved to the branch's
//! version only where the target may carry it.

use super::branch::{twisted, twisted_version};
use super::{audit_clean, release, state, unchanged};
use crate::harness::{accepted, failed, rejected};
use crate::hooks::Setup;

const RELEASE: &str = "releases/release-4290";

/// Twisted with release branch `releases/release-4290` cut at 23.1.0rc1 and pushed.
fn cut() -> Setup {
    let s = twisted();
    accepted(&release(&s.dev, &["branch", RELEASE, "--push"]));
    s
}

/// Moves trunk on to 23.1.0.dev0 with commits of its own, pushed.
fn trunk_moves_on(s: &Setup) {
    s.dev.change(
        "src/twisted/_version.py",
        &twisted_version(23, 1, 0, ", dev=0"),
        "trunk is 23.1.0.dev0",
    );
    s.dev
        .change("feature.txt", "a feature\n", "a feature on trunk");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "trunk"]));
}

/// seed 004: "merge the release branch into trunk": trunk moved on meanwhile (to a dev version
/// of its own), so a merge commit is made, its version-file conflict resolved to the release
/// branch's final version, which trunk may carry; pushed, and the work tree follows.
#[test]
fn final_release_merges_back_into_trunk() {
    let s = cut();
    trunk_moves_on(&s);
    accepted(&release(
        &s.dev,
        &["bump", "23.1.0", "--branch", RELEASE, "--push"],
    ));
    let (trunk, branch) = (s.dev.rev("trunk"), s.dev.rev(RELEASE));
    let run = release(&s.dev, &["merge", RELEASE, "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(s.central.rev("trunk^1"), trunk);
    assert_eq!(s.central.rev("trunk^2"), branch);
    let file = s.central.git(&["show", "trunk:src/twisted/_version.py"]);
    assert!(file.contains("Version(\"Twisted\", 23, 1, 0)"), "{file}");
    assert_eq!(s.dev.rev("HEAD"), s.central.rev("trunk"));
    assert_eq!(s.dev.git(&["status", "--porcelain"]), "");
    audit_clean(&s.central);
}

/// Where trunk has not moved, the merge is a fast-forward.
#[test]
fn fast_forward_where_the_target_has_not_moved() {
    let s = cut();
    accepted(&release(
        &s.dev,
        &["bump", "23.1.0", "--branch", RELEASE, "--push"],
    ));
    let run = release(&s.dev, &["merge", RELEASE, "--push"]);
    accepted(&run);
    assert!(
        run.stdout
            .contains("fast-forward to `releases/release-4290`, 23.1.0"),
        "{}",
        run.stdout
    );
    assert_eq!(s.central.rev("trunk"), s.central.rev(RELEASE));
    audit_clean(&s.central);
}

/// A release candidate is no version trunk carries: merged as it is, the evaluator refuses
/// it (exit 1) and nothing is written.
#[test]
fn release_candidate_is_refused_on_trunk() {
    let s = cut();
    let before = state(&s.dev);
    let run = release(&s.dev, &["merge", RELEASE, "--push"]);
    rejected(&run, "version/kind");
    insta::assert_snapshot!(run.stdout);
    unchanged(&s.dev, &before, &run);
}

/// A version-file conflict is not resolved to a version the target may not carry: refused
/// with the version to set first, nothing written.
#[test]
fn version_conflict_with_a_version_trunk_refuses() {
    let s = cut();
    trunk_moves_on(&s);
    let before = state(&s.dev);
    let run = release(&s.dev, &["merge", RELEASE]);
    failed(
        &run,
        &[
            "merging `releases/release-4290` into `trunk` conflicts in `src/twisted/_version.py`, and `releases/release-4290`'s 23.1.0rc1 is not one `trunk` may carry",
            "`git policy release bump 23.1.0 --branch releases/release-4290`",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// `--dry-run` writes no object either; it prints the merge and writes nothing.
#[test]
fn dry_run_writes_nothing() {
    let s = cut();
    trunk_moves_on(&s);
    accepted(&release(
        &s.dev,
        &["bump", "23.1.0", "--branch", RELEASE, "--push"],
    ));
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["merge", RELEASE, "--dry-run"]);
    accepted(&run);
    assert!(
        run.stdout
            .contains("merge of `releases/release-4290`, 23.1.0"),
        "{}",
        run.stdout
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// A merge that would bring no change (rc's hotfix is on 0.12 as a pick already) is refused
/// as nothing to do, and nothing is written.
#[test]
fn merge_that_changes_nothing_is_refused() {
    let s = super::with_version_branch();
    s.dev.checkout("rc");
    let fix = s.dev.change("fix.txt", "fixed\n", "Hotfix on rc");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    accepted(&release(&s.dev, &["port", &fix, "--push"]));
    let before = state(&s.dev);
    let run = release(&s.dev, &["merge", "rc", "--into", "0.12"]);
    failed(
        &run,
        &["`0.12` has every change `rc` has (picked already): a merge would change nothing"],
    );
    unchanged(&s.dev, &before, &run);
}

/// seed 001: the release branch `release/v1.2.3` lands on main: an unprotected branch names
/// no target, so `--into` is asked for with an example; given, main fast-forwards to it.
#[test]
fn unprotected_branch_merges_into_the_branch_named() {
    let files = [
        ("src/__init__.py", "__version__ = \"1.2.2\"\n"),
        ("CHANGELOG.md", "# Changelog\n"),
    ];
    let s = super::start("github-rc", "main", &files);
    accepted(&release(&s.dev, &["branch", "release/v1.2.3", "--push"]));
    let run = release(&s.dev, &["merge", "release/v1.2.3"]);
    failed(
        &run,
        &["give `--into`, e.g. `git policy release merge release/v1.2.3 --into main`"],
    );
    let run = release(
        &s.dev,
        &["merge", "release/v1.2.3", "--into", "main", "--push"],
    );
    accepted(&run);
    assert_eq!(s.central.rev("main"), s.central.rev("release/v1.2.3"));
    audit_clean(&s.central);
}

/// Bug: a branch named nowhere (a typo) was answered with only `git fetch`, which cannot
/// find it; the hint now also says how to list the branches this clone knows.
#[test]
fn unknown_branch_hint_lists_the_branches() {
    let s = crate::hooks::setup("pre-receive");
    let before = state(&s.dev);
    let run = release(&s.dev, &["merge", "nosuch", "--dry-run"]);
    failed(
        &run,
        &[
            "there is no branch `nosuch` here or on `origin`",
            "hint: if it is new on `origin`, fetch it (`git fetch origin`); `git branch -a` lists the branches this clone knows",
        ],
    );
    unchanged(&s.dev, &before, &run);
}
