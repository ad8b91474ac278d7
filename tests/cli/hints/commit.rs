//! The commit entry point (`pre-commit`, and `pre-commit` finishing a merge made with
//! `--no-commit`): the commit is not made yet, so a hint either changes what is staged or
//! abandons the merge.

use super::{follow, words};
use crate::harness::{accepted, refused};
use crate::hooks::{Setup, setup};

/// Writes the pytokio version file and stages it, without committing.
fn stage_version(s: &Setup, version: &str) {
    s.dev.write(
        "tokio/__init__.py",
        &format!("\"\"\"pytokio\"\"\"\n__version__ = \"{version}\"\n"),
    );
    s.dev.git(&["add", "tokio/__init__.py"]);
}

/// A commit that sets a beta on master at 0.13.0.dev5: the words name a dev version no lower
/// than master's (they named 0.13.0.dev1, which version/monotonic then refused); staged, it is
/// committed and pushed.
#[test]
fn kind_at_commit_hinted_a_version_below_the_branchs() {
    let s = setup("pre-receive");
    s.dev.set_version("0.13.0.dev5");
    s.dev.write("notes.txt", "the next release\n");
    s.dev.git(&["add", "notes.txt"]);
    stage_version(&s, "0.13.0b1");
    let commit = ["commit", "-m", "Prepare the next version"];
    let run = s.dev.git_run(&commit);
    refused(&run, "version/kind");
    words(
        &run,
        "version/kind",
        "set a version such as `0.13.0.dev5` in `tokio/__init__.py`",
    );
    stage_version(&s, "0.13.0.dev5");
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
}

/// A commit that takes master (0.13.0.dev1) down to rc's minor: the words name the lowest
/// version above rc that does not lower master (they named 0.13.0.dev0, which
/// version/monotonic then refused).
#[test]
fn relation_at_commit_hinted_a_version_below_the_branchs() {
    let s = setup("pre-receive");
    stage_version(&s, "0.12.0.dev2");
    let commit = ["commit", "-m", "Go back a version"];
    let run = s.dev.git_run(&commit);
    refused(&run, "version/relation");
    words(
        &run,
        "version/relation",
        "set `master` to 0.13.0.dev1 or above in `tokio/__init__.py`",
    );
    stage_version(&s, "0.13.0.dev1");
    s.dev.write("notes.txt", "keep the version\n");
    s.dev.git(&["add", "notes.txt"]);
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
}

/// A commit on rc that reaches master's minor: the words say to bump master first; with
/// master bumped (and pushed), the same commit on rc is accepted and lands.
#[test]
fn relation_of_the_other_branch_at_commit_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    stage_version(&s, "0.13.0.dev0");
    let commit = ["commit", "-m", "Freeze 0.13"];
    let run = s.dev.git_run(&commit);
    refused(&run, "version/relation");
    words(
        &run,
        "version/relation",
        "commit the bump of `master` to 0.14.0.dev1 on `master` first, then commit this on `rc`",
    );
    s.dev.git(&["stash", "-q"]);
    s.dev.checkout("master");
    s.dev.set_version("0.14.0.dev1");
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
    s.dev.checkout("rc");
    s.dev.git(&["stash", "pop", "-q"]);
    s.dev.git(&["add", "tokio/__init__.py"]);
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
}

/// A back-merge of rc made with `--no-commit` and finished by `git commit`: pre-commit judges
/// the merge; its hint aborts it and picks the fix, and master lands.
#[test]
fn foreign_at_commit_of_a_merge_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    let fix = s.dev.change("fix.txt", "fix\n", "Fix a crash on rc");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    s.dev.checkout("master");
    s.dev.git(&["merge", "-q", "--no-ff", "--no-commit", "rc"]);
    let run = s.dev.git_run(&["commit", "--no-edit"]);
    refused(&run, "flow/foreign");
    let hint = follow(&s.dev, &run, "flow/foreign");
    assert!(hint.contains(&fix[..7]), "picks the fix: {hint}");
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
}

/// A topic merged into rc with `--no-commit` and finished by `git commit`: the hint aborts the
/// merge and picks the topic's commits; rc lands.
#[test]
fn source_at_commit_of_a_merge_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "quick", "rc"]);
    s.dev.change("quick.txt", "quick\n", "Add a quick fix");
    s.dev.checkout("rc");
    s.dev
        .git(&["merge", "-q", "--no-ff", "--no-commit", "quick"]);
    let run = s.dev.git_run(&["commit", "--no-edit"]);
    refused(&run, "flow/source");
    let hint = follow(&s.dev, &run, "flow/source");
    assert!(hint.contains("`git merge --abort`"), "{hint}");
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
}

/// Version branch 0.12, cut from rc at its first beta and pushed; left checked out.
pub(super) fn version_branch(s: &Setup) {
    s.dev.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    s.dev.set_version("0.12.0b1");
    accepted(&s.dev.git_run(&["push", "origin", "0.12"]));
}

/// A commit on 0.12 that sets 0.13's beta: the words name the versions 0.12 carries.
#[test]
fn branch_name_at_commit_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    version_branch(&s);
    stage_version(&s, "0.13.0b1");
    let commit = ["commit", "-m", "Next beta"];
    let run = s.dev.git_run(&commit);
    refused(&run, "version/branch-name");
    words(
        &run,
        "version/branch-name",
        "set a version matching `==0.12.*` in `tokio/__init__.py`",
    );
    stage_version(&s, "0.12.0b2");
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "origin", "0.12"]));
}

/// A fix committed on 0.12 right after tagging its beta: the words name the next beta, which,
/// staged with the fix, is committed and pushed.
#[test]
fn ahead_of_tags_at_commit_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    version_branch(&s);
    s.dev.git(&["tag", "v0.12.0b1"]);
    accepted(&s.dev.git_run(&["push", "origin", "v0.12.0b1"]));
    s.dev.write("fix.txt", "fix\n");
    s.dev.git(&["add", "fix.txt"]);
    let commit = ["commit", "-m", "Fix after the beta"];
    let run = s.dev.git_run(&commit);
    refused(&run, "version/ahead-of-tags");
    words(
        &run,
        "version/ahead-of-tags",
        "bump the version in `tokio/__init__.py` to 0.12.0b2",
    );
    stage_version(&s, "0.12.0b2");
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "origin", "0.12"]));
}

/// A topic that sets a beta, merged into master: the refused merge is still in progress; the
/// words name a dev version, which, staged, finishes the merge (`git commit`), and master lands.
#[test]
fn kind_at_merge_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "topic", "master"]);
    s.dev.set_version("0.13.0b1");
    s.dev.checkout("master");
    let run = s.dev.git_run(&["merge", "--no-ff", "--no-edit", "topic"]);
    refused(&run, "version/kind");
    words(
        &run,
        "version/kind",
        "set a version such as `0.13.0.dev1` in `tokio/__init__.py`",
    );
    stage_version(&s, "0.13.0.dev1");
    accepted(&s.dev.git_run(&["commit", "--no-edit"]));
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
}

/// A commit that lowers master within its minor: the words name master's version as the
/// lowest; staged with the rest, the commit is accepted and pushed.
#[test]
fn monotonic_at_commit_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.write("notes.txt", "notes\n");
    s.dev.git(&["add", "notes.txt"]);
    stage_version(&s, "0.13.0.dev0");
    let commit = ["commit", "-m", "Add notes"];
    let run = s.dev.git_run(&commit);
    refused(&run, "version/monotonic");
    words(
        &run,
        "version/monotonic",
        "set 0.13.0.dev1 or higher in `tokio/__init__.py`",
    );
    stage_version(&s, "0.13.0.dev1");
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
}
