//! With `--format json`, a usage or configuration error is a JSON object on standard output,
//! `{"ok": false, "error": {"kind", "message", "causes", "hint"}}`, with exit code 2; a tool
//! reading the output never gets nothing.

use serde_json::Value;

use crate::fixtures::pytokio_repo;
use crate::harness::{Run, Sandbox};

/// The error object, after checking the exit code and that standard error stayed quiet.
fn json_error(run: &Run) -> Value {
    assert_eq!(run.code, 2, "{}", run.all());
    assert_eq!(run.stderr, "", "the error is on standard output only");
    let doc: Value = serde_json::from_str(&run.stdout).expect("standard output is JSON");
    assert_eq!(doc["ok"], false, "{doc}");
    let keys: Vec<&str> = doc["error"]
        .as_object()
        .expect("an error object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["causes", "hint", "kind", "message"], "{doc}");
    doc
}

/// A misspelt option is a usage error whose hint is clap's suggestion; without `--format
/// json` it stays text on standard error, and `--help` stays help.
#[test]
fn misspelt_option_is_a_json_usage_error() {
    let repo = pytokio_repo();
    let run = repo.policy(&["check", "--format", "json", "--bsae", "master"]);
    let doc = json_error(&run);
    assert_eq!(doc["error"]["kind"], "usage");
    insta::assert_snapshot!(run.stdout);
    let text = repo.policy(&["check", "--bsae", "master"]);
    assert_eq!((text.code, text.stdout.as_str()), (2, ""));
    assert!(
        text.stderr
            .starts_with("error: unexpected argument '--bsae'"),
        "{}",
        text.stderr
    );
    let help = repo.policy(&["check", "--format", "json", "--help"]);
    assert_eq!(help.code, 0, "{}", help.all());
    assert!(
        help.stdout.contains("Usage: git policy check"),
        "{}",
        help.stdout
    );
}

/// Arguments missing their partners name them, and the hint says where the options are listed;
/// `--format=json` is the same request.
#[test]
fn missing_arguments_are_a_json_usage_error() {
    let repo = pytokio_repo();
    let run = repo.policy(&["check", "--ref", "refs/heads/master", "--format=json"]);
    let doc = json_error(&run);
    assert_eq!(
        doc["error"]["hint"],
        "for more information, run `git policy check --help`"
    );
    insta::assert_snapshot!(run.stdout);
}

/// An invalid policy is a `policy` error naming file, line and key, with its hint.
#[test]
fn invalid_policy_is_a_json_policy_error() {
    let repo = pytokio_repo();
    repo.policy_file_with("accepts = [\"master\"]", "acepts = [\"master\"]");
    let run = repo.policy(&["check", "--format", "json"]);
    let doc = json_error(&run);
    assert_eq!(doc["error"]["kind"], "policy");
    insta::assert_snapshot!(run.stdout);
}

/// A policy file that cannot be read is a `policy` error with the reason among its causes.
#[test]
fn unreadable_policy_is_a_json_policy_error() {
    let repo = pytokio_repo();
    let run = repo.policy(&["check", "--format", "json", "--policy", "missing.toml"]);
    let doc = json_error(&run);
    assert_eq!(doc["error"]["kind"], "policy");
    assert_eq!(doc["error"]["message"], "cannot read policy `missing.toml`");
    assert_eq!(
        doc["error"]["causes"].as_array().map(Vec::len),
        Some(1),
        "{doc}"
    );
}

/// Outside a repository the error is a `repository` error with the hint text mode prints.
#[test]
fn outside_a_repository_is_a_json_repository_error() {
    let sandbox = Sandbox::new();
    let dir = sandbox.home();
    let run = Run::from_output(
        sandbox
            .command(crate::harness::bin(), &dir)
            .args(["check", "--format", "json"])
            .output()
            .expect("run git-policy"),
    );
    let doc = json_error(&run);
    assert_eq!(doc["error"]["kind"], "repository");
    assert_eq!(
        doc["error"]["message"],
        "git-policy works inside a git repository"
    );
    assert_eq!(
        doc["error"]["hint"],
        "run it from a clone, or set `GIT_DIR`"
    );
}
