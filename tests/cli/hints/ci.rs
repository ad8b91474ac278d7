//! The CI entry point: `git policy check --base B --head H` judges a pull request's merge. The
//! hint is read on the request; the one who opened it fixes its branch (or lands the change
//! another way) and the check runs again.

use super::{follow, words};
use crate::harness::{Run, TestRepo, accepted, refused};
use crate::hooks::setup;

/// `git policy check` of the pull request merging `head` into `base`.
fn request(repo: &TestRepo, base: &str, head: &str) -> Run {
    repo.policy(&["check", "--base", base, "--head", head])
}

/// A topic from master that sets a beta: the words name a dev version, set on the topic.
#[test]
fn kind_at_ci_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "topic", "master"]);
    s.dev.set_version("0.13.0b1");
    let run = request(&s.dev, "master", "topic");
    refused(&run, "version/kind");
    words(
        &run,
        "version/kind",
        "set a version such as `0.13.0.dev1` in `tokio/__init__.py`",
    );
    s.dev.set_version("0.13.0.dev1");
    accepted(&request(&s.dev, "master", "topic"));
}

/// A topic that takes master down to rc's minor: the words name the lowest version that fixes
/// it, set on the topic.
#[test]
fn relation_of_the_base_at_ci_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "topic", "master"]);
    s.dev.set_version("0.12.0.dev9");
    let run = request(&s.dev, "master", "topic");
    refused(&run, "version/relation");
    words(
        &run,
        "version/relation",
        "set `master` to 0.13.0.dev1 or above in `tokio/__init__.py`",
    );
    s.dev.set_version("0.13.0.dev1");
    accepted(&request(&s.dev, "master", "topic"));
}

/// A pull request of master into rc before master's bump (a feature freeze the wrong way
/// round): the words say to bump master first and request the commit before the bump, which
/// passes (the hint was `git push --atomic origin master rc`, which pushes nothing new and
/// leaves the request as it was).
#[test]
fn freeze_at_ci_hinted_an_atomic_push() {
    let s = setup("pre-receive");
    let before_bump = s.dev.rev("master");
    let run = request(&s.dev, "rc", "master");
    refused(&run, "version/relation");
    insta::assert_snapshot!("freeze_at_ci", super::snapshots::said(&run));
    let hint = words(
        &run,
        "version/relation",
        "bump `master` to 0.14.0.dev1 first",
    );
    assert!(hint.contains(&before_bump[..7]), "{hint}");
    assert!(!hint.contains("--atomic"), "{hint}");
    s.dev.set_version("0.14.0.dev1");
    accepted(&s.dev.git_run(&["push", "origin", "master"]));
    accepted(&request(&s.dev, "rc", &before_bump));
}

/// A pull request of rc into master (a back-merge): the words say to leave rc's commits out of
/// the request and pick the fix on a new branch from master (they did not say where the pick
/// goes: on rc it picks a commit already there); that branch's request passes.
#[test]
fn foreign_at_ci_hinted_a_pick_without_saying_where() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    let fix = s.dev.change("fix.txt", "fix\n", "Fix a crash on rc");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    let run = request(&s.dev, "master", "rc");
    refused(&run, "flow/foreign");
    insta::assert_snapshot!("foreign_at_ci", super::snapshots::said(&run));
    let hint = words(
        &run,
        "flow/foreign",
        "leave these commits out of the request: on a new branch from `master`",
    );
    assert!(hint.contains(&fix[..7]), "picks the fix: {hint}");
    s.dev.git(&["checkout", "-q", "-b", "pick", "master"]);
    follow(&s.dev, &run, "flow/foreign");
    accepted(&request(&s.dev, "master", "pick"));
}

/// A pull request of a topic into rc (which takes merges from master only): the hint picks the
/// topic's commits onto rc, and rc then lands.
#[test]
fn source_at_ci_is_fixed_by_its_hint() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "quick", "rc"]);
    s.dev.change("quick.txt", "quick\n", "Add a quick fix");
    let run = request(&s.dev, "rc", "quick");
    refused(&run, "flow/source");
    words(&run, "flow/source", "land the change on `master` first");
    s.dev.checkout("rc");
    follow(&s.dev, &run, "flow/source");
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
}

/// A Dagster pull request that bumps one package alone: the words say to set the version in
/// every file; done on the request's branch, it passes.
#[test]
fn lockstep_at_ci_is_fixed_by_its_hint() {
    let (_central, dev) = super::releases::dagster("pre-receive", "0.4.2");
    dev.git(&["checkout", "-q", "-b", "bump", "master"]);
    dev.change(
        super::releases::PACKAGES[0],
        "__version__ = '0.4.3.pre0'\n",
        "Bump dagster",
    );
    let run = request(&dev, "master", "bump");
    refused(&run, "version/lockstep");
    words(
        &run,
        "version/lockstep",
        "set the same version in every version file",
    );
    for package in super::releases::PACKAGES {
        dev.write(package, "__version__ = '0.4.3.pre0'\n");
    }
    dev.commit("Bump every package");
    accepted(&request(&dev, "master", "bump"));
}
