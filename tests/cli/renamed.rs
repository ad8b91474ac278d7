//! A protected branch renamed away (`git branch -m master main`) is warned about, with the fix
//! for the committed policy and the server's.

use crate::harness::{Sandbox, accepted, pytokio, rejected, serve};

/// After `git branch -m master main`, `check` and the pre-commit hook warn that `master` is
/// missing while `main`, the default branch, is unprotected; the hint, followed literally
/// (the policy renamed, committed, installed on the server), makes `main` protected again: a
/// back-merge of rc is refused and the warning is gone.
#[test]
fn renaming_master_to_main_turned_enforcement_off_silently() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    accepted(&work.policy(&["init"]));
    work.commit("the release policy");
    let central = serve(&work, "pre-receive");
    accepted(&work.policy(&["install"]));
    work.git(&["branch", "-m", "master", "main"]);
    let run = work.policy(&["check"]);
    accepted(&run);
    let warning = "the policy protects `master`, which does not exist here, and not `main`, the default branch";
    assert!(run.stdout.contains(warning), "{}", run.all());
    let commit = work.git_run(&["commit", "-q", "--allow-empty", "-m", "work on main"]);
    accepted(&commit);
    assert!(commit.stderr.contains(warning), "{}", commit.all());

    // hint: in `.git-policy.toml`, `[branches.master]` becomes `[branches.main]` and every
    // `"master"` becomes `"main"`; commit it, and give the server the same policy.
    let path = work.path.join(".git-policy.toml");
    let text = std::fs::read_to_string(&path).expect("policy");
    let text = text
        .replace("[branches.master]", "[branches.main]")
        .replace("\"master\"", "\"main\"");
    std::fs::write(&path, text).expect("policy");
    work.git(&[
        "commit",
        "-q",
        "--no-verify",
        "-am",
        "policy: master is now main",
    ]);
    let installed = work.policy(&[
        "install",
        "--server",
        &central.path.display().to_string(),
        "--policy",
        ".git-policy.toml",
    ]);
    accepted(&installed);
    let admin = std::fs::read_to_string(central.path.join("git-policy.toml")).expect("admin");
    assert!(admin.contains("[branches.main]"), "{admin}");

    let run = work.policy(&["check"]);
    accepted(&run);
    assert!(!run.all().contains("does not exist here"), "{}", run.all());
    work.checkout("rc");
    work.change("fix.txt", "fix\n", "hotfix on rc");
    work.checkout("main");
    let merge = work.policy(&["check", "--base", "main", "--head", "rc"]);
    rejected(&merge, "flow/foreign");
}

/// On the server, a push to `main` after an administrator renamed `master` to `main` (the
/// server's `HEAD`) is told that `master` is missing and `main` unprotected.
#[test]
fn renamed_branch_on_the_server_is_warned_about() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    central.git(&["branch", "-m", "master", "main"]);
    central.git(&["symbolic-ref", "HEAD", "refs/heads/main"]);
    let dev = sandbox.clone_of(&central, "dev");
    dev.change("more.txt", "more\n", "more work on main");
    let run = dev.git_run(&["push", "origin", "main"]);
    accepted(&run);
    assert!(
        run.stderr.contains("remote: warning: the policy protects `master`, which does not exist here, and not `main`, the default branch"),
        "{}",
        run.all()
    );
}
