//! The engine every step shares: judged as one update set before anything is written, pushed
//! by id with git-policy's client hooks told the step judged it, nothing written when the
//! server or the clone has moved on.

use super::{audit_clean, release, state, unchanged};
use crate::harness::{Run, accepted, failed, rejected};
use crate::hooks::setup;

/// A step pushed with `--push` lands on the server (its hook judged it too), moves the local
/// branch and its tracking ref, and updates the checked-out work tree and index.
#[test]
fn pushed_step_lands_everywhere() {
    let s = setup("pre-receive");
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    let tip = s.dev.rev("master");
    assert_eq!(s.central.rev("master"), tip);
    assert_eq!(s.dev.rev("origin/master"), tip);
    assert_eq!(
        s.dev.git(&["status", "--porcelain"]),
        "",
        "work tree follows"
    );
    let file = std::fs::read_to_string(s.dev.path.join("tokio/__init__.py")).expect("read");
    assert!(file.contains("\"0.13.0.dev2\""), "{file}");
    audit_clean(&s.central);
}

/// Without `--push` the step is written in the clone only, and the command that publishes
/// it is printed; the user's own `pre-push` then judges it, and accepts.
#[test]
fn local_step_prints_the_push_command() {
    let s = setup("pre-receive");
    let run = release(&s.dev, &["bump", "0.13.0.dev2"]);
    accepted(&run);
    assert!(
        run.stdout
            .contains("hint: publish it with `git push --atomic origin master`"),
        "{}",
        run.stdout
    );
    assert_ne!(s.central.rev("master"), s.dev.rev("master"));
    accepted(&s.dev.git_run(&["push", "--atomic", "origin", "master"]));
    audit_clean(&s.central);
}

/// A step whose result breaks the policy prints the violations as `check` does, exits 1 and
/// writes nothing: refs, `HEAD`, index and work tree are as they were.
#[test]
fn refused_step_writes_nothing() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    rejected(&run, "version/relation");
    insta::assert_snapshot!(run.stdout);
    unchanged(&s.dev, &before, &run);
}

/// `--dry-run` writes no object either; it prints the plan and the verdict and writes nothing.
#[test]
fn dry_run_writes_nothing() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let central = s.central.git(&["for-each-ref"]);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--dry-run"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
    assert_eq!(s.central.git(&["for-each-ref"]), central);
}

/// When the server has moved on since the clone last fetched, the push is refused, nothing
/// local is written, and the hint says to fetch and run the step again.
#[test]
fn server_moved_on_writes_nothing() {
    let s = setup("pre-receive");
    let other = s.sandbox.clone_of(&s.central, "other");
    other.set_version("0.13.0.dev5");
    accepted(&other.git_run(&["push", "-q", "origin", "master"]));
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    failed(
        &run,
        &[
            "`origin` refused the push, or has moved on: nothing was written",
            "`git fetch origin`, then run `git policy release bump 0.13.0.dev2 --push` again",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// Changes in the work tree to a file the step rewrites on the checked-out branch refuse the
/// step before anything is written or pushed; the changes are kept.
#[test]
fn dirty_version_file_refuses_the_step() {
    let s = setup("pre-receive");
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0.dev9\"\n");
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2"]);
    failed(
        &run,
        &[
            "the work tree has changes to `tokio/__init__.py`",
            // Bug: the hint said "run the step again" without the command.
            "hint: commit or stash them (`git stash`), then run `git policy release bump 0.13.0.dev2` again",
        ],
    );
    unchanged(&s.dev, &before, &run);
    accepted(&s.dev.git_run(&["stash", "-q"]));
    accepted(&release(&s.dev, &["bump", "0.13.0.dev2"]));
}

/// `GIT_POLICY_JUDGED=1` lets git-policy's own client hooks accept at once, but a server
/// never reads it: a push that breaks the policy is still refused there.
#[test]
fn judged_marker_does_not_pass_the_server() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    s.dev.set_version("0.13.0.dev2");
    let run = Run::from_output(
        s.dev
            .command("git")
            .args(["push", "origin", "rc"])
            .env("GIT_POLICY_JUDGED", "1")
            .output()
            .expect("run git push"),
    );
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr.contains("remote: error[version/relation]"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("\nerror[version/relation]"),
        "the client hook accepted:\n{}",
        run.stderr
    );
}

/// A hook git-policy's shim replaced still runs under a release step: only git-policy's own
/// judgement is skipped.
#[test]
fn chained_hooks_still_run() {
    let s = setup("pre-receive");
    let hooks = s.dev.path.join(".git/hooks");
    std::fs::write(
        hooks.join("pre-push.legacy"),
        "#!/bin/sh\necho legacy pre-push ran >&2\nexit 0\n",
    )
    .expect("write the legacy hook");
    let chmod = s
        .dev
        .command("chmod")
        .args(["+x", ".git/hooks/pre-push.legacy"])
        .status();
    assert!(chmod.expect("chmod").success());
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    accepted(&run);
    assert!(run.stderr.contains("legacy pre-push ran"), "{}", run.all());
}

/// The remote is the upstream remote whatever it is called, or the one `--remote` names:
/// the step is judged against, pushed to, and recorded in that remote's tracking refs.
#[test]
fn the_remote_is_the_upstream_or_the_named_one() {
    let s = setup("pre-receive");
    s.dev.git(&["remote", "rename", "origin", "central"]);
    accepted(&release(&s.dev, &["bump", "0.13.0.dev2", "--push"]));
    assert_eq!(s.central.rev("master"), s.dev.rev("central/master"));
    s.dev.git(&["checkout", "-q", "--detach"]);
    let run = release(
        &s.dev,
        &[
            "bump",
            "0.12.0.dev2",
            "--branch",
            "rc",
            "--remote",
            "central",
            "--push",
        ],
    );
    accepted(&run);
    assert!(
        run.stdout.contains("pushed to `central`: rc"),
        "{}",
        run.stdout
    );
    assert_eq!(s.central.rev("rc"), s.dev.rev("central/rc"));
    audit_clean(&s.central);
}

/// When the server's policy refuses what the clone's accepted, the server's violations are
/// shown, the exit code is a verdict's (1), and nothing is written here.
#[test]
fn server_refusal_is_a_verdict() {
    let s = setup("pre-receive");
    let stricter = crate::preset_with(
        "version = { kinds = [\"dev\"], above = { branch = \"rc\", by = \"minor\" } }",
        "version = { kinds = [\"dev\"], above = { branch = \"rc\", by = \"major\" } }",
    );
    let policy = s.sandbox.path().join("stricter.toml");
    std::fs::write(&policy, stricter).expect("write the policy");
    let central = s.central.path.display().to_string();
    let policy = policy.display().to_string();
    accepted(
        &s.dev
            .policy(&["install", "--server", &central, "--policy", &policy]),
    );
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(
        run.stderr.contains("remote: error[version/relation]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("rejected: `origin` refused the step with the violations above"),
        "{}",
        run.stderr
    );
    unchanged(&s.dev, &before, &run);
}

/// Bug: when the server moved on and the clone had unpushed commits on the branch, the hint
/// (fetch, run again) led to a `branch/force` refusal, and git's own `git pull` hint was shown
/// beside it. The hint now says to rebase those commits first, and followed literally, works.
#[test]
fn moved_on_hint_with_unpushed_commits_is_followable() {
    let s = setup("pre-receive");
    let other = s.sandbox.clone_of(&s.central, "other");
    other.change("other.txt", "other\n", "other's work");
    accepted(&other.git_run(&["push", "-q", "origin", "master"]));
    s.dev.change("local.txt", "local\n", "local work");
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    let hint = "hint: `git fetch origin`, put this clone's unpushed commits on what `origin` has (`git rebase origin/master master`), then run `git policy release bump 0.13.0.dev2 --push` again";
    failed(&run, &[hint]);
    assert!(!run.stderr.contains("git pull"), "{}", run.stderr);
    accepted(&s.dev.git_run(&["fetch", "-q", "origin"]));
    accepted(&s.dev.git_run(&["rebase", "-q", "origin/master", "master"]));
    accepted(&release(&s.dev, &["bump", "0.13.0.dev2", "--push"]));
    assert_eq!(s.central.git(&["show", "master:local.txt"]), "local");
    assert_eq!(s.central.git(&["show", "master:other.txt"]), "other");
    audit_clean(&s.central);
}

/// Bug: `--remote` naming no remote judged the step against no refs at all and accepted it;
/// it is now refused, naming how to list the remotes.
#[test]
fn unknown_remote_is_refused() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--remote", "nosuch"]);
    failed(
        &run,
        &["this clone has no remote `nosuch`", "`git remote -v`"],
    );
    unchanged(&s.dev, &before, &run);
}

/// Bug: a push that never reached the remote said the remote "has moved on" and to fetch it;
/// it now says the remote cannot be reached and to check its URL.
#[test]
fn unreachable_remote_says_to_check_its_url() {
    let s = setup("pre-receive");
    let gone = s.sandbox.path().join("gone");
    s.dev
        .git(&["remote", "add", "gone", &gone.display().to_string()]);
    s.dev
        .git(&["update-ref", "refs/remotes/gone/master", "origin/master"]);
    let before = state(&s.dev);
    let run = release(
        &s.dev,
        &["bump", "0.13.0.dev2", "--remote", "gone", "--push"],
    );
    failed(
        &run,
        &[
            "cannot push to `gone` (git's message is above): nothing was written",
            "hint: check its URL (`git remote get-url gone`)",
        ],
    );
    assert!(!run.stderr.contains("git fetch"), "{}", run.stderr);
    unchanged(&s.dev, &before, &run);
}

/// Bug: a push a `pre-push` hook of the clone refused was reported as the remote refusing or
/// having moved on, with a hint to fetch; it now names the hook.
#[test]
fn pre_push_refusal_names_the_hook() {
    let s = setup("pre-receive");
    std::fs::write(
        s.dev.path.join(".git/hooks/pre-push.legacy"),
        "#!/bin/sh\necho legacy says no >&2\nexit 1\n",
    )
    .expect("write the legacy hook");
    let chmod = s
        .dev
        .command("chmod")
        .args(["+x", ".git/hooks/pre-push.legacy"])
        .status();
    assert!(chmod.expect("chmod").success());
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    failed(
        &run,
        &[
            "legacy says no",
            "a `pre-push` hook of this clone refused the push (its message is above): nothing was written",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// `GIT_POLICY_JUDGED=1` in the pusher's environment passes no server hook (`pre-receive`,
/// `update`), over `file://` (where receive-pack inherits that environment) and over the git
/// protocol; the client's own `pre-push` is what it skips.
#[test]
fn judged_marker_passes_no_server_hook_over_any_transport() {
    for hook in ["pre-receive", "update"] {
        let s = setup(hook);
        let daemon = crate::harness::daemon(&s.sandbox);
        let urls = [
            format!("file://{}", s.central.path.display()),
            format!("git://127.0.0.1:{}/central.git", daemon.port),
        ];
        s.dev.checkout("rc");
        s.dev.set_version("0.13.0.dev2");
        let before = s.central.git(&["for-each-ref"]);
        for url in &urls {
            let run = Run::from_output(
                s.dev
                    .command("git")
                    .args(["push", url, "rc"])
                    .env("GIT_POLICY_JUDGED", "1")
                    .output()
                    .expect("run git push"),
            );
            assert_ne!(run.code, 0, "{hook} over {url}:\n{}", run.all());
            assert!(
                run.stderr.contains("remote: error[version/relation]"),
                "{hook} over {url}:\n{}",
                run.stderr
            );
            assert_eq!(
                s.central.git(&["for-each-ref"]),
                before,
                "{hook} over {url}"
            );
        }
    }
}

/// Bug: a refused step left the commits and tags it had computed in the object database; a
/// refused step now writes no object at all, as a dry run.
#[test]
fn refused_step_writes_no_object() {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--push"]);
    rejected(&run, "version/relation");
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// Bug: a hint that runs the step again wrote its arguments unquoted, so a `--policy` path
/// with a space broke it; they are now quoted as a shell reads them back.
#[test]
fn hint_quotes_arguments_with_spaces() {
    let s = setup("pre-receive");
    let policy = s.sandbox.path().join("my policy.toml");
    std::fs::write(&policy, include_str!("../../../policy/pytokio.toml")).expect("write");
    let policy = policy.display().to_string();
    let other = s.sandbox.clone_of(&s.central, "other");
    other.set_version("0.13.0.dev5");
    accepted(&other.git_run(&["push", "-q", "origin", "master"]));
    let run = release(
        &s.dev,
        &["bump", "0.13.0.dev6", "--policy", &policy, "--push"],
    );
    failed(
        &run,
        &[&format!(
            "then run `git policy release bump 0.13.0.dev6 --policy '{policy}' --push` again"
        )],
    );
    accepted(&s.dev.git_run(&["fetch", "-q", "origin"]));
    let again = s
        .dev
        .command("sh")
        .args([
            "-c",
            &format!(
                "{} release bump 0.13.0.dev6 --policy '{policy}' --push",
                crate::harness::bin().display()
            ),
        ])
        .output()
        .expect("run the hint");
    assert!(again.status.success(), "{again:?}");
}

/// Where git does not know who the user is, a step (and the plan) refuses before it computes
/// anything, with the settings on a `hint:` line (libgit2's "config value not found" was all
/// it said); with them made, the step lands.
#[test]
fn unknown_identity_was_a_libgit2_message_without_a_hint() {
    let s = setup("pre-receive");
    let anonymous = |args: &[&str]| {
        let mut cmd = s.dev.command(crate::harness::bin());
        for var in [
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
        ] {
            cmd.env_remove(var);
        }
        Run::from_output(cmd.args(args).output().expect("run git-policy"))
    };
    let before = state(&s.dev);
    failed(&anonymous(&["release", "plan"]), &["hint: set your name"]);
    let run = anonymous(&["release", "bump", "0.13.0.dev2", "--push"]);
    failed(
        &run,
        &[
            "hint: set your name and e-mail address: `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`",
        ],
    );
    unchanged(&s.dev, &before, &run);
    s.dev.git(&["config", "--global", "user.name", "Your Name"]);
    s.dev
        .git(&["config", "--global", "user.email", "you@example.com"]);
    accepted(&anonymous(&["release", "bump", "0.13.0.dev2", "--push"]));
    audit_clean(&s.central);
}
