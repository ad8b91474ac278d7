//! A CI job's question turned into an update set: a pull request's merge as an update of its
//! base, a pushed update as it happened, or the audit.

use anyhow::Context;

use super::{audit, audited, judge_merge, landing, not_here};
use crate::ci::Job;
use crate::commands::UserError;
use crate::policy::Policy;
use crate::repo::Git;
use crate::rules::{self, Id, Judgement, Peeled, RepoView, Update};

pub fn judge(
    git: &Git,
    policy: &Policy,
    job: &Job,
    notes: &mut Vec<String>,
) -> anyhow::Result<(Judgement, String)> {
    match job {
        Job::Request {
            system,
            base,
            head,
            head_name,
            merge,
        } => {
            let shown = head_name.as_deref().or(head.as_deref()).unwrap_or("HEAD");
            let subject = format!(
                "the {} merging `{shown}` into `{base}` ({})",
                system.request(),
                system.name()
            );
            if let Some((old, merged_head, merge)) =
                checked_out_merge(git, merge.as_deref(), head.as_deref())?
            {
                let request = landing::Request {
                    branch: base,
                    base: old,
                    head: merged_head,
                    label: shown,
                    merged: Some(merge),
                };
                let (judgement, _) = landing::judge(git, policy, &request)?;
                return Ok((judgement, subject));
            }
            let (judgement, _) =
                judge_merge(git, policy, base, head.as_deref().unwrap_or("HEAD"), notes)?;
            Ok((judgement, subject))
        }
        Job::Push {
            system,
            refname,
            before,
            after,
        } => {
            for (id, what) in [(before, "previous"), (after, "new")] {
                if let Some(id) = id {
                    present(git, *id, what, refname)?;
                }
            }
            let update = Update {
                refname: refname.clone(),
                old: *before,
                new: after.map(|a| tag_object(git, refname, a)).transpose()?,
            };
            let judgement = judge_updates(git, policy, &[update])?;
            let name = refname
                .strip_prefix("refs/heads/")
                .or_else(|| refname.strip_prefix("refs/tags/"))
                .unwrap_or(refname);
            Ok((
                judgement,
                format!("the push of `{name}` ({})", system.name()),
            ))
        }
        Job::Audit { system } => {
            let (judgement, subject) = audited(audit(git, policy)?);
            Ok((judgement, format!("{subject} ({})", system.name())))
        }
    }
}

/// Judges updates against the branches as this clone has them (remote-tracking ones standing
/// in), with each updated ref at its old value.
fn judge_updates(git: &Git, policy: &Policy, updates: &[Update]) -> anyhow::Result<Judgement> {
    let mut before = super::fresh_state(git, policy)?;
    rules::pin_old_values(&mut before, updates);
    Ok(rules::judge_at(
        policy,
        git,
        &before,
        updates,
        rules::Entry::Ci.pushing_to(&git.hint_remote()),
    )?)
}

/// The synthetic merge CI made, as (its first parent, its second, itself), when this clone has
/// it and it is one: two parents, the second the request's head. Otherwise the request is
/// judged as a merge to be made.
fn checked_out_merge(
    git: &Git,
    merge: Option<&str>,
    head: Option<&str>,
) -> anyhow::Result<Option<(Id, Id, Id)>> {
    let Some(merge) = merge else {
        return Ok(None);
    };
    // A workflow that checked out something else may not have fetched GitHub's merge at all.
    let Ok(merge) = git.resolve(merge) else {
        return Ok(None);
    };
    let parents = git.parents(merge)?;
    let [base, merged] = parents[..] else {
        return Ok(None);
    };
    if let Some(head) = head {
        let head = git.resolve(head).map_err(|e| not_here(git, e, head))?;
        if head != merged {
            return Ok(None);
        }
    }
    Ok(Some((base, merged, merge)))
}

/// A pushed tag is judged as the object its ref names (an annotated tag), when CI named the
/// tagged commit instead.
fn tag_object(git: &Git, refname: &str, after: Id) -> anyhow::Result<Id> {
    if !refname.starts_with("refs/tags/") {
        return Ok(after);
    }
    let local = git.local_state()?.get(refname).copied();
    match local {
        Some(object) if git.peel(object)? == Peeled::Commit(after) => Ok(object),
        _ => Ok(after),
    }
}

fn present(git: &Git, id: Id, what: &str, refname: &str) -> anyhow::Result<()> {
    match git.peel(id) {
        Ok(_) => Ok(()),
        Err(rules::ViewError::Missing(_)) => Err(UserError::hinted(
            format!("the {what} value of `{refname}`, {id}, is not in this clone"),
            if what == "previous" {
                "fetch all history (`fetch-depth: 0`, `GIT_DEPTH: 0`); if it is still missing, the push rewrote the branch (a force-push) and the commit it replaced is gone".to_owned()
            } else {
                format!("fetch all branches and tags: {}", super::fetch_all(git))
            },
        )),
        Err(err) => Err(err).context(format!("cannot read {id}")),
    }
}
