//! The one evaluator: given the refs before and a set of proposed updates, every violation.
//!
//! Every entry point (hooks, server, CI, audit) reduces its input to an update set and calls
//! [`evaluate`]. The rules do no I/O of their own: they ask a [`RepoView`].

mod audit;
mod branch;
mod context;
pub mod describe;
mod entry;
mod flow;
pub mod history;
pub mod memory;
mod message;
mod refs;
mod releases;
mod squat;
mod stale;
mod tags;
mod versions;
mod view;

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::policy::Policy;
pub use audit::{audit, audit_updates};
pub use context::{EvalError, shown};
pub use entry::{Asker, Entry};
pub use flow::picked_from;
pub use message::{Message, cut_short};
pub use stale::{evaluate_received, judge_received, judge_received_at};
pub use versions::{is_above, kind_problem, next_after};
pub use view::{
    CommitInfo, FileReader, Id, Peeled, Pending, PendingFiles, RepoView, Stamp, ViewError,
    WithPending, under,
};

/// One proposed change of a ref. `old`/`new` absent: the ref is created/deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The full ref name, e.g. `refs/heads/master` or `refs/tags/v0.12.0b1`.
    pub refname: String,
    pub old: Option<Id>,
    pub new: Option<Id>,
}

/// Ref name to object id, for `refs/heads/*` and `refs/tags/*` (tags unpeeled).
pub type RefState = BTreeMap<String, Id>;

/// The stable id of a rule, as in SPEC.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleId {
    FlowForeign,
    FlowSource,
    FlowCherryPick,
    BranchDelete,
    BranchForce,
    BranchFirstParent,
    BranchLinear,
    VersionKind,
    VersionRelation,
    VersionBranchName,
    VersionMonotonic,
    VersionAheadOfTags,
    VersionLockstep,
    TagVersion,
    TagBranch,
    TagKind,
    TagImmutable,
    TagDelete,
    TagPreRelease,
    TagCalendar,
    ChangelogEntry,
    RefStale,
    TagDuplicate,
    BranchName,
    RefReplace,
    RefShadow,
}

impl RuleId {
    pub const ALL: &'static [RuleId] = &[
        RuleId::FlowForeign,
        RuleId::FlowSource,
        RuleId::FlowCherryPick,
        RuleId::BranchDelete,
        RuleId::BranchForce,
        RuleId::BranchFirstParent,
        RuleId::BranchLinear,
        RuleId::VersionKind,
        RuleId::VersionRelation,
        RuleId::VersionBranchName,
        RuleId::VersionMonotonic,
        RuleId::VersionAheadOfTags,
        RuleId::VersionLockstep,
        RuleId::TagVersion,
        RuleId::TagBranch,
        RuleId::TagKind,
        RuleId::TagImmutable,
        RuleId::TagDelete,
        RuleId::TagPreRelease,
        RuleId::TagCalendar,
        RuleId::ChangelogEntry,
        RuleId::RefStale,
        RuleId::TagDuplicate,
        RuleId::BranchName,
        RuleId::RefReplace,
        RuleId::RefShadow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::FlowForeign => "flow/foreign",
            RuleId::FlowSource => "flow/source",
            RuleId::FlowCherryPick => "flow/cherry-pick",
            RuleId::BranchDelete => "branch/delete",
            RuleId::BranchForce => "branch/force",
            RuleId::BranchFirstParent => "branch/first-parent",
            RuleId::BranchLinear => "branch/linear",
            RuleId::VersionKind => "version/kind",
            RuleId::VersionRelation => "version/relation",
            RuleId::VersionBranchName => "version/branch-name",
            RuleId::VersionMonotonic => "version/monotonic",
            RuleId::VersionAheadOfTags => "version/ahead-of-tags",
            RuleId::VersionLockstep => "version/lockstep",
            RuleId::TagVersion => "tag/version",
            RuleId::TagBranch => "tag/branch",
            RuleId::TagKind => "tag/kind",
            RuleId::TagImmutable => "tag/immutable",
            RuleId::TagDelete => "tag/delete",
            RuleId::TagPreRelease => "tag/pre-release",
            RuleId::TagCalendar => "tag/calendar",
            RuleId::ChangelogEntry => "changelog/entry",
            RuleId::RefStale => "ref/stale",
            RuleId::TagDuplicate => "tag/duplicate",
            RuleId::BranchName => "branch/name",
            RuleId::RefReplace => "ref/replace",
            RuleId::RefShadow => "ref/shadow",
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A commit named in a violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitRef {
    /// Empty for the commit being made, which has no id yet (JSON: `null`).
    #[serde(serialize_with = "id_or_null")]
    pub id: String,
    pub subject: String,
}

/// A commit's id, or `null` for the commit being made.
fn id_or_null<S: serde::Serializer>(id: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if id.is_empty() {
        serializer.serialize_none()
    } else {
        serializer.serialize_str(id)
    }
}

/// A broken rule: a result, not an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: RuleId,
    #[serde(rename = "ref")]
    pub refname: String,
    pub commits: Vec<CommitRef>,
    /// Why, with every list in it whole (as JSON gives it).
    pub message: String,
    /// Why, with long lists cut short, when the message has one.
    #[serde(skip)]
    pub short: Option<String>,
    pub hint: Option<String>,
}

impl Violation {
    /// The message as people read it: long lists name a few and count the rest.
    pub fn shown_message(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.message)
    }
}

/// Sets each updated ref to its update's old value: what the other side has now, whatever a
/// (possibly stale) tracking ref or an already-moved local ref says. Only where the old values
/// come from a side that is not the pusher: `pre-push` (the `<remote oid>` git read from the
/// remote's own advertisement on this connection), a CI event, a history replay, or the
/// premise of a `check --ref/--old/--new` question. Never on a server, whose `<old>` values
/// are the pusher's claims: see [`evaluate_received`].
pub fn pin_old_values(state: &mut RefState, updates: &[Update]) {
    for update in updates {
        match update.old {
            Some(old) => state.insert(update.refname.clone(), old),
            None => state.remove(&update.refname),
        };
    }
}

/// Judges a set of updates against the refs as they were before it.
pub fn evaluate(
    policy: &Policy,
    view: &dyn RepoView,
    before: &RefState,
    updates: &[Update],
) -> Result<Vec<Violation>, EvalError> {
    Ok(judge(policy, view, before, updates)?.violations)
}

/// A verdict with what it could not judge.
#[derive(Debug, Default)]
pub struct Judgement {
    pub violations: Vec<Violation>,
    /// Rules skipped and why, for people (a version already unreadable on a tip left as is).
    pub notes: Vec<String>,
}

/// [`evaluate`], keeping the notes on what was skipped, as an audit asks it.
pub fn judge(
    policy: &Policy,
    view: &dyn RepoView,
    before: &RefState,
    updates: &[Update],
) -> Result<Judgement, EvalError> {
    judge_at(policy, view, before, updates, Entry::Audit)
}

/// [`judge`] asked by `asker` (an [`Entry`], or one [`pushing_to`](Entry::pushing_to) a named
/// remote), whose hints then name what fixes the situation there.
pub fn judge_at(
    policy: &Policy,
    view: &dyn RepoView,
    before: &RefState,
    updates: &[Update],
    asker: impl Into<Asker>,
) -> Result<Judgement, EvalError> {
    let asker = asker.into();
    let mut cx = context::Eval::new(policy, view, before, updates);
    cx.entry = asker.entry;
    cx.remote = asker.remote;
    for update in updates {
        if let Some(branch) = update.refname.strip_prefix("refs/heads/") {
            if let Some((class, captures)) = policy.branch_class(branch) {
                if !refs::canonical_branch(&mut cx, update, class, branch)? {
                    continue;
                }
                branch::check(&mut cx, update, class)?;
                if let Some(new) = update.new {
                    flow::check(&mut cx, update, class, new)?;
                    versions::check_branch(&mut cx, update, class, &captures, new)?;
                }
            } else {
                refs::branch_like_a_tag(&mut cx, update, branch)?;
            }
        } else if update.refname.starts_with("refs/tags/") {
            if !refs::shadows(&mut cx, update)? {
                tags::check(&mut cx, update)?;
            }
        } else {
            refs::other(&mut cx, update)?;
        }
    }
    versions::check_relations(&mut cx)?;
    let (violations, notes) = cx.into_parts();
    Ok(Judgement { violations, notes })
}

#[cfg(test)]
mod tests;
