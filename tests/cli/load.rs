//! Load: twenty clients push at once to one central repository over the git protocol, good
//! pushes and bad ones mixed. Every good push lands, every bad one is refused by the rule it
//! breaks, the repository stays sound and every branch ends where the accepted pushes put it.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::harness::{Run, Sandbox, TestRepo, daemon, pytokio, serve};

const CLIENTS: usize = 20;

/// What a push must come to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Lands,
    Refused(&'static str),
}

/// One thing a client does; commands are built up front (the sandbox is not shared between
/// threads) and run in order by the client's thread.
enum Step {
    /// A git command that must succeed.
    Git(Command),
    /// The first clone, tried up to three times: twenty clients connecting at once to a
    /// loaded machine's `git daemon` may see a connection reset, before any hook runs.
    Clone(Command, PathBuf),
    Write(PathBuf, String),
    Push(&'static str, Command, Expect),
}

/// Client `k`'s session on its own version branch `0.(100+k)`, with bad pushes to the shared
/// `master` and a wrong tag in between.
fn session(sandbox: &Sandbox, url: &str, k: usize) -> (String, Vec<Step>) {
    let dir = sandbox.path().join(format!("client{k}"));
    let git = |args: &[&str]| {
        let mut cmd = sandbox.command("git", &dir);
        cmd.args(args);
        cmd
    };
    let branch = format!("0.{}", 100 + k);
    let version = |v: &str| {
        Step::Write(
            dir.join("tokio/__init__.py"),
            format!("__version__ = \"{v}\"\n"),
        )
    };
    let b1 = format!("{branch}.0b1");
    let b2 = format!("{branch}.0b2");
    let tag = format!("v{b2}");
    let mut clone = sandbox.command("git", sandbox.path());
    clone.args(["clone", "-q", url, &dir.display().to_string()]);
    let steps = vec![
        Step::Clone(clone, dir.clone()),
        Step::Git(git(&["checkout", "-q", "-b", &branch, "origin/rc"])),
        version(&b1),
        Step::Git(git(&["commit", "-q", "-a", "-m", &b1])),
        Step::Push(
            "cut the version branch",
            git(&["push", "-q", "origin", &branch]),
            Expect::Lands,
        ),
        Step::Git(git(&["checkout", "-q", "master"])),
        version("0.13.0b1"),
        Step::Git(git(&["commit", "-q", "-a", "-m", "a beta on master"])),
        Step::Push(
            "a beta on master",
            git(&["push", "origin", "master"]),
            Expect::Refused("version/kind"),
        ),
        Step::Git(git(&["checkout", "-q", &branch])),
        Step::Git(git(&["tag", &tag])),
        Step::Push(
            "a b2 tag on b1",
            git(&["push", "origin", &tag]),
            Expect::Refused("tag/version"),
        ),
        Step::Git(git(&["tag", "-d", &tag])),
        version(&b2),
        Step::Git(git(&["commit", "-q", "-a", "-m", &b2])),
        Step::Git(git(&["tag", &tag])),
        Step::Push(
            "b2 with its tag",
            git(&["push", "-q", "--atomic", "origin", &branch, &tag]),
            Expect::Lands,
        ),
    ];
    (branch, steps)
}

/// Runs a client's steps; returns each push with what it must come to, or why the session broke.
fn run_session(steps: Vec<Step>) -> Result<Vec<(&'static str, Run, Expect)>, String> {
    let mut pushes = Vec::new();
    for step in steps {
        match step {
            Step::Git(mut cmd) => {
                let run = Run::from_output(cmd.output().map_err(|e| e.to_string())?);
                if run.code != 0 {
                    return Err(format!("{cmd:?} failed:\n{}", run.all()));
                }
            }
            Step::Clone(mut cmd, dir) => {
                let mut tries = 0;
                loop {
                    let run = Run::from_output(cmd.output().map_err(|e| e.to_string())?);
                    tries += 1;
                    if run.code == 0 {
                        break;
                    }
                    if tries == 3 {
                        return Err(format!("{cmd:?} failed {tries} times:\n{}", run.all()));
                    }
                    // A failed clone may leave a partial directory that the next try refuses.
                    let _ = std::fs::remove_dir_all(&dir);
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
            }
            Step::Write(path, text) => std::fs::write(&path, text).map_err(|e| e.to_string())?,
            Step::Push(what, mut cmd, expect) => {
                let run = Run::from_output(cmd.output().map_err(|e| e.to_string())?);
                pushes.push((what, run, expect));
            }
        }
    }
    Ok(pushes)
}

/// Twenty clients pushing at once over `git://`: good pushes land, bad ones are refused by
/// their rule, `git fsck` is clean and each branch and tag is where its accepted push put it.
#[test]
fn concurrent_pushes_over_the_git_protocol() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    let master = central.rev("master");
    let d = daemon(&sandbox);
    let url = format!("git://127.0.0.1:{}/central.git", d.port);

    let sessions: Vec<(String, Vec<Step>)> =
        (0..CLIENTS).map(|k| session(&sandbox, &url, k)).collect();
    let start = Instant::now();
    let (branches, results): (Vec<String>, Vec<_>) = std::thread::scope(|scope| {
        let handles: Vec<_> = sessions
            .into_iter()
            .map(|(branch, steps)| (branch, scope.spawn(move || run_session(steps))))
            .collect();
        handles
            .into_iter()
            .map(|(branch, handle)| (branch, handle.join().expect("client thread")))
            .unzip()
    });
    eprintln!("{CLIENTS} clients done in {:?}", start.elapsed());
    let port = d.port;
    drop(d);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the daemon stopped"
    );

    for (k, (branch, result)) in branches.iter().zip(results).enumerate() {
        let pushes = result.unwrap_or_else(|e| {
            let log =
                std::fs::read_to_string(sandbox.path().join("daemon.log")).unwrap_or_default();
            panic!("client {k}: {e}\ngit daemon says:\n{log}")
        });
        for (what, run, expect) in pushes {
            match expect {
                Expect::Lands => assert_eq!(run.code, 0, "client {k}, {what}:\n{}", run.all()),
                Expect::Refused(rule) => {
                    assert_ne!(run.code, 0, "client {k}, {what} landed");
                    assert!(
                        run.stderr.contains(&format!("remote: error[{rule}]")),
                        "client {k}, {what}: not refused by {rule}:\n{}",
                        run.stderr
                    );
                }
            }
        }
        let client = TestRepo {
            sandbox: sandbox.clone(),
            path: sandbox.path().join(format!("client{k}")),
        };
        let tip = client.rev(branch);
        assert_eq!(
            central.rev(branch),
            tip,
            "client {k}: `{branch}` is at its last accepted push"
        );
        assert_eq!(
            central.rev(&format!("v{branch}.0b2^{{commit}}")),
            tip,
            "client {k}: the tag"
        );
    }
    assert_eq!(central.rev("master"), master, "no bad push moved master");
    let fsck = central.git_run(&["fsck", "--strict", "--no-dangling"]);
    assert_eq!(fsck.code, 0, "git fsck:\n{}", fsck.all());
    assert!(
        fsck.all().trim().is_empty(),
        "git fsck reports:\n{}",
        fsck.all()
    );
    let heads = central.git(&["for-each-ref", "--format=%(refname)", "refs/heads"]);
    assert_eq!(
        heads.lines().count(),
        3 + CLIENTS,
        "master, rc, feature and one branch a client:\n{heads}"
    );
}

/// A test that panics still stops its git daemon: nothing keeps serving after it.
#[test]
fn daemon_stops_when_a_test_panics() {
    let sandbox = Sandbox::new();
    let port = std::cell::Cell::new(0);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let d = daemon(&sandbox);
        port.set(d.port);
        panic!("a test failing while its daemon runs");
    }));
    assert!(result.is_err());
    assert_ne!(port.get(), 0);
    assert!(
        TcpStream::connect(("127.0.0.1", port.get())).is_err(),
        "the daemon stopped"
    );
}
