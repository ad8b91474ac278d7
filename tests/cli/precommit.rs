//! The pre-commit framework (the real `pre-commit` from PyPI) running git-policy's hooks from
//! `.pre-commit-hooks.yaml` in a local clone of this repository: commits, merges and pushes.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{Run, Sandbox, TestRepo, bin, pytokio};

const HOOKS_FILE: &str = ".pre-commit-hooks.yaml";

/// The Python that has `pre-commit` installed, asked outside the sandbox (pyenv and virtualenv
/// shims need the real `HOME`); `None` when there is none.
fn pre_commit_python() -> Option<PathBuf> {
    let output = Command::new("python3")
        .args(["-c", "import sys, pre_commit.main; print(sys.executable)"])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let path = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(path.trim()))
}

fn path_with_binary() -> String {
    let dir = bin().parent().map(Path::to_path_buf).unwrap_or_default();
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs a command in `repo` with git-policy on `PATH`, as a developer's shell has it.
fn run(repo: &TestRepo, program: &Path, args: &[&str]) -> Run {
    Run::from_output(
        repo.command(program)
            .args(args)
            .env("PATH", path_with_binary())
            .output()
            .expect("run"),
    )
}

fn git(repo: &TestRepo, args: &[&str]) -> Run {
    run(repo, Path::new("git"), args)
}

/// A local clone of this repository, with the working tree's hooks file committed on top when
/// it differs, so the file as it is now is what pre-commit reads. Returns (path, commit).
fn hook_repository(sandbox: &Sandbox) -> (PathBuf, String) {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let here = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().to_path_buf(),
    };
    let clone = here.git_run(&["clone", "-q", &project.to_string_lossy(), "git-policy"]);
    let repo = if clone.code == 0 {
        TestRepo {
            sandbox: sandbox.clone(),
            path: sandbox.path().join("git-policy"),
        }
    } else {
        // Not a git checkout (a source archive): the hooks file alone makes a hook repository.
        sandbox.repo("git-policy")
    };
    let text = std::fs::read_to_string(project.join(HOOKS_FILE)).expect("the hooks file exists");
    repo.write(HOOKS_FILE, &text);
    if !repo.git(&["status", "--porcelain"]).is_empty() {
        repo.commit("the hooks file as it is in the working tree");
    }
    let head = repo.rev("HEAD");
    (repo.path, head)
}

/// pytokio pushed to a bare `origin`, with a `.pre-commit-config.yaml` using both hooks from
/// the hook repository, installed by `pre-commit install`.
fn adopting_project(sandbox: &Sandbox, python: &Path) -> TestRepo {
    let (hooks, rev) = hook_repository(sandbox);
    let repo = pytokio(sandbox);
    let origin = sandbox.bare("origin.git");
    repo.git(&["remote", "add", "origin", &origin.path.to_string_lossy()]);
    let config = format!(
        "default_install_hook_types: [pre-commit, pre-merge-commit, pre-push]\n\
         repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: git-policy\n      - id: git-policy-push\n",
        hooks.display()
    );
    // pre-commit reads the configuration from the checked-out branch: both carry it.
    for branch in ["rc", "master"] {
        repo.checkout(branch);
        repo.write(".pre-commit-config.yaml", &config);
        repo.commit("use git-policy through pre-commit");
    }
    repo.git(&["push", "-q", "origin", "master", "rc"]);
    repo.git(&[
        "branch",
        "-q",
        "--set-upstream-to",
        "origin/master",
        "master",
    ]);
    let install = run(&repo, python, &["-m", "pre_commit", "install"]);
    assert_eq!(install.code, 0, "{}", install.all());
    repo
}

/// A commit, a merge and a push on protected branches, through pre-commit's hooks: each bad
/// one refused with git-policy's rule, each good one let through.
#[test]
fn pre_commit_framework_runs_git_policy_hooks() {
    let python = pre_commit_python().expect(
        "the `pre-commit` package is not installed: `python3 -m pip install pre-commit` (`.ci/run` installs it)",
    );
    let sandbox = Sandbox::new();
    let repo = adopting_project(&sandbox, &python);

    // pre-commit stage: master losing its .devN is refused, a good bump goes through.
    repo.write("tokio/__init__.py", "__version__ = \"0.13.0\"\n");
    git(&repo, &["add", "-A"]);
    let bad = git(&repo, &["commit", "-q", "-m", "release from master"]);
    assert_ne!(bad.code, 0, "{}", bad.all());
    assert!(bad.all().contains("error[version/kind]"), "{}", bad.all());
    repo.write("tokio/__init__.py", "__version__ = \"0.13.0.dev2\"\n");
    git(&repo, &["add", "-A"]);
    let good = git(&repo, &["commit", "-q", "-m", "next dev version"]);
    assert_eq!(good.code, 0, "{}", good.all());

    // pre-merge-commit stage: rc merged back into master is refused.
    repo.checkout("rc");
    repo.change("fix.txt", "fix\n", "hotfix on rc");
    repo.checkout("master");
    let merge = git(&repo, &["merge", "--no-ff", "--no-edit", "rc"]);
    assert_ne!(merge.code, 0, "{}", merge.all());
    assert!(
        merge.all().contains("error[flow/foreign]"),
        "{}",
        merge.all()
    );
    git(&repo, &["merge", "--abort"]);

    // pre-push stage: a push of master in line goes through; rc carrying a beta is refused.
    let push = git(&repo, &["push", "-q", "origin", "master"]);
    assert_eq!(push.code, 0, "{}", push.all());
    repo.checkout("rc");
    repo.set_version("0.12.0b1");
    let push = git(&repo, &["push", "-q", "origin", "rc"]);
    assert_ne!(push.code, 0, "{}", push.all());
    assert!(push.all().contains("error[version/kind]"), "{}", push.all());
}
