//! Messages read as a user reads them: no server paths, no Markdown in JSON, no internals.

use crate::harness::{Sandbox, ZERO, failed, pytokio, refused};
use crate::hooks::setup;

/// A server's refusal names "the server's policy", never the administrator's file's path on
/// the server, which every client would otherwise read.
#[test]
fn server_refusal_showed_the_policy_path() {
    for hook in ["pre-receive", "update"] {
        let s = setup(hook);
        s.dev.checkout("rc");
        s.dev.change("fix.txt", "fix\n", "Fix a crash on rc");
        assert_eq!(s.dev.git_run(&["push", "-q", "origin", "rc"]).code, 0);
        s.dev.checkout("master");
        s.dev
            .git(&["merge", "-q", "--no-verify", "--no-edit", "--no-ff", "rc"]);
        let run = s.dev.git_run(&["push", "--no-verify", "origin", "master"]);
        refused(&run, "flow/foreign");
        assert!(run.all().contains("(the server's policy)"), "{}", run.all());
        assert!(!run.all().contains("git-policy.toml"), "{}", run.all());
        let central = s.central.path.display().to_string();
        let remote: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("remote:"))
            .collect();
        assert!(remote.iter().all(|l| !l.contains(&central)), "{remote:#?}");
    }
}

/// JSON's `policy` field is plain text, without the backticks people's output has.
#[test]
fn json_policy_field_carried_backticks() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let run = repo.policy(&["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        doc["policy"], "the embedded pytokio preset",
        "{}",
        run.stdout
    );
}

/// The commit being made is named once: "(the merge being made)", not "(new commit) (the
/// merge being made)".
#[test]
fn pending_commit_was_named_twice() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "topic", "rc"]);
    s.dev.change("topic.txt", "t\n", "Add a topic");
    s.dev.checkout("rc");
    let run = s.dev.git_run(&["merge", "--no-ff", "--no-edit", "topic"]);
    refused(&run, "flow/source");
    assert!(
        run.all().contains("   (the merge being made)\n"),
        "{}",
        run.all()
    );
    assert!(!run.all().contains("(new commit)"), "{}", run.all());
}

/// In JSON the commit being made (a pull request's merge) has `"id": null`, not a word.
#[test]
fn pending_commit_id_was_a_word_in_json() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.git(&["checkout", "-q", "-b", "topic", "rc"]);
    repo.change("topic.txt", "t\n", "Add a topic");
    let run = repo.policy(&[
        "check", "--base", "rc", "--head", "topic", "--format", "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found = &doc["violations"][0];
    assert_eq!(found["rule"], "flow/source", "{}", run.stdout);
    assert!(found["commits"][0]["id"].is_null(), "{}", run.stdout);
}

/// A branch pointed at a tree is "a tree, not a commit", not a missing object to fetch.
#[test]
fn branch_at_a_tree_was_reported_missing() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let (tip, tree) = (repo.rev("master"), repo.rev("master^{tree}"));
    let run = repo.judge("refs/heads/master", &tip, &tree);
    failed(&run, &[&format!("object {tree} is a tree, not a commit")]);
    assert!(!run.stderr.contains("git fetch"), "{}", run.stderr);
}

/// A tag object whose tagger line does not parse is named so, not missing.
#[test]
fn unparseable_tag_was_reported_missing() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let commit = repo.rev("master");
    repo.write(
        "tag.txt",
        &format!("object {commit}\ntype commit\ntag v0.13.0\ntagger nobody <x> notadate\n\nbad\n"),
    );
    let tag = repo.git(&["hash-object", "-t", "tag", "-w", "--literally", "tag.txt"]);
    let run = repo.judge("refs/tags/v0.13.0", ZERO, &tag);
    failed(
        &run,
        &[&format!("object {tag} is a tag object that does not parse")],
    );
    assert!(!run.stderr.contains("git fetch"), "{}", run.stderr);
}

/// libgit2's `class=...; code=...` never reaches the reader, and no cause is said twice.
#[test]
fn libgit2_codes_reached_the_user() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let run = repo.policy(&["check", "--base", "master", "--head", "nonexist"]);
    failed(&run, &["`nonexist` is not in this clone"]);
    assert!(!run.stderr.contains("class="), "{}", run.stderr);
    assert!(!run.stderr.contains("code="), "{}", run.stderr);
    let causes: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("caused by"))
        .collect();
    let mut unique = causes.clone();
    unique.dedup();
    assert_eq!(causes, unique, "{}", run.stderr);
}

/// The policy `git policy init` writes says what the process is in its first comment, not
/// "(seed 000)", which means nothing to a user.
#[test]
fn presets_first_comment_said_seed_000() {
    for preset in ["pytokio", "github-rc", "pypiserver", "dagster", "twisted"] {
        let sandbox = Sandbox::new();
        let repo = sandbox.repo("work");
        let init = repo.policy(&["init", "--preset", preset]);
        assert_eq!(init.code, 0, "{}", init.all());
        let text = std::fs::read_to_string(repo.path.join(".git-policy.toml")).expect("written");
        let first = text
            .lines()
            .find(|l| l.starts_with("# "))
            .unwrap_or_default();
        assert!(!text.contains("seed 00"), "{preset}: {first}");
        assert!(first.contains("release process"), "{preset}: {first}");
    }
}
