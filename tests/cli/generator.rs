//! The benchmark's history generator (`bench/history.rs`) keeps producing what the benchmark
//! needs: a pytokio history the policy accepts, and legal pushes waiting in quarantines.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{Run, Sandbox, TestRepo, bin};
use crate::synthetic::{Dates, GraphKind, Push, Shape, Summary, generate};

/// Runs `program` on the generated repository as a server hook runs: the pushed objects in
/// their quarantine, the repository's own objects as an alternate.
fn in_quarantine(repo: &TestRepo, push: &Push, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = repo.command(program);
    cmd.env("GIT_DIR", &repo.path)
        .env("GIT_OBJECT_DIRECTORY", &push.quarantine)
        .env("GIT_QUARANTINE_PATH", &push.quarantine)
        .env(
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            repo.path.join("objects"),
        );
    cmd
}

fn with_stdin(mut cmd: Command, input: &str) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    Run::from_output(child.wait_with_output().expect("wait"))
}

/// Generates a history into a new sandbox, checks what the summary and the repository say, and
/// installs the administrator's policy.
fn generated(shape: &Shape) -> (TestRepo, Summary) {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("history.git");
    let summary =
        generate(&dir, shape, &|| sandbox.command("git", sandbox.path())).expect("generate");
    let graph = shape.graph;
    assert!(
        summary.commits >= shape.commits,
        "{graph:?}: {} commits",
        summary.commits
    );
    assert_eq!(
        summary.version_branches.len(),
        shape.branches as usize,
        "{graph:?}"
    );
    assert!(
        summary.tags > u64::from(shape.branches),
        "{graph:?}: {} tags",
        summary.tags
    );
    assert_eq!(summary.pushes.len(), 9, "{graph:?}");
    let has_chain = dir
        .join("objects/info/commit-graphs/commit-graph-chain")
        .is_file();
    let has_file = dir.join("objects/info/commit-graph").is_file();
    assert_eq!(
        (has_file, has_chain),
        (graph == GraphKind::Single, graph == GraphKind::Chain),
        "{graph:?}: the commit-graph as asked"
    );
    std::fs::write(
        dir.join("git-policy.toml"),
        include_str!("../../policy/pytokio.toml"),
    )
    .expect("administrator's policy");
    let repo = TestRepo { sandbox, path: dir };
    let audit = repo.policy(&["check"]);
    assert_eq!(audit.code, 0, "{graph:?}: {}", audit.all());
    let protected = format!("{} protected branches", shape.branches + 2);
    assert!(
        audit.stdout.contains(&protected),
        "{graph:?}: {}",
        audit.stdout
    );
    (repo, summary)
}

/// Judges a push in its quarantine with the `update` hook, `pre-receive` or the benchmark's
/// hand-written script.
fn judged(repo: &TestRepo, push: &Push, how: &str, new: &str) -> Run {
    let refname = format!("refs/heads/{}", push.branch);
    let old = repo.rev(&refname);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/policy-script.sh");
    match how {
        "update" => {
            let mut cmd = in_quarantine(repo, push, bin());
            cmd.args(["hook", "update", &refname, &old, new]);
            Run::from_output(cmd.output().expect("update hook"))
        }
        "pre-receive" => {
            let mut cmd = in_quarantine(repo, push, bin());
            cmd.args(["hook", "pre-receive"]);
            with_stdin(cmd, &format!("{old} {new} {refname}\n"))
        }
        _ => {
            let mut cmd = in_quarantine(repo, push, "bash");
            cmd.arg(script).args([&refname, &old, new]);
            Run::from_output(cmd.output().expect("script"))
        }
    }
}

/// rc merged into master, made in the quarantine of `push` (a push to master).
fn back_merge(repo: &TestRepo, push: &Push) -> String {
    let tree = repo.rev("master^{tree}");
    let (master, rc) = (repo.rev("master"), repo.rev("rc"));
    let mut cmd = in_quarantine(repo, push, "git");
    cmd.args([
        "commit-tree",
        "-p",
        &master,
        "-p",
        &rc,
        "-m",
        "Merge rc",
        &tree,
    ]);
    let run = Run::from_output(cmd.output().expect("commit-tree"));
    assert_eq!(run.code, 0, "{}", run.all());
    run.stdout.trim().to_owned()
}

/// A generated 2k-commit history with a commit-graph (one file, or a chain of layers) or without
/// one passes `git policy check`; every generated push passes both server hooks, and a
/// back-merge in the same quarantine is refused; the benchmark's hand-written script agrees on
/// both.
#[test]
fn generated_history_and_pushes_pass_the_policy() {
    for graph in [GraphKind::Single, GraphKind::Chain, GraphKind::None] {
        let shape = Shape {
            commits: 2000,
            branches: 41,
            seed: 7,
            graph,
            topics: 60,
            dates: Dates::Minutes,
            back_merge_at: None,
        };
        let (repo, summary) = generated(&shape);
        let hows: &[&str] = match graph {
            GraphKind::Chain => &["update", "pre-receive", "script"],
            _ => &["update", "pre-receive"],
        };
        for push in &summary.pushes {
            for how in hows {
                let run = judged(&repo, push, how, &push.new);
                let what = format!("{graph:?}: {} commits to {}", push.commits, push.branch);
                assert_eq!(run.code, 0, "{what}, {how}: {}", run.all());
            }
        }
        let push = &summary.pushes[0];
        assert_eq!(push.branch, "master");
        let bad = back_merge(&repo, push);
        for how in hows {
            let run = judged(&repo, push, how, &bad);
            assert_eq!(run.code, 1, "{graph:?}, {how}: {}", run.all());
        }
        let run = judged(&repo, push, "update", &bad);
        assert_eq!(run.rules(), ["flow/foreign"], "{graph:?}: {}", run.all());
    }
}

/// The property the replay promises: histories the generator writes (every state legal), dated
/// as real teams' are (half the commits in the same second as the one before, one in eight an
/// hour older than the commit before it), replay with no finding; the same histories with one
/// planted back-merge give exactly that finding, at the merge. The audit agrees on both.
#[test]
fn skewed_dates_replay_clean_and_a_planted_back_merge_is_the_one_finding() {
    for seed in [3, 11, 29] {
        for plant in [None, Some(450)] {
            let sandbox = Sandbox::new();
            let dir = sandbox.path().join("history.git");
            let shape = Shape {
                commits: 900,
                branches: 5,
                seed,
                graph: GraphKind::Single,
                topics: 0,
                dates: Dates::Skewed,
                back_merge_at: plant,
            };
            generate(&dir, &shape, &|| sandbox.command("git", sandbox.path())).expect("generate");
            std::fs::write(
                dir.join("git-policy.toml"),
                include_str!("../../policy/pytokio.toml"),
            )
            .expect("administrator's policy");
            let repo = TestRepo { sandbox, path: dir };
            let what = format!("seed {seed}, back-merge {plant:?}");
            let replay = repo.policy(&["check", "--history", "--format", "json"]);
            let audit = repo.policy(&["check"]);
            let Some(_) = plant else {
                assert_eq!(replay.code, 0, "{what}: {}", replay.all());
                assert_eq!(audit.code, 0, "{what}: {}", audit.all());
                continue;
            };
            let back = repo.git(&["rev-list", "master", "--grep=^Merge branch 'rc'$"]);
            assert_eq!(back.lines().count(), 1, "{what}: one planted merge");
            let doc: serde_json::Value = serde_json::from_str(&replay.stdout)
                .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", replay.all()));
            let found: Vec<(&str, &str, &str)> = doc["violations"]
                .as_array()
                .expect("violations")
                .iter()
                .map(|v| {
                    let field = |k: &str| v[k].as_str().unwrap_or_default();
                    (field("rule"), field("ref"), field("at"))
                })
                .collect();
            assert_eq!(
                found,
                [("flow/foreign", "refs/heads/master", back.as_str())],
                "{what}: {}",
                replay.stdout
            );
            assert_eq!(audit.rules(), ["flow/foreign"], "{what}: {}", audit.all());
            let hotfix = repo.rev(&format!("{back}^2"));
            assert!(
                audit
                    .stdout
                    .contains("in `master`, which accepts only topic branches")
                    && audit
                        .stdout
                        .contains(&format!("   {} Hotfix on rc", &hotfix[..7])),
                "{what}: {}",
                audit.stdout
            );
        }
    }
}
