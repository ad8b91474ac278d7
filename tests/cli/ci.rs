//! `git policy check` in CI, with the environment exactly as GitHub Actions and GitLab CI set
//! it: a checkout made the way `actions/checkout` and the GitLab runner make it from a real
//! central repository, a real `refs/pull/N/merge` merge commit, a real event file, and the
//! commands of the ready-to-copy CI files in `docs/ci/` run as written.

use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

use crate::harness::{Run, Sandbox, TestRepo, ZERO, bin, pytokio};

const GITHUB_WORKFLOW: &str = include_str!("../../docs/ci/github-actions.yml");
const GITLAB_JOB: &str = include_str!("../../docs/ci/gitlab-ci.yml");

/// A central repository with the pytokio branches, and the developer's clone that feeds it.
struct Forge {
    sandbox: Sandbox,
    origin: TestRepo,
    work: TestRepo,
}

impl Forge {
    fn new() -> Forge {
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
    fn open_pull_request(&self, n: u32, base: &str, head: &str) -> (String, String) {
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

    /// A fresh workspace checked out as `actions/checkout` does with `fetch-depth: 0`: every
    /// branch as `origin/*`, every tag, the extra refspecs, then `checkout` (detached).
    fn checkout(&self, name: &str, extra: &[&str], checkout: &str) -> TestRepo {
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

fn url(repo: &TestRepo) -> String {
    format!("file://{}", repo.path.display())
}

/// `PATH` with the binary under test first, so `git policy` finds it as CI would.
fn path_with_binary() -> String {
    let dir = bin().parent().map(Path::to_path_buf).unwrap_or_default();
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", dir.display())
}

/// Runs shell commands in order as a CI runner does; stops at the first that fails.
fn run_script(ws: &TestRepo, commands: &[String], env: &[(String, String)]) -> Run {
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

/// The `run:` scripts of the GitHub workflow's steps, but the one installing git-policy
/// (the binary under test is on `PATH` instead); checks the checkout fetches full history.
fn github_steps() -> Vec<String> {
    let docs = YamlLoader::load_from_str(GITHUB_WORKFLOW).expect("the workflow is YAML");
    let jobs = docs[0]["jobs"].as_hash().expect("jobs");
    let (_, job) = jobs.iter().next().expect("one job");
    let steps = job["steps"].as_vec().expect("steps");
    let checkout = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout@"))
        })
        .expect("a checkout step");
    assert_eq!(
        checkout["with"]["fetch-depth"].as_i64(),
        Some(0),
        "the checkout fetches full history"
    );
    let mut scripts = Vec::new();
    let mut installs = 0;
    for step in steps {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        if step["name"].as_str() == Some("Install git-policy") {
            assert!(script.contains("cargo install --locked"), "{script}");
            installs += 1;
        } else {
            scripts.push(script.to_owned());
        }
    }
    assert_eq!(installs, 1, "one step installs git-policy");
    scripts
}

/// The GitLab job's `before_script` (but the install) and `script` lines; checks `GIT_DEPTH`.
fn gitlab_script() -> Vec<String> {
    let docs = YamlLoader::load_from_str(GITLAB_JOB).expect("the job is YAML");
    let job = &docs[0]["git-policy"];
    assert_eq!(job["variables"]["GIT_DEPTH"].as_str(), Some("0"));
    let lines = |key: &str| -> Vec<String> {
        job[key]
            .as_vec()
            .map(|v| {
                v.iter()
                    .filter_map(Yaml::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut commands: Vec<String> = lines("before_script")
        .into_iter()
        .filter(|c| !c.starts_with("cargo install"))
        .collect();
    commands.extend(lines("script"));
    assert!(
        commands.iter().any(|c| c == "git policy check"),
        "{commands:?}"
    );
    commands
}

/// The variables GitHub Actions sets for an event, with an event file and a step summary.
struct GitHubEnv {
    vars: Vec<(String, String)>,
    summary: PathBuf,
}

fn github_env(ws: &TestRepo, event: &str, payload: &str, vars: &[(&str, &str)]) -> GitHubEnv {
    let event_path = ws.sandbox.path().join(format!("{event}-event.json"));
    std::fs::write(&event_path, payload).expect("event file");
    let summary = ws.sandbox.path().join("step-summary.md");
    let mut all: Vec<(String, String)> = [
        ("CI", "true"),
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", event),
        ("GITHUB_BASE_REF", ""),
        ("GITHUB_HEAD_REF", ""),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    all.push(("GITHUB_EVENT_PATH".into(), event_path.display().to_string()));
    all.push(("GITHUB_STEP_SUMMARY".into(), summary.display().to_string()));
    all.push(("GITHUB_WORKSPACE".into(), ws.path.display().to_string()));
    for (k, v) in vars {
        all.retain(|(name, _)| name != k);
        all.push(((*k).to_owned(), (*v).to_owned()));
    }
    GitHubEnv { vars: all, summary }
}

/// Runs the GitHub workflow's steps for pull request `n` of `head` into `base`; returns the
/// run, the step summary and the merge commit.
fn github_pull_request(forge: &Forge, n: u32, base: &str, head: &str) -> (Run, String, String) {
    let (head_sha, merge) = forge.open_pull_request(n, base, head);
    let merge_ref = format!("refs/remotes/pull/{n}/merge");
    let ws = forge.checkout(
        &format!("gh-pr-{n}"),
        &[&format!("+refs/pull/{n}/merge:{merge_ref}")],
        &merge_ref,
    );
    let payload = format!(
        r#"{{"action": "synchronize", "number": {n}, "pull_request": {{"number": {n}, "head": {{"ref": "{head}", "sha": "{head_sha}"}}, "base": {{"ref": "{base}", "sha": "{}"}}, "merge_commit_sha": "{merge}"}}}}"#,
        forge.work.rev(base)
    );
    let github_ref = format!("refs/pull/{n}/merge");
    let env = github_env(
        &ws,
        "pull_request",
        &payload,
        &[
            ("GITHUB_REF", &github_ref),
            ("GITHUB_SHA", &merge),
            ("GITHUB_BASE_REF", base),
            ("GITHUB_HEAD_REF", head),
        ],
    );
    let run = run_script(&ws, &github_steps(), &env.vars);
    let summary = std::fs::read_to_string(&env.summary).unwrap_or_default();
    (run, summary, merge)
}

#[track_caller]
fn passes(run: &Run) {
    assert_eq!(run.code, 0, "expected a pass:\n{}", run.all());
}

#[track_caller]
fn fails_with(run: &Run, rule: &str) {
    assert_eq!(run.code, 1, "expected a failure by {rule}:\n{}", run.all());
    assert!(
        run.rules().iter().any(|r| r == rule),
        "expected {rule} among {:?}:\n{}",
        run.rules(),
        run.all()
    );
}

/// A GitHub pull request into rc from master's last commit before the bump passes once
/// master is on the next minor (the feature freeze of SPEC.md), with a green summary.
#[test]
fn github_pull_request_from_master_into_rc_passes_after_the_bump() {
    let forge = Forge::new();
    let work = &forge.work;
    let before_bump = work.rev("master");
    work.set_version("0.14.0.dev1");
    work.git(&["branch", "freeze-0.13", &before_bump]);
    work.git(&["push", "-q", "origin", "master", "freeze-0.13"]);
    let (run, summary, _) = github_pull_request(&forge, 1, "rc", "freeze-0.13");
    passes(&run);
    assert!(
        run.stdout
            .contains("the pull request merging `freeze-0.13` into `rc`"),
        "{}",
        run.all()
    );
    assert!(summary.contains("✅"), "summary:\n{summary}");
}

/// A GitHub pull request from a feature branch into rc fails with flow/source on the merge
/// GitHub made, as an annotation on the pull request and a row in the step summary.
#[test]
fn github_pull_request_from_feature_into_rc_fails() {
    let forge = Forge::new();
    let work = &forge.work;
    work.git(&["checkout", "-q", "-b", "topic", "rc"]);
    work.change("topic.txt", "x\n", "topic work");
    work.git(&["push", "-q", "origin", "topic"]);
    work.checkout("master");
    let (run, summary, merge) = github_pull_request(&forge, 2, "rc", "topic");
    fails_with(&run, "flow/source");
    assert!(
        run.stdout.contains(&merge[..7]),
        "names the merge commit:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("::error title=flow/source on refs/heads/rc::"),
        "annotation:\n{}",
        run.stdout
    );
    assert!(
        summary.contains("❌") && summary.contains("`flow/source`"),
        "summary:\n{summary}"
    );
}

/// A GitHub pull request from rc into master (a back-merge) fails with flow/foreign.
#[test]
fn github_pull_request_from_rc_into_master_fails() {
    let forge = Forge::new();
    let work = &forge.work;
    work.checkout("rc");
    work.change("fix.txt", "fix\n", "hotfix on rc");
    work.git(&["push", "-q", "origin", "rc"]);
    work.checkout("master");
    let (run, _, _) = github_pull_request(&forge, 3, "master", "rc");
    fails_with(&run, "flow/foreign");
    assert!(run.stdout.contains("hotfix on rc"), "{}", run.stdout);
}

/// Makes branch 0.12 with two betas and pushes it with a tag on the wrong one; returns the
/// tag object's id.
fn push_bad_tag(forge: &Forge) -> String {
    let work = &forge.work;
    work.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    work.set_version("0.12.0b1");
    work.set_version("0.12.0b2");
    work.git(&["tag", "-a", "-m", "first beta", "v0.12.0b1"]);
    work.git(&["push", "-q", "origin", "0.12", "v0.12.0b1"]);
    work.checkout("master");
    work.rev("refs/tags/v0.12.0b1")
}

/// A GitHub push event of a tag naming another version than its commit's fails (tag/version).
#[test]
fn github_push_of_a_bad_tag_fails() {
    let forge = Forge::new();
    let tag = push_bad_tag(&forge);
    let ws = forge.checkout("gh-tag", &[], "refs/tags/v0.12.0b1");
    let commit = ws.rev("HEAD");
    let payload = format!(
        r#"{{"ref": "refs/tags/v0.12.0b1", "before": "{ZERO}", "after": "{tag}", "created": true, "deleted": false, "forced": false}}"#
    );
    let env = github_env(
        &ws,
        "push",
        &payload,
        &[
            ("GITHUB_REF", "refs/tags/v0.12.0b1"),
            ("GITHUB_SHA", &commit),
        ],
    );
    let run = run_script(&ws, &github_steps(), &env.vars);
    fails_with(&run, "tag/version");
}

/// A GitHub push event of a good branch update passes: the verdict is about what was pushed.
#[test]
fn github_push_of_a_good_update_passes() {
    let forge = Forge::new();
    let work = &forge.work;
    let before = work.rev("master");
    work.set_version("0.13.0.dev2");
    let after = work.rev("master");
    work.git(&["push", "-q", "origin", "master"]);
    let ws = forge.checkout("gh-push", &[], "refs/remotes/origin/master");
    let payload =
        format!(r#"{{"ref": "refs/heads/master", "before": "{before}", "after": "{after}"}}"#);
    let env = github_env(
        &ws,
        "push",
        &payload,
        &[("GITHUB_REF", "refs/heads/master"), ("GITHUB_SHA", &after)],
    );
    let run = run_script(&ws, &github_steps(), &env.vars);
    passes(&run);
    assert!(run.stdout.contains("the push of `master`"), "{}", run.all());
}

/// A shallow clone in CI is refused with exit 2 and a hint naming `fetch-depth: 0` and
/// `git fetch --unshallow`, never judged.
#[test]
fn shallow_clone_is_refused_with_a_hint() {
    let forge = Forge::new();
    let here = TestRepo {
        sandbox: forge.sandbox.clone(),
        path: forge.sandbox.path().to_path_buf(),
    };
    here.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url(&forge.origin),
        "shallow",
    ]);
    let ws = TestRepo {
        sandbox: forge.sandbox.clone(),
        path: forge.sandbox.path().join("shallow"),
    };
    let env = github_env(&ws, "schedule", "{}", &[]);
    let run = run_script(&ws, &github_steps(), &env.vars);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("shallow"), "{}", run.stderr);
    let hint = run
        .stderr
        .lines()
        .find(|l| l.starts_with("hint: "))
        .unwrap_or_default();
    assert!(
        hint.contains("fetch-depth: 0") && hint.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );
}

/// A workspace as the GitLab runner leaves it: `sha` fetched under `refs/pipelines/<id>`
/// with `extra` refspecs, checked out detached; the job's own fetch does the rest.
fn gitlab_checkout(forge: &Forge, name: &str, sha: &str, extra: &[&str]) -> TestRepo {
    let ws = forge.sandbox.repo(name);
    ws.git(&["remote", "add", "origin", &url(&forge.origin)]);
    let pipeline = format!("+{sha}:refs/pipelines/7");
    let mut fetch = vec!["fetch", "-q", "origin", &pipeline];
    fetch.extend_from_slice(extra);
    ws.git(&fetch);
    ws.git(&["checkout", "-q", "-f", "--detach", sha]);
    ws
}

fn gitlab_env(vars: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all = vec![
        ("CI".to_owned(), "true".to_owned()),
        ("GITLAB_CI".to_owned(), "true".to_owned()),
    ];
    all.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    all
}

/// A GitLab merged results pipeline: the feature branch into rc fails (flow/source); master's
/// commit before the bump into rc passes once master is on the next minor.
#[test]
fn gitlab_merged_results_pipelines() {
    let forge = Forge::new();
    let work = &forge.work;
    work.git(&["checkout", "-q", "-b", "topic", "rc"]);
    work.change("topic.txt", "x\n", "topic work");
    work.git(&["push", "-q", "origin", "topic"]);
    work.checkout("master");
    let before_bump = work.rev("master");
    work.set_version("0.14.0.dev1");
    work.git(&["branch", "freeze-0.13", &before_bump]);
    work.git(&["push", "-q", "origin", "master", "freeze-0.13"]);

    for (n, head, expected) in [(4, "topic", Some("flow/source")), (5, "freeze-0.13", None)] {
        // GitLab's merge ref for merged results: the source merged into the target.
        let (head_sha, merge) = forge.open_pull_request(n, "rc", head);
        let ws = gitlab_checkout(&forge, &format!("gl-mr-{n}"), &merge, &[]);
        let iid = n.to_string();
        let env = gitlab_env(&[
            ("CI_PIPELINE_SOURCE", "merge_request_event"),
            ("CI_MERGE_REQUEST_EVENT_TYPE", "merged_result"),
            ("CI_MERGE_REQUEST_IID", &iid),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "rc"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", head),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", &head_sha),
            ("CI_COMMIT_SHA", &merge),
            ("CI_COMMIT_BEFORE_SHA", ZERO),
            ("CI_COMMIT_BRANCH", ""),
        ]);
        let run = run_script(&ws, &gitlab_script(), &env);
        match expected {
            Some(rule) => fails_with(&run, rule),
            None => passes(&run),
        }
        let subject = format!("the merge request merging `{head}` into `rc` (GitLab CI)");
        assert!(run.stdout.contains(&subject), "{}", run.all());
    }
}

/// A GitLab merge request pipeline on the source branch (no merge commit): rc into master is
/// judged as the merge it would make, and fails with flow/foreign.
#[test]
fn gitlab_detached_merge_request_from_rc_into_master_fails() {
    let forge = Forge::new();
    let work = &forge.work;
    work.checkout("rc");
    let head = work.change("fix.txt", "fix\n", "hotfix on rc");
    work.git(&[
        "push",
        "-q",
        "origin",
        "rc",
        "rc:refs/merge-requests/6/head",
    ]);
    work.checkout("master");
    let ws = gitlab_checkout(&forge, "gl-detached", &head, &[]);
    let env = gitlab_env(&[
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_EVENT_TYPE", "detached"),
        ("CI_MERGE_REQUEST_IID", "6"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "master"),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "rc"),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", ""),
        ("CI_COMMIT_SHA", &head),
    ]);
    let run = run_script(&ws, &gitlab_script(), &env);
    fails_with(&run, "flow/foreign");
}

/// A GitLab tag pipeline for a tag naming another version than its commit's fails.
#[test]
fn gitlab_tag_pipeline_of_a_bad_tag_fails() {
    let forge = Forge::new();
    push_bad_tag(&forge);
    let commit = forge.work.rev("v0.12.0b1^{commit}");
    let ws = gitlab_checkout(&forge, "gl-tag", &commit, &[]);
    let env = gitlab_env(&[
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_TAG", "v0.12.0b1"),
        ("CI_COMMIT_REF_NAME", "v0.12.0b1"),
        ("CI_COMMIT_SHA", &commit),
        ("CI_COMMIT_BEFORE_SHA", ZERO),
    ]);
    let run = run_script(&ws, &gitlab_script(), &env);
    fails_with(&run, "tag/version");
}

/// A GitLab branch pipeline judges the pushed update: master losing its `.devN` fails.
#[test]
fn gitlab_branch_pipeline_judges_the_push() {
    let forge = Forge::new();
    let work = &forge.work;
    let before = work.rev("master");
    let after = work.set_version("0.13.0");
    work.git(&["push", "-q", "origin", "master"]);
    let ws = gitlab_checkout(&forge, "gl-push", &after, &[]);
    let env = gitlab_env(&[
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_BRANCH", "master"),
        ("CI_COMMIT_SHA", &after),
        ("CI_COMMIT_BEFORE_SHA", &before),
    ]);
    let run = run_script(&ws, &gitlab_script(), &env);
    fails_with(&run, "version/kind");
}

/// Text output is coloured when colour is forced (as on a terminal) and plain otherwise.
#[test]
fn text_is_coloured_only_when_asked() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.checkout("rc");
    repo.change("fix.txt", "fix\n", "hotfix on rc");
    repo.checkout("master");
    let args = ["check", "--base", "master", "--head", "rc"];
    let plain = repo.policy(&args);
    assert!(!plain.stdout.contains('\u{1b}'), "{:?}", plain.stdout);
    let forced = Run::from_output(
        repo.command(bin())
            .args(args)
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .output()
            .expect("run git-policy"),
    );
    assert_eq!(forced.code, 1, "{}", forced.all());
    assert!(forced.stdout.contains("\u{1b}["), "{:?}", forced.stdout);
}

/// A workflow that checks out the pull request's head instead of GitHub's merge (so the merge
/// was never fetched) is judged on the merge the request would make.
#[test]
fn github_pull_request_head_checkout_judges_the_merge_to_be_made() {
    let forge = Forge::new();
    let work = &forge.work;
    work.git(&["checkout", "-q", "-b", "topic", "rc"]);
    work.change("topic.txt", "x\n", "topic work");
    work.git(&["push", "-q", "origin", "topic"]);
    work.checkout("master");
    let (head, merge) = forge.open_pull_request(7, "rc", "topic");
    let ws = forge.checkout("gh-head", &[], &head);
    assert_ne!(
        ws.git_run(&["cat-file", "-e", &merge]).code,
        0,
        "the merge is not here"
    );
    let payload = format!(r#"{{"pull_request": {{"number": 7, "head": {{"sha": "{head}"}}}}}}"#);
    let env = github_env(
        &ws,
        "pull_request",
        &payload,
        &[
            ("GITHUB_REF", "refs/pull/7/merge"),
            ("GITHUB_SHA", &merge),
            ("GITHUB_BASE_REF", "rc"),
            ("GITHUB_HEAD_REF", "topic"),
        ],
    );
    let run = run_script(&ws, &github_steps(), &env.vars);
    fails_with(&run, "flow/source");
    assert!(run.stdout.contains("(new commit)"), "{}", run.stdout);
}
