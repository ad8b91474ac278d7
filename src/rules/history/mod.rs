//! History replay: every past step of every protected branch, and every release tag, judged
//! by [`evaluate`] against the other branches as they were at the time.
//!
//! A step is one commit of a branch's own segment (see [`chains`]) judged as the update from
//! the branch's previous own commit (none for the first: the branch's creation). The other
//! branches stood at the newest commit of their own segment committed at or before the step,
//! or did not exist yet; a release tag counts from its commit's date. This reconstructs what a
//! server would have been asked, from history alone.

mod chains;

use std::collections::HashMap;

use super::context::EvalError;
use super::view::{Id, Peeled, RepoView};
use super::{RefState, Update, Violation, evaluate};
use crate::policy::Policy;
pub use chains::{merges_itself, ranks, segments};

/// One past step that broke the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub refname: String,
    /// The commit the ref moved to (the tagged commit, for a tag).
    pub commit: Id,
    /// When the step happened (a commit's committer date, a tag's tagger date), in seconds
    /// since the epoch.
    pub time: i64,
    pub violations: Vec<Violation>,
}

/// A step that could not be judged (a version file that does not parse there, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unjudged {
    pub refname: String,
    pub commit: Id,
    pub time: i64,
    pub error: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Steps judged (after `since`).
    pub steps: usize,
    pub branches: usize,
    pub tags: usize,
    pub findings: Vec<Finding>,
    pub unjudged: Vec<Unjudged>,
}

/// A ref moving at a point in time.
struct Event {
    time: i64,
    refname: String,
    old: Option<Id>,
    new: Id,
    /// The commit judged: `new`, or the commit a tag names.
    commit: Id,
    /// For a branch step: the segment and the position in it.
    at: Option<(usize, usize)>,
}

/// Replays the history of the protected branches and release tags in `refs`. With `since`,
/// steps before that commit (older, or reachable from it) are not judged.
///
/// Foxtrot merges are always reported (branch/first-parent): the replay followed the branch's
/// real history through the merge's second parent, and says so rather than stay silent.
pub fn replay(
    policy: &Policy,
    view: &dyn RepoView,
    refs: &RefState,
    since: Option<Id>,
) -> Result<History, EvalError> {
    let mut policy = policy.clone();
    for class in &mut policy.branches {
        class.first_parent = true;
    }
    let mut branches = Vec::new();
    let mut tags = Vec::new();
    for (name, &id) in refs {
        if let Some(short) = name.strip_prefix("refs/heads/") {
            if let Some(class) = policy.class_of(short) {
                branches.push((short.to_owned(), class, id));
            }
        } else if name.starts_with("refs/tags/")
            && policy.judges(name)
            && let Peeled::Commit(commit) = view.peel(id)?
        {
            tags.push((name.clone(), id, commit));
        }
    }
    let segments = segments(&policy, view, &branches)?;

    let mut events = Vec::new();
    for (s, segment) in segments.iter().enumerate() {
        for (k, &commit) in segment.commits.iter().enumerate() {
            events.push(Event {
                time: view.commit(commit)?.time,
                refname: segment.refname.clone(),
                old: k.checked_sub(1).map(|p| segment.commits[p]),
                new: commit,
                commit,
                at: Some((s, k)),
            });
        }
    }
    for (refname, id, commit) in &tags {
        // An annotated tag counts from when it was made; never before its commit.
        let time = view.date(*id)?.seconds.max(view.commit(*commit)?.time);
        events.push(Event {
            time,
            refname: refname.clone(),
            old: None,
            new: *id,
            commit: *commit,
            at: None,
        });
    }
    // Stable: a branch's steps keep their order within one second, and tags follow branches.
    events.sort_by_key(|e| e.time);

    let since = match since {
        Some(id) => Some((id, view.commit(id)?.time)),
        None => None,
    };
    let mut history = History {
        branches: segments.iter().filter(|s| !s.commits.is_empty()).count(),
        tags: tags.len(),
        ..History::default()
    };
    let mut position: HashMap<usize, usize> = HashMap::new();
    let mut state = RefState::new();
    let mut start = 0;
    while start < events.len() {
        let time = events[start].time;
        let end = start + events[start..].partition_point(|e| e.time == time);
        // Everything committed in this second is part of the state every step here sees.
        for event in &events[start..end] {
            match event.at {
                Some((s, k)) => {
                    let newest = position.entry(s).or_insert(k);
                    *newest = (*newest).max(k);
                    state.insert(event.refname.clone(), segments[s].commits[*newest]);
                }
                None => {
                    state.insert(event.refname.clone(), event.new);
                }
            }
        }
        for event in &events[start..end] {
            if let Some((since, since_time)) = since
                && (event.time < since_time || view.is_ancestor(event.commit, since)?)
            {
                continue;
            }
            history.steps += 1;
            judge(&policy, view, &state, event, &mut history)?;
        }
        start = end;
    }
    Ok(history)
}

fn judge(
    policy: &Policy,
    view: &dyn RepoView,
    state: &RefState,
    event: &Event,
    history: &mut History,
) -> Result<(), EvalError> {
    let update = Update {
        refname: event.refname.clone(),
        old: event.old,
        new: Some(event.new),
    };
    let mut before = state.clone();
    super::pin_old_values(&mut before, std::slice::from_ref(&update));
    match evaluate(policy, view, &before, &[update]) {
        Ok(violations) if violations.is_empty() => {}
        Ok(violations) => history.findings.push(Finding {
            refname: event.refname.clone(),
            commit: event.commit,
            time: event.time,
            violations,
        }),
        // A version file that does not parse at an old commit is that step's problem, not
        // the end of the replay.
        Err(err @ EvalError::Version { .. }) => history.unjudged.push(Unjudged {
            refname: event.refname.clone(),
            commit: event.commit,
            time: event.time,
            error: err.to_string(),
        }),
        Err(err) => return Err(err),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
