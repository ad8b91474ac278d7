//! Refs that would change what a name shows (ref/replace, ref/shadow, branch/name) and release
//! tags that exist twice or go away (tag/duplicate, tag/delete): the hint drops or renames the
//! ref, and the push goes through without it.

use super::{follow, words};
use crate::harness::{Run, accepted, refused};
use crate::hooks::{Setup, setup};

/// The three ways a push is judged: the client's `pre-push`, and the server's `pre-receive` and
/// `update` with the client hooks skipped. Each case runs on a fresh setup.
fn at_each_push(case: impl Fn(&Setup, &[&str])) {
    for (hook, verify) in [
        ("pre-receive", None),
        ("pre-receive", Some("--no-verify")),
        ("update", Some("--no-verify")),
    ] {
        let s = setup(hook);
        let mut push = vec!["push"];
        push.extend(verify);
        push.push("origin");
        case(&s, &push);
    }
}

/// `push` with `more` after it.
fn run(s: &Setup, push: &[&str], more: &[&str]) -> Run {
    let args: Vec<&str> = push.iter().chain(more).copied().collect();
    s.dev.git_run(&args)
}

/// 0.12 at its first beta, tagged `v0.12.0b1`, both pushed; 0.12 checked out.
fn released(s: &Setup) {
    super::commit::version_branch(s);
    s.dev.git(&["tag", "v0.12.0b1"]);
    accepted(&s.dev.git_run(&["push", "origin", "v0.12.0b1"]));
}

/// A second spelling of a released version, on the same commit: the hint drops it, and pushing
/// the tags again is accepted.
#[test]
fn duplicate_at_push_is_fixed_by_its_hint() {
    at_each_push(|s, push| {
        released(s);
        s.dev.git(&["tag", "v0.12.0-beta1"]);
        let mistake = run(s, push, &["--tags"]);
        refused(&mistake, "tag/duplicate");
        follow(&s.dev, &mistake, "tag/duplicate");
        accepted(&run(s, push, &["--tags"]));
        accepted(&s.dev.policy(&["check"]));
    });
}

/// A release tag deleted in the clone and then on the server: the hint gets it back in the
/// clone (it only said to release a new version, leaving the clone without the release's tag);
/// the next beta, tagged and pushed, is accepted, and the tag is still on the server.
#[test]
fn delete_hint_left_the_clone_without_the_tag() {
    at_each_push(|s, push| {
        released(s);
        let tagged = s.central.rev("v0.12.0b1");
        s.dev.git(&["tag", "-d", "v0.12.0b1"]);
        let mistake = run(s, push, &[":refs/tags/v0.12.0b1"]);
        refused(&mistake, "tag/delete");
        words(&mistake, "tag/delete", "release a new version instead");
        follow(&s.dev, &mistake, "tag/delete");
        assert_eq!(s.dev.rev("v0.12.0b1"), tagged);
        assert_eq!(s.central.rev("v0.12.0b1"), tagged);
        s.dev.set_version("0.12.0b2");
        s.dev.git(&["tag", "v0.12.0b2"]);
        accepted(&run(s, push, &["0.12", "v0.12.0b2"]));
    });
}

/// A replace ref pushed: the hint deletes it, and pushing the replace refs again is accepted.
#[test]
fn replace_at_push_is_fixed_by_its_hint() {
    at_each_push(|s, push| {
        let tip = s.dev.rev("master");
        let other = s.dev.rev("rc");
        s.dev.git(&["replace", &tip, &other]);
        let mistake = run(s, push, &["refs/replace/*"]);
        refused(&mistake, "ref/replace");
        follow(&s.dev, &mistake, "ref/replace");
        accepted(&run(s, push, &["refs/replace/*"]));
    });
}

/// A tag named after a protected branch: the hint drops it, and pushing the tags is accepted.
#[test]
fn tag_shadowing_a_branch_at_push_is_fixed_by_its_hint() {
    at_each_push(|s, push| {
        s.dev.git(&["tag", "rc"]);
        let mistake = run(s, push, &["--tags"]);
        refused(&mistake, "ref/shadow");
        follow(&s.dev, &mistake, "ref/shadow");
        accepted(&run(s, push, &["--tags"]));
    });
}

/// A branch named like a release tag: the hint renames it, and the renamed branch is accepted.
#[test]
fn branch_named_like_a_release_at_push_is_fixed_by_its_hint() {
    at_each_push(|s, push| {
        s.dev.git(&["checkout", "-q", "-b", "v0.12.0b1", "master"]);
        s.dev.change("x.txt", "x\n", "Try something");
        let mistake = run(s, push, &["v0.12.0b1"]);
        refused(&mistake, "ref/shadow");
        follow(&s.dev, &mistake, "ref/shadow");
        accepted(&run(s, push, &["topic/v0.12.0b1"]));
    });
}

/// A branch under a version branch's name to come (`0.13/x`): the hint renames it, and the
/// renamed branch is accepted.
#[test]
fn branch_under_a_protected_name_at_push_is_fixed_by_its_hint() {
    at_each_push(|s, push| {
        s.dev.git(&["checkout", "-q", "-b", "0.13/x", "master"]);
        s.dev.change("x.txt", "x\n", "Try something");
        let mistake = run(s, push, &["0.13/x"]);
        refused(&mistake, "ref/shadow");
        follow(&s.dev, &mistake, "ref/shadow");
        accepted(&run(s, push, &["topic/0.13/x"]));
    });
}

/// A ref git would find under a protected branch's short name (`refs/remotes/master`): the
/// words say to push it under a name of its own, which is accepted.
#[test]
fn ref_shadowing_a_branch_at_push_is_answered_in_words() {
    at_each_push(|s, push| {
        let mistake = run(s, push, &["HEAD:refs/remotes/master"]);
        refused(&mistake, "ref/shadow");
        words(&mistake, "ref/shadow", "push it under a name of its own");
        accepted(&run(s, push, &["HEAD:refs/keep/master"]));
    });
}

/// A version branch spelled with a leading zero (`00.12`), pushed: the hint pushes its commits
/// to `0.12`, which is accepted.
#[test]
fn branch_name_at_push_is_fixed_by_its_hint() {
    at_each_push(|s, push| {
        s.dev.git(&["checkout", "-q", "-b", "00.12", "rc"]);
        s.dev.set_version("0.12.0b1");
        let mistake = run(s, push, &["00.12"]);
        refused(&mistake, "branch/name");
        follow(&s.dev, &mistake, "branch/name");
        assert_eq!(s.central.rev("0.12"), s.dev.rev("00.12"));
    });
}

/// A commit on a version branch spelled with a leading zero: the hint renames the branch, and
/// the commit, made again, is accepted and pushed.
#[test]
fn branch_name_at_commit_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "00.12", "rc"]);
    s.dev.write(
        "tokio/__init__.py",
        "\"\"\"pytokio\"\"\"\n__version__ = \"0.12.0b1\"\n",
    );
    s.dev.git(&["add", "tokio/__init__.py"]);
    let commit = ["commit", "-m", "First beta"];
    let mistake = s.dev.git_run(&commit);
    refused(&mistake, "branch/name");
    follow(&s.dev, &mistake, "branch/name");
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "origin", "0.12"]));
}
