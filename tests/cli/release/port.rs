//! `git policy release port COMMIT [--onto B]...`: a fix cherry-picked (`-x`) into every branch
//! downstream of the one it is on, each pick made from its immediate upstream's, each branch's
//! version kept; a conflict is refused with the branch and paths, nothing written.

use super::{audit_clean, release, state, unchanged, with_version_branch};
use crate::harness::{accepted, failed, refused};

/// seed 000: "Cherry-pick the changes into downstream branches (rc if committed to master,
/// version branch from rc)": one step picks the fix into rc and the rc pick into 0.12, both
/// pushed at once, each naming its immediate upstream's commit, each version as it was.
#[test]
fn fix_on_master_reaches_rc_and_the_version_branch() {
    let s = with_version_branch();
    s.dev.checkout("master");
    let fix = s
        .dev
        .change("fix.txt", "fixed\n", "Fix a crash in the reader");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    let rc = s.dev.rev("rc");
    let branch = s.dev.rev("0.12");
    let run = release(&s.dev, &["port", &fix, "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(s.central.rev("rc^"), rc);
    assert_eq!(s.central.rev("0.12^"), branch);
    let on_rc = s.central.git(&["log", "-1", "--format=%B", "rc"]);
    assert!(
        on_rc.contains(&format!("(cherry picked from commit {fix})")),
        "{on_rc}"
    );
    let picked_rc = s.central.rev("rc");
    let on_branch = s.central.git(&["log", "-1", "--format=%B", "0.12"]);
    assert!(
        on_branch.contains(&format!("(cherry picked from commit {picked_rc})")),
        "{on_branch}"
    );
    assert!(!on_branch.contains(&fix), "{on_branch}");
    assert_eq!(s.central.git(&["show", "0.12:fix.txt"]), "fixed");
    let version = s.central.git(&["show", "0.12:tokio/__init__.py"]);
    assert!(version.contains("\"0.12.0b1\""), "{version}");
    assert_eq!(s.dev.rev("rc"), picked_rc);
    // Ported already: there is nothing left to do.
    let run = release(&s.dev, &["port", &fix]);
    failed(&run, &["every branch downstream of `master` has"]);
    audit_clean(&s.central);
}

/// A fix that also moved the version: each branch keeps its own version (the conflict on the
/// version file is resolved to the branch's content), and `--onto` limits the branches.
#[test]
fn version_change_is_never_carried() {
    let s = with_version_branch();
    s.dev.checkout("master");
    s.dev.write("fix.txt", "fixed\n");
    s.dev.write(
        "tokio/__init__.py",
        "\"\"\"pytokio\"\"\"\n__version__ = \"0.13.0.dev2\"\n",
    );
    let fix = s.dev.commit("Fix a crash, and version 0.13.0.dev2");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    let branch = s.dev.rev("0.12");
    let run = release(&s.dev, &["port", &fix, "--onto", "rc", "--push"]);
    accepted(&run);
    let version = s.central.git(&["show", "rc:tokio/__init__.py"]);
    assert!(version.contains("\"0.12.0.dev1\""), "{version}");
    assert_eq!(s.central.git(&["show", "rc:fix.txt"]), "fixed");
    assert_eq!(s.central.rev("0.12"), branch, "--onto left 0.12 alone");
    audit_clean(&s.central);
}

/// A pick that conflicts is refused with the branch and the paths, and how to port by hand;
/// nothing is written.
#[test]
fn conflict_is_refused_with_the_paths() {
    let s = with_version_branch();
    s.dev.checkout("rc");
    s.dev
        .change("shared.txt", "rc's line\n", "rc edits shared.txt");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    s.dev.checkout("master");
    let fix = s
        .dev
        .change("shared.txt", "master's line\n", "master edits shared.txt");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    let before = state(&s.dev);
    let central = s.central.git(&["for-each-ref"]);
    let run = release(&s.dev, &["port", &fix, "--push"]);
    let short = &fix[..7];
    failed(
        &run,
        &[
            &format!(
                "cherry-picking {short} onto `rc` conflicts in `shared.txt`: nothing was written"
            ),
            &format!("`git switch rc && git cherry-pick -x {short}`"),
        ],
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(s.central.git(&["for-each-ref"]), central);
}

/// `--dry-run` writes no object either; it prints the picks it would make and writes nothing.
#[test]
fn dry_run_writes_nothing() {
    let s = with_version_branch();
    s.dev.checkout("rc");
    let fix = s.dev.change("fix.txt", "fixed\n", "Hotfix on rc");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["port", &fix, "--dry-run"]);
    accepted(&run);
    assert!(
        run.stdout
            .contains(&format!("cherry-pick of {} from `rc`", &fix[..7])),
        "{}",
        run.stdout
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// pytokio's policy with `cherry-pick = true` on rc and the version branches: a pick must name
/// a commit of the branch's own source.
const PICKY: &str = r#"[version]
files = ["tokio/__init__.py"]

[branches.master]
accepts = "any"
version = { kinds = ["dev"], above = { branch = "rc", by = "minor" } }

[branches.rc]
accepts = ["master"]
cherry-pick = true
version = { kinds = ["dev"] }

[branches.version]
pattern = '^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$'
accepts = ["rc"]
cherry-pick = true
version = { kinds = ["pre", "final", "post"], matches = "=={major}.{minor}.*", ahead-of-tags = true }

[tags.release]
pattern = "v{version}"
kinds = ["pre", "final", "post"]
on = ["version"]
immutable = true
deletable = false
"#;

/// Rule flow/cherry-pick: the pick on 0.12 names rc's pick, a commit of 0.12's source, so the
/// server takes both; a pick of master's commit straight onto 0.12, as `git cherry-pick -x`
/// makes it by hand, is refused.
#[test]
fn each_pick_names_a_commit_of_its_source() {
    let files = [
        (".git-policy.toml", PICKY),
        ("tokio/__init__.py", "__version__ = \"0.12.0.dev1\"\n"),
    ];
    let s = super::start_with(None, "master", &files);
    s.dev.git(&["branch", "rc"]);
    s.dev.set_version("0.13.0.dev1");
    accepted(
        &s.dev
            .git_run(&["push", "-q", "--atomic", "origin", "master", "rc"]),
    );
    accepted(&release(
        &s.dev,
        &["branch", "--version", "0.12.0b1", "--push"],
    ));
    let fix = s
        .dev
        .change("fix.txt", "fixed\n", "Fix a crash in the reader");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    // By hand, straight from master: refused (here by the client hook, as on the server).
    s.dev.checkout("0.12");
    let run = s.dev.git_run(&["cherry-pick", "-x", &fix]);
    refused(&run, "flow/cherry-pick");
    s.dev.git(&["reset", "-q", "--hard", "HEAD"]);
    s.dev.checkout("master");
    let run = release(&s.dev, &["port", &fix, "--push"]);
    accepted(&run);
    assert_eq!(s.central.git(&["show", "0.12:fix.txt"]), "fixed");
    audit_clean(&s.central);
}

/// `--onto` that leaves out the branch a target takes commits from is refused with the
/// command that ports onto both; nothing is written.
#[test]
fn onto_without_the_source_between_is_refused() {
    let s = with_version_branch();
    s.dev.checkout("master");
    let fix = s
        .dev
        .change("fix.txt", "fixed\n", "Fix a crash in the reader");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    let before = state(&s.dev);
    let run = release(&s.dev, &["port", &fix, "--onto", "0.12"]);
    failed(
        &run,
        &[
            "`0.12` takes commits from `rc`, which lacks",
            &format!("`git policy release port {fix} --onto rc --onto 0.12`"),
        ],
    );
    unchanged(&s.dev, &before, &run);
    accepted(&release(
        &s.dev,
        &["port", &fix, "--onto", "rc", "--onto", "0.12", "--push"],
    ));
    assert_eq!(s.central.git(&["show", "0.12:fix.txt"]), "fixed");
    audit_clean(&s.central);
}

/// Bug: the conflict's hint ended in "push `rc`", not a command; it now ends in the push to
/// run, and followed literally (the conflict resolved), the server takes the port.
#[test]
fn conflict_hint_followed_literally_lands() {
    let s = with_version_branch();
    s.dev.checkout("rc");
    s.dev
        .change("shared.txt", "rc's line\n", "rc edits shared.txt");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "rc"]));
    s.dev.checkout("master");
    let fix = s
        .dev
        .change("shared.txt", "master's line\n", "master edits shared.txt");
    accepted(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    let run = release(&s.dev, &["port", &fix, "--onto", "rc", "--push"]);
    let short = &fix[..7];
    failed(
        &run,
        &[&format!(
            "hint: port it by hand: `git switch rc && git cherry-pick -x {short}`, resolve the conflicts, `git cherry-pick --continue`, then `git push origin rc`"
        )],
    );
    s.dev.checkout("rc");
    let picked = s.dev.git_run(&["cherry-pick", "-x", short]);
    assert_ne!(picked.code, 0, "{}", picked.all());
    s.dev.write("shared.txt", "both lines\n");
    s.dev.git(&["add", "shared.txt"]);
    let continued = s
        .dev
        .command("git")
        .args(["cherry-pick", "--continue"])
        .env("GIT_EDITOR", "true")
        .output()
        .expect("run git cherry-pick --continue");
    assert!(continued.status.success(), "{continued:?}");
    accepted(&s.dev.git_run(&["push", "origin", "rc"]));
    assert_eq!(s.central.rev("rc"), s.dev.rev("rc"));
    audit_clean(&s.central);
}
