//! `git policy release`: each step against a served repository (server hook installed, client
//! hooks installed in the clone), accepted with `--push` and audited clean on the server,
//! refused with the repository unchanged, and a `--dry-run` that writes nothing.

mod branch;
mod bump;
mod e2e;
mod engine;
mod freeze;
mod merge;
mod plan;
mod port;
mod tag;
mod worktree;

use crate::harness::{Run, Sandbox, TestRepo, accepted, serve};
use crate::hooks::Setup;

/// Everything a step could change in a clone: refs (the stash too), `HEAD`, the index and the
/// work tree.
pub fn state(repo: &TestRepo) -> String {
    [
        repo.git(&["for-each-ref"]),
        repo.git(&["rev-parse", "HEAD"]),
        // Empty on a detached `HEAD`.
        repo.git_run(&["symbolic-ref", "-q", "HEAD"]).stdout,
        repo.git(&["ls-files", "-s"]),
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
    ]
    .join("\n--\n")
}

/// Runs `git policy release ARGS` in `repo`.
pub fn release(repo: &TestRepo, args: &[&str]) -> Run {
    let mut all = vec!["release"];
    all.extend_from_slice(args);
    repo.policy(&all)
}

/// Asserts the server's audit (`git policy check` in the bare repository, with the
/// administrator's policy) finds nothing.
#[track_caller]
pub fn audit_clean(central: &TestRepo) {
    let run = central.policy(&["check"]);
    assert_eq!(run.code, 0, "the server's audit:\n{}", run.all());
}

/// Asserts `run` changed nothing: `before` is [`state`] taken before it.
#[track_caller]
pub fn unchanged(repo: &TestRepo, before: &str, run: &Run) {
    assert_eq!(
        state(repo),
        before,
        "the step changed the clone:\n{}",
        run.all()
    );
}

/// A repository on `branch` holding `files` and the preset's `.git-policy.toml` (written by
/// `git policy init --preset NAME`), served with the pre-receive hook, cloned, with the client
/// hooks installed in the clone.
pub fn start(preset: &str, branch: &str, files: &[(&str, &str)]) -> Setup {
    start_with(Some(preset), branch, files)
}

/// [`start`] with the preset's policy (`Some`), or the `.git-policy.toml` among `files`.
pub fn start_with(preset: Option<&str>, branch: &str, files: &[(&str, &str)]) -> Setup {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.git(&["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")]);
    for (path, text) in files {
        work.write(path, text);
    }
    if let Some(preset) = preset {
        accepted(&work.policy(&["init", "--preset", preset]));
    }
    work.commit("Initial import, with the release policy");
    let central = serve(&work, "pre-receive");
    let dev = sandbox.clone_of(&central, "dev");
    accepted(&dev.policy(&["install"]));
    Setup {
        sandbox,
        central,
        dev,
    }
}

/// The pytokio setup with version branch `0.12` cut from `rc` at `0.12.0b1` and pushed, and
/// checked out.
pub fn with_version_branch() -> Setup {
    let s = crate::hooks::setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    s.dev.set_version("0.12.0b1");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "0.12"]));
    s
}

/// The object database's counts (`git count-objects -v`): a dry run adds no object at all.
pub fn objects(repo: &TestRepo) -> String {
    repo.git(&["count-objects", "-v"])
}
