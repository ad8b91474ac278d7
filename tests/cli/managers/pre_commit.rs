//! The pre-commit framework (`pre-commit` from PyPI): git-policy's hook in the framework's
//! `pre-commit.legacy`, which it runs first ("migration mode"), in either install order.

use super::{Developer, Order, Tool, nothing, scenario, tool};
use crate::harness::{Run, Sandbox, accepted, failed, pytokio, refused};

pub fn framework_config(repo: &crate::harness::TestRepo, marker: &str) {
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: local\n    hooks:\n      - id: mark\n        name: mark\n        entry: touch .git/{marker}\n        language: system\n        pass_filenames: false\n        always_run: true\n"
        ),
    );
}

fn uninstall(dev: &Developer) -> Run {
    dev.tool(&["uninstall"])
}

fn framework() -> Tool {
    Tool {
        exe: tool("pre-commit", "python3 -m pip install pre-commit"),
        configure: framework_config,
        install: &["install"],
        uninstall,
        git_policy_install: &["install"],
    }
}

/// `pre-commit install` then `git policy install`: git-policy kept the framework's script as
/// `pre-commit.legacy`, which the framework refuses to run under that name; now git-policy's
/// hook takes that slot and both run, and either uninstalls leaving the other working.
#[test]
fn framework_script_kept_as_legacy_refused_to_run() {
    scenario(&framework(), Order::ManagerFirst, nothing);
}

/// `git policy install` then `pre-commit install`: the framework moved git-policy's hook to
/// `pre-commit.legacy`, which git-policy then called "not a hook git-policy handles", refused
/// to install again beside, and left behind on uninstall.
#[test]
fn hook_moved_to_legacy_by_the_framework_was_not_recognised() {
    scenario(&framework(), Order::GitPolicyFirst, |dev| {
        let again = dev.policy(&["install"]);
        accepted(&again);
        assert!(
            again
                .stdout
                .contains("`pre-commit.legacy` already installed"),
            "{}",
            again.all()
        );
    });
}

/// The entry `git policy install` prints beside the framework, added to the configuration
/// as the note says, has the framework run git-policy's hooks without git-policy's own.
#[test]
fn printed_entry_runs_git_policy_through_the_framework() {
    super::follow_printed_entry(&framework(), ".pre-commit-config.yaml");
}

/// A hook of the project's own that the framework keeps as `pre-commit.legacy` leaves
/// git-policy no slot: `git policy install` refuses, changing nothing, and its hint (the entry
/// printed above), followed literally, has the framework run both.
#[test]
fn legacy_slot_taken_by_a_project_hook_points_to_the_entry() {
    let sandbox = Sandbox::new();
    let framework = framework();
    let repo = pytokio(&sandbox);
    framework_config(&repo, super::MARKER);
    repo.commit("configure the framework");
    repo.write(".git/hooks/pre-commit", "#!/bin/sh\nexit 0\n");
    make_executable(&repo.path.join(".git/hooks/pre-commit"));
    let dev = super::developer(repo, &framework);
    accepted(&dev.tool(&["install"]));
    let install = dev.policy(&["install"]);
    failed(
        &install,
        &["and the hook it runs first, `pre-commit.legacy`, is someone else's"],
    );
    assert!(
        install
            .stderr
            .contains("hint: add git-policy to the pre-commit framework's configuration instead, with the entry printed above"),
        "{}",
        install.stderr
    );
    assert_eq!(dev.our_files(), Vec::<String>::new());
    super::follow_note(&dev, &framework, &install, ".pre-commit-config.yaml");
}

/// The `sh` shim the framework moved to `pre-commit.legacy` ran its own name as the hook it
/// replaced, again and again; now it knows it was moved and judges once.
#[test]
fn sh_shim_moved_to_legacy_ran_itself_as_its_legacy() {
    let sandbox = Sandbox::new();
    let framework = framework();
    let repo = pytokio(&sandbox);
    framework_config(&repo, super::MARKER);
    repo.commit("configure the framework");
    let dev = super::developer(repo, &framework);
    accepted(&dev.policy(&["install", "--shim", "sh"]));
    accepted(&dev.tool(&["install"]));
    dev.both_run(1);
}

/// `pre-commit install -t pre-push` moves git-policy's `pre-push` to `pre-push.legacy`: the
/// framework runs it there with the push's ref lines, and a bad push is refused by its rule.
#[test]
fn pre_push_moved_to_legacy_by_the_framework_still_judges_pushes() {
    let sandbox = Sandbox::new();
    let framework = framework();
    let repo = pytokio(&sandbox);
    framework_config(&repo, super::MARKER);
    repo.commit("configure the framework");
    let origin = sandbox.bare("origin.git");
    repo.git(&["remote", "add", "origin", &origin.path.to_string_lossy()]);
    repo.git(&["push", "-q", "origin", "master", "rc"]);
    let dev = super::developer(repo, &framework);
    accepted(&dev.policy(&["install"]));
    accepted(&dev.tool(&["install", "-t", "pre-commit", "-t", "pre-push"]));
    assert!(dev.repo.path.join(".git/hooks/pre-push.legacy").exists());
    accepted(&dev.git(&["push", "-q", "origin", "master"]));
    dev.repo.set_version("0.13.0");
    refused(
        &dev.git(&["push", "-q", "origin", "master"]),
        "version/kind",
    );
}

fn make_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}
