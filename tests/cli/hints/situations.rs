//! Hints that fit the situation they are printed in: trunk fast-forwarded to a release branch
//! still at a pre-release, a commit on a version branch cut from the wrong branch, and a clone
//! whose remote is not called `origin`.

use super::{follow, hint_of, words};
use crate::harness::{Run, Sandbox, TestRepo, accepted, pytokio, refused, serve};
use crate::hooks::setup;

/// A twisted `_version.py` at `version` (`23, 1, 0, release_candidate=1`).
fn twisted_version(version: &str) -> String {
    format!(
        "from incremental import Version\n\n__version__ = Version(\"Twisted\", {version})\n__all__ = [\"__version__\"]\n"
    )
}

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

/// A twisted project served with `hook`: trunk at 23.0.0, and a developer's clone (with the
/// client hooks) in which `releases/release-4290` was cut, set to 23.1.0rc1 and pushed; trunk
/// checked out.
fn twisted_release_at_rc(hook: &str) -> TestRepo {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.git(&["checkout", "-q", "-b", "trunk"]);
    work.write(
        ".git-policy.toml",
        include_str!("../../../policy/twisted.toml"),
    );
    work.write("src/twisted/_version.py", &twisted_version("23, 0, 0"));
    work.write("NEWS", "Twisted Core 23.0.0 (2023-12-31)\n=====\n");
    work.commit("Release 23.0.0");
    let central = serve(&work, hook);
    let dev = clone_with_hooks(&sandbox, &central, "dev", "origin");
    dev.git(&["checkout", "-q", "-b", "releases/release-4290"]);
    dev.write(
        "src/twisted/_version.py",
        &twisted_version("23, 1, 0, release_candidate=1"),
    );
    dev.git(&["commit", "-q", "-a", "-m", "change-versions 23.1.0rc1"]);
    accepted(&dev.git_run(&["push", "-q", "origin", "releases/release-4290"]));
    dev.checkout("trunk");
    dev
}

/// trunk fast-forwarded to a release branch still at 23.1.0rc1, pushed: the version/kind hint
/// puts trunk back where the server has it (it used to name one of the version files, all of
/// which must match, when no version is to change on trunk); the push then goes through.
#[test]
fn trunk_fast_forwarded_to_release_at_rc_hinted_a_version_file() {
    for (hook, push) in [
        ("pre-receive", &["push", "origin", "trunk"][..]),
        (
            "pre-receive",
            &["push", "--no-verify", "origin", "trunk"][..],
        ),
        ("update", &["push", "--no-verify", "origin", "trunk"][..]),
    ] {
        let dev = twisted_release_at_rc(hook);
        let trunk = dev.rev("trunk");
        dev.git(&[
            "merge",
            "-q",
            "--no-verify",
            "--ff-only",
            "releases/release-4290",
        ]);
        let run = dev.git_run(push);
        refused(&run, "version/kind");
        let hint = follow(&dev, &run, "version/kind");
        assert!(hint.contains("`releases/release-4290`"), "{hint}");
        assert!(!hint.contains("_version.py"), "{hint}");
        assert_eq!(dev.rev("trunk"), trunk, "{hint}");
        accepted(&dev.git_run(push));
        assert_eq!(dev.rev("origin/trunk"), trunk);
    }
}

/// The same fast-forward stopped in the clone before trunk moves: the hint says in words that
/// trunk takes the release branch at its final version; with it there, the fast-forward lands.
#[test]
fn trunk_fast_forward_to_release_at_rc_refused_locally_says_wait() {
    let dev = twisted_release_at_rc("pre-receive");
    let trunk = dev.rev("trunk");
    let merge = ["merge", "--ff-only", "releases/release-4290"];
    let run = dev.git_run(&merge);
    refused(&run, "version/kind");
    let hint = words(
        &run,
        "version/kind",
        "`releases/release-4290` is still at 23.1.0rc1: `trunk` takes it only once it carries a version `trunk` allows",
    );
    assert!(!hint.contains("_version.py"), "{hint}");
    assert_eq!(dev.rev("trunk"), trunk);
    dev.git(&["reset", "-q", "--hard"]);
    dev.checkout("releases/release-4290");
    dev.write("src/twisted/_version.py", &twisted_version("23, 1, 0"));
    dev.git(&["commit", "-q", "-a", "-m", "change-versions 23.1.0"]);
    dev.checkout("trunk");
    accepted(&dev.git_run(&merge));
    accepted(&dev.git_run(&["push", "-q", "origin", "trunk"]));
}

/// The release branch at 23.1.0rc1 merged into trunk: the merge is stopped before it is made,
/// and the hint aborts it (it named a version file to edit in the merge); the push of trunk
/// as it was is accepted.
#[test]
fn trunk_merging_release_at_rc_hinted_a_version_file() {
    let dev = twisted_release_at_rc("pre-receive");
    let trunk = dev.rev("trunk");
    let run = dev.git_run(&["merge", "--no-ff", "--no-edit", "releases/release-4290"]);
    refused(&run, "version/kind");
    let hint = follow(&dev, &run, "version/kind");
    assert!(hint.contains("`git merge --abort`"), "{hint}");
    assert!(!hint.contains("_version.py"), "{hint}");
    assert_eq!(dev.rev("HEAD"), trunk);
    accepted(&dev.git_run(&["push", "origin", "trunk"]));
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

/// The wording of version/kind for trunk taking a release branch still at a pre-release, as a
/// pull request check gives it, text and JSON.
#[test]
fn trunk_taking_release_at_rc_snapshot() {
    let dev = twisted_release_at_rc("pre-receive");
    let old = dev.rev("trunk");
    let new = dev.rev("releases/release-4290");
    let args = [
        "check",
        "--ref",
        "refs/heads/trunk",
        "--old",
        &old,
        "--new",
        &new,
    ];
    insta::assert_snapshot!("trunk_takes_rc_text", dev.policy(&args).stdout);
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    insta::assert_snapshot!("trunk_takes_rc_json", dev.policy(&json).stdout);
}

/// A single-branch clone whose remote is `upstream` asked about a branch it never fetched: the
/// hint fetches every branch from `upstream` (it named `origin`); followed, the check runs.
#[test]
fn fetch_all_hint_named_origin_for_a_remote_called_upstream() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let here = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().to_path_buf(),
    };
    let url = format!("file://{}", work.path.display());
    here.git(&[
        "clone",
        "-q",
        "-o",
        "upstream",
        "--single-branch",
        &url,
        "ci",
    ]);
    let ci = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().join("ci"),
    };
    let check = ["check", "--base", "master", "--head", "upstream/rc"];
    let run = ci.policy(&check);
    assert_eq!(run.code, 2, "{}", run.all());
    let hint = super::hints(&run).join("\n");
    assert!(hint.contains("git fetch upstream"), "{hint}");
    assert!(!hint.contains("origin"), "{hint}");
    for command in super::commands(&hint) {
        let ran = ci
            .command("sh")
            .args(["-c", &command])
            .output()
            .expect("sh");
        assert!(ran.status.success(), "`{command}` failed");
    }
    accepted(&ci.policy(&check));
}
