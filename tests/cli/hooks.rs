//! The hooks as git runs them: client hooks in a clone, server hooks in a central bare
//! repository, pushes over `file://` and over the git protocol.

use crate::harness::{Run, Sandbox, TestRepo, bin, daemon, pytokio, refused, serve};

/// A central bare repository made from a pytokio history, with a server hook installed, and a
/// developer's clone with the client hooks.
pub struct Setup {
    pub sandbox: Sandbox,
    pub central: TestRepo,
    pub dev: TestRepo,
}

pub fn setup(server_hook: &str) -> Setup {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, server_hook);
    let dev = sandbox.clone_of(&central, "dev");
    dev.git(&["branch", "-q", "rc", "origin/rc"]);
    let installed = dev.policy(&["install"]);
    assert_eq!(installed.code, 0, "{}", installed.all());
    Setup {
        sandbox,
        central,
        dev,
    }
}

/// `git merge rc` on master is stopped by pre-merge-commit before the merge commit exists.
#[test]
fn merge_of_rc_into_master_is_blocked_before_the_commit() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    s.dev.change("fix.txt", "fix\n", "hotfix on rc");
    s.dev.checkout("master");
    let head = s.dev.rev("HEAD");
    let run = s.dev.git_run(&["merge", "--no-edit", "rc"]);
    refused(&run, "flow/foreign");
    assert!(
        run.all().contains("git merge --abort"),
        "says how to back out:\n{}",
        run.all()
    );
    assert_eq!(s.dev.rev("HEAD"), head, "no merge commit was made");
}

/// A conflicted merge finished with `git commit` is stopped by pre-commit.
#[test]
fn conflicted_merge_committed_by_hand_is_blocked() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    s.dev
        .change("shared.txt", "rc's line\n", "rc edits shared.txt");
    s.dev.checkout("master");
    s.dev
        .change("shared.txt", "master's line\n", "master edits shared.txt");
    let head = s.dev.rev("HEAD");
    let conflict = s.dev.git_run(&["merge", "rc"]);
    assert_ne!(conflict.code, 0, "the merge conflicts:\n{}", conflict.all());
    s.dev.write("shared.txt", "both lines\n");
    s.dev.git(&["add", "shared.txt"]);
    let run = s.dev.git_run(&["commit", "--no-edit"]);
    refused(&run, "flow/foreign");
    assert_eq!(s.dev.rev("HEAD"), head);
}

/// A beta version committed on master is stopped by pre-commit, reading the index.
#[test]
fn beta_version_on_master_is_blocked_at_commit() {
    let s = setup("pre-receive");
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    let run = s
        .dev
        .git_run(&["commit", "-a", "-m", "release a beta from master"]);
    refused(&run, "version/kind");
    // Staged but not in the work tree: the index is what gets committed and judged.
    s.dev.git(&["add", "-A"]);
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0.dev2\"\n");
    refused(
        &s.dev.git_run(&["commit", "-m", "staged beta"]),
        "version/kind",
    );
}

/// Commits on an unprotected topic branch pass the commit hooks untouched.
#[test]
fn topic_branch_commits_pass() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "topic"]);
    s.dev.write(
        "tokio/__init__.py",
        "__version__ = \"anything goes here\"\n",
    );
    let run = s.dev.git_run(&["commit", "-a", "-m", "experiment"]);
    assert_eq!(run.code, 0, "{}", run.all());
}

/// master fast-forwarded to rc with `--no-verify` (which skips the local check) is stopped at
/// `git push`.
#[test]
fn fast_forward_of_master_to_rc_is_blocked_at_push() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    s.dev
        .git(&["merge", "-q", "--no-verify", "--ff-only", "master"]);
    s.dev.set_version("0.12.0.dev1");
    let pushed = s.dev.git_run(&["push", "-q", "origin", "rc"]);
    assert_eq!(
        pushed.code,
        0,
        "rc taking master is fine:\n{}",
        pushed.all()
    );
    s.dev.checkout("master");
    s.dev
        .git(&["merge", "-q", "--no-verify", "--ff-only", "rc"]);
    let before = s.central.rev("master");
    let run = s.dev.git_run(&["push", "origin", "master"]);
    refused(&run, "flow/foreign");
    assert!(
        run.all().contains("git fetch origin"),
        "mentions stale tracking refs:\n{}",
        run.all()
    );
    assert_eq!(s.central.rev("master"), before);
}

/// With `--no-verify`, the server refuses the same back-merge, whichever server hook judges,
/// and its refs do not move.
#[test]
fn server_refuses_what_no_verify_skipped() {
    for hook in ["pre-receive", "update"] {
        let s = setup(hook);
        s.dev.checkout("rc");
        s.dev.change("fix.txt", "fix\n", "hotfix on rc");
        assert_eq!(s.dev.git_run(&["push", "-q", "origin", "rc"]).code, 0);
        s.dev.checkout("master");
        s.dev
            .git(&["merge", "-q", "--no-verify", "--no-edit", "rc"]);
        let before = s.central.rev("master");
        let run = s.dev.git_run(&["push", "--no-verify", "origin", "master"]);
        refused(&run, "flow/foreign");
        assert!(
            run.stderr.contains("remote: error[flow/foreign]"),
            "{hook}: reported through git:\n{}",
            run.stderr
        );
        assert_eq!(s.central.rev("master"), before, "{hook} left master alone");
    }
}

/// pre-receive sees the pushed commits in git's quarantine: a good new commit passes and a
/// bad one is refused by the rule its content breaks, not by a missing object.
#[test]
fn pre_receive_reads_pushed_objects_in_quarantine() {
    let s = setup("pre-receive");
    s.dev.set_version("0.13.0.dev2");
    let good = s.dev.git_run(&["push", "-q", "origin", "master"]);
    assert_eq!(good.code, 0, "{}", good.all());
    s.dev.set_version("0.13.0b1");
    let bad = s.dev.git_run(&["push", "--no-verify", "origin", "master"]);
    refused(&bad, "version/kind");
    assert!(
        !bad.all().contains("not in the repository"),
        "{}",
        bad.all()
    );
}

/// A version branch and its first tag pushed atomically are judged as one set; a tag on a
/// commit the server has on no version branch is refused.
#[test]
fn branch_and_tag_are_judged_together() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    s.dev.set_version("0.12.0b1");
    s.dev.git(&["tag", "-a", "-m", "beta 1", "v0.12.0b1"]);
    let lone = s
        .dev
        .git_run(&["push", "--no-verify", "origin", "v0.12.0b1"]);
    refused(&lone, "tag/branch");
    let both = s
        .dev
        .git_run(&["push", "--atomic", "origin", "0.12", "v0.12.0b1"]);
    assert_eq!(both.code, 0, "{}", both.all());
    assert_eq!(s.central.rev("v0.12.0b1^{commit}"), s.dev.rev("0.12"));
}

/// A feature freeze pushed atomically (master's bump with rc's merge) passes pre-receive.
#[test]
fn atomic_feature_freeze_passes() {
    let s = setup("pre-receive");
    // The seed's order: rc merges master first (judged alone, that commit breaks "master above
    // rc", so the local hook is skipped), then master moves on, and both go up together.
    s.dev.checkout("rc");
    s.dev
        .git(&["merge", "-q", "--no-verify", "--no-edit", "master"]);
    s.dev.checkout("master");
    s.dev.set_version("0.14.0.dev1");
    let run = s
        .dev
        .git_run(&["push", "--atomic", "origin", "master", "rc"]);
    assert_eq!(run.code, 0, "{}", run.all());
}

/// Over the git protocol the server hook judges pushes the same way: bad refused, good landed.
#[test]
fn pushes_over_the_git_protocol_are_judged() {
    let s = setup("pre-receive");
    let d = daemon(&s.sandbox);
    let url = format!("git://127.0.0.1:{}/central.git", d.port);
    s.dev.set_version("0.13.0b1");
    let bad = s.dev.git_run(&["push", "--no-verify", &url, "master"]);
    refused(&bad, "version/kind");
    s.dev.git(&["reset", "-q", "--hard", "HEAD~1"]);
    s.dev.set_version("0.13.0.dev2");
    let good = s.dev.git_run(&["push", &url, "master"]);
    assert_eq!(good.code, 0, "{}", good.all());
    assert_eq!(s.central.rev("master"), s.dev.rev("master"));
}

/// A broken administrator's policy rejects every push with a message naming the cause.
#[test]
fn broken_server_policy_fails_closed() {
    let s = setup("pre-receive");
    std::fs::write(s.central.path.join("git-policy.toml"), "[branches.master\n")
        .expect("break the policy");
    let before = s.central.rev("master");
    s.dev.set_version("0.13.0.dev2");
    let run = s.dev.git_run(&["push", "origin", "master"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr.contains("git-policy rejects the push"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("git-policy.toml"),
        "names the file:\n{}",
        run.stderr
    );
    assert_eq!(s.central.rev("master"), before);
}

/// A push cannot change the rules that judge it: a committed policy allowing everything is
/// ignored by the server, which reads only the administrator's file.
#[test]
fn pushed_policy_does_not_judge_its_own_push() {
    let s = setup("pre-receive");
    s.dev
        .write(".git-policy.toml", "[branches.other]\naccepts = \"any\"\n");
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    s.dev.git(&["add", "-A"]);
    s.dev.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "relax the policy and ship a beta from master",
    ]);
    refused(
        &s.dev.git_run(&["push", "--no-verify", "origin", "master"]),
        "version/kind",
    );
}

/// The hook binary is the one recorded at install time even when PATH lacks it (GUI clients).
#[test]
fn hook_runs_with_a_short_path() {
    let s = setup("pre-receive");
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    let run = Run::from_output(
        s.dev
            .command("git")
            .args(["commit", "-a", "-m", "beta on master"])
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .output()
            .expect("run git"),
    );
    refused(&run, "version/kind");
    assert!(bin().is_absolute());
}
