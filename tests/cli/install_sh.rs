//! `./install.sh --server` passes `--policy FILE`, `--preset NAME` and `--hook` through to
//! `git policy install --server`, names the policy it installed, and refuses what it does not
//! know. `cargo` is a stand-in that installs the binary under test, so no build runs.

use std::path::Path;

use crate::harness::{Run, Sandbox, TestRepo, accepted};

/// Runs `install.sh` with `args` in the sandbox, a stand-in `cargo` first on `PATH`.
fn install_sh(sandbox: &Sandbox, args: &[&str]) -> Run {
    let tools = sandbox.path().join("tools");
    std::fs::create_dir_all(&tools).expect("tools dir");
    let root = sandbox.path().join("cargo-root");
    std::fs::create_dir_all(root.join("bin")).expect("cargo root");
    crate::harness::copy_bin(&root.join("bin").join("git-policy"));
    let cargo = tools.join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\n# `cargo install`: the binary is in place already\nexit 0\n",
    )
    .expect("stand-in cargo");
    let chmod = sandbox
        .command("chmod", sandbox.path())
        .args(["+x", &cargo.display().to_string()])
        .status()
        .expect("chmod");
    assert!(chmod.success());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let path = format!(
        "{}:{}",
        tools.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Run::from_output(
        sandbox
            .command("bash", sandbox.path())
            .arg(script)
            .args(args)
            .env("PATH", path)
            .env("CARGO_INSTALL_ROOT", &root)
            .output()
            .expect("run install.sh"),
    )
}

fn central(sandbox: &Sandbox) -> TestRepo {
    sandbox.bare("central.git")
}

/// `--preset github-rc` installs github-rc's policy on the server (not pytokio's) and says so.
#[test]
fn install_sh_server_always_installed_pytokio() {
    let sandbox = Sandbox::new();
    let central = central(&sandbox);
    let run = install_sh(
        &sandbox,
        &[
            "--server",
            &central.path.display().to_string(),
            "--preset",
            "github-rc",
        ],
    );
    accepted(&run);
    assert!(
        run.stdout.contains("from the embedded `github-rc` preset"),
        "{}",
        run.all()
    );
    let admin = std::fs::read_to_string(central.path.join("git-policy.toml")).expect("policy");
    assert!(admin.contains("[branches.main]"), "{admin}");
}

/// `--policy FILE` installs that file, named in the output.
#[test]
fn install_sh_server_installs_the_policy_file_named() {
    let sandbox = Sandbox::new();
    let central = central(&sandbox);
    let file = sandbox.path().join("team-policy.toml");
    std::fs::write(&file, include_str!("../../policy/twisted.toml")).expect("policy file");
    let run = install_sh(
        &sandbox,
        &[
            "--server",
            &central.path.display().to_string(),
            "--policy",
            &file.display().to_string(),
        ],
    );
    accepted(&run);
    assert!(run.stdout.contains("team-policy.toml"), "{}", run.all());
    let admin = std::fs::read_to_string(central.path.join("git-policy.toml")).expect("policy");
    assert_eq!(admin, include_str!("../../policy/twisted.toml"));
}

/// An argument `install.sh` does not know is refused (exit 2) before anything is installed.
#[test]
fn install_sh_ignored_further_arguments() {
    let sandbox = Sandbox::new();
    let central = central(&sandbox);
    let run = install_sh(
        &sandbox,
        &[
            "--server",
            &central.path.display().to_string(),
            "--polcy",
            "x.toml",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("unknown option --polcy"),
        "{}",
        run.all()
    );
    assert!(!central.path.join("git-policy.toml").exists());
}

/// `--policy` naming no file is refused before the build, and the hint's `--policy
/// .git-policy.toml`, followed where that file exists, installs it.
#[test]
fn install_sh_policy_that_is_not_a_file_is_refused_early() {
    let sandbox = Sandbox::new();
    let central = central(&sandbox);
    let server = central.path.display().to_string();
    let run = install_sh(&sandbox, &["--server", &server, "--policy", "missing.toml"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("hint: give the path of a policy file, e.g. --policy .git-policy.toml"),
        "{}",
        run.all()
    );
    std::fs::write(
        sandbox.path().join(".git-policy.toml"),
        include_str!("../../policy/dagster.toml"),
    )
    .expect("policy file");
    accepted(&install_sh(
        &sandbox,
        &["--server", &server, "--policy", ".git-policy.toml"],
    ));
    let admin = std::fs::read_to_string(central.path.join("git-policy.toml")).expect("policy");
    assert_eq!(admin, include_str!("../../policy/dagster.toml"));
}
