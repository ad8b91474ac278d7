//! A pull request is judged as it will land: a linear branch's by rebase (or squash, as the
//! policy says), never as a merge commit the branch would refuse.

use crate::harness::{Sandbox, TestRepo, accepted, failed, rejected};

/// A `github-rc` repository: `main` at 1.2.3 with the policy committed, and `feature` one
/// commit ahead of it. `lands` replaces the preset's `lands = "rebase"` when not empty.
fn github_rc(sandbox: &Sandbox, lands: &str) -> TestRepo {
    let repo = sandbox.repo("work");
    repo.git(&["symbolic-ref", "HEAD", "refs/heads/main"]);
    repo.write("src/__init__.py", "__version__ = \"1.2.3\"\n");
    accepted(&repo.policy(&["init", "--preset", "github-rc"]));
    if !lands.is_empty() {
        let text = std::fs::read_to_string(repo.path.join(".git-policy.toml")).expect("policy");
        assert!(text.contains("lands = \"rebase\"\n"), "{text}");
        repo.write(
            ".git-policy.toml",
            &text.replace("lands = \"rebase\"", lands),
        );
    }
    repo.commit("initial import");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.change("feature.txt", "a feature\n", "add a feature");
    repo
}

/// `check --base main --head feature` on a linear `main` judges the feature rebased onto main
/// (no merge commit), and passes.
#[test]
fn every_pull_request_into_a_linear_branch_failed_ci() {
    let sandbox = Sandbox::new();
    let repo = github_rc(&sandbox, "");
    let run = repo.policy(&["check", "--base", "main", "--head", "feature"]);
    accepted(&run);
    assert!(
        run.stdout.contains("`feature` rebased onto `main`"),
        "{}",
        run.all()
    );
}

/// A branch whose pull requests land squashed is judged on the one squashed commit: its
/// files are the request's, so a version the branch refuses is still caught.
#[test]
fn squashed_pull_request_is_judged_on_its_files() {
    let sandbox = Sandbox::new();
    let repo = github_rc(&sandbox, "lands = \"squash\"");
    let run = repo.policy(&["check", "--base", "main", "--head", "feature"]);
    accepted(&run);
    assert!(run.stdout.contains("squashed onto `main`"), "{}", run.all());
    repo.change(
        "src/__init__.py",
        "__version__ = \"1.2.4.dev1\"\n",
        "a dev version",
    );
    let run = repo.policy(&["check", "--base", "main", "--head", "feature"]);
    rejected(&run, "version/kind");
}

/// A linear branch told to land by merge commit is a policy error, whose hint (set `lands` to
/// rebase) makes the policy valid again.
#[test]
fn linear_branch_landing_by_merge_is_a_policy_error() {
    let sandbox = Sandbox::new();
    let repo = github_rc(&sandbox, "lands = \"merge\"");
    let run = repo.policy(&["check", "--base", "main", "--head", "feature"]);
    failed(&run, &["branches.main.lands", "set `lands = \"rebase\"`"]);
    let text = std::fs::read_to_string(repo.path.join(".git-policy.toml")).expect("policy");
    repo.write(
        ".git-policy.toml",
        &text.replace("lands = \"merge\"", "lands = \"rebase\""),
    );
    accepted(&repo.policy(&["check", "--base", "main", "--head", "feature"]));
}
