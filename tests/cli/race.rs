//! Two pushes that are each allowed but together break the policy (issue 15, case 7: `0.13`
//! created at V, and `master` moved to a merge of V), pushed at the same moment by two clients:
//! the server's `reference-transaction` hook judges each again with the refs locked, so at most
//! one lands, and one always does. Also what the lock must never do: block the server's own ref
//! updates or pushes of refs the policy does not judge, or outlive its owner.

use std::process::{Child, Command, Stdio};

use crate::harness::{Run, Sandbox, TestRepo, accepted, pytokio, refused, serve};

/// Rounds of the race; each one is two real pushes.
const ROUNDS: usize = 50;

/// A central repository where `master` and the creation of `0.13` conflict, and two clients
/// holding one half each.
struct Case7 {
    central: TestRepo,
    /// Pushes `0.13` (created at V, a child of the master/rc merge base).
    alice: TestRepo,
    /// Pushes `master`, moved to a merge of V.
    bob: TestRepo,
    /// `master` on the server before either push.
    master: String,
    /// V and the merge of V into master.
    v: String,
    merge: String,
}

impl Case7 {
    fn new(sandbox: &Sandbox) -> Case7 {
        let work = pytokio(sandbox);
        let central = serve(&work, "pre-receive");
        let master = work.rev("master");
        work.git(&["checkout", "-q", "-b", "0.13", "rc"]);
        let v = work.set_version("0.13.0b1");
        work.checkout("master");
        work.git(&[
            "merge",
            "-q",
            "--no-ff",
            "-s",
            "ours",
            "-m",
            "Merge branch '0.13'",
            "0.13",
        ]);
        let merge = work.rev("master");
        let url = format!("file://{}", central.path.display());
        let client = |name: &str| {
            work.git(&[
                "clone",
                "-q",
                ".",
                &sandbox.path().join(name).display().to_string(),
            ]);
            let repo = TestRepo {
                sandbox: sandbox.clone(),
                path: sandbox.path().join(name),
            };
            repo.git(&["remote", "add", "central", &url]);
            repo.git(&["branch", "0.13", "origin/0.13"]);
            repo
        };
        let (alice, bob) = (client("alice"), client("bob"));
        Case7 {
            central,
            alice,
            bob,
            master,
            v,
            merge,
        }
    }

    fn push_0_13(&self) -> Command {
        let mut cmd = self.alice.command("git");
        cmd.args(["push", "central", "0.13"]);
        cmd
    }

    fn push_master(&self) -> Command {
        let mut cmd = self.bob.command("git");
        cmd.args(["push", "central", "master"]);
        cmd
    }

    /// Puts the server back before both pushes, as an administrator would: `git update-ref` on
    /// the server, which no hook may judge (it rewinds `master`) or block.
    fn reset(&self) {
        self.central
            .git(&["update-ref", "refs/heads/master", &self.master]);
        self.central.git(&["update-ref", "-d", "refs/heads/0.13"]);
    }

    /// Which halves are on the server: (`0.13` at V, `master` at the merge).
    fn landed(&self) -> (bool, bool) {
        let at = |r: &str| {
            let run = self.central.git_run(&["rev-parse", "--verify", "-q", r]);
            (run.code == 0).then(|| run.stdout.trim().to_owned())
        };
        (
            at("refs/heads/0.13").as_deref() == Some(self.v.as_str()),
            at("refs/heads/master").as_deref() == Some(self.merge.as_str()),
        )
    }

    /// A foreign `update` hook that holds each push until the other has reached it too, or
    /// five seconds have passed: both pushes have then passed `pre-receive` against the refs
    /// before either, and only the transaction hook stands between them.
    fn meet_after_pre_receive(&self) -> std::path::PathBuf {
        let barrier = self.central.sandbox.path().join("barrier");
        let script = format!(
            "#!/bin/sh\nmkdir -p '{b}'\ntouch '{b}/'$$\ni=0\nwhile [ \"$(ls '{b}' | wc -l)\" -lt 2 ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done\nexit 0\n",
            b = barrier.display()
        );
        let hook = self.central.path.join("hooks/update");
        std::fs::write(&hook, script).expect("write the update hook");
        make_executable(&hook);
        barrier
    }
}

fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

fn start(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start git push")
}

fn finish(child: Child) -> Run {
    Run::from_output(child.wait_with_output().expect("wait for git push"))
}

fn run(mut cmd: Command) -> Run {
    finish(start({
        cmd.stdin(Stdio::null());
        cmd
    }))
}

/// Each half of case 7 lands alone and is refused after the other; together in one atomic
/// push both are refused, and the refs stay where they were.
#[test]
fn halves_of_case_7_are_refused_after_each_other_and_together() {
    let sandbox = Sandbox::new();
    let c = Case7::new(&sandbox);
    accepted(&run(c.push_0_13()));
    refused(&run(c.push_master()), "flow/foreign");
    assert_eq!(c.landed(), (true, false));
    c.reset();
    accepted(&run(c.push_master()));
    refused(&run(c.push_0_13()), "flow/foreign");
    assert_eq!(c.landed(), (false, true));
    c.reset();
    let atomic = c
        .bob
        .git_run(&["push", "--atomic", "central", "master", "0.13"]);
    refused(&atomic, "flow/foreign");
    assert_eq!(c.landed(), (false, false));
}

/// The two halves pushed at the same moment, after both have passed `pre-receive` on the same
/// refs: in every round exactly one lands, and the other is refused with the rule it breaks.
#[test]
fn concurrent_halves_of_case_7_never_both_land() {
    let sandbox = Sandbox::new();
    let c = Case7::new(&sandbox);
    let barrier = c.meet_after_pre_receive();
    let mut firsts = [0usize; 2];
    for round in 0..ROUNDS {
        c.reset();
        let _ = std::fs::remove_dir_all(&barrier);
        let a = start(c.push_0_13());
        let b = start(c.push_master());
        let (a, b) = (finish(a), finish(b));
        let landed = c.landed();
        assert!(
            landed.0 != landed.1,
            "round {round}: landed {landed:?}\n0.13: {}\nmaster: {}",
            a.all(),
            b.all()
        );
        let (won, lost) = if landed.0 { (&a, &b) } else { (&b, &a) };
        firsts[usize::from(landed.1)] += 1;
        assert_eq!(won.code, 0, "round {round}: {}", won.all());
        assert_ne!(lost.code, 0, "round {round}: {}", lost.all());
        assert!(
            lost.stderr.contains("error[flow/foreign]"),
            "round {round}: {}",
            lost.all()
        );
    }
    eprintln!(
        "0.13 landed first {} times, master {}",
        firsts[0], firsts[1]
    );
}

/// Writes the lock a push's transaction holds, as owned by process `pid`.
fn hold_lock(central: &TestRepo, pid: u32) -> std::path::PathBuf {
    let path = central.path.join("git-policy-transaction.lock");
    let text = format!("git-policy transaction lock\npid {pid}\ntoken 0000000000000001\n");
    std::fs::write(&path, text).expect("write the lock");
    path
}

/// A lock left by a push whose git process is gone (killed between `prepared` and
/// `committed`) is taken over: the next push lands and releases it.
#[test]
fn stale_lock_of_a_gone_push_is_taken_over() {
    let sandbox = Sandbox::new();
    let c = Case7::new(&sandbox);
    let mut gone = Command::new("true").spawn().expect("start true");
    gone.wait().expect("reap true");
    let lock = hold_lock(&c.central, gone.id());
    let mut push = c.push_master();
    push.env("GIT_POLICY_LOCK_WAIT", "5");
    accepted(&run(push));
    assert_eq!(c.landed(), (false, true));
    assert!(
        !lock.exists(),
        "the lock outlived the push that took it over"
    );
}

/// While a live git process holds the lock, a push of a ref the policy judges waits its time
/// and is refused, saying who holds it and what to do, and moves nothing; a push of a topic
/// branch and the server's own `git update-ref` pass at once. Once the holder is gone, the
/// refused push lands.
#[test]
fn held_lock_delays_only_judged_pushes() {
    let sandbox = Sandbox::new();
    let c = Case7::new(&sandbox);
    let mut holder = Command::new("sleep")
        .arg("60")
        .spawn()
        .expect("start sleep");
    let lock = hold_lock(&c.central, holder.id());
    let wait = |mut cmd: Command| {
        cmd.env("GIT_POLICY_LOCK_WAIT", "1");
        cmd
    };

    let busy = run(wait(c.push_master()));
    assert_ne!(busy.code, 0, "{}", busy.all());
    let holder_pid = holder.id().to_string();
    let needles = [
        "error: git-policy rejects the push: another push has held the ref lock",
        holder_pid.as_str(),
        "hint: push again in a moment",
    ];
    for needle in needles {
        assert!(
            busy.stderr.contains(needle),
            "{needle:?} in:\n{}",
            busy.all()
        );
    }
    assert_eq!(c.landed(), (false, false));

    let mut topic = c.alice.command("git");
    topic.args(["push", "central", "HEAD:refs/heads/topic"]);
    accepted(&run(wait(topic)));
    let mut update_ref = c.central.command("git");
    update_ref.args(["update-ref", "refs/heads/master", &c.merge]);
    accepted(&run(wait(update_ref)));
    c.reset();
    assert!(lock.exists(), "someone else's live lock was removed");

    holder.kill().expect("stop sleep");
    holder.wait().expect("reap sleep");
    accepted(&run(wait(c.push_master())));
    assert_eq!(c.landed(), (false, true));
    assert!(!lock.exists());
}

/// `install --server` puts `reference-transaction` beside `pre-receive`, keeping a foreign one
/// as `reference-transaction.legacy`, which then runs in every state with the ref lines, even
/// when it fails after `prepared` (git ignores that); the lock is released after each push,
/// by either shim. A refusal of the foreign hook in `prepared` refuses the push, and
/// `uninstall` puts the foreign hook back.
#[test]
fn foreign_reference_transaction_hook_is_chained_in_every_state() {
    for shim in ["exec", "sh"] {
        let sandbox = Sandbox::new();
        let work = pytokio(&sandbox);
        let central = sandbox.path().join("central.git");
        let central_arg = central.display().to_string();
        work.git(&["clone", "-q", "--bare", ".", &central_arg]);
        let log = sandbox.path().join("foreign.log");
        let foreign = format!(
            "#!/bin/sh\n{{ echo \"state $1\"; cat; }} >> '{}'\n[ -e '{}' ] && [ \"$1\" = prepared ] && exit 4\n[ \"$1\" = prepared ] || exit 1\nexit 0\n",
            log.display(),
            sandbox.path().join("refuse").display()
        );
        let hooks = central.join("hooks");
        std::fs::write(hooks.join("reference-transaction"), &foreign).expect("foreign hook");
        make_executable(&hooks.join("reference-transaction"));
        let installed = work.policy(&["install", "--server", &central_arg, "--shim", shim]);
        accepted(&installed);
        assert!(
            installed.stdout.contains("`reference-transaction.legacy`"),
            "{shim}: {}",
            installed.stdout
        );

        work.git(&["remote", "add", "central", &central_arg]);
        let tip = work.change("notes.txt", "notes\n", "add notes");
        accepted(&work.git_run(&["push", "central", "master"]));
        let seen = std::fs::read_to_string(&log).expect("the foreign hook ran");
        for state in ["state prepared", "state committed"] {
            assert!(seen.contains(state), "{shim}: {seen}");
        }
        assert!(
            seen.contains(&format!("{tip} refs/heads/master")),
            "{shim}: {seen}"
        );
        let lock = central.join("git-policy-transaction.lock");
        assert!(!lock.exists(), "{shim}: the push left its lock behind");

        // The chained hook takes the lock too: a live holder makes the push wait, then refuses it.
        let central_repo = TestRepo {
            sandbox: sandbox.clone(),
            path: central.clone(),
        };
        let mut holder = Command::new("sleep")
            .arg("60")
            .spawn()
            .expect("start sleep");
        hold_lock(&central_repo, holder.id());
        work.change("notes.txt", "more notes\n", "add more notes");
        let mut push = work.command("git");
        push.args(["push", "central", "master"])
            .env("GIT_POLICY_LOCK_WAIT", "1");
        let busy = run(push);
        assert!(
            busy.stderr.contains("another push has held the ref lock"),
            "{shim}: {}",
            busy.all()
        );
        assert_eq!(central_repo.rev("master"), tip, "{shim}");
        holder.kill().expect("stop sleep");
        holder.wait().expect("reap sleep");
        std::fs::remove_file(&lock).expect("remove the lock");

        std::fs::write(sandbox.path().join("refuse"), "").expect("refuse from now on");
        let refused = work.git_run(&["push", "central", "master"]);
        assert_ne!(refused.code, 0, "{shim}: {}", refused.all());
        assert_eq!(central_repo.rev("master"), tip, "{shim}");
        assert!(
            !lock.exists(),
            "{shim}: a refused push left its lock behind"
        );

        accepted(&work.policy(&["uninstall", "--server", &central_arg]));
        assert_eq!(
            std::fs::read_to_string(hooks.join("reference-transaction")).expect("restored"),
            foreign,
            "{shim}"
        );
    }
}

/// Case 7 sent in one push by a client of its own, atomic or not, over `file://` and `git://`:
/// refused by `flow/foreign` with no ref moved and `git fsck --strict` clean; each half alone
/// still lands.
#[test]
fn case_7_in_one_raw_push_is_refused() {
    use crate::harness::ZERO;
    use crate::rawpush::{self, Transport, assert_fsck_clean, refs_of};
    let sandbox = Sandbox::new();
    let c = Case7::new(&sandbox);
    let daemon = crate::harness::daemon(&sandbox);
    let both = [
        (c.master.as_str(), c.merge.as_str(), "refs/heads/master"),
        (ZERO, c.v.as_str(), "refs/heads/0.13"),
    ];
    for transport in [Transport::File, Transport::Git(&daemon)] {
        for atomic in [true, false] {
            let before = refs_of(&c.central);
            let report = rawpush::push(&c.bob, &c.central, transport, &both, atomic);
            let at = format!("{} atomic={atomic}", transport.name());
            assert!(report.names_rule("flow/foreign"), "{at}:\n{report}");
            assert_eq!(refs_of(&c.central), before, "{at}: refs moved:\n{report}");
            assert_fsck_clean(&c.central);
        }
        for half in &both {
            let report = rawpush::push(&c.bob, &c.central, transport, &[*half], false);
            assert_eq!(
                report.status(half.2),
                &Ok(()),
                "{}:\n{report}",
                transport.name()
            );
            c.reset();
        }
    }
}
