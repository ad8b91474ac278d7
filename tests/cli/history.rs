//! `git policy check --history`: a legacy repository made with the `git` CLI, with violations
//! planted at known commits, replayed; exactly those are reported, and none before `--since`.

use std::collections::BTreeSet;

use crate::harness::{Run, Sandbox, TestRepo};

/// Merges a new topic branch with one commit into the current branch, as a pull request would.
fn feature(repo: &TestRepo, name: &str) {
    let branch = repo.git(&["branch", "--show-current"]);
    repo.git(&["checkout", "-q", "-b", name]);
    repo.change(&format!("{name}.txt"), "work\n", &format!("add {name}"));
    repo.checkout(&branch);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        &format!("Merge branch '{name}'"),
        name,
    ]);
}

/// Merges `rc` into `master`, the wrong way; returns the merge.
fn back_merge(repo: &TestRepo) -> String {
    repo.checkout("master");
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge branch 'rc'", "rc"]);
    repo.rev("HEAD")
}

/// What was planted: (rule, ref, commit), and the commit the policy started at.
struct Planted {
    before_since: BTreeSet<(String, String, String)>,
    after_since: BTreeSet<(String, String, String)>,
    since: String,
}

fn planted(rule: &str, refname: &str, commit: String) -> (String, String, String) {
    (rule.to_owned(), refname.to_owned(), commit)
}

/// A pytokio project's past: two release cycles' worth of features, hotfixes, a freeze, a
/// version branch with betas; one back-merge before git-policy was adopted, and after it a
/// back-merge, a `.devN` missing on master, a foxtrot merge and a tag on the wrong version.
fn legacy(sandbox: &Sandbox) -> (TestRepo, Planted) {
    let repo = sandbox.repo("legacy");
    let mut before_since = BTreeSet::new();
    let mut after_since = BTreeSet::new();
    repo.set_version("0.1.0.dev1");
    feature(&repo, "alpha");
    repo.git(&["branch", "rc"]);
    repo.set_version("0.2.0.dev1");
    feature(&repo, "beta");
    repo.checkout("rc");
    repo.change("fix1.txt", "fix\n", "hotfix 1 on rc");
    repo.checkout("master");
    feature(&repo, "gamma");

    // The 0.2 freeze: master moves on first, rc takes the commit before the bump.
    let before_bump = repo.rev("master");
    repo.set_version("0.3.0.dev1");
    repo.checkout("rc");
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'master' into rc",
        &before_bump,
    ]);
    repo.git(&["checkout", "-q", "-b", "0.2"]);
    repo.set_version("0.2.0b1");
    repo.git(&["tag", "-a", "-m", "first beta", "v0.2.0b1"]);
    repo.set_version("0.2.0b2");
    repo.checkout("rc");
    let fix2 = repo.change("fix2.txt", "fix\n", "hotfix 2 on rc");
    repo.checkout("0.2");
    repo.git(&["cherry-pick", "-x", &fix2]);

    before_since.insert(planted(
        "flow/foreign",
        "refs/heads/master",
        back_merge(&repo),
    ));
    let since = repo.change(
        "POLICY.md",
        "we follow git-policy now\n",
        "adopt git-policy",
    );
    repo.git(&["tag", "adopted-git-policy"]);
    feature(&repo, "delta");

    let no_dev = repo.set_version("0.4.0");
    after_since.insert(planted("version/kind", "refs/heads/master", no_dev));
    repo.set_version("0.5.0.dev1");

    repo.checkout("rc");
    repo.change("fix3.txt", "fix\n", "hotfix 3 on rc");
    after_since.insert(planted(
        "flow/foreign",
        "refs/heads/master",
        back_merge(&repo),
    ));

    // A foxtrot: the topic merges master in, and master is fast-forwarded to that merge.
    repo.git(&["checkout", "-q", "-b", "epsilon"]);
    repo.change("epsilon.txt", "work\n", "add epsilon");
    repo.checkout("master");
    repo.change("docs.txt", "docs\n", "docs on master");
    repo.checkout("epsilon");
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "master"]);
    let foxtrot = repo.rev("HEAD");
    repo.checkout("master");
    repo.git(&["merge", "-q", "--ff-only", "epsilon"]);
    after_since.insert(planted("branch/first-parent", "refs/heads/master", foxtrot));
    feature(&repo, "zeta");

    repo.checkout("0.2");
    let b3 = repo.set_version("0.2.0b3");
    repo.git(&["tag", "v0.2.0rc1"]);
    after_since.insert(planted("tag/version", "refs/tags/v0.2.0rc1", b3));
    repo.checkout("master");
    (
        repo,
        Planted {
            before_since,
            after_since,
            since,
        },
    )
}

/// The (rule, ref, commit) of every violation in a `--format json` history report.
fn reported(run: &Run) -> BTreeSet<(String, String, String)> {
    let doc: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.all()));
    let violations = doc["violations"].as_array().expect("a violations list");
    violations
        .iter()
        .map(|v| {
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            (field("rule"), field("ref"), field("at"))
        })
        .collect()
}

/// The replay of a legacy repository reports exactly the planted violations.
#[test]
fn history_reports_exactly_the_planted_violations() {
    let sandbox = Sandbox::new();
    let (repo, planted) = legacy(&sandbox);
    let run = repo.policy(&["check", "--history", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let expected: BTreeSet<_> = planted
        .before_since
        .union(&planted.after_since)
        .cloned()
        .collect();
    assert_eq!(reported(&run), expected, "{}", run.stdout);
}

/// The replay reports the same of a repository without a commit-graph as of the same one with
/// it, in every format.
#[test]
fn history_is_the_same_with_and_without_a_commit_graph() {
    let replays = |commit_graph: bool| {
        let sandbox = Sandbox::new();
        let (repo, planted) = legacy(&sandbox);
        crate::graphless::with_commit_graph(&repo, ".git/objects", commit_graph);
        let json = repo.policy(&["check", "--history", "--format", "json"]);
        assert_eq!(
            reported(&json).len(),
            planted.before_since.len() + planted.after_since.len()
        );
        let text = repo.policy(&["check", "--history"]);
        let path = sandbox.path().display().to_string();
        [json, text].map(|run| (run.code, run.all().replace(&path, "$SANDBOX")))
    };
    assert_eq!(replays(false), replays(true));
}

/// With `--since`, nothing before that commit is reported, and everything after it is.
#[test]
fn history_since_reports_nothing_before_it() {
    let sandbox = Sandbox::new();
    let (repo, planted) = legacy(&sandbox);
    let run = repo.policy(&[
        "check",
        "--history",
        "--since",
        &planted.since,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(reported(&run), planted.after_since, "{}", run.stdout);
}

/// The text report names each violation's ref, commit and date, and counts them by rule.
#[test]
fn history_text_names_commit_date_and_counts_by_rule() {
    let sandbox = Sandbox::new();
    let (repo, planted) = legacy(&sandbox);
    let run = repo.policy(&["check", "--history", "--since", "adopted-git-policy"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let foxtrot = planted
        .after_since
        .iter()
        .find(|p| p.0 == "branch/first-parent")
        .map(|p| p.2[..7].to_owned())
        .expect("a planted foxtrot");
    // The sandbox's clock starts at 1_700_000_000: 2023-11-14 22:13 UTC.
    assert!(
        run.stdout
            .contains(&format!("--> refs/heads/master at {foxtrot} (2023-11-14 ")),
        "{}",
        run.stdout
    );
    let summary: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| *l != "violations by rule:")
        .collect();
    insta::assert_snapshot!(summary.join("\n"));
}

/// A history that follows the policy passes, and says how much it replayed (`rc`, with no
/// commit of its own, is one step: its creation where it was cut).
#[test]
fn clean_history_passes() {
    let sandbox = Sandbox::new();
    let repo = crate::harness::pytokio(&sandbox);
    let run = repo.policy(&["check", "--history"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.starts_with(
            "ok: no policy violations in 4 steps of 2 protected branches and 0 release tags"
        ),
        "{}",
        run.stdout
    );
}
