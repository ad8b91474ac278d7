//! prek (from PyPI), the pre-commit framework's reimplementation: the same `.legacy` slot, in
//! either install order.

use super::pre_commit::framework_config;
use super::{Developer, Order, Tool, nothing, scenario, tool};
use crate::harness::{Run, accepted};

fn uninstall(dev: &Developer) -> Run {
    dev.tool(&["uninstall"])
}

fn prek() -> Tool {
    Tool {
        exe: tool("prek", "python3 -m pip install prek"),
        configure: framework_config,
        install: &["install"],
        uninstall,
        git_policy_install: &["install"],
    }
}

/// `prek install` then `git policy install`: git-policy's hook goes to `pre-commit.legacy`,
/// which prek runs before its own; both run, either uninstalls leaving the other working.
#[test]
fn prek_then_git_policy() {
    scenario(&prek(), Order::ManagerFirst, nothing);
}

/// `git policy install` then `prek install`: prek moves git-policy's hook to
/// `pre-commit.legacy` and runs it there; git-policy knows it under that name.
#[test]
fn git_policy_then_prek() {
    scenario(&prek(), Order::GitPolicyFirst, |dev| {
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

/// The entry `git policy install` prints beside prek, added as the note says, has prek
/// run git-policy's hooks without git-policy's own.
#[test]
fn printed_entry_runs_git_policy_through_prek() {
    super::follow_printed_entry(&prek(), ".pre-commit-config.yaml");
}
