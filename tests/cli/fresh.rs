//! Client hooks and `check` judge against the freshest view of each protected branch: a local
//! branch behind its remote-tracking ref is not trusted over it; diverged, a warning says so.

use crate::harness::{TestRepo, accepted};
use crate::hooks::{Setup, setup};

/// Another developer's feature freeze reaches the server: rc merges master (0.13) and master
/// moves on to 0.14.0.dev1, pushed together.
fn freeze_elsewhere(s: &Setup) {
    let other = s.sandbox.clone_of(&s.central, "other");
    other.git(&["checkout", "-q", "-b", "rc", "origin/rc"]);
    other.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'master' into rc",
        "origin/master",
    ]);
    other.checkout("master");
    other.set_version("0.14.0.dev1");
    accepted(&other.git_run(&["push", "-q", "--atomic", "origin", "master", "rc"]));
}

/// A commit made through git with the hooks; returns the run.
fn commit_with_hooks(dev: &TestRepo, path: &str, message: &str) -> crate::harness::Run {
    dev.write(path, &format!("{message}\n"));
    dev.git(&["add", "-A"]);
    dev.git_run(&["commit", "-q", "-m", message])
}

/// After `git fetch`, a local master still behind `origin/master` does not make a hotfix on rc
/// look like it breaks "master at least one minor above rc": origin's master is judged.
#[test]
fn stale_local_master_refused_a_hotfix_on_rc() {
    let s = setup("pre-receive");
    freeze_elsewhere(&s);
    let dev = &s.dev;
    dev.git(&["fetch", "-q", "origin"]);
    dev.checkout("rc");
    dev.git(&["merge", "-q", "--ff-only", "origin/rc"]);
    let run = commit_with_hooks(dev, "hotfix.txt", "hotfix on rc");
    accepted(&run);
    assert_eq!(dev.git(&["log", "-1", "--format=%s"]), "hotfix on rc");
    accepted(&dev.git_run(&["push", "-q", "origin", "rc"]));
}

/// A local master that diverged from `origin/master` is named in a warning whose hint, followed
/// literally, brings it up to date: the next commit has no warning.
#[test]
fn diverged_local_master_is_named_with_the_fix() {
    let s = setup("pre-receive");
    freeze_elsewhere(&s);
    let dev = &s.dev;
    dev.change("local.txt", "local\n", "a local commit on master");
    dev.git(&["fetch", "-q", "origin"]);
    dev.checkout("rc");
    dev.git(&["merge", "-q", "--ff-only", "origin/rc"]);
    let run = commit_with_hooks(dev, "hotfix.txt", "hotfix on rc");
    assert_ne!(
        run.code,
        0,
        "judged against the local master:\n{}",
        run.all()
    );
    let hint = "git switch master && git rebase --autostash origin/master && git switch -";
    assert!(
        run.stderr
            .contains("your `master` and `origin/master` have diverged")
            && run.stderr.contains(hint),
        "{}",
        run.all()
    );
    let fix = dev
        .command("sh")
        .args(["-c", hint])
        .output()
        .expect("run the hint");
    assert!(
        fix.status.success(),
        "{}",
        String::from_utf8_lossy(&fix.stderr)
    );
    assert_eq!(dev.git(&["branch", "--show-current"]), "rc");
    let again = commit_with_hooks(dev, "hotfix2.txt", "another hotfix on rc");
    accepted(&again);
    assert!(!again.stderr.contains("diverged"), "{}", again.all());
}

/// After `git fetch`, a local `0.12` behind `origin/0.12` does not make the audit report a new
/// release tag on `origin/0.12` as off its version branch.
#[test]
fn stale_local_version_branch_put_a_tag_off_its_branch() {
    let s = setup("pre-receive");
    let other = s.sandbox.clone_of(&s.central, "other");
    other.git(&["checkout", "-q", "-b", "0.12", "origin/rc"]);
    other.set_version("0.12.0b1");
    accepted(&other.git_run(&["push", "-q", "origin", "0.12"]));
    let dev = &s.dev;
    dev.git(&["fetch", "-q", "origin"]);
    dev.git(&["branch", "-q", "0.12", "origin/0.12"]);
    accepted(&dev.policy(&["check"]));
    other.set_version("0.12.0b2");
    other.git(&["tag", "-a", "-m", "beta 2", "v0.12.0b2"]);
    accepted(&other.git_run(&["push", "-q", "--atomic", "origin", "0.12", "v0.12.0b2"]));
    dev.git(&["fetch", "-q", "origin"]);
    let run = dev.policy(&["check"]);
    accepted(&run);
}
