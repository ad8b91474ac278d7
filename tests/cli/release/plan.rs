//! `git policy release plan`: each protected branch's version and last release tag, and the
//! steps the policy allows next, each computed by the step's code and judged (listed only
//! when accepted, with what it would set), or the argument it needs with an example.

use super::branch::twisted;
use super::{audit_clean, release, state, unchanged, with_version_branch};
use crate::harness::accepted;

/// pytokio after the first beta: the plan lists the freeze under rc, the next beta and the
/// final release under 0.12, and the version `branch` needs; following it, the listed freeze
/// is accepted by the server too. Nothing is written by the plan.
#[test]
fn pytokio_plan_lists_the_accepted_steps() {
    let s = with_version_branch();
    accepted(&release(&s.dev, &["tag", "--push"]));
    let before = state(&s.dev);
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    unchanged(&s.dev, &before, &run);
    insta::assert_snapshot!(run.stdout);
    let json = release(&s.dev, &["plan", "--format", "json"]);
    accepted(&json);
    insta::assert_snapshot!("pytokio_plan_json", json.stdout);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let rc = &plan["branches"][1];
    assert_eq!(rc["branch"], "rc");
    assert_eq!(rc["next"][0]["command"], "git policy release freeze");
    accepted(&release(&s.dev, &["freeze", "--push"]));
    audit_clean(&s.central);
}

/// Twisted: with no release branch the plan asks for the ticket (the branch's name); with one
/// checked out whose NEWS lacks the candidate's heading, the plan does not stub NEWS (it is a
/// dry run) and lists what the policy accepts.
#[test]
fn twisted_plan_asks_for_the_ticket_and_writes_nothing() {
    let s = twisted();
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    assert!(
        run.stdout.contains(
            "needs `NAME`: e.g. `git policy release branch releases/release-<ticket> --from trunk`"
        ),
        "{}",
        run.stdout
    );
    accepted(&release(
        &s.dev,
        &["branch", "releases/release-4290", "--push"],
    ));
    s.dev.checkout("releases/release-4290");
    let before = state(&s.dev);
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    unchanged(&s.dev, &before, &run);
    insta::assert_snapshot!(run.stdout);
}
