//! GitLab CI: merged results and source-branch merge request pipelines, tag and branch
//! pipelines; the job in `docs/ci/gitlab-ci.yml` as written.

use yaml_rust2::{Yaml, YamlLoader};

use super::{Forge, push_bad_tag, run_script, url};
use crate::harness::{Run, TestRepo, ZERO, accepted, rejected};

const GITLAB_JOB: &str = include_str!("../../../docs/ci/gitlab-ci.yml");

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
        .filter(|c| !c.contains("pip install"))
        .collect();
    commands.extend(lines("script"));
    assert!(
        commands.iter().any(|c| c == "git policy check"),
        "{commands:?}"
    );
    commands
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

/// Runs the GitLab job's script in `ws` with the variables GitLab CI sets and `vars`.
fn run_gitlab(ws: &TestRepo, vars: &[(&str, &str)]) -> Run {
    let mut env = vec![
        ("CI".to_owned(), "true".to_owned()),
        ("GITLAB_CI".to_owned(), "true".to_owned()),
    ];
    env.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    run_script(ws, &gitlab_script(), &env)
}

/// A GitLab merged results pipeline: the feature branch into rc fails (flow/source); master's
/// commit before the bump into rc passes once master is on the next minor.
#[test]
fn gitlab_merged_results_pipelines() {
    let forge = Forge::new();
    let work = &forge.work;
    forge.push_topic();
    let before_bump = work.rev("master");
    work.set_version("0.14.0.dev1");
    work.git(&["branch", "freeze-0.13", &before_bump]);
    work.git(&["push", "-q", "origin", "master", "freeze-0.13"]);

    for (n, head, expected) in [(4, "topic", Some("flow/source")), (5, "freeze-0.13", None)] {
        // GitLab's merge ref for merged results: the source merged into the target.
        let (head_sha, merge) = forge.open_pull_request(n, "rc", head);
        let ws = gitlab_checkout(&forge, &format!("gl-mr-{n}"), &merge, &[]);
        let iid = n.to_string();
        let run = run_gitlab(
            &ws,
            &[
                ("CI_PIPELINE_SOURCE", "merge_request_event"),
                ("CI_MERGE_REQUEST_EVENT_TYPE", "merged_result"),
                ("CI_MERGE_REQUEST_IID", &iid),
                ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "rc"),
                ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", head),
                ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", &head_sha),
                ("CI_COMMIT_SHA", &merge),
                ("CI_COMMIT_BEFORE_SHA", ZERO),
                ("CI_COMMIT_BRANCH", ""),
            ],
        );
        match expected {
            Some(rule) => rejected(&run, rule),
            None => accepted(&run),
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
    let head = forge.push_hotfix_on_rc(&["rc:refs/merge-requests/6/head"]);
    let ws = gitlab_checkout(&forge, "gl-detached", &head, &[]);
    let run = run_gitlab(
        &ws,
        &[
            ("CI_PIPELINE_SOURCE", "merge_request_event"),
            ("CI_MERGE_REQUEST_EVENT_TYPE", "detached"),
            ("CI_MERGE_REQUEST_IID", "6"),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "master"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "rc"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", ""),
            ("CI_COMMIT_SHA", &head),
        ],
    );
    rejected(&run, "flow/foreign");
}

/// A GitLab tag pipeline for a tag naming another version than its commit's fails.
#[test]
fn gitlab_tag_pipeline_of_a_bad_tag_fails() {
    let forge = Forge::new();
    push_bad_tag(&forge);
    let commit = forge.work.rev("v0.12.0b1^{commit}");
    let ws = gitlab_checkout(&forge, "gl-tag", &commit, &[]);
    let run = run_gitlab(
        &ws,
        &[
            ("CI_PIPELINE_SOURCE", "push"),
            ("CI_COMMIT_TAG", "v0.12.0b1"),
            ("CI_COMMIT_REF_NAME", "v0.12.0b1"),
            ("CI_COMMIT_SHA", &commit),
            ("CI_COMMIT_BEFORE_SHA", ZERO),
        ],
    );
    rejected(&run, "tag/version");
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
    let run = run_gitlab(
        &ws,
        &[
            ("CI_PIPELINE_SOURCE", "push"),
            ("CI_COMMIT_BRANCH", "master"),
            ("CI_COMMIT_SHA", &after),
            ("CI_COMMIT_BEFORE_SHA", &before),
        ],
    );
    rejected(&run, "version/kind");
}

/// A merged results pipeline into a branch that keeps a linear history is judged as GitLab
/// will land the request there (rebased), not as the merge commit the pipeline runs on.
#[test]
fn gitlab_merged_results_into_a_linear_branch_were_judged_as_a_merge_commit() {
    let forge = Forge::new();
    let work = &forge.work;
    let policy = crate::preset_with("[branches.master]\n", "[branches.master]\nlinear = true\n");
    work.write(".git-policy.toml", &policy);
    work.commit("policy: master keeps a linear history");
    work.git(&["push", "-q", "origin", "master"]);
    work.topic("linear-topic", "master");
    work.git(&["push", "-q", "origin", "linear-topic"]);
    work.checkout("master");
    let (head_sha, merge) = forge.open_pull_request(9, "master", "linear-topic");
    let ws = gitlab_checkout(&forge, "gl-mr-9", &merge, &[]);
    let run = run_gitlab(
        &ws,
        &[
            ("CI_PIPELINE_SOURCE", "merge_request_event"),
            ("CI_MERGE_REQUEST_EVENT_TYPE", "merged_result"),
            ("CI_MERGE_REQUEST_IID", "9"),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "master"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "linear-topic"),
            ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", &head_sha),
            ("CI_COMMIT_SHA", &merge),
            ("CI_COMMIT_BEFORE_SHA", ZERO),
            ("CI_COMMIT_BRANCH", ""),
        ],
    );
    accepted(&run);
}
