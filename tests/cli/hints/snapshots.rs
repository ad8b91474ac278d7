//! The messages this catalogue pins, as the user reads them, in text and in JSON.

use crate::harness::{Run, Sandbox, pytokio};
use crate::hooks::setup;

/// What git-policy said in a run, without git's own lines around it (which name the
/// sandbox's paths): the `remote: ` prefix dropped, up to git's report of the push.
pub(super) fn said(run: &Run) -> String {
    let mut lines = Vec::new();
    for line in run.all().lines() {
        let line = line.strip_prefix("remote: ").unwrap_or(line).trim_end();
        if line.starts_with("To ")
            || line.contains("failed to push")
            || line.starts_with("Not committing merge")
            || line.contains("hook declined")
        {
            break;
        }
        lines.push(line.to_owned());
    }
    lines.join("\n")
}

/// flow/foreign counting every commit of `0.12` that would enter rc, with the pick that is no
/// version bump, and flow/source naming the merge; text and JSON (every commit listed).
#[test]
fn foreign_and_source_of_a_version_branch_merged_into_rc() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    repo.set_version("0.12.0b1");
    repo.change("fix.txt", "fix\n", "Fix a crash in 0.12");
    repo.set_version("0.12.0b2");
    repo.change("docs.txt", "docs\n", "Document the fix");
    repo.checkout("rc");
    let old = repo.rev("rc");
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "0.12"]);
    let new = repo.rev("rc");
    let args = [
        "check",
        "--ref",
        "refs/heads/rc",
        "--old",
        &old,
        "--new",
        &new,
    ];
    insta::assert_snapshot!("foreign_text", repo.policy(&args).stdout);
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    insta::assert_snapshot!("foreign_json", repo.policy(&json).stdout);
}

/// A back-merge refused while it is being made: the hint aborts it.
#[test]
fn back_merge_refused_at_merge() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    s.dev.change("fix.txt", "fix\n", "Fix a crash on rc");
    s.dev.checkout("master");
    let run = s.dev.git_run(&["merge", "--no-edit", "rc"]);
    insta::assert_snapshot!(said(&run));
}

/// A back-merge refused by the server's `update` hook: the server's policy, not its path.
#[test]
fn back_merge_refused_at_update() {
    let s = setup("update");
    s.dev.checkout("rc");
    s.dev.change("fix.txt", "fix\n", "Fix a crash on rc");
    s.dev.git_run(&["push", "-q", "origin", "rc"]);
    s.dev.checkout("master");
    s.dev
        .git(&["merge", "-q", "--no-verify", "--no-edit", "--no-ff", "rc"]);
    let run = s.dev.git_run(&["push", "--no-verify", "origin", "master"]);
    insta::assert_snapshot!(said(&run));
}

/// The freeze pushed atomically to a server with the `update` hook: master first.
#[test]
fn freeze_refused_by_update() {
    let s = setup("update");
    s.dev.checkout("rc");
    s.dev
        .git(&["merge", "-q", "--no-verify", "--no-edit", "master"]);
    s.dev.checkout("master");
    s.dev.set_version("0.14.0.dev1");
    let run = s
        .dev
        .git_run(&["push", "--atomic", "origin", "master", "rc"]);
    insta::assert_snapshot!(said(&run));
}

/// A feature branch carrying master's bump merged into rc: both causes named.
#[test]
fn feature_branch_with_masters_bump_into_rc() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "feature2", "master"]);
    s.dev.change("feature2.txt", "f\n", "Add feature two");
    s.dev.git_run(&["push", "-q", "origin", "feature2"]);
    s.dev.checkout("rc");
    s.dev.git(&[
        "merge",
        "-q",
        "--no-verify",
        "--no-ff",
        "--no-edit",
        "feature2",
    ]);
    let run = s.dev.git_run(&["push", "--no-verify", "origin", "rc"]);
    insta::assert_snapshot!(said(&run));
}

/// github-rc: a moved candidate tag, a tag on an unmerged release branch, a beta tag.
#[test]
fn github_rc_tags() {
    let (_central, dev) = super::tags::github_rc("pre-receive", "1.2.0");
    dev.git(&["tag", "v1.2.0rc1"]);
    dev.git_run(&["push", "origin", "v1.2.0rc1"]);
    dev.change("fix.txt", "fix\n", "Fix the candidate");
    dev.git_run(&["push", "origin", "main"]);
    dev.git(&["tag", "-f", "v1.2.0rc1"]);
    let moved = dev.git_run(&["push", "-f", "origin", "v1.2.0rc1"]);
    insta::assert_snapshot!("github_rc_moved_tag", said(&moved));
    dev.git(&["checkout", "-q", "-b", "release-1.3"]);
    dev.change(
        "src/__init__.py",
        "__version__ = \"1.3.0\"\n",
        "Prepare 1.3.0",
    );
    dev.git(&["tag", "v1.3.0rc1"]);
    let misplaced = dev.git_run(&[
        "push",
        "--no-verify",
        "--atomic",
        "origin",
        "release-1.3",
        "v1.3.0rc1",
    ]);
    insta::assert_snapshot!("github_rc_tag_off_main", said(&misplaced));
    dev.checkout("main");
    dev.git(&["tag", "v1.2.0b1"]);
    let beta = dev.git_run(&["push", "origin", "v1.2.0b1"]);
    insta::assert_snapshot!("github_rc_beta_tag", said(&beta));
    dev.git(&["checkout", "-q", "-b", "topic"]);
    dev.change("topic.txt", "t\n", "Add a topic");
    dev.checkout("main");
    dev.change("main.txt", "m\n", "Fix on main");
    let merge = dev.git_run(&["merge", "--no-ff", "--no-edit", "topic"]);
    insta::assert_snapshot!("github_rc_merge_into_main", said(&merge));
}

/// The commit being made, in text and in JSON.
#[test]
fn pending_merge_into_rc() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.git(&["checkout", "-q", "-b", "topic", "rc"]);
    repo.change("topic.txt", "t\n", "Add a topic");
    let args = ["check", "--base", "rc", "--head", "topic"];
    insta::assert_snapshot!("pending_text", repo.policy(&args).stdout);
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    insta::assert_snapshot!("pending_json", repo.policy(&json).stdout);
}
