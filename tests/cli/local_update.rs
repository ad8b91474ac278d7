//! The client's `reference-transaction` hook: a local move of a protected branch that makes no
//! commit (fast-forward, `branch -f`, `reset --hard`, `update-ref`) is refused as its push
//! would be; fetch, checkout, rebase, pull, commit and push go on as before.

use crate::harness::{TestRepo, accepted, refused};
use crate::hooks::{Setup, setup};

/// rc made from master's tip, with a hotfix and then its version set back below master's, all
/// without hooks: a fast-forward of master to rc would bring both into master.
fn rc_ahead_of_master(s: &Setup) -> String {
    let dev = &s.dev;
    dev.git(&[
        "-c",
        "core.hooksPath=/dev/null",
        "branch",
        "-f",
        "rc",
        "master",
    ]);
    dev.checkout("rc");
    dev.change("hotfix.txt", "hotfix\n", "hotfix on rc");
    dev.set_version("0.12.0.dev2");
    dev.checkout("master");
    dev.rev("rc")
}

/// That the hook under test is installed: without it every "unaffected" test would pass.
fn installed(dev: &TestRepo) {
    let hook = dev.path.join(".git/hooks/reference-transaction");
    let text = std::fs::read_to_string(&hook).expect("the hook is installed");
    assert!(text.contains("git-policy hook shim"), "{text}");
}

/// The `error[...]` lines of a report, without git's `remote: ` prefix.
fn errors(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_start_matches("remote: ").trim())
        .filter(|l| l.starts_with("error["))
        .map(str::to_owned)
        .collect()
}

/// `git merge --ff-only rc` on master is refused before master moves, with the messages the
/// push of the same master gets from the server.
#[test]
fn fast_forward_of_master_to_rc_is_refused_locally() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    rc_ahead_of_master(&s);
    let master = dev.rev("master");
    let run = dev.git_run(&["merge", "--ff-only", "rc"]);
    refused(&run, "flow/foreign");
    assert_eq!(dev.rev("master"), master, "master did not move");
    assert!(
        !run.all().contains("ORIG_HEAD"),
        "no undoing of a merge that was never made:\n{}",
        run.all()
    );
    // The server gets the same rc (an administrator's fetch, which its hooks let through),
    // then the push of master to it.
    let path = dev.path.display().to_string();
    s.central.git(&["fetch", "-q", &path, "+rc:rc"]);
    dev.git(&["fetch", "-q", "origin"]);
    let push = dev.git_run(&["push", "--no-verify", "origin", "rc:master"]);
    assert_ne!(push.code, 0, "{}", push.all());
    assert_eq!(
        errors(&run.stderr),
        errors(&push.stderr),
        "{}\n{}",
        run.all(),
        push.all()
    );
}

/// `git branch -f master rc`, `git update-ref`, `git push . rc:master` and `git reset --hard
/// rc` on master are refused alike, and master stays where it was.
#[test]
fn branch_force_update_ref_and_reset_of_master_are_refused() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    let rc = rc_ahead_of_master(&s);
    let master = dev.rev("master");
    dev.git(&["checkout", "-q", "-b", "topic"]);
    for command in [
        &["branch", "-f", "master", "rc"][..],
        &["update-ref", "refs/heads/master", &rc],
        &["push", "--no-verify", ".", "rc:master"],
    ] {
        refused(&dev.git_run(command), "flow/foreign");
        assert_eq!(dev.rev("master"), master, "{command:?} moved master");
    }
    dev.checkout("master");
    refused(&dev.git_run(&["reset", "--hard", "rc"]), "flow/foreign");
    assert_eq!(dev.rev("master"), master, "master did not move");
}

/// The hints of a refused fast-forward, followed literally on master, put the work tree back
/// and bring the fix over, which is accepted locally and by the server.
#[test]
fn refused_fast_forward_hint_is_followed() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    rc_ahead_of_master(&s);
    let run = dev.git_run(&["merge", "--ff-only", "rc"]);
    refused(&run, "flow/foreign");
    let commands: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("hint: "))
        .flat_map(|hint| hint.split('`').skip(1).step_by(2))
        .filter(|command| command.starts_with("git "))
        .collect();
    let [pick, restore] = commands[..] else {
        panic!("two hints with a command each:\n{}", run.all());
    };
    assert!(pick.starts_with("git cherry-pick -x"), "{pick}");
    assert!(restore.starts_with("git read-tree"), "{restore}");
    let follow = |command: &str| {
        let out = dev
            .command("sh")
            .args(["-c", command])
            .output()
            .expect("sh");
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    follow(restore);
    assert_eq!(
        dev.git(&["status", "--porcelain"]),
        "",
        "the tree is master's again"
    );
    follow(pick);
    assert!(
        dev.git(&["log", "-1", "--format=%B"])
            .contains("hotfix on rc"),
        "master took the fix"
    );
    accepted(&dev.git_run(&["push", "-q", "origin", "master"]));
}

/// `--no-verify` skips the local check of a fast-forward as it skips the other client hooks,
/// and cutting a new version branch from rc (its version set next) is not judged before its
/// first commit.
#[test]
fn no_verify_and_a_new_version_branch_are_not_judged() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    let rc = rc_ahead_of_master(&s);
    refused(
        &dev.git_run(&["merge", "-q", "--ff-only", "rc"]),
        "flow/foreign",
    );
    dev.git(&["reset", "-q", "--hard"]);
    accepted(&dev.git_run(&["merge", "-q", "--no-verify", "--ff-only", "rc"]));
    assert_eq!(dev.rev("master"), rc);
    accepted(&dev.git_run(&["checkout", "-q", "-b", "0.12", "rc"]));
    assert_eq!(dev.rev("0.12"), rc);
}

/// A fetch that moves remote-tracking refs, `checkout -b`, a rebase of a topic branch and a
/// push of it run as before with the hook installed.
#[test]
fn fetch_checkout_rebase_and_push_of_topics_are_unaffected() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    installed(dev);
    let other = s.sandbox.clone_of(&s.central, "other");
    other.git(&["checkout", "-q", "-b", "feature-b"]);
    other.change("b.txt", "b\n", "feature b");
    other.git(&["push", "-q", "origin", "feature-b"]);
    accepted(&dev.git_run(&["fetch", "-q", "origin"]));
    assert_eq!(dev.rev("origin/feature-b"), other.rev("HEAD"));
    accepted(&dev.git_run(&["checkout", "-q", "-b", "topic"]));
    dev.change("t.txt", "t\n", "topic work");
    accepted(&dev.git_run(&["rebase", "-q", "origin/feature-b"]));
    accepted(&dev.git_run(&["checkout", "-q", "master"]));
    accepted(&dev.git_run(&["checkout", "-q", "topic"]));
    accepted(&dev.git_run(&["push", "-q", "-u", "origin", "topic"]));
    assert_eq!(dev.rev("origin/topic"), dev.rev("topic"));
}

/// On master itself: a commit (judged once, by pre-commit), `git pull` fast-forwarding to the
/// remote, `git pull --rebase` replaying a local commit on it, a merging `git pull`, and a
/// `git reset --hard` back to the remote are all accepted.
#[test]
fn commit_pull_and_rebase_on_master_are_unaffected() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    installed(dev);
    let other = s.sandbox.clone_of(&s.central, "other");
    let upstream = |n: &str| {
        other.git(&["pull", "-q", "--ff-only"]);
        other.change(&format!("{n}.txt"), "x\n", &format!("upstream {n}"));
        other.git(&["push", "-q", "origin", "master"]);
    };
    upstream("one");
    accepted(&dev.git_run(&["pull", "-q", "--ff-only"]));
    assert_eq!(dev.rev("master"), other.rev("master"));
    upstream("two");
    dev.write("local.txt", "local\n");
    dev.git(&["add", "-A"]);
    accepted(&dev.git_run(&["commit", "-q", "-m", "local work"]));
    let rebased = dev.git_run(&["pull", "-q", "--rebase"]);
    accepted(&rebased);
    assert!(
        !rebased.stderr.contains("git-policy") && !rebased.stderr.contains("warning"),
        "an accepted update is silent:\n{}",
        rebased.all()
    );
    assert_eq!(dev.rev("master~1"), other.rev("master"), "rebased");
    upstream("three");
    accepted(&dev.git_run(&["pull", "-q", "--no-rebase", "--no-edit"]));
    assert_eq!(dev.rev("HEAD^1"), dev.rev("ORIG_HEAD"), "a merge was made");
    assert_eq!(dev.rev("HEAD^2"), other.rev("master"));
    accepted(&dev.git_run(&["reset", "-q", "--hard", "origin/master"]));
    accepted(&dev.git_run(&["push", "-q", "origin", "master"]));
}

/// A `reference-transaction` hook that was there first is kept, runs first with the states
/// git gives, and its refusal in `prepared` stops the update.
#[test]
fn foreign_reference_transaction_hook_is_chained() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    installed(dev);
    let hooks = dev.path.join(".git/hooks");
    let log = s.sandbox.path().join("foreign.log");
    std::fs::write(
        hooks.join("reference-transaction"),
        format!(
            "#!/bin/sh\ncat >/dev/null\necho \"$1\" >> '{}'\n[ ! -e '{}' ]\n",
            log.display(),
            s.sandbox.path().join("refuse").display()
        ),
    )
    .expect("write the foreign hook");
    make_executable(&hooks.join("reference-transaction"));
    accepted(&dev.policy(&["install"]));
    assert!(hooks.join("reference-transaction.legacy").exists());
    accepted(&dev.git_run(&["branch", "topic"]));
    let states = std::fs::read_to_string(&log).expect("the foreign hook ran");
    assert!(states.contains("prepared\ncommitted\n"), "{states}");
    std::fs::write(s.sandbox.path().join("refuse"), "").expect("write");
    let run = dev.git_run(&["branch", "other-topic"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(
        dev.git_run(&["rev-parse", "--verify", "-q", "other-topic"])
            .code
            != 0
    );
}

fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A policy the hook cannot read does not stop `git checkout -b`: the hook says it did not
/// judge the update, and the branch is made.
#[test]
fn broken_policy_does_not_block_checkout() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    installed(dev);
    dev.write(".git-policy.toml", "[branches.master\n");
    let run = dev.git_run(&["checkout", "-q", "-b", "topic"]);
    accepted(&run);
    assert!(
        run.stderr.contains("did not judge this update"),
        "{}",
        run.all()
    );
    assert_eq!(dev.git(&["branch", "--show-current"]), "topic");
}

/// `git rebase rc` on master, which fast-forwards it to rc, is refused like the merge; the
/// hint, followed literally, ends the rebase with master checked out as it was.
#[test]
fn rebase_of_master_onto_rc_is_refused() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    rc_ahead_of_master(&s);
    let master = dev.rev("master");
    let run = dev.git_run(&["rebase", "rc"]);
    refused(&run, "flow/foreign");
    assert_eq!(dev.rev("master"), master, "master did not move");
    let abort = "git rebase --abort";
    assert!(
        run.stderr.contains(&format!("hint: `{abort}`")),
        "{}",
        run.all()
    );
    let out = dev.command("sh").args(["-c", abort]).output().expect("sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dev.git(&["branch", "--show-current"]), "master");
    assert_eq!(dev.rev("HEAD"), master);
    assert_eq!(dev.git(&["status", "--porcelain"]), "");
}

/// The installed hook reads the ref lines itself: a fetch that updates remote-tracking refs
/// and a tag never starts git-policy, while `git branch -f master rc` starts it in `prepared`
/// only, with git's ref lines whole, and is refused.
#[test]
fn fetch_never_starts_git_policy() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    accepted(&dev.policy(&["install", "--shim", "sh"]));
    rc_ahead_of_master(&s);
    // The hook's binary swapped for one that logs each start and its input, then judges.
    let hook = dev.path.join(".git/hooks/reference-transaction");
    let text = std::fs::read_to_string(&hook).expect("the hook");
    let line = text
        .lines()
        .find(|l| l.starts_with("bin='"))
        .unwrap_or_else(|| panic!("an `sh` hook names its binary:\n{text}"));
    let log = s.sandbox.path().join("starts.log");
    let counting = s.sandbox.path().join("counting-git-policy");
    std::fs::write(
        &counting,
        format!(
            "#!/bin/sh\necho \"start $*\" >> '{log}'\ntee -a '{log}' | '{bin}' \"$@\"\n",
            log = log.display(),
            bin = crate::harness::bin().display()
        ),
    )
    .expect("write");
    make_executable(&counting);
    let swapped = text.replace(line, &format!("bin='{}'", counting.display()));
    std::fs::write(&hook, swapped).expect("write the hook");
    let other = s.sandbox.clone_of(&s.central, "other");
    other.git(&["checkout", "-q", "-b", "feature-b"]);
    other.change("b.txt", "b\n", "feature b");
    other.git(&["tag", "v-feature"]);
    other.git(&["push", "-q", "origin", "feature-b", "v-feature"]);
    accepted(&dev.git_run(&["fetch", "-q", "--tags", "origin"]));
    assert_eq!(dev.rev("origin/feature-b"), other.rev("HEAD"));
    assert!(
        !log.exists(),
        "{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let rc = dev.rev("rc");
    let master = dev.rev("master");
    dev.git(&["checkout", "-q", "-b", "topic"]);
    let _ = std::fs::remove_file(&log);
    refused(
        &dev.git_run(&["branch", "-f", "master", "rc"]),
        "flow/foreign",
    );
    assert_eq!(dev.rev("master"), master);
    let starts = std::fs::read_to_string(&log).expect("git-policy started");
    // git gives no old value for `branch -f`: the line is `<zeros or old> <rc> refs/heads/master`.
    let lines: Vec<&str> = starts.lines().collect();
    assert_eq!(lines.len(), 2, "{starts}");
    assert_eq!(lines[0], "start hook reference-transaction prepared");
    assert!(
        lines[1].ends_with(&format!(" {rc} refs/heads/master")) && starts.ends_with('\n'),
        "{starts}"
    );
}
