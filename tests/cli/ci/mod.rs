//! `git policy check` in CI, with the environment exactly as GitHub Actions and GitLab CI set
//! it: a checkout made the way `actions/checkout` and the GitLab runner make it from a real
//! central repository, a real `refs/pull/N/merge` merge commit, a real event file, and the
//! commands of the ready-to-copy CI files in `docs/ci/` run as written.

pub mod github;
mod gitlab;

use std::path::Path;

use crate::harness::{Run, Sandbox, TestRepo, bin, pytokio};

/// A central repository with the pytokio branches, and the developer's clone that feeds it.
pub struct Forge {
    pub sandbox: Sandbox,
    pub origin: TestRepo,
    pub work: TestRepo,
}

impl Forge {
    pub fn new() -> Forge {
        let sandbox = Sandbox::new();
        let work = pytokio(&sandbox);
        let origin = sandbox.bare("origin.git");
        work.git(&["remote", "add", "origin", &url(&origin)]);
        work.git(&["push", "-q", "origin", "master", "rc"]);
        Forge {
            sandbox,
            origin,
            work,
        }
    }

    /// Opens pull request `n`: pushes its head, then the merge GitHub makes of it into the base
    /// (`Merge <head> into <base>`, parents base tip and head) as `refs/pull/n/merge`.
    /// Returns (head, merge).
    pub fn open_pull_request(&self, n: u32, base: &str, head: &str) -> (String, String) {
        let work = &self.work;
        let head_sha = work.rev(head);
        let base_sha = work.rev(base);
        work.git(&["checkout", "-q", "--detach", &base_sha]);
        work.git(&[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            &format!("Merge {head_sha} into {base_sha}"),
            &head_sha,
        ]);
        let merge = work.rev("HEAD");
        work.git(&[
            "push",
            "-q",
            "origin",
            &format!("{head_sha}:refs/pull/{n}/head"),
            &format!("{merge}:refs/pull/{n}/merge"),
        ]);
        work.checkout("master");
        (head_sha, merge)
    }

    /// A topic branch from rc with one commit, pushed; master checked out again.
    pub fn push_topic(&self) {
        self.work.topic("topic", "rc");
        self.work.git(&["push", "-q", "origin", "topic"]);
        self.work.checkout("master");
    }

    /// A hotfix on rc pushed as rc and as each of `also` (`rc:<ref>`); returns the hotfix.
    pub fn push_hotfix_on_rc(&self, also: &[&str]) -> String {
        let fix = self.work.hotfix_on_rc();
        let mut push = vec!["push", "-q", "origin", "rc"];
        push.extend_from_slice(also);
        self.work.git(&push);
        fix
    }

    /// A fresh workspace checked out as `actions/checkout` does with `fetch-depth: 0`: every
    /// branch as `origin/*`, every tag, the extra refspecs, then `checkout` (detached).
    pub fn checkout(&self, name: &str, extra: &[&str], checkout: &str) -> TestRepo {
        let ws = self.sandbox.repo(name);
        ws.git(&["remote", "add", "origin", &url(&self.origin)]);
        let mut fetch = vec![
            "fetch",
            "-q",
            "--prune",
            "origin",
            "+refs/heads/*:refs/remotes/origin/*",
            "+refs/tags/*:refs/tags/*",
        ];
        fetch.extend_from_slice(extra);
        ws.git(&fetch);
        ws.git(&["checkout", "-q", "--force", "--detach", checkout]);
        ws
    }
}

pub fn url(repo: &TestRepo) -> String {
    format!("file://{}", repo.path.display())
}

/// `PATH` with the binary under test first, so `git policy` finds it as CI would.
fn path_with_binary() -> String {
    let dir = bin().parent().map(Path::to_path_buf).unwrap_or_default();
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", dir.display())
}

/// Runs shell commands in order as a CI runner does; stops at the first that fails.
pub fn run_script(ws: &TestRepo, commands: &[String], env: &[(String, String)]) -> Run {
    let mut last = None;
    for command in commands {
        let mut cmd = ws.command("sh");
        cmd.args(["-e", "-c", command])
            .env("PATH", path_with_binary());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let run = Run::from_output(cmd.output().expect("run sh"));
        let failed = run.code != 0;
        last = Some(run);
        if failed {
            break;
        }
    }
    last.expect("the CI file has commands")
}

/// Makes branch 0.12 with two betas and pushes it with a tag on the wrong one; returns the
/// tag object's id.
pub fn push_bad_tag(forge: &Forge) -> String {
    let work = &forge.work;
    work.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    work.set_version("0.12.0b1");
    work.set_version("0.12.0b2");
    work.git(&["tag", "-a", "-m", "first beta", "v0.12.0b1"]);
    work.git(&["push", "-q", "origin", "0.12", "v0.12.0b1"]);
    work.checkout("master");
    work.rev("refs/tags/v0.12.0b1")
}

/// Text output is coloured when colour is forced (as on a terminal) and plain otherwise.
#[test]
fn text_is_coloured_only_when_asked() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.hotfix_on_rc();
    let args = ["check", "--base", "master", "--head", "rc"];
    let plain = repo.policy(&args);
    assert!(!plain.stdout.contains('\u{1b}'), "{:?}", plain.stdout);
    let forced = repo.policy_coloured(&args);
    assert_eq!(forced.code, 1, "{}", forced.all());
    assert!(forced.stdout.contains("\u{1b}["), "{:?}", forced.stdout);
}
