//! GitHub Actions: `pull_request` (the merge in `refs/pull/N/merge`), `push` events from the
//! event file, a shallow checkout; the workflow in `docs/ci/github-actions.yml` as written.

use std::path::PathBuf;

use yaml_rust2::YamlLoader;

use super::{Forge, push_bad_tag, run_script, url};
use crate::harness::{Run, TestRepo, ZERO, accepted, rejected};

const GITHUB_WORKFLOW: &str = include_str!("../../../docs/ci/github-actions.yml");

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
            assert!(script.contains("pip install"), "{script}");
            installs += 1;
        } else {
            scripts.push(script.to_owned());
        }
    }
    assert_eq!(installs, 1, "one step installs git-policy");
    scripts
}

const ACTION: &str = include_str!("../../../action.yml");

/// The action's `run:` steps but the install, and its inputs' defaults as the variables its
/// steps' `env:` give them.
fn action_steps() -> (Vec<String>, Vec<(String, String)>) {
    let docs = YamlLoader::load_from_str(ACTION).expect("action.yml is YAML");
    let inputs = docs[0]["inputs"].as_hash().expect("inputs");
    let input = |name: &str| {
        inputs
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .and_then(|(_, v)| v["default"].as_str())
            .expect("an input with a default")
            .to_owned()
    };
    let mut vars = Vec::new();
    let mut scripts = Vec::new();
    for step in docs[0]["runs"]["steps"].as_vec().expect("steps") {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        if let Some(env) = step["env"].as_hash() {
            for (k, v) in env {
                let (Some(k), Some(v)) = (k.as_str(), v.as_str()) else {
                    continue;
                };
                let name = v.trim_start_matches("${{ inputs.").trim_end_matches(" }}");
                vars.push((k.to_owned(), input(name)));
            }
        }
        if step["name"].as_str() != Some("Install git-policy") {
            scripts.push(script.to_owned());
        }
    }
    (scripts, vars)
}

/// Runs the GitHub workflow's steps in `ws` for `event` with its `payload` and the variables
/// GitHub Actions sets for it (`vars` added or replacing them); returns the run and the step
/// summary.
fn run_github(ws: &TestRepo, event: &str, payload: &str, vars: &[(&str, &str)]) -> (Run, String) {
    run_github_steps(ws, &github_steps(), event, payload, vars)
}

/// [`run_github`] for any steps: the workflow's, or the action's.
fn run_github_steps(
    ws: &TestRepo,
    steps: &[String],
    event: &str,
    payload: &str,
    vars: &[(&str, &str)],
) -> (Run, String) {
    let env = github_env(ws, event, payload, vars);
    let run = run_script(ws, steps, &env.vars);
    let summary = std::fs::read_to_string(&env.summary).unwrap_or_default();
    (run, summary)
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
    github_pull_request_steps(forge, n, base, head, &github_steps(), &[])
}

/// [`github_pull_request`] running `steps` with `vars` added.
fn github_pull_request_steps(
    forge: &Forge,
    n: u32,
    base: &str,
    head: &str,
    steps: &[String],
    vars: &[(&str, &str)],
) -> (Run, String, String) {
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
    let mut all = vec![
        ("GITHUB_REF", github_ref.as_str()),
        ("GITHUB_SHA", merge.as_str()),
        ("GITHUB_BASE_REF", base),
        ("GITHUB_HEAD_REF", head),
    ];
    all.extend_from_slice(vars);
    let (run, summary) = run_github_steps(&ws, steps, "pull_request", &payload, &all);
    (run, summary, merge)
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
    accepted(&run);
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
    forge.push_topic();
    let (run, summary, merge) = github_pull_request(&forge, 2, "rc", "topic");
    rejected(&run, "flow/source");
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
    forge.push_hotfix_on_rc(&[]);
    let (run, _, _) = github_pull_request(&forge, 3, "master", "rc");
    rejected(&run, "flow/foreign");
    assert!(run.stdout.contains("hotfix on rc"), "{}", run.stdout);
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
    let (run, _) = run_github(
        &ws,
        "push",
        &payload,
        &[
            ("GITHUB_REF", "refs/tags/v0.12.0b1"),
            ("GITHUB_SHA", &commit),
        ],
    );
    rejected(&run, "tag/version");
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
    let (run, _) = run_github(
        &ws,
        "push",
        &payload,
        &[("GITHUB_REF", "refs/heads/master"), ("GITHUB_SHA", &after)],
    );
    accepted(&run);
    assert!(run.stdout.contains("the push of `master`"), "{}", run.all());
}

/// A shallow clone in CI is refused with exit 2 and a hint naming `fetch-depth: 0` and
/// `git fetch --unshallow`, never judged.
#[test]
fn shallow_clone_is_refused_with_a_hint() {
    let forge = Forge::new();
    let ws = forge.sandbox.shallow_clone(&url(&forge.origin), "shallow");
    let (run, _) = run_github(&ws, "schedule", "{}", &[]);
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

/// A workflow that checks out the pull request's head instead of GitHub's merge (so the merge
/// was never fetched) is judged on the merge the request would make.
#[test]
fn github_pull_request_head_checkout_judges_the_merge_to_be_made() {
    let forge = Forge::new();
    forge.push_topic();
    let (head, merge) = forge.open_pull_request(7, "rc", "topic");
    let ws = forge.checkout("gh-head", &[], &head);
    assert_ne!(
        ws.git_run(&["cat-file", "-e", &merge]).code,
        0,
        "the merge is not here"
    );
    let payload = format!(r#"{{"pull_request": {{"number": 7, "head": {{"sha": "{head}"}}}}}}"#);
    let (run, _) = run_github(
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
    rejected(&run, "flow/source");
    assert!(run.stdout.contains("(new commit)"), "{}", run.stdout);
}

/// Pull request `n` of `head` (a branch or commit in `dev`) into `base` on `central`, checked
/// in GitHub Actions as GitHub runs it: the head pushed as `refs/pull/n/head`, GitHub's merge
/// of it into `central`'s base as `refs/pull/n/merge`, a workspace checked out as
/// `actions/checkout` does, and the workflow's steps run for the `pull_request` event.
pub fn github_pull_request_to(
    central: &TestRepo,
    dev: &TestRepo,
    n: u32,
    base: &str,
    head: &str,
) -> Run {
    dev.git(&["fetch", "-q", "origin"]);
    let head_sha = dev.rev(head);
    let base_sha = dev.rev(&format!("origin/{base}"));
    let tree = dev.git(&["merge-tree", "--write-tree", &base_sha, &head_sha]);
    let message = format!("Merge {head_sha} into {base_sha}");
    let merge = dev.git(&[
        "commit-tree",
        &tree,
        "-p",
        &base_sha,
        "-p",
        &head_sha,
        "-m",
        &message,
    ]);
    dev.git(&[
        "push",
        "-q",
        "origin",
        &format!("{head_sha}:refs/pull/{n}/head"),
        &format!("{merge}:refs/pull/{n}/merge"),
    ]);
    let ws = dev.sandbox.repo(&format!("gh-pr-{n}-{base}"));
    ws.git(&["remote", "add", "origin", &url(central)]);
    let merge_ref = format!("refs/remotes/pull/{n}/merge");
    ws.git(&[
        "fetch",
        "-q",
        "--prune",
        "origin",
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/tags/*:refs/tags/*",
        &format!("+refs/pull/{n}/merge:{merge_ref}"),
    ]);
    ws.git(&["checkout", "-q", "--force", "--detach", &merge_ref]);
    let payload = format!(
        r#"{{"action": "opened", "number": {n}, "pull_request": {{"number": {n}, "head": {{"ref": "{head}", "sha": "{head_sha}"}}, "base": {{"ref": "{base}", "sha": "{base_sha}"}}, "merge_commit_sha": "{merge}"}}}}"#
    );
    let github_ref = format!("refs/pull/{n}/merge");
    let (run, _) = run_github(
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
    run
}

/// The action judges a pull request as the workflow does: a feature branch merged into rc fails
/// with `flow/source`, as an annotation (its default format) and in the run's summary.
#[test]
fn action_fails_a_pull_request_from_feature_into_rc() {
    let forge = Forge::new();
    forge.push_topic();
    let (steps, vars) = action_steps();
    assert!(
        vars.iter()
            .any(|(k, v)| k == "GIT_POLICY_FORMAT" && v == "github"),
        "{vars:?}"
    );
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (run, summary, _) = github_pull_request_steps(&forge, 2, "rc", "topic", &steps, &vars);
    rejected(&run, "flow/source");
    assert!(
        run.stdout
            .contains("::error title=flow/source on refs/heads/rc::"),
        "annotation:\n{}",
        run.stdout
    );
    assert!(summary.contains("`flow/source`"), "summary:\n{summary}");
}
