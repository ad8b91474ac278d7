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
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
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
/// checked out whose NEWS lacks the candidate's heading, the plan says that entry comes first
/// and which command stubs it, and does not stub NEWS itself (it is a dry run).
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
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
    assert!(
        run.stdout.contains(
            "needs a changelog entry: `NEWS` on `releases/release-4290` has no entry for 23.1.0rc1"
        ),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(run.stdout);
}

/// A fix on rc that 0.12 lacks is the plan's example of `port` under rc (the commit is the
/// user's to choose); once ported, rc has none to offer.
#[test]
fn unported_fix_is_the_example_of_port() {
    let s = with_version_branch();
    s.dev.checkout("rc");
    let fix = s.dev.change("fix.txt", "fixed\n", "Hotfix on rc");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    let line = format!(
        "needs `COMMIT`: e.g. `git policy release port {}`",
        &fix[..7]
    );
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    let rc = run.stdout.split("\n\n").find(|b| b.starts_with("`rc`"));
    assert!(rc.is_some_and(|rc| rc.contains(&line)), "{}", run.stdout);
    accepted(&release(&s.dev, &["port", &fix, "--push"]));
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    assert!(!run.stdout.contains(&line), "{}", run.stdout);
}

/// Dagster at a released version: no tag is accepted without a new version, so the plan asks
/// for the VERSION with the next micro's first candidate as the example, which is accepted.
#[test]
fn next_release_is_asked_for_with_an_example() {
    let files = [
        (
            "python_modules/dagster/dagster/version.py",
            "__version__ = \"0.4.2\"\n",
        ),
        (
            "python_modules/dagit/dagit/version.py",
            "__version__ = \"0.4.2\"\n",
        ),
    ];
    let s = super::start("dagster", "master", &files);
    let run = release(&s.dev, &["plan"]);
    accepted(&run);
    let example = "git policy release tag 0.4.3rc1 --branch master";
    assert!(
        run.stdout
            .contains(&format!("needs `VERSION`: e.g. `{example}`")),
        "{}",
        run.stdout
    );
    let args: Vec<&str> = example.split(' ').skip(3).chain(["--push"]).collect();
    accepted(&release(&s.dev, &args));
    audit_clean(&s.central);
}
