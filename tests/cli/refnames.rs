//! The hints of branch/name, tag/duplicate and ref/shadow, followed literally with real `git
//! push` and `git commit`: each names what fixes the situation, and the retry is accepted.

use crate::harness::{Run, accepted, refused, rejected};
use crate::hooks::setup;

/// The first command a violation's `hint:` line quotes, as arguments to `git`.
#[track_caller]
fn hinted(run: &Run, rule: &str) -> Vec<String> {
    let all = run.all();
    let after = all
        .split_once(&format!("error[{rule}]"))
        .unwrap_or_else(|| panic!("no {rule}:\n{all}"))
        .1;
    let line = after
        .lines()
        .find(|l| l.contains("hint:"))
        .unwrap_or_else(|| panic!("no hint:\n{all}"));
    let command = line
        .split('`')
        .skip(1)
        .step_by(2)
        .find_map(|quoted| quoted.strip_prefix("git "))
        .unwrap_or_else(|| panic!("no command in {line}"));
    command.split_whitespace().map(str::to_owned).collect()
}

fn run_hint(repo: &crate::harness::TestRepo, args: &[String]) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    repo.git_run(&args)
}

/// A commit on a branch `00.12` is refused by pre-commit; the hint renames the branch to `0.12`
/// and the commit goes in. Pushed as `00.12` anyway, the server refuses it; the hint pushes the
/// commit to `0.12`, which lands.
#[test]
fn malformed_version_branch_hints_are_followed() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "00.12", "origin/rc"]);
    s.dev.write(
        "tokio/__init__.py",
        "\"\"\"pytokio\"\"\"\n__version__ = \"0.12.0b1\"\n",
    );
    s.dev.git(&["add", "-A"]);
    let commit = s.dev.git_run(&["commit", "-q", "-m", "Release 0.12.0b1"]);
    refused(&commit, "branch/name");
    let rename = hinted(&commit, "branch/name");
    assert_eq!(rename, ["branch", "-m", "00.12", "0.12"]);
    accepted(&run_hint(&s.dev, &rename));
    accepted(&s.dev.git_run(&["commit", "-q", "-m", "Release 0.12.0b1"]));

    s.dev.git(&["branch", "-q", "00.12", "0.12"]);
    let push = s.dev.git_run(&["push", "--no-verify", "origin", "00.12"]);
    refused(&push, "branch/name");
    assert_eq!(
        s.central
            .git_run(&["rev-parse", "--verify", "-q", "refs/heads/00.12"])
            .code,
        1
    );
    accepted(&run_hint(&s.dev, &hinted(&push, "branch/name")));
    assert_eq!(s.central.rev("refs/heads/0.12"), s.dev.rev("0.12"));
}

/// A second spelling of a released version is refused by the server; the hint deletes it and
/// the next push of the tags is accepted.
#[test]
fn duplicate_tag_hint_is_followed() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "0.12", "origin/rc"]);
    s.dev.set_version("0.12.0b1");
    s.dev.git(&["tag", "v0.12.0b1"]);
    accepted(
        &s.dev
            .git_run(&["push", "-q", "origin", "0.12", "v0.12.0b1"]),
    );
    s.dev.git(&["tag", "v0.12.0-beta1"]);
    let push = s
        .dev
        .git_run(&["push", "--no-verify", "origin", "v0.12.0-beta1"]);
    refused(&push, "tag/duplicate");
    accepted(&run_hint(&s.dev, &hinted(&push, "tag/duplicate")));
    accepted(&s.dev.git_run(&["push", "-q", "origin", "--tags"]));
    let tags = s.central.git(&["tag", "--list"]);
    assert_eq!(tags, "v0.12.0b1");
}

/// A tag `rc` is refused by the server; the hint deletes it and the next push of the tags is
/// accepted. A branch named like a release tag is refused; the hint renames it and it lands.
#[test]
fn shadow_hints_are_followed() {
    let s = setup("pre-receive");
    s.dev.git(&["tag", "rc", "master"]);
    let push = s
        .dev
        .git_run(&["push", "--no-verify", "origin", "refs/tags/rc"]);
    refused(&push, "ref/shadow");
    accepted(&run_hint(&s.dev, &hinted(&push, "ref/shadow")));
    accepted(&s.dev.git_run(&["push", "-q", "origin", "--tags"]));
    assert_eq!(s.central.git(&["tag", "--list"]), "");

    s.dev.git(&["checkout", "-q", "-b", "v0.12.0b1", "master"]);
    s.dev.change("notes.txt", "x\n", "work that is no release");
    let push = s
        .dev
        .git_run(&["push", "--no-verify", "origin", "v0.12.0b1"]);
    refused(&push, "ref/shadow");
    let rename = hinted(&push, "ref/shadow");
    accepted(&run_hint(&s.dev, &rename));
    let renamed = rename.last().expect("the new name").clone();
    accepted(&s.dev.git_run(&["push", "-q", "origin", &renamed]));
    assert_eq!(
        s.central.rev(&format!("refs/heads/{renamed}")),
        s.dev.rev("HEAD")
    );
}

/// A replace ref pushed is refused by the server; the hint deletes it, and the same push then
/// has nothing to send and succeeds.
#[test]
fn replace_ref_hint_is_followed() {
    let s = setup("pre-receive");
    let rc = s.dev.rev("rc");
    s.dev.git(&["checkout", "-q", "--detach", "rc"]);
    let evil = s.dev.change("tokio/evil.py", "x\n", "an attacker's commit");
    s.dev.checkout("master");
    s.dev.git(&["replace", &rc, &evil]);
    let refspec = "refs/replace/*:refs/replace/*";
    let push = s.dev.git_run(&["push", "--no-verify", "origin", refspec]);
    refused(&push, "ref/replace");
    let delete = hinted(&push, "ref/replace");
    assert_eq!(delete, ["replace", "-d", rc.as_str()]);
    accepted(&run_hint(&s.dev, &delete));
    accepted(&s.dev.git_run(&["push", "origin", refspec]));
    assert_eq!(s.central.git(&["for-each-ref", "refs/replace/"]), "");
}

/// The audit of a repository where `00.12` and `v0.12.0-beta1` released 0.12.0b1 a second time
/// (as the push left it) said ok; it now names branch/name and tag/duplicate.
#[test]
fn audit_names_a_version_released_twice() {
    let repo = crate::fixtures::pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.git(&["tag", "v0.12.0b1"]);
    repo.git(&["checkout", "-q", "-b", "00.12", "rc"]);
    repo.write("tokio/other.py", "# not what 0.12.0b1 released\n");
    repo.set_version("0.12.0b1");
    repo.git(&["tag", "v0.12.0-beta1"]);
    repo.checkout("master");
    let run = repo.policy(&["check"]);
    rejected(&run, "branch/name");
    rejected(&run, "tag/duplicate");
}

/// A hotfix pushed to `00.12` while `0.12` exists is refused; the hint's commands, run with
/// the hotfix checked out, put it on `0.12`, where it lands.
#[test]
fn malformed_branch_hint_lands_on_the_existing_branch() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "0.12", "origin/rc"]);
    s.dev.set_version("0.12.0b1");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "0.12"]));
    s.dev.git(&["checkout", "-q", "-b", "00.12", "0.12"]);
    s.dev.change("fix.txt", "fixed\n", "Fix the beta");
    let push = s.dev.git_run(&["push", "--no-verify", "origin", "00.12"]);
    refused(&push, "branch/name");
    let all = push.all();
    let line = all.lines().find(|l| l.contains("hint:")).expect("a hint");
    let commands = line.rsplit('`').nth(1).expect("quoted commands");
    for command in commands.split(" && ") {
        let args: Vec<String> = command
            .strip_prefix("git ")
            .expect("a git command")
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        accepted(&run_hint(&s.dev, &args));
    }
    assert_eq!(s.central.rev("refs/heads/0.12"), s.dev.rev("00.12"));
}

/// A commit on `00.12` while `0.12` exists is refused by pre-commit; the hint switches to
/// `0.12`, the staged change comes along, and the commit goes in there.
#[test]
fn malformed_branch_commit_hint_switches_to_the_existing_branch() {
    let s = setup("pre-receive");
    s.dev.git(&["checkout", "-q", "-b", "0.12", "origin/rc"]);
    s.dev.set_version("0.12.0b1");
    s.dev.git(&["checkout", "-q", "-b", "00.12"]);
    s.dev.write("fix.txt", "fixed\n");
    s.dev.git(&["add", "fix.txt"]);
    let commit = s.dev.git_run(&["commit", "-q", "-m", "Fix the beta"]);
    refused(&commit, "branch/name");
    let switch = hinted(&commit, "branch/name");
    assert_eq!(switch, ["switch", "0.12"]);
    accepted(&run_hint(&s.dev, &switch));
    accepted(&s.dev.git_run(&["commit", "-q", "-m", "Fix the beta"]));
    assert_eq!(
        s.dev.git(&["show", "--format=", "--name-only", "0.12"]),
        "fix.txt"
    );
}
