//! Pushes over SSH to OpenSSH's `sshd` on loopback: the hook runs in the session `sshd` gives
//! a login (its own minimal `PATH`, the user's shell), not in the test's environment.

use std::path::{Path, PathBuf};

use super::{Server, free_port, git_in, judged_through, keygen, require, user};
use crate::harness::{Sandbox, TestRepo, pytokio, serve};

/// `sshd` listening on loopback with a throwaway host key, accepting the keys in
/// `authorized_keys` for the current user; `home`, when given, is the session's `HOME` (as a
/// hosting layer's own account would have it).
pub fn sshd(sandbox: &Sandbox, authorized_keys: &Path, home: Option<&Path>) -> Server {
    let program = require("sshd", "openssh-server");
    let dir = sandbox.path().join("sshd");
    std::fs::create_dir_all(&dir).expect("sshd dir");
    let host_key = keygen(sandbox, "host");
    let port = free_port();
    let mut config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\n\
         AuthorizedKeysFile {}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         UsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n",
        host_key.display(),
        dir.join("sshd.pid").display(),
        authorized_keys.display(),
    );
    if let Some(home) = home {
        config.push_str(&format!("SetEnv HOME={}\n", home.display()));
    }
    let config_path = dir.join("sshd_config");
    std::fs::write(&config_path, config).expect("sshd config");
    // sshd refuses to start without its privilege separation directory.
    if super::is_root() {
        std::fs::create_dir_all("/run/sshd").expect("create /run/sshd");
    }
    let log = dir.join("sshd.log");
    let mut command = sandbox.command(program, sandbox.path());
    command
        .arg("-D")
        .arg("-f")
        .arg(&config_path)
        .arg("-E")
        .arg(&log);
    Server::start(command, port, &log)
}

/// The `core.sshCommand` that logs in with `key`, trusting the throwaway host key.
pub fn ssh_command(key: &Path, port: u16) -> String {
    format!(
        "ssh -i {} -p {port} -o IdentitiesOnly=yes -o BatchMode=yes \
         -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
        key.display()
    )
}

/// The URL of `path` on the loopback `sshd` for the current user.
pub fn ssh_url(port: u16, path: &str) -> String {
    format!("ssh://{}@127.0.0.1:{port}{path}", user())
}

/// A clone of `url` over SSH with `key` into `name` under the sandbox, set to keep using it.
pub fn clone_over_ssh(sandbox: &Sandbox, url: &str, key: &Path, port: u16, name: &str) -> TestRepo {
    let command = ssh_command(key, port);
    let run = git_in(
        sandbox,
        sandbox.path(),
        &[
            "-c",
            &format!("core.sshCommand={command}"),
            "clone",
            "-q",
            url,
            name,
        ],
        &[],
    );
    assert_eq!(run.code, 0, "clone over ssh: {}", run.all());
    let dev = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().join(name),
    };
    dev.git(&["config", "core.sshCommand", &command]);
    dev
}

/// Keys for `sshd`: a user key and the authorized keys file that lets it in.
fn user_key(sandbox: &Sandbox) -> (PathBuf, PathBuf) {
    let key = keygen(sandbox, "developer");
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    let authorized = sandbox.path().join("sshd-authorized_keys");
    std::fs::write(&authorized, public).expect("authorized keys");
    (key, authorized)
}

/// The pushes of [`judged_through`] over SSH to a central repository whose server hook is
/// `hook`, the hook running in the session `sshd` gives it.
fn judged_over_ssh(hook: &str) {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, hook);
    let (key, authorized) = user_key(&sandbox);
    let server = sshd(&sandbox, &authorized, None);
    let url = ssh_url(server.port, &central.path.display().to_string());
    let dev = clone_over_ssh(&sandbox, &url, &key, server.port, "dev");
    dev.git(&["branch", "-q", "rc", "origin/rc"]);
    judged_through(&dev, &central, &[]);
}

/// Over SSH, a back-merge is refused by the server hook and the client reads why as `remote:`
/// lines, with no ref moved; a good push lands. The hook runs with `sshd`'s `PATH`.
#[test]
fn ssh_push_is_judged_by_the_server_hook() {
    judged_over_ssh("pre-receive");
}

/// The per-ref `update` hook judges pushes over SSH the same way.
#[test]
fn ssh_push_is_judged_by_the_update_hook() {
    judged_over_ssh("update");
}
