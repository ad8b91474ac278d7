//! Refs that change what git shows (issue #15, items 4 and 5): a replace ref that swaps a
//! release's commit for the attacker's, and refs that take a protected branch's (or a release
//! tag's) short name, so that `git rev-parse master` or `git checkout rc` name the attacker's
//! commit. `ref/replace` and `ref/shadow` refuse them; notes and ordinary tags still land.

use super::{Target, each};
use crate::harness::ZERO;
use crate::rawpush::Transport;

/// A commit of the attacker's on top of `from`, on no branch of the server's.
fn evil(t: &Target, from: &str) -> String {
    let base = t.tip(from);
    t.work.git(&["checkout", "-q", "--detach", &base]);
    let commit = t
        .work
        .change("tokio/evil.py", "steal = True\n", "an attacker's commit");
    t.work.checkout("master");
    commit
}

/// A replace ref for `0.12`'s commit made the server's `git show`, `git archive` and
/// `git log 0.12` show the attacker's tree and history; `git clone --mirror` copied it.
/// ref/replace refuses it and the server still shows its own tree; notes (which git shows
/// as notes, under the commit's own message) land.
#[test]
fn replace_ref_swapped_a_releases_commit() {
    each(|t: &Target, transport: Transport<'_>| {
        let released = t.tip("0.12");
        let evil = evil(t, "0.12");
        let replace = format!("refs/replace/{released}");
        t.refused(transport, &[(ZERO, &evil, &replace)], &["ref/replace"]);
        let shown = t.central.git_run(&["show", "0.12:tokio/evil.py"]);
        assert_ne!(
            shown.code,
            0,
            "the server shows its own tree:\n{}",
            shown.all()
        );

        t.work
            .git(&["notes", "add", "-m", "reviewed for 0.12.0b1", &released]);
        let notes = t.work.rev("refs/notes/commits");
        t.landed(transport, &[(ZERO, &notes, "refs/notes/commits")]);
    });
}

/// Tags `master`, `rc`, `0.12` (a protected pattern's name) and `origin/rc` (which clones
/// would find before their remote-tracking `origin/rc`), and a branch named like the
/// release tag `v0.12.0b1` each made a name stand for the attacker's commit (receive-pack
/// itself refuses a one-level `refs/rc`, which git would look at first). ref/shadow refuses each; an ordinary tag lands.
#[test]
fn refs_shadowed_protected_branches_and_release_tags() {
    each(|t: &Target, transport: Transport<'_>| {
        let evil = evil(t, "master");
        for refname in [
            "refs/tags/master",
            "refs/tags/rc",
            "refs/tags/0.12",
            "refs/tags/origin/rc",
            "refs/heads/v0.12.0b1",
        ] {
            t.refused(transport, &[(ZERO, &evil, refname)], &["ref/shadow"]);
        }
        assert_eq!(t.central.rev("master"), t.tip("master"));
        let fresh = t.sandbox.clone_of(&t.central, "fresh");
        fresh.git(&["checkout", "-q", "rc"]);
        assert_eq!(
            fresh.rev("HEAD"),
            t.tip("rc"),
            "a fresh clone's `rc` is the branch"
        );
        t.landed(transport, &[(ZERO, &evil, "refs/tags/snapshot")]);
    });
}
