//! The same property on real repositories: each case written with `git fast-import`, judged by
//! the `git2`-backed evaluator, and its sets checked against `git rev-list`.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use git_policy::policy::Policy;
use git_policy::repo::Git;
use git_policy::rules::{self, Id, RepoView};
use proptest::prelude::*;

use super::oracle::{self, Finding};
use super::{GIT_CASES, Realized, VERSION, Writer, case, hex, judge, realize, run};
use crate::harness::{Sandbox, TestRepo};

/// A `git fast-import` process written to one object at a time, asked for each object's id
/// (`get-mark`) so later commit messages can name earlier commits.
struct FastImport {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_mark: usize,
    marks: HashMap<Id, usize>,
    tags: Vec<usize>,
    tree: Option<Id>,
}

impl FastImport {
    fn start(repo: &TestRepo) -> FastImport {
        let mut child = repo
            .command("git")
            .args(["fast-import", "--quiet", "--done"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start git fast-import");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        let mut import = FastImport {
            child,
            input,
            output,
            next_mark: 2,
            marks: HashMap::new(),
            tags: Vec::new(),
            tree: None,
        };
        import.send(&format!("blob\nmark :1\ndata {}\n{VERSION}", VERSION.len()));
        import
    }

    fn send(&mut self, text: &str) {
        self.input
            .write_all(text.as_bytes())
            .and_then(|()| self.input.flush())
            .expect("write to git fast-import");
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .expect("read from git fast-import");
        line.trim_end().to_owned()
    }

    /// Writes an object with the next mark and returns its id.
    fn object(&mut self, text: impl FnOnce(usize) -> String) -> Id {
        let mark = self.next_mark;
        self.next_mark += 1;
        let text = text(mark);
        self.send(&text);
        self.send(&format!("get-mark :{mark}\n"));
        let id = hex(&self.line());
        self.marks.insert(id, mark);
        id
    }

    /// The name fast-import knows an object by: its mark, else its id.
    fn name(&self, id: Id) -> String {
        self.marks
            .get(&id)
            .map_or_else(|| id.to_string(), |mark| format!(":{mark}"))
    }

    /// Ends the import; returns the temporary tag refs fast-import made.
    fn finish(mut self) -> Vec<String> {
        self.send("done\n");
        drop(self.input);
        let status = self.child.wait().expect("wait for git fast-import");
        assert!(status.success(), "git fast-import failed");
        self.tags
            .iter()
            .map(|mark| format!("refs/tags/props/t{mark}"))
            .collect()
    }
}

impl Writer for FastImport {
    fn commit(&mut self, parents: &[Id], message: &str) -> Id {
        let mut links = String::new();
        for (i, &parent) in parents.iter().enumerate() {
            let verb = if i == 0 { "from" } else { "merge" };
            links += &format!("{verb} {}\n", self.name(parent));
        }
        // Each commit on a ref of its own, so a commit without `from` is a root.
        self.object(|mark| {
            format!(
                "commit refs/props/c{mark}\nmark :{mark}\ncommitter C <c@example.invalid> 1700000000 +0000\ndata {}\n{message}{links}M 100644 :1 VERSION\n",
                message.len()
            )
        })
    }

    fn tag(&mut self, target: Id) -> Id {
        let from = self.name(target);
        let id = self.object(|mark| {
            format!(
                "tag props/t{mark}\nmark :{mark}\nfrom {from}\ntagger T <t@example.invalid> 1700000000 +0000\ndata 4\ntag\n"
            )
        });
        self.tags.push(self.marks[&id]);
        id
    }

    /// The tree every commit has (`VERSION` alone), as the first commit has it.
    fn tree(&mut self) -> Id {
        if let Some(tree) = self.tree {
            return tree;
        }
        // `ls` of the root path prints `040000 tree <id>\t`.
        self.send("ls :2 \"\"\n");
        let line = self.line();
        let tree = line
            .split_whitespace()
            .nth(2)
            .map(hex)
            .unwrap_or_else(|| panic!("unexpected `ls` answer {line:?}"));
        self.tree = Some(tree);
        tree
    }
}

/// `git rev-list` over the arguments, as a set of ids.
fn rev_list(repo: &TestRepo, args: &[String]) -> HashSet<Id> {
    let mut all = vec!["rev-list".to_owned()];
    all.extend_from_slice(args);
    let args: Vec<&str> = all.iter().map(String::as_str).collect();
    repo.git(&args).lines().map(hex).collect()
}

/// Every commit's parents as `git rev-list --parents --all` prints them.
fn parents_by_git(repo: &TestRepo) -> HashMap<Id, Vec<Id>> {
    repo.git(&["rev-list", "--parents", "--all"])
        .lines()
        .map(|line| {
            let mut ids = line.split(' ').map(hex);
            let commit = ids.next().expect("a commit per line");
            (commit, ids.collect())
        })
        .collect()
}

/// On random histories written with the `git` CLI, with git's commit-graph or without (then
/// ancestry runs on the graph built in memory), the evaluator agrees with the oracle, and the
/// sets it walks agree with `git rev-list`.
#[test]
fn git_evaluator_agrees_with_the_oracle_and_rev_list() {
    let strategy = (case(10), any::<bool>());
    run((GIT_CASES, file!()), strategy, |(case, commit_graph)| {
        let sandbox = Sandbox::new();
        let repo = sandbox.repo("random");
        let policy = case.knobs.policy();
        let mut import = FastImport::start(&repo);
        let mut built = realize(&case, &mut import);
        let scratch = import.finish();

        let mut refs = String::new();
        for name in scratch {
            refs += &format!("delete {name}\n");
        }
        for (name, id) in &built.before {
            refs += &format!("create {name} {id}\n");
        }
        let run = repo
            .command("git")
            .args(["update-ref", "--stdin"])
            .stdin(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(refs.as_bytes())?;
                child.wait()
            });
        prop_assert!(
            run.is_ok_and(|status| status.success()),
            "git update-ref failed"
        );
        if commit_graph {
            repo.git(&["commit-graph", "write", "--reachable", "--no-progress"]);
        }
        let graph_file = repo.path.join(".git/objects/info/commit-graph");
        prop_assert_eq!(graph_file.is_file(), commit_graph);

        // The repository holds the intended history, as git itself reads it.
        prop_assert_eq!(parents_by_git(&repo), built.graph.parents.clone());
        let git = Git::open(&repo.path).expect("open the repository");
        prop_assert_eq!(git.local_state().expect("read refs"), built.before.clone());

        rules::pin_old_values(&mut built.before, &built.updates);
        let expected = oracle::judge(&policy, &built.graph, &built.before, &built.updates);
        let got = judge(&policy, &git, &built.before, &built.updates);
        prop_assert_eq!(Finding::of(&got), expected);

        agrees_with_rev_list(&repo, &git, &policy, &built)?;
        Ok(())
    });
}

/// N of every branch update by `git rev-list`, by git2's walk and by the oracle; ancestry of
/// every pair of commits by git2 and by the ancestor sets of `git rev-list --parents`.
fn agrees_with_rev_list(
    repo: &TestRepo,
    git: &Git,
    policy: &Policy,
    built: &Realized,
) -> Result<(), TestCaseError> {
    let graph = &built.graph;
    let after = oracle::after(&built.before, &built.updates);
    for update in &built.updates {
        let (Some(branch), Some(new)) = (update.refname.strip_prefix("refs/heads/"), update.new)
        else {
            continue;
        };
        if policy.branch_class(branch).is_none() {
            continue;
        }
        let sources = oracle::source_tips(policy, &after, branch);
        let hide: Vec<Id> = update.old.iter().chain(&sources).copied().collect();
        let mut args = vec![new.to_string(), "--not".to_owned()];
        args.extend(hide.iter().map(Id::to_string));
        let by_git = rev_list(repo, &args);
        let walked: HashSet<Id> = git.walk(&[new], &hide).expect("walk").into_iter().collect();
        prop_assert_eq!(&walked, &by_git, "git2's walk and git rev-list differ");
        prop_assert_eq!(oracle::entering(graph, update.old, new, &sources), by_git);
    }
    for &a in &built.commits {
        let reachable = graph.ancestors(a);
        for &b in &built.commits {
            let is = git.is_ancestor(b, a).expect("ancestry");
            prop_assert_eq!(is, reachable.contains(&b), "is {} an ancestor of {}", b, a);
        }
    }
    Ok(())
}
