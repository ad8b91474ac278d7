//! The replay on the in-memory graph: whose commits are whose, the state of the other branches
//! at each step, foxtrot merges and `since`.

use super::{History, merges_itself, ranks, replay, segments};
use crate::policy::{self, Policy};
use crate::rules::memory::MemoryRepo;
use crate::rules::{Id, RefState, RepoView};

const VERSION_FILE: &str = "tokio/__init__.py";

fn pytokio() -> Policy {
    policy::presets::load("pytokio")
        .expect("the pytokio preset exists")
        .expect("the pytokio preset parses")
}

/// A history being written commit by commit; times grow with every commit.
struct Past {
    repo: MemoryRepo,
    refs: RefState,
    /// Every commit, in the order made.
    made: Vec<Id>,
}

impl Past {
    fn new() -> Past {
        Past {
            repo: MemoryRepo::new(),
            refs: RefState::new(),
            made: Vec::new(),
        }
    }

    fn commit(&mut self, parents: &[Id], message: &str) -> Id {
        let id = MemoryRepo::commit(&mut self.repo, parents, message, &[]);
        self.made.push(id);
        id
    }

    fn version(&mut self, parents: &[Id], version: &str) -> Id {
        self.merge(parents, &format!("version {version}"), version)
    }

    /// A commit (a merge, usually) that sets the version as its merge resolved it.
    fn merge(&mut self, parents: &[Id], message: &str, version: &str) -> Id {
        let text = format!("__version__ = \"{version}\"\n");
        let id = MemoryRepo::commit(&mut self.repo, parents, message, &[(VERSION_FILE, &text)]);
        self.made.push(id);
        id
    }

    /// Dates the `n`-th commit made by `date(n)`.
    fn redate(&mut self, date: impl Fn(i64) -> i64) {
        for (n, &id) in self.made.iter().enumerate() {
            self.repo.set_date(id, date(n as i64));
        }
    }

    fn branch(&mut self, name: &str, tip: Id) {
        self.refs.insert(format!("refs/heads/{name}"), tip);
    }

    fn tag(&mut self, name: &str, target: Id) {
        self.refs.insert(format!("refs/tags/{name}"), target);
    }

    fn replay(&self, since: Option<Id>) -> History {
        replay(&pytokio(), &self.repo, &self.refs, since).expect("the replay succeeds")
    }

    /// (ref, commit, rule) of every violation found.
    fn found(&self, since: Option<Id>) -> Vec<(String, Id, &'static str)> {
        let history = self.replay(since);
        assert!(history.unjudged.is_empty(), "{:?}", history.unjudged);
        let mut found = Vec::new();
        for finding in &history.findings {
            for (step, v) in finding.violations() {
                found.push((finding.refname.clone(), step.commit, v.rule.as_str()));
            }
        }
        found
    }
}

/// A clean pytokio history: master's features, rc cut from master and merged at a freeze
/// with master bumped first, a version branch with a tagged beta and the bump after it.
fn clean() -> (Past, [Id; 6]) {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let m1 = p.version(&[m0], "0.13.0.dev1");
    let topic = p.commit(&[m1], "feature");
    let m2 = p.commit(&[m1, topic], "Merge branch 'feature'");
    let r1 = p.commit(&[m0], "hotfix on rc");
    let m3 = p.version(&[m2], "0.14.0.dev1");
    let r2 = p.merge(&[r1, m2], "Merge branch 'master' into rc", "0.13.0.dev1");
    let b1 = p.version(&[r2], "0.13.0b1");
    p.tag("v0.13.0b1", b1);
    let b2 = p.version(&[b1], "0.13.0b2");
    p.branch("master", m3);
    p.branch("rc", r2);
    p.branch("0.13", b2);
    (p, [m0, m2, m3, r1, r2, b2])
}

/// A history that follows the process has no finding, and every step is judged.
#[test]
fn a_clean_history_has_no_findings() {
    let (p, _) = clean();
    let history = p.replay(None);
    assert_eq!(p.found(None), []);
    // master 4 own commits (m0..m3 on its chain), rc 2, 0.13 2, one tag.
    assert_eq!((history.steps, history.branches, history.tags), (9, 3, 1));
}

/// The early history of rc is master's; a version branch starts where it left rc.
#[test]
fn commits_belong_to_the_most_upstream_chain() {
    let (p, [m0, m2, m3, r1, r2, b2]) = clean();
    let policy = pytokio();
    let branches = vec![
        ("0.13".to_owned(), 2, p.refs["refs/heads/0.13"]),
        ("rc".to_owned(), 1, r2),
        ("master".to_owned(), 0, m3),
    ];
    let segs = segments(&policy, &p.repo, &branches).expect("segments");
    let by_name = |name: &str| {
        segs.iter()
            .find(|s| s.refname == format!("refs/heads/{name}"))
            .map(|s| s.commits.clone())
            .expect("segment")
    };
    assert_eq!(by_name("master").first(), Some(&m0));
    assert_eq!(by_name("master").last(), Some(&m3));
    assert!(by_name("master").contains(&m2));
    assert_eq!(by_name("rc"), vec![r1, r2]);
    assert_eq!(by_name("0.13").len(), 2);
    assert_eq!(by_name("0.13").last(), Some(&b2));
}

/// rc merged back into master is found once, at the merge, as flow/foreign.
#[test]
fn a_back_merge_is_found_at_its_merge() {
    let (mut p, [_, _, m3, _, r2, _]) = clean();
    let fix = p.commit(&[r2], "hotfix on rc");
    let back = p.merge(&[m3, fix], "Merge branch 'rc'", "0.14.0.dev1");
    let m4 = p.commit(&[back], "more work");
    p.branch("rc", fix);
    p.branch("master", m4);
    assert_eq!(
        p.found(None),
        [("refs/heads/master".to_owned(), back, "flow/foreign")]
    );
}

/// A version branch cut later does not make older rc commits look foreign to anything: the
/// branch did not exist when they were made.
#[test]
fn a_branch_cut_later_is_absent_from_earlier_steps() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let m1 = p.version(&[m0], "0.13.0.dev1");
    let r1 = p.commit(&[m0], "rc fix");
    let r2 = p.commit(&[r1], "rc fix 2");
    let b1 = p.version(&[r2], "0.12.0b1");
    let r3 = p.commit(&[r2], "rc fix 3");
    // master takes rc's fixes the wrong way, after the cut: only this is a finding.
    let back = p.merge(&[m1, r3], "Merge branch 'rc'", "0.13.0.dev1");
    p.branch("master", back);
    p.branch("rc", r3);
    p.branch("0.12", b1);
    let found = p.found(None);
    assert_eq!(
        found,
        [("refs/heads/master".to_owned(), back, "flow/foreign")]
    );
}

/// A foxtrot merge (master fast-forwarded to "Merge branch 'master' into topic") is reported
/// as branch/first-parent, not misjudged as a back-merge of the master commits rc took.
#[test]
fn a_foxtrot_merge_is_first_parent_not_a_back_merge() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let t1 = p.commit(&[m0], "topic work");
    let m1 = p.version(&[m0], "0.13.0.dev1");
    let m2 = p.commit(&[m1], "master work rc takes");
    let m3 = p.version(&[m2], "0.14.0.dev1");
    let r1 = p.merge(&[m0, m2], "Merge branch 'master' into rc", "0.13.0.dev1");
    let fox = p.merge(&[t1, m3], "Merge branch 'master' into topic", "0.14.0.dev1");
    p.branch("master", fox);
    p.branch("rc", r1);
    assert_eq!(
        p.found(None),
        [("refs/heads/master".to_owned(), fox, "branch/first-parent")]
    );
}

/// git's messages for merging a branch into something else, and only those, are foxtrots.
#[test]
fn merges_itself_reads_git_merge_messages() {
    assert!(merges_itself("Merge branch 'master' into topic", "master"));
    assert!(merges_itself(
        "Merge branch 'master' of github.com:org/repo\n\nbody",
        "master"
    ));
    assert!(merges_itself(
        "Merge remote-tracking branch 'origin/rc'",
        "rc"
    ));
    assert!(merges_itself(
        "Merge remote-tracking branch 'origin/release/1.2' into fix",
        "release/1.2"
    ));
    assert!(!merges_itself("Merge branch 'feature'", "master"));
    assert!(!merges_itself("Merge branch 'master-fixes'", "master"));
    assert!(!merges_itself(
        "Merge pull request #3 from org/master",
        "master"
    ));
    assert!(!merges_itself(
        "Merge remote-tracking branch 'master'",
        "master"
    ));
}

/// With `since`, only what came after it is judged: a violation before it is not reported.
#[test]
fn since_skips_what_came_before() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let bad = p.version(&[m0], "0.13.0");
    let fixed = p.version(&[bad], "0.14.0.dev1");
    let bad_again = p.version(&[fixed], "0.14.0");
    let m4 = p.version(&[bad_again], "0.15.0.dev1");
    p.branch("master", m4);
    let all: Vec<Id> = p.found(None).into_iter().map(|f| f.1).collect();
    assert_eq!(all, [bad, bad_again]);
    let after: Vec<Id> = p.found(Some(fixed)).into_iter().map(|f| f.1).collect();
    assert_eq!(after, [bad_again]);
    assert_eq!(p.replay(Some(fixed)).steps, 2);
}

/// A tag naming another version than its commit's is found at the tag, as tag/version; the
/// ahead-of-tags rule sees tags from their commit's date on.
#[test]
fn a_mistagged_release_is_found() {
    let (mut p, [_, _, _, _, _, b2]) = clean();
    p.tag("v0.13.0b3", b2);
    let found = p.found(None);
    assert_eq!(
        found,
        [("refs/tags/v0.13.0b3".to_owned(), b2, "tag/version")]
    );
}

/// A version file that does not parse at one old commit makes that step unjudged, with the
/// file named, and the replay goes on to find what comes after it.
#[test]
fn an_unparsable_version_is_one_unjudged_step() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let broken = p.version(&[m0], "zero point thirteen");
    let fixed = p.version(&[broken], "0.13.0.dev1");
    let bad = p.version(&[fixed], "0.13.0");
    p.branch("master", bad);
    let history = p.replay(None);
    let unjudged: Vec<(Id, bool)> = history
        .unjudged
        .iter()
        .flat_map(|u| &u.steps)
        .map(|(step, error)| (step.commit, error.contains(VERSION_FILE)))
        .collect();
    // The step onto the broken file reads it; the step off it repairs it and is judged on
    // what it brings (the old version it cannot compare with is skipped).
    assert_eq!(unjudged, [(broken, true)]);
    let found: Vec<Id> = history.findings.iter().map(|f| f.first().commit).collect();
    assert_eq!(found, [bad]);
}

/// An annotated tag counts from its tagger's date: a fix committed on the version branch
/// before the beta was tagged (on the commit before it) was not behind any tag then. A
/// lightweight tag has only its commit's date, so there the fix is behind it.
#[test]
fn a_tag_counts_from_when_it_was_made() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let m1 = p.version(&[m0], "0.13.0.dev1");
    let r1 = p.commit(&[m0], "rc fix");
    let b1 = p.version(&[r1], "0.12.0b1");
    let late = p.commit(&[b1], "fix before the beta is tagged");
    let tag = p.repo.annotated_tag(b1);
    let tagged_at = RepoView::commit(&p.repo, late).expect("exists").time + 1;
    p.repo.set_date(tag, tagged_at);
    let b2 = p.version(&[late], "0.12.0b2");
    p.branch("master", m1);
    p.branch("rc", r1);
    p.branch("0.12", b2);
    p.tag("v0.12.0b1", tag);
    assert_eq!(p.found(None), []);
    p.tag("v0.12.0b1", b1);
    assert_eq!(
        p.found(None),
        [("refs/heads/0.12".to_owned(), late, "version/ahead-of-tags")]
    );
}

/// master, rc, version branches: 0, 1, 2 steps from the topic branches.
#[test]
fn ranks_follow_accepts() {
    assert_eq!(ranks(&pytokio()), [0, 1, 2]);
}

/// Every commit in one second, or each dated before its parent: the clean history still has
/// no finding (ancestry orders the steps, not the dates).
#[test]
fn equal_and_backward_dates_do_not_make_findings() {
    let dated: [fn(i64) -> i64; 2] = [|_| 1_000, |n| 1_000_000 - n * 3600];
    for date in dated {
        let (mut p, _) = clean();
        p.redate(date);
        assert_eq!(p.found(None), []);
    }
}

/// rc's freeze merge dated before master's bump (made first, pushed after the bump) is not a
/// version/relation finding: the push happened before rc's next commit, and master may have
/// been bumped by then.
#[test]
fn a_freeze_merge_dated_before_the_bump_is_not_a_relation_finding() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let m1 = p.commit(&[m0], "work");
    let r1 = p.merge(&[m0, m1], "Merge branch 'master' into rc", "0.12.0.dev1");
    let m2 = p.version(&[m1], "0.13.0.dev1");
    p.branch("master", m2);
    p.branch("rc", r1);
    p.repo.set_date(r1, 5);
    p.repo.set_date(m2, 10);
    assert_eq!(p.found(None), []);
}

/// A back-merge dated in the same second as everything else is still found, at its merge.
#[test]
fn a_back_merge_in_the_same_second_is_found() {
    let (mut p, [_, _, m3, _, r2, _]) = clean();
    let fix = p.commit(&[r2], "hotfix on rc");
    let back = p.merge(&[m3, fix], "Merge branch 'rc'", "0.14.0.dev1");
    p.branch("rc", fix);
    p.branch("master", back);
    p.redate(|_| 1_000);
    assert_eq!(
        p.found(None),
        [("refs/heads/master".to_owned(), back, "flow/foreign")]
    );
}

/// A version file that does not parse does not hide a back-merge made while it was broken:
/// the step's flow is judged, its version rules are said to be unjudged.
#[test]
fn an_unreadable_version_hid_a_back_merge() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let r1 = p.commit(&[m0], "hotfix on rc");
    let broken = p.version(&[m0], "zero point thirteen");
    let back = p.merge(&[broken, r1], "Merge branch 'rc'", "zero point thirteen");
    p.branch("master", back);
    p.branch("rc", r1);
    let history = p.replay(None);
    let found: Vec<(Id, &str)> = history
        .findings
        .iter()
        .map(|f| (f.first().commit, f.rule.as_str()))
        .collect();
    assert_eq!(found, [(back, "flow/foreign")]);
    // Both of master's broken steps in one span, said once.
    let spans: Vec<Vec<Id>> = history
        .unjudged
        .iter()
        .filter(|u| u.refname == "refs/heads/master")
        .map(|u| u.steps.iter().map(|(s, _)| s.commit).collect())
        .collect();
    assert_eq!(spans, [vec![broken, back]]);
}

/// A condition that holds over consecutive steps is one finding with every step; when it
/// stops and comes back, that is a second one.
#[test]
fn a_lasting_condition_is_one_finding_per_span() {
    let mut p = Past::new();
    let m0 = p.commit(&[], "no version file yet");
    let m1 = p.commit(&[m0], "still none");
    let m2 = p.commit(&[m1], "still none");
    let m3 = p.version(&[m2], "0.12.0.dev1");
    let m4 = p.version(&[m3], "0.12.0");
    let m5 = p.version(&[m4], "0.13.0.dev1");
    let m6 = p.version(&[m5], "0.13.0");
    p.branch("master", m6);
    let history = p.replay(None);
    let spans: Vec<(&str, Vec<Id>)> = history
        .findings
        .iter()
        .map(|f| {
            let steps = f.steps.iter().map(|(s, _)| s.commit).collect();
            (f.rule.as_str(), steps)
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("version/kind", vec![m0, m1, m2]),
            ("version/kind", vec![m4]),
            ("version/kind", vec![m6]),
        ]
    );
}

/// The kindness to a freeze merge dated early does not hide a bump that never came: master
/// still at the frozen minor after rc took it is a version/relation finding at master's step.
#[test]
fn a_missing_bump_after_the_freeze_is_still_found() {
    let mut p = Past::new();
    let m0 = p.version(&[], "0.12.0.dev1");
    let m1 = p.commit(&[m0], "work");
    let r1 = p.merge(&[m0, m1], "Merge branch 'master' into rc", "0.12.0.dev1");
    let m2 = p.version(&[m1], "0.12.0.dev2");
    p.branch("master", m2);
    p.branch("rc", r1);
    p.repo.set_date(r1, 10);
    p.repo.set_date(m2, 20);
    let found = p.found(None);
    assert!(
        found.contains(&("refs/heads/master".to_owned(), m2, "version/relation")),
        "{found:?}"
    );
}
