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
