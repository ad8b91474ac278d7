//! `pre-commit` and `pre-merge-commit`: the commit being made, judged before it exists.

use super::{HookError, Judged};
use crate::policy::Policy;
use crate::repo::{Git, index_files};
use crate::rules::{self, Id, Pending, RepoView, Update, WithPending};

/// Judges the pending commit on the current branch: parents `HEAD` (and `MERGE_HEAD` during a
/// merge), files from the index git is committing. `None` when there is nothing to judge
/// (detached `HEAD`, an unprotected branch).
pub fn judge_commit(git: &Git, policy: &Policy) -> Result<Option<Judged>, HookError> {
    let Some(branch) = git.head_branch() else {
        return Ok(None);
    };
    // The common case, a commit on a topic branch, costs one policy lookup and a ref lookup
    // per branch the policy names (one missing: a look at the default branch too).
    if policy.class_of(&branch).is_none() {
        let warning = super::renamed::unprotected_default(git, policy)
            .filter(|_| git.default_branch().as_deref() == Some(branch.as_str()));
        return Ok(warning.map(|warning| Judged {
            violations: Vec::new(),
            policy: policy.origin.to_string(),
            subject: format!("the commit on `{branch}`"),
            notes: Vec::new(),
            warnings: vec![warning],
        }));
    }
    if git.is_shallow() {
        return Err(HookError::Shallow);
    }
    let fresh = git.freshest_state(&|b| policy.class_of(b).is_some())?;
    let mut before = fresh.state;
    let refname = format!("refs/heads/{branch}");
    let head = git.head_commit();
    // A branch the upstream remote does not have yet is being created: its whole history
    // enters with its first push, and is judged so now (`pre-push` judges it the same way).
    let created = being_created(git, &branch)?;
    if created.is_some() {
        // A branch spelled with leading zeros (`00.12`) is refused wherever it goes, so it owns
        // none of the commits that enter: the same commits on `0.12` are `0.12`'s own.
        before.retain(|name, _| {
            let short = name.strip_prefix("refs/heads/").unwrap_or(name);
            policy
                .class_of(short)
                .is_none_or(|class| policy.canonical_name(class, short).is_none())
        });
    }
    let old = match head {
        Some(head) if created.is_none() => Some(head),
        _ => None,
    };
    match old {
        Some(old) => before.insert(refname.clone(), old),
        None => before.remove(&refname),
    };
    let merging = git.merge_heads(std::env::var("GIT_REFLOG_ACTION").ok().as_deref());
    let parents: Vec<Id> = head.into_iter().chain(merging.iter().copied()).collect();
    let view = WithPending {
        inner: git,
        pending: Pending {
            parents,
            message: if merging.is_empty() {
                "(the commit being made)".into()
            } else {
                "(the merge being made)".into()
            },
            files: index_files(git),
        },
    };
    let update = Update {
        refname,
        old,
        new: Some(Id::PENDING),
    };
    let entry = if merging.is_empty() {
        rules::Entry::Commit
    } else {
        rules::Entry::Merge
    };
    let asker = entry.pushing_to(&git.hint_remote());
    let judgement = rules::judge_at(policy, &view as &dyn RepoView, &before, &[update], asker)?;
    let mut notes = Vec::new();
    // Said once: a hint that already aborts the merge needs no note repeating it.
    let said = |v: &rules::Violation| {
        v.hint
            .as_ref()
            .is_some_and(|h| h.contains("git merge --abort"))
    };
    if !merging.is_empty() && !judgement.violations.iter().any(said) {
        notes.push("to abandon the merge: `git merge --abort`".to_owned());
    }
    notes.push(
        "`git commit --no-verify` skips this check, but the server judges the push the same way"
            .to_owned(),
    );
    Ok(Some(Judged {
        violations: judgement.violations,
        policy: policy.origin.to_string(),
        subject: format!("the commit on `{branch}`"),
        notes,
        warnings: fresh.warnings.into_iter().chain(judgement.notes).collect(),
    }))
}

/// The upstream remote, when `branch` is new to it: it has no tracking ref of it. Without a
/// remote nothing is pushed anywhere, and the branch is judged as it is here.
fn being_created(git: &Git, branch: &str) -> Result<Option<String>, HookError> {
    let Some(remote) = git.upstream_remote() else {
        return Ok(None);
    };
    let tracked = git.ref_target(&format!("refs/remotes/{remote}/{branch}"))?;
    Ok(tracked.is_none().then_some(remote))
}
