//! The pre-commit framework (`pre-commit` from PyPI): git-policy's hook in the framework's
//! `pre-commit.legacy`, which it runs first ("migration mode"), in either install order.

use super::{Developer, Order, Tool, nothing, scenario, tool};
use crate::harness::{Run, accepted, refused};

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

/// A violation refused through the framework is refused with git-policy's rule.
#[test]
fn violation_through_the_framework_names_the_rule() {
    let sandbox = crate::harness::Sandbox::new();
    let dev = super::set_up(&sandbox, &framework(), Order::ManagerFirst);
    refused(&dev.commit_violation(), "version/kind");
}
