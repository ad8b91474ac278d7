//! A pull request judged as it will land on its base: a merge commit, the head's commits
//! rebased onto the base, or one squashed commit, as the base's branch says (`lands`).

use anyhow::Context;

use crate::policy::{Landing, Policy};
use crate::repo::{Git, commit_files, merge_files};
use crate::rules::{self, Id, Judgement, Pending, RepoView, Update, WithPending};

/// A pull request: its base branch (short name) at `base`, its head at `head`.
pub struct Request<'a> {
    pub branch: &'a str,
    pub base: Id,
    pub head: Id,
    /// The head as people name it, for messages.
    pub label: &'a str,
    /// The merge CI made of it (GitHub's `refs/pull/N/merge`, GitLab's merged results): its
    /// tree is what the request leaves on the base, however it lands.
    pub merged: Option<Id>,
}

/// How pull requests land on `branch`: a merge commit where the policy does not protect it.
pub fn landing(policy: &Policy, branch: &str) -> Landing {
    policy
        .class_of(branch)
        .map_or(Landing::Merge, |class| policy.branches[class].lands)
}

/// Judges the request as the update of its base it will be, with what it would be called.
pub fn judge(
    git: &Git,
    policy: &Policy,
    request: &Request<'_>,
) -> anyhow::Result<(Judgement, String)> {
    let Request {
        branch,
        base,
        head,
        label,
        merged,
    } = *request;
    let mut before = super::fresh_state(git, policy)?;
    let refname = format!("refs/heads/{branch}");
    before.insert(refname.clone(), base);
    let lands = landing(policy, branch);
    let subject = match lands {
        Landing::Merge => format!("merging `{label}` into `{branch}`"),
        Landing::Rebase => format!("`{label}` rebased onto `{branch}`"),
        Landing::Squash => format!("`{label}` squashed onto `{branch}`"),
    };
    if let (Landing::Merge, Some(merged)) = (lands, merged) {
        // The merge commit exists: judge it as the base's next tip.
        let update = Update {
            refname,
            old: Some(base),
            new: Some(merged),
        };
        let asker = rules::Entry::Request.pushing_to(&git.hint_remote());
        let judgement = rules::judge_at(policy, git, &before, &[update], asker)
            .with_context(|| format!("cannot judge {subject}"))?;
        return Ok((judgement, subject));
    }
    let (parents, message) = match lands {
        Landing::Merge => (vec![base, head], format!("Merge {label} into {branch}")),
        // Rebased or squashed, the request is new commits on the base with the head's changes
        // and messages: nothing of the head's history enters the base, as the server will see
        // it once the forge has landed it.
        Landing::Rebase | Landing::Squash => {
            (vec![base], replayed_message(git, &subject, base, head)?)
        }
    };
    let files = match merged {
        Some(merged) => commit_files(git, merged),
        None => merge_files(git, base, head),
    };
    let view = WithPending {
        inner: git,
        pending: Pending {
            parents,
            message,
            files,
        },
    };
    let update = Update {
        refname,
        old: Some(base),
        new: Some(Id::PENDING),
    };
    let judgement = rules::judge_at(
        policy,
        &view as &dyn RepoView,
        &before,
        &[update],
        rules::Entry::Request.pushing_to(&git.hint_remote()),
    )
    .with_context(|| format!("cannot judge {subject}"))?;
    Ok((judgement, subject))
}

/// The message of the commits a rebase or squash makes, as one: `subject`, then the message of
/// every commit of the head the base lacks but merges (which a rebase drops), so the
/// cherry-pick rule still reads each `(cherry picked from commit X)` line.
fn replayed_message(git: &Git, subject: &str, base: Id, head: Id) -> anyhow::Result<String> {
    let mut message = subject.to_owned();
    for commit in git.walk(&[head], &[base])?.into_iter().rev() {
        if git.parents(commit)?.len() > 1 {
            continue;
        }
        message.push_str("\n\n");
        message.push_str(git.commit(commit)?.message.trim_end());
    }
    Ok(message)
}
