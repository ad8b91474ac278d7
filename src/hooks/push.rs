//! `pre-push`: every ref of the push judged as one set against the remote's tracking refs.

use super::stdin::parse_pre_push;
use super::{HookError, Judged};
use crate::policy::Policy;
use crate::repo::Git;
use crate::rules;

/// `args` are git's: the remote's name (or URL) and its URL.
pub fn judge_push(
    git: &Git,
    policy: &Policy,
    args: &[String],
    input: &str,
) -> Result<Judged, HookError> {
    let remote = args.first().ok_or(HookError::Args {
        hook: "pre-push",
        expected: "<remote> <url>",
        got: 0,
    })?;
    let updates = parse_pre_push(input)?;
    if git.is_shallow() && updates.iter().any(|u| policy.judges(&u.refname)) {
        return Err(HookError::Shallow);
    }
    // `<remote oid>` is not the pusher's claim: git read it from the remote's advertisement on
    // this very connection, fresher than the tracking refs. Pinning it is right here, and the
    // server checks it again against its own refs (`ref/stale`) when the push arrives.
    let mut before = git.remote_state(remote)?;
    rules::pin_old_values(&mut before, &updates);
    let judgement = rules::judge_at(
        policy,
        git,
        &before,
        &updates,
        rules::Entry::Push.pushing_to(remote),
    )?;
    Ok(Judged {
        violations: judgement.violations,
        policy: policy.origin.to_string(),
        subject: format!("the push to `{remote}`"),
        notes: vec![format!(
            "other branches were judged as `{remote}` had them at your last fetch; if that is stale, `git fetch {remote}` and push again"
        )],
        warnings: judgement.notes,
    })
}
