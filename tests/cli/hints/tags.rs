//! Release tags (github-rc): a moved RC tag is deleted and pushed again, a tag on an unmerged
//! release branch is dropped and made on `main`, a tag of the wrong kind is dropped.

use super::{follow, words};
use crate::harness::{Sandbox, TestRepo, accepted, refused, serve};

/// A github-rc project on `main` at `version`, served with `hook`, and a developer's clone
/// with the client hooks.
pub(super) fn github_rc(hook: &str, version: &str) -> (TestRepo, TestRepo) {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.git(&["symbolic-ref", "HEAD", "refs/heads/main"]);
    work.write("src/__init__.py", &format!("__version__ = \"{version}\"\n"));
    work.write("CHANGELOG.md", "# Changelog\n");
    accepted(&work.policy(&["init", "--preset", "github-rc"]));
    work.commit("Initial import, with the release policy");
    let central = serve(&work, hook);
    let dev = sandbox.clone_of(&central, "dev");
    accepted(&dev.policy(&["install"]));
    (central, dev)
}

/// Pushes the tag `v1.2.0rc1` on `main`, then moves it to a new commit on `main`.
fn moved_rc_tag(hook: &str) -> (TestRepo, TestRepo) {
    let (central, dev) = github_rc(hook, "1.2.0");
    dev.git(&["tag", "v1.2.0rc1"]);
    accepted(&dev.git_run(&["push", "origin", "v1.2.0rc1"]));
    dev.change("fix.txt", "fix\n", "Fix the candidate");
    accepted(&dev.git_run(&["push", "origin", "main"]));
    dev.git(&["tag", "-f", "v1.2.0rc1"]);
    (central, dev)
}

/// A moved RC tag (RC tags may be deleted) is deleted and pushed again, as the hint says,
/// where it used to say "release a new version instead".
fn moved_rc_tag_is_pushed_again(hook: &str, push: &[&str]) {
    let (central, dev) = moved_rc_tag(hook);
    let run = dev.git_run(push);
    refused(&run, "tag/immutable");
    let hint = follow(&dev, &run, "tag/immutable");
    assert!(hint.contains("delete it and push it again"), "{hint}");
    accepted(&dev.git_run(push));
    assert_eq!(
        central.rev("v1.2.0rc1^{commit}"),
        dev.rev("main"),
        "the tag moved"
    );
}

/// pre-push.
#[test]
fn deletable_tag_moved_hinted_a_new_release() {
    moved_rc_tag_is_pushed_again("pre-receive", &["push", "-f", "origin", "v1.2.0rc1"]);
}

/// Server `pre-receive`.
#[test]
fn deletable_tag_moved_at_pre_receive_is_fixed_by_its_hint() {
    moved_rc_tag_is_pushed_again(
        "pre-receive",
        &["push", "-f", "--no-verify", "origin", "v1.2.0rc1"],
    );
}

/// Server `update`.
#[test]
fn deletable_tag_moved_at_update_is_fixed_by_its_hint() {
    moved_rc_tag_is_pushed_again(
        "update",
        &["push", "-f", "--no-verify", "origin", "v1.2.0rc1"],
    );
}

/// A candidate tagged on an unmerged release branch, pushed with it: the message names the
/// branch ("an unprotected branch", not "none"); the hint drops the tag, and words say to land
/// the branch on `main` and tag there, which is accepted.
#[test]
fn tag_on_unmerged_release_branch_hinted_push_both_together() {
    let (_central, dev) = release_branch_tagged("pre-receive");
    let run = dev.git_run(&PUSH_BOTH);
    refused(&run, "tag/branch");
    assert!(
        run.all()
            .contains("is on `release-1.3`, an unprotected branch"),
        "{}",
        run.all()
    );
    words(
        &run,
        "tag/branch",
        "land `release-1.3` on a `main` branch first",
    );
    follow(&dev, &run, "tag/branch");
    dev.checkout("main");
    dev.git(&["merge", "-q", "--ff-only", "release-1.3"]);
    dev.git(&["tag", "v1.3.0rc1"]);
    accepted(&dev.git_run(&["push", "--atomic", "origin", "main", "v1.3.0rc1"]));
}

/// Under the `update` hook the tag is judged alone: the words say to push the branch first,
/// and `main` then the tag is accepted.
#[test]
fn tag_on_unmerged_release_branch_at_update_is_fixed_by_its_hint() {
    let (_central, dev) = release_branch_tagged("update");
    let run = dev.git_run(&PUSH_BOTH);
    refused(&run, "tag/branch");
    words(
        &run,
        "tag/branch",
        "push the `main` branch that holds it first, and the tag after it",
    );
    follow(&dev, &run, "tag/branch");
    dev.checkout("main");
    dev.git(&["merge", "-q", "--ff-only", "release-1.3"]);
    dev.git(&["tag", "v1.3.0rc1"]);
    accepted(&dev.git_run(&["push", "origin", "main"]));
    accepted(&dev.git_run(&["push", "origin", "v1.3.0rc1"]));
}

/// The release branch and its candidate tag, pushed together past the client hooks.
const PUSH_BOTH: [&str; 6] = [
    "push",
    "--no-verify",
    "--atomic",
    "origin",
    "release-1.3",
    "v1.3.0rc1",
];

/// `release-1.3` cut from `main` at 1.3.0, its tip tagged `v1.3.0rc1`.
fn release_branch_tagged(hook: &str) -> (TestRepo, TestRepo) {
    let (central, dev) = github_rc(hook, "1.2.0");
    dev.git(&["checkout", "-q", "-b", "release-1.3"]);
    dev.change(
        "src/__init__.py",
        "__version__ = \"1.3.0\"\n",
        "Prepare 1.3.0",
    );
    dev.git(&["tag", "v1.3.0rc1"]);
    (central, dev)
}

/// A candidate tag whose version is not a candidate of the version on `main` names the final
/// version the commit must carry (`1.3.0`), not the candidate (`main` never carries one).
#[test]
fn rc_tag_hint_named_a_candidate_version_main_never_carries() {
    let (_central, dev) = github_rc("pre-receive", "1.2.0");
    dev.git(&["tag", "v1.3.0rc1"]);
    let run = dev.git_run(&["push", "origin", "v1.3.0rc1"]);
    refused(&run, "tag/version");
    let hint = super::hint_of(&run, "tag/version");
    assert!(hint.contains("carries 1.3.0,"), "{hint}");
    assert!(!hint.contains("1.3.0rc1,"), "{hint}");
}

/// A beta tag where RC tags are `rcN`: tag/kind has a hint, which drops the tag; a candidate
/// tag then lands.
#[test]
fn tag_kind_had_no_hint() {
    let (_central, dev) = github_rc("pre-receive", "1.2.0");
    dev.git(&["tag", "v1.2.0b1"]);
    let run = dev.git_run(&["push", "origin", "v1.2.0b1"]);
    refused(&run, "tag/kind");
    follow(&dev, &run, "tag/kind");
    dev.git(&["tag", "v1.2.0rc1"]);
    accepted(&dev.git_run(&["push", "origin", "v1.2.0rc1"]));
    accepted(&dev.policy(&["check"]));
}

/// An annotated tag moved: the message names the commit it names now (what `git log` shows),
/// not the id of its tag object.
#[test]
fn moved_tag_named_its_tag_object_not_its_commit() {
    let (_central, dev) = github_rc("pre-receive", "1.2.0");
    dev.git(&["tag", "-a", "-m", "Candidate 1", "v1.2.0rc1"]);
    let (object, commit) = (dev.rev("v1.2.0rc1"), dev.rev("v1.2.0rc1^{commit}"));
    accepted(&dev.git_run(&["push", "origin", "v1.2.0rc1"]));
    dev.change("fix.txt", "fix\n", "Fix the candidate");
    accepted(&dev.git_run(&["push", "origin", "main"]));
    dev.git(&["tag", "-f", "-a", "-m", "Candidate 1", "v1.2.0rc1"]);
    let run = dev.git_run(&["push", "-f", "origin", "v1.2.0rc1"]);
    refused(&run, "tag/immutable");
    let said = format!("`v1.2.0rc1` already names {}", &commit[..7]);
    assert!(run.all().contains(&said), "{}", run.all());
    assert!(!run.all().contains(&object[..7]), "{}", run.all());
}

/// The three ways a push is judged, as (server hook, push arguments before the refs).
const PUSHES: [(&str, &[&str]); 3] = [
    ("pre-receive", &["push", "origin"]),
    ("pre-receive", &["push", "--no-verify", "origin"]),
    ("update", &["push", "--no-verify", "origin"]),
];

/// `push` with `more` after it.
fn run(dev: &TestRepo, push: &[&str], more: &[&str]) -> crate::harness::Run {
    let args: Vec<&str> = push.iter().chain(more).copied().collect();
    dev.git_run(&args)
}

/// A beta tagged one commit late (0.12 already moved on to the next beta): the hint moves the
/// tag to the commit that carries the beta (it said `git tag -f v0.12.0b1 <commit>`), which
/// lands.
#[test]
fn tag_version_hinted_a_placeholder_commit() {
    for (hook, push) in PUSHES {
        let s = crate::hooks::setup(hook);
        super::commit::version_branch(&s);
        let beta = s.dev.rev("0.12");
        s.dev.set_version("0.12.0b2");
        accepted(&run(&s.dev, push, &["0.12"]));
        s.dev.git(&["tag", "v0.12.0b1"]);
        let mistake = run(&s.dev, push, &["v0.12.0b1"]);
        refused(&mistake, "tag/version");
        if hook == PUSHES[0].0 && push == PUSHES[0].1 {
            insta::assert_snapshot!("tag_version_at_pre_push", super::snapshots::said(&mistake));
        }
        let hint = follow(&s.dev, &mistake, "tag/version");
        assert!(
            hint.contains(&format!("`git tag -f v0.12.0b1 {}`", &beta[..7])),
            "{hint}"
        );
        accepted(&run(&s.dev, push, &["v0.12.0b1"]));
        assert_eq!(s.central.rev("v0.12.0b1"), beta);
    }
}

/// A candidate tagged before its release's version was set: the hint drops the tag, the words
/// say to set the version and tag that commit; pushed with `main`, both land.
#[test]
fn tag_version_with_no_carrying_commit_is_fixed_by_its_hint() {
    for (hook, push) in PUSHES {
        let (_central, dev) = github_rc(hook, "1.2.0");
        dev.git(&["tag", "v1.3.0rc1"]);
        let mistake = run(&dev, push, &["v1.3.0rc1"]);
        refused(&mistake, "tag/version");
        words(
            &mistake,
            "tag/version",
            "set 1.3.0 in `src/__init__.py`, commit, and tag that commit `v1.3.0rc1`",
        );
        follow(&dev, &mistake, "tag/version");
        dev.change(
            "src/__init__.py",
            "__version__ = \"1.3.0\"\n",
            "Prepare 1.3.0",
        );
        dev.git(&["tag", "v1.3.0rc1"]);
        accepted(&run(&dev, push, &["main", "v1.3.0rc1"]));
    }
}

/// A beta tag where RC tags are `rcN`, judged by the server: the hint drops it, and a
/// candidate tag lands.
#[test]
fn tag_kind_at_the_server_is_fixed_by_its_hint() {
    for (hook, push) in &PUSHES[1..] {
        let (_central, dev) = github_rc(hook, "1.2.0");
        dev.git(&["tag", "v1.2.0b1"]);
        let mistake = run(&dev, push, &["v1.2.0b1"]);
        refused(&mistake, "tag/kind");
        follow(&dev, &mistake, "tag/kind");
        dev.git(&["tag", "v1.2.0rc1"]);
        accepted(&run(&dev, push, &["v1.2.0rc1"]));
    }
}

/// A release tag that may never be deleted, moved and pushed: the hint restores the clone's
/// tag from the server; pushing the tags again changes nothing and is accepted.
#[test]
fn release_tag_moved_is_fixed_by_its_hint() {
    for (hook, push) in PUSHES {
        let s = crate::hooks::setup(hook);
        super::commit::version_branch(&s);
        s.dev.git(&["tag", "v0.12.0b1"]);
        accepted(&run(&s.dev, push, &["v0.12.0b1"]));
        let tagged = s.dev.rev("v0.12.0b1");
        s.dev.set_version("0.12.0b2");
        s.dev.git(&["tag", "-f", "v0.12.0b1"]);
        let mistake = run(&s.dev, push, &["-f", "v0.12.0b1"]);
        refused(&mistake, "tag/immutable");
        words(&mistake, "tag/immutable", "release a new version instead");
        follow(&s.dev, &mistake, "tag/immutable");
        assert_eq!(s.dev.rev("v0.12.0b1"), tagged);
        accepted(&run(&s.dev, push, &["--tags"]));
    }
}

/// The candidate tagged on an unmerged release branch, pushed with it through `pre-push`: the
/// hint drops the tag, and the words (land the branch on `main`, tag there) are accepted.
#[test]
fn tag_on_unmerged_release_branch_at_pre_push_is_fixed_by_its_hint() {
    let (_central, dev) = release_branch_tagged("pre-receive");
    let run = dev.git_run(&["push", "--atomic", "origin", "release-1.3", "v1.3.0rc1"]);
    refused(&run, "tag/branch");
    words(
        &run,
        "tag/branch",
        "land `release-1.3` on a `main` branch first",
    );
    follow(&dev, &run, "tag/branch");
    dev.checkout("main");
    dev.git(&["merge", "-q", "--ff-only", "release-1.3"]);
    dev.git(&["tag", "v1.3.0rc1"]);
    accepted(&dev.git_run(&["push", "--atomic", "origin", "main", "v1.3.0rc1"]));
}
