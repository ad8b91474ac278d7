//! `update` and `pre-receive` on the central repository: the real gate.

use super::stdin::parse_pre_receive;
use super::{HookError, Judged};
use crate::policy::Policy;
use crate::repo::Git;
use crate::rules::{self, Update};

/// `pre-receive`: the whole push as one set, so a branch and its tag (or an atomic feature
/// freeze of two branches) are judged together.
pub fn judge_pre_receive(git: &Git, policy: &Policy, input: &str) -> Result<Judged, HookError> {
    let updates = parse_pre_receive(input)?;
    judge(git, policy, &updates, "the push")
}

/// `update <ref> <old> <new>`: one ref, against the refs as they are (earlier refs of a push
/// that is not atomic have landed by then).
pub fn judge_update(git: &Git, policy: &Policy, args: &[String]) -> Result<Judged, HookError> {
    let [refname, old, new] = args else {
        return Err(HookError::Args {
            hook: "update",
            expected: "<ref> <old> <new>",
            got: args.len(),
        });
    };
    let line = format!("{old} {new} {refname}");
    let updates: Vec<Update> = parse_pre_receive(&line)?;
    judge(git, policy, &updates, &format!("the update of `{refname}`"))
}

fn judge(
    git: &Git,
    policy: &Policy,
    updates: &[Update],
    subject: &str,
) -> Result<Judged, HookError> {
    // A shallow central repository cuts ancestry short: refuse rather than guess.
    if git.is_shallow() {
        return Err(HookError::Shallow);
    }
    // The state before is the repository's own refs, never the `<old>` values the pusher
    // sent: those are claims, checked by `ref/stale`. A ref the state does not hold (outside
    // branches and tags) is read by name so its claim is checked too.
    // A push to a symbolic ref (`refs/heads/main` naming `refs/heads/master`) moves the ref it
    // names, and is judged as an update of that ref.
    let updates: Vec<Update> = updates
        .iter()
        .map(|update| match git.symbolic_end(&update.refname) {
            Some(target) if target.starts_with("refs/") => Update {
                refname: target,
                ..update.clone()
            },
            _ => update.clone(),
        })
        .collect();
    let updates = &updates[..];
    let mut refs = git.local_state()?;
    for update in updates {
        if !refs.contains_key(&update.refname) {
            if let Some(id) = git.ref_target(&update.refname)? {
                refs.insert(update.refname.clone(), id);
            }
        }
    }
    let judgement = rules::judge_received(policy, git, &refs, updates)?;
    Ok(Judged {
        violations: judgement.violations,
        policy: policy.origin.to_string(),
        subject: subject.to_owned(),
        notes: Vec::new(),
        warnings: judgement
            .notes
            .into_iter()
            .chain(super::renamed::unprotected_default(git, policy))
            .collect(),
    })
}
