//! Bad input gets exit 2 and a message naming file, line and key; nothing is judged on a guess.

use crate::harness::{Run, Sandbox, pytokio};

#[track_caller]
fn config_error(run: &Run, needles: &[&str]) {
    assert_eq!(
        run.code,
        2,
        "expected a configuration error:\n{}",
        run.all()
    );
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "expected {needle:?} in:\n{}",
            run.stderr
        );
    }
}

/// Broken TOML names the file and the line.
#[test]
fn bad_toml_names_file_and_line() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.write(
        ".git-policy.toml",
        "[branches.master]\naccepts = \"any\"\n[branches.rc\n",
    );
    config_error(&repo.policy(&["check"]), &["`.git-policy.toml`", ":3:"]);
}

/// An unknown key names line and key and suggests the right one.
#[test]
fn unknown_key_suggests_the_right_one() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.write(
        ".git-policy.toml",
        &crate::preset_with("accepts = [\"master\"]", "acepts = [\"master\"]"),
    );
    let run = repo.policy(&["check"]);
    config_error(
        &run,
        &[
            "unknown key `branches.rc.acepts`",
            ":22:",
            "did you mean `accepts`?",
        ],
    );
    insta::assert_snapshot!(run.stderr);
}

/// A bad regex in a branch pattern names its line and key.
#[test]
fn bad_regex_names_line_and_key() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.write(
        ".git-policy.toml",
        &crate::preset_with(
            r"pattern = '^(?P<major>\d+)\.(?P<minor>\d+)$'",
            "pattern = '^(?P<major>\\d+'",
        ),
    );
    config_error(
        &repo.policy(&["check"]),
        &["invalid regex", "branches.version.pattern", ":27:"],
    );
}

/// `accepts` naming a branch the policy does not define is an error, with the defined ones.
#[test]
fn undefined_accepts_is_an_error() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.write(
        ".git-policy.toml",
        &crate::preset_with("accepts = [\"master\"]", "accepts = [\"main\"]"),
    );
    config_error(
        &repo.policy(&["check"]),
        &[
            "`main` is not a branch defined",
            "branches.rc.accepts",
            "`master`, `rc`",
        ],
    );
}

/// An unparsable version names the file and its line.
#[test]
fn unparsable_version_names_file_and_line() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.change(
        "tokio/__init__.py",
        "\"\"\"pytokio\"\"\"\n\n__version__ = \"banana\"\n",
        "break the version",
    );
    config_error(
        &repo.policy(&["check"]),
        &["`tokio/__init__.py`", "line 3", "`banana`"],
    );
}

/// A shallow clone is refused with a hint, never judged on cut-off history.
#[test]
fn shallow_clone_is_refused() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let url = format!("file://{}", repo.path.display());
    let shallow = crate::harness::TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().join("shallow"),
    };
    repo.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url,
        &shallow.path.display().to_string(),
    ]);
    config_error(
        &shallow.policy(&["check"]),
        &["shallow clone", "hint:", "fetch-depth: 0"],
    );
}

/// Outside a repository the error says so, with a hint.
#[test]
fn outside_a_repository_is_a_usage_error() {
    let sandbox = Sandbox::new();
    let run = crate::harness::TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.home(),
    }
    .policy(&["check"]);
    config_error(&run, &["git repository", "hint:"]);
}
