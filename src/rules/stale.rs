//! ref/stale: a server judges a push against its own refs; an update whose `<old>` is not the
//! ref's current value is refused on its own and never shapes how the others are judged.
//!
//! git checks each `<old>` only when it updates that ref, and not at all for a deletion whose
//! `<old>` is zeros or names no object ("allowing deletion of corrupt ref"). So a client's
//! `<old>` values are claims: trusted, they would hide an existing branch from the others'
//! judgement (its commits no longer "belong" to it) or let a deletion read as "nothing
//! happens". Here the honest updates are judged together against the real refs, exactly as if
//! the stale ones were not in the push (in a push that is not atomic, git lands them without
//! those); each stale update is refused by `ref/stale` and, alone, judged as what it would
//! really do to the ref (a deletion is a deletion whatever `<old>` claims).

use super::context::{EvalError, short};
use super::view::{Id, RepoView};
use super::{Entry, Judgement, RefState, RuleId, Update, Violation, judge_at};
use crate::policy::Policy;

/// Judges `updates` as a server received them, against `refs`: the repository's own refs,
/// holding the current value of every updated ref (absent: the ref does not exist).
pub fn evaluate_received(
    policy: &Policy,
    view: &dyn RepoView,
    refs: &RefState,
    updates: &[Update],
) -> Result<Vec<Violation>, EvalError> {
    Ok(judge_received(policy, view, refs, updates)?.violations)
}

/// [`evaluate_received`], keeping the notes on what was skipped.
pub fn judge_received(
    policy: &Policy,
    view: &dyn RepoView,
    refs: &RefState,
    updates: &[Update],
) -> Result<Judgement, EvalError> {
    judge_received_at(policy, view, refs, updates, Entry::PreReceive)
}

/// [`judge_received`] by the server hook `entry` (`pre-receive` or `update`).
pub fn judge_received_at(
    policy: &Policy,
    view: &dyn RepoView,
    refs: &RefState,
    updates: &[Update],
    entry: Entry,
) -> Result<Judgement, EvalError> {
    let current = |u: &Update| refs.get(&u.refname).copied();
    let (honest, stale): (Vec<Update>, Vec<Update>) =
        updates.iter().cloned().partition(|u| u.old == current(u));
    let mut judgement = judge_at(policy, view, refs, &honest, entry)?;
    for update in stale {
        let actual = current(&update);
        judgement.violations.push(violation(&update, actual));
        let real = Update {
            old: actual,
            ..update
        };
        let alone = judge_at(policy, view, refs, &[real], entry)?;
        for found in alone.violations {
            if !judgement.violations.contains(&found) {
                judgement.violations.push(found);
            }
        }
        for note in alone.notes {
            if !judgement.notes.contains(&note) {
                judgement.notes.push(note);
            }
        }
    }
    Ok(judgement)
}

/// `ref/stale` for an update that claims `refname` is at `update.old` while it is at `actual`.
fn violation(update: &Update, actual: Option<Id>) -> Violation {
    let at =
        |id: Option<Id>| id.map_or_else(|| "absent".to_owned(), |id| format!("at {}", id.short()));
    let name = short(&update.refname);
    Violation {
        rule: RuleId::RefStale,
        refname: update.refname.clone(),
        commits: Vec::new(),
        message: format!(
            "the push says `{name}` is {}, but it is {}: an update must start from the ref's current value",
            at(update.old),
            at(actual)
        ),
        short: None,
        hint: Some("`git fetch` and push again: git then sends the ref's current value".to_owned()),
    }
}

#[cfg(test)]
mod tests;
