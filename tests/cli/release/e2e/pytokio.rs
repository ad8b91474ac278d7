//! seed 000, pytokio: master, rc and version branches; feature freezes, betas tagged on the
//! version branch with the branch one beta ahead, fixes cherry-picked down the line.

use super::{Served, served_by};

const FILES: &[(&str, &str)] = &[(
    "tokio/__init__.py",
    "\"\"\"pytokio\"\"\"\n__version__ = \"0.11.0.dev1\"\n",
)];

/// The version `rev` carries on the server.
fn version(s: &Served, rev: &str) -> String {
    let file = s.on_server(rev, "tokio/__init__.py");
    let line = file
        .lines()
        .find(|l| l.starts_with("__version__"))
        .unwrap_or_else(|| panic!("no version at {rev}: {file}"));
    line.trim_start_matches("__version__ = ")
        .trim_matches('"')
        .to_owned()
}

/// Asserts `branch` on the server holds `path`, by a commit that says which it was picked
/// from.
#[track_caller]
fn has_fix(s: &Served, branch: &str, path: &str) {
    let log = s
        .bare
        .git(&["log", "--format=%H %s%n%b", branch, "--", path]);
    assert!(!log.is_empty(), "`{branch}` lacks {path}");
}

/// seed 000 end to end: two feature freezes, two version branches, betas b1 to b3 and the
/// final release of 0.12, a fix on master ported to rc and 0.12, a hotfix on rc ported to
/// 0.12, a post-release fix ported down the whole line, and the first beta of 0.13.
#[test]
fn pytokio_release_procedure() {
    procedure("pre-receive");
}

/// seed 000 end to end against a server whose `update` hook judges each ref alone: every
/// step of several refs (the freezes, the betas with the branch moved ahead, the ports) is
/// pushed one ref at a time where the atomic push is refused, and none is refused in the end.
#[test]
fn pytokio_release_procedure_under_the_update_hook() {
    procedure("update");
}

/// seed 000 under the `update` hook: `release freeze --push` is refused as one atomic push
/// (the server judges `rc` before `master` moved on), so the step pushes `master` then `rc`,
/// one at a time, says so, and writes both here.
#[test]
fn freeze_pushed_to_an_update_hook_server() {
    let s = served_by("update", "pytokio", "master", FILES, |work| {
        work.git(&["branch", "rc"]);
        work.set_version("0.12.0.dev1");
    });
    let run = s.release(&["freeze", "--push"]);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(version(&s, "master"), "0.13.0.dev1");
    assert_eq!(version(&s, "rc"), "0.12.0.dev1");
    s.audit();
}

/// Under the `update` hook, a freeze whose second ref the server refuses (here a hook of the
/// administrator's that runs before git-policy's) lands `master` alone: the clone writes
/// `master` and its tracking ref and nothing else, exits 2 naming what landed, and the `git
/// push` its hint gives publishes the rest once the server takes it.
#[test]
fn freeze_refused_midway_by_an_update_hook_server() {
    use std::os::unix::fs::PermissionsExt;
    let s = served_by("update", "pytokio", "master", FILES, |work| {
        work.git(&["branch", "rc"]);
        work.set_version("0.12.0.dev1");
    });
    let legacy = s.bare.path.join("hooks/update.legacy");
    let frozen =
        "#!/bin/sh\n[ \"$1\" = refs/heads/rc ] && echo \"rc is frozen\" >&2 && exit 1\nexit 0\n";
    std::fs::write(&legacy, frozen).expect("write the administrator's hook");
    std::fs::set_permissions(&legacy, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let rc = s.bare.rev("rc");
    let run = s.dev.policy(&["release", "freeze", "--push"]);
    assert_eq!(run.code, 2, "{}", run.all());
    // What git-policy says after the server's refusal: what landed, and how to push the rest.
    let lines: Vec<&str> = run.stderr.lines().collect();
    insta::assert_snapshot!(lines[lines.len().saturating_sub(2)..].join("\n"));
    assert!(run.stderr.contains("rc is frozen"), "{}", run.all());
    assert_eq!(version(&s, "master"), "0.13.0.dev1");
    assert_eq!(s.bare.rev("rc"), rc, "the server kept `rc`");
    assert_eq!(s.dev.rev("master"), s.bare.rev("master"));
    assert_eq!(s.dev.rev("origin/master"), s.bare.rev("master"));
    let local_rc = s
        .dev
        .git_run(&["rev-parse", "-q", "--verify", "refs/heads/rc"]);
    assert_ne!(
        local_rc.code,
        0,
        "`rc` was not written here: {}",
        local_rc.all()
    );
    assert_eq!(s.dev.rev("origin/rc"), rc);
    assert_eq!(
        s.dev
            .git(&["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    // The hint's command, run as written once the administrator lets `rc` move.
    let hint = run
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("hint: "))
        .expect("a hint");
    let command = hint
        .split('`')
        .nth(3)
        .unwrap_or_else(|| panic!("a command in: {hint}"));
    assert!(command.starts_with("git push origin "), "{hint}");
    std::fs::remove_file(&legacy).expect("remove the administrator's hook");
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    super::ok(&s.dev.git_run(&args));
    assert_eq!(version(&s, "rc"), "0.12.0.dev1");
    s.audit();
}

fn procedure(hook: &str) {
    let s = served_by(hook, "pytokio", "master", FILES, |work| {
        work.git(&["branch", "rc"]);
        work.set_version("0.12.0.dev1");
    });
    s.feature("master", "feature-a");

    // "Feature freezing": where the branches stand, and the freeze the policy offers.
    s.plan_offers("git policy release freeze");
    // Feature freezing: "1. Merge master into rc 2. In master, update version in tokio/ from
    // 0.N.0.devX to 0.(N+1).0.dev1 3. Commit to master"
    s.release(&["freeze", "--push"]);
    assert_eq!(version(&s, "rc"), "0.12.0.dev1");
    assert_eq!(version(&s, "master"), "0.13.0.dev1");
    assert!(
        s.bare
            .git(&["ls-tree", "--name-only", "rc"])
            .contains("feature-a.txt")
    );

    // Cutting a first beta release: "1. Create a branch from rc called 0.N 2. In that branch,
    // update the version from 0.N.0.devX to 0.N.0b1 3. Commit to 0.N"
    s.release(&["branch", "0.12", "--version", "0.12.0b1", "--push"]);
    assert_eq!(version(&s, "0.12"), "0.12.0b1");
    // "4. Tag/release v0.N.0b1 from GitHub's UI from the 0.N branch 5. Update the version in
    // 0.N from 0.N.0b1 to 0.N.0b2 to prepare for a hypothetical next release 6. Commit to 0.N"
    s.release(&["tag", "--branch", "0.12", "--push"]);
    assert_eq!(version(&s, "v0.12.0b1"), "0.12.0b1");
    assert_eq!(version(&s, "0.12"), "0.12.0b2");

    // Applying fixes to a beta release: "1. Merge changes into master if the fix still
    // applies there."
    let fix = s.work("master", "fix-1.txt", "fix 1\n", "fix: one");
    // "2. Cherry-pick the changes into downstream branches (rc if committed to master,
    // version branch from rc)"
    s.release(&["port", &fix, "--push"]);
    has_fix(&s, "rc", "fix-1.txt");
    has_fix(&s, "0.12", "fix-1.txt");
    // Each pick names the commit of its immediate upstream: rc's names master's, 0.12's rc's.
    let on_rc = s.bare.rev("rc");
    let message = s.bare.git(&["log", "-1", "--format=%B", "rc"]);
    assert!(
        message.contains(&format!("(cherry picked from commit {fix})")),
        "{message}"
    );
    let message = s.bare.git(&["log", "-1", "--format=%B", "0.12"]);
    assert!(
        message.contains(&format!("(cherry picked from commit {on_rc})")),
        "{message}"
    );
    // "Commit changes to rc if the fix still applies there"
    let hotfix = s.work("rc", "hotfix-1.txt", "hotfix 1\n", "fix: hotfix on rc");
    // "Cherry-pick the changes into downstream branches (... version branch from rc)"
    s.release(&["port", &hotfix, "--push"]);
    has_fix(&s, "0.12", "hotfix-1.txt");
    assert_eq!(
        version(&s, "rc"),
        "0.12.0.dev1",
        "a port keeps each version"
    );
    assert_eq!(version(&s, "0.12"), "0.12.0b2", "a port keeps each version");
    let picked = s.bare.git(&["log", "-1", "--format=%B", "0.12"]);
    assert!(
        picked.contains(&format!("(cherry picked from commit {hotfix})")),
        "{picked}"
    );

    // Cutting a second beta release: "1. Tag the version (git tag v0.N.0-beta2) on the 0.N
    // branch 2. git push --tags to send the new tag up to GitHub" ... "6. Update the version
    // in 0.N from 0.N.0b2 to 0.N.0b3 (or b4, etc) to prepare for a hypothetical next release
    // 7. Commit to 0.N"
    s.release(&["tag", "--branch", "0.12", "--push"]);
    assert_eq!(version(&s, "v0.12.0b2"), "0.12.0b2");
    assert_eq!(version(&s, "0.12"), "0.12.0b3");
    // "6. Update the version in 0.N from 0.N.0b2 to 0.N.0b3 (or b4, etc) to prepare for a
    // hypothetical next release": the third beta, tagged the same way.
    s.release(&["tag", "--branch", "0.12", "--push"]);
    assert_eq!(version(&s, "v0.12.0b3"), "0.12.0b3");
    assert_eq!(version(&s, "0.12"), "0.12.0b4");

    // "Releasing pytokio": the final release of 0.12 is among the steps offered.
    s.plan_offers("git policy release tag --final --branch 0.12");
    // Releasing pytokio: "Ensure that the tokio.__version__ (in tokio/ is correctly set in
    // the version branch from which you would like to cut a release."
    s.release(&["tag", "--final", "--branch", "0.12", "--push"]);
    assert_eq!(version(&s, "v0.12.0"), "0.12.0");
    assert_eq!(version(&s, "0.12"), "0.12.1b1");

    // A post-release fix: "Merge changes into master if the fix still applies there" ...
    // "Cherry-pick the changes into downstream branches"
    let late = s.work("master", "fix-2.txt", "fix 2\n", "fix: two, after 0.12.0");
    s.release(&["port", &late, "--push"]);
    has_fix(&s, "rc", "fix-2.txt");
    has_fix(&s, "0.12", "fix-2.txt");
    assert_eq!(version(&s, "0.12"), "0.12.1b1");

    // The second feature freeze: "Merge master into rc" ... "update version ... to
    // 0.(N+1).0.dev1"
    s.feature("master", "feature-b");
    s.release(&["freeze", "--push"]);
    assert_eq!(version(&s, "rc"), "0.13.0.dev1");
    assert_eq!(version(&s, "master"), "0.14.0.dev1");
    // "Create a branch from rc called 0.N" ... "update the version from 0.N.0.devX to
    // 0.N.0b1": the next version branch and its first beta follow from the policy and tags.
    s.release(&["branch", "--push"]);
    assert_eq!(version(&s, "0.13"), "0.13.0b1");
    // "Tag/release v0.N.0b1" ... "Update the version in 0.N from 0.N.0b1 to 0.N.0b2"
    s.release(&["tag", "--branch", "0.13", "--push"]);
    assert_eq!(version(&s, "v0.13.0b1"), "0.13.0b1");
    assert_eq!(version(&s, "0.13"), "0.13.0b2");
    has_fix(&s, "0.13", "hotfix-1.txt");
    has_fix(&s, "0.13", "fix-2.txt");

    // "Merge changes into master if the fix still applies there" ... "Cherry-pick the changes
    // into downstream branches": with two version branches, the fix reaches both, each pick
    // from rc's.
    let third = s.work(
        "master",
        "fix-3.txt",
        "fix 3\n",
        "fix: three, for both lines",
    );
    s.release(&["port", &third, "--push"]);
    let on_rc = s.bare.rev("rc");
    for branch in ["0.12", "0.13"] {
        has_fix(&s, branch, "fix-3.txt");
        let message = s.bare.git(&["log", "-1", "--format=%B", branch]);
        assert!(
            message.contains(&format!("(cherry picked from commit {on_rc})")),
            "{message}"
        );
    }
    assert_eq!(version(&s, "0.12"), "0.12.1b1");
    assert_eq!(version(&s, "0.13"), "0.13.0b2");

    assert_eq!(
        s.server_refs(),
        [
            "refs/heads/0.12",
            "refs/heads/0.13",
            "refs/heads/master",
            "refs/heads/rc",
            "refs/tags/v0.12.0",
            "refs/tags/v0.12.0b1",
            "refs/tags/v0.12.0b2",
            "refs/tags/v0.12.0b3",
            "refs/tags/v0.13.0b1",
        ]
    );
    for tag in [
        "v0.12.0b1",
        "v0.12.0b2",
        "v0.12.0b3",
        "v0.12.0",
        "v0.13.0b1",
    ] {
        assert_eq!(
            s.bare.git(&["cat-file", "-t", tag]),
            "tag",
            "{tag} annotated"
        );
    }
    s.audit();
    s.readme_shows("pytokio");
}

/// By hand through a per-ref `update` hook: the freeze written locally (no `--push`), then
/// `master` pushed before `rc`; each push is accepted on both sides.
#[test]
fn freeze_then_pushed_ref_by_ref_to_an_update_hook_server() {
    let s = served_by("update", "pytokio", "master", FILES, |work| {
        work.git(&["branch", "rc"]);
        work.set_version("0.12.0.dev1");
    });
    s.release(&["freeze"]);
    super::ok(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    super::ok(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    assert_eq!(version(&s, "master"), "0.13.0.dev1");
    assert_eq!(version(&s, "rc"), "0.12.0.dev1");
    s.audit();
}
