//! ref/shadow for names taken ahead of time: git cannot hold a ref `a` beside a ref `a/b`, so a
//! new branch or tag under a protected branch's or a release tag's name (`0.13/x`,
//! `v0.13.0/x`), or named like a directory of theirs (a branch `releases` where the release
//! branches are `releases/release-<n>`), would keep the project from creating them ("cannot
//! lock ref"). Refs that exist already squat nothing new and are left alone.

use super::context::{Eval, EvalError};
use super::refs::{commit_of, release_name};
use super::view::Id;
use super::{RuleId, Update};
use crate::policy::Matcher;

/// A new unprotected branch that would block protected branches. Returns whether it did.
pub fn branch(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
    new: Id,
) -> Result<bool, EvalError> {
    if cx.before.contains_key(&update.refname) {
        return Ok(false);
    }
    let message = if let Some(taken) = under(branch, |name| cx.policy.class_of(name).is_some()) {
        format!(
            "`{branch}` is under `{taken}`, a protected branch's name: git cannot hold a branch `{taken}` beside it, so `{taken}` could not be created (\"cannot lock ref\")"
        )
    } else if let Some(class) = cx.policy.branches.iter().find(|class| {
        let prefix = match &class.matcher {
            Matcher::Exact(name) => name.clone(),
            Matcher::Pattern(regex) => literal_prefix(regex.as_str()),
        };
        directory_of(branch, &prefix)
    }) {
        format!(
            "the `{}` branches are named under `{branch}/`: git cannot hold them beside a branch `{branch}`, so they could not be created (\"cannot lock ref\")",
            class.name
        )
    } else {
        return Ok(false);
    };
    cx.report(
        RuleId::RefShadow,
        &update.refname,
        &[new],
        message,
        Some(format!(
            "name the branch otherwise, e.g. `git branch -m {branch} topic/{branch}`, and push that"
        )),
    )?;
    Ok(true)
}

/// A new tag that would block release tags. Returns whether it did.
pub fn tag(cx: &mut Eval<'_>, update: &Update, tag: &str, new: Id) -> Result<bool, EvalError> {
    if cx.before.contains_key(&update.refname) {
        return Ok(false);
    }
    let message = if let Some(taken) = under(tag, |name| release_name(cx, name)) {
        format!(
            "`{tag}` is under `{taken}`, a release tag's name: git cannot hold a tag `{taken}` beside it, so `{taken}` could not be created (\"cannot lock ref\")"
        )
    } else if let Some(class) = cx
        .policy
        .tags
        .iter()
        .find(|class| directory_of(tag, &class.around.0))
    {
        format!(
            "the `{}` tags are named under `{tag}/`: git cannot hold them beside a tag `{tag}`, so they could not be created (\"cannot lock ref\")",
            class.name
        )
    } else {
        return Ok(false);
    };
    let commits = commit_of(cx, new)?;
    cx.report(
        RuleId::RefShadow,
        &update.refname,
        &commits,
        message,
        Some(format!(
            "delete the tag (`git tag -d {tag}`) and tag under a name no release takes"
        )),
    )?;
    Ok(true)
}

/// The first of `name`'s leading directories that `taken` says is a protected name.
fn under(name: &str, taken: impl Fn(&str) -> bool) -> Option<&str> {
    name.match_indices('/')
        .map(|(at, _)| &name[..at])
        .find(|prefix| taken(prefix))
}

/// Whether every name starting with `prefix` (a protected name's fixed start) is under `name/`.
fn directory_of(name: &str, prefix: &str) -> bool {
    prefix
        .strip_prefix(name)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The text every match of an anchored pattern starts with (`releases/release-` for
/// `^releases/release-(?P<n>[0-9]+)$`); empty when the pattern is not anchored or starts with
/// anything but plain characters. A character a quantifier makes optional is not counted.
fn literal_prefix(pattern: &str) -> String {
    let Some(rest) = pattern.strip_prefix('^') else {
        return String::new();
    };
    let mut literal = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) if escaped.is_ascii_punctuation() => literal.push(escaped),
                _ => break,
            },
            '?' | '*' | '{' => {
                literal.pop();
                break;
            }
            '.' | '^' | '$' | '|' | '+' | '(' | ')' | '[' | ']' | '}' => break,
            c => literal.push(c),
        }
    }
    literal
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fixed start of a pattern, without what a quantifier makes optional.
    #[test]
    fn literal_prefixes_of_patterns() {
        for (pattern, prefix) in [
            (
                r"^releases/release-(?P<ticket>[0-9]+)$",
                "releases/release-",
            ),
            (r"^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$", ""),
            (r"^release\/v[0-9]+", "release/v"),
            (r"^releases?/x", "release"),
            (r"^a/b*", "a/"),
            (r"releases/x", ""),
            (r"^rel\d/x", "rel"),
        ] {
            assert_eq!(literal_prefix(pattern), prefix, "{pattern}");
        }
    }

    /// A name is a directory of a prefix only up to a `/`.
    #[test]
    fn directories_end_at_a_slash() {
        assert!(directory_of("releases", "releases/release-"));
        assert!(directory_of("a", "a/b/c"));
        assert!(!directory_of("release", "releases/release-"));
        assert!(!directory_of("releases", "releases"));
        assert!(!directory_of("releases/release-", "releases/release-"));
    }
}
