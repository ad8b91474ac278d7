//! The audit: every protected branch and release tag as it is, and what each protected branch
//! already holds that could only have come from a branch it does not accept.
//!
//! Judged as an update to itself, a tip brings nothing, so the flow rules would never see a
//! back-merge already pushed. Here a commit belongs to the branch that made it (the most
//! upstream protected branch on whose first-parent chain it lies, as in the history replay),
//! and a branch holding another's commits that did not come through one of its allowed sources
//! breaks flow/foreign. A legal history has none: `rc` holds master's commits through master,
//! a version branch master's and rc's through rc, a branch with no commit of its own nothing.
//! A fast-forward back-merge puts the other branch's commits on the first-parent chain, where
//! nothing tells them from the branch's own; only the replay's steps could.

use std::collections::HashMap;

use super::context::{Eval, EvalError};
use super::flow::{allowed_sources, plural};
use super::history::segments;
use super::view::{Id, RepoView};
use super::{Message, RefState, RuleId, Update, Violation, evaluate};
use crate::policy::Policy;

/// Each protected branch and release tag in `state` as an update to itself.
pub fn audit_updates(policy: &Policy, state: &RefState) -> Vec<Update> {
    state
        .iter()
        .filter(|(name, _)| policy.judges(name))
        .map(|(name, &tip)| Update {
            refname: name.clone(),
            old: Some(tip),
            new: Some(tip),
        })
        .collect()
}

/// Every violation of the refs in `state` as they are.
pub fn audit(
    policy: &Policy,
    view: &dyn RepoView,
    state: &RefState,
) -> Result<Vec<Violation>, EvalError> {
    let updates = audit_updates(policy, state);
    let mut violations = evaluate(policy, view, state, &updates)?;
    violations.extend(held(policy, view, state)?);
    Ok(violations)
}

/// flow/foreign of the state: per protected branch, the commits other protected branches made
/// that it holds without an allowed source holding them.
pub fn held(
    policy: &Policy,
    view: &dyn RepoView,
    state: &RefState,
) -> Result<Vec<Violation>, EvalError> {
    let mut cx = Eval::new(policy, view, state, &[]);
    let branches: Vec<(String, usize, Id)> = cx.protected_before().to_vec();
    let segments = segments(policy, view, &branches)?;
    let mut owner: HashMap<Id, usize> = HashMap::new();
    for (s, segment) in segments.iter().enumerate() {
        for &commit in &segment.commits {
            owner.insert(commit, s);
        }
    }
    for (s, segment) in segments.iter().enumerate() {
        let Some(name) = segment.refname.strip_prefix("refs/heads/") else {
            continue;
        };
        let Some(&(_, class, tip)) = branches.iter().find(|(n, _, _)| n == name) else {
            continue;
        };
        let accepts = &policy.branches[class].accepts;
        let sources: Vec<Id> = branches
            .iter()
            .filter(|(n, c, _)| n != name && accepts.classes.contains(c))
            .map(|(_, _, tip)| *tip)
            .collect();
        // What the branch holds that no allowed source holds; of that, other branches' own.
        let mut from: Vec<usize> = Vec::new();
        let mut offending = Vec::new();
        for commit in view.walk(&[tip], &sources)? {
            if let Some(&p) = owner.get(&commit)
                && p != s
            {
                offending.push(commit);
                if !from.contains(&p) {
                    from.push(p);
                }
            }
        }
        if offending.is_empty() {
            continue;
        }
        let names: Vec<String> = from
            .iter()
            .map(|&p| {
                let other = &segments[p].refname;
                format!("`{}`", other.strip_prefix("refs/heads/").unwrap_or(other))
            })
            .collect();
        let allowed = allowed_sources(&cx, class);
        let count = offending.len();
        cx.report(
            RuleId::FlowForeign,
            &segment.refname,
            &offending,
            Message::with_lists(|list| {
                format!(
                    "{} of {} {} in `{name}`, which accepts {allowed}",
                    plural(count, "commit"),
                    list(&names),
                    if count == 1 { "is" } else { "are" },
                )
            }),
            None,
        )?;
    }
    Ok(cx.into_parts().0)
}

#[cfg(test)]
mod tests {
    use super::held;
    use crate::policy;
    use crate::rules::memory::MemoryRepo;
    use crate::rules::{Id, RefState};

    const FILE: &str = "tokio/__init__.py";

    fn version(repo: &mut MemoryRepo, parents: &[Id], version: &str) -> Id {
        let text = format!("__version__ = \"{version}\"\n");
        repo.commit(parents, &format!("version {version}"), &[(FILE, &text)])
    }

    /// (ref, commits) of every flow/foreign the state holds.
    fn found(repo: &MemoryRepo, refs: &[(&str, Id)]) -> Vec<(String, usize)> {
        let policy = policy::presets::load("pytokio")
            .expect("the preset exists")
            .expect("the preset parses");
        let state: RefState = refs
            .iter()
            .map(|(name, id)| (format!("refs/heads/{name}"), *id))
            .collect();
        held(&policy, repo, &state)
            .expect("judged")
            .into_iter()
            .map(|v| (v.refname, v.commits.len()))
            .collect()
    }

    /// A textbook history holds nothing foreign: rc with no commit of its own, a version branch
    /// cut from it, a hotfix on rc merged into the version branch.
    #[test]
    fn a_legal_history_holds_nothing_foreign() {
        let mut repo = MemoryRepo::new();
        let m0 = version(&mut repo, &[], "0.12.0.dev1");
        let m1 = version(&mut repo, &[m0], "0.13.0.dev1");
        let b1 = version(&mut repo, &[m0], "0.12.0b1");
        assert_eq!(
            found(&repo, &[("master", m1), ("rc", m0), ("0.12", b1)]),
            []
        );
        let fix = repo.commit(&[m0], "hotfix on rc", &[]);
        let merged = repo.commit(&[b1, fix], "Merge branch 'rc' into 0.12", &[]);
        assert_eq!(
            found(&repo, &[("master", m1), ("rc", fix), ("0.12", merged)]),
            []
        );
    }

    /// rc's hotfix merged into master, and a version branch's into rc, are held where they do
    /// not belong.
    #[test]
    fn back_merges_already_made_are_found() {
        let mut repo = MemoryRepo::new();
        let m0 = version(&mut repo, &[], "0.12.0.dev1");
        let m1 = version(&mut repo, &[m0], "0.13.0.dev1");
        let fix = repo.commit(&[m0], "hotfix on rc", &[]);
        let back = repo.commit(&[m1, fix], "Merge branch 'rc'", &[]);
        let b1 = version(&mut repo, &[fix], "0.12.0b1");
        let up = repo.commit(&[fix, b1], "Merge branch '0.12' into rc", &[]);
        assert_eq!(
            found(&repo, &[("master", back), ("rc", up), ("0.12", b1)]),
            [
                ("refs/heads/master".to_owned(), 1),
                ("refs/heads/rc".to_owned(), 1)
            ]
        );
    }
}
