//! History replay: every past step of every protected branch, and every release tag, judged
//! by [`evaluate`] against the other branches as they were at the time.
//!
//! A step is one commit of a branch's own segment (see [`chains`]) judged as the update from
//! the branch's previous own commit (none for the first: the branch's creation); a branch with
//! no commit of its own is judged once, created where it was cut. Where the other branches
//! stood is reconstructed from ancestry first and dates second (see [`timeline`]). This
//! reconstructs what a server would have been asked, from history alone. A condition that
//! lasts over consecutive steps of a branch is one finding (see [`spans`]).

mod chains;
mod spans;
mod timeline;

use super::context::EvalError;
use super::view::{Id, Peeled, RepoView};
use super::{RefState, Update, evaluate};
use crate::policy::Policy;
pub use chains::{merges_itself, ranks, segments};
pub use spans::{Finding, Step, Unjudged};
use timeline::Timeline;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Steps judged (after `since`).
    pub steps: usize,
    pub branches: usize,
    pub tags: usize,
    pub findings: Vec<Finding>,
    /// Spans of steps whose version rules could not be judged (their flow rules were).
    pub unjudged: Vec<Unjudged>,
}

/// A release tag as the replay places it.
struct Tag {
    refname: String,
    id: Id,
    commit: Id,
    /// When it was made: a tagger's date, never before its commit's (corrected) date.
    time: i64,
}

/// The policy twice: as given (with foxtrots always reported), and without its version rules,
/// for steps where a version cannot be read.
struct Policies {
    full: Policy,
    flow_only: Policy,
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
    let mut full = policy.clone();
    for class in &mut full.branches {
        class.first_parent = true;
    }
    let mut flow_only = full.clone();
    for class in &mut flow_only.branches {
        class.version = None;
    }
    let policies = Policies { full, flow_only };
    let mut branches = Vec::new();
    let mut tagged = Vec::new();
    for (name, &id) in refs {
        if let Some(short) = name.strip_prefix("refs/heads/") {
            if let Some(class) = policies.full.class_of(short) {
                branches.push((short.to_owned(), class, id));
            }
        } else if name.starts_with("refs/tags/")
            && policies.full.judges(name)
            && let Peeled::Commit(commit) = view.peel(id)?
        {
            tagged.push((name.clone(), id, commit));
        }
    }
    let segments = segments(&policies.full, view, &branches)?;
    let timeline = Timeline::new(&segments, view)?;
    let mut tags = Vec::new();
    for (refname, id, commit) in tagged {
        let committed = match timeline.owned_time(commit) {
            Some(time) => time,
            None => view.commit(commit)?.time,
        };
        // An annotated tag counts from when it was made; never before its commit.
        let time = view.date(id)?.seconds.max(committed);
        tags.push(Tag {
            refname,
            id,
            commit,
            time,
        });
    }
    tags.sort_by_key(|tag| tag.time);
    let replayer = Replayer {
        policies: &policies,
        view,
        timeline: &timeline,
        tags: &tags,
        since: match since {
            Some(id) => Some((id, view.commit(id)?.time)),
            None => None,
        },
    };
    let mut history = History {
        branches: segments.len(),
        tags: tags.len(),
        ..History::default()
    };
    let mut found = spans::Spans::default();
    for (s, segment) in segments.iter().enumerate() {
        if segment.commits.is_empty() {
            if let Some(base) = segment.base {
                replayer.created_at_base(s, base, &mut history, &mut found)?;
            }
            continue;
        }
        for k in 0..segment.commits.len() {
            replayer.step(s, k, &mut history, &mut found)?;
        }
    }
    for tag in &tags {
        replayer.tag(tag, &mut history, &mut found)?;
    }
    (history.findings, history.unjudged) = found.finish();
    Ok(history)
}

struct Replayer<'a> {
    policies: &'a Policies,
    view: &'a dyn RepoView,
    timeline: &'a Timeline<'a>,
    tags: &'a [Tag],
    since: Option<(Id, i64)>,
}

impl Replayer<'_> {
    fn skipped(&self, commit: Id, time: i64) -> Result<bool, EvalError> {
        Ok(match self.since {
            Some((since, since_time)) => {
                time < since_time || self.view.is_ancestor(commit, since)?
            }
            None => false,
        })
    }

    /// Whether segment `s`'s branch takes from segment `x`'s.
    fn takes_from(&self, s: usize, x: usize) -> bool {
        let policy = &self.policies.full;
        let class = self.timeline.segments[s].class;
        policy.branches[class]
            .accepts
            .classes
            .contains(&self.timeline.segments[x].class)
    }

    /// The other branches and the tags when segment `s` (none: a tag) moved to a commit made
    /// at `at` (`None`: an existing commit) containing `contained`, dated `now`, with the
    /// branch's next commit dated `next`.
    fn state(
        &self,
        s: Option<usize>,
        at: Option<(usize, usize)>,
        contained: &[u32],
        now: i64,
        next: i64,
    ) -> RefState {
        let mut refs: Vec<(String, Id)> = Vec::new();
        for (x, segment) in self.timeline.segments.iter().enumerate() {
            if Some(x) == s {
                continue;
            }
            let takes = s.is_none_or(|s| self.takes_from(s, x));
            let until = if takes { next } else { now };
            let position = self.timeline.position(x, until, !takes, at, contained);
            if let Some(commit) = self.timeline.commit_at(x, position) {
                refs.push((segment.refname.clone(), commit));
            }
        }
        // Tags are sorted by time: only those made by now can be there.
        let made = self.tags.partition_point(|tag| tag.time <= now);
        for tag in &self.tags[..made] {
            let made_after = at.is_some_and(|step| {
                self.timeline
                    .owner(tag.commit)
                    .is_some_and(|owned| self.timeline.contains(owned, step))
            });
            if !made_after {
                refs.push((tag.refname.clone(), tag.id));
            }
        }
        refs.into_iter().collect()
    }

    /// Own step `k` of segment `s`.
    fn step(
        &self,
        s: usize,
        k: usize,
        history: &mut History,
        found: &mut spans::Spans,
    ) -> Result<(), EvalError> {
        let segment = &self.timeline.segments[s];
        let commit = segment.commits[k];
        let now = self.timeline.time(s, k);
        if self.skipped(commit, now)? {
            return Ok(());
        }
        let next = if k + 1 < segment.commits.len() {
            self.timeline.time(s, k + 1)
        } else {
            i64::MAX
        };
        let contained = self.timeline.contained_in_step(s, k);
        let before = self.state(Some(s), Some((s, k)), contained, now, next);
        let update = Update {
            refname: segment.refname.clone(),
            old: k.checked_sub(1).map(|p| segment.commits[p]),
            new: Some(commit),
        };
        let step = Step { commit, time: now };
        self.judge(before, update, step, Some(k), history, found)
    }

    /// A branch with no commit of its own: created where it was cut, once that existed.
    fn created_at_base(
        &self,
        s: usize,
        base: Id,
        history: &mut History,
        found: &mut spans::Spans,
    ) -> Result<(), EvalError> {
        let segment = &self.timeline.segments[s];
        let now = match self.timeline.owned_time(base) {
            Some(time) => time,
            None => self.view.commit(base)?.time,
        };
        if self.skipped(base, now)? {
            return Ok(());
        }
        let contained = self.timeline.contained_in(base);
        let before = self.state(Some(s), None, &contained, now, i64::MAX);
        let update = Update {
            refname: segment.refname.clone(),
            old: None,
            new: Some(base),
        };
        let step = Step {
            commit: base,
            time: now,
        };
        self.judge(before, update, step, Some(0), history, found)
    }

    fn tag(
        &self,
        tag: &Tag,
        history: &mut History,
        found: &mut spans::Spans,
    ) -> Result<(), EvalError> {
        if self.skipped(tag.commit, tag.time)? {
            return Ok(());
        }
        let contained = self.timeline.contained_in(tag.commit);
        let before = self.state(None, None, &contained, tag.time, tag.time);
        let update = Update {
            refname: tag.refname.clone(),
            old: None,
            new: Some(tag.id),
        };
        let step = Step {
            commit: tag.commit,
            time: tag.time,
        };
        self.judge(before, update, step, None, history, found)
    }

    /// Judges one step; `ordinal` places a branch's step among the branch's own (a tag: none).
    fn judge(
        &self,
        mut before: RefState,
        update: Update,
        step: Step,
        ordinal: Option<usize>,
        history: &mut History,
        found: &mut spans::Spans,
    ) -> Result<(), EvalError> {
        history.steps += 1;
        super::pin_old_values(&mut before, std::slice::from_ref(&update));
        let refname = update.refname.clone();
        let updates = [update];
        let violations = match evaluate(&self.policies.full, self.view, &before, &updates) {
            Ok(violations) => violations,
            // A version file that does not parse at an old commit leaves that step's version
            // rules unjudged, not its flow (a tag's rules are all about its version).
            Err(EvalError::Version {
                path,
                commit,
                source,
            }) => {
                let why = format!("`{path}` does not parse: {source}");
                let error = format!("`{path}` at {commit}: {source}");
                found.unjudged(&refname, ordinal, step, why, error);
                if ordinal.is_none() {
                    return Ok(());
                }
                evaluate(&self.policies.flow_only, self.view, &before, &updates)?
            }
            Err(err) => return Err(err),
        };
        found.record(&refname, ordinal, step, violations);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
