//! Warn mode, for rolling a policy out on a busy server: `git policy install --server
//! --mode warn` makes the server hook show every violation to the pusher, exactly as it would
//! refuse it, log it, and accept the push; `--mode enforce` makes the same push refused.

use crate::harness::{Run, Sandbox, TestRepo, pytokio, serve};

/// The lines of a hook's report that name the violations and their fixes, without the `remote:`
/// prefix: the part that warn mode and enforce mode print alike.
fn violation_lines(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter_map(|line| line.strip_prefix("remote: "))
        .filter(|line| line.starts_with("error[") || line.trim_start().starts_with("hint:"))
        .map(str::to_owned)
        .collect()
}

/// A central repository with `rc`'s hotfix pushed, a developer clone with that hotfix merged
/// back into `master`, not pushed yet.
fn back_merge_ready(hook: &str) -> (Sandbox, TestRepo, TestRepo) {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, hook);
    let dev = sandbox.clone_of(&central, "dev");
    dev.git(&["checkout", "-q", "-b", "rc", "origin/rc"]);
    dev.change("hotfix.txt", "a fix\n", "hotfix on rc");
    dev.git(&["push", "-q", "origin", "rc"]);
    dev.checkout("master");
    dev.git(&["merge", "-q", "--no-edit", "rc"]);
    (sandbox, central, dev)
}

/// A back-merge refused in enforce mode is accepted in warn mode, and the pusher reads the same
/// violations and hints, then that it was accepted; the log names the rule.
#[test]
fn warn_mode_accepts_what_enforce_mode_refuses_with_the_same_message() {
    for hook in ["pre-receive", "update"] {
        let (sandbox, central, dev) = back_merge_ready(hook);
        let work = TestRepo {
            sandbox: sandbox.clone(),
            path: sandbox.path().join("work"),
        };
        let central_path = central.path.display().to_string();
        let install = |mode: &str| {
            let args = [
                "install",
                "--server",
                &central_path,
                "--hook",
                hook,
                "--mode",
                mode,
            ];
            let run = work.policy(&args);
            assert_eq!(run.code, 0, "{}", run.all());
            run
        };
        install("enforce");
        let refused = dev.git_run(&["push", "origin", "master"]);
        assert_ne!(
            refused.code,
            0,
            "{hook}: enforce mode refuses:\n{}",
            refused.all()
        );
        let shown = violation_lines(&refused);
        assert!(
            shown.iter().any(|l| l.starts_with("error[flow/foreign]")),
            "{hook}: {}",
            refused.stderr
        );

        let installed = install("warn");
        assert!(installed.all().contains("warn mode"), "{}", installed.all());
        let warned = dev.git_run(&["push", "origin", "master"]);
        assert_eq!(
            warned.code,
            0,
            "{hook}: warn mode accepts:\n{}",
            warned.all()
        );
        assert_eq!(
            central.rev("master"),
            dev.rev("master"),
            "{hook}: it landed"
        );
        assert_eq!(violation_lines(&warned), shown, "{hook}: the same message");
        assert!(
            warned.stderr.contains("which is in warn mode"),
            "{hook}: {}",
            warned.stderr
        );
        let log = std::fs::read_to_string(central.path.join("git-policy-warn.log"))
            .expect("warn mode logs what it accepted");
        assert!(
            log.contains("\tflow/foreign\trefs/heads/master\t"),
            "{hook}: {log}"
        );
    }
}

/// `mode` in a policy file is read, and a misspelt mode is an error naming the key.
#[test]
fn policy_mode_is_read_and_a_wrong_one_refused() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    let policy = crate::preset_with("[version]", "mode = \"warn\"\n\n[version]");
    repo.write(".git-policy.toml", &policy);
    let run = repo.policy(&["explain"]);
    assert_eq!(run.code, 0, "{}", run.all());
    repo.write(
        ".git-policy.toml",
        &crate::preset_with("[version]", "mode = \"advise\"\n\n[version]"),
    );
    let run = repo.policy(&["check"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("mode"), "{}", run.stderr);
}
