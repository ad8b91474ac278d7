//! Property tests of the evaluator: random commit graphs (merges of two and three parents,
//! criss-cross merges, unrelated roots, long lines), random policies and random update sets,
//! judged by the evaluator and by the brute-force [`oracle`]; verdicts and reported commits
//! must be equal. In memory here, in real repositories written by `git fast-import` in [`git`].
//!
//! `PROPTEST_CASES=5000 cargo test --test cli properties` runs more cases than CI does.

mod git;
mod oracle;
mod stale;

use std::collections::BTreeMap;

use git_policy::policy::{self, Origin, Policy};
use git_policy::rules::memory::MemoryRepo;
use git_policy::rules::{
    self, Id, Pending, RefState, RepoView, Update, Violation, WithPending, evaluate,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use oracle::{Finding, Graph};

/// Branches a case may set: three protected classes (`master`, `rc`, version branches `0.N`)
/// and a topic branch.
const BRANCHES: [&str; 5] = ["master", "rc", "0.1", "0.2", "topic"];

/// Tags a case may set: release tags (`v{version}`, compared by release so every commit's
/// `1.0.0` matches), two of them spellings of one version (tag/duplicate), and one that is
/// not a release tag.
const TAGS: [&str; 4] = ["v1.0.0rc1", "v1.0.0-rc1", "v1.0.0", "nightly"];

const REFS: usize = BRANCHES.len() + TAGS.len();

/// The version every generated commit carries.
const VERSION: &str = "1.0.0\n";

/// A commit a message names in `(cherry picked from commit X)` that is in no repository.
const ELSEWHERE: &str = "1234567890abcdef1234567890abcdef12345678";

fn refname(index: usize) -> String {
    match BRANCHES.get(index) {
        Some(branch) => format!("refs/heads/{branch}"),
        None => format!("refs/tags/{}", TAGS[index - BRANCHES.len()]),
    }
}

/// The options of one protected branch class.
#[derive(Debug, Clone)]
struct ClassKnobs {
    any: bool,
    /// Which classes (master, rc, version) it accepts.
    accepts: [bool; 3],
    first_parent: bool,
    linear: bool,
    cherry_pick: bool,
}

/// A random policy over the classes `master`, `rc` and `version`, and one tag class.
#[derive(Debug, Clone)]
struct Knobs {
    classes: [ClassKnobs; 3],
    tag_on: [bool; 3],
    immutable: bool,
    deletable: bool,
}

const CLASSES: [&str; 3] = ["master", "rc", "version"];

impl Knobs {
    fn policy(&self) -> Policy {
        let mut text = String::from("[version]\nfiles = [\"VERSION\"]\n");
        for (i, (name, knobs)) in CLASSES.iter().zip(&self.classes).enumerate() {
            let mut accepts: Vec<String> = Vec::new();
            if knobs.any {
                accepts.push("\"any\"".into());
            }
            for (j, other) in CLASSES.iter().enumerate() {
                // A branch of an exact-name class accepting itself is refused by the parser;
                // the version class may accept its siblings.
                if knobs.accepts[j] && (j != i || i == 2) {
                    accepts.push(format!("\"{other}\""));
                }
            }
            text += &format!("\n[branches.{name}]\naccepts = [{}]\n", accepts.join(", "));
            if i == 2 {
                text += "pattern = '^\\d+\\.\\d+$'\n";
            }
            text += &format!(
                "first-parent = {}\nlinear = {}\ncherry-pick = {}\n",
                knobs.first_parent, knobs.linear, knobs.cherry_pick
            );
        }
        let on: Vec<String> = CLASSES
            .iter()
            .zip(self.tag_on)
            .filter(|(_, on)| *on)
            .map(|(name, _)| format!("\"{name}\""))
            .collect();
        text += &format!(
            "\n[tags.release]\npattern = \"v{{version}}\"\nversion-match = \"release\"\non = [{}]\nimmutable = {}\ndeletable = {}\n",
            on.join(", "),
            self.immutable,
            self.deletable
        );
        policy::parse(&text, Origin::Preset("random"))
            .unwrap_or_else(|e| panic!("a generated policy parses: {e}\n{text}"))
    }
}

/// What a ref points at: a commit (by index), an annotated tag of something, or a tree.
#[derive(Debug, Clone)]
enum Target {
    Commit(usize),
    Tag(Box<Target>),
    Tree,
}

#[derive(Debug, Clone, Copy)]
enum Picked {
    Commit(usize),
    Elsewhere,
}

#[derive(Debug, Clone)]
struct CommitSpec {
    /// Indices of earlier commits; empty for a root.
    parents: Vec<usize>,
    /// The commit its message says it was cherry-picked from.
    picked: Option<Picked>,
}

/// A random repository, a random policy and a random update set.
#[derive(Debug, Clone)]
struct Case {
    knobs: Knobs,
    commits: Vec<CommitSpec>,
    /// Ref index to target, before the update set.
    before: Vec<(usize, Target)>,
    /// Ref index to new target (`None`: deletion); the old value is the ref's before.
    updates: Vec<(usize, Option<Target>)>,
}

fn class_knobs() -> impl Strategy<Value = ClassKnobs> {
    (
        any::<bool>(),
        any::<[bool; 3]>(),
        prop::bool::weighted(0.4),
        prop::bool::weighted(0.4),
        prop::bool::weighted(0.4),
    )
        .prop_map(
            |(any, accepts, first_parent, linear, cherry_pick)| ClassKnobs {
                any,
                accepts,
                first_parent,
                linear,
                cherry_pick,
            },
        )
}

fn knobs() -> impl Strategy<Value = Knobs> {
    (
        [class_knobs(), class_knobs(), class_knobs()],
        any::<[bool; 3]>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(classes, tag_on, immutable, deletable)| Knobs {
            classes,
            tag_on,
            immutable,
            deletable,
        })
}

/// Up to `max` commits. Most have one parent, usually the previous commit or one close to it
/// (long lines); one in five is a merge of two or three earlier commits anywhere (criss-cross
/// merges happen); one in ten is a new root (unrelated histories).
fn commits(max: usize) -> impl Strategy<Value = Vec<CommitSpec>> {
    let one = (
        0..10u8,
        prop_oneof![3 => 0..2usize, 1 => 0..64usize],
        0..64usize,
        0..64usize,
        prop::option::weighted(0.15, prop::option::weighted(0.8, 0..64usize)),
    );
    prop::collection::vec(one, 1..=max).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (shape, near, second, third, picked))| {
                let mut parents = Vec::new();
                if i > 0 && shape > 0 {
                    parents.push(i - 1 - near % i);
                    let extra = match shape {
                        7 | 8 => vec![second],
                        9 => vec![second, third],
                        _ => vec![],
                    };
                    for seed in extra {
                        if !parents.contains(&(seed % i)) {
                            parents.push(seed % i);
                        }
                    }
                }
                let picked = picked.map(|seed| match seed {
                    Some(seed) if i > 0 => Picked::Commit(seed % i),
                    _ => Picked::Elsewhere,
                });
                CommitSpec { parents, picked }
            })
            .collect()
    })
}

/// A target seed: a kind and a commit seed skewed towards the newest commits.
fn target_seed() -> impl Strategy<Value = (u8, usize)> {
    (0..10u8, prop_oneof![2 => 0..3usize, 1 => 0..64usize])
}

/// Branches point at commits; tags also at annotated tags (of tags) and trees.
fn target(ref_index: usize, (kind, seed): (u8, usize), commits: usize) -> Target {
    let commit = Target::Commit(commits - 1 - seed % commits);
    if ref_index < BRANCHES.len() {
        return commit;
    }
    match kind {
        0..=5 => commit,
        6 | 7 => Target::Tag(Box::new(commit)),
        8 => Target::Tag(Box::new(Target::Tag(Box::new(commit)))),
        _ => Target::Tree,
    }
}

fn case(max_commits: usize) -> impl Strategy<Value = Case> {
    (
        knobs(),
        commits(max_commits),
        // Tips before anywhere; new targets mostly among the newest commits.
        prop::collection::vec(prop::option::weighted(0.7, (0..10u8, 0..64usize)), REFS),
        prop::collection::vec(
            (
                prop_oneof![3 => 0..4usize, 1 => 4..REFS],
                prop::option::weighted(0.85, target_seed()),
            ),
            1..=3,
        ),
    )
        .prop_map(|(knobs, commits, before, updates)| {
            let n = commits.len();
            let before: Vec<(usize, Target)> = before
                .into_iter()
                .enumerate()
                .filter_map(|(r, seed)| Some((r, target(r, seed?, n))))
                .collect();
            let descendants = descendants(&commits);
            let mut seen = Vec::new();
            let updates = updates
                .into_iter()
                .filter(|(r, new)| {
                    let exists = before.iter().any(|(b, _)| b == r);
                    let fresh = !seen.contains(r);
                    seen.push(*r);
                    fresh && (exists || new.is_some())
                })
                .map(|(r, new)| {
                    let old = before.iter().find(|(b, _)| *b == r).map(|(_, t)| t);
                    let new = new.map(|(kind, seed)| match old {
                        // Most branch updates build on the old tip, as pushes do; the rest
                        // rewrite it.
                        Some(Target::Commit(o)) if kind < 7 && !descendants[*o].is_empty() => {
                            Target::Commit(descendants[*o][seed % descendants[*o].len()])
                        }
                        _ => target(r, (kind, seed), n),
                    });
                    (r, new)
                })
                .collect();
            Case {
                knobs,
                commits,
                before,
                updates,
            }
        })
}

/// The commits descending from each commit, itself excluded.
fn descendants(commits: &[CommitSpec]) -> Vec<Vec<usize>> {
    let mut descendants: Vec<Vec<usize>> = vec![Vec::new(); commits.len()];
    // Parents come before children, so one pass in order sees every ancestor's list complete.
    let mut ancestors: Vec<Vec<bool>> = Vec::new();
    for (i, spec) in commits.iter().enumerate() {
        let mut mine = vec![false; commits.len()];
        for &p in &spec.parents {
            mine[p] = true;
            for (a, &is) in ancestors[p].iter().enumerate() {
                mine[a] |= is;
            }
        }
        for (a, &is) in mine.iter().enumerate() {
            if is {
                descendants[a].push(i);
            }
        }
        ancestors.push(mine);
    }
    descendants
}

/// Where a case's objects are written: memory, or a real repository.
trait Writer {
    fn commit(&mut self, parents: &[Id], message: &str) -> Id;
    fn tag(&mut self, target: Id) -> Id;
    fn tree(&mut self) -> Id;
}

/// A case written out: the graph for the oracle, the refs before, the updates, the commits.
struct Realized {
    graph: Graph,
    before: RefState,
    updates: Vec<Update>,
    commits: Vec<Id>,
    messages: Vec<String>,
}

fn realize(case: &Case, writer: &mut impl Writer) -> Realized {
    let mut graph = Graph::default();
    let mut commits: Vec<Id> = Vec::new();
    let mut messages = Vec::new();
    for (i, spec) in case.commits.iter().enumerate() {
        let parents: Vec<Id> = spec.parents.iter().map(|&p| commits[p]).collect();
        let picked = spec.picked.map(|p| match p {
            Picked::Commit(j) => commits[j],
            Picked::Elsewhere => hex(ELSEWHERE),
        });
        let message = match picked {
            Some(origin) => format!("c{i}\n\n(cherry picked from commit {origin})\n"),
            None => format!("c{i}\n"),
        };
        let id = writer.commit(&parents, &message);
        graph.parents.insert(id, parents);
        if let Some(origin) = picked {
            graph.picked_from.insert(id, origin);
        }
        commits.push(id);
        messages.push(message);
    }
    let mut object = |target: &Target| write_target(target, &commits, writer, &mut graph);
    let before: RefState = case
        .before
        .iter()
        .map(|(r, target)| (refname(*r), object(target)))
        .collect();
    let updates = case
        .updates
        .iter()
        .map(|(r, new)| Update {
            refname: refname(*r),
            old: before.get(&refname(*r)).copied(),
            new: new.as_ref().map(&mut object),
        })
        .collect();
    Realized {
        graph,
        before,
        updates,
        commits,
        messages,
    }
}

fn write_target(
    target: &Target,
    commits: &[Id],
    writer: &mut impl Writer,
    graph: &mut Graph,
) -> Id {
    match target {
        Target::Commit(i) => commits[*i],
        Target::Tree => writer.tree(),
        Target::Tag(inner) => {
            let inner = write_target(inner, commits, writer, graph);
            let tag = writer.tag(inner);
            graph.tags.insert(tag, inner);
            tag
        }
    }
}

fn hex(text: &str) -> Id {
    Id::parse_hex(text)
        .ok()
        .flatten()
        .expect("a non-zero 40-digit id")
}

impl Writer for MemoryRepo {
    fn commit(&mut self, parents: &[Id], message: &str) -> Id {
        MemoryRepo::commit(self, parents, message, &[("VERSION", VERSION)])
    }

    fn tag(&mut self, target: Id) -> Id {
        self.annotated_tag(target)
    }

    fn tree(&mut self) -> Id {
        MemoryRepo::tree(self)
    }
}

/// The test configuration: `cases` unless `PROPTEST_CASES` asks for more or fewer; failures
/// are saved under `tests/proptest-regressions/` and replayed first.
fn config(cases: u32, source_file: &'static str) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(cases),
        source_file: Some(source_file),
        ..Config::default()
    }
}

/// Runs a property, shrinking a failure to a minimal case.
fn run<S: Strategy>(
    (cases, source_file): (u32, &'static str),
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let mut runner = TestRunner::new(config(cases, source_file));
    if let Err(err) = runner.run(&strategy, test) {
        panic!("{err}");
    }
}

/// How many cases each property runs in CI.
const MEMORY_CASES: u32 = 512;
const PENDING_CASES: u32 = 256;
const GIT_CASES: u32 = 96;

/// Every rule the oracle knows.
const ORACLE_RULES: [&str; 12] = [
    "flow/foreign",
    "flow/source",
    "flow/cherry-pick",
    "branch/delete",
    "branch/force",
    "branch/linear",
    "branch/first-parent",
    "tag/delete",
    "tag/immutable",
    "tag/branch",
    "tag/version",
    "tag/duplicate",
];

/// The oracle's verdict on a case, in memory.
fn expected(case: &Case) -> Vec<Finding> {
    let mut built = realize(case, &mut MemoryRepo::new());
    rules::pin_old_values(&mut built.before, &built.updates);
    oracle::judge(
        &case.knobs.policy(),
        &built.graph,
        &built.before,
        &built.updates,
    )
}

/// Each generator, as many cases as its property runs, breaks every rule the oracle knows in
/// some case and breaks none in others: the properties cannot pass vacuously. A fixed seed, as
/// this checks the generators, not the evaluator.
#[test]
fn generated_cases_break_every_rule_and_none() {
    let generators = [
        ("case(16)", case(16).boxed(), MEMORY_CASES),
        ("pending_case()", pending_case().boxed(), PENDING_CASES),
        ("case(10)", case(10).boxed(), GIT_CASES),
    ];
    for (name, strategy, cases) in generators {
        let mut runner = TestRunner::deterministic();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for _ in 0..cases {
            let case = strategy
                .new_tree(&mut runner)
                .expect("a case is generated")
                .current();
            let findings = expected(&case);
            *seen.entry("(none)").or_default() += usize::from(findings.is_empty());
            for finding in findings {
                *seen.entry(finding.rule).or_default() += 1;
            }
        }
        for rule in ORACLE_RULES.iter().chain(&["(none)"]) {
            assert!(
                seen.contains_key(rule),
                "{name}: no case of {rule}: {seen:?}"
            );
        }
    }
}

/// On random graphs, policies and update sets, the evaluator's violations (rule, ref and
/// commits) are exactly the oracle's.
#[test]
fn evaluator_agrees_with_the_oracle_on_random_graphs() {
    run((MEMORY_CASES, file!()), case(16), |case| {
        let policy = case.knobs.policy();
        let mut repo = MemoryRepo::new();
        let mut built = realize(&case, &mut repo);
        rules::pin_old_values(&mut built.before, &built.updates);
        let expected = oracle::judge(&policy, &built.graph, &built.before, &built.updates);
        let got = judge(&policy, &repo, &built.before, &built.updates);
        prop_assert_eq!(Finding::of(&got), expected);
        Ok(())
    });
}

/// A case whose first update moves a protected branch to a new commit nothing else names: the
/// commit a `pre-commit` hook or a pull request's merge judges before it exists.
fn pending_case() -> impl Strategy<Value = Case> {
    (
        case(12),
        0..4usize,
        (any::<bool>(), 0..64usize, 0..64usize),
        prop::option::weighted(0.3, 0..64usize),
    )
        .prop_map(|(mut case, branch, (merge, first, second), picked)| {
            let n = case.commits.len();
            let mut parents = vec![n - 1 - first % n];
            if merge && !parents.contains(&(second % n)) {
                parents.push(second % n);
            }
            let picked = picked.map(|seed| Picked::Commit(seed % n));
            case.commits.push(CommitSpec { parents, picked });
            case.updates.retain(|(r, _)| *r != branch);
            case.updates.insert(0, (branch, Some(Target::Commit(n))));
            case
        })
}

/// Judging the commit being made (`pre-commit`, a pull request's merge) gives the verdict the
/// same commit gets once it exists, with the commit's id empty (it has none yet).
#[test]
fn pending_commit_is_judged_as_the_commit_it_becomes() {
    run((PENDING_CASES, file!()), pending_case(), |case| {
        let policy = case.knobs.policy();
        let mut repo = MemoryRepo::new();
        let mut built = realize(&case, &mut repo);
        rules::pin_old_values(&mut built.before, &built.updates);
        let newest = *built.commits.last().expect("a case has commits");
        let mut expected = oracle::judge(&policy, &built.graph, &built.before, &built.updates);
        for finding in &mut expected {
            for id in &mut finding.commits {
                if *id == newest.to_string() {
                    *id = String::new();
                }
            }
            finding.commits.sort();
        }
        expected.sort();
        let updates: Vec<Update> = built
            .updates
            .iter()
            .map(|u| Update {
                new: u.new.map(|n| if n == newest { Id::PENDING } else { n }),
                ..u.clone()
            })
            .collect();
        let view = WithPending {
            inner: &repo,
            pending: Pending {
                parents: built.graph.parents[&newest].clone(),
                message: built.messages.last().cloned().unwrap_or_default(),
                files: Box::new(BTreeMap::from([(
                    "VERSION".to_owned(),
                    VERSION.as_bytes().to_vec(),
                )])),
            },
        };
        let got = judge(&policy, &view, &built.before, &updates);
        prop_assert_eq!(Finding::of(&got), expected);
        Ok(())
    });
}

fn judge(
    policy: &Policy,
    view: &dyn RepoView,
    before: &RefState,
    updates: &[Update],
) -> Vec<Violation> {
    evaluate(policy, view, before, updates).unwrap_or_else(|e| panic!("evaluation fails: {e}"))
}
