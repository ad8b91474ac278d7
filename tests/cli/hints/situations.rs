//! Hints that fit the situation they are printed in: a commit on a version branch cut from the
//! wrong branch, and a clone whose remote is not called `origin`.

use super::{follow, hint_of};
use crate::harness::{Run, Sandbox, TestRepo, accepted, pytokio, refused, serve};
use crate::hooks::setup;

/// A clone of `central` named `name` whose remote is called `remote`, with the client hooks.
fn clone_with_hooks(sandbox: &Sandbox, central: &TestRepo, name: &str, remote: &str) -> TestRepo {
    let here = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().to_path_buf(),
    };
    let url = format!("file://{}", central.path.display());
    here.git(&["clone", "-q", "-o", remote, &url, name]);
    let dev = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().join(name),
    };
    accepted(&dev.policy(&["install"]));
    dev
}

/// Writes the pytokio version file at `version`, uncommitted.
fn write_version(repo: &TestRepo, version: &str) {
    repo.write(
        "tokio/__init__.py",
        &format!("\"\"\"pytokio\"\"\"\n__version__ = \"{version}\"\n"),
    );
}

/// A version branch cut from master, not rc: its first commit is refused at `pre-commit`, as
/// its push would be (it used to pass until the push); the hint, followed literally, cuts it
/// from rc, and the bump committed again there is accepted, and so is its push.
#[test]
fn commit_on_version_branch_cut_from_master_passed_pre_commit() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "0.12", "master"]);
    write_version(&s.dev, "0.12.0b1");
    let commit = ["commit", "-q", "-a", "-m", "version 0.12.0b1"];
    let run = s.dev.git_run(&commit);
    refused(&run, "flow/foreign");
    let hint = follow(&s.dev, &run, "flow/foreign");
    assert!(hint.contains("from `rc`"), "{hint}");
    assert_eq!(s.dev.rev("0.12"), s.dev.rev("rc"), "{hint}");
    write_version(&s.dev, "0.12.0b1");
    accepted(&s.dev.git_run(&commit));
    accepted(&s.dev.git_run(&["push", "-q", "origin", "0.12"]));
}

/// A pytokio project served with `pre-receive`, and a clone (with the client hooks) whose
/// remote is called `upstream`, with a local `rc`.
fn clone_named_upstream() -> TestRepo {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    let dev = clone_with_hooks(&sandbox, &central, "dev", "upstream");
    dev.git(&["branch", "-q", "rc", "upstream/rc"]);
    dev
}

/// Asserts the hint of `rule` in `run` names the remote `upstream`, never `origin`.
#[track_caller]
fn names_upstream(run: &Run, rule: &str) {
    let hint = hint_of(run, rule);
    assert!(hint.contains("upstream"), "{hint}");
    assert!(!hint.contains("origin"), "{hint}");
}

/// A rewritten master pushed to a remote called `upstream`: the branch/force hint rebases onto
/// `upstream/master` (it named `origin/master`, which does not exist there); followed, the
/// push is accepted.
#[test]
fn force_hint_named_origin_for_a_remote_called_upstream() {
    let dev = clone_named_upstream();
    dev.git(&["reset", "-q", "--hard", "HEAD~1"]);
    dev.change("mine.txt", "mine\n", "Add my change");
    let run = dev.git_run(&["push", "--force", "upstream", "master"]);
    refused(&run, "branch/force");
    names_upstream(&run, "branch/force");
    follow(&dev, &run, "branch/force");
    accepted(&dev.git_run(&["push", "upstream", "master"]));
}

/// rc merged with master before master's bump, pushed alone to a remote called `upstream`: the
/// version/relation hint pushes both to `upstream` (it named `origin`); followed, rc lands.
#[test]
fn freeze_hint_named_origin_for_a_remote_called_upstream() {
    let dev = clone_named_upstream();
    dev.checkout("rc");
    dev.git(&["merge", "-q", "--no-verify", "--no-edit", "master"]);
    dev.checkout("master");
    dev.set_version("0.14.0.dev1");
    let push = ["push", "upstream", "rc"];
    let run = dev.git_run(&push);
    refused(&run, "version/relation");
    names_upstream(&run, "version/relation");
    follow(&dev, &run, "version/relation");
    accepted(&dev.git_run(&push));
}

/// A version branch cut from master in a clone whose remote is `upstream` (the new branch has
/// no upstream of its own yet): `pre-commit` still knows it is new to `upstream` and refuses
/// it; the hint, followed, cuts it from rc.
#[test]
fn commit_on_new_branch_in_a_clone_of_upstream_is_judged_as_its_creation() {
    let dev = clone_named_upstream();
    dev.git(&["checkout", "-q", "-b", "0.12", "master"]);
    write_version(&dev, "0.12.0b1");
    let commit = ["commit", "-q", "-a", "-m", "version 0.12.0b1"];
    let run = dev.git_run(&commit);
    refused(&run, "flow/foreign");
    follow(&dev, &run, "flow/foreign");
    write_version(&dev, "0.12.0b1");
    accepted(&dev.git_run(&commit));
    accepted(&dev.git_run(&["push", "-q", "upstream", "0.12"]));
}
