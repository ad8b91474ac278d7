//! Detection from variables exactly as GitHub Actions and GitLab CI set them.

use std::collections::HashMap;

use super::{CiError, Job, System, detect};
use crate::rules::Id;

const A: &str = "1111111111111111111111111111111111111111";
const B: &str = "2222222222222222222222222222222222222222";
const M: &str = "3333333333333333333333333333333333333333";
const ZERO: &str = "0000000000000000000000000000000000000000";

fn id(hex: &str) -> Option<Id> {
    Id::parse_hex(hex).expect("test ids are valid")
}

fn run(vars: &[(&str, &str)]) -> Result<Option<Job>, CiError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    detect(&|name| vars.get(name).cloned())
}

fn event(json: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), json).expect("write event");
    file
}

/// Outside CI nothing is detected, even with stray empty variables.
#[test]
fn outside_ci_nothing_is_detected() {
    assert_eq!(
        run(&[("GITLAB_CI", ""), ("GITHUB_ACTIONS", "")]).ok(),
        Some(None)
    );
}

/// A GitHub `pull_request` run judges the checked-out merge of the PR head into the base.
#[test]
fn github_pull_request_names_base_head_and_merge() {
    let file = event(&format!(
        r#"{{"pull_request": {{"head": {{"sha": "{B}"}}}}}}"#
    ));
    let path = file.path().to_string_lossy().into_owned();
    let job = run(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_BASE_REF", "rc"),
        ("GITHUB_HEAD_REF", "feature"),
        ("GITHUB_SHA", M),
        ("GITHUB_EVENT_PATH", &path),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Request {
            system: System::GitHub,
            base: "rc".into(),
            head: Some(B.into()),
            head_name: Some("feature".into()),
            merge: Some(M.into()),
        }))
    );
}

/// `pull_request_target` checks out the base, so `GITHUB_SHA` is not a merge to judge.
#[test]
fn github_pull_request_target_has_no_merge_commit() {
    let job = run(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "pull_request_target"),
        ("GITHUB_BASE_REF", "rc"),
        ("GITHUB_SHA", M),
    ]);
    assert!(
        matches!(job, Ok(Some(Job::Request { merge: None, .. }))),
        "{job:?}"
    );
}

/// A GitHub `push` judges the event's before and after; zeros mean a created ref.
#[test]
fn github_push_reads_before_and_after_from_the_event() {
    let file = event(&format!(
        r#"{{"ref": "refs/tags/v0.12.0b1", "before": "{ZERO}", "after": "{A}"}}"#
    ));
    let path = file.path().to_string_lossy().into_owned();
    let job = run(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", &path),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Push {
            system: System::GitHub,
            refname: "refs/tags/v0.12.0b1".into(),
            before: None,
            after: id(A),
        }))
    );
}

/// A merge queue run judges the queue's commit as the base's next tip.
#[test]
fn github_merge_group_is_an_update_of_the_base() {
    let file = event(&format!(
        r#"{{"merge_group": {{"base_ref": "refs/heads/master", "base_sha": "{A}", "head_sha": "{B}"}}}}"#
    ));
    let path = file.path().to_string_lossy().into_owned();
    let job = run(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "merge_group"),
        ("GITHUB_EVENT_PATH", &path),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Push {
            system: System::GitHub,
            refname: "refs/heads/master".into(),
            before: id(A),
            after: id(B),
        }))
    );
}

/// Scheduled and manual GitHub runs audit the repository.
#[test]
fn github_schedule_audits() {
    let job = run(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "schedule"),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Audit {
            system: System::GitHub
        }))
    );
}

/// A push event whose file is missing is an error naming the file, not an audit.
#[test]
fn github_push_without_event_file_is_an_error() {
    let job = run(&[
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_EVENT_NAME", "push"),
        ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
    ]);
    assert!(
        matches!(&job, Err(CiError::EventFile { path, .. }) if path == "/nonexistent/event.json"),
        "{job:?}"
    );
}

/// A GitLab merged results pipeline runs on the merge; its head is the source branch's sha.
#[test]
fn gitlab_merged_result_names_the_merge() {
    let job = run(&[
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_EVENT_TYPE", "merged_result"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "rc"),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature"),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", B),
        ("CI_COMMIT_SHA", M),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Request {
            system: System::GitLab,
            base: "rc".into(),
            head: Some(B.into()),
            head_name: Some("feature".into()),
            merge: Some(M.into()),
        }))
    );
}

/// A GitLab merge request pipeline on the source branch (`detached`) judges its head commit,
/// which GitLab gives only as `CI_COMMIT_SHA` (the source sha variable is empty there).
#[test]
fn gitlab_detached_merge_request_uses_the_commit_sha() {
    let job = run(&[
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_MERGE_REQUEST_EVENT_TYPE", "detached"),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "rc"),
        ("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", ""),
        ("CI_COMMIT_SHA", B),
    ]);
    assert!(
        matches!(&job, Ok(Some(Job::Request { head: Some(h), merge: None, .. })) if h == B),
        "{job:?}"
    );
}

/// A GitLab branch pipeline judges the push; a zero "before" is a created branch.
#[test]
fn gitlab_branch_push_is_an_update() {
    let job = run(&[
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_BRANCH", "rc"),
        ("CI_COMMIT_BEFORE_SHA", ZERO),
        ("CI_COMMIT_SHA", A),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Push {
            system: System::GitLab,
            refname: "refs/heads/rc".into(),
            before: None,
            after: id(A),
        }))
    );
}

/// A GitLab tag pipeline judges the tag's creation at the tagged commit.
#[test]
fn gitlab_tag_push_is_a_tag_creation() {
    let job = run(&[
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_TAG", "v0.12.0b1"),
        ("CI_COMMIT_SHA", A),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Push {
            system: System::GitLab,
            refname: "refs/tags/v0.12.0b1".into(),
            before: None,
            after: id(A),
        }))
    );
}

/// A GitLab scheduled pipeline audits.
#[test]
fn gitlab_schedule_audits() {
    let job = run(&[
        ("GITLAB_CI", "true"),
        ("CI_PIPELINE_SOURCE", "schedule"),
        ("CI_COMMIT_BRANCH", "master"),
    ]);
    assert_eq!(
        job.ok(),
        Some(Some(Job::Audit {
            system: System::GitLab
        }))
    );
}
