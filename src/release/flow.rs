//! The policy's branch model as release steps see it (pure, on `&Policy`): which classes feed
//! which, the pair a feature freeze moves, and the tag class a version is released under.

use pep440_rs::Version;

use crate::policy::{Level, Matcher, Policy};

/// Two branches kept apart by `above = { branch = lower, by }` on `upper`: a feature freeze
/// gives `lower` what `upper` has and moves `upper` on by `by`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAbove {
    /// Class index of the branch kept above (pytokio's `master`).
    pub upper: usize,
    /// Class index of the branch it is kept above (pytokio's `rc`).
    pub lower: usize,
    pub by: Level,
}

/// The pairs the policy keeps one above the other, in policy order.
pub fn kept_above(policy: &Policy) -> Vec<KeptAbove> {
    policy
        .branches
        .iter()
        .enumerate()
        .filter_map(|(upper, class)| {
            let above = class.version.as_ref()?.above?;
            Some(KeptAbove {
                upper,
                lower: above.class,
                by: above.by,
            })
        })
        .collect()
}

/// The one branch name a class matches, when it names one (`master`, not a pattern).
pub fn exact_name(policy: &Policy, class: usize) -> Option<&str> {
    match &policy.branches.get(class)?.matcher {
        Matcher::Exact(name) => Some(name),
        Matcher::Pattern(_) => None,
    }
}

/// Whether commits flow from class `source` into class `target` (`target` accepts `source`).
pub fn flows(policy: &Policy, source: usize, target: usize) -> bool {
    policy
        .branches
        .get(target)
        .is_some_and(|t| t.accepts.classes.contains(&source))
}

/// The tag class that releases `version` from a branch of class `branch`: the first whose
/// kinds and letters allow the version and whose `on` takes the branch (or is empty); for an
/// unprotected branch (`None`), the first whose kinds allow it.
pub fn tag_class_for(policy: &Policy, version: &Version, branch: Option<usize>) -> Option<usize> {
    policy.tags.iter().position(|class| {
        crate::rules::kind_problem(version, class.kinds.as_deref(), class.pre.as_deref()).is_none()
            && branch.is_none_or(|b| class.on.is_empty() || class.on.contains(&b))
    })
}

/// The tag classes whose kinds include `kind` and whose `on` takes a branch of class `branch`.
pub fn tag_classes_of_kind(
    policy: &Policy,
    kind: crate::version::Kind,
    branch: Option<usize>,
) -> Vec<usize> {
    policy
        .tags
        .iter()
        .enumerate()
        .filter(|(_, class)| class.kinds.as_ref().is_none_or(|k| k.contains(&kind)))
        .filter(|(_, class)| branch.is_none_or(|b| class.on.is_empty() || class.on.contains(&b)))
        .map(|(i, _)| i)
        .collect()
}
