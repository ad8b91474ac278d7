//! Lying `<old>` values (issue #15, items 1 and 2): git checks a command's `<old>` only when it
//! updates that ref, and not at all for a deletion whose `<old>` is zeros, so the hook must
//! judge against the repository's own refs and refuse a false `<old>` (`ref/stale`).

use super::{Target, each};
use crate::harness::ZERO;
use crate::rawpush::{self, Transport};

/// `0{40} 0{40} refs/heads/<b>` for an existing protected branch is a deletion: refused by
/// branch/delete and ref/stale for rc, master and 0.12 (git would delete it: "allowing
/// deletion of corrupt ref"); a topic branch deleted with its true `<old>` still goes.
#[test]
fn zero_old_value_deleted_a_protected_branch() {
    each(|t: &Target, transport: Transport<'_>| {
        for branch in ["rc", "master", "0.12"] {
            let refname = format!("refs/heads/{branch}");
            t.refused(
                transport,
                &[(ZERO, ZERO, &refname)],
                &["branch/delete", "ref/stale"],
            );
        }
        t.refused(
            transport,
            &[(ZERO, ZERO, "refs/heads/feature")],
            &["ref/stale"],
        );
        t.landed(
            transport,
            &[(&t.tip("feature"), ZERO, "refs/heads/feature")],
        );
    });
}

/// A deletion whose `<old>` names no object, which git does not check either ("allowing
/// deletion of corrupt ref"), is refused by branch/delete and ref/stale, where the hook used to
/// fail on the missing object. (git itself refuses to delete the current branch, master,
/// before the `update` hook runs.)
#[test]
fn bogus_old_value_deletion_is_named_not_an_internal_error() {
    let bogus = "1234567890abcdef1234567890abcdef12345678";
    each(|t: &Target, transport: Transport<'_>| {
        for branch in ["rc", "master", "0.12"] {
            let refname = format!("refs/heads/{branch}");
            let rules: &[&str] = if t.hook == "update" && branch == "master" {
                &[]
            } else {
                &["branch/delete", "ref/stale"]
            };
            t.refused(transport, &[(bogus, ZERO, &refname)], rules);
        }
    });
}

/// rc "created" again at the commit before its hotfix (`<old>` zeros) is a rewind of rc:
/// branch/force and ref/stale; rc moved forward with its true `<old>` lands.
#[test]
fn zero_old_value_recreated_rc_at_an_older_commit() {
    each(|t: &Target, transport: Transport<'_>| {
        let older = t.central.rev("rc~1");
        t.refused(
            transport,
            &[(ZERO, &older, "refs/heads/rc")],
            &["branch/force", "ref/stale"],
        );
        t.work.checkout("rc");
        let fix = t.work.change("fix2.txt", "fix\n", "second hotfix on rc");
        t.work.checkout("master");
        t.landed(transport, &[(&t.tip("rc"), &fix, "refs/heads/rc")]);
    });
}

/// Claiming to create rc and 0.12 (which exist) beside a back-merge of rc into master, not
/// atomic: the hook once saw no rc and git landed the back-merge. Now master is judged against
/// the real rc (flow/foreign) and the lies are refused (ref/stale). With true `<old>` values
/// and a legal master, the same push lands.
#[test]
fn false_creations_hid_rc_from_a_back_merge() {
    each(|t: &Target, transport: Transport<'_>| {
        let (master, rc, v012) = (t.tip("master"), t.tip("rc"), t.tip("0.12"));
        t.work.merge("rc", &["--no-ff"]);
        let merge = t.work.rev("master");
        t.refused(
            transport,
            &[
                (ZERO, &rc, "refs/heads/rc"),
                (ZERO, &v012, "refs/heads/0.12"),
                (&master, &merge, "refs/heads/master"),
            ],
            &["flow/foreign", "ref/stale"],
        );
        t.work.git(&["reset", "-q", "--hard", &master]);
        let bump = t.work.set_version("0.13.0.dev2");
        t.landed(
            transport,
            &[
                (&rc, &rc, "refs/heads/rc"),
                (&v012, &v012, "refs/heads/0.12"),
                (&master, &bump, "refs/heads/master"),
            ],
        );
    });
}

/// A bogus update of master (wrong `<old>`) whose new tip holds a topic, beside a merge of that
/// topic into rc, not atomic: the topic once counted as coming from master and git landed the
/// merge on rc. Now rc is judged against the real master (flow/source) and master's lie is
/// refused (ref/stale). With master's true `<old>`, the topic reaches rc through master.
#[test]
fn false_master_update_laundered_a_topic_into_rc() {
    each(|t: &Target, transport: Transport<'_>| {
        let (master, rc) = (t.tip("master"), t.tip("rc"));
        t.work.topic("topic", &t.central.rev("rc~1"));
        t.work.checkout("master");
        t.work.merge("topic", &["--no-ff"]);
        let master_merge = t.work.rev("master");
        t.work.checkout("rc");
        t.work.merge("topic", &["--no-ff"]);
        let rc_merge = t.work.rev("rc");
        t.work.checkout("master");
        let wrong = t.central.rev("master~1");
        t.refused(
            transport,
            &[
                (&wrong, &master_merge, "refs/heads/master"),
                (&rc, &rc_merge, "refs/heads/rc"),
            ],
            &["flow/source", "ref/stale"],
        );
        t.landed(
            transport,
            &[
                (&master, &master_merge, "refs/heads/master"),
                (&rc, &rc_merge, "refs/heads/rc"),
            ],
        );
    });
}

/// ref/stale's hint followed literally: `git fetch` (read the server's refs) and push again
/// with the value fetched, and the same update lands.
#[test]
fn stale_push_lands_after_fetching() {
    each(|t: &Target, transport: Transport<'_>| {
        let bump = t.work.set_version("0.13.0.dev2");
        let stale = t.central.rev("master~1");
        let report = t.send(transport, &[(&stale, &bump, "refs/heads/master")], false);
        assert!(report.names_rule("ref/stale"), "{report}");
        let hint = report
            .remote
            .iter()
            .find(|l| l.contains("hint:"))
            .expect("a hint");
        assert!(hint.contains("`git fetch` and push again"), "{report}");
        let fetched = rawpush::advertised(&t.central, transport);
        t.landed(
            transport,
            &[(&fetched["refs/heads/master"], &bump, "refs/heads/master")],
        );
    });
}

/// What a pusher sees for `0{40} 0{40} refs/heads/rc`: both rules, each with its hint.
#[test]
fn zero_old_deletion_message_snapshot() {
    let t = super::target("pre-receive");
    let report = t.send(Transport::File, &[(ZERO, ZERO, "refs/heads/rc")], false);
    let sandbox = t
        .central
        .path
        .parent()
        .expect("the sandbox")
        .display()
        .to_string();
    insta::assert_snapshot!(report.remote.join("\n").replace(&sandbox, "[sandbox]"));
}
