//! Installing hooks: fresh repositories, foreign hooks, worktrees, `core.hooksPath`.

use std::path::Path;

use crate::harness::{Run, Sandbox, TestRepo, pytokio};

fn hook(repo_hooks: &Path, name: &str) -> String {
    std::fs::read_to_string(repo_hooks.join(name)).unwrap_or_default()
}

#[track_caller]
fn ok(run: Run) -> Run {
    assert_eq!(run.code, 0, "{}", run.all());
    run
}

/// A fresh install writes the three client shims, executable, each starting the binary from
/// its `#!` line; a second install is a no-op.
#[test]
fn install_into_a_fresh_repository_is_idempotent() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let first = ok(repo.policy(&["install"]));
    assert!(
        first.stdout.contains("embedded `pytokio` policy applies"),
        "{}",
        first.stdout
    );
    let hooks = repo.path.join(".git/hooks");
    let shebang = format!("#!{} shim\n# git-policy hook shim v2", bin_path().display());
    for name in ["pre-commit", "pre-merge-commit", "pre-push"] {
        let text = hook(&hooks, name);
        assert!(text.starts_with(&shebang), "{name}: {text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(hooks.join(name))
                .expect("hook")
                .permissions()
                .mode();
            assert_eq!(mode & 0o111, 0o111, "{name} is executable");
        }
    }
    let before = hook(&hooks, "pre-push");
    let second = ok(repo.policy(&["install"]));
    assert!(
        second.stdout.contains("`pre-push` already installed"),
        "{}",
        second.stdout
    );
    assert_eq!(hook(&hooks, "pre-push"), before);
}

/// `--shim sh` writes `sh` scripts instead, and switching back updates them in place.
#[test]
fn shim_kind_can_be_switched() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    ok(repo.policy(&["install", "--shim", "sh"]));
    let hooks = repo.path.join(".git/hooks");
    let text = hook(&hooks, "pre-commit");
    assert!(
        text.starts_with("#!/bin/sh\n# git-policy hook shim v1"),
        "{text}"
    );
    let run = ok(repo.policy(&["install"]));
    assert!(
        run.stdout.contains("updated `pre-commit`"),
        "{}",
        run.stdout
    );
    assert!(hook(&hooks, "pre-commit").contains(" shim\n"));
}

fn bin_path() -> std::path::PathBuf {
    crate::harness::bin()
        .canonicalize()
        .expect("the binary's path")
}

/// A foreign pre-push is kept, still runs (with the ref lines), and uninstall restores it,
/// whichever shim git runs.
#[test]
fn foreign_hook_is_chained_and_restored() {
    for shim in ["exec", "sh"] {
        foreign_hook_is_chained_and_restored_by(shim);
    }
}

fn foreign_hook_is_chained_and_restored_by(shim: &str) {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = sandbox.path().join("central.git");
    work.git(&["clone", "-q", "--bare", ".", &central.display().to_string()]);
    let dev = sandbox.clone_of(
        &TestRepo {
            sandbox: sandbox.clone(),
            path: central,
        },
        "dev",
    );
    let hooks = dev.path.join(".git/hooks");
    let log = sandbox.path().join("foreign.log");
    let foreign = format!(
        "#!/bin/sh\ncat >> '{}'\necho ran \"$1\" >> '{}'\n",
        log.display(),
        log.display()
    );
    std::fs::write(hooks.join("pre-push"), &foreign).expect("foreign hook");
    make_executable(&hooks.join("pre-push"));

    let run = ok(dev.policy(&["install", "--shim", shim]));
    assert!(run.stdout.contains("pre-push.legacy"), "{}", run.stdout);
    assert_eq!(hook(&hooks, "pre-push.legacy"), foreign);

    dev.set_version("0.13.0.dev2");
    ok(Run::from_output(
        dev.command("git")
            .args(["push", "-q", "origin", "master"])
            .output()
            .expect("push"),
    ));
    let logged = std::fs::read_to_string(&log).expect("the foreign hook ran");
    assert!(
        logged.contains("refs/heads/master"),
        "it read the ref lines: {logged}"
    );
    assert!(
        logged.contains("ran origin"),
        "it got the arguments: {logged}"
    );

    // A refusal of the foreign hook refuses the push, with its exit code.
    std::fs::write(hooks.join("pre-push.legacy"), "#!/bin/sh\nexit 3\n").expect("refusing hook");
    dev.set_version("0.13.0.dev3");
    let refused = Run::from_output(
        dev.command("git")
            .args(["push", "-q", "origin", "master"])
            .output()
            .expect("push"),
    );
    assert_ne!(refused.code, 0, "{shim}: {}", refused.all());
    assert_eq!(
        dev.git(&["ls-remote", "origin", "master"])
            .split_whitespace()
            .next(),
        Some(dev.rev("origin/master").as_str()),
        "{shim}"
    );
    std::fs::write(hooks.join("pre-push.legacy"), &foreign).expect("foreign hook back");

    ok(dev.policy(&["uninstall"]));
    assert_eq!(hook(&hooks, "pre-push"), foreign);
    assert!(!hooks.join("pre-push.legacy").exists());
    assert!(!hooks.join("pre-commit").exists());
}

/// Installing from a linked worktree writes to the shared hooks dir, and the hooks run there.
#[test]
fn linked_worktree_shares_the_common_hooks() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let wt_path = sandbox.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        &wt_path.display().to_string(),
        "rc",
    ]);
    let wt = TestRepo {
        sandbox: sandbox.clone(),
        path: wt_path,
    };
    ok(wt.policy(&["install"]));
    assert!(repo.path.join(".git/hooks/pre-commit").exists());
    assert!(
        !repo.path.join(".git/worktrees/wt/hooks").exists(),
        "no worktree-specific hooks dir"
    );
    wt.write("tokio/__init__.py", "__version__ = \"0.12.0b1\"\n");
    let run = wt.git_run(&["commit", "-a", "-m", "beta on rc"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(run.all().contains("error[version/kind]"), "{}", run.all());
}

/// A `core.hooksPath` set by the repository is where the shims go, and git runs them there.
#[test]
fn local_hooks_path_is_honoured() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    ok(repo.policy(&["install"]));
    assert!(repo.path.join(".githooks/pre-commit").exists());
    assert!(!repo.path.join(".git/hooks/pre-commit").exists());
    repo.write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    let run = repo.git_run(&["commit", "-a", "-m", "beta on master"]);
    assert!(run.all().contains("error[version/kind]"), "{}", run.all());
}

/// A global `core.hooksPath` is refused with the reason and the fix; nothing is written.
#[test]
fn global_hooks_path_is_refused() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let global = sandbox.home().join(".gitconfig");
    std::fs::write(&global, "[core]\n\thooksPath = ~/.hooks\n").expect("global config");
    let run = repo.policy(&["install"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("global git config"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert!(!repo.path.join(".git/hooks/pre-commit").exists());
    assert!(!sandbox.home().join(".hooks").exists());
    insta::assert_snapshot!(run.stderr);
}

/// Installed through a link on PATH (as package managers install, the file behind it moving
/// with each upgrade), the hooks name the link, not the file it points to.
#[cfg(unix)]
#[test]
fn hooks_name_the_link_on_path() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let links = sandbox.path().join("links");
    std::fs::create_dir_all(&links).expect("dir");
    let link = links.join("git-policy");
    std::os::unix::fs::symlink(bin_path(), &link).expect("symlink");
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", links.display());
    ok(Run::from_output(
        repo.command(&link)
            .arg("install")
            .env("PATH", path)
            .output()
            .expect("install"),
    ));
    let text = hook(&repo.path.join(".git/hooks"), "pre-commit");
    assert!(
        text.starts_with(&format!("#!{} shim\n", link.display())),
        "{text}"
    );
}

/// Installs with a copy of the binary, which is then removed: the hooks name a binary that
/// is gone.
fn install_from_a_binary_that_then_moves(sandbox: &Sandbox, repo: &TestRepo, args: &[&str]) {
    let copy_dir = sandbox.path().join("bin-copy");
    std::fs::create_dir_all(&copy_dir).expect("dir");
    let copy = copy_dir.join("git-policy");
    crate::harness::copy_bin(&copy);
    ok(Run::from_output(
        repo.command(&copy).args(args).output().expect("install"),
    ));
    std::fs::remove_file(&copy).expect("remove the recorded binary");
}

/// When the recorded binary is gone, the `sh` shim finds `git-policy` on PATH.
#[test]
fn shim_falls_back_to_path() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    install_from_a_binary_that_then_moves(&sandbox, &repo, &["install", "--shim", "sh"]);

    repo.write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    let bin_dir = crate::harness::bin()
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir.display());
    let run = Run::from_output(
        repo.command("git")
            .args(["commit", "-a", "-m", "beta on master"])
            .env("PATH", path)
            .output()
            .expect("commit"),
    );
    assert!(run.all().contains("error[version/kind]"), "{}", run.all());
    let lost = Run::from_output(
        repo.command("git")
            .args(["commit", "-a", "-m", "beta on master"])
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .output()
            .expect("commit"),
    );
    assert_ne!(lost.code, 0, "fails closed when the binary is nowhere");
    assert!(lost.stderr.contains("reinstall it"), "{}", lost.stderr);
}

/// When the binary an `exec` shim names is gone, git refuses the commit (nothing is
/// committed), and installing again from the new place repairs the hooks.
#[test]
fn exec_shim_fails_closed_when_the_binary_moves() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    install_from_a_binary_that_then_moves(&sandbox, &repo, &["install"]);

    let head = repo.rev("HEAD");
    repo.write("tokio/__init__.py", "__version__ = \"0.13.0.dev2\"\n");
    let lost = repo.git_run(&["commit", "-a", "-m", "a legal bump"]);
    assert_ne!(lost.code, 0, "fails closed: {}", lost.all());
    assert!(lost.stderr.contains("pre-commit"), "{}", lost.stderr);
    assert_eq!(repo.rev("HEAD"), head, "nothing was committed");

    let again = ok(repo.policy(&["install"]));
    assert!(
        again.stdout.contains("updated `pre-commit`"),
        "{}",
        again.stdout
    );
    ok(repo.git_run(&["commit", "-a", "-m", "a legal bump"]));
}

/// Server install writes the chosen hook and the administrator's policy, validated first.
#[test]
fn server_install_validates_the_policy_first() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let central = sandbox.bare("central.git");
    let bad = sandbox.path().join("bad.toml");
    std::fs::write(&bad, "[branches.rc]\naccepts = [\"main\"]\n").expect("bad policy");
    let run = repo.policy(&[
        "install",
        "--server",
        &central.path.display().to_string(),
        "--policy",
        &bad.display().to_string(),
    ]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(!central.path.join("git-policy.toml").exists());
    assert!(!central.path.join("hooks/pre-receive").exists());

    ok(repo.policy(&["install", "--server", &central.path.display().to_string()]));
    assert!(central.path.join("git-policy.toml").exists());
    assert!(hook(&central.path.join("hooks"), "pre-receive").contains("pre-receive.legacy"));
    ok(repo.policy(&[
        "install",
        "--server",
        &central.path.display().to_string(),
        "--hook",
        "update",
    ]));
    assert!(hook(&central.path.join("hooks"), "update").contains("update.legacy"));
    assert!(
        !central.path.join("hooks/pre-receive").exists(),
        "switching hooks removes the other"
    );
}

fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

/// Regression: with a foreign `pre-push` chained, the `sh` shim ran git-policy from a pipe and
/// then again on an empty input, whose "nothing to judge" was the hook's answer: every push
/// passed the client check.
#[test]
fn sh_shim_after_a_foreign_pre_push_ignored_the_refusal() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = sandbox.path().join("central.git");
    work.git(&["clone", "-q", "--bare", ".", &central.display().to_string()]);
    let dev = sandbox.clone_of(
        &TestRepo {
            sandbox: sandbox.clone(),
            path: central,
        },
        "dev",
    );
    let hooks = dev.path.join(".git/hooks");
    std::fs::write(
        hooks.join("pre-push"),
        "#!/bin/sh\ncat >/dev/null\nexit 0\n",
    )
    .expect("hook");
    make_executable(&hooks.join("pre-push"));
    ok(dev.policy(&["install", "--shim", "sh"]));
    dev.write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    dev.git(&["commit", "-q", "--no-verify", "-a", "-m", "beta on master"]);
    let run = dev.git_run(&["push", "origin", "master"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(run.stderr.contains("error[version/kind]"), "{}", run.all());
}
