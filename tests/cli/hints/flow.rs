//! flow/foreign and flow/source: the hint undoes what the user was doing (a merge in
//! progress, a push) and brings the wanted commits over by cherry-pick.

use super::follow;
use crate::harness::{Run, accepted, refused};
use crate::hooks::{Setup, setup};

/// rc with a hotfix of its own, master checked out: the state a back-merge is made in.
fn hotfix_on_rc(server_hook: &str) -> (Setup, String) {
    let s = setup(server_hook);
    s.dev.checkout("rc");
    let fix = s.dev.change("fix.txt", "fix\n", "Fix a crash on rc");
    assert_eq!(s.dev.git_run(&["push", "-q", "origin", "rc"]).code, 0);
    s.dev.checkout("master");
    (s, fix)
}

/// rc merged into master behind the client hooks' back, ready to push.
fn back_merged(server_hook: &str) -> Setup {
    let (s, _) = hotfix_on_rc(server_hook);
    s.dev
        .git(&["merge", "-q", "--no-verify", "--no-edit", "--no-ff", "rc"]);
    s
}

/// The refused merge's hint aborts the merge (not `git reset --hard ORIG_HEAD`, which throws
/// away a commit that was never made) and picks the fix; the push that follows is accepted.
#[test]
fn foreign_at_merge_hinted_reset_orig_head() {
    let (s, fix) = hotfix_on_rc("pre-receive");
    let run = s.dev.git_run(&["merge", "--no-edit", "rc"]);
    refused(&run, "flow/foreign");
    let hint = follow(&s.dev, &run, "flow/foreign");
    assert!(hint.contains("`git merge --abort`"), "{hint}");
    assert!(!hint.contains("ORIG_HEAD"), "{hint}");
    assert!(hint.contains(&fix[..7]), "picks the fix: {hint}");
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
}

/// Follows the flow/foreign hint of a refused push of a back-merge and pushes again.
fn push_back_merge(server_hook: &str, args: &[&str]) {
    let s = back_merged(server_hook);
    let run: Run = s.dev.git_run(args);
    refused(&run, "flow/foreign");
    let hint = follow(&s.dev, &run, "flow/foreign");
    assert!(hint.contains("`git checkout -B master "), "{hint}");
    accepted(&s.dev.git_run(args));
    assert_eq!(s.central.rev("master"), s.dev.rev("master"));
}

/// pre-push: the back-merge is taken back to where the remote has master, the fix picked.
#[test]
fn foreign_at_pre_push_is_fixed_by_its_hint() {
    push_back_merge("pre-receive", &["push", "origin", "master"]);
}

/// Server `pre-receive`: the same hint, from the server's own refs.
#[test]
fn foreign_at_pre_receive_is_fixed_by_its_hint() {
    push_back_merge("pre-receive", &["push", "--no-verify", "origin", "master"]);
}

/// Server `update`: the same hint.
#[test]
fn foreign_at_update_is_fixed_by_its_hint() {
    push_back_merge("update", &["push", "--no-verify", "origin", "master"]);
}

/// A topic merged into rc: the refused merge is aborted and the topic's commits picked by a
/// literal range (no `<sha>` placeholder); rc is then pushed.
#[test]
fn source_at_merge_hinted_a_placeholder_sha() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "quick", "rc"]);
    s.dev.change("quick.txt", "quick\n", "Add a quick fix");
    s.dev.checkout("rc");
    let run = s.dev.git_run(&["merge", "--no-ff", "--no-edit", "quick"]);
    refused(&run, "flow/source");
    let hint = follow(&s.dev, &run, "flow/source");
    assert!(hint.contains("`git merge --abort`"), "{hint}");
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
}

/// Follows the flow/source hint of a refused push of a topic merged into rc.
fn push_topic_merge(server_hook: &str, args: &[&str]) {
    let s = setup(server_hook);
    s.dev.git(&["checkout", "-q", "-b", "quick", "rc"]);
    s.dev.change("quick.txt", "quick\n", "Add a quick fix");
    s.dev.checkout("rc");
    s.dev.git(&[
        "merge",
        "-q",
        "--no-verify",
        "--no-ff",
        "--no-edit",
        "quick",
    ]);
    let run = s.dev.git_run(args);
    refused(&run, "flow/source");
    follow(&s.dev, &run, "flow/source");
    accepted(&s.dev.git_run(args));
}

/// pre-push: a topic merged into rc, fixed by its hint.
#[test]
fn source_at_pre_push_is_fixed_by_its_hint() {
    push_topic_merge("pre-receive", &["push", "origin", "rc"]);
}

/// Server `pre-receive`: a topic merged into rc, fixed by its hint.
#[test]
fn source_at_pre_receive_is_fixed_by_its_hint() {
    push_topic_merge("pre-receive", &["push", "--no-verify", "origin", "rc"]);
}

/// Server `update`: a topic merged into rc, fixed by its hint.
#[test]
fn source_at_update_is_fixed_by_its_hint() {
    push_topic_merge("update", &["push", "--no-verify", "origin", "rc"]);
}

/// Follows the flow/foreign hint of a version branch cut from master instead of rc: cut it
/// again from rc (the hint used to say to undo a merge and cherry-pick master's bump), set
/// its version again (the words), and push.
fn version_branch_cut_from_master(server_hook: &str, push: &[&str]) {
    let s = setup(server_hook);
    s.dev.git(&["checkout", "-q", "-b", "0.12", "master"]);
    s.dev.set_version("0.12.0b1");
    let run = s.dev.git_run(push);
    refused(&run, "flow/foreign");
    let hint = follow(&s.dev, &run, "flow/foreign");
    assert!(hint.contains("cut `0.12` from `rc` instead"), "{hint}");
    s.dev.set_version("0.12.0b1");
    accepted(&s.dev.git_run(push));
}

/// pre-push.
#[test]
fn version_branch_cut_from_master_hinted_undo_a_merge() {
    version_branch_cut_from_master("pre-receive", &["push", "origin", "0.12"]);
}

/// Server `pre-receive`.
#[test]
fn version_branch_cut_from_master_at_pre_receive_is_fixed_by_its_hint() {
    version_branch_cut_from_master("pre-receive", &["push", "--no-verify", "origin", "0.12"]);
}

/// Server `update`.
#[test]
fn version_branch_cut_from_master_at_update_is_fixed_by_its_hint() {
    version_branch_cut_from_master("update", &["push", "--no-verify", "origin", "0.12"]);
}
