//! The optional flow rules a policy turns on: flow/cherry-pick (a pick names a commit of an
//! allowed source) and branch/first-parent (no foxtrot merges). Their hints named `<sha>` and
//! `<topic>`; they now name the commits.

use super::{follow, setup_with};
use crate::harness::{Run, accepted, refused};
use crate::hooks::Setup;

/// Version branches that check cherry-picks, with 0.12 cut from rc at its first beta and
/// pushed, and a fix on master, pushed; 0.12 checked out. Returns the fix.
fn picking(hook: &str) -> (Setup, String) {
    let s = setup_with(
        hook,
        "accepts = [\"rc\"]",
        "accepts = [\"rc\"]\ncherry-pick = true",
    );
    super::commit::version_branch(&s);
    s.dev.checkout("master");
    let fix = s.dev.change("fix.txt", "fix\n", "Fix a crash");
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
    s.dev.checkout("0.12");
    (s, fix)
}

/// Picks `fix` onto the branch checked out past the client hooks, as `git cherry-pick -x`
/// words it.
fn pick_unchecked(s: &Setup, fix: &str) {
    s.dev.git(&["cherry-pick", "-n", fix]);
    let message = format!("Fix a crash\n\n(cherry picked from commit {fix})");
    s.dev.git(&["commit", "-q", "--no-verify", "-m", &message]);
}

/// The hints of a refused local move, in order: the warning's `git read-tree` (git had moved
/// the index and work tree) is run first, then the rule's hint is followed.
fn follow_local(s: &Setup, run: &Run, rule: &str) -> String {
    let restore = super::hints(run)
        .into_iter()
        .flat_map(|hint| super::commands(&hint))
        .find(|command| command.starts_with("git read-tree"))
        .expect("a read-tree hint");
    let args: Vec<&str> = restore.split(' ').skip(1).collect();
    accepted(&s.dev.git_run(&args));
    follow(&s.dev, run, rule)
}

/// master's fix picked with `git cherry-pick -x` onto 0.12: the local move is refused; the hint
/// (it said `git cherry-pick -x <sha>`) picks the fix onto rc, pushes rc and picks rc's copy
/// onto 0.12, which then lands.
#[test]
fn cherry_pick_hinted_a_placeholder_sha() {
    let (s, fix) = picking("pre-receive");
    let run = s.dev.git_run(&["cherry-pick", "-x", &fix]);
    refused(&run, "flow/cherry-pick");
    insta::assert_snapshot!("cherry_pick_at_local_update", super::snapshots::said(&run));
    let hint = follow_local(&s, &run, "flow/cherry-pick");
    assert!(hint.contains("`0.12` did not move"), "{hint}");
    accepted(&s.dev.git_run(&["push", "origin", "0.12"]));
}

/// The fix already picked onto rc, and master's original picked onto 0.12 by mistake: the
/// hint names rc's copy, and following it literally lands 0.12 (which the rule refused: the
/// copy of a copy names master's commit too, on the line above rc's).
#[test]
fn cherry_pick_of_a_pick_named_its_first_source_too() {
    let (s, fix) = picking("pre-receive");
    s.dev.checkout("rc");
    s.dev.git(&["cherry-pick", "-x", &fix]);
    let copy = s.dev.rev("rc");
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
    s.dev.checkout("0.12");
    let run = s.dev.git_run(&["cherry-pick", "-x", &fix]);
    refused(&run, "flow/cherry-pick");
    let hint = follow_local(&s, &run, "flow/cherry-pick");
    assert!(
        hint.contains(&format!("`git cherry-pick -x {}`", &copy[..7])),
        "{hint}"
    );
    accepted(&s.dev.git_run(&["push", "origin", "0.12"]));
}

/// master's fix picked onto 0.12 past the client hooks and pushed: the hint puts 0.12 back,
/// picks the fix onto rc, pushes rc and picks rc's copy onto 0.12, which then lands.
fn pick_from_master(hook: &str, push: &[&str]) {
    let (s, fix) = picking(hook);
    pick_unchecked(&s, &fix);
    let run: Run = s.dev.git_run(push);
    refused(&run, "flow/cherry-pick");
    let hint = follow(&s.dev, &run, "flow/cherry-pick");
    assert!(hint.contains("`git checkout -B 0.12 "), "{hint}");
    accepted(&s.dev.git_run(push));
    assert_eq!(s.central.rev("rc"), s.dev.rev("rc"));
}

/// pre-push.
#[test]
fn cherry_pick_at_pre_push_is_fixed_by_its_hint() {
    pick_from_master("pre-receive", &["push", "origin", "0.12"]);
}

/// Server `pre-receive`.
#[test]
fn cherry_pick_at_pre_receive_is_fixed_by_its_hint() {
    pick_from_master("pre-receive", &["push", "--no-verify", "origin", "0.12"]);
}

/// Server `update`.
#[test]
fn cherry_pick_at_update_is_fixed_by_its_hint() {
    pick_from_master("update", &["push", "--no-verify", "origin", "0.12"]);
}

/// master with first-parent history, and a topic that merged master into itself (a foxtrot
/// merge) after master moved on; the topic checked out.
fn foxtrot(hook: &str) -> Setup {
    let s = setup_with(
        hook,
        "accepts = \"any\"",
        "accepts = \"any\"\nfirst-parent = true",
    );
    s.dev.git(&["checkout", "-q", "-b", "topic"]);
    s.dev.change("topic.txt", "t\n", "Add a topic");
    s.dev.checkout("master");
    s.dev.change("other.txt", "o\n", "Another change on master");
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
    s.dev.checkout("topic");
    s.dev
        .git(&["merge", "-q", "--no-ff", "--no-edit", "master"]);
    s
}

/// The topic pushed as master: the hint puts master back and merges the topic into it (it
/// named `<topic>`), after which master lands with its old tip as first parent.
fn foxtrot_at_push(hook: &str, verify: Option<&str>) {
    let s = foxtrot(hook);
    let before = s.central.rev("master");
    let mut push = vec!["push"];
    push.extend(verify);
    push.push("origin");
    let mistake: Vec<&str> = push.iter().copied().chain(["topic:master"]).collect();
    let run = s.dev.git_run(&mistake);
    refused(&run, "branch/first-parent");
    if verify.is_none() {
        insta::assert_snapshot!("first_parent_at_pre_push", super::snapshots::said(&run));
    }
    follow(&s.dev, &run, "branch/first-parent");
    let retry: Vec<&str> = push.iter().copied().chain(["master"]).collect();
    accepted(&s.dev.git_run(&retry));
    assert_eq!(s.central.rev("master^1"), before);
}

/// pre-push.
#[test]
fn first_parent_hinted_a_placeholder_topic() {
    foxtrot_at_push("pre-receive", None);
}

/// Server `pre-receive`.
#[test]
fn first_parent_at_pre_receive_is_fixed_by_its_hint() {
    foxtrot_at_push("pre-receive", Some("--no-verify"));
}

/// Server `update`.
#[test]
fn first_parent_at_update_is_fixed_by_its_hint() {
    foxtrot_at_push("update", Some("--no-verify"));
}

/// master fast-forwarded to the topic that merged master into itself: the local move is
/// refused; the hint merges the topic into master instead, and master lands.
#[test]
fn first_parent_at_local_update_is_fixed_by_its_hint() {
    let s = foxtrot("pre-receive");
    s.dev.checkout("master");
    let run = s.dev.git_run(&["merge", "--ff-only", "topic"]);
    refused(&run, "branch/first-parent");
    let hint = follow_local(&s, &run, "branch/first-parent");
    assert!(!hint.contains('<'), "{hint}");
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
}
