//! version/relation at a feature freeze: the hint fits the server's hook and the merge.

use super::{commands, follow, words};
use crate::harness::{accepted, refused};
use crate::hooks::{Setup, setup};

/// The freeze done the wrong way for an `update` hook: master merged into rc, master bumped,
/// both ready to push.
fn frozen(server_hook: &str) -> Setup {
    let s = setup(server_hook);
    s.dev.checkout("rc");
    s.dev
        .git(&["merge", "-q", "--no-verify", "--no-edit", "master"]);
    s.dev.checkout("master");
    s.dev.set_version("0.14.0.dev1");
    s
}

/// Under the `update` hook the atomic push of a freeze is refused ref by ref; the hint pushes
/// master first, then rc, which is accepted (the hint used to be that very atomic push).
#[test]
fn freeze_under_update_hint_was_the_refused_atomic_push() {
    let s = frozen("update");
    let push = ["push", "--atomic", "origin", "master", "rc"];
    let run = s.dev.git_run(&push);
    refused(&run, "version/relation");
    let hint = follow(&s.dev, &run, "version/relation");
    assert!(!hint.contains("--atomic"), "{hint}");
    accepted(&s.dev.git_run(&push));
    assert_eq!(s.central.rev("rc"), s.dev.rev("rc"));
}

/// Under `pre-receive`, rc pushed alone before master's bump is refused at `pre-push`; its hint
/// (the atomic push) lands both.
#[test]
fn freeze_wrong_way_round_at_pre_push_is_fixed_by_its_hint() {
    let s = frozen("pre-receive");
    let run = s.dev.git_run(&["push", "origin", "rc"]);
    refused(&run, "version/relation");
    follow(&s.dev, &run, "version/relation");
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
    assert_eq!(s.central.rev("master"), s.dev.rev("master"));
}

/// Under `pre-receive`, rc pushed alone (client hooks skipped) is refused by the server; its
/// hint (the atomic push) lands both.
#[test]
fn freeze_wrong_way_round_at_pre_receive_is_fixed_by_its_hint() {
    let s = frozen("pre-receive");
    let run = s.dev.git_run(&["push", "--no-verify", "origin", "rc"]);
    refused(&run, "version/relation");
    follow(&s.dev, &run, "version/relation");
    accepted(&s.dev.git_run(&["push", "--no-verify", "origin", "rc"]));
}

/// master merged into rc before master's bump: the refused merge is aborted, master bumped,
/// and the commit before the bump (named by the hint) merged into rc again. Words: the bump
/// is the user's to make.
#[test]
fn freeze_merge_before_bump_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    let run = s.dev.git_run(&["merge", "--no-ff", "--no-edit", "master"]);
    refused(&run, "version/relation");
    let hint = words(
        &run,
        "version/relation",
        "commit the bump of `master` to 0.14.0.dev1",
    );
    let commands = commands(&hint);
    assert_eq!(commands[0], "git merge --abort", "{hint}");
    accepted(&s.dev.git_run(&["merge", "--abort"]));
    s.dev.checkout("master");
    s.dev.set_version("0.14.0.dev1");
    s.dev.checkout("rc");
    let merge: Vec<&str> = commands[1].split(' ').skip(1).collect();
    accepted(&s.dev.git_run(&merge));
    accepted(
        &s.dev
            .git_run(&["push", "--atomic", "origin", "master", "rc"]),
    );
}

/// A feature branch cut from master after its bump, merged into rc: the relation hint says the
/// branch carries master's bump (it used to say to bump master at a feature freeze); rc is put
/// back, the feature cherry-picked without the bump, and rc lands.
#[test]
fn feature_branch_with_masters_bump_hinted_a_freeze() {
    for hook in ["pre-receive", "update"] {
        let s = setup(hook);
        s.dev.git(&["checkout", "-q", "-b", "feature2", "master"]);
        let feature = s.dev.change("feature2.txt", "f\n", "Add feature two");
        accepted(&s.dev.git_run(&["push", "-q", "origin", "feature2"]));
        s.dev.checkout("rc");
        s.dev.git(&[
            "merge",
            "-q",
            "--no-verify",
            "--no-ff",
            "--no-edit",
            "feature2",
        ]);
        let push = ["push", "--no-verify", "origin", "rc"];
        let run = s.dev.git_run(&push);
        refused(&run, "version/relation");
        let hint = words(
            &run,
            "version/relation",
            "the merged branch `feature2` carries `master`'s version bump (0.13.0.dev1)",
        );
        assert!(!hint.contains("feature freeze"), "{hint}");
        follow(&s.dev, &run, "version/relation");
        s.dev.git(&["cherry-pick", "-x", &feature]);
        accepted(&s.dev.git_run(&push));
    }
}

/// Pushes master at a beta: the words name a dev version, committed on top; the push lands.
fn kind_at_push(hook: &str, push: &[&str]) {
    let s = setup(hook);
    s.dev.set_version("0.13.0b1");
    let run = s.dev.git_run(push);
    refused(&run, "version/kind");
    words(
        &run,
        "version/kind",
        "set a version such as `0.13.0.dev1` in `tokio/__init__.py`",
    );
    s.dev.set_version("0.13.0.dev1");
    accepted(&s.dev.git_run(push));
}

/// pre-push.
#[test]
fn kind_at_pre_push_is_fixed_by_its_hint() {
    kind_at_push("pre-receive", &["push", "origin", "master"]);
}

/// Server `pre-receive`.
#[test]
fn kind_at_pre_receive_is_fixed_by_its_hint() {
    kind_at_push("pre-receive", &["push", "--no-verify", "origin", "master"]);
}

/// Server `update`.
#[test]
fn kind_at_update_is_fixed_by_its_hint() {
    kind_at_push("update", &["push", "--no-verify", "origin", "master"]);
}

/// Pushes 0.12 at 0.13's beta: the words name the versions 0.12 carries; committed on top, the
/// push lands.
fn branch_name_at_push(hook: &str, push: &[&str]) {
    let s = setup(hook);
    super::commit::version_branch(&s);
    s.dev.set_version("0.13.0b1");
    let run = s.dev.git_run(push);
    refused(&run, "version/branch-name");
    words(
        &run,
        "version/branch-name",
        "set a version matching `==0.12.*` in `tokio/__init__.py`",
    );
    s.dev.set_version("0.12.0b2");
    accepted(&s.dev.git_run(push));
}

/// pre-push.
#[test]
fn branch_name_at_pre_push_is_fixed_by_its_hint() {
    branch_name_at_push("pre-receive", &["push", "origin", "0.12"]);
}

/// Server `pre-receive`.
#[test]
fn branch_name_at_pre_receive_is_fixed_by_its_hint() {
    branch_name_at_push("pre-receive", &["push", "--no-verify", "origin", "0.12"]);
}

/// Server `update`.
#[test]
fn branch_name_at_update_is_fixed_by_its_hint() {
    branch_name_at_push("update", &["push", "--no-verify", "origin", "0.12"]);
}

/// Pushes a fix on 0.12 right after tagging its beta: the words name the next beta; the bump
/// committed on top, the push lands.
fn ahead_of_tags_at_push(hook: &str, push: &[&str]) {
    let s = setup(hook);
    super::commit::version_branch(&s);
    s.dev.git(&["tag", "v0.12.0b1"]);
    accepted(&s.dev.git_run(&["push", "origin", "v0.12.0b1"]));
    s.dev.change("fix.txt", "fix\n", "Fix after the beta");
    let run = s.dev.git_run(push);
    refused(&run, "version/ahead-of-tags");
    words(
        &run,
        "version/ahead-of-tags",
        "bump the version in `tokio/__init__.py` to 0.12.0b2",
    );
    s.dev.set_version("0.12.0b2");
    accepted(&s.dev.git_run(push));
}

/// pre-push.
#[test]
fn ahead_of_tags_at_pre_push_is_fixed_by_its_hint() {
    ahead_of_tags_at_push("pre-receive", &["push", "origin", "0.12"]);
}

/// Server `pre-receive`.
#[test]
fn ahead_of_tags_at_pre_receive_is_fixed_by_its_hint() {
    ahead_of_tags_at_push("pre-receive", &["push", "--no-verify", "origin", "0.12"]);
}

/// Server `update`.
#[test]
fn ahead_of_tags_at_update_is_fixed_by_its_hint() {
    ahead_of_tags_at_push("update", &["push", "--no-verify", "origin", "0.12"]);
}

/// master pushed down to rc's minor: the relation's words name the lowest version that also
/// keeps master from going back; committed on top, the push lands.
#[test]
fn relation_of_the_pushed_branch_is_fixed_by_its_hint() {
    for (hook, verify) in [
        ("pre-receive", None),
        ("pre-receive", Some("--no-verify")),
        ("update", Some("--no-verify")),
    ] {
        let s = setup(hook);
        s.dev.set_version("0.12.0.dev9");
        let mut push = vec!["push"];
        push.extend(verify);
        push.extend(["origin", "master"]);
        let run = s.dev.git_run(&push);
        refused(&run, "version/relation");
        words(
            &run,
            "version/relation",
            "set `master` to 0.13.0.dev1 or above in `tokio/__init__.py`",
        );
        s.dev.set_version("0.13.0.dev1");
        accepted(&s.dev.git_run(&push));
    }
}
