//! Messages read as a user reads them: no server paths, no Markdown in JSON, no internals.

use crate::harness::{Sandbox, pytokio, refused};
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
