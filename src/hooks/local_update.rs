//! `reference-transaction` in a developer's clone: a protected branch moved without a commit
//! hook seeing it (`git merge --ff-only`, `git branch -f`, `git reset --hard`, `git update-ref`)
//! judged as a push of it would be, before git writes it.

use super::transaction::{GitCommand, Line};
use super::{HookError, Judged};
use crate::policy::{Mode, Policy};
use crate::repo::Git;
use crate::rules::{self, Entry, Id, RepoView, Update};

/// Whether a transaction may move or create a local branch: only then is the repository opened.
/// Remote-tracking refs (`git fetch`, `git push`), tags, deletions and `HEAD` pass unread.
pub fn may_move_a_branch(lines: &[Line]) -> bool {
    lines
        .iter()
        .any(|(refname, new)| new.is_some() && refname.starts_with("refs/heads/"))
}

/// Judges a transaction of the git command `command` (`None`: the system did not say) that
/// moves protected branches. `None` when there is nothing to judge: no protected branch moves
/// forward to commits it does not have, or a commit hook judged the move already.
///
/// - A command given `--no-verify` is not judged, as it skips the other client hooks.
/// - `git commit` moves a branch to the commit `pre-commit` judged (or `--no-verify` skipped);
///   `git merge` (also run by `git pull`) to the merge commit `pre-merge-commit` judged: its
///   first parent is the branch and no other branch has it. A fast-forward is judged here.
/// - A branch moved back (to history it or its remote-tracking ref has) lands nothing, nor
///   does a new branch the remote does not have (`git checkout -b 0.12 rc` to cut a version
///   branch): the commits made on it and its push are judged.
/// - The move is judged from what the push will be judged against: the remote's branch when
///   the new tip contains it (so a `git pull --rebase` replaying local commits on it is the
///   fast-forward its push will be), else the freshest view of the branch.
pub fn judge_local_update(
    git: &Git,
    policy: &Policy,
    lines: &[Line],
    command: Option<&GitCommand>,
) -> Result<Option<Judged>, HookError> {
    if command.is_some_and(|c| c.no_verify) {
        return Ok(None);
    }
    let command = command.map(|c| c.name.as_str());
    let moves: Vec<(&str, Id)> = lines
        .iter()
        .filter_map(|(refname, new)| {
            let branch = refname.strip_prefix("refs/heads/")?;
            policy.class_of(branch)?;
            Some((branch, (*new)?))
        })
        .collect();
    // A shallow clone cannot answer ancestry; `pre-commit` says so, and the push is judged.
    if moves.is_empty() || command == Some("commit") || git.is_shallow() {
        return Ok(None);
    }
    let fresh = git.freshest_state(&|b| policy.class_of(b).is_some())?;
    let mut before = fresh.state;
    let remote = git.upstream_remote();
    let mut updates = Vec::new();
    for (branch, new) in moves {
        let refname = format!("refs/heads/{branch}");
        // In `prepared` the ref still has its old value.
        let local = git.ref_target(&refname)?;
        let tracking = match &remote {
            Some(remote) => git.ref_target(&format!("refs/remotes/{remote}/{branch}"))?,
            None => None,
        };
        let known: Vec<Id> = local.into_iter().chain(tracking).collect();
        if known.is_empty() || git.is_ancestor_of_any(new, &known)? {
            continue;
        }
        if command == Some("merge") && made_by_merge(git, new, local)? {
            continue;
        }
        let base = match tracking {
            Some(tracking) if git.is_ancestor(tracking, new)? => Some(tracking),
            _ => before.get(&refname).copied(),
        };
        match base {
            Some(base) => before.insert(refname.clone(), base),
            None => before.remove(&refname),
        };
        updates.push(Update {
            refname,
            old: base,
            new: Some(new),
        });
    }
    if updates.is_empty() {
        return Ok(None);
    }
    // Judged as the update it is: refused before git writes it, there is no merge to undo.
    let asker = Entry::LocalUpdate.pushing_to(remote.as_deref().unwrap_or("origin"));
    let judgement = rules::judge_at(policy, git, &before, &updates, asker)?;
    let names: Vec<String> = updates
        .iter()
        .map(|u| format!("`{}`", u.refname.trim_start_matches("refs/heads/")))
        .collect();
    // An accepted update is silent: git prints what it did, and `pre-commit` the warnings.
    if judgement.violations.is_empty() {
        return Ok(None);
    }
    let violations = judgement.violations;
    let mut warnings: Vec<String> = fresh.warnings.into_iter().chain(judgement.notes).collect();
    // What a refusal leaves behind; in warn mode the update goes on.
    let refused = policy.mode == Mode::Enforce;
    // `git merge` and `git reset` move the index and work tree before the branch.
    if let Some(new) = updates
        .iter()
        .filter_map(|u| u.new)
        .find(|&new| refused && git.index_moved_to(new))
    {
        let new = new.short();
        warnings.push(format!(
            "git had moved your index and work tree to `{new}` before the update was refused\nhint: `git read-tree -m -u {new} HEAD` puts them back as `HEAD` has them, keeping changes of your own"
        ));
    }
    // A rebase that finished its commits stops before moving the branch, still in progress.
    let rebasing = refused
        && command == Some("rebase")
        && ["rebase-merge", "rebase-apply"]
            .iter()
            .any(|dir| git.git_dir().join(dir).is_dir());
    if rebasing {
        warnings.push(
            "the rebase stopped before moving the branch and is still in progress\nhint: `git rebase --abort` puts you back where you were"
                .to_owned(),
        );
    }
    let notes = if refused {
        vec![format!("{} did not move", names.join(", "))]
    } else {
        Vec::new()
    };
    Ok(Some(Judged {
        violations,
        policy: policy.origin.to_string(),
        subject: format!("the update of {}", names.join(", ")),
        notes,
        warnings,
    }))
}

/// Whether `new` is the merge commit `git merge` just made on a branch at `local`: a merge
/// whose first parent is the branch, which no local branch or remote-tracking ref has. A
/// fast-forward to an existing merge (another branch's tip) is not one.
fn made_by_merge(git: &Git, new: Id, local: Option<Id>) -> Result<bool, HookError> {
    let parents = git.parents(new)?;
    if parents.len() < 2 || Some(parents[0]) != local {
        return Ok(false);
    }
    let mut tips: Vec<Id> = git
        .local_state()?
        .into_iter()
        .filter(|(name, _)| name.starts_with("refs/heads/"))
        .map(|(_, id)| id)
        .collect();
    if let Some(remote) = git.upstream_remote() {
        tips.extend(
            git.remote_state(&remote)?
                .into_iter()
                .filter(|(name, _)| name.starts_with("refs/heads/"))
                .map(|(_, id)| id),
        );
    }
    Ok(tips.is_empty() || !git.is_ancestor_of_any(new, &tips)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only lines that create or move a local branch are worth opening the repository for.
    #[test]
    fn only_branch_moves_open_the_repository() {
        let id = Id::parse_hex("1111111111111111111111111111111111111111").expect("hex");
        let line = |name: &str, new| (name.to_owned(), new);
        assert!(!may_move_a_branch(&[
            line("refs/remotes/origin/master", id),
            line("refs/tags/v1", id),
            line("refs/heads/master", None),
        ]));
        assert!(may_move_a_branch(&[line("refs/heads/topic", id)]));
    }
}
