//! Which commits were each protected branch's own steps: its first-parent chain down to where
//! a more upstream branch's chain takes over, with foxtrot merges followed to the branch's
//! real previous tip.

use std::collections::{HashMap, VecDeque};
use std::sync::LazyLock;

use regex_lite::Regex;

use crate::policy::Policy;
use crate::rules::view::{Id, RepoView, ViewError};

/// A protected branch and the commits it made itself, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub refname: String,
    pub class: usize,
    pub commits: Vec<Id>,
    /// Where the branch stood before its first own commit: the commit of a more upstream
    /// chain it was cut from (its tip, for a branch with no commits of its own). `None` for a
    /// branch whose chain starts at a root commit.
    pub base: Option<Id>,
}

/// The segments of the protected branches (short name, class, tip), most upstream first.
///
/// A commit belongs to the most upstream branch on whose chain it lies, so the early history
/// of `rc` is `master`'s and a version branch starts where it left `rc`. Branches of the same
/// distance from the topic branches go by class order, then name.
pub fn segments(
    policy: &Policy,
    view: &dyn RepoView,
    branches: &[(String, usize, Id)],
) -> Result<Vec<Segment>, ViewError> {
    let rank = ranks(policy);
    let mut order: Vec<&(String, usize, Id)> = branches.iter().collect();
    order.sort_by(|a, b| (rank[a.1], a.1, &a.0).cmp(&(rank[b.1], b.1, &b.0)));
    let mut owner: HashMap<Id, usize> = HashMap::new();
    let mut segments = Vec::new();
    for (i, (name, class, tip)) in order.into_iter().enumerate() {
        let mut commits = Vec::new();
        let mut cursor = Some(*tip);
        while let Some(commit) = cursor {
            if owner.contains_key(&commit) {
                break;
            }
            owner.insert(commit, i);
            commits.push(commit);
            cursor = previous_tip(view, commit, name)?;
        }
        commits.reverse();
        segments.push(Segment {
            refname: format!("refs/heads/{name}"),
            class: *class,
            commits,
            base: cursor,
        });
    }
    Ok(segments)
}

/// Where `branch` was before `commit`: its first parent, except for a foxtrot merge (one that
/// says it merged `branch` itself, made on a topic branch that `branch` was then
/// fast-forwarded to), where the branch's real history is the merged parent.
fn previous_tip(view: &dyn RepoView, commit: Id, branch: &str) -> Result<Option<Id>, ViewError> {
    let parents = view.parents(commit)?;
    if parents.len() == 2 && merges_itself(&view.commit(commit)?.message, branch) {
        return Ok(Some(parents[1]));
    }
    Ok(parents.first().copied())
}

/// Whether a merge's message is git's for merging `branch` (or a remote's `branch`) into
/// something: `Merge branch 'master' into topic`, `Merge branch 'master' of <url>`,
/// `Merge remote-tracking branch 'origin/master'`. Made on `branch` itself, such a merge
/// would merge the branch into itself.
pub fn merges_itself(message: &str, branch: &str) -> bool {
    static MERGE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^Merge (remote-tracking )?branch '([^']+)'").expect("a valid regex")
    });
    let subject = message.lines().next().unwrap_or_default();
    let Some(caps) = MERGE.captures(subject) else {
        return false;
    };
    let named = caps.get(2).map_or("", |m| m.as_str());
    if caps.get(1).is_some() {
        named
            .split_once('/')
            .is_some_and(|(_, rest)| rest == branch)
    } else {
        named == branch
    }
}

/// Each class's distance from the topic branches along `accepts`: `master` 0, `rc` 1,
/// version branches 2. Classes no flow reaches come last.
pub fn ranks(policy: &Policy) -> Vec<usize> {
    let n = policy.branches.len();
    let mut rank = vec![usize::MAX; n];
    let mut queue = VecDeque::new();
    for (i, class) in policy.branches.iter().enumerate() {
        if class.accepts.unprotected || class.accepts.classes.is_empty() {
            rank[i] = 0;
            queue.push_back(i);
        }
    }
    while let Some(source) = queue.pop_front() {
        for (target, class) in policy.branches.iter().enumerate() {
            if rank[target] == usize::MAX && class.accepts.classes.contains(&source) {
                rank[target] = rank[source] + 1;
                queue.push_back(target);
            }
        }
    }
    rank.iter()
        .map(|&r| if r == usize::MAX { n } else { r })
        .collect()
}
