//! Protected branches pushed one at a time to a new server: a branch whose allowed source does
//! not exist yet may hold what could have come through it (its source's sources).

use crate::ci::url;
use crate::harness::{Sandbox, TestRepo, accepted};

/// A pytokio history: a feature merged on master, `rc` cut from master, `0.1` cut from `rc`
/// at its first beta, master bumped; and an empty central repository with the server hook.
fn history() -> (TestRepo, TestRepo) {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.set_version("0.1.0.dev1");
    work.git(&["checkout", "-q", "-b", "feature"]);
    work.change("feature.txt", "a feature\n", "add a feature");
    work.checkout("master");
    work.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'feature'",
        "feature",
    ]);
    work.git(&["branch", "rc"]);
    work.git(&["checkout", "-q", "-b", "0.1", "rc"]);
    work.set_version("0.1.0b1");
    work.checkout("master");
    work.set_version("0.2.0.dev1");
    let central = sandbox.bare("central.git");
    accepted(&work.policy(&["install", "--server", &central.path.display().to_string()]));
    work.git(&["remote", "add", "origin", &url(&central)]);
    (work, central)
}

/// `rc` pushed before master exists holds master's merge of a feature: it could only have come
/// through master, which accepts topic branches, so it is accepted; then master is.
#[test]
fn rc_pushed_before_master_received_merges_only_from_no_branch() {
    let (work, central) = history();
    let run = work.git_run(&["push", "origin", "rc"]);
    accepted(&run);
    assert!(!run.all().contains("no branch"), "{}", run.all());
    accepted(&work.git_run(&["push", "origin", "master"]));
    accepted(&work.git_run(&["push", "origin", "0.1"]));
    assert_eq!(central.rev("0.1"), work.rev("0.1"));
}

/// `0.1` pushed before `rc` exists holds master's commits, which reach a version branch
/// through `rc`: accepted; then `rc`.
#[test]
fn version_branch_pushed_before_rc_held_a_foreign_master_commit() {
    let (work, central) = history();
    accepted(&work.git_run(&["push", "origin", "master"]));
    accepted(&work.git_run(&["push", "origin", "0.1"]));
    accepted(&work.git_run(&["push", "origin", "rc"]));
    assert_eq!(central.rev("rc"), work.rev("rc"));
}
