//! What reaches the reader: output into a pipe that was closed early, control characters
//! from the repository shown (never sent to the terminal), and long lists cut short.

use crate::fixtures::pytokio_repo;
use crate::harness::{Run, Sandbox, Stream, TestRepo, bin, judging, pytokio};

/// `git policy explain | head` ends quietly with exit 0 when `head` stops reading.
#[test]
fn broken_pipe_ends_explain_quietly() {
    let repo = pytokio_repo();
    for format in ["text", "mermaid"] {
        let run = repo.policy_to_gone_reader(&["explain", "--format", format], Stream::Stdout);
        assert_eq!(run.code, 0, "{format}: {}", run.all());
        assert_eq!(run.stderr, "", "{format}");
    }
}

/// `git policy check | head` ends quietly and keeps the verdict's exit code, in every format
/// and for the history audit: 1 on a violation, 0 when all is well.
#[test]
fn broken_pipe_keeps_the_check_verdict() {
    let repo = pytokio_repo();
    let clean = repo.policy_to_gone_reader(&["check"], Stream::Stdout);
    assert_eq!(
        (clean.code, clean.stderr.as_str()),
        (0, ""),
        "{}",
        clean.all()
    );
    let old = repo.back_merge();
    let new = repo.rev("master");
    for format in ["text", "json", "github"] {
        let mut args = judging("refs/heads/master", &old, &new);
        args.extend(["--format", format]);
        let run = repo.policy_to_gone_reader(&args, Stream::Stdout);
        assert_eq!((run.code, run.stderr.as_str()), (1, ""), "{format}");
    }
    let history = repo.policy_to_gone_reader(&["check", "--history"], Stream::Stdout);
    assert_eq!(
        (history.code, history.stderr.as_str()),
        (1, ""),
        "{}",
        history.all()
    );
}

/// A server hook whose standard error is gone still rejects the push with the verdict's code.
#[test]
fn broken_pipe_in_a_hook_still_rejects() {
    let repo = pytokio_repo();
    repo.admin_policy();
    let old = repo.back_merge();
    let new = repo.rev("master");
    let run = repo.policy_to_gone_reader(
        &["hook", "update", "refs/heads/master", &old, &new],
        Stream::Stderr,
    );
    assert_eq!(run.code, 1, "{}", run.all());
}

/// `git policy init | head` writes the policy and ends quietly, not with a panic.
#[test]
fn broken_pipe_ends_init_quietly() {
    let repo = pytokio_repo();
    let run = repo.policy_to_gone_reader(&["init", "--preset", "pytokio"], Stream::Stdout);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", run.all());
    assert!(repo.path.join(".git-policy.toml").is_file());
}

/// `git policy install | head` installs the hooks and ends quietly, not with a panic.
#[test]
fn broken_pipe_ends_install_quietly() {
    let repo = pytokio_repo();
    let run = repo.policy_to_gone_reader(&["install"], Stream::Stdout);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{}", run.all());
    assert!(repo.path.join(".git/hooks/pre-commit").is_file());
}

/// Text meant to act on a terminal: a window title (OSC), clear-screen, a carriage return that
/// would hide what came before, a bell, a C1 CSI that starts colour, and DEL.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\rok\u{9b}31m\u{7f}";

/// The same as git-policy shows it.
const SHOWN: &str = r"\u{1b}]0;pwned\u{7}\u{1b}[2J\rok\u{9b}31m\u{7f}";

/// A topic branch whose name holds a C1 control merged into rc with a hostile subject:
/// flow/source names both. Returns rc's old and new tips.
fn hostile_merge_into_rc(repo: &TestRepo) -> (String, String) {
    let topic = "fix\u{9b}2J";
    repo.git(&["checkout", "-q", "-b", topic, "rc"]);
    repo.change("fix.txt", "fix\n", "a fix");
    repo.checkout("rc");
    let old = repo.rev("rc");
    repo.merge(topic, &["--no-ff", "-m", &format!("merge {HOSTILE}")]);
    (old, repo.rev("rc"))
}

/// Asserts `output` shows `text` and sends a terminal nothing but newlines and git-policy's
/// own colours (`ESC [ digits m`): no other escape sequence and no other control character.
#[track_caller]
fn shows_escaped(output: &str, text: &str) {
    sends_only_colours(output);
    assert!(output.contains(text), "{text:?} not in\n{output}");
}

#[track_caller]
fn sends_only_colours(text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c.is_control() && c != '\n') {
        let tail = &rest[at..];
        let after_colour = tail.strip_prefix("\u{1b}[").and_then(|t| {
            let end = t.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            t[end..].strip_prefix('m')
        });
        match after_colour {
            Some(after) => rest = after,
            None => panic!(
                "a control character that is not colour: {:?} in\n{text:?}",
                tail.chars().take(24).collect::<String>()
            ),
        }
    }
}

/// Control characters in a commit subject and a ref name are shown as escapes in the text
/// report, on standard output (`check`) and on standard error (a hook), coloured or not.
#[test]
fn terminal_escapes_in_repository_text_are_shown_not_sent() {
    let repo = pytokio_repo();
    repo.admin_policy();
    let (old, new) = hostile_merge_into_rc(&repo);
    let check = judging("refs/heads/rc", &old, &new);
    let coloured = repo.policy_coloured(&check);
    assert_eq!(coloured.code, 1, "{}", coloured.all());
    assert!(coloured.stdout.contains("\u{1b}["), "colour is on");
    shows_escaped(&coloured.stdout, SHOWN);
    shows_escaped(&coloured.stdout, r"`fix\u{9b}2J`");
    // As git runs it, the hook sees rc still at its old value (it checks `<old>` against it).
    repo.git(&["update-ref", "refs/heads/rc", &old]);
    let hook = repo.policy_coloured(&["hook", "update", "refs/heads/rc", &old, &new]);
    assert_eq!(hook.code, 1, "{}", hook.all());
    shows_escaped(&hook.stderr, SHOWN);
    let plain = repo.policy(&check);
    insta::assert_snapshot!(plain.stdout);
}

/// GitHub annotations and the step summary show control characters as escapes.
#[test]
fn terminal_escapes_reach_no_github_annotation() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let (old, new) = hostile_merge_into_rc(&repo);
    let summary = sandbox.path().join("summary.md");
    let run = Run::from_output(
        repo.command(bin())
            .args(judging("refs/heads/rc", &old, &new))
            .args(["--format", "github"])
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .output()
            .expect("run git-policy"),
    );
    assert_eq!(run.code, 1, "{}", run.all());
    sends_only_colours(&run.stdout);
    let annotation = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_default();
    assert!(annotation.contains(SHOWN), "{}", run.stdout);
    let summary = std::fs::read_to_string(summary).expect("step summary");
    shows_escaped(&summary, r"`fix\u{9b}2J`");
}

/// JSON carries repository text exactly, with every control character escaped, so a
/// terminal shows it and a parser gets it back.
#[test]
fn terminal_escapes_are_escaped_in_json() {
    let repo = pytokio_repo();
    let (old, new) = hostile_merge_into_rc(&repo);
    let mut args = judging("refs/heads/rc", &old, &new);
    args.extend(["--format", "json"]);
    let run = repo.policy(&args);
    assert_eq!(run.code, 1, "{}", run.all());
    sends_only_colours(&run.stdout);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let violation = &doc["violations"][0];
    assert_eq!(
        violation["commits"][0]["subject"],
        format!("merge {HOSTILE}")
    );
    let message = violation["message"].as_str().unwrap_or_default();
    assert!(message.contains("`fix\u{9b}2J`"), "{message}");
}

/// An error quoting a version file shows the file's control characters as escapes.
#[test]
fn terminal_escapes_in_an_error_are_shown_not_sent() {
    let repo = pytokio_repo();
    repo.change(
        "tokio/__init__.py",
        "__version__ = \"\u{1b}[2Jbanana\"\n",
        "break the version",
    );
    let run = repo.policy_coloured(&["check"]);
    assert_eq!(run.code, 2, "{}", run.all());
    shows_escaped(&run.stderr, r"\u{1b}[2Jbanana");
}

/// `explain` shows a control character in a branch name as an escape.
#[test]
fn terminal_escapes_in_explain_are_shown_not_sent() {
    let repo = pytokio_repo();
    // Version branches may carry a suffix, so a name can hold a C1 control.
    repo.policy_file_with(r"(?P<minor>[0-9]+)$'", r"(?P<minor>[0-9]+).*$'");
    repo.cut("0.12\u{9b}2J", "rc", "0.12.0b1");
    for format in ["text", "mermaid"] {
        let run = repo.policy_coloured(&["explain", "--format", format]);
        assert_eq!(run.code, 0, "{}", run.all());
        shows_escaped(&run.stdout, r"0.12\u{9b}2J");
    }
}

/// rc merged into master when 41 version branches hold rc's commits: the text names rc and the
/// newest few and counts the rest, on one readable line; JSON names every branch.
#[test]
fn back_merge_with_many_version_branches_names_a_few() {
    let repo = pytokio_repo();
    let old = repo.back_merge();
    for minor in 1..=41 {
        repo.git(&["branch", &format!("0.{minor}"), "rc"]);
    }
    let new = repo.rev("master");
    let check = judging("refs/heads/master", &old, &new);
    let text = repo.policy(&check);
    assert_eq!(text.rules(), ["flow/foreign"], "{}", text.all());
    insta::assert_snapshot!(text.stdout);
    let json = repo.policy(&[&check[..], &["--format", "json"]].concat());
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    let message = doc["violations"][0]["message"].as_str().unwrap_or_default();
    for branch in (1..=41)
        .map(|minor| format!("`0.{minor}`"))
        .chain(["`rc`".into()])
    {
        assert!(message.contains(&branch), "{branch} missing from {message}");
    }
}
