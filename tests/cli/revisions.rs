//! Revisions where a commit is asked for are resolved as git resolves them; a name git does
//! not know gets the nearest branch as "did you mean".

use crate::harness::{Sandbox, accepted, failed, pytokio};

/// `check --old/--new` take `HEAD~1`, `HEAD`, a tag's name and `origin/master`, not only
/// 40-digit ids.
#[test]
fn check_old_new_refused_revisions_git_accepts() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    accepted(&work.judge("refs/heads/master", "HEAD~1", "HEAD"));
    work.git(&["tag", "snapshot"]);
    accepted(&work.judge("refs/heads/master", "HEAD~1", "snapshot"));
    let dev = sandbox.clone_of(&work, "dev");
    let run = dev.judge("refs/heads/master", "origin/master~1", "origin/master");
    accepted(&run);
    assert!(run.stdout.contains("1 update"), "{}", run.all());
}

/// `--base mastr` is refused with "did you mean `master`?", and the suggestion, followed,
/// is accepted.
#[test]
fn base_typo_got_no_did_you_mean() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let run = work.policy(&["check", "--base", "mastr", "--head", "feature"]);
    failed(&run, &["`mastr`", "hint: did you mean `master`?"]);
    accepted(&work.policy(&["check", "--base", "master", "--head", "feature"]));
    let run = work.judge("refs/heads/master", "HEAD~1", "maser");
    failed(&run, &["`maser`", "did you mean `master`?"]);
}
