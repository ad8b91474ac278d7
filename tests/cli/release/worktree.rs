//! A step never moves a branch another worktree holds: checked out in a linked worktree (or in
//! the main one, from a linked one), or being rebased. It refuses, writes and pushes nothing,
//! and says how to free the branch.

use super::{release, state, unchanged};
use crate::harness::{Run, accepted, bin, failed};
use crate::hooks::setup;

/// Bug: a freeze run in the main worktree moved `rc` under a linked worktree that had it
/// checked out, leaving that worktree with the old files staged against the new tip.
#[test]
fn step_refuses_a_branch_checked_out_in_another_worktree() {
    let s = setup("pre-receive");
    let linked = s.sandbox.path().join("rc-tree");
    let linked_arg = linked.display().to_string();
    s.dev.git(&["worktree", "add", "-q", &linked_arg, "rc"]);
    let before = state(&s.dev);
    let central = s.central.git(&["for-each-ref"]);
    let run = release(&s.dev, &["freeze", "--push"]);
    failed(
        &run,
        &[
            &format!("`rc` is checked out in the worktree `{linked_arg}`"),
            &format!("`git -C {linked_arg} switch --detach`"),
        ],
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(
        s.central.git(&["for-each-ref"]),
        central,
        "nothing was pushed"
    );
    let status = s.dev.git(&["-C", &linked_arg, "status", "--porcelain"]);
    assert_eq!(status, "", "the linked worktree is as it was");
    // The hint, followed: detach there, run the step again, check the branch out again.
    s.dev.git(&["-C", &linked_arg, "switch", "-q", "--detach"]);
    accepted(&release(&s.dev, &["freeze", "--push"]));
    s.dev.git(&["-C", &linked_arg, "switch", "-q", "rc"]);
    let status = s.dev.git(&["-C", &linked_arg, "status", "--porcelain"]);
    assert_eq!(status, "");
    assert_eq!(
        s.dev.git(&["-C", &linked_arg, "rev-parse", "HEAD"]),
        s.central.rev("rc")
    );
}

/// Bug: run from a linked worktree, a step moved the branch checked out in the main worktree.
#[test]
fn step_from_a_linked_worktree_refuses_the_main_worktrees_branch() {
    let s = setup("pre-receive");
    let linked = s.sandbox.path().join("rc-tree");
    let linked_arg = linked.display().to_string();
    s.dev.git(&["worktree", "add", "-q", &linked_arg, "rc"]);
    let before = state(&s.dev);
    let run = Run::from_output(
        s.sandbox
            .command(bin(), &linked)
            .args(["release", "bump", "0.13.0.dev2", "--branch", "master"])
            .output()
            .expect("run git-policy"),
    );
    failed(
        &run,
        &[&format!(
            "`master` is checked out in the worktree `{}`",
            s.dev.path.display()
        )],
    );
    unchanged(&s.dev, &before, &run);
}

/// Bug: a step moved a branch while a rebase of it was stopped, which the rebase's end would
/// then overwrite.
#[test]
fn step_refuses_a_branch_being_rebased() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "side", "master"]);
    s.dev
        .change("shared.txt", "side\n", "side edits shared.txt");
    s.dev.checkout("master");
    s.dev
        .change("shared.txt", "master\n", "master edits shared.txt");
    let run = s.dev.git_run(&["rebase", "side"]);
    assert_ne!(
        run.code,
        0,
        "the rebase stops on its conflict:\n{}",
        run.all()
    );
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--branch", "master"]);
    failed(
        &run,
        &[
            "`master` is being rebased in the worktree",
            "rebase --abort",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// Bug: a step moved the checked-out branch in the middle of a conflicted merge, which the
/// merge's commit would then have been made on; it is now refused, and `--abort` named.
#[test]
fn step_refuses_the_branch_of_a_merge_in_progress() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "side", "master"]);
    s.dev
        .change("shared.txt", "side\n", "side edits shared.txt");
    s.dev.checkout("master");
    s.dev
        .change("shared.txt", "master\n", "master edits shared.txt");
    let run = s.dev.git_run(&["merge", "--no-verify", "side"]);
    assert_ne!(
        run.code,
        0,
        "the merge stops on its conflict:\n{}",
        run.all()
    );
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    failed(
        &run,
        &[
            "a `git merge` is in progress in this work tree, on the branch the step moves: nothing was written",
            "hint: finish it, or abort it (`git merge --abort`), then run `git policy release bump 0.13.0.dev2 --push` again",
        ],
    );
    unchanged(&s.dev, &before, &run);
    accepted(&s.dev.git_run(&["merge", "--abort"]));
    accepted(&release(&s.dev, &["bump", "0.13.0.dev2", "--push"]));
}

/// Bug: a dry run said to go ahead with a step the clone could not take (its branch held by
/// another worktree); it now says what would stop it, and writes nothing.
#[test]
fn dry_run_says_what_would_stop_the_step() {
    let s = setup("pre-receive");
    let linked = s.sandbox.path().join("rc-tree");
    let linked_arg = linked.display().to_string();
    s.dev.git(&["worktree", "add", "-q", &linked_arg, "rc"]);
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["freeze", "--dry-run"]);
    accepted(&run);
    assert!(
        run.stdout.contains(&format!(
            "warning: run now, the step would stop: `rc` is checked out in the worktree `{linked_arg}`"
        )),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("to do it, run"), "{}", run.stdout);
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// Bug: for a branch checked out in a worktree deleted without `git worktree remove`, the
/// hint said to run git in the deleted directory; it now says to prune it, and that works.
#[test]
fn deleted_worktree_hint_says_to_prune() {
    let s = setup("pre-receive");
    let linked = s.sandbox.path().join("rc-tree");
    let linked_arg = linked.display().to_string();
    s.dev.git(&["worktree", "add", "-q", &linked_arg, "rc"]);
    std::fs::remove_dir_all(&linked).expect("delete the worktree");
    let before = state(&s.dev);
    let run = release(&s.dev, &["freeze", "--push"]);
    failed(
        &run,
        &[
            "which is gone but still registered: nothing was written",
            "hint: forget the worktrees that are gone, `git worktree prune`, then run `git policy release freeze --push` again",
        ],
    );
    unchanged(&s.dev, &before, &run);
    s.dev.git(&["worktree", "prune"]);
    accepted(&release(&s.dev, &["freeze", "--push"]));
}

/// Run from a linked worktree, a step that moves the branch checked out there lands on the
/// server and brings that worktree's files and index along; the main worktree is untouched.
#[test]
fn step_from_a_linked_worktree_moves_its_own_branch() {
    let s = setup("pre-receive");
    let linked = s.sandbox.path().join("rc-tree");
    let linked_arg = linked.display().to_string();
    s.dev.git(&["worktree", "add", "-q", &linked_arg, "rc"]);
    let main = state(&s.dev);
    let run = Run::from_output(
        s.sandbox
            .command(bin(), &linked)
            .args(["release", "bump", "0.12.0.dev2", "--push"])
            .output()
            .expect("run git-policy"),
    );
    accepted(&run);
    assert_eq!(
        s.dev.git(&["-C", &linked_arg, "rev-parse", "HEAD"]),
        s.central.rev("rc")
    );
    assert_eq!(s.dev.git(&["-C", &linked_arg, "status", "--porcelain"]), "");
    let file = std::fs::read_to_string(linked.join("tokio/__init__.py")).expect("read");
    assert!(file.contains("\"0.12.0.dev2\""), "{file}");
    assert_eq!(
        s.dev.git(&["status", "--porcelain"]),
        "",
        "the main worktree is as it was"
    );
    assert_ne!(state(&s.dev), main, "its refs record the push");
}
