//! The engine over both sources, on real repositories written with `git2`: git's commit-graph
//! file (written by the `git` CLI) and the graph built in memory when there is none. Both must
//! give the answers of the definition, for commits inside the graph and pushed ones outside it.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

use git2::{Oid, Repository, Signature, Time};

use super::super::{Git, to_id};
use crate::rules::{Id, RepoView};

/// A history: each commit's parents by index of earlier commits.
type Shape = &'static [&'static [usize]];

/// Merges, an octopus, two unrelated roots, and a line of its own.
///
/// ```text
/// 0 - 1 - 2 ----- 4 - 8          master = 8
///      \         /
///       3 ------+-- 7            octopus 7 = (4, 6, 3), other = 7
///                  /
/// 5 - 6 ----------+              a second root
/// 9 - 10                         an unrelated line, lone = 10
/// ```
const SHAPE: Shape = &[
    &[],
    &[0],
    &[1],
    &[1],
    &[2, 3],
    &[],
    &[5],
    &[4, 6, 3],
    &[4],
    &[],
    &[9],
];

const REFS: &[(&str, usize)] = &[
    ("refs/heads/master", 8),
    ("refs/heads/other", 7),
    ("refs/tags/lone", 10),
];

/// Commits made after the graph, reachable from no ref: a push waiting in its quarantine. A
/// merge of the octopus and master, a commit on it, and a new root merged in.
const PUSHED: Shape = &[&[7], &[11, 8], &[], &[12, 13]];

/// Writes `shape` and then `pushed` into a new bare repository; with `commit_graph`, git's
/// commit-graph is written in between, so it holds `shape` alone.
fn repository(dir: &Path, commit_graph: bool) -> Vec<Id> {
    let repo = Repository::init_bare(dir).expect("init");
    let tree = repo
        .treebuilder(None)
        .and_then(|b| b.write())
        .expect("tree");
    let tree = repo.find_tree(tree).expect("tree");
    let mut ids: Vec<Oid> = Vec::new();
    let write = |parents: &[usize], ids: &mut Vec<Oid>| {
        let sig = Signature::new("C", "c@example.invalid", &Time::new(1_600_000_000, 0))
            .expect("signature");
        let parents: Vec<_> = parents
            .iter()
            .map(|&p| repo.find_commit(ids[p]).expect("parent"))
            .collect();
        let parents: Vec<_> = parents.iter().collect();
        let message = format!("c{}", ids.len());
        let id = repo
            .commit(None, &sig, &sig, &message, &tree, &parents)
            .expect("commit");
        ids.push(id);
    };
    for parents in SHAPE {
        write(parents, &mut ids);
    }
    for &(name, i) in REFS {
        repo.reference(name, ids[i], true, "test").expect("ref");
    }
    repo.set_head("refs/heads/master").expect("HEAD");
    if commit_graph {
        git(
            dir,
            &["commit-graph", "write", "--reachable", "--no-progress"],
        );
        assert!(dir.join("objects/info/commit-graph").is_file());
    }
    for parents in PUSHED {
        write(parents, &mut ids);
    }
    ids.into_iter().map(to_id).collect()
}

/// Runs the `git` CLI on a repository, away from the user's configuration.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("--git-dir")
        .arg(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("run git");
    assert!(status.success(), "git {args:?}");
}

/// Every commit's parents, `SHAPE` then `PUSHED`.
fn all_parents() -> Vec<&'static [usize]> {
    SHAPE.iter().chain(PUSHED).copied().collect()
}

/// Every commit's ancestors by index, itself included.
fn ancestors() -> Vec<HashSet<usize>> {
    let mut sets: Vec<HashSet<usize>> = Vec::new();
    for (i, parents) in all_parents().into_iter().enumerate() {
        let mut set = HashSet::from([i]);
        for &p in parents {
            set.extend(sets[p].iter().copied());
        }
        sets.push(set);
    }
    sets
}

/// A repository with or without git's commit-graph, opened, with the source the engine uses.
fn opened(commit_graph: bool) -> (tempfile::TempDir, Git, Vec<Id>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ids = repository(dir.path(), commit_graph);
    let git = Git::open(dir.path()).expect("open");
    (dir, git, ids)
}

/// Both sources, each named as the engine names it.
const SOURCES: [(bool, &str); 2] = [(true, "commit-graph"), (false, "built")];

/// Every ancestry question on every pair (and set) of commits, inside the graph or pushed,
/// is answered as the definition says, from either source.
#[test]
fn both_sources_answer_as_the_definition() {
    let truth = ancestors();
    let n = truth.len();
    for (commit_graph, source) in SOURCES {
        let (_dir, git, ids) = opened(commit_graph);
        for (i, parents) in all_parents().into_iter().enumerate() {
            let expected: Vec<Id> = parents.iter().map(|&p| ids[p]).collect();
            assert_eq!(git.parents(ids[i]).expect("parents"), expected, "{source}");
        }
        for d in 0..n {
            for a in 0..n {
                let got = git.is_ancestor(ids[a], ids[d]).expect("is_ancestor");
                assert_eq!(
                    got,
                    truth[d].contains(&a),
                    "{source}: c{a} ancestor of c{d}"
                );
            }
        }
        for a in 0..n {
            for (x, y) in [(8, 10), (6, 12), (13, 3), (14, 9)] {
                let got = git
                    .is_ancestor_of_any(ids[a], &[ids[x], ids[y]])
                    .expect("is_ancestor_of_any");
                let expected = truth[x].contains(&a) || truth[y].contains(&a);
                assert_eq!(got, expected, "{source}: c{a} ancestor of c{x} or c{y}");
            }
        }
        let walks: &[(&[usize], &[usize])] = &[
            (&[14], &[]),
            (&[14], &[8]),
            (&[12], &[7, 8]),
            (&[7, 10], &[2]),
            (&[13, 4], &[6]),
            (&[8], &[14]),
        ];
        for &(tips, hide) in walks {
            let pick = |list: &[usize]| list.iter().map(|&i| ids[i]).collect::<Vec<_>>();
            let walked = git.walk(&pick(tips), &pick(hide)).expect("walk");
            let expected: HashSet<Id> = (0..n)
                .filter(|&c| tips.iter().any(|&t| truth[t].contains(&c)))
                .filter(|&c| !hide.iter().any(|&h| truth[h].contains(&c)))
                .map(|c| ids[c])
                .collect();
            assert_eq!(walked.len(), expected.len(), "{source}: no commit twice");
            assert_eq!(walked.iter().copied().collect::<HashSet<_>>(), expected);
            for (k, &later) in walked.iter().enumerate() {
                let later = ids.iter().position(|&x| x == later).expect("known");
                for &earlier in &walked[..k] {
                    let earlier = ids.iter().position(|&x| x == earlier).expect("known");
                    assert!(
                        !truth[later].contains(&earlier),
                        "{source}: c{earlier} walked before its descendant c{later}"
                    );
                }
            }
        }
        assert_eq!(git.ancestry_source(), source);
    }
}

/// A pushed commit (outside the graph, reachable from no ref) is an ancestor of no commit in
/// the graph, and has the graph's commits as ancestors, from either source.
#[test]
fn pushed_commits_are_outside_the_graph_from_either_source() {
    for (commit_graph, source) in SOURCES {
        let (_dir, git, ids) = opened(commit_graph);
        let graph = git.ancestry().expect("source");
        assert_eq!(git.ancestry_source(), source);
        for (i, &id) in ids.iter().enumerate() {
            assert_eq!(
                graph.lookup(id).is_some(),
                i < SHAPE.len(),
                "{source}: c{i}"
            );
        }
        for inside in 0..SHAPE.len() {
            assert!(!git.is_ancestor(ids[11], ids[inside]).expect("answer"));
        }
        assert!(
            git.is_ancestor(ids[6], ids[14]).expect("answer"),
            "{source}"
        );
        assert!(
            git.is_ancestor(ids[13], ids[14]).expect("answer"),
            "{source}"
        );
        assert!(
            !git.is_ancestor(ids[10], ids[14]).expect("answer"),
            "{source}"
        );
    }
}

/// The built graph holds every commit a ref reaches, with generation numbers one above the
/// highest parent's (1 for a root), as git's commit-graph records them.
#[test]
fn built_graph_has_the_commit_graph_generations() {
    let (_file_dir, file, ids) = opened(true);
    let (_built_dir, built, built_ids) = opened(false);
    assert_eq!(ids, built_ids, "the same commits");
    let (file, built) = (
        file.ancestry().expect("file"),
        built.ancestry().expect("built"),
    );
    assert_eq!(file.len(), built.len());
    for (i, &id) in ids[..SHAPE.len()].iter().enumerate() {
        let at = |source: &dyn super::Source| {
            let pos = source.lookup(id).expect("in the graph");
            source.generation(pos).expect("generation")
        };
        assert_eq!(at(built), at(file), "c{i}");
    }
}

/// Reading parents, peeling and a walk whose tips are all hidden (a commit on top of a branch)
/// do not build the graph; the first real ancestry question does, once.
#[test]
fn graph_is_built_on_the_first_ancestry_question_only() {
    let (_dir, git, ids) = opened(false);
    git.parents(ids[8]).expect("parents");
    git.peel(ids[8]).expect("peel");
    let walked = git.walk(&[ids[8]], &[ids[7], ids[8]]).expect("walk");
    assert_eq!(walked, []);
    assert!(
        git.built.get().is_none(),
        "built for parents, peel or an empty walk"
    );
    assert!(git.is_ancestor(ids[0], ids[8]).expect("answer"));
    let first: *const _ = git.built.get().expect("built");
    assert!(git.walk(&[ids[8]], &[ids[2]]).is_ok());
    assert!(
        std::ptr::eq(first, git.built.get().expect("built")),
        "built once"
    );
}

/// Grafts that make a commit its own ancestor are an error naming the grafts, not a hang.
#[test]
fn graft_cycle_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ids = repository(dir.path(), false);
    let grafts = format!("{} {}\n", ids[1], ids[2]);
    std::fs::write(dir.path().join("info/grafts"), grafts).expect("grafts");
    let git = Git::open(dir.path()).expect("open");
    let err = git.is_ancestor(ids[0], ids[8]).expect_err("a cycle");
    assert!(format!("{err:#}").contains("cannot build the commit graph"));
    let cause = std::error::Error::source(&err).map(ToString::to_string);
    assert!(cause.is_some_and(|c| c.contains("is its own ancestor") && c.contains("grafts")));
}

/// A position set reused for a larger graph forgets what the last walk marked and holds
/// positions up to the new count.
#[test]
fn position_set_is_empty_after_reset_at_any_size() {
    let mut set = super::PositionSet::default();
    set.reset(100);
    assert!(set.insert(3));
    assert!(!set.insert(3));
    assert!(set.insert(99));
    set.reset(1_000_000);
    assert!(set.insert(3), "a reset forgets the previous walk");
    assert!(set.insert(99));
    assert!(set.insert(999_999));
    assert!(!set.insert(999_999));
    set.reset(10);
    assert!(
        set.insert(999_999),
        "a smaller reset still forgets every word"
    );
}

/// A random history of `n` commits: each commit's parents, by index of earlier commits (a new
/// root now and then, merges of two and three).
fn random_shape(rng: &mut fastrand::Rng, n: usize) -> Vec<Vec<usize>> {
    let mut shape = vec![Vec::new()];
    for i in 1..n {
        let mut parents = vec![i - 1 - rng.usize(0..i.min(5))];
        match rng.u32(0..100) {
            0..=2 => parents.clear(),
            3..=27 => parents.push(rng.usize(0..i)),
            28..=30 => parents.extend([rng.usize(0..i), rng.usize(0..i)]),
            _ => {}
        }
        let mut seen = HashSet::new();
        parents.retain(|p| seen.insert(*p));
        shape.push(parents);
    }
    shape
}

/// Writes `shape` into a new bare repository, with git's commit-graph of the first `in_graph`
/// commits when asked (the rest after it, as pushed commits are), refs on a few commits.
fn random_repository(dir: &Path, shape: &[Vec<usize>], in_graph: Option<usize>) -> Vec<Id> {
    let repo = Repository::init_bare(dir).expect("init");
    let tree = repo
        .treebuilder(None)
        .and_then(|b| b.write())
        .expect("tree");
    let tree = repo.find_tree(tree).expect("tree");
    let sig =
        Signature::new("C", "c@example.invalid", &Time::new(1_600_000_000, 0)).expect("signature");
    let mut ids: Vec<Oid> = Vec::new();
    let split = in_graph.unwrap_or(shape.len());
    for (i, parents) in shape.iter().enumerate() {
        if i == split {
            for (k, &id) in ids.iter().enumerate().step_by(7) {
                repo.reference(&format!("refs/heads/b{k}"), id, true, "test")
                    .expect("ref");
            }
            if in_graph.is_some() {
                git(
                    dir,
                    &["commit-graph", "write", "--reachable", "--no-progress"],
                );
            }
        }
        let parents: Vec<_> = parents
            .iter()
            .map(|&p| repo.find_commit(ids[p]).expect("parent"))
            .collect();
        let parents: Vec<_> = parents.iter().collect();
        let id = repo
            .commit(None, &sig, &sig, &format!("c{i}"), &tree, &parents)
            .expect("commit");
        ids.push(id);
    }
    ids.into_iter().map(to_id).collect()
}

/// `reachable_among` answers for every tip what one `is_ancestor` per candidate (and per hidden
/// commit) answers, on random histories from either source, with candidates, tips and hidden
/// commits inside the graph and outside it, after a walk hiding the same or not.
#[test]
fn reachable_among_agrees_with_is_ancestor_per_candidate() {
    for seed in 1..=3u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let shape = random_shape(&mut rng, 150);
        for in_graph in [Some(110), None] {
            let dir = tempfile::tempdir().expect("temp dir");
            let ids = random_repository(dir.path(), &shape, in_graph);
            let git = Git::open(dir.path()).expect("open");
            let pick = |rng: &mut fastrand::Rng, range: std::ops::Range<usize>| {
                (0..rng.usize(range))
                    .map(|_| ids[rng.usize(0..ids.len())])
                    .collect::<Vec<_>>()
            };
            for _ in 0..60 {
                let candidates = pick(&mut rng, 1..12);
                let tips = pick(&mut rng, 1..5);
                let hide = pick(&mut rng, 0..4);
                // A walk hiding the same first, as `flow/foreign` follows the walk that found
                // its roots: its hidden commits are reused.
                if rng.bool() {
                    let walked = pick(&mut rng, 1..3);
                    git.walk(&walked, &hide).expect("walk");
                }
                let got = git
                    .reachable_among(&candidates, &tips, &hide)
                    .expect("reachable_among");
                let mut expected = Vec::new();
                for &tip in &tips {
                    let mut list = Vec::new();
                    for &c in &candidates {
                        let hidden = git.is_ancestor_of_any(c, &hide).expect("hidden");
                        if !hidden && git.is_ancestor(c, tip).expect("is_ancestor") {
                            list.push(c);
                        }
                    }
                    expected.push(list);
                }
                assert_eq!(
                    got, expected,
                    "seed {seed}, graph of {in_graph:?}: {candidates:?} from {tips:?} hiding {hide:?}"
                );
            }
        }
    }
}
