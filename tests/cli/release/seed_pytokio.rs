//! seed 000 (pytokio) end to end with `git policy release`: two freezes, two version
//! branches, betas b1 to b3, a fix on master and a hotfix on rc ported downstream, a final
//! release and a post-release fix, against a served repository with the server hook and the
//! client hooks installed; no refusal, no `--no-verify`, the server's audit clean.

use super::{audit_clean, release};
use crate::harness::{TestRepo, accepted};
use crate::hooks::setup;

/// Runs a step with `--push` and asserts it was accepted everywhere.
fn step(dev: &TestRepo, args: &[&str]) {
    let mut args = args.to_vec();
    args.push("--push");
    let run = release(dev, &args);
    accepted(&run);
    assert!(!run.all().contains("--no-verify"), "{}", run.all());
}

/// The version `rev` carries on the server.
fn version(central: &TestRepo, rev: &str) -> String {
    central.git(&["show", &format!("{rev}:tokio/__init__.py")])
}

/// The whole documented procedure, each step quoting the sentence it replaces.
#[test]
fn pytokio_release_process() {
    let s = setup("pre-receive");
    let dev = &s.dev;
    // "Feature freezing ... 1. Merge master into rc 2. In master, update version in tokio/
    // from 0.N.0.devX to 0.(N+1).0.dev1 3. Commit to master"
    step(dev, &["freeze"]);
    assert!(version(&s.central, "rc").contains("0.13.0.dev1"));
    assert!(version(&s.central, "master").contains("0.14.0.dev1"));
    // "Create a branch from rc called 0.N ... In that branch, update the version from
    // 0.N.0.devX to 0.N.0b1": no beta was tagged yet, so the letter is given.
    step(dev, &["branch", "--version", "0.13.0b1"]);
    // "Tag/release v0.N.0b1 ... Update the version in 0.N from 0.N.0b1 to 0.N.0b2"
    step(dev, &["tag", "--branch", "0.13"]);
    assert!(version(&s.central, "0.13").contains("0.13.0b2"));
    // "Merge changes into master if the fix still applies there ... Cherry-pick the changes
    // into downstream branches (rc if committed to master, version branch from rc)"
    dev.checkout("master");
    let fix = dev.change("reader.txt", "fixed\n", "Fix a crash in the reader");
    accepted(&dev.git_run(&["push", "-q", "origin", "master"]));
    step(dev, &["port", &fix]);
    // "Commit changes to rc if the fix still applies there"
    dev.checkout("rc");
    dev.git(&["pull", "-q", "--ff-only"]);
    let hotfix = dev.change("hdf5.txt", "fixed\n", "Hotfix the HDF5 reader");
    accepted(&dev.git_run(&["push", "-q", "origin", "rc"]));
    step(dev, &["port", &hotfix]);
    for file in ["reader.txt", "hdf5.txt"] {
        assert_eq!(s.central.git(&["show", &format!("0.13:{file}")]), "fixed");
    }
    // "Cutting a second beta release 1. Tag the version (git tag v0.N.0-beta2) on the 0.N
    // branch ... 6. Update the version in 0.N from 0.N.0b2 to 0.N.0b3"
    step(dev, &["tag", "--branch", "0.13"]);
    step(dev, &["tag", "--branch", "0.13"]);
    assert_eq!(
        s.central.git(&["tag", "--list", "v0.13.0b*"]),
        "v0.13.0b1\nv0.13.0b2\nv0.13.0b3"
    );
    // The next feature freeze, and the next version branch: its first beta's letter is the
    // last beta's, so no version is given.
    dev.checkout("master");
    dev.git(&["pull", "-q", "--ff-only"]);
    dev.change("feature.txt", "feature two\n", "Add feature two");
    accepted(&dev.git_run(&["push", "-q", "origin", "master"]));
    step(dev, &["freeze"]);
    step(dev, &["branch"]);
    assert!(version(&s.central, "0.14").contains("0.14.0b1"));
    // "Ensure that the tokio.__version__ ... is correctly set in the version branch from
    // which you would like to cut a release"
    step(dev, &["tag", "--final", "--branch", "0.13"]);
    assert!(version(&s.central, "v0.13.0").contains("\"0.13.0\""));
    // A post-release fix on master reaches rc and both version branches.
    dev.checkout("master");
    dev.git(&["pull", "-q", "--ff-only"]);
    let late = dev.change("late.txt", "fixed\n", "Fix after the release");
    accepted(&dev.git_run(&["push", "-q", "origin", "master"]));
    step(dev, &["port", &late]);
    for branch in ["rc", "0.13", "0.14"] {
        assert_eq!(
            s.central.git(&["show", &format!("{branch}:late.txt")]),
            "fixed"
        );
    }
    assert!(version(&s.central, "0.13").contains("0.13.1b1"));
    let plan = release(dev, &["plan"]);
    accepted(&plan);
    assert!(
        plan.stdout
            .contains("next: `git policy release tag --branch 0.14`"),
        "{}",
        plan.stdout
    );
    audit_clean(&s.central);
}
