//! Ancestry through git's commit-graph agrees with the definition: random histories, with the
//! commit-graph absent, partial, one file, a chain of layers or corrupt, and commits outside it
//! in an alternate object directory (as a push's quarantine has them).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::Stdio;

use git_policy::repo::Git;
use git_policy::rules::{Id, RepoView};

use crate::harness::{Sandbox, TestRepo, accepted, pytokio, refused, rejected, serve};

/// A random history: each commit's parents, by index of earlier commits.
fn random_history(rng: &mut fastrand::Rng, commits: usize) -> Vec<Vec<usize>> {
    let mut parents = vec![Vec::new()];
    for i in 1..commits {
        let mut mine = vec![i - 1 - rng.usize(0..i.min(4))];
        // A second root now and then; merges of two and (rarely) three parents.
        match rng.u32(0..100) {
            0..=1 => mine.clear(),
            2..=24 => mine.push(rng.usize(0..i)),
            25..=27 => mine.extend([rng.usize(0..i), rng.usize(0..i)]),
            _ => {}
        }
        mine.dedup();
        let mut seen = HashSet::new();
        mine.retain(|p| seen.insert(*p));
        parents.push(mine);
    }
    parents
}

/// Every commit's ancestors (itself included), by index.
fn ancestors(parents: &[Vec<usize>]) -> Vec<Vec<bool>> {
    let mut sets: Vec<Vec<bool>> = Vec::with_capacity(parents.len());
    for (i, mine) in parents.iter().enumerate() {
        let mut set = vec![false; parents.len()];
        set[i] = true;
        for &p in mine {
            for (j, &reached) in sets[p].iter().enumerate() {
                set[j] |= reached;
            }
        }
        sets.push(set);
    }
    sets
}

/// Imports commits `range` of the history into `repo` with `git fast-import` (earlier commits
/// by id, as a quarantine's commits name their parents); returns every commit's id so far.
fn import(
    repo: &TestRepo,
    parents: &[Vec<usize>],
    range: std::ops::Range<usize>,
    ids: &mut Vec<String>,
) {
    let marks = repo.sandbox.path().join("marks");
    let mut stream = String::new();
    for i in range.clone() {
        let message = format!("c{i}\n");
        stream.push_str(&format!(
            "commit refs/heads/c{i}\nmark :{}\ncommitter C <c@example.invalid> {} +0000\ndata {}\n{message}",
            i + 1,
            1_600_000_000 + i * 60,
            message.len()
        ));
        for (k, &p) in parents[i].iter().enumerate() {
            let parent = if p >= range.start {
                format!(":{}", p + 1)
            } else {
                ids[p].clone()
            };
            stream.push_str(&format!(
                "{} {parent}\n",
                if k == 0 { "from" } else { "merge" }
            ));
        }
        stream.push('\n');
    }
    let mut child = repo
        .command("git")
        .args(["fast-import", "--quiet"])
        .arg(format!("--export-marks={}", marks.display()))
        .stdin(Stdio::piped())
        // git complains about the corrupt commit-graph it finds through the alternate.
        .stderr(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stream.as_bytes())
        .expect("stream");
    let out = child.wait_with_output().expect("fast-import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&marks).expect("marks");
    let mut new = vec![String::new(); range.len()];
    for line in text.lines() {
        let (mark, id) = line.split_once(' ').expect("mark line");
        let i: usize = mark[1..].parse().expect("mark");
        new[i - 1 - range.start] = id.to_owned();
    }
    ids.extend(new);
}

/// Writes a commit-graph of what the commits `tips` reach, as a new layer with `split`.
fn write_graph(repo: &TestRepo, ids: &[String], tips: &[usize], split: bool) {
    let mut cmd = repo.command("git");
    cmd.args(["commit-graph", "write", "--no-progress", "--stdin-commits"]);
    if split {
        cmd.arg("--split=no-merge");
    }
    let mut child = cmd.stdin(Stdio::piped()).spawn().expect("git commit-graph");
    let list: String = tips.iter().map(|&t| format!("{}\n", ids[t])).collect();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(list.as_bytes())
        .expect("tips");
    assert!(child.wait().expect("commit-graph").success());
}

fn id(hex: &str) -> Id {
    Id::parse_hex(hex).expect("hex").expect("not zero")
}

/// Checks every question the rules ask against the definition, for a sample of commits.
fn check_against_definition(git: &Git, parents: &[Vec<usize>], ids: &[String], what: &str) {
    let truth = ancestors(parents);
    let n = parents.len();
    let mut rng = fastrand::Rng::with_seed(n as u64);
    let index: HashMap<Id, usize> = ids.iter().enumerate().map(|(i, h)| (id(h), i)).collect();
    for (i, mine) in parents.iter().enumerate() {
        let expected: Vec<Id> = mine.iter().map(|&p| id(&ids[p])).collect();
        assert_eq!(
            git.parents(id(&ids[i])).expect("parents"),
            expected,
            "{what}: parents of c{i}"
        );
    }
    for a in 0..n {
        for d in (0..n).filter(|_| rng.u32(0..8) == 0) {
            let got = git
                .is_ancestor(id(&ids[a]), id(&ids[d]))
                .expect("is_ancestor");
            assert_eq!(got, truth[d][a], "{what}: is c{a} an ancestor of c{d}");
        }
    }
    for _ in 0..100 {
        let a = rng.usize(0..n);
        let ds: Vec<usize> = (0..rng.usize(1..5)).map(|_| rng.usize(0..n)).collect();
        let d_ids: Vec<Id> = ds.iter().map(|&d| id(&ids[d])).collect();
        let got = git.is_ancestor_of_any(id(&ids[a]), &d_ids).expect("any");
        assert_eq!(
            got,
            ds.iter().any(|&d| truth[d][a]),
            "{what}: c{a} in any of {ds:?}"
        );
    }
    for _ in 0..100 {
        let tips: Vec<usize> = (0..rng.usize(1..4)).map(|_| rng.usize(0..n)).collect();
        let hide: Vec<usize> = (0..rng.usize(0..4)).map(|_| rng.usize(0..n)).collect();
        let walked = git
            .walk(
                &tips.iter().map(|&t| id(&ids[t])).collect::<Vec<_>>(),
                &hide.iter().map(|&h| id(&ids[h])).collect::<Vec<_>>(),
            )
            .expect("walk");
        let expected: HashSet<Id> = (0..n)
            .filter(|&c| tips.iter().any(|&t| truth[t][c]) && !hide.iter().any(|&h| truth[h][c]))
            .map(|c| id(&ids[c]))
            .collect();
        let got: HashSet<Id> = walked.iter().copied().collect();
        assert_eq!(got.len(), walked.len(), "{what}: walk repeats a commit");
        assert_eq!(got, expected, "{what}: walk of {tips:?} hiding {hide:?}");
        let order: Vec<usize> = walked.iter().map(|x| index[x]).collect();
        for (k, &later) in order.iter().enumerate() {
            for &earlier in &order[..k] {
                assert!(
                    !truth[later][earlier],
                    "{what}: walk lists c{earlier} before its descendant c{later}"
                );
            }
        }
    }
    for _ in 0..100 {
        let pick = |rng: &mut fastrand::Rng, range: std::ops::Range<usize>| -> Vec<usize> {
            (0..rng.usize(range)).map(|_| rng.usize(0..n)).collect()
        };
        let (candidates, tips, hide) = (
            pick(&mut rng, 1..10),
            pick(&mut rng, 1..4),
            pick(&mut rng, 0..3),
        );
        let ids_of = |list: &[usize]| list.iter().map(|&i| id(&ids[i])).collect::<Vec<_>>();
        let got = git
            .reachable_among(&ids_of(&candidates), &ids_of(&tips), &ids_of(&hide))
            .expect("reachable_among");
        let expected: Vec<Vec<Id>> = tips
            .iter()
            .map(|&t| {
                let reached: Vec<usize> = candidates
                    .iter()
                    .copied()
                    .filter(|&c| truth[t][c] && !hide.iter().any(|&h| truth[h][c]))
                    .collect();
                ids_of(&reached)
            })
            .collect();
        assert_eq!(
            got, expected,
            "{what}: {candidates:?} reachable from {tips:?} hiding {hide:?}"
        );
    }
}

/// Random histories give the same answers whatever the state of the commit-graph: none, one
/// file covering part of them, a chain of layers, a corrupt file, and commits outside the
/// graph in an alternate object directory like a push's quarantine.
#[test]
fn ancestry_agrees_with_the_definition_whatever_the_commit_graph() {
    for seed in 1..=2u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let parents = random_history(&mut rng, 160);
        let (old, new) = (0..120, 120..160);
        let layouts: &[(&str, &[&[usize]])] = &[
            ("no commit-graph", &[]),
            ("one file of part of the history", &[&[60, 90]]),
            ("a chain of layers", &[&[40], &[80, 100], &[119]]),
            ("a corrupt file", &[&[119]]),
        ];
        for (layout, layers) in layouts {
            let sandbox = Sandbox::new();
            let server = sandbox.bare("server.git");
            let mut ids = Vec::new();
            import(&server, &parents, old.clone(), &mut ids);
            for layer in *layers {
                write_graph(&server, &ids, layer, layers.len() > 1);
            }
            if layout.contains("corrupt") {
                let file = server.path.join("objects/info/commit-graph");
                let mut bytes = std::fs::read(&file).expect("graph");
                let len = bytes.len();
                bytes.truncate(len / 2);
                std::fs::write(&file, bytes).expect("corrupt graph");
            }
            // Newer commits, outside the graph, in an object directory of their own that has
            // the server's as an alternate.
            let push = sandbox.bare("push.git");
            std::fs::write(
                push.path.join("objects/info/alternates"),
                format!("{}\n", server.path.join("objects").display()),
            )
            .expect("alternates");
            import(&push, &parents, new.clone(), &mut ids);
            let git = Git::open(&push.path).expect("open");
            check_against_definition(&git, &parents, &ids, &format!("seed {seed}, {layout}"));
            // Peeling is how a run learns generations (tags are peeled); the next run answers
            // with every one the commit-graph gave remembered.
            for hex in &ids {
                git.peel(id(hex)).expect("peel");
            }
            drop(git);
            let remembered = push.path.join("git-policy/generations");
            assert_eq!(
                remembered.is_file(),
                !layers.is_empty() && !layout.contains("corrupt"),
                "seed {seed}, {layout}: remembered only from a usable commit-graph"
            );
            let git = Git::open(&push.path).expect("open");
            let what = format!("seed {seed}, {layout}, generations remembered");
            check_against_definition(&git, &parents, &ids, &what);
        }
    }
}

/// A server remembers the generations of the commits its tags point at between pushes, in
/// `git-policy/generations`, and judges the pushes after as it judged the first: with either
/// hook, a fix still at the tagged beta's version is refused, the next beta lands, and a
/// hotfix on an older version branch, below the newer tags, lands.
#[test]
fn server_remembers_tagged_generations_between_pushes() {
    for hook in ["pre-receive", "update"] {
        let sandbox = Sandbox::new();
        let work = pytokio(&sandbox);
        work.cut("0.11", "rc", "0.11.1");
        work.git(&["tag", "v0.11.1"]);
        work.cut("0.12", "rc", "0.12.0b1");
        // Above the older branch's next tip, so that the remembered generation settles it.
        work.change("notes.txt", "one\n", "notes");
        work.change("notes.txt", "two\n", "more notes");
        work.git(&["tag", "-a", "-m", "first beta", "v0.12.0b1"]);
        let central = serve(&work, hook);
        central.git(&["pack-refs", "--all"]);
        central.git(&["commit-graph", "write", "--reachable"]);
        let remembered = central.path.join("git-policy/generations");
        let dev = sandbox.clone_of(&central, "dev");

        dev.checkout("0.12");
        dev.change("fix.txt", "fix\n", "a fix after the beta");
        let run = dev.git_run(&["push", "--no-verify", "origin", "0.12"]);
        refused(&run, "version/ahead-of-tags");
        let bytes = std::fs::read(&remembered).expect("remembered after the first push");
        assert!(
            bytes.len() > 8 && (bytes.len() - 8) % 24 == 0,
            "{hook}: {bytes:?}"
        );

        let run = dev.git_run(&["push", "--no-verify", "origin", "0.12"]);
        refused(&run, "version/ahead-of-tags");
        dev.set_version("0.12.0b2");
        accepted(&dev.git_run(&["push", "-q", "--no-verify", "origin", "0.12"]));

        dev.git(&["checkout", "-q", "-b", "0.11", "origin/0.11"]);
        dev.set_version("0.11.2");
        accepted(&dev.git_run(&["push", "-q", "--no-verify", "origin", "0.11"]));
    }
}

/// A server whose commit-graph is a chain of layers (as `git maintenance` leaves it) judges real
/// pushes in their quarantine, with either server hook: a hotfix on rc lands, rc merged into
/// master is refused, and master's next commit lands.
#[test]
fn server_with_a_commit_graph_chain_judges_pushes_in_quarantine() {
    for hook in ["pre-receive", "update"] {
        let sandbox = Sandbox::new();
        let work = pytokio(&sandbox);
        let path = sandbox.path().join("central.git");
        work.git(&["clone", "-q", "--bare", ".", &path.display().to_string()]);
        let central = TestRepo {
            sandbox: sandbox.clone(),
            path,
        };
        let central_path = central.path.display().to_string();
        let installed = work.policy(&["install", "--server", &central_path, "--hook", hook]);
        assert_eq!(installed.code, 0, "{}", installed.all());
        let layer = || central.git(&["commit-graph", "write", "--reachable", "--split=no-merge"]);
        layer();
        let dev = sandbox.clone_of(&central, "dev");
        dev.git(&["branch", "-q", "rc", "origin/rc"]);
        dev.checkout("rc");
        dev.change("fix.txt", "fix\n", "hotfix on rc");
        let run = dev.git_run(&["push", "-q", "--no-verify", "origin", "rc"]);
        assert_eq!(run.code, 0, "{hook}: the hotfix lands: {}", run.all());
        layer();
        let chain = std::fs::read_to_string(
            central
                .path
                .join("objects/info/commit-graphs/commit-graph-chain"),
        )
        .expect("chain");
        assert_eq!(chain.lines().count(), 2, "{hook}: two layers");

        dev.checkout("master");
        dev.git(&["merge", "-q", "--no-verify", "--no-edit", "rc"]);
        let before = central.rev("master");
        let run = dev.git_run(&["push", "--no-verify", "origin", "master"]);
        assert_ne!(run.code, 0, "{hook}: the back-merge is refused");
        assert!(
            run.stderr.contains("remote: error[flow/foreign]"),
            "{hook}: {}",
            run.stderr
        );
        assert_eq!(central.rev("master"), before, "{hook}: master did not move");

        dev.git(&["reset", "-q", "--hard", "origin/master"]);
        dev.set_version("0.13.0.dev2");
        let run = dev.git_run(&["push", "-q", "--no-verify", "origin", "master"]);
        assert_eq!(
            run.code,
            0,
            "{hook}: master's next commit lands: {}",
            run.all()
        );
    }
}

/// Grafts (`info/grafts`) rewrite parents, so the commit-graph, which records the real ones, is
/// not used: ancestry follows the graft, as git's does, and so do the generations remembered
/// from the graph (not used either: the graft makes `third` a root, below its old level).
#[test]
fn grafts_override_the_commit_graph() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("grafted");
    let first = repo.change("a.txt", "a\n", "first");
    repo.change("a.txt", "b\n", "second");
    let third = repo.change("a.txt", "c\n", "third");
    let fourth = repo.change("a.txt", "d\n", "fourth");
    repo.git(&["commit-graph", "write", "--reachable"]);
    let (first, third, fourth) = (id(&first), id(&third), id(&fourth));
    let git = Git::open(&repo.path).expect("open");
    assert!(git.is_ancestor(first, third).expect("ancestry"));
    git.peel(third).expect("peel");
    drop(git);
    assert!(repo.path.join(".git/git-policy/generations").is_file());
    std::fs::write(repo.path.join(".git/info/grafts"), format!("{third}\n")).expect("graft");
    let cut = repo.git_run(&[
        "merge-base",
        "--is-ancestor",
        &first.to_string(),
        &third.to_string(),
    ]);
    assert_eq!(cut.code, 1, "git follows the graft: {}", cut.all());
    let git = Git::open(&repo.path).expect("open");
    assert!(!git.is_ancestor(first, third).expect("ancestry"));
    assert_eq!(git.parents(third).expect("parents"), Vec::<Id>::new());
    assert!(git.is_ancestor(third, fourth).expect("ancestry"));
}

/// A commit in the commit-graph has its files read through the root tree the graph records:
/// with its commit object gone, a version going back from it is still found.
#[test]
fn versions_are_read_through_the_commit_graph() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    repo.git(&["commit-graph", "write", "--reachable"]);
    let old = repo.rev("master");
    let new = repo.set_version("0.13.0.dev0");
    let object = repo
        .path
        .join(".git/objects")
        .join(&old[..2])
        .join(&old[2..]);
    std::fs::remove_file(&object).expect("the old tip is a loose object");
    let run = repo.judge("refs/heads/master", &old, &new);
    rejected(&run, "version/monotonic");
    assert!(
        run.stdout
            .contains("would go back from 0.13.0.dev1 to 0.13.0.dev0"),
        "{}",
        run.all()
    );
}
