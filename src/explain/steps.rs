//! Which `git policy release` steps the policy gives, and between which branches: one line
//! per step, derived from the branch classes, their flows and the tag classes.

use super::sentences::{all, and, kind_names, one_of, or};
use crate::policy::{Level, Matcher, Policy};
use crate::release::flow;

/// One line per step, `freeze`, `branch`, `tag`, `port`, `merge`, `bump` in that order, each
/// saying what the step does under this policy or that it does not apply.
pub fn steps(policy: &Policy) -> Vec<String> {
    vec![
        freeze(policy),
        branch(policy),
        tag(policy),
        port(policy),
        merge(policy),
        bump(policy),
    ]
}

/// `freeze`: each pair kept one above the other.
fn freeze(policy: &Policy) -> String {
    let pairs: Vec<String> = flow::kept_above(policy)
        .iter()
        .map(|pair| {
            let by = match pair.by {
                Level::Version => String::new(),
                level => format!(" one {}", level.as_str()),
            };
            format!(
                "{} takes {}, which moves{by} up",
                one_of(policy, pair.lower),
                all(policy, pair.upper)
            )
        })
        .collect();
    if pairs.is_empty() {
        return "`freeze`: does not apply (no branch is kept above another)".to_owned();
    }
    format!("`freeze`: {}, as one push", and(&pairs))
}

/// The classes whose branches are created by name (a pattern), with the classes they take.
fn cut(policy: &Policy) -> Vec<(usize, Vec<usize>)> {
    policy
        .branches
        .iter()
        .enumerate()
        .filter(|(_, class)| matches!(class.matcher, Matcher::Pattern(_)))
        .map(|(c, class)| (c, class.accepts.classes.clone()))
        .collect()
}

/// `branch`: a new branch of each pattern class, from the classes it takes.
fn branch(policy: &Policy) -> String {
    let cuts: Vec<String> = cut(policy)
        .into_iter()
        .map(|(c, sources)| {
            let from: Vec<String> = sources.iter().map(|&s| all(policy, s)).collect();
            if from.is_empty() {
                format!("a new {}", one_of(policy, c).trim_start_matches("a "))
            } else {
                format!(
                    "a new {} from {}",
                    one_of(policy, c).trim_start_matches("a "),
                    or(&from)
                )
            }
        })
        .collect();
    if cuts.is_empty() {
        return "`branch`: cuts an unprotected branch (no protected branch is cut by name), its version set with `--version`".to_owned();
    }
    format!("`branch`: cuts {}, its first version set", and(&cuts))
}

/// `tag`: each tag class's versions, name, where, and what it asks first or moves after.
fn tag(policy: &Policy) -> String {
    let classes: Vec<String> = policy
        .tags
        .iter()
        .map(|class| {
            let kinds = class
                .kinds
                .as_deref()
                .map_or_else(|| "all".to_owned(), kind_names);
            let on: Vec<String> = class.on.iter().map(|&c| all(policy, c)).collect();
            let mut line = format!("{kinds} versions as `{}`", class.template);
            if !on.is_empty() {
                line.push_str(&format!(" on {}", or(&on)));
            }
            if class.requires_pre_release {
                line.push_str(" after a pre-release of the same release");
            }
            if let Some(log) = &class.changelog {
                line.push_str(&format!(" with an entry in `{}`", log.path));
            }
            let ahead: Vec<String> = class
                .on
                .iter()
                .filter(|&&c| {
                    policy.branches[c]
                        .version
                        .as_ref()
                        .is_some_and(|r| r.ahead_of_tags)
                })
                .map(|&c| all(policy, c))
                .collect();
            if !ahead.is_empty() {
                line.push_str(&format!(", then moves {} ahead of the tag", and(&ahead)));
            }
            line
        })
        .collect();
    if classes.is_empty() {
        return "`tag`: does not apply (the policy has no tag class)".to_owned();
    }
    format!(
        "`tag`: tags {} (setting the version first where the branch lacks it)",
        classes.join("; ")
    )
}

/// `port`: every flow between protected classes, source to target.
fn port(policy: &Policy) -> String {
    let flows: Vec<String> = policy
        .branches
        .iter()
        .enumerate()
        .flat_map(|(target, class)| {
            class
                .accepts
                .classes
                .iter()
                .map(move |&source| (source, target))
        })
        .map(|(source, target)| {
            format!("from {} into {}", all(policy, source), all(policy, target))
        })
        .collect();
    if flows.is_empty() {
        return "`port`: does not apply (no protected branch takes another's commits)".to_owned();
    }
    format!(
        "`port`: cherry-picks a fix (`-x`) down the flow, {}, each version kept",
        and(&flows)
    )
}

/// `merge`: a branch cut by name merged back into a class that takes it.
fn merge(policy: &Policy) -> String {
    let back: Vec<String> = cut(policy)
        .into_iter()
        .flat_map(|(c, _)| {
            policy
                .branches
                .iter()
                .enumerate()
                .filter(move |(target, _)| flow::flows(policy, c, *target))
                .map(move |(target, _)| {
                    format!("{} into {}", one_of(policy, c), all(policy, target))
                })
        })
        .collect();
    if back.is_empty() {
        return "`merge`: does not apply (no branch cut by name flows back)".to_owned();
    }
    format!("`merge`: merges {} once it is released", or(&back))
}

/// `bump`: every version file, on any branch.
fn bump(policy: &Policy) -> String {
    let files: Vec<String> = policy
        .version_files
        .iter()
        .map(|f| format!("`{}`", f.path))
        .collect();
    if files.is_empty() {
        return "`bump`: does not apply (the policy reads no version file)".to_owned();
    }
    format!("`bump`: sets a version in {} on any branch", and(&files))
}

#[cfg(test)]
mod tests {
    use super::steps;
    use crate::policy::presets;

    fn of(preset: &str) -> Vec<String> {
        steps(&presets::load(preset).expect("exists").expect("parses"))
    }

    /// pytokio: a freeze of rc and master, version branches cut from rc, no merge back.
    #[test]
    fn pytokio_steps() {
        let steps = of("pytokio");
        assert_eq!(
            steps[0],
            "`freeze`: `rc` takes `master`, which moves one minor up, as one push"
        );
        assert_eq!(
            steps[1],
            "`branch`: cuts a new `version` branch from `rc`, its first version set"
        );
        assert!(
            steps[2].contains("then moves `version` branches ahead of the tag"),
            "{}",
            steps[2]
        );
        assert!(steps[4].contains("does not apply"), "{}", steps[4]);
    }

    /// Twisted: no freeze, release branches cut from trunk and merged back into it.
    #[test]
    fn twisted_steps() {
        let steps = of("twisted");
        assert!(steps[0].contains("does not apply"), "{}", steps[0]);
        assert_eq!(
            steps[1],
            "`branch`: cuts a new `release` branch from `trunk`, its first version set"
        );
        assert_eq!(
            steps[4],
            "`merge`: merges a `release` branch into `trunk` once it is released"
        );
    }

    /// github-rc: one named branch, so `branch` cuts an unprotected one and nothing is ported.
    #[test]
    fn github_rc_steps() {
        let steps = of("github-rc");
        assert!(steps[1].contains("unprotected"), "{}", steps[1]);
        assert!(steps[3].contains("does not apply"), "{}", steps[3]);
        assert!(
            steps[2].contains("with an entry in `CHANGELOG.md`"),
            "{}",
            steps[2]
        );
    }

    /// Dagster: a final only after its pre-release; every version file by its glob.
    #[test]
    fn dagster_steps() {
        let steps = of("dagster");
        assert!(
            steps[2].contains("final or post-release versions as `{version}` on `master` after a pre-release of the same release"),
            "{}",
            steps[2]
        );
        assert_eq!(
            steps[5],
            "`bump`: sets a version in `python_modules/**/version.py` on any branch"
        );
    }
}
