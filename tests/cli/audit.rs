//! `git policy check` without arguments sees the flow already in the repository: a protected
//! branch holding commits made on a branch it does not accept, and nothing on a legal history.

use crate::fixtures::pytokio_repo;
use crate::harness::{Sandbox, TestRepo};
use crate::replay::{START, textbook};

/// The audit's exit code and rules, and everything it printed.
fn audited(repo: &TestRepo) -> (i32, Vec<String>, String) {
    let run = repo.policy(&["check"]);
    (run.code, run.rules(), run.all())
}

/// The audit said "ok" of a master holding rc's hotfix merged in: each tip was judged as an
/// update to itself, which never reached the flow rules.
#[test]
fn audit_said_ok_with_rc_merged_into_master() {
    let repo = pytokio_repo();
    repo.checkout("rc");
    let fix = repo.change("fix.txt", "fix\n", "hotfix on rc");
    repo.checkout("master");
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge branch 'rc'", "rc"]);
    let (code, rules, all) = audited(&repo);
    assert_eq!((code, rules), (1, vec!["flow/foreign".to_owned()]), "{all}");
    assert!(
        all.contains("error[flow/foreign]: 1 commit of `rc` is in `master`, which accepts only topic branches")
            && all.contains(&format!("   {} hotfix on rc", &fix[..7])),
        "{all}"
    );
}

/// master merged straight into a version branch (skipping rc) is held by the version branch
/// without rc holding it: reported.
#[test]
fn audit_said_ok_with_master_merged_into_a_version_branch() {
    let sandbox = Sandbox::new();
    let d = textbook(&sandbox, |n| START + n * 60);
    d.git(&["checkout", "-q", "0.12"]);
    d.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-X",
        "ours",
        "-m",
        "Merge branch 'master' into 0.12",
        "master",
    ]);
    d.git(&["checkout", "-q", "master"]);
    let (code, rules, all) = audited(&d.repo);
    assert_eq!(code, 1, "{all}");
    assert!(rules.contains(&"flow/foreign".to_owned()), "{all}");
    assert!(
        all.contains("of `master` are in `0.12`, which accepts only `rc`"),
        "{all}"
    );
}

/// Two release cycles done by the book (rc cut with no commit of its own, a version branch cut
/// from it, a hotfix on rc merged into the version branch, the second freeze merging master
/// into rc and cutting the next version branch): the audit and the replay find nothing.
#[test]
fn audit_and_replay_are_clean_on_two_textbook_cycles() {
    let sandbox = Sandbox::new();
    let d = textbook(&sandbox, |_| START);
    d.git(&["checkout", "-q", "rc"]);
    d.commit("rcfix.txt", "fix\n", "hotfix on rc");
    d.git(&["checkout", "-q", "0.12"]);
    d.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'rc' into 0.12",
        "rc",
    ]);
    d.git(&["checkout", "-q", "master"]);
    let frozen = d.repo.rev("master");
    d.set_version("0.14.0.dev1");
    d.git(&["checkout", "-q", "rc"]);
    d.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'master' into rc",
        &frozen,
    ]);
    d.git(&["checkout", "-q", "-b", "0.13"]);
    d.set_version("0.13.0b1");
    d.git(&["tag", "v0.13.0b1"]);
    d.set_version("0.13.0b2");
    d.git(&["checkout", "-q", "master"]);
    let (code, rules, all) = audited(&d.repo);
    assert_eq!((code, rules), (0, Vec::<String>::new()), "{all}");
    let run = d.repo.policy(&["check", "--history"]);
    assert_eq!(
        (run.code, run.rules()),
        (0, Vec::<String>::new()),
        "{}",
        run.all()
    );
}
