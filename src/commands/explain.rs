//! `git policy explain`: the policy as a picture, with each protected branch as it is now.

use std::collections::BTreeSet;

use super::check::refuse_shallow;
use super::{Outcome, load_policy, open_repo};
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::explain::{self, Branch, Facts};
use crate::policy::{self, Policy};
use crate::repo::Git;
use crate::rules::{self, describe};

pub fn run(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    // Outside a repository a policy file can still be explained, without branches.
    let git = match (open_repo(), &args.policy) {
        (Ok(git), _) => Some(git),
        (Err(_), Some(_)) => None,
        (Err(err), None) => return Err(err),
    };
    let policy = match (&git, &args.policy) {
        (Some(git), explicit) => load_policy(git, explicit.as_deref())?,
        (None, Some(path)) => policy::load(path, path)?,
        (None, None) => unreachable!("handled when opening the repository"),
    };
    let facts = match &git {
        Some(git) => {
            refuse_shallow(git)?;
            gather(git, &policy)?
        }
        None => Facts {
            policy: &policy,
            branches: Vec::new(),
            tags: 0,
            tags_broken: 0,
        },
    };
    let mut out = anstream::stdout().lock();
    match args.format {
        ExplainFormat::Text => explain::write_text(&facts, &mut out)?,
        ExplainFormat::Mermaid => explain::write_mermaid(&facts, &mut out)?,
    }
    Ok(Outcome::Ok)
}

/// Each protected branch's version and last tag, and what the audit says of it now.
fn gather<'p>(git: &Git, policy: &'p Policy) -> anyhow::Result<Facts<'p>> {
    let state = git.merged_state()?;
    let updates = rules::audit_updates(policy, &state);
    let violations = rules::audit(policy, git, &state)?;
    let mut branches = Vec::new();
    let mut tags = 0;
    for update in &updates {
        let Some(tip) = update.new else { continue };
        let Some(name) = update.refname.strip_prefix("refs/heads/") else {
            tags += 1;
            continue;
        };
        let Some(class) = policy.class_of(name) else {
            continue;
        };
        let mut broken: Vec<_> = violations
            .iter()
            .filter(|v| v.refname == update.refname)
            .map(|v| v.rule)
            .collect();
        broken.sort();
        broken.dedup();
        branches.push(Branch {
            name: name.to_owned(),
            class,
            version: describe::version_of(policy, git, tip)?,
            last_tag: describe::last_release_tag(policy, git, &state, tip)?,
            broken,
        });
    }
    explain::sort_branches(policy, &mut branches);
    let tags_broken = violations
        .iter()
        .filter(|v| v.refname.starts_with("refs/tags/"))
        .map(|v| v.refname.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    Ok(Facts {
        policy,
        branches,
        tags,
        tags_broken,
    })
}
