//! branch/delete, branch/force, branch/first-parent, branch/linear: how a protected ref may move.

use super::context::{Eval, EvalError, short};
use super::flow::plural;
use super::view::Id;
use super::{Entry, RuleId, Update};

pub fn check(cx: &mut Eval<'_>, update: &Update, class: usize) -> Result<(), EvalError> {
    let branch = short(&update.refname).to_owned();
    let (old, new) = match (update.old, update.new) {
        (Some(old), None) => {
            return cx.report(
                RuleId::BranchDelete,
                &update.refname,
                &[old],
                format!("`{branch}` is protected and cannot be deleted"),
                Some(format!(
                    "the deletion is refused, so `{branch}` stays where it is ({}): nothing to restore; a branch the policy protects goes only once the policy no longer names it",
                    old.short()
                )),
            );
        }
        (Some(old), Some(new)) if old != new => (old, new),
        _ => return Ok(()),
    };
    if !cx.view.is_ancestor(old, new)? {
        return cx.report(
            RuleId::BranchForce,
            &update.refname,
            &[new],
            format!("`{branch}` is protected: this update rewrites its history instead of building on {}", old.short()),
            Some(format!("`git fetch {remote}`, then rebase your commits onto the current `{branch}` (`git rebase {remote}/{branch}`) instead of forcing", remote = cx.remote)),
        );
    }
    let rules = &cx.policy.branches[class];
    let (first_parent, linear) = (rules.first_parent, rules.linear);
    if !first_parent && !linear {
        return Ok(());
    }
    let entering = cx.view.walk(&[new], &[old])?;
    if linear {
        let mut merges = Vec::new();
        for &commit in &entering {
            if cx.view.parents(commit)?.len() > 1 {
                merges.push(commit);
            }
        }
        if !merges.is_empty() {
            cx.report(
                RuleId::BranchLinear,
                &update.refname,
                &merges,
                format!(
                    "`{branch}` keeps a linear history, but {} would enter it",
                    plural(merges.len(), "merge commit")
                ),
                Some(linear_hint(cx.entry, &branch, &cx.remote)),
            )?;
        }
    }
    if first_parent && !on_first_parent_line(cx, old, new, entering.len())? {
        cx.report(
            RuleId::BranchFirstParent,
            &update.refname,
            &[new],
            format!(
                "`{branch}` was at {} but that commit is not on the first-parent line of {}: a merge made the other way round (a foxtrot merge)",
                old.short(),
                new.short()
            ),
            Some(first_parent_hint(cx.entry, &branch, old, new)),
        )?;
    }
    Ok(())
}

/// What puts `branch` first again: take back the move (a refused push's branch is put back at
/// the server's value), then merge what it was moved to into it, the branch as first parent.
/// `new` is a commit the user has: they pushed or moved to it.
fn first_parent_hint(entry: Entry, branch: &str, old: Id, new: Id) -> String {
    let merge = format!("`git merge --no-ff {}`", new.short());
    match entry.undo(branch, Some(&old.short())) {
        Some(undo) => format!(
            "{undo}, then merge the topic into `{branch}`, not `{branch}` into the topic: {merge}"
        ),
        None => format!(
            "merge the topic into `{branch}`, not `{branch}` into the topic: `git checkout {branch}` then {merge}"
        ),
    }
}

/// What makes a merge into a linear branch a fast-forward, where the user is: a merge in
/// progress is aborted and the topic rebased (`git rebase` there would fail mid-merge); a
/// pushed merge is rebased away; a pull request is rebased or squashed.
fn linear_hint(entry: Entry, branch: &str, remote: &str) -> String {
    match entry {
        Entry::Merge | Entry::Commit => format!(
            "abandon the merge with `git merge --abort`, rebase the topic onto `{branch}` (`git rebase {branch} <topic>`), then fast-forward `{branch}` to it (`git checkout {branch} && git merge --ff-only <topic>`)"
        ),
        Entry::Push | Entry::PreReceive | Entry::Update => format!(
            "replay the merged commits on `{branch}` without the merge: `git checkout {branch} && git rebase {remote}/{branch}`"
        ),
        Entry::LocalUpdate => format!(
            "`{branch}` did not move: rebase the topic onto `{branch}` (`git rebase {branch} <topic>`), then fast-forward `{branch}` to it (`git checkout {branch} && git merge --ff-only <topic>`)"
        ),
        Entry::Release => format!(
            "nothing was written: `{branch}` takes no merge commits, so bring the other branch onto it by a fast-forward (rebase it onto `{branch}` first)"
        ),
        Entry::Request | Entry::Ci | Entry::Audit => {
            format!(
                "rebase the pull request onto `{branch}` or squash it: `{branch}` takes no merge commits"
            )
        }
    }
}

/// Whether `old` lies on the first-parent chain of `new`; the chain is at most `steps` long
/// before it leaves the commits new to the branch.
fn on_first_parent_line(cx: &Eval<'_>, old: Id, new: Id, steps: usize) -> Result<bool, EvalError> {
    let mut cursor = new;
    for _ in 0..=steps {
        if cursor == old {
            return Ok(true);
        }
        match cx.view.parents(cursor)?.first() {
            Some(&parent) => cursor = parent,
            None => return Ok(false),
        }
    }
    Ok(false)
}
