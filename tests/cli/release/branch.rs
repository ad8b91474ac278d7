//! `git policy release branch [NAME] [--from B] [--version V]`: the next branch of a class cut
//! from its source with its first version from the policy (the pre-release letter of the
//! newest pre-release tag, a calendar release), or the argument the policy leaves to the user.

use super::{audit_clean, release, start, state, unchanged, with_version_branch};
use crate::harness::{Sandbox, accepted, failed, rejected, serve};
use crate::hooks::{Setup, setup};

/// The version file of Twisted at `major.minor.micro` (and `extra`, e.g. `, dev=0`).
pub fn twisted_version(major: u32, minor: u32, micro: u32, extra: &str) -> String {
    format!(
        "from incremental import Version\n\n__version__ = Version(\"Twisted\", {major}, {minor}, {micro}{extra})\n"
    )
}

/// Twisted's preset on trunk at 23.0.0, released as `twisted-23.0.0` (NEWS has its section),
/// served and cloned as [`super::start`] does.
pub fn twisted() -> Setup {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.git(&["symbolic-ref", "HEAD", "refs/heads/trunk"]);
    work.write("src/twisted/_version.py", &twisted_version(23, 0, 0, ""));
    work.write(
        "NEWS",
        ".. towncrier release notes start\n\nTwisted 23.0.0 (2023-11-14)\n===========================\n",
    );
    accepted(&work.policy(&["init", "--preset", "twisted"]));
    work.commit("Initial import, with the release policy");
    work.git(&["tag", "-a", "-m", "release", "twisted-23.0.0"]);
    let central = serve(&work, "pre-receive");
    let dev = sandbox.clone_of(&central, "dev");
    accepted(&dev.policy(&["install"]));
    Setup {
        sandbox,
        central,
        dev,
    }
}

/// seed 000: "Create a branch from rc called 0.N ... update the version from 0.N.0.devX to
/// 0.N.0b1": with no pre-release tagged yet the letter is the user's (`--version`, with an
/// example); given, the branch is cut from rc with the version committed and pushed.
#[test]
fn first_version_branch_needs_the_version_then_is_cut() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let run = release(&s.dev, &["branch"]);
    failed(
        &run,
        &[
            "the policy does not say which version `0.12` starts at",
            "hint: give `--version`, e.g. `git policy release branch 0.12 --from rc --version 0.12.0b1`",
        ],
    );
    unchanged(&s.dev, &before, &run);
    let run = release(&s.dev, &["branch", "--version", "0.12.0b1", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(s.central.rev("0.12^"), s.central.rev("rc"));
    let file = s.central.git(&["show", "0.12:tokio/__init__.py"]);
    assert!(file.contains("\"0.12.0b1\""), "{file}");
    assert_eq!(s.dev.rev("0.12"), s.central.rev("0.12"));
    assert_eq!(s.dev.rev("origin/0.12"), s.central.rev("0.12"));
    audit_clean(&s.central);
}

/// After a freeze the next version branch is named by rc's version and starts at the first
/// pre-release with the letter of the newest pre-release tag (`v0.12.0b1`: `0.13.0b1`).
#[test]
fn next_version_branch_takes_the_letter_of_the_last_pre_release() {
    let s = with_version_branch();
    accepted(&release(&s.dev, &["tag", "--push"]));
    // The feature freeze, by hand: rc takes master, master moves on.
    s.dev.checkout("master");
    s.dev.set_version("0.14.0.dev1");
    s.dev.checkout("rc");
    s.dev.git(&["merge", "-q", "--ff-only", "master^"]);
    accepted(
        &s.dev
            .git_run(&["push", "-q", "--atomic", "origin", "master", "rc"]),
    );
    let run = release(&s.dev, &["branch", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    let file = s.central.git(&["show", "0.13:tokio/__init__.py"]);
    assert!(file.contains("\"0.13.0b1\""), "{file}");
    assert_eq!(s.central.rev("0.13^"), s.central.rev("rc"));
    audit_clean(&s.central);
}

/// A branch that exists already is refused before anything is computed; nothing is written.
#[test]
fn existing_branch_is_refused() {
    let s = with_version_branch();
    let before = state(&s.dev);
    let run = release(
        &s.dev,
        &["branch", "0.12", "--version", "0.12.0b1", "--push"],
    );
    failed(&run, &["branch `0.12` exists already"]);
    unchanged(&s.dev, &before, &run);
}

/// A first version the branch's rules refuse (`0.13.0b1` on branch `0.12`) is the evaluator's
/// refusal, exit 1, and nothing is written.
#[test]
fn version_the_branch_name_refuses() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let run = release(&s.dev, &["branch", "--version", "0.13.0b1", "--push"]);
    rejected(&run, "version/branch-name");
    insta::assert_snapshot!(run.stdout);
    unchanged(&s.dev, &before, &run);
    assert!(
        s.central
            .git_run(&["rev-parse", "--verify", "-q", "0.12"])
            .code
            != 0
    );
}

/// `--dry-run` writes no object either; it prints the branch it would cut and writes nothing.
#[test]
fn dry_run_writes_nothing() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["branch", "--version", "0.12.0b1", "--dry-run"]);
    accepted(&run);
    assert!(run.stdout.contains("0.12  (new) → "), "{}", run.stdout);
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// seed 004: "create a branch named releases/release-NNNN from trunk ... the version
/// YY.N.0rc1": the ticket is the user's (asked for), the version a calendar release of this
/// year numbered after the year's tags, with the pre-release letter the tag class allows.
#[test]
fn twisted_release_branch_is_a_calendar_release_candidate() {
    let s = twisted();
    let run = release(&s.dev, &["branch"]);
    failed(
        &run,
        &["give `NAME`, e.g. `git policy release branch releases/release-<ticket> --from trunk`"],
    );
    let run = release(&s.dev, &["branch", "releases/release-4290", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    let file = s
        .central
        .git(&["show", "releases/release-4290:src/twisted/_version.py"]);
    assert!(
        file.contains("Version(\"Twisted\", 23, 1, 0, release_candidate=1)"),
        "{file}"
    );
    audit_clean(&s.central);
}

/// seed 001: "create a release branch release/v1.2.3 from main": an unprotected branch is cut
/// from the default branch with the version its name says.
#[test]
fn unprotected_branch_takes_the_version_in_its_name() {
    let files = [
        ("src/__init__.py", "__version__ = \"1.2.2\"\n"),
        ("CHANGELOG.md", "# Changelog\n"),
    ];
    let s = start("github-rc", "main", &files);
    let run = release(&s.dev, &["branch", "release/v1.2.3", "--push"]);
    accepted(&run);
    let file = s.central.git(&["show", "release/v1.2.3:src/__init__.py"]);
    assert!(file.contains("\"1.2.3\""), "{file}");
    assert_eq!(s.central.rev("release/v1.2.3^"), s.central.rev("main"));
    audit_clean(&s.central);
}

/// Bug: a name git refuses as a branch (`0.14..x`) passed the dry run and failed on writing
/// with libgit2's own message; it is refused first, with where git's rules are.
#[test]
fn invalid_branch_name_is_refused_first() {
    let s = setup("pre-receive");
    let before = state(&s.dev);
    for args in [
        &[
            "branch",
            "0.14..x",
            "--from",
            "rc",
            "--version",
            "0.14.0b1",
            "--dry-run",
        ][..],
        &["branch", "0.14..x", "--from", "rc", "--version", "0.14.0b1"][..],
    ] {
        let run = release(&s.dev, args);
        failed(
            &run,
            &[
                "`0.14..x` is not a branch name git takes",
                "hint: name it as git allows: `git help check-ref-format` lists the rules",
            ],
        );
        unchanged(&s.dev, &before, &run);
    }
}
