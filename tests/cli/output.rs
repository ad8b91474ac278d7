//! What reaches the reader: output into a pipe that was closed early.

use crate::harness::{Sandbox, Stream, TestRepo, pytokio};

/// rc with a hotfix, merged back into master in the work tree (not judged yet); returns
/// master's tip before the merge.
fn back_merged(repo: &TestRepo) -> String {
    repo.checkout("rc");
    repo.change("fix.txt", "fix\n", "hotfix on rc");
    repo.checkout("master");
    let old = repo.rev("master");
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "rc"]);
    old
}

/// `git policy explain | head` ends quietly with exit 0 when `head` stops reading.
#[test]
fn broken_pipe_ends_explain_quietly() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    for format in ["text", "mermaid"] {
        let run = repo.policy_to_gone_reader(&["explain", "--format", format], Stream::Stdout);
        assert_eq!(run.code, 0, "{format}: {}", run.all());
        assert_eq!(run.stderr, "", "{format}");
    }
}

/// `git policy check | head` ends quietly and keeps the verdict's exit code, in every format
/// and for the history audit: 1 on a violation, 0 when all is well.
#[test]
fn broken_pipe_keeps_the_check_verdict() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let clean = repo.policy_to_gone_reader(&["check"], Stream::Stdout);
    assert_eq!(
        (clean.code, clean.stderr.as_str()),
        (0, ""),
        "{}",
        clean.all()
    );
    let old = back_merged(&repo);
    let new = repo.rev("master");
    for format in ["text", "json", "github"] {
        let args = [
            "check",
            "--ref",
            "refs/heads/master",
            "--old",
            &old,
            "--new",
            &new,
            "--format",
            format,
        ];
        let run = repo.policy_to_gone_reader(&args, Stream::Stdout);
        assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{format}");
    }
    let history = repo.policy_to_gone_reader(&["check", "--history"], Stream::Stdout);
    assert_eq!(
        (history.code, history.stderr.as_str()),
        (1, ""),
        "{}",
        history.all()
    );
}

/// A server hook whose standard error is gone still rejects the push with the verdict's code.
#[test]
fn broken_pipe_in_a_hook_still_rejects() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let admin = repo.path.join(".git/git-policy.toml");
    std::fs::write(admin, include_str!("../../policy/pytokio.toml")).expect("admin policy");
    let old = back_merged(&repo);
    let new = repo.rev("master");
    let run = repo.policy_to_gone_reader(
        &["hook", "update", "refs/heads/master", &old, &new],
        Stream::Stderr,
    );
    assert_eq!(run.code, 1, "{}", run.all());
}

/// `git policy init | head` writes the policy and ends quietly, not with a panic.
#[test]
fn broken_pipe_ends_init_quietly() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let run = repo.policy_to_gone_reader(&["init", "--preset", "pytokio"], Stream::Stdout);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", run.all());
    assert!(repo.path.join(".git-policy.toml").is_file());
}
