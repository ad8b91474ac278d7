//! `git policy release`: each step against a served repository (server hook installed, client
//! hooks installed in the clone), accepted with `--push` and audited clean on the server,
//! refused with the repository unchanged, and a `--dry-run` that writes nothing.

mod bump;
mod engine;
mod freeze;
mod tag;

use crate::harness::{Run, TestRepo};

/// Everything a step could change in a clone: refs, `HEAD`, the index and the work tree.
pub fn state(repo: &TestRepo) -> String {
    [
        repo.git(&["for-each-ref"]),
        repo.git(&["rev-parse", "HEAD"]),
        repo.git(&["symbolic-ref", "-q", "HEAD"]),
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
