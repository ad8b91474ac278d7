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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Kind;

    fn preset(name: &str) -> Policy {
        crate::policy::presets::load(name)
            .expect("a preset")
            .expect("valid")
    }

    fn v(text: &str) -> Version {
        crate::version::parse(text).expect("a version")
    }

    /// pytokio keeps `master` a minor above `rc`, by name; the other presets keep no pair.
    #[test]
    fn only_pytokio_has_a_kept_above_pair() {
        let policy = preset("pytokio");
        let pairs = kept_above(&policy);
        assert_eq!(pairs.len(), 1);
        assert_eq!(exact_name(&policy, pairs[0].upper), Some("master"));
        assert_eq!(exact_name(&policy, pairs[0].lower), Some("rc"));
        assert_eq!(pairs[0].by, Level::Minor);
        assert!(flows(&policy, pairs[0].upper, pairs[0].lower));
        assert!(!flows(&policy, pairs[0].lower, pairs[0].upper));
        for name in ["github-rc", "pypiserver", "dagster", "twisted"] {
            assert!(kept_above(&preset(name)).is_empty(), "{name}");
        }
    }

    /// The tag class follows the version's kind and the branch it is tagged from.
    #[test]
    fn tag_class_follows_kind_and_branch() {
        let dagster = preset("dagster");
        let master = dagster.class_of("master");
        let name = |i: Option<usize>| i.map(|i| dagster.tags[i].name.clone());
        assert_eq!(
            name(tag_class_for(&dagster, &v("0.4.3rc0"), master)).as_deref(),
            Some("pre-release")
        );
        assert_eq!(
            name(tag_class_for(&dagster, &v("0.4.3"), master)).as_deref(),
            Some("release")
        );
        assert_eq!(tag_class_for(&dagster, &v("0.4.3.dev1"), master), None);
        let pytokio = preset("pytokio");
        assert_eq!(
            tag_class_for(&pytokio, &v("0.12.0b1"), pytokio.class_of("rc")),
            None
        );
        assert!(tag_class_for(&pytokio, &v("0.12.0b1"), pytokio.class_of("0.12")).is_some());
        assert_eq!(
            tag_classes_of_kind(&pytokio, Kind::Pre, pytokio.class_of("master")),
            Vec::<usize>::new()
        );
    }
}
