//! gitolite (Debian's `gitolite3`) behind `sshd`, set up and administered as its documentation
//! says: its own `update` hook decides who may write, git-policy's `pre-receive` hook, installed
//! with `git policy install --server` into the repository gitolite created, decides what may
//! land, with the policy kept in that repository's git directory.

use super::ssh::{clone_over_ssh, ssh_command, ssh_url, sshd};
use super::{git_in, judged_through, keygen, require};
use crate::harness::{Sandbox, TestRepo, pytokio};

/// Both gates hold through gitolite: a user without write access is refused by gitolite, a
/// back-merge by a user with it is refused by git-policy (`remote:` lines, refs unchanged), and
/// a good push lands.
#[test]
fn gitolite_and_git_policy_both_judge_a_push() {
    let gitolite = require("gitolite", "gitolite3");
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let home = sandbox.path().join("gitolite");
    std::fs::create_dir_all(&home).expect("gitolite home");
    let keys: Vec<_> = ["admin", "alice", "bob"]
        .iter()
        .map(|name| keygen(&sandbox, name))
        .collect();
    let public = |i: usize| keys[i].with_extension("pub");

    // `gitolite setup -pk admin.pub`, in the account that hosts the repositories.
    let admin_pub = sandbox.path().join("admin.pub");
    std::fs::copy(public(0), &admin_pub).expect("admin.pub");
    let setup = sandbox
        .command(&gitolite, &home)
        .env("HOME", &home)
        .arg("setup")
        .arg("-pk")
        .arg(&admin_pub)
        .output()
        .expect("run gitolite setup");
    assert!(setup.status.success(), "gitolite setup: {setup:?}");
    let server = sshd(&sandbox, &home.join(".ssh/authorized_keys"), Some(&home));
    let port = server.port;

    // The administrator adds the users and a repository through `gitolite-admin`.
    let admin = clone_over_ssh(
        &sandbox,
        &ssh_url(port, "/gitolite-admin"),
        &keys[0],
        port,
        "admin",
    );
    let conf = std::fs::read_to_string(admin.path.join("conf/gitolite.conf")).expect("conf");
    admin.write(
        "conf/gitolite.conf",
        &format!("{conf}\nrepo central\n    RW+     =   alice\n    R       =   bob\n"),
    );
    std::fs::copy(public(1), admin.path.join("keydir/alice.pub")).expect("alice.pub");
    std::fs::copy(public(2), admin.path.join("keydir/bob.pub")).expect("bob.pub");
    admin.commit("add central, alice and bob");
    let pushed = admin.git_run(&["push", "-q", "origin", "master"]);
    assert_eq!(pushed.code, 0, "gitolite-admin push: {}", pushed.all());
    let central = TestRepo {
        sandbox: sandbox.clone(),
        path: home.join("repositories/central.git"),
    };
    assert!(
        central.path.join("hooks/update").exists(),
        "gitolite made the repository"
    );

    // git-policy's hook and policy go into the repository gitolite made; gitolite's hook stays.
    let installed = work.policy(&["install", "--server", &central.path.display().to_string()]);
    assert_eq!(installed.code, 0, "{}", installed.all());
    assert!(
        central.path.join("git-policy.toml").exists(),
        "the policy is per repository"
    );
    let gitolite_hook = std::fs::read_link(central.path.join("hooks/update"))
        .map(|target| target.display().to_string())
        .unwrap_or_else(|_| {
            std::fs::read_to_string(central.path.join("hooks/update")).unwrap_or_default()
        });
    assert!(
        gitolite_hook.contains("gitolite"),
        "gitolite's update hook is kept: {gitolite_hook}"
    );

    // alice publishes the project, then works in a clone of it.
    let url = ssh_url(port, "/central");
    let alice_ssh = ssh_command(&keys[1], port);
    let first = git_in(
        &sandbox,
        &work.path,
        &[
            "-c",
            &format!("core.sshCommand={alice_ssh}"),
            "push",
            "-q",
            &url,
            "master",
            "rc",
        ],
        &[],
    );
    assert_eq!(
        first.code,
        0,
        "first push through gitolite: {}",
        first.all()
    );
    let alice = clone_over_ssh(&sandbox, &url, &keys[1], port, "alice");
    alice.git(&["branch", "-q", "rc", "origin/rc"]);

    // bob may read, not write: gitolite refuses, whatever git-policy would say.
    let bob = clone_over_ssh(&sandbox, &url, &keys[2], port, "bob");
    bob.change("bob.txt", "bob's change\n", "bob's feature");
    let before = central.git(&["for-each-ref"]);
    let run = bob.git_run(&["push", "origin", "master"]);
    assert_ne!(run.code, 0, "bob may not write:\n{}", run.all());
    assert!(
        run.stderr.contains("DENIED"),
        "gitolite's refusal:\n{}",
        run.stderr
    );
    assert_eq!(central.git(&["for-each-ref"]), before, "no ref moved");

    judged_through(&alice, &central, &[]);
}
