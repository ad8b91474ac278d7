//! Pushes through the transports and hosting layers real central servers use: SSH (OpenSSH's
//! `sshd` on loopback), smart HTTP (`lighttpd` running `git http-backend`) and gitolite behind
//! SSH, each started from Debian's packages as an administrator would run it. The server hook
//! must find its binary and policy in the environment those servers give hooks (a minimal
//! `PATH`, another user, `REMOTE_USER`, gitolite's own `update` hook beside it). A test whose
//! server cannot start fails and says why; it never passes silently.

mod gitolite;
mod http;
mod layouts;
mod ssh;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::harness::{Run, Sandbox, TestRepo};

/// A server process on a loopback port, stopped when dropped (also when a test panics).
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `command` (which must listen on `port`) and waits until it accepts connections;
    /// fails the test with the server's log when it exits or does not answer.
    pub fn start(mut command: Command, port: u16, log: &Path) -> Server {
        let name = command.get_program().to_string_lossy().into_owned();
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{name}`: {e}"));
        let mut server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = server.child.try_wait().ok().flatten();
            if exited.is_some() || Instant::now() > deadline {
                let log = std::fs::read_to_string(log).unwrap_or_default();
                panic!("`{name}` did not start ({exited:?}); its log:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

/// A port nobody listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The path of a server program from a Debian package; fails the test naming the package
/// when it is not installed (`.ci/run` installs them).
#[track_caller]
pub fn require(program: &str, package: &str) -> PathBuf {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        .iter()
        .map(|dir| Path::new(dir).join(program))
        .find(|path| path.exists())
        .unwrap_or_else(|| {
            panic!(
                "`{program}` is not installed: this test needs Debian's `{package}` \
                 (`apt-get install {package}`; `.ci/run` installs it)"
            )
        })
}

/// Whether this process runs as root, as CI does: servers then run their hooks as another
/// user, as a real installation does.
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The user this process runs as, whom `sshd` lets log in.
pub fn user() -> String {
    let out = Command::new("id").arg("-un").output().expect("run id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A new ed25519 key pair without a passphrase; returns the private key's path.
pub fn keygen(sandbox: &Sandbox, name: &str) -> PathBuf {
    let key = sandbox.path().join("keys").join(name);
    std::fs::create_dir_all(key.parent().expect("keys dir")).expect("keys dir");
    let run = Run::from_output(
        sandbox
            .command("ssh-keygen", sandbox.path())
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&key)
            .output()
            .expect("run ssh-keygen"),
    );
    assert_eq!(run.code, 0, "ssh-keygen: {}", run.all());
    key
}

/// Runs git in `dir` with the sandbox's environment plus `env`; returns what it printed.
pub fn git_in(sandbox: &Sandbox, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = sandbox.command("git", dir);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    Run::from_output(command.output().expect("run git"))
}

/// Asserts a push was refused by the server hook for `rule`: the client saw it as `remote:`
/// lines, and `central`'s refs are as they were.
#[track_caller]
pub fn refused_remotely(run: &Run, rule: &str, central: &TestRepo, refs_before: &str) {
    assert_ne!(run.code, 0, "expected a refused push:\n{}", run.all());
    assert!(
        run.stderr
            .lines()
            .any(|line| line.starts_with("remote: ") && line.contains(&format!("error[{rule}]"))),
        "expected `remote: error[{rule}]` in:\n{}",
        run.stderr
    );
    assert_eq!(
        central.git(&["for-each-ref"]),
        refs_before,
        "a refused push moved a ref"
    );
}

/// The same two pushes through any transport: `rc`'s hotfix merged back into `master` is
/// refused by the server hook with the refs unchanged, and a new feature on `master` lands.
/// `dev` is a clone of `central` through the transport, with `rc` checked out from it.
pub fn judged_through(dev: &TestRepo, central: &TestRepo, env: &[(&str, &str)]) {
    let sandbox = &dev.sandbox;
    dev.checkout("rc");
    dev.change("hotfix.txt", "a fix\n", "hotfix on rc");
    let pushed = git_in(sandbox, &dev.path, &["push", "-q", "origin", "rc"], env);
    assert_eq!(pushed.code, 0, "a hotfix on rc lands: {}", pushed.all());

    dev.checkout("master");
    dev.git(&["merge", "-q", "--no-edit", "rc"]);
    let before = central.git(&["for-each-ref"]);
    let run = git_in(sandbox, &dev.path, &["push", "origin", "master"], env);
    refused_remotely(&run, "flow/foreign", central, &before);

    dev.git(&["reset", "-q", "--hard", "origin/master"]);
    dev.change("feature2.txt", "another feature\n", "add another feature");
    let run = git_in(sandbox, &dev.path, &["push", "origin", "master"], env);
    assert_eq!(run.code, 0, "a good push lands: {}", run.all());
    assert_eq!(central.rev("master"), dev.rev("master"));
}
