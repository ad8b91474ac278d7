//! ref/stale on the in-memory graph: lying `<old>` values are refused, deletions stay
//! deletions, and the honest updates beside them are judged against the real refs.

use super::evaluate_received;
use crate::policy::{self, Policy};
use crate::rules::memory::MemoryRepo;
use crate::rules::{Id, RefState, Update, Violation, evaluate, pin_old_values};

/// A pytokio history: `rc` with a hotfix, `master` at 0.13.0.dev1, `0.12` at 0.12.0b1.
struct Repo {
    policy: Policy,
    graph: MemoryRepo,
    refs: RefState,
    root: Id,
    fix: Id,
    dev13: Id,
    b1: Id,
}

fn py(version: &str) -> String {
    format!("__version__ = \"{version}\"\n")
}

fn repo() -> Repo {
    let policy = policy::presets::load("pytokio")
        .expect("the pytokio preset exists")
        .expect("the pytokio preset parses");
    let mut graph = MemoryRepo::new();
    let file = "tokio/__init__.py";
    let root = graph.commit(&[], "start", &[(file, &py("0.12.0.dev1"))]);
    let fix = graph.commit(&[root], "hotfix on rc", &[]);
    let dev13 = graph.commit(
        &[root],
        "version 0.13.0.dev1",
        &[(file, &py("0.13.0.dev1"))],
    );
    let b1 = graph.commit(&[root], "version 0.12.0b1", &[(file, &py("0.12.0b1"))]);
    let refs: RefState = [("rc", fix), ("master", dev13), ("0.12", b1)]
        .into_iter()
        .map(|(name, id)| (format!("refs/heads/{name}"), id))
        .collect();
    Repo {
        policy,
        graph,
        refs,
        root,
        fix,
        dev13,
        b1,
    }
}

fn update(branch: &str, old: Option<Id>, new: Option<Id>) -> Update {
    Update {
        refname: format!("refs/heads/{branch}"),
        old,
        new,
    }
}

/// The rule ids with their refs, sorted.
fn found(violations: &[Violation]) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = violations
        .iter()
        .map(|v| (v.rule.as_str().to_owned(), v.refname.clone()))
        .collect();
    found.sort();
    found
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected
        .iter()
        .map(|(rule, branch)| ((*rule).to_owned(), format!("refs/heads/{branch}")))
        .collect();
    pairs.sort();
    pairs
}

impl Repo {
    fn received(&self, updates: &[Update]) -> Vec<(String, String)> {
        found(&evaluate_received(&self.policy, &self.graph, &self.refs, updates).expect("judged"))
    }

    /// What trusting the pushed `<old>` values (the code before `ref/stale`) made of a push.
    fn pinned(&self, updates: &[Update]) -> Vec<(String, String)> {
        let mut before = self.refs.clone();
        pin_old_values(&mut before, updates);
        found(&evaluate(&self.policy, &self.graph, &before, updates).expect("judged"))
    }
}

/// `0{40} 0{40} refs/heads/rc` for an existing rc is a deletion of rc: refused by
/// branch/delete and ref/stale, where trusting `<old>` saw nothing happen.
#[test]
fn zero_old_value_deleted_a_protected_branch() {
    let r = repo();
    let push = [update("rc", None, None)];
    assert_eq!(r.pinned(&push), pairs(&[]));
    assert_eq!(
        r.received(&push),
        pairs(&[("branch/delete", "rc"), ("ref/stale", "rc")])
    );
    // A bogus non-zero `<old>` (git deletes the ref when it names no object) is the same.
    let bogus = Id([7; 20]);
    assert_eq!(
        r.received(&[update("master", Some(bogus), None)]),
        pairs(&[("branch/delete", "master"), ("ref/stale", "master")])
    );
}

/// Creating rc "again" at an older commit is a rewind of rc: branch/force and ref/stale.
#[test]
fn zero_old_value_recreated_a_branch_at_an_older_commit() {
    let r = repo();
    let push = [update("rc", None, Some(r.root))];
    assert_eq!(
        r.received(&push),
        pairs(&[("branch/force", "rc"), ("ref/stale", "rc")])
    );
}

/// Claiming to create rc and 0.12 (which exist) beside a back-merge of rc into master no
/// longer hides rc from master's judgement: flow/foreign, plus ref/stale for each lie.
#[test]
fn false_creations_hid_rc_from_a_back_merge() {
    let mut r = repo();
    let merge = r.graph.commit(&[r.dev13, r.fix], "Merge branch 'rc'", &[]);
    let push = [
        update("rc", None, Some(r.fix)),
        update("0.12", None, Some(r.b1)),
        update("master", Some(r.dev13), Some(merge)),
    ];
    assert_eq!(r.pinned(&push), pairs(&[]), "the bug: accepted");
    assert_eq!(
        r.received(&push),
        pairs(&[
            ("flow/foreign", "master"),
            ("ref/stale", "0.12"),
            ("ref/stale", "rc")
        ])
    );
}

/// A bogus update of master carrying a topic no longer makes the topic's merge into rc look
/// as if it came from master: rc's merge is judged against the real master (flow/source).
#[test]
fn false_master_update_laundered_a_topic_into_rc() {
    let mut r = repo();
    let topic = r.graph.commit(&[r.dev13], "work on topic", &[]);
    let merge = r
        .graph
        .commit(&[r.fix, topic], "Merge branch 'topic' into rc", &[]);
    let push = [
        update("master", Some(r.root), Some(topic)),
        update("rc", Some(r.fix), Some(merge)),
    ];
    assert_eq!(r.pinned(&push), pairs(&[]), "the bug: accepted");
    let alone = r.received(&push[1..]);
    assert_eq!(alone, pairs(&[("flow/source", "rc")]));
    let mut expected = alone;
    expected.extend(pairs(&[("ref/stale", "master")]));
    expected.sort();
    assert_eq!(r.received(&push), expected);
}

/// A non-zero `<old>` for a ref that does not exist is stale too, for any ref.
#[test]
fn old_value_for_a_missing_ref_is_stale() {
    let r = repo();
    let push = [update("topic", Some(r.root), Some(r.dev13))];
    assert_eq!(r.received(&push), pairs(&[("ref/stale", "topic")]));
}

/// Honest pushes are judged as before: true `<old>` values change nothing.
#[test]
fn honest_updates_are_judged_as_before() {
    let mut r = repo();
    let next = r.graph.commit(&[r.dev13], "more", &[]);
    let honest = [
        update("master", Some(r.dev13), Some(next)),
        update("rc", Some(r.fix), None),
        update("topic", None, Some(next)),
    ];
    assert_eq!(r.received(&honest), r.pinned(&honest));
    assert_eq!(r.received(&honest), pairs(&[("branch/delete", "rc")]));
}
