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

/// `update <ref> <old> <new>`: one ref, against the refs as they are.
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
    let mut before = git.local_state()?;
    rules::pin_old_values(&mut before, updates);
    let judgement = rules::judge(policy, git, &before, updates)?;
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
