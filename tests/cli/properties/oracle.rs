//! The graph rules as SPEC.md defines them, computed by brute force over whole ancestor sets:
//! the reference the evaluator must agree with, verdict and reported commits alike.
//!
//! Nothing here is clever on purpose. The evaluator walks as little history as it can (roots
//! of N, the first-parent line, git2's revwalk); this file computes every set in full.

use std::collections::{HashMap, HashSet};

use git_policy::policy::Policy;
use git_policy::rules::{Id, RefState, RuleId, Update, Violation};

/// What a repository holds, as plain maps.
#[derive(Debug, Default, Clone)]
pub struct Graph {
    pub parents: HashMap<Id, Vec<Id>>,
    /// The commit a commit's message says it was cherry-picked from (`-x`), if any.
    pub picked_from: HashMap<Id, Id>,
    /// Annotated tag objects and the object each points at.
    pub tags: HashMap<Id, Id>,
}

impl Graph {
    /// Every commit reachable from `id`, itself included.
    pub fn ancestors(&self, id: Id) -> HashSet<Id> {
        let mut seen = HashSet::new();
        let mut stack = vec![id];
        while let Some(next) = stack.pop() {
            if seen.insert(next) {
                stack.extend(self.parents[&next].iter().copied());
            }
        }
        seen
    }

    fn parents(&self, id: Id) -> &[Id] {
        &self.parents[&id]
    }

    /// The commit an object finally names, or `None` for a tree.
    pub fn peel(&self, mut id: Id) -> Option<Id> {
        while let Some(&target) = self.tags.get(&id) {
            id = target;
        }
        self.parents.contains_key(&id).then_some(id)
    }

    /// The first-parent line of `id`, all of it.
    fn first_parents(&self, id: Id) -> Vec<Id> {
        let mut line = vec![id];
        while let Some(&parent) = self.parents(line[line.len() - 1]).first() {
            line.push(parent);
        }
        line
    }
}

/// One violation as compared: rule, ref, and the commits it names, sorted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub rule: &'static str,
    pub refname: String,
    pub commits: Vec<String>,
}

impl Finding {
    fn new(rule: RuleId, refname: &str, commits: impl IntoIterator<Item = Id>) -> Finding {
        let mut commits: Vec<String> = commits.into_iter().map(|id| id.to_string()).collect();
        commits.sort();
        Finding {
            rule: rule.as_str(),
            refname: refname.to_owned(),
            commits,
        }
    }

    /// The evaluator's violations in the same form, sorted.
    pub fn of(violations: &[Violation]) -> Vec<Finding> {
        let mut findings: Vec<Finding> = violations
            .iter()
            .map(|v| {
                let mut commits: Vec<String> = v.commits.iter().map(|c| c.id.clone()).collect();
                commits.sort();
                Finding {
                    rule: v.rule.as_str(),
                    refname: v.refname.clone(),
                    commits,
                }
            })
            .collect();
        findings.sort();
        findings
    }
}

/// The state after an update set.
pub fn after(before: &RefState, updates: &[Update]) -> RefState {
    let mut after = before.clone();
    for update in updates {
        match update.new {
            Some(new) => after.insert(update.refname.clone(), new),
            None => after.remove(&update.refname),
        };
    }
    after
}

/// Protected branches in a state: name, class, tip.
fn protected(policy: &Policy, state: &RefState) -> Vec<(String, usize, Id)> {
    state
        .iter()
        .filter_map(|(name, &tip)| {
            let branch = name.strip_prefix("refs/heads/")?;
            let (class, _) = policy.branch_class(branch)?;
            Some((branch.to_owned(), class, tip))
        })
        .collect()
}

/// The classes a class accepts, and whether it accepts unprotected branches, where every
/// accepted class with no branch in `after` stands for what it accepts itself (a branch whose
/// source is not on the server yet may hold what came through that source).
pub fn accepted(policy: &Policy, after: &RefState, class: usize) -> (HashSet<usize>, bool) {
    let present: HashSet<usize> = protected(policy, after).iter().map(|p| p.1).collect();
    let mut classes = HashSet::new();
    let mut unprotected = false;
    let mut visited = HashSet::from([class]);
    let mut todo = vec![class];
    while let Some(c) = todo.pop() {
        let accepts = &policy.branches[c].accepts;
        // The class itself, or a source standing in because it is absent.
        unprotected |= accepts.unprotected;
        for &source in &accepts.classes {
            // A class of many branches may accept itself; only a stand-in cannot add it.
            if c == class || source != class {
                classes.insert(source);
            }
            if !present.contains(&source) && visited.insert(source) {
                todo.push(source);
            }
        }
    }
    (classes, unprotected)
}

/// Whether commits flow from class `from` into class `into` through `accepts`, at any depth.
fn flows_into(policy: &Policy, from: usize, into: usize) -> bool {
    let mut visited = HashSet::new();
    let mut todo = vec![into];
    while let Some(c) = todo.pop() {
        if visited.insert(c) {
            let sources = &policy.branches[c].accepts.classes;
            if sources.contains(&from) {
                return true;
            }
            todo.extend(sources);
        }
    }
    false
}

/// The tips of the branches `branch` accepts, after the update set.
pub fn source_tips(policy: &Policy, after: &RefState, branch: &str) -> Vec<Id> {
    let (class, _) = policy.branch_class(branch).expect("a protected branch");
    let (classes, _) = accepted(policy, after, class);
    protected(policy, after)
        .into_iter()
        .filter(|(name, c, _)| classes.contains(c) && name != branch)
        .map(|(_, _, tip)| tip)
        .collect()
}

/// N: anc(new) \ anc(old) \ anc(source tips after the update set).
pub fn entering(graph: &Graph, old: Option<Id>, new: Id, sources: &[Id]) -> HashSet<Id> {
    let mut n = graph.ancestors(new);
    for hide in old.iter().chain(sources) {
        for commit in graph.ancestors(*hide) {
            n.remove(&commit);
        }
    }
    n
}

/// Every violation of the graph rules (flow/*, branch/*, and the tag rules that do not read
/// versions), by their definitions.
pub fn judge(
    policy: &Policy,
    graph: &Graph,
    before: &RefState,
    updates: &[Update],
) -> Vec<Finding> {
    let after = after(before, updates);
    let mut findings = Vec::new();
    for update in updates {
        if let Some(branch) = update.refname.strip_prefix("refs/heads/") {
            if let Some((class, _)) = policy.branch_class(branch) {
                branch_rules(policy, graph, update, class, &mut findings);
                if let Some(new) = update.new {
                    let cx = Flow {
                        policy,
                        graph,
                        before,
                        after: &after,
                        updates,
                    };
                    cx.check(update, branch, class, new, &mut findings);
                }
            }
        } else if let Some(tag) = update.refname.strip_prefix("refs/tags/") {
            tag_rules(policy, graph, &after, update, tag, &mut findings);
        }
    }
    findings.sort();
    findings
}

/// branch/delete, branch/force, branch/linear, branch/first-parent.
fn branch_rules(
    policy: &Policy,
    graph: &Graph,
    update: &Update,
    class: usize,
    findings: &mut Vec<Finding>,
) {
    let refname = &update.refname;
    let (old, new) = match (update.old, update.new) {
        (Some(old), None) => {
            findings.push(Finding::new(RuleId::BranchDelete, refname, [old]));
            return;
        }
        (Some(old), Some(new)) if old != new => (old, new),
        // A creation starts the branch; an unchanged ref changes nothing.
        _ => return,
    };
    let reachable = graph.ancestors(new);
    if !reachable.contains(&old) {
        findings.push(Finding::new(RuleId::BranchForce, refname, [new]));
        return;
    }
    let rules = &policy.branches[class];
    if rules.linear {
        let had = graph.ancestors(old);
        let merges: Vec<Id> = reachable
            .iter()
            .filter(|c| !had.contains(c) && graph.parents(**c).len() > 1)
            .copied()
            .collect();
        if !merges.is_empty() {
            findings.push(Finding::new(RuleId::BranchLinear, refname, merges));
        }
    }
    if rules.first_parent && !graph.first_parents(new).contains(&old) {
        findings.push(Finding::new(RuleId::BranchFirstParent, refname, [new]));
    }
}

struct Flow<'a> {
    policy: &'a Policy,
    graph: &'a Graph,
    before: &'a RefState,
    after: &'a RefState,
    updates: &'a [Update],
}

impl Flow<'_> {
    /// flow/foreign, flow/source, flow/cherry-pick for one branch update.
    fn check(
        &self,
        update: &Update,
        branch: &str,
        class: usize,
        new: Id,
        findings: &mut Vec<Finding>,
    ) {
        let (graph, updates) = (self.graph, self.updates);
        let (classes, unprotected) = accepted(self.policy, self.after, class);
        let sources = source_tips(self.policy, self.after, branch);
        let n = entering(graph, update.old, new, &sources);
        let refname = &update.refname;

        // flow/foreign: N meets the history of a protected branch P T does not accept: its tip
        // before the update set, and its tip after it where the set moves or creates P and T is
        // not one of P's sources. Reported: every commit of that meeting (what `git log` lists).
        // A branch created after one it feeds
        // shares history with it by nature.
        let mut foreign = HashSet::new();
        for (name, c, tip) in protected(self.policy, self.before) {
            let downstream = update.old.is_none() && flows_into(self.policy, class, c);
            if name != branch && !classes.contains(&c) && !downstream {
                foreign.extend(graph.ancestors(tip));
            }
        }
        let accepts = &self.policy.branches[class].accepts;
        for (name, c, tip) in protected(self.policy, self.after) {
            let refname = format!("refs/heads/{name}");
            let moved = updates
                .iter()
                .any(|u| u.refname == refname && u.new.is_some())
                && self.before.get(&refname) != Some(&tip);
            let takes_from_t = self.policy.branches[c].accepts.classes.contains(&class);
            let downstream = update.old.is_none() && flows_into(self.policy, class, c);
            if moved
                && name != branch
                && !accepts.classes.contains(&c)
                && !takes_from_t
                && !downstream
            {
                foreign.extend(graph.ancestors(tip));
            }
        }
        let meeting: HashSet<Id> = n.intersection(&foreign).copied().collect();
        if !meeting.is_empty() {
            findings.push(Finding::new(RuleId::FlowForeign, refname, meeting));
        }

        if unprotected {
            return;
        }
        // flow/source: every parent of every merge in N is outside N (so in anc(old) or a
        // source's history) or on new's first-parent line inside N. Reported: the merges on
        // that line that bring in anything else (any offending merge lies behind one of them).
        let line: HashSet<Id> = graph
            .first_parents(new)
            .into_iter()
            .take_while(|c| n.contains(c))
            .collect();
        let brings_other = |m: &Id| {
            let parents = graph.parents(*m);
            parents.len() > 1 && parents.iter().any(|p| n.contains(p) && !line.contains(p))
        };
        let broken = n.iter().any(brings_other);
        let on_line: Vec<Id> = line.iter().filter(|m| brings_other(m)).copied().collect();
        assert_eq!(
            broken,
            !on_line.is_empty(),
            "the oracle's two forms of flow/source disagree"
        );
        if broken {
            findings.push(Finding::new(RuleId::FlowSource, refname, on_line));
        }

        // flow/cherry-pick: a commit of N naming its origin names a commit of a source.
        if self.policy.branches[class].cherry_pick {
            let from_sources: HashSet<Id> =
                sources.iter().flat_map(|&s| graph.ancestors(s)).collect();
            let bad: Vec<Id> = n
                .iter()
                .filter(|c| {
                    graph
                        .picked_from
                        .get(c)
                        .is_some_and(|origin| !from_sources.contains(origin))
                })
                .copied()
                .collect();
            if !bad.is_empty() {
                findings.push(Finding::new(RuleId::FlowCherryPick, refname, bad));
            }
        }
    }
}

/// tag/delete, tag/immutable, tag/duplicate, tag/branch, and tag/version for a tag that names
/// no commit.
/// Every commit of a generated case carries the version the tags name, so tag/version holds
/// otherwise.
fn tag_rules(
    policy: &Policy,
    graph: &Graph,
    after: &RefState,
    update: &Update,
    tag: &str,
    findings: &mut Vec<Finding>,
) {
    let Some(class) = policy.tags.iter().find(|c| c.version_text(tag).is_some()) else {
        return;
    };
    let refname = &update.refname;
    let Some(new) = update.new else {
        if !class.deletable {
            let old = update.old.and_then(|o| graph.peel(o));
            findings.push(Finding::new(RuleId::TagDelete, refname, old));
        }
        return;
    };
    let Some(commit) = graph.peel(new) else {
        findings.push(Finding::new(RuleId::TagVersion, refname, []));
        return;
    };
    // Immutable means the ref's own object: another tag object of the same commit is a move.
    if let Some(old) = update.old
        && class.immutable
        && old != new
    {
        findings.push(Finding::new(RuleId::TagImmutable, refname, [commit]));
    }
    // One version, one tag: every other release tag after the update set with the same
    // PEP 440 version, whatever it points at.
    let version = release_version(policy, tag);
    for name in after.keys() {
        let Some(other) = name.strip_prefix("refs/tags/") else {
            continue;
        };
        if other != tag && version.is_some() && release_version(policy, other) == version {
            findings.push(Finding::new(RuleId::TagDuplicate, refname, [commit]));
        }
    }
    if !class.on.is_empty() {
        let on_branch = protected(policy, after)
            .into_iter()
            .filter(|(_, c, _)| class.on.contains(c))
            .any(|(_, _, tip)| graph.ancestors(tip).contains(&commit));
        if !on_branch {
            findings.push(Finding::new(RuleId::TagBranch, refname, [commit]));
        }
    }
}

/// The PEP 440 version a release tag's name gives, if it is one.
fn release_version(policy: &Policy, tag: &str) -> Option<pep440_rs::Version> {
    let text = policy.tags.iter().find_map(|c| c.version_text(tag))?;
    text.parse().ok()
}
