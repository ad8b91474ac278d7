//! lefthook (from PyPI): it renames a hook it replaces to `<hook>.old` and never runs it, so
//! git-policy chains lefthook's script instead, in either install order.

use super::{Developer, Order, Tool, nothing, scenario, tool};
use crate::harness::{Run, accepted};

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

/// `lefthook install` then `git policy install`: lefthook's script is kept as
/// `pre-commit.legacy` and run first; both run, either uninstalls leaving the other working.
#[test]
fn lefthook_then_git_policy() {
    scenario(&lefthook(), Order::ManagerFirst, nothing);
}

/// `git policy install` then `lefthook install`: lefthook moves git-policy's hook to
/// `pre-commit.old`, where nothing runs it; `git policy install` again finds it there, removes
/// it and chains lefthook's script.
#[test]
fn git_policy_hook_moved_to_old_by_lefthook_is_recovered() {
    scenario(&lefthook(), Order::GitPolicyFirst, |dev| {
        let again = dev.policy(&["install"]);
        accepted(&again);
        assert!(
            again
                .stdout
                .contains("removed git-policy's old hook `pre-commit.old`"),
            "{}",
            again.all()
        );
    });
}

/// The entry `git policy install` prints beside lefthook, added as the note says, has lefthook
/// run git-policy's hooks without git-policy's own.
#[test]
fn printed_entry_runs_git_policy_through_lefthook() {
    super::follow_printed_entry(&lefthook(), "lefthook-local.yml");
}
