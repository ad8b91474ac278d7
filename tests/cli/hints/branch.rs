//! branch/linear (github-rc's main): the hint fits a merge in progress and a pushed merge.

use super::{commands, follow, words};
use crate::harness::{accepted, refused};

/// A merge into main refused at `pre-merge-commit`: the hint aborts it (`git rebase
/// origin/main` fails inside a refused merge), rebases the topic and fast-forwards main.
#[test]
fn linear_at_merge_hinted_a_rebase_that_fails_mid_merge() {
    let (_central, dev) = super::tags::github_rc("pre-receive", "1.2.0");
    dev.git(&["checkout", "-q", "-b", "topic"]);
    dev.change("topic.txt", "t\n", "Add a topic");
    dev.checkout("main");
    dev.change("main.txt", "m\n", "Fix on main");
    let run = dev.git_run(&["merge", "--no-ff", "--no-edit", "topic"]);
    refused(&run, "branch/linear");
    let hint = words(&run, "branch/linear", "`git merge --abort`");
    assert!(!hint.contains("git rebase origin/main"), "{hint}");
    // The words, with the topic's name for `<topic>`.
    for command in commands(&hint) {
        let command = command.replace("<topic>", "topic");
        let args: Vec<&str> = command.split(' ').skip(1).collect();
        accepted(&dev.git_run(&args));
    }
    accepted(&dev.git_run(&["push", "origin", "main"]));
}

/// A merge commit pushed to main: the hint rebases it away, and the push lands.
fn linear_at_push(hook: &str, push: &[&str]) {
    let (_central, dev) = super::tags::github_rc(hook, "1.2.0");
    dev.git(&["checkout", "-q", "-b", "topic"]);
    dev.change("topic.txt", "t\n", "Add a topic");
    dev.checkout("main");
    dev.change("main.txt", "m\n", "Fix on main");
    dev.git(&[
        "merge",
        "-q",
        "--no-verify",
        "--no-ff",
        "--no-edit",
        "topic",
    ]);
    let run = dev.git_run(push);
    refused(&run, "branch/linear");
    follow(&dev, &run, "branch/linear");
    accepted(&dev.git_run(push));
}

/// pre-push.
#[test]
fn linear_at_pre_push_is_fixed_by_its_hint() {
    linear_at_push("pre-receive", &["push", "origin", "main"]);
}

/// Server `pre-receive`.
#[test]
fn linear_at_pre_receive_is_fixed_by_its_hint() {
    linear_at_push("pre-receive", &["push", "--no-verify", "origin", "main"]);
}

/// Server `update`.
#[test]
fn linear_at_update_is_fixed_by_its_hint() {
    linear_at_push("update", &["push", "--no-verify", "origin", "main"]);
}

/// rc rewritten and force-pushed: the hint (fetch, rebase onto the current rc) makes the push
/// a fast-forward, which lands.
fn force_at_push(hook: &str, push: &[&str]) {
    let s = crate::hooks::setup(hook);
    s.dev.checkout("rc");
    s.dev.change("one.txt", "1\n", "Fix one on rc");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    s.dev.git(&["reset", "-q", "--hard", "HEAD~1"]);
    s.dev.change("two.txt", "2\n", "Fix two on rc");
    let run = s.dev.git_run(push);
    refused(&run, "branch/force");
    follow(&s.dev, &run, "branch/force");
    accepted(&s.dev.git_run(push));
    assert_eq!(s.central.rev("rc"), s.dev.rev("rc"));
}

/// pre-push.
#[test]
fn force_at_pre_push_is_fixed_by_its_hint() {
    force_at_push("pre-receive", &["push", "-f", "origin", "rc"]);
}

/// Server `pre-receive`.
#[test]
fn force_at_pre_receive_is_fixed_by_its_hint() {
    force_at_push(
        "pre-receive",
        &["push", "-f", "--no-verify", "origin", "rc"],
    );
}

/// Server `update`.
#[test]
fn force_at_update_is_fixed_by_its_hint() {
    force_at_push("update", &["push", "-f", "--no-verify", "origin", "rc"]);
}

/// A refused deletion of rc: the hint says in words that nothing was deleted (it used to give
/// a push to "restore" a branch that was never gone), and rc is still on the server.
#[test]
fn delete_hinted_restoring_a_branch_never_deleted() {
    for (hook, push) in [
        ("pre-receive", vec!["push", "origin", "--delete", "rc"]),
        (
            "pre-receive",
            vec!["push", "--no-verify", "origin", "--delete", "rc"],
        ),
        (
            "update",
            vec!["push", "--no-verify", "origin", "--delete", "rc"],
        ),
    ] {
        let s = crate::hooks::setup(hook);
        let rc = s.central.rev("rc");
        let run = s.dev.git_run(&push);
        refused(&run, "branch/delete");
        words(&run, "branch/delete", "nothing to restore");
        assert_eq!(s.central.rev("rc"), rc);
    }
}
