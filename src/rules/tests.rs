//! Every rule against the in-memory graph: the pytokio cycle accepted step by step, each way to
//! break it rejected with its exact rule id, and the optional rules on small custom policies.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use super::memory::MemoryRepo;
use super::{
    EvalError, Id, Pending, RefState, RepoView, RuleId, Stamp, Update, Violation, WithPending,
    evaluate,
};
use crate::policy::{self, Origin, Policy};

/// No rule broken: what `rules` returns for an accepted push.
const ACCEPTED: [&str; 0] = [];

/// pytokio's one authoritative version file.
const VERSION_FILE: &str = "tokio/__init__.py";

/// The text of `tokio/__init__.py` at a version.
fn py(version: &str) -> String {
    format!("\"\"\"pytokio\"\"\"\n\n__version__ = \"{version}\"\n")
}

/// The files of a commit being made.
fn pending_files(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec()))
        .collect()
}

/// `master` is a branch, `tags/v0.12.0b1` a tag.
fn refname(name: &str) -> String {
    match name.strip_prefix("tags/") {
        Some(tag) => format!("refs/tags/{tag}"),
        None => format!("refs/heads/{name}"),
    }
}

/// The rule ids of violations, sorted, duplicates kept.
fn ids(violations: &[Violation]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = violations.iter().map(|v| v.rule.as_str()).collect();
    ids.sort_unstable();
    ids
}

/// The full ids of commits, sorted, as violations name them.
fn hexes(commits: &[Id]) -> Vec<String> {
    let mut hexes: Vec<String> = commits.iter().map(Id::to_string).collect();
    hexes.sort();
    hexes
}

/// A policy, a commit graph and the refs before a push; judges pushes against them.
struct Scenario {
    policy: Policy,
    repo: MemoryRepo,
    refs: RefState,
}

impl Scenario {
    fn pytokio() -> Self {
        let policy = policy::presets::load("pytokio")
            .expect("the pytokio preset exists")
            .expect("the pytokio preset parses");
        Self::with(policy)
    }

    fn custom(text: &str) -> Self {
        let policy = policy::parse(text, Origin::Preset("test"))
            .unwrap_or_else(|e| panic!("test policy does not parse: {e}"));
        Self::with(policy)
    }

    fn with(policy: Policy) -> Self {
        Scenario {
            policy,
            repo: MemoryRepo::new(),
            refs: RefState::new(),
        }
    }

    /// A commit that changes no version file.
    fn commit(&mut self, parents: &[Id], message: &str) -> Id {
        self.files(parents, message, &[])
    }

    /// A commit that sets pytokio's version.
    fn version(&mut self, parents: &[Id], message: &str, version: &str) -> Id {
        self.files(parents, message, &[(VERSION_FILE, &py(version))])
    }

    /// A commit that writes files.
    fn files(&mut self, parents: &[Id], message: &str, changes: &[(&str, &str)]) -> Id {
        // `RepoView::commit` (reading a commit) would shadow the inherent method.
        MemoryRepo::commit(&mut self.repo, parents, message, changes)
    }

    /// Sets a ref in the state before the push, judging nothing.
    fn set(&mut self, name: &str, id: Id) {
        self.refs.insert(refname(name), id);
    }

    fn unset(&mut self, name: &str) {
        self.refs.remove(&refname(name));
    }

    fn tip(&self, name: &str) -> Id {
        *self
            .refs
            .get(&refname(name))
            .unwrap_or_else(|| panic!("no ref {name}"))
    }

    /// The update moving `name` from its tip (absent: creation) to `new` (`None`: deletion).
    fn update(&self, name: &str, new: Option<Id>) -> Update {
        let refname = refname(name);
        Update {
            old: self.refs.get(&refname).copied(),
            refname,
            new,
        }
    }

    /// Judges updates with the scenario's graph, or another view of it.
    fn judge_in(&self, view: &dyn RepoView, updates: &[Update]) -> Vec<Violation> {
        evaluate(&self.policy, view, &self.refs, updates).expect("evaluation succeeds")
    }

    fn judge(&self, updates: &[Update]) -> Vec<Violation> {
        self.judge_in(&self.repo, updates)
    }

    /// Judges a push moving each named ref to a commit, as one update set.
    fn check(&self, pushes: &[(&str, Id)]) -> Vec<Violation> {
        let updates: Vec<Update> = pushes
            .iter()
            .map(|&(name, new)| self.update(name, Some(new)))
            .collect();
        self.judge(&updates)
    }

    /// The rule ids a push breaks, sorted.
    fn rules(&self, pushes: &[(&str, Id)]) -> Vec<&'static str> {
        ids(&self.check(pushes))
    }

    /// The rule ids deleting a ref breaks.
    fn delete(&self, name: &str) -> Vec<&'static str> {
        ids(&self.judge(&[self.update(name, None)]))
    }

    /// Asserts a push is accepted and applies it.
    fn accept(&mut self, pushes: &[(&str, Id)]) {
        let violations = self.check(pushes);
        assert!(
            violations.is_empty(),
            "expected {pushes:?} to be accepted, got {violations:#?}"
        );
        for &(name, new) in pushes {
            self.set(name, new);
        }
    }
}

/// The pytokio release cycle, pushed step by step with every push asserted accepted, and the
/// commits it made, by name.
struct Tokio {
    s: Scenario,
    /// `0.11.0.dev1`, where `rc` starts.
    root: Id,
    /// `master` starts 0.12 development: `0.12.0.dev1`.
    dev012: Id,
    /// A feature merged into `master` (its topic commit is `feature`).
    feature: Id,
    merged: Id,
    /// The freeze: `master` bumped to `0.13.0.dev1`, then `rc` merging `merged`.
    dev013: Id,
    freeze: Id,
    /// `0.12` cut from `rc` at `0.12.0b1`, tagged `v0.12.0b1`, then bumped to `0.12.0b2`.
    b1: Id,
    b2: Id,
    /// A fix committed on `rc` and cherry-picked with `-x` into `0.12`.
    hotfix: Id,
    picked: Id,
    /// `0.12.0`, tagged `v0.12.0` in the same push.
    release: Id,
    /// The refs after the feature merge, before the freeze.
    before_freeze: RefState,
    /// The refs after the cherry-pick, before the final release.
    in_beta: RefState,
}

impl Deref for Tokio {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.s
    }
}

impl DerefMut for Tokio {
    fn deref_mut(&mut self) -> &mut Scenario {
        &mut self.s
    }
}

impl Tokio {
    /// The cycle under the pytokio preset; ends with every ref at its final state.
    fn cycle() -> Tokio {
        Tokio::cycle_in(Scenario::pytokio())
    }

    fn cycle_in(mut s: Scenario) -> Tokio {
        let root = s.version(&[], "Initial import", "0.11.0.dev1");
        let dev012 = s.version(&[root], "Start 0.12 development", "0.12.0.dev1");
        s.set("rc", root);
        s.set("master", dev012);

        // Features land in master.
        let feature = s.files(
            &[dev012],
            "Add the Lustre connector",
            &[("tokio/lustre.py", "def read(): pass\n")],
        );
        s.set("lustre", feature);
        let merged = s.commit(&[dev012, feature], "Merge branch 'lustre'");
        s.accept(&[("master", merged)]);
        let before_freeze = s.refs.clone();

        // Feature freeze, master first: bump master, then rc merges the commit before the bump.
        let dev013 = s.version(&[merged], "Bump master to 0.13.0.dev1", "0.13.0.dev1");
        s.accept(&[("master", dev013)]);
        let freeze = s.version(
            &[root, merged],
            "Merge branch 'master' into rc",
            "0.12.0.dev1",
        );
        s.accept(&[("rc", freeze)]);

        // The first beta: branch 0.12 from rc, bump, tag, bump again.
        let b1 = s.version(&[freeze], "Release 0.12.0b1", "0.12.0b1");
        s.accept(&[("0.12", b1)]);
        s.accept(&[("tags/v0.12.0b1", b1)]);
        let b2 = s.version(&[b1], "Bump 0.12 to 0.12.0b2", "0.12.0b2");
        s.accept(&[("0.12", b2)]);

        // A hotfix on rc, cherry-picked into the version branch.
        let fix = ("tokio/hdf5.py", "def read(): return None\n");
        let hotfix = s.files(&[freeze], "Fix a crash in the HDF5 reader", &[fix]);
        s.accept(&[("rc", hotfix)]);
        let message =
            format!("Fix a crash in the HDF5 reader\n\n(cherry picked from commit {hotfix})");
        let picked = s.files(&[b2], &message, &[fix]);
        s.accept(&[("0.12", picked)]);
        let in_beta = s.refs.clone();

        // The final release, branch and tag in one push.
        let release = s.version(&[picked], "Release 0.12.0", "0.12.0");
        s.accept(&[("0.12", release), ("tags/v0.12.0", release)]);

        Tokio {
            s,
            root,
            dev012,
            feature,
            merged,
            dev013,
            freeze,
            b1,
            b2,
            hotfix,
            picked,
            release,
            before_freeze,
            in_beta,
        }
    }

    /// Puts every ref back where it was at a snapshot.
    fn rewind(&mut self, refs: &RefState) {
        self.s.refs = refs.clone();
    }
}

// ---- The accepted cycle ----

/// The whole pytokio cycle is accepted, from feature merges to the tagged final release.
#[test]
fn full_pytokio_cycle_is_accepted() {
    let t = Tokio::cycle();
    assert_eq!(t.tip("master"), t.dev013);
    assert_eq!(t.tip("rc"), t.hotfix);
    assert_eq!(t.tip("0.12"), t.release);
    assert_eq!(t.tip("tags/v0.12.0b1"), t.b1);
    assert_eq!(t.tip("tags/v0.12.0"), t.release);
    // The shape of the history: rc's merge takes master's commit before the bump.
    let parents = |id| t.repo.parents(id).expect("commit exists");
    assert_eq!(parents(t.merged), [t.dev012, t.feature]);
    assert_eq!(parents(t.dev013), [t.merged]);
    assert_eq!(parents(t.freeze), [t.root, t.merged]);
    assert_eq!(parents(t.b1), [t.freeze]);
    assert_eq!(parents(t.picked), [t.b2]);
}

/// The freeze as one atomic push of master's bump and rc's merge is accepted, in either order.
#[test]
fn atomic_freeze_is_accepted() {
    let mut t = Tokio::cycle();
    let before = t.before_freeze.clone();
    t.rewind(&before);
    let (dev013, freeze) = (t.dev013, t.freeze);
    assert!(t.check(&[("master", dev013), ("rc", freeze)]).is_empty());
    assert!(t.check(&[("rc", freeze), ("master", dev013)]).is_empty());
}

/// rc may also fast-forward to master's commit before the bump (a merge without a merge commit).
#[test]
fn rc_fast_forward_to_master_before_bump_is_accepted() {
    let mut t = Tokio::cycle();
    let before = t.before_freeze.clone();
    t.rewind(&before);
    let (dev013, merged) = (t.dev013, t.merged);
    t.accept(&[("master", dev013)]);
    t.accept(&[("rc", merged)]);
}

/// A topic branch with an unrelated history (a second root) may be merged into master.
#[test]
fn unrelated_topic_history_merged_into_master_is_accepted() {
    let mut t = Tokio::cycle();
    let docs = t.files(
        &[],
        "Import the documentation",
        &[("docs/index.rst", "pytokio\n")],
    );
    let dev013 = t.dev013;
    let merge = t.commit(&[dev013, docs], "Merge branch 'docs'");
    assert_eq!(t.rules(&[("master", merge)]), ACCEPTED);
}

/// Creating and deleting unprotected branches is none of the policy's business.
#[test]
fn unprotected_branches_are_created_and_deleted_freely() {
    let t = Tokio::cycle();
    let feature = t.feature;
    assert_eq!(t.delete("lustre"), ACCEPTED);
    assert_eq!(t.rules(&[("wip", feature)]), ACCEPTED);
}

/// A protected branch created in an empty repository is judged like any update.
#[test]
fn master_created_in_an_empty_repository() {
    let mut s = Scenario::pytokio();
    let first = s.version(&[], "Initial import", "0.1.0.dev1");
    assert_eq!(s.rules(&[("master", first)]), ACCEPTED);
    let without = s.commit(&[], "Initial import without a version");
    assert_eq!(s.rules(&[("master", without)]), ["version/kind"]);
}

// ---- flow/foreign and flow/source ----

/// rc merged into master is flow/foreign, naming every commit of rc that would enter master.
#[test]
fn rc_merged_into_master_is_foreign() {
    let mut t = Tokio::cycle();
    let (dev013, hotfix, freeze) = (t.dev013, t.hotfix, t.freeze);
    let back = t.commit(&[dev013, hotfix], "Merge branch 'rc'");
    let violations = t.check(&[("master", back)]);
    assert_eq!(ids(&violations), ["flow/foreign"]);
    let v = &violations[0];
    assert_eq!(v.refname, "refs/heads/master");
    let mut named: Vec<String> = v.commits.iter().map(|c| c.id.clone()).collect();
    named.sort();
    assert_eq!(named, hexes(&[hotfix, freeze]));
    assert!(v.message.starts_with("2 commits of `rc`"), "{}", v.message);
    let hint = v.hint.as_deref().unwrap_or_default();
    // The freeze merge changes the version: only the hotfix is offered to pick.
    assert!(
        hint.contains(&format!("`git cherry-pick -x {}`", hotfix.short())),
        "{hint}"
    );
    assert!(!hint.contains("ORIG_HEAD"), "{hint}");
}

/// master fast-forwarded to rc is flow/foreign (and takes rc's version, so version/relation).
#[test]
fn master_fast_forwarded_to_rc_is_foreign() {
    let mut t = Tokio::cycle();
    let merged = t.merged;
    t.set("master", merged);
    let hotfix = t.hotfix;
    assert_eq!(
        t.rules(&[("master", hotfix)]),
        ["flow/foreign", "version/relation"]
    );
}

/// A version branch merged into rc is flow/foreign (its commits are 0.12's) and flow/source.
#[test]
fn version_branch_merged_into_rc_is_foreign_and_source() {
    let mut t = Tokio::cycle();
    let (hotfix, release, b1) = (t.hotfix, t.release, t.b1);
    let back = t.version(
        &[hotfix, release],
        "Merge branch '0.12' into rc",
        "0.12.0.dev1",
    );
    let violations = t.check(&[("rc", back)]);
    assert_eq!(ids(&violations), ["flow/foreign", "flow/source"]);
    let foreign = &violations[0];
    assert_eq!(foreign.rule, RuleId::FlowForeign);
    let mut named: Vec<String> = foreign.commits.iter().map(|c| c.id.clone()).collect();
    named.sort();
    assert_eq!(named, hexes(&[b1, t.b2, t.picked, release]));
}

/// `0.12` merged into rc: the message counts the 4 commits `git log rc..0.12` shows, not 1,
/// and the cherry-pick hint names the one that is not a version bump.
#[test]
fn foreign_counted_one_commit_where_git_log_shows_four() {
    let mut t = Tokio::cycle();
    let (hotfix, release, picked) = (t.hotfix, t.release, t.picked);
    let back = t.version(
        &[hotfix, release],
        "Merge branch '0.12' into rc",
        "0.12.0.dev1",
    );
    let violations = t.check(&[("rc", back)]);
    let foreign = &violations[0];
    assert_eq!(foreign.commits.len(), 4);
    assert!(
        foreign
            .message
            .starts_with("4 commits of `0.12` would enter `rc`"),
        "{}",
        foreign.message
    );
    let hint = foreign.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains(&format!("`git cherry-pick -x {}`", picked.short())),
        "{hint}"
    );
}

/// A feature branch merged into rc is flow/source: rc merges only master.
#[test]
fn feature_branch_merged_into_rc_is_source() {
    let mut t = Tokio::cycle();
    let hotfix = t.hotfix;
    let topic = t.commit(&[hotfix], "Add a quick feature");
    let merge = t.commit(&[hotfix, topic], "Merge branch 'quick' into rc");
    let violations = t.check(&[("rc", merge)]);
    assert_eq!(ids(&violations), ["flow/source"]);
    assert_eq!(violations[0].commits[0].id, merge.to_string());
}

/// A hotfix committed directly on rc or on a version branch is allowed.
#[test]
fn direct_hotfixes_on_rc_and_version_branch_are_accepted() {
    let mut t = Tokio::cycle();
    let (hotfix, release) = (t.hotfix, t.release);
    let on_rc = t.commit(&[hotfix], "Fix the docs build");
    assert_eq!(t.rules(&[("rc", on_rc)]), ACCEPTED);
    let on_branch = t.version(&[release], "Fix packaging; 0.12.1", "0.12.1");
    assert_eq!(t.rules(&[("0.12", on_branch)]), ACCEPTED);
}

/// master's commits merged straight into a version branch, skipping rc, are flow/foreign.
#[test]
fn master_merged_into_version_branch_is_foreign() {
    let mut t = Tokio::cycle();
    let (dev013, release) = (t.dev013, t.release);
    let feature = t.commit(&[dev013], "Add the Darshan connector");
    t.set("master", feature);
    let merge = t.version(
        &[release, feature],
        "Merge branch 'master' into 0.12",
        "0.12.1",
    );
    let violations = t.check(&[("0.12", merge)]);
    assert_eq!(ids(&violations), ["flow/foreign", "flow/source"]);
    // Every commit of master past rc's last merge of it: the bump and the feature.
    let foreign = &violations[0];
    let mut named: Vec<String> = foreign.commits.iter().map(|c| c.id.clone()).collect();
    named.sort();
    assert_eq!(named, hexes(&[dev013, feature]));
}

/// A version branch cut from rc without its beta bump still carries rc's `.devN`: version/kind.
#[test]
fn version_branch_cut_without_bump_is_kind() {
    let mut t = Tokio::cycle();
    t.unset("0.12");
    let violations = t.check(&[("0.12", t.hotfix)]);
    assert_eq!(ids(&violations), ["version/kind"]);
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("0.12.0b1"), "{hint}");
}

/// A version branch cut from master instead of rc is flow/foreign.
#[test]
fn version_branch_cut_from_master_is_foreign() {
    let mut t = Tokio::cycle();
    let dev013 = t.dev013;
    let cut = t.version(&[dev013], "Release 0.13.0b1", "0.13.0b1");
    let violations = t.check(&[("0.13", cut)]);
    assert_eq!(ids(&violations), ["flow/foreign"]);
    assert_eq!(violations[0].commits[0].id, dev013.to_string());
}

/// 0.12 merged into 0.13 (a cross-merge between version branches) is flow/foreign.
#[test]
fn version_branch_merged_into_another_is_foreign() {
    let mut t = Tokio::cycle();
    let (hotfix, release, b1) = (t.hotfix, t.release, t.b1);
    let cut = t.version(&[hotfix], "Release 0.13.0b1", "0.13.0b1");
    t.set("0.13", cut);
    let merge = t.commit(&[cut, release], "Merge branch '0.12' into 0.13");
    let violations = t.check(&[("0.13", merge)]);
    assert_eq!(ids(&violations), ["flow/foreign", "flow/source"]);
    assert_eq!(
        violations[0].commits.len(),
        4,
        "b1, b2, the pick, the release"
    );
    assert!(violations[0].commits.iter().any(|c| c.id == b1.to_string()));
    assert!(
        violations[0].message.contains("`0.12`"),
        "{}",
        violations[0].message
    );
}

/// Case 7 of issue 15: `0.13` created at V (a child of the master/rc merge base) and `master`
/// moved to a merge of V are each accepted alone and refused after the other; in one push the
/// branch created alongside counts too, so both updates are flow/foreign, naming V.
#[test]
fn branch_created_in_the_same_push_counts_for_the_others() {
    let mut t = Tokio::cycle();
    let (merged, dev013) = (t.merged, t.dev013);
    let v = t.version(&[merged], "Release 0.13.0b1", "0.13.0b1");
    let merge = t.version(&[dev013, v], "Merge branch '0.13'", "0.13.0.dev2");
    let start = t.refs.clone();
    assert_eq!(t.rules(&[("0.13", v)]), ACCEPTED);
    assert_eq!(t.rules(&[("master", merge)]), ACCEPTED);
    t.set("0.13", v);
    assert_eq!(t.rules(&[("master", merge)]), ["flow/foreign"]);
    t.rewind(&start);
    t.set("master", merge);
    assert_eq!(t.rules(&[("0.13", v)]), ["flow/foreign"]);
    t.rewind(&start);
    for push in [
        [("master", merge), ("0.13", v)],
        [("0.13", v), ("master", merge)],
    ] {
        let violations = t.check(&push);
        assert_eq!(ids(&violations), ["flow/foreign", "flow/foreign"]);
        for violation in &violations {
            assert_eq!(violation.commits.len(), 1, "{violation:?}");
            assert_eq!(violation.commits[0].id, v.to_string());
        }
        let master = violations.iter().find(|x| x.refname == "refs/heads/master");
        let message = &master.expect("master is refused").message;
        assert!(message.contains("`0.13`"), "{message}");
    }
}

/// A branch created in the same push from its own source is no conflict: rc's new fix and
/// `0.13` cut from it in one push are accepted (0.13 accepts rc).
#[test]
fn branch_cut_from_its_source_in_the_same_push_is_accepted() {
    let mut t = Tokio::cycle();
    let hotfix = t.hotfix;
    let fix = t.commit(&[hotfix], "Fix the docs build");
    let cut = t.version(&[fix], "Release 0.13.0b1", "0.13.0b1");
    assert_eq!(t.rules(&[("rc", fix), ("0.13", cut)]), ACCEPTED);
    assert_eq!(t.rules(&[("0.13", cut), ("rc", fix)]), ACCEPTED);
}

/// flow/foreign names exactly the commits of N in other protected histories, here of an
/// octopus.
#[test]
fn foreign_reports_exactly_the_offending_commits_of_an_octopus() {
    // The octopus brings a topic, rc and an unrelated 0.11 history into master: rc's commits
    // and 0.11's are reported, the topic is not.
    let mut t = Tokio::cycle();
    let old = t.version(&[], "Import the 0.11 maintenance history", "0.11.3");
    t.set("0.11", old);
    let (dev013, hotfix, freeze) = (t.dev013, t.hotfix, t.freeze);
    let topic = t.commit(&[dev013], "Add the Darshan connector");
    let octopus = t.commit(
        &[dev013, topic, hotfix, old],
        "Merge branches 'darshan', 'rc' and '0.11'",
    );
    let violations = t.check(&[("master", octopus)]);
    assert_eq!(ids(&violations), ["flow/foreign"]);
    let reported: Vec<String> = {
        let mut ids: Vec<String> = violations[0].commits.iter().map(|c| c.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(reported, hexes(&[freeze, hotfix, old]));
    assert!(
        violations[0].message.contains("3 commits"),
        "{}",
        violations[0].message
    );
}

/// An octopus merge into rc of master and a topic is flow/source for the topic only.
#[test]
fn octopus_into_rc_with_a_topic_is_source() {
    let mut t = Tokio::cycle();
    let (hotfix, dev013) = (t.hotfix, t.dev013);
    let topic = t.commit(&[hotfix], "Add a quick feature");
    let octopus = t.version(
        &[hotfix, dev013, topic],
        "Merge branches 'master' and 'quick' into rc",
        "0.12.0.dev2",
    );
    let violations = t.check(&[("rc", octopus)]);
    assert_eq!(ids(&violations), ["flow/source"]);
    assert_eq!(violations[0].commits[0].id, octopus.to_string());
}

/// An unrelated history (a second root) merged into rc is flow/source.
#[test]
fn unrelated_history_merged_into_rc_is_source() {
    let mut t = Tokio::cycle();
    let hotfix = t.hotfix;
    let stranger = t.commit(&[], "Import somebody else's project");
    let merge = t.commit(&[hotfix, stranger], "Merge branch 'import' into rc");
    assert_eq!(t.rules(&[("rc", merge)]), ["flow/source"]);
}

/// The merge of rc being made on master in pre-commit (a pending commit) is flow/foreign.
#[test]
fn pending_merge_of_rc_on_master_is_foreign() {
    let t = Tokio::cycle();
    let view = WithPending {
        inner: &t.repo,
        pending: Pending {
            parents: vec![t.dev013, t.hotfix],
            message: "Merge branch 'rc'".into(),
            files: Box::new(pending_files(&[(VERSION_FILE, &py("0.13.0.dev1"))])),
        },
    };
    let violations = t.judge_in(&view, &[t.update("master", Some(Id::PENDING))]);
    assert_eq!(ids(&violations), ["flow/foreign"]);
    assert!(
        violations[0]
            .commits
            .iter()
            .any(|c| c.id == t.freeze.to_string())
    );
}

/// A pending commit's version is read from its own files (the index), not its parent's.
#[test]
fn pending_commit_version_comes_from_its_files() {
    let t = Tokio::cycle();
    let pending = |version: &'static str| Pending {
        parents: vec![t.hotfix],
        message: "Set the version".into(),
        files: Box::new(pending_files(&[(VERSION_FILE, &py(version))])),
    };
    let ok = WithPending {
        inner: &t.repo,
        pending: pending("0.12.0.dev2"),
    };
    let update = t.update("rc", Some(Id::PENDING));
    assert!(t.judge_in(&ok, std::slice::from_ref(&update)).is_empty());
    let bad = WithPending {
        inner: &t.repo,
        pending: pending("0.12.0"),
    };
    let violations = t.judge_in(&bad, &[update]);
    assert_eq!(ids(&violations), ["version/kind"]);
    assert_eq!(
        violations[0].commits[0].id, "",
        "the commit being made has no id yet"
    );
}

// ---- flow/cherry-pick ----

/// The policy of the cherry-pick tests: rc takes merges and `-x` cherry-picks from master only.
const CHERRY_PICK: &str = r#"
[branches.master]
accepts = "any"

[branches.rc]
accepts = ["master"]
cherry-pick = true
"#;

/// A `-x` cherry-pick must name a source's commit: a topic's or an unknown one is flow/cherry-pick.
#[test]
fn cherry_picks_must_name_a_commit_of_an_allowed_source() {
    let mut s = Scenario::custom(CHERRY_PICK);
    let root = s.commit(&[], "Initial import");
    let on_master = s.commit(&[root], "Fix on master");
    let on_topic = s.commit(&[root], "Fix on a topic");
    s.set("master", on_master);
    s.set("rc", root);
    s.set("topic", on_topic);

    let good = s.commit(
        &[root],
        &format!("Fix on master\n\n(cherry picked from commit {on_master})"),
    );
    assert_eq!(s.rules(&[("rc", good)]), ACCEPTED);
    let plain = s.commit(&[root], "A hotfix without a trailer");
    assert_eq!(s.rules(&[("rc", plain)]), ACCEPTED);

    let from_topic = s.commit(
        &[root],
        &format!("Fix on a topic\n\n(cherry picked from commit {on_topic})"),
    );
    let violations = s.check(&[("rc", from_topic)]);
    assert_eq!(ids(&violations), ["flow/cherry-pick"]);
    assert_eq!(violations[0].commits[0].id, from_topic.to_string());

    let unknown = s.commit(
        &[root],
        "Fix from nowhere\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)",
    );
    assert_eq!(s.rules(&[("rc", unknown)]), ["flow/cherry-pick"]);
}

/// With cherry-pick checks, the cycle passes and a pick from master into 0.12 is flow/cherry-pick.
#[test]
fn version_branch_cherry_pick_from_master_skipping_rc() {
    let text = policy::presets::text("pytokio")
        .expect("the pytokio preset exists")
        .replace(
            "accepts = [\"rc\"]",
            "accepts = [\"rc\"]\ncherry-pick = true",
        );
    let mut t = Tokio::cycle_in(Scenario::custom(&text));
    let (dev013, release) = (t.dev013, t.release);
    let on_master = t.commit(&[dev013], "Fix the Darshan reader");
    t.set("master", on_master);
    let picked = t.version(
        &[release],
        &format!("Fix the Darshan reader\n\n(cherry picked from commit {on_master})"),
        "0.12.1",
    );
    assert_eq!(t.rules(&[("0.12", picked)]), ["flow/cherry-pick"]);
}

// ---- branch/* ----

/// A protected branch force-pushed (old not an ancestor of new) is branch/force.
#[test]
fn force_push_of_protected_branch_is_force() {
    let mut t = Tokio::cycle();
    let (picked, merged) = (t.picked, t.merged);
    let amended = t.version(&[picked], "Release 0.12.0 (amended)", "0.12.0");
    let violations = t.check(&[("0.12", amended)]);
    assert_eq!(ids(&violations), ["branch/force"]);
    assert_eq!(violations[0].commits[0].id, amended.to_string());
    let rewritten = t.version(
        &[merged],
        "Bump master to 0.13.0.dev1 (amended)",
        "0.13.0.dev1",
    );
    assert_eq!(t.rules(&[("master", rewritten)]), ["branch/force"]);
}

/// A protected branch deleted is branch/delete.
#[test]
fn deleting_protected_branch_is_delete() {
    let t = Tokio::cycle();
    assert_eq!(t.delete("0.12"), ["branch/delete"]);
    assert_eq!(t.delete("master"), ["branch/delete"]);
}

/// An update that leaves a branch where it is breaks nothing.
#[test]
fn unchanged_branch_is_accepted() {
    let t = Tokio::cycle();
    assert_eq!(t.rules(&[("rc", t.hotfix)]), ACCEPTED);
}

/// A policy whose main branch keeps its first-parent history meaningful.
const MAIN_ONLY: &str = r#"
[branches.main]
accepts = "any"
first-parent = true
"#;

/// A foxtrot merge is branch/first-parent; the same merge the right way round is accepted.
#[test]
fn foxtrot_merge_is_first_parent() {
    let mut s = Scenario::custom(MAIN_ONLY);
    let root = s.commit(&[], "Initial import");
    let topic = s.commit(&[root], "Topic work");
    let main = s.commit(&[root], "Other work on main");
    s.set("main", main);
    let foxtrot = s.commit(&[topic, main], "Merge branch 'main' into topic");
    let violations = s.check(&[("main", foxtrot)]);
    assert_eq!(ids(&violations), ["branch/first-parent"]);
    let proper = s.commit(&[main, topic], "Merge branch 'topic'");
    assert_eq!(s.rules(&[("main", proper)]), ACCEPTED);
}

/// With `linear = true` a merge commit is branch/linear; a rebased commit is accepted.
#[test]
fn merge_into_linear_branch_is_linear() {
    let mut s = Scenario::custom(
        r#"
[branches.main]
accepts = "any"
linear = true
"#,
    );
    let root = s.commit(&[], "Initial import");
    let topic = s.commit(&[root], "Topic work");
    let main = s.commit(&[root], "Other work on main");
    s.set("main", main);
    let merge = s.commit(&[main, topic], "Merge branch 'topic'");
    let violations = s.check(&[("main", merge)]);
    assert_eq!(ids(&violations), ["branch/linear"]);
    assert_eq!(violations[0].commits[0].id, merge.to_string());
    let rebased = s.commit(&[main], "Topic work");
    assert_eq!(s.rules(&[("main", rebased)]), ACCEPTED);
}

// ---- version/* ----

/// master without `.devN` is version/kind.
#[test]
fn master_without_dev_is_kind() {
    let mut t = Tokio::cycle();
    let dev013 = t.dev013;
    let final_ = t.version(&[dev013], "Set 0.13.0", "0.13.0");
    let violations = t.check(&[("master", final_)]);
    assert_eq!(ids(&violations), ["version/kind"]);
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("0.13.0.dev1"), "{hint}");
}

/// rc without `.devN` is version/kind.
#[test]
fn rc_without_dev_is_kind() {
    let mut t = Tokio::cycle();
    let hotfix = t.hotfix;
    let final_ = t.version(&[hotfix], "Set 0.12.0", "0.12.0");
    assert_eq!(t.rules(&[("rc", final_)]), ["version/kind"]);
}

/// A beta version on master is version/kind: only version branches carry betas.
#[test]
fn beta_on_master_is_kind() {
    let mut t = Tokio::cycle();
    let before = t.before_freeze.clone();
    t.rewind(&before);
    let merged = t.merged;
    let beta = t.version(&[merged], "Release 0.12.0b1 from master", "0.12.0b1");
    let violations = t.check(&[("master", beta)]);
    assert_eq!(ids(&violations), ["version/kind"]);
    assert!(
        violations[0].message.contains("tokio/__init__.py:3"),
        "{}",
        violations[0].message
    );
}

/// A policy limiting pre-release letters rejects another letter with version/kind.
#[test]
fn pre_release_letter_not_allowed_is_kind() {
    let mut s = Scenario::custom(
        r#"
[version]
files = ["tokio/__init__.py"]

[branches.release]
accepts = "any"
version = { kinds = ["pre", "final"], pre = ["rc"] }
"#,
    );
    let rc1 = s.version(&[], "1.0.0rc1", "1.0.0rc1");
    assert_eq!(s.rules(&[("release", rc1)]), ACCEPTED);
    let beta = s.version(&[], "1.0.0b1", "1.0.0b1");
    assert_eq!(s.rules(&[("release", beta)]), ["version/kind"]);
}

/// A master push while master is not a minor above rc is version/relation on master, with a hint.
#[test]
fn master_not_a_minor_above_rc_is_relation() {
    let mut t = Tokio::cycle();
    let before = t.before_freeze.clone();
    t.rewind(&before);
    let (merged, freeze) = (t.merged, t.freeze);
    t.set("rc", freeze);
    let feature = t.commit(&[merged], "Add the Darshan connector");
    let violations = t.check(&[("master", feature)]);
    assert_eq!(ids(&violations), ["version/relation"]);
    assert_eq!(violations[0].refname, "refs/heads/master");
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("0.13.0.dev0"), "{hint}");
    let micro = t.version(&[merged], "Bump to 0.12.1.dev1", "0.12.1.dev1");
    assert_eq!(t.rules(&[("master", micro)]), ["version/relation"]);
}

/// rc merging master before master's bump is version/relation on rc, with the `--atomic` hint.
#[test]
fn freeze_the_wrong_way_round_is_relation_on_rc() {
    let mut t = Tokio::cycle();
    let before = t.before_freeze.clone();
    t.rewind(&before);
    let freeze = t.freeze;
    let violations = t.check(&[("rc", freeze)]);
    assert_eq!(ids(&violations), ["version/relation"]);
    let v = &violations[0];
    assert_eq!(v.refname, "refs/heads/rc");
    let hint = v.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("git push --atomic origin master rc"),
        "{hint}"
    );
    assert!(hint.contains("0.13.0.dev1"), "{hint}");
}

/// Branch 0.12 carrying 0.13.0b1 is version/branch-name.
#[test]
fn version_branch_with_another_minor_is_branch_name() {
    let mut t = Tokio::cycle();
    let release = t.release;
    let wrong = t.version(&[release], "Bump to 0.13.0b1", "0.13.0b1");
    let violations = t.check(&[("0.12", wrong)]);
    assert_eq!(ids(&violations), ["version/branch-name"]);
    assert!(
        violations[0].message.contains("==0.12.*"),
        "{}",
        violations[0].message
    );
}

/// A version going backwards is version/monotonic.
#[test]
fn version_going_backwards_is_monotonic() {
    let mut t = Tokio::cycle();
    let dev013 = t.dev013;
    let lower = t.version(&[dev013], "Oops", "0.13.0.dev0");
    assert_eq!(t.rules(&[("master", lower)]), ["version/monotonic"]);
}

/// New commits on 0.12 still at its last tag's version are version/ahead-of-tags until bumped.
#[test]
fn new_commits_at_the_tagged_version_are_ahead_of_tags() {
    let mut t = Tokio::cycle();
    let release = t.release;
    let fix = t.commit(&[release], "Fix a typo");
    let violations = t.check(&[("0.12", fix)]);
    assert_eq!(ids(&violations), ["version/ahead-of-tags"]);
    assert!(
        violations[0].message.contains("v0.12.0"),
        "{}",
        violations[0].message
    );
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("0.12.1"), "{hint}");
    let bumped = t.version(&[fix], "Bump to 0.12.1", "0.12.1");
    assert_eq!(t.rules(&[("0.12", bumped)]), ACCEPTED);
}

/// An annotated `v0.12.0-beta2` counts for version/ahead-of-tags as the version 0.12.0b2.
#[test]
fn spelled_and_annotated_tags_count_for_ahead_of_tags() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let picked = t.picked;
    let tag = t.repo.annotated_tag(picked);
    t.accept(&[("tags/v0.12.0-beta2", tag)]);
    let fix = t.commit(&[picked], "Fix a typo");
    let violations = t.check(&[("0.12", fix)]);
    assert_eq!(ids(&violations), ["version/ahead-of-tags"]);
    assert!(
        violations[0].message.contains("v0.12.0-beta2"),
        "{}",
        violations[0].message
    );
}

/// A policy with two version files moved in lockstep (Dagster).
const LOCKSTEP: &str = r#"
[version]
files = ["core/__init__.py", "plugin/__init__.py"]

[branches.master]
accepts = "any"
version = { kinds = ["dev"] }
"#;

/// Two version files disagreeing, or one missing, is version/lockstep.
#[test]
fn version_files_disagreeing_is_lockstep() {
    let mut s = Scenario::custom(LOCKSTEP);
    let both = s.files(
        &[],
        "Initial import",
        &[
            ("core/__init__.py", "__version__ = '1.1.0.dev1'\n"),
            ("plugin/__init__.py", "__version__ = '1.1.0.dev1'\n"),
        ],
    );
    assert_eq!(s.rules(&[("master", both)]), ACCEPTED);
    s.set("master", both);
    let one = s.files(
        &[both],
        "Bump core only",
        &[("core/__init__.py", "__version__ = '1.1.0.dev2'\n")],
    );
    let violations = s.check(&[("master", one)]);
    assert_eq!(ids(&violations), ["version/lockstep"]);
    let message = &violations[0].message;
    assert!(
        message.contains("`plugin/__init__.py` says 1.1.0.dev1"),
        "{message}"
    );
    let lonely = s.files(
        &[],
        "Only core",
        &[("core/__init__.py", "__version__ = '1.1.0.dev1'\n")],
    );
    s.unset("master");
    let violations = s.check(&[("master", lonely)]);
    assert_eq!(ids(&violations), ["version/lockstep"]);
    assert!(
        violations[0].message.contains("is missing"),
        "{}",
        violations[0].message
    );
}

/// A version file that cannot be parsed is an error naming the file and the line.
#[test]
fn unparsable_version_file_is_an_error_naming_file_and_line() {
    let mut s = Scenario::pytokio();
    let broken = s.files(
        &[],
        "Broken",
        &[(VERSION_FILE, "\n\n__version__ = 'banana'\n")],
    );
    let update = s.update("master", Some(broken));
    let err = evaluate(&s.policy, &s.repo, &s.refs, &[update]).expect_err("unparsable version");
    assert!(matches!(err, EvalError::Version { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("tokio/__init__.py") && text.contains("line 3"),
        "{text}"
    );
}

// ---- tag/* ----

/// A tag naming another version than its commit's is tag/version.
#[test]
fn tag_on_commit_at_another_version_is_tag_version() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    t.unset("tags/v0.12.0b1");
    let b2 = t.b2;
    let violations = t.check(&[("tags/v0.12.0b1", b2)]);
    assert_eq!(ids(&violations), ["tag/version"]);
    assert!(
        violations[0].message.contains("0.12.0b2"),
        "{}",
        violations[0].message
    );
}

/// `v0.12.0-beta2` on a commit at 0.12.0b2 is accepted: versions compare normalized.
#[test]
fn spelled_out_beta_tag_matches_normalized_version() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let b2 = t.b2;
    assert_eq!(t.rules(&[("tags/v0.12.0-beta2", b2)]), ACCEPTED);
}

/// A release tag on master is tag/branch: release tags are cut from version branches.
#[test]
fn release_tag_on_master_is_tag_branch() {
    let mut t = Tokio::cycle();
    let dev013 = t.dev013;
    let final_ = t.version(&[dev013], "Release 0.13.0 from master", "0.13.0");
    t.set("master", final_);
    let violations = t.check(&[("tags/v0.13.0", final_)]);
    assert_eq!(ids(&violations), ["tag/branch"]);
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("--atomic"), "{hint}");
}

/// A release tag pushed before its branch is judged against the branch in the same push.
#[test]
fn tag_and_branch_in_one_push_are_judged_together() {
    let mut t = Tokio::cycle();
    let release = t.release;
    let next = t.version(&[release], "Release 0.12.1", "0.12.1");
    assert_eq!(t.rules(&[("tags/v0.12.1", next)]), ["tag/branch"]);
    assert_eq!(t.rules(&[("tags/v0.12.1", next), ("0.12", next)]), ACCEPTED);
}

/// A release tag moved to another commit is tag/immutable, even when everything else holds.
#[test]
fn moved_tag_is_immutable() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let b1 = t.b1;
    t.set("0.12", b1);
    let fix = t.commit(&[b1], "Fix before the beta, then retag");
    let violations = t.check(&[("0.12", fix), ("tags/v0.12.0b1", fix)]);
    assert_eq!(ids(&violations), ["tag/immutable"]);
    assert_eq!(violations[0].refname, "refs/tags/v0.12.0b1");
}

/// Replacing a lightweight tag by an annotated tag of the same commit moves it: immutable means
/// the ref's own object.
#[test]
fn annotating_a_tag_in_place_is_a_move() {
    let mut t = Tokio::cycle();
    let b1 = t.b1;
    let annotated = t.repo.annotated_tag(b1);
    assert_eq!(t.rules(&[("tags/v0.12.0b1", annotated)]), ["tag/immutable"]);
}

/// An annotated tag is peeled: the version compared is the tagged commit's.
#[test]
fn annotated_tag_is_peeled_for_tag_version() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let b2 = t.b2;
    let good = t.repo.annotated_tag(b2);
    let nested = t.repo.annotated_tag(good);
    assert_eq!(t.rules(&[("tags/v0.12.0b2", nested)]), ACCEPTED);
    assert_eq!(t.rules(&[("tags/v0.12.0b3", good)]), ["tag/version"]);
}

/// A release tag pointing at a tree is tag/version; a non-release tag may point anywhere.
#[test]
fn release_tag_on_a_tree_is_tag_version() {
    let mut t = Tokio::cycle();
    let tree = t.repo.tree();
    let violations = t.check(&[("tags/v0.12.1", tree)]);
    assert_eq!(ids(&violations), ["tag/version"]);
    assert!(
        violations[0].message.contains("tree"),
        "{}",
        violations[0].message
    );
    assert_eq!(t.rules(&[("tags/docs-snapshot", tree)]), ACCEPTED);
}

/// A release tag deleted is tag/delete.
#[test]
fn deleting_release_tag_is_tag_delete() {
    let t = Tokio::cycle();
    assert_eq!(t.delete("tags/v0.12.0b1"), ["tag/delete"]);
    assert_eq!(t.delete("tags/v0.12.0"), ["tag/delete"]);
}

/// Seed 001: RC tags `v1.2.3-rc1` on a commit at 1.2.3 (release part compared), deletable;
/// production tags final, never deleted, with a changelog entry.
const RC_PRODUCTION: &str = r#"
[version]
files = ["src/__init__.py"]

[branches.main]
accepts = "any"

[tags.rc]
pattern = "v{version}"
kinds = ["pre"]
pre = ["rc"]
version-match = "release"
deletable = true
on = ["main"]

[tags.production]
pattern = "v{version}"
kinds = ["final"]
on = ["main"]
changelog = { file = "CHANGELOG.md", heading = '^## \[{version}\]' }
"#;

/// Seed 001's repository: main at 1.2.3 with its changelog entry.
fn rc_production() -> (Scenario, Id) {
    let mut s = Scenario::custom(RC_PRODUCTION);
    let main = s.files(
        &[],
        "chore: prepare release v1.2.3",
        &[
            ("src/__init__.py", "__version__ = \"1.2.3\"\n"),
            (
                "CHANGELOG.md",
                "# Changelog\n\n## [1.2.3] - 2024-05-01\n\n- New feature X\n",
            ),
        ],
    );
    s.set("main", main);
    (s, main)
}

/// With `version-match = "release"`, `v1.2.3-rc1` matches 1.2.3 and `v1.2.4-rc1` does not.
#[test]
fn release_version_match_compares_the_release_part() {
    let (s, main) = rc_production();
    assert_eq!(s.rules(&[("tags/v1.2.3-rc1", main)]), ACCEPTED);
    assert_eq!(s.rules(&[("tags/v1.2.4-rc1", main)]), ["tag/version"]);
}

/// RC tags (`deletable = true`) may be deleted; production tags may not.
#[test]
fn deletable_tag_classes() {
    let (mut s, main) = rc_production();
    s.set("tags/v1.2.3-rc1", main);
    s.set("tags/v1.2.3", main);
    assert_eq!(s.delete("tags/v1.2.3-rc1"), ACCEPTED);
    assert_eq!(s.delete("tags/v1.2.3"), ["tag/delete"]);
}

/// A tag whose version no tag class allows is tag/kind (here a beta where only rc is allowed).
#[test]
fn tag_of_a_kind_no_class_allows_is_tag_kind() {
    let (s, main) = rc_production();
    assert_eq!(s.rules(&[("tags/v1.2.3-beta1", main)]), ["tag/kind"]);
}

/// A production tag is accepted with its changelog entry and is changelog/entry without it.
#[test]
fn production_tag_needs_a_changelog_entry() {
    let (mut s, main) = rc_production();
    assert_eq!(s.rules(&[("tags/v1.2.3", main)]), ACCEPTED);
    let next = s.files(
        &[main],
        "chore: prepare release v1.2.4",
        &[("src/__init__.py", "__version__ = \"1.2.4\"\n")],
    );
    s.set("main", next);
    let violations = s.check(&[("tags/v1.2.4", next)]);
    assert_eq!(ids(&violations), ["changelog/entry"]);
    assert!(
        violations[0].message.contains("CHANGELOG.md"),
        "{}",
        violations[0].message
    );
}

/// One branch `main` and release tags `v{version}` that need an entry in `NEWS` found by the
/// `heading` regex (a TOML literal string).
fn changelog_scenario(heading: &str) -> Scenario {
    Scenario::custom(&format!(
        r#"
[version]
files = ["VERSION"]

[branches.main]
accepts = "any"

[tags.release]
pattern = "v{{version}}"
changelog = {{ file = "NEWS", heading = '{heading}' }}
"#
    ))
}

/// A changelog heading for `1.2.0rc1` or `1.2.10` is no entry for `1.2.0` or `1.2.1`.
#[test]
fn changelog_entry_of_a_longer_version_does_not_count() {
    let mut s = changelog_scenario("^## {version}");
    let news = "## 1.2.10 (2025-01-01)\n\n## 1.2.0rc1 (2024-01-01)\n";
    let rc = s.files(&[], "1.2.0", &[("VERSION", "1.2.0\n"), ("NEWS", news)]);
    s.set("main", rc);
    assert_eq!(s.rules(&[("tags/v1.2.0", rc)]), ["changelog/entry"]);
    let one = s.files(&[rc], "1.2.1", &[("VERSION", "1.2.1\n")]);
    s.set("main", one);
    assert_eq!(s.rules(&[("tags/v1.2.1", one)]), ["changelog/entry"]);
    let entry = "## 1.2.1 (2025-02-01)\n\n## 1.2.0 (2024-02-01)\n";
    let fixed = s.files(&[one], "NEWS for 1.2.1", &[("NEWS", entry)]);
    s.set("main", fixed);
    assert_eq!(s.rules(&[("tags/v1.2.1", fixed)]), ACCEPTED);
}

/// A changelog heading means at tag time what the policy parser checked: `\d` and `\w` are
/// ASCII, `(?i)` folds case, and `.` and a class match a character, not a byte.
#[test]
fn changelog_heading_means_what_the_policy_parser_checked() {
    let mut s = changelog_scenario("^## [éè] {version} .$");
    let c = s.files(
        &[],
        "1.2.0",
        &[("VERSION", "1.2.0\n"), ("NEWS", "## é 1.2.0 ü\n")],
    );
    s.set("main", c);
    assert_eq!(s.rules(&[("tags/v1.2.0", c)]), ACCEPTED);
}

/// A changelog heading may use the ASCII classes and flags policy patterns allow (`\d`, `\w`,
/// `(?i)`, `.`), and Arabic-Indic digits are not `\d`.
#[test]
fn changelog_heading_with_ascii_classes_finds_the_entry() {
    let mut s = changelog_scenario(r"(?i)^\w+ {version} \(\d{4}-\d\d-.+\)");
    let news = "Release 1.2.0 (2024-02-01)\n\nrelease 1.1.0 (2023-\u{0661}\u{0662}-01)\n";
    let c = s.files(&[], "1.2.0", &[("VERSION", "1.2.0\n"), ("NEWS", news)]);
    s.set("main", c);
    assert_eq!(s.rules(&[("tags/v1.2.0", c)]), ACCEPTED);
    // Arabic-Indic digits are not `\d` in a policy pattern.
    let old = s.files(&[c], "1.1.0", &[("VERSION", "1.1.0\n")]);
    s.set("main", old);
    assert_eq!(s.rules(&[("tags/v1.1.0", old)]), ["changelog/entry"]);
}

/// Tags such as `vendor-import` or `nightly` are not release tags: versions start with a digit.
#[test]
fn tags_that_are_not_versions_are_not_release_tags() {
    let t = Tokio::cycle();
    let dev013 = t.dev013;
    assert_eq!(t.rules(&[("tags/vendor-import", dev013)]), ACCEPTED);
    assert_eq!(t.delete("tags/vendor-import"), ACCEPTED);
    assert_eq!(
        t.rules(&[("tags/v2-beta", dev013)]),
        ["tag/branch", "tag/version"]
    );

    let mut s = Scenario::custom(
        r#"
[version]
files = ["VERSION"]

[tags.release]
pattern = "{version}"
"#,
    );
    let commit = s.files(&[], "1.0.0", &[("VERSION", "1.0.0\n")]);
    assert_eq!(s.rules(&[("tags/nightly", commit)]), ACCEPTED);
    assert_eq!(s.rules(&[("tags/1.0.0", commit)]), ACCEPTED);
    assert_eq!(s.rules(&[("tags/v1.0.0", commit)]), ACCEPTED);
    assert_eq!(s.rules(&[("tags/1.0.1", commit)]), ["tag/version"]);
}

// ---- version globs, tag/pre-release, tag/calendar ----

/// Dagster's policy: every `version.py` under `python_modules` moves in lockstep, tags are bare
/// versions, and a final release needs an earlier pre-release.
const DAGSTER: &str = r#"
[version]
files = ["python_modules/**/version.py"]

[branches.master]
accepts = "any"
version = { monotonic = true }

[tags.pre-release]
pattern = "{version}"
kinds = ["pre"]
on = ["master"]

[tags.release]
pattern = "{version}"
kinds = ["final"]
on = ["master"]
requires-pre-release = true
"#;

/// The text of a Dagster `version.py`.
fn dagster_py(version: &str) -> String {
    format!("__version__ = '{version}'\n")
}

/// The three packages of a Dagster commit, all at `version`.
fn dagster_packages(version: &str) -> Vec<(&'static str, String)> {
    [
        "python_modules/dagit/dagit/version.py",
        "python_modules/dagster/dagster/version.py",
        "python_modules/libraries/dagster-aws/dagster_aws/version.py",
    ]
    .into_iter()
    .map(|path| (path, dagster_py(version)))
    .collect()
}

/// A commit setting every Dagster package to `version`.
fn dagster_release(s: &mut Scenario, parents: &[Id], version: &str) -> Id {
    let files = dagster_packages(version);
    let changes: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    s.files(parents, version, &changes)
}

/// Every file a version glob matches must agree; files outside the glob do not count.
#[test]
fn version_glob_files_move_in_lockstep() {
    let mut s = Scenario::custom(DAGSTER);
    let root = dagster_release(&mut s, &[], "0.4.2");
    let docs = s.files(
        &[root],
        "Docs have their own version",
        &[("docs/version.py", &dagster_py("9.9"))],
    );
    assert_eq!(s.rules(&[("master", docs)]), ACCEPTED);
    s.set("master", docs);
    let one = s.files(
        &[docs],
        "Bump dagster only",
        &[(
            "python_modules/dagster/dagster/version.py",
            &dagster_py("0.4.3"),
        )],
    );
    let violations = s.check(&[("master", one)]);
    assert_eq!(ids(&violations), ["version/lockstep"]);
    let message = &violations[0].message;
    assert!(
        message.contains("`python_modules/dagit/dagit/version.py` says 0.4.2")
            && message.contains("`python_modules/dagster/dagster/version.py` says 0.4.3"),
        "{message}"
    );
    let added = s.files(
        &[docs],
        "Add dagster-gcp at the same version",
        &[(
            "python_modules/libraries/dagster-gcp/dagster_gcp/version.py",
            &dagster_py("0.4.2"),
        )],
    );
    assert_eq!(s.rules(&[("master", added)]), ACCEPTED);
}

/// A pending commit's glob matches come from its own files: a package added in it counts.
#[test]
fn version_glob_lists_the_files_of_a_pending_commit() {
    let mut s = Scenario::custom(DAGSTER);
    let root = dagster_release(&mut s, &[], "0.4.2");
    s.set("master", root);
    let mut files = dagster_packages("0.4.2");
    files.push((
        "python_modules/libraries/dagster-gcp/dagster_gcp/version.py",
        dagster_py("0.4.1"),
    ));
    let listed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let view = WithPending {
        inner: &s.repo,
        pending: Pending {
            parents: vec![root],
            message: "Add dagster-gcp".into(),
            files: Box::new(pending_files(&listed)),
        },
    };
    let violations = s.judge_in(&view, &[s.update("master", Some(Id::PENDING))]);
    assert_eq!(ids(&violations), ["version/lockstep"]);
    assert!(
        violations[0]
            .message
            .contains("dagster_gcp/version.py` says 0.4.1"),
        "{}",
        violations[0].message
    );
}

/// Dozens of disagreeing version files: people read three and a count of the rest, and the
/// whole message (JSON's) names every one.
#[test]
fn lockstep_message_names_a_few_files_and_counts_the_rest() {
    let mut s = Scenario::custom(DAGSTER);
    let mut files = vec![("python_modules/a/version.py".to_owned(), dagster_py("1.0"))];
    for i in 0..6 {
        files.push((format!("python_modules/p{i}/version.py"), dagster_py("0.9")));
    }
    let changes: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let commit = s.files(&[], "Packages disagree", &changes);
    let violations = s.check(&[("master", commit)]);
    assert_eq!(ids(&violations), ["version/lockstep"]);
    let v = &violations[0];
    assert!(v.shown_message().ends_with("and 3 more"), "{v:?}");
    assert!(
        (0..6).all(|i| v.message.contains(&format!("p{i}/version.py"))),
        "{}",
        v.message
    );
}

/// A final release without a pre-release of it (`0.4.3.pre0` is one) tagged before is tag/pre-release.
#[test]
fn final_release_requires_an_earlier_pre_release() {
    let mut s = Scenario::custom(DAGSTER);
    let pre = dagster_release(&mut s, &[], "0.4.3.pre0");
    s.set("master", pre);
    assert_eq!(s.rules(&[("tags/0.4.3.pre0", pre)]), ACCEPTED);
    let fin = dagster_release(&mut s, &[pre], "0.4.3");
    s.set("master", fin);
    let violations = s.check(&[("tags/0.4.3", fin)]);
    assert_eq!(ids(&violations), ["tag/pre-release"]);
    assert!(
        violations[0]
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains(&format!("`git tag 0.4.3.pre0 {}", pre.short())),
        "the commit that carries the pre-release is named: {:?}",
        violations[0].hint
    );
    s.set("tags/0.4.3.pre0", pre);
    assert_eq!(s.rules(&[("tags/0.4.3", fin)]), ACCEPTED);
    // A pre-release of another release does not count.
    let next = dagster_release(&mut s, &[fin], "0.4.4");
    s.set("master", next);
    assert_eq!(s.rules(&[("tags/0.4.4", next)]), ["tag/pre-release"]);
}

/// A pre-release pushed with its release counts; one on a commit the release lacks does not.
#[test]
fn pre_release_must_be_on_the_release_history() {
    let mut s = Scenario::custom(DAGSTER);
    let root = dagster_release(&mut s, &[], "0.4.2");
    let pre = dagster_release(&mut s, &[root], "0.4.3rc1");
    let fin = dagster_release(&mut s, &[pre], "0.4.3");
    s.set("master", fin);
    assert_eq!(
        s.rules(&[("tags/0.4.3rc1", pre), ("tags/0.4.3", fin)]),
        ACCEPTED
    );
    let aside = dagster_release(&mut s, &[root], "0.4.3rc2");
    s.set("tags/0.4.3rc2", aside);
    let violations = s.check(&[("tags/0.4.3", fin)]);
    assert_eq!(ids(&violations), ["tag/pre-release"]);
    assert!(
        violations[0].message.contains("`0.4.3rc2` tags a commit"),
        "{}",
        violations[0].message
    );
}

/// Twisted's tags: `YY.N.patch`, where YY is the year the release is tagged in.
const CALENDAR: &str = r#"
[version]
files = ["VERSION"]

[tags.release]
pattern = "twisted-{version}"
calendar = "YY.N.patch"
"#;

/// 2010-03-01 12:00 UTC and 2011-01-10 12:00 UTC.
const MARCH_2010: i64 = 1_267_444_800;
const JANUARY_2011: i64 = 1_294_660_800;

/// An annotated tag's calendar version is checked against its tagger date, not its commit's.
#[test]
fn calendar_version_is_checked_against_the_tagger_date() {
    let mut s = Scenario::custom(CALENDAR);
    let commit = s.files(&[], "10.0.0", &[("VERSION", "10.0.0\n")]);
    s.repo.set_date(commit, JANUARY_2011);
    let in_2010 = s.repo.annotated_tag(commit);
    s.repo.set_date(in_2010, MARCH_2010);
    assert_eq!(s.rules(&[("tags/twisted-10.0.0", in_2010)]), ACCEPTED);
    let in_2011 = s.repo.annotated_tag(commit);
    s.repo.set_date(in_2011, JANUARY_2011);
    let violations = s.check(&[("tags/twisted-10.0.0", in_2011)]);
    assert_eq!(ids(&violations), ["tag/calendar"]);
    assert!(
        violations[0]
            .message
            .contains("dated 2011-01-10, so its version must read 11.N.patch"),
        "{}",
        violations[0].message
    );
    assert!(
        violations[0]
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("`twisted-11.0.0`"),
        "{:?}",
        violations[0].hint
    );
}

/// A lightweight tag (or an annotated one without a tagger) is dated by its commit.
#[test]
fn calendar_of_a_lightweight_tag_is_the_commit_date() {
    let mut s = Scenario::custom(CALENDAR);
    let commit = s.files(&[], "10.1.0", &[("VERSION", "10.1.0\n")]);
    s.repo.set_date(commit, MARCH_2010);
    assert_eq!(s.rules(&[("tags/twisted-10.1.0", commit)]), ACCEPTED);
    let untagged = s.repo.annotated_tag(commit);
    assert_eq!(s.rules(&[("tags/twisted-10.1.0", untagged)]), ACCEPTED);
    s.repo.set_date(commit, JANUARY_2011);
    assert_eq!(
        s.rules(&[("tags/twisted-10.1.0", commit)]),
        ["tag/calendar"]
    );
}

/// Year, month and day components are all checked; a version too short to hold them fails.
#[test]
fn calendar_checks_every_date_component() {
    let mut s = Scenario::custom(
        r#"
[version]
files = ["VERSION"]

[tags.release]
pattern = "v{version}"
calendar = "YYYY.0M.DD.N"
"#,
    );
    let good = s.files(&[], "2010.3.1.0", &[("VERSION", "2010.3.1.0\n")]);
    s.repo.set_date(good, MARCH_2010);
    assert_eq!(s.rules(&[("tags/v2010.03.01.0", good)]), ACCEPTED);
    let month = s.files(&[], "2010.4.1.0", &[("VERSION", "2010.4.1.0\n")]);
    s.repo.set_date(month, MARCH_2010);
    assert_eq!(s.rules(&[("tags/v2010.4.1.0", month)]), ["tag/calendar"]);
    let short = s.files(&[], "2010.3", &[("VERSION", "2010.3\n")]);
    s.repo.set_date(short, MARCH_2010);
    assert_eq!(s.rules(&[("tags/v2010.3", short)]), ["tag/calendar"]);
}

/// A date is the calendar day in the time zone it was recorded in.
#[test]
fn stamp_date_is_the_local_day() {
    let new_year_utc = Stamp {
        seconds: 1_262_305_800, // 2010-01-01 00:30 UTC
        offset_minutes: 0,
    };
    let new_york = Stamp {
        // 19:30 on 31 December 2009 there: a 2009 release.
        offset_minutes: -5 * 60,
        ..new_year_utc
    };
    let day = |stamp: Stamp| stamp.date().map(|d| d.to_string());
    assert_eq!(day(new_year_utc).as_deref(), Some("2010-01-01"));
    assert_eq!(day(new_york).as_deref(), Some("2009-12-31"));
}

/// Any offset git writes names a day, up to `±9959`, the day git shows (jiff's offsets stop at
/// ±26 hours).
#[test]
fn stamp_date_beyond_a_day_of_offset_is_the_day_git_shows() {
    let eve = Stamp {
        seconds: 1_704_060_000, // 2023-12-31 22:00 UTC
        offset_minutes: 99 * 60 + 59,
    };
    let west = Stamp {
        offset_minutes: -(99 * 60 + 59),
        ..eve
    };
    assert_eq!(
        eve.date().map(|d| d.to_string()).as_deref(),
        Some("2024-01-05")
    );
    assert_eq!(
        west.date().map(|d| d.to_string()).as_deref(),
        Some("2023-12-27")
    );
}

/// A version that does not parse at a tip the push leaves alone skips the relation rule with a
/// note naming the ref and the file; the same version brought by the push is an error.
#[test]
fn unreadable_version_on_the_server_blocked_an_unrelated_push() {
    let mut s = Scenario::pytokio();
    let base = s.version(&[], "0.12", "0.12.0.dev1");
    let broken = s.files(&[base], "broken", &[(VERSION_FILE, "__version__ = x\n")]);
    let master = s.version(&[base], "0.13", "0.13.0.dev1");
    s.set("rc", broken);
    s.set("master", master);
    let feature = s.commit(&[master], "a feature");
    let update = s.update("master", Some(feature));
    let judged = super::judge(&s.policy, &s.repo, &s.refs, &[update]).expect("judged");
    assert_eq!(ids(&judged.violations), ACCEPTED);
    assert_eq!(judged.notes.len(), 1, "{:?}", judged.notes);
    assert!(
        judged.notes[0].contains("`rc`") && judged.notes[0].contains("`tokio/__init__.py`"),
        "{:?}",
        judged.notes
    );
    let broken_too = s.files(
        &[master],
        "break master",
        &[(VERSION_FILE, "__version__ = x\n")],
    );
    let update = s.update("master", Some(broken_too));
    assert!(matches!(
        super::judge(&s.policy, &s.repo, &s.refs, &[update]),
        Err(EvalError::Version { .. })
    ));
}

/// A branch that accepts no other branch is told it receives no merges (never "only from no
/// branch"), and the hint's single commit, cherry-picked, is accepted.
#[test]
fn branch_accepting_nothing_received_merges_only_from_no_branch() {
    let mut s = Scenario::custom("[branches.stable]\naccepts = []\n");
    let root = s.commit(&[], "Initial import");
    let topic = s.commit(&[root], "Topic work");
    s.set("stable", root);
    s.set("topic", topic);
    let merge = s.commit(&[root, topic], "Merge branch 'topic'");
    let violations = s.check(&[("stable", merge)]);
    assert_eq!(ids(&violations), ["flow/source"]);
    let said = format!("{} {:?}", violations[0].message, violations[0].hint);
    assert!(
        said.contains("`stable` receives no merges") && !said.contains("no branch"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "`git cherry-pick -x {}..{}`",
            root.short(),
            topic.short()
        )),
        "{said}"
    );
    let picked = s.commit(
        &[root],
        &format!("Topic work\n\n(cherry picked from commit {topic})"),
    );
    assert_eq!(s.rules(&[("stable", picked)]), ACCEPTED);
}

/// A version branch pushed before `rc`, its only source, exists may hold master's commits
/// (they reach it through `rc`); `rc` pushed before master may hold master's merges; master
/// created after them shares their history.
#[test]
fn protected_branches_pushed_one_at_a_time_were_refused() {
    let mut s = Scenario::pytokio();
    let root = s.version(&[], "Initial import", "0.1.0.dev1");
    let topic = s.commit(&[root], "A feature");
    let merged = s.commit(&[root, topic], "Merge branch 'feature'");
    let beta = s.version(&[merged], "0.1 beta", "0.1.0b1");
    let bumped = s.version(&[merged], "bump", "0.2.0.dev1");
    s.accept(&[("0.1", beta)]);
    s.accept(&[("rc", merged)]);
    s.accept(&[("master", bumped)]);
}

mod hints;
mod refs;
