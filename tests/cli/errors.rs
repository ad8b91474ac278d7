//! Bad input gets exit 2 and a message naming file, line and key; nothing is judged on a guess.

use crate::fixtures::{check_with_policy, pytokio_repo};
use crate::harness::{Sandbox, accepted, failed, pytokio};

/// Broken TOML names the file and the line.
#[test]
fn bad_toml_names_file_and_line() {
    let repo = pytokio_repo();
    repo.write(
        ".git-policy.toml",
        "[branches.master]\naccepts = \"any\"\n[branches.rc\n",
    );
    failed(&repo.policy(&["check"]), &["`.git-policy.toml`", ":3:"]);
}

/// An unknown key names line and key and suggests the right one.
#[test]
fn unknown_key_suggests_the_right_one() {
    let run = check_with_policy("accepts = [\"master\"]", "acepts = [\"master\"]");
    failed(
        &run,
        &[
            "unknown key `branches.rc.acepts`",
            ":23:",
            "did you mean `accepts`?",
        ],
    );
    insta::assert_snapshot!(run.stderr);
}

/// A bad regex in a branch pattern names its line and key.
#[test]
fn bad_regex_names_line_and_key() {
    let run = check_with_policy(
        r"pattern = '^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$'",
        "pattern = '^(?P<major>\\d+'",
    );
    failed(&run, &["invalid regex", "branches.version.pattern", ":28:"]);
}

/// A Unicode class in a pattern is refused with its line and key, and the hint spells the
/// ASCII classes patterns use instead.
#[test]
fn unicode_class_in_a_pattern_gets_the_ascii_hint() {
    let run = check_with_policy(
        r"pattern = '^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$'",
        r"pattern = '^(?P<major>\p{N}+)\.(?P<minor>[0-9]+)$'",
    );
    failed(
        &run,
        &[
            "Unicode character classes are not supported",
            "branches.version.pattern",
            ":28:",
            "hint: policy patterns match ASCII: `\\d` is `[0-9]`",
        ],
    );
}

/// `accepts` naming a branch the policy does not define is an error, with the defined ones.
#[test]
fn undefined_accepts_is_an_error() {
    failed(
        &check_with_policy("accepts = [\"master\"]", "accepts = [\"main\"]"),
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
    let repo = pytokio_repo();
    repo.change(
        "tokio/__init__.py",
        "\"\"\"pytokio\"\"\"\n\n__version__ = \"banana\"\n",
        "break the version",
    );
    failed(
        &repo.policy(&["check"]),
        &["`tokio/__init__.py`", "line 3", "`banana`"],
    );
}

/// A shallow clone is refused with a hint, never judged on cut-off history.
#[test]
fn shallow_clone_is_refused() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let shallow = sandbox.shallow_clone(&format!("file://{}", repo.path.display()), "shallow");
    failed(
        &shallow.policy(&["check"]),
        &["shallow clone", "hint:", "fetch-depth: 0"],
    );
}

/// Outside a repository the error says so, with a hint.
#[test]
fn outside_a_repository_is_a_usage_error() {
    let run = Sandbox::new().at("home").policy(&["check"]);
    failed(&run, &["git repository", "hint:"]);
}

/// A branch accepting itself is refused: it says nothing and usually hides a typo.
#[test]
fn branch_accepting_itself_is_an_error() {
    let run = check_with_policy("accepts = [\"master\"]", "accepts = [\"rc\"]");
    insta::assert_snapshot!(run.stderr);
    failed(
        &run,
        &[
            "`rc` accepts itself",
            "branches.rc.accepts",
            ":23:",
            "hint: remove `\"rc\"`",
        ],
    );
}

/// Mutual flow is not an error: Twisted cuts release branches from trunk and merges them back,
/// and a class of version branches may accept its siblings (forward merges).
#[test]
fn mutual_accepts_are_allowed() {
    let repo = pytokio_repo();
    repo.write(
        ".git-policy.toml",
        &crate::preset_with("accepts = \"any\"", "accepts = [\"any\", \"rc\"]")
            .replace("accepts = [\"rc\"]", "accepts = [\"rc\", \"version\"]"),
    );
    accepted(&repo.policy(&["check"]));
}

/// `above` relations that lead back to their start can never hold, and are refused.
#[test]
fn above_cycle_is_an_error() {
    let run = check_with_policy(
        "version = { kinds = [\"dev\"] }",
        "version = { kinds = [\"dev\"], above = { branch = \"master\" } }",
    );
    insta::assert_snapshot!(run.stderr);
    failed(
        &run,
        &[
            "`master` above `rc` above `master` is a cycle",
            "branches.master.version.above.branch",
            ":19:",
        ],
    );
}

/// A version regex without a group to read the version from is refused.
#[test]
fn version_regex_without_its_group_is_an_error() {
    let run = check_with_policy(
        "files = [\"tokio/__init__.py\"]",
        "files = [{ path = \"tokio/__init__.py\", regex = '__version__ = \"([^\"]+)\"' }]",
    );
    failed(
        &run,
        &["a version regex needs a named group `version`", ":12:"],
    );
}

/// A regex too large to compile within the size limit is refused, not left to eat memory.
#[test]
fn oversized_regex_is_an_error() {
    let run = check_with_policy(
        r"pattern = '^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$'",
        r"pattern = '^(?P<major>\w{1000}){1000}\.(?P<minor>\d+)$'",
    );
    failed(
        &run,
        &["invalid regex", "size limit", "branches.version.pattern"],
    );
}

/// A changelog path leaving the repository is refused like a version file path.
#[test]
fn changelog_outside_the_repository_is_an_error() {
    let run = check_with_policy(
        "deletable = false",
        "deletable = false\nchangelog = { file = \"../../etc/passwd\", heading = '{version}' }",
    );
    failed(
        &run,
        &[
            "`../../etc/passwd` must be a path inside the repository",
            "tags.release.changelog.file",
        ],
    );
}

/// A SHA-256 repository is refused with the reason, not mistaken for no repository at all.
#[test]
fn sha256_repository_is_refused_clearly() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("sha1");
    let sha256 = sandbox.at("sha256");
    repo.git(&[
        "init",
        "-q",
        "--object-format=sha256",
        &sha256.path.display().to_string(),
    ]);
    sha256.change("README", "hello\n", "initial");
    let run = sha256.policy(&["check"]);
    insta::assert_snapshot!(run.stderr);
    failed(
        &run,
        &["cannot judge a SHA-256 repository", "hint:", "SHA-1"],
    );
    assert!(
        !run.stderr.contains("works inside a git repository"),
        "{}",
        run.stderr
    );
}

/// A damaged object in the repository makes a hook fail (exit 2), never pass on a guess: with
/// libgit2's hash check off, zlib's checksum is what catches it.
#[test]
fn damaged_version_blob_fails_the_hook() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let blob = repo.git(&["rev-parse", "HEAD:tokio/__init__.py"]);
    let path = repo
        .path
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    let mut bytes = std::fs::read(&path).expect("the version file is a loose object");
    // Past zlib's two-byte header: the deflated data itself.
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    bytes[middle + 1] ^= 0xff;
    std::fs::remove_file(&path).expect("remove the read-only object");
    std::fs::write(&path, &bytes).expect("write the damaged object");
    failed(
        &repo.policy(&["hook", "pre-commit"]),
        &[
            "git-policy's `pre-commit` hook failed",
            "cannot read `tokio/__init__.py`",
            "incorrect data check (a damaged object: its compressed data does not unpack)",
        ],
    );
}
