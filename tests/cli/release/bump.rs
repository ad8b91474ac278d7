//! `git policy release bump VERSION`: one commit setting VERSION in every version file.

use super::{audit_clean, release, start, state, unchanged};
use crate::harness::{accepted, failed, rejected};
use crate::hooks::setup;

const DAGSTER_FILES: &[(&str, &str)] = &[
    (
        "python_modules/dagster/dagster/version.py",
        "__version__ = \"0.4.2\"\n",
    ),
    (
        "python_modules/dagit/dagit/version.py",
        "\"\"\"dagit\"\"\"\n__version__ = '0.4.2'\n",
    ),
    ("python_modules/README.md", "0.4.2 is not a version file\n"),
];

/// Every file the policy's glob matches is set (lockstep), each keeping the rest of its
/// text, in one commit the server accepts.
#[test]
fn bump_sets_every_version_file() {
    let s = start("dagster", "master", DAGSTER_FILES);
    let run = release(&s.dev, &["bump", "0.4.3.dev1", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(
        s.central
            .git(&["show", "master:python_modules/dagit/dagit/version.py"]),
        "\"\"\"dagit\"\"\"\n__version__ = '0.4.3.dev1'"
    );
    assert_eq!(
        s.central
            .git(&["show", "master:python_modules/dagster/dagster/version.py"]),
        "__version__ = \"0.4.3.dev1\""
    );
    assert_eq!(
        s.central.git(&["diff", "--name-only", "master^", "master"]),
        "python_modules/dagit/dagit/version.py\npython_modules/dagster/dagster/version.py"
    );
    audit_clean(&s.central);
}

/// A version that breaks the branch's rules (going down where versions only go up) is
/// refused with the violation, and nothing is written.
#[test]
fn bump_down_is_refused() {
    let files = [(
        "pypiserver/__init__.py",
        "version = __version__ = \"1.2.2\"\n",
    )];
    let s = start("pypiserver", "main", &files);
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "1.2.1", "--push"]);
    rejected(&run, "version/monotonic");
    unchanged(&s.dev, &before, &run);
}

/// `--dry-run` writes nothing, also for a branch that is not checked out.
#[test]
fn dry_run_writes_nothing() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(
        &s.dev,
        &["bump", "0.12.0.dev2", "--branch", "rc", "--dry-run"],
    );
    accepted(&run);
    assert!(run.stdout.starts_with("rc  "), "{}", run.stdout);
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// A branch that is not checked out moves without touching the work tree.
#[test]
fn bump_of_another_branch_leaves_the_work_tree() {
    let s = setup("pre-receive");
    let head = s.dev.rev("HEAD");
    accepted(&release(
        &s.dev,
        &["bump", "0.12.0.dev2", "--branch", "rc", "--push"],
    ));
    assert_eq!(s.dev.rev("HEAD"), head);
    assert_eq!(s.dev.git(&["status", "--porcelain"]), "");
    let file = s.central.git(&["show", "rc:tokio/__init__.py"]);
    assert!(file.contains("\"0.12.0.dev2\""), "{file}");
    audit_clean(&s.central);
}

/// A version that is no PEP 440 version, or the one the branch has already, is a usage
/// error that names the fix.
#[test]
fn bump_needs_a_new_version() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let run = release(&s.dev, &["bump", "next"]);
    failed(&run, &["`next` is not a PEP 440 version", "e.g. `1.2.3`"]);
    let run = release(&s.dev, &["bump", "0.13.0.dev1"]);
    failed(
        &run,
        &[
            "`master` is at 0.13.0.dev1 already, in every version file",
            "e.g. `git policy release bump 0.13.0.dev2`",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// Bug: a step showed the version it replaced in its normal form (`0.13.0.dev1`) where the
/// file writes `0.13.0-dev1`; the plan too. Both now show it as the file writes it.
#[test]
fn versions_are_shown_as_the_file_writes_them() {
    let s = setup("pre-receive");
    s.dev.set_version("0.13.0-dev1");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    let run = release(&s.dev, &["bump", "0.13.0.dev2", "--dry-run"]);
    accepted(&run);
    assert!(
        run.stdout
            .contains("set version 0.13.0.dev2 (was 0.13.0-dev1)"),
        "{}",
        run.stdout
    );
    let plan = release(&s.dev, &["plan"]);
    accepted(&plan);
    assert!(
        plan.stdout
            .contains("`master` at 0.13.0-dev1 (0.13.0.dev1)"),
        "{}",
        plan.stdout
    );
}
