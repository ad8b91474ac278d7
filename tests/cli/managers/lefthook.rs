//! lefthook (from PyPI): it renames a hook it replaces to `<hook>.old`, never runs it, and puts
//! it back on `lefthook uninstall`. git-policy registers its hooks in `lefthook-local.yml` and
//! keeps its own as `<hook>.old`, so no install order needs a second `git policy install`.

use std::fs;

use super::{Developer, Order, Tool, nothing, scenario, tool};
use crate::harness::{Run, Sandbox, accepted, refused};

fn configure(repo: &crate::harness::TestRepo, marker: &str) {
    repo.write(
        "lefthook.yml",
        &format!("pre-commit:\n  commands:\n    mark:\n      run: touch .git/{marker}\n"),
    );
}

fn uninstall(dev: &Developer) -> Run {
    dev.tool(&["uninstall"])
}

fn lefthook() -> Tool {
    Tool {
        exe: tool("lefthook", "python3 -m pip install lefthook"),
        configure,
        install: &["install"],
        uninstall,
        git_policy_install: &["install"],
    }
}

/// `lefthook install` then `git policy install`: both run, either uninstalls leaving the
/// other working.
#[test]
fn lefthook_then_git_policy() {
    scenario(&lefthook(), Order::ManagerFirst, nothing);
}

/// `git policy install` then `lefthook install`, with nothing run again: lefthook moves
/// git-policy's hooks to `<hook>.old` and runs git-policy from `lefthook-local.yml`.
#[test]
fn git_policy_then_lefthook() {
    scenario(&lefthook(), Order::GitPolicyFirst, nothing);
}

/// `lefthook install` run again after `git policy install` (lefthook reinstalls its hooks
/// whenever a project asks) keeps git-policy running.
#[test]
fn lefthook_reinstalled_after_git_policy_keeps_it_running() {
    let sandbox = Sandbox::new();
    let tool = lefthook();
    let dev = super::set_up(&sandbox, &tool, Order::ManagerFirst);
    accepted(&dev.tool(tool.install));
    dev.both_run(1);
}

/// With lefthook installed second, pushes are judged through lefthook's `pre-push`, and
/// `lefthook-local.yml` stays out of `git status`.
#[test]
fn pushes_are_judged_through_lefthook() {
    let sandbox = Sandbox::new();
    let dev = super::set_up(&sandbox, &lefthook(), Order::GitPolicyFirst);
    let pre_push = fs::read_to_string(dev.repo.path.join(".git/hooks/pre-push")).expect("hook");
    assert!(pre_push.contains("call_lefthook run"), "{pre_push}");
    let status = dev.git(&["status", "--porcelain"]);
    assert_eq!(status.stdout, "", "{}", status.all());
    let origin = dev.repo.sandbox.bare("origin.git");
    dev.git(&["remote", "add", "origin", &origin.path.to_string_lossy()]);
    accepted(&dev.git(&["push", "-q", "--no-verify", "origin", "master", "rc"]));
    dev.repo.set_version("0.13.0");
    refused(
        &dev.git(&["push", "-q", "origin", "master"]),
        "version/kind",
    );
}

/// A `lefthook-local.yml` that configures `pre-commit` itself is left as it was, the entry to
/// merge is printed, and git-policy's hooks run beside lefthook's.
#[test]
fn local_configuration_with_its_own_pre_commit_is_left_alone() {
    let sandbox = Sandbox::new();
    let repo = crate::harness::pytokio(&sandbox);
    let tool = lefthook();
    configure(&repo, super::MARKER);
    repo.commit("configure lefthook");
    let local = "pre-commit:\n  commands:\n    mine:\n      run: 'true'\n";
    repo.write("lefthook-local.yml", local);
    let dev = super::developer(repo, &tool);
    accepted(&dev.tool(tool.install));
    let install = dev.policy(&["install"]);
    accepted(&install);
    assert!(
        install
            .stdout
            .contains("`lefthook-local.yml` already configures `pre-commit`"),
        "{}",
        install.all()
    );
    assert!(
        install.stdout.contains("use_stdin: true"),
        "{}",
        install.all()
    );
    let now = fs::read_to_string(dev.repo.path.join("lefthook-local.yml")).expect("read");
    assert_eq!(now, local);
    dev.both_run(1);
}

/// A clone where an earlier `git policy install` chained lefthook's script (git-policy's hook
/// as `pre-commit`, lefthook's as `pre-commit.legacy`) is moved over by `git policy install`:
/// lefthook's script back in place and git-policy's as `pre-commit.old`; both run, and still do
/// after `lefthook install` again.
#[test]
fn earlier_chained_install_is_moved_over() {
    let sandbox = Sandbox::new();
    let tool = lefthook();
    let repo = crate::harness::pytokio(&sandbox);
    configure(&repo, super::MARKER);
    repo.commit("configure lefthook");
    let dev = super::developer(repo, &tool);
    accepted(&dev.tool(tool.install));
    // git-policy's shim as an install without lefthook writes it.
    let scratch = crate::harness::pytokio(&Sandbox::new());
    accepted(&scratch.policy(&["install"]));
    let shim = fs::read(scratch.path.join(".git/hooks/pre-commit")).expect("shim");
    let hooks = dev.repo.path.join(".git/hooks");
    fs::rename(hooks.join("pre-commit"), hooks.join("pre-commit.legacy")).expect("move");
    fs::write(hooks.join("pre-commit"), shim).expect("write");
    accepted(&dev.policy(&["install"]));
    let here = fs::read_to_string(hooks.join("pre-commit")).expect("pre-commit");
    assert!(here.contains("call_lefthook run"), "{here}");
    assert!(!hooks.join("pre-commit.legacy").exists());
    assert!(dev.our_files().contains(&"pre-commit.old".to_owned()));
    dev.both_run(1);
    accepted(&dev.tool(tool.install));
    dev.both_run(2);
}

/// git-policy's hook left as `pre-commit.old` by `lefthook install` while lefthook's
/// configuration does not run git-policy (its entry removed): `git policy check` says so, and
/// its hint, followed, has both run again and the warning gone.
#[test]
fn check_warns_when_lefthook_stranded_the_hook() {
    let sandbox = Sandbox::new();
    let tool = lefthook();
    let dev = super::set_up(&sandbox, &tool, Order::GitPolicyFirst);
    fs::remove_file(dev.repo.path.join("lefthook-local.yml")).expect("remove the entry");
    let check = dev.policy(&["check"]);
    accepted(&check);
    let text = check.all();
    assert!(
        text.contains("git-policy's `pre-commit` hook no longer runs"),
        "{text}"
    );
    assert_eq!(super::hinted_command(&text), "git policy install");
    accepted(&dev.policy(&["install"]));
    let again = dev.policy(&["check"]);
    assert!(!again.all().contains("no longer run"), "{}", again.all());
    dev.both_run(1);
}
