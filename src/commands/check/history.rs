//! `git policy check --history [--since REV]`: the replay of every protected branch's past,
//! for adopting git-policy on a repository with a history.

use super::plural;
use crate::commands::Outcome;
use crate::policy::Policy;
use crate::repo::Git;
use crate::report::{self, Format, HistoryVerdict};
use crate::rules::history;

pub fn run(
    git: &Git,
    policy: &Policy,
    since: Option<&str>,
    format: Format,
) -> anyhow::Result<Outcome> {
    let refs = git.merged_state()?;
    let since_id = match since {
        Some(rev) => Some(git.resolve(rev).map_err(|e| super::not_here(git, e, rev))?),
        None => None,
    };
    let replayed = history::replay(policy, git, &refs, since_id)?;
    let mut subject = format!(
        "{} of {} and {}",
        plural(replayed.steps, "step"),
        plural(replayed.branches, "protected branch"),
        plural(replayed.tags, "release tag")
    );
    if let Some(rev) = since {
        subject.push_str(&format!(" after `{rev}`"));
    }
    let verdict = HistoryVerdict {
        findings: &replayed.findings,
        unjudged: &replayed.unjudged,
        policy: policy.origin.to_string(),
        subject,
    };
    report::write_history(format, &verdict, &mut anstream::stdout().lock())?;
    Ok(if replayed.findings.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Violations
    })
}
