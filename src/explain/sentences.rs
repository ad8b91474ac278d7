//! Each rule the policy sets, in one plain sentence ending with the rule ids that enforce it.

use super::Facts;
use crate::policy::{Level, Matcher, Policy};
use crate::version::{Kind, PreLetter};

/// The sentences, branch class by branch class in file order, then version files and tags.
pub fn sentences(facts: &Facts<'_>) -> Vec<String> {
    let policy = facts.policy;
    let mut out = Vec::new();
    for (c, class) in policy.branches.iter().enumerate() {
        let one = one(policy, c);
        let accepts = &class.accepts;
        let mut sources: Vec<String> = Vec::new();
        if accepts.unprotected {
            sources.push("topic branches".into());
        }
        sources.extend(accepts.classes.iter().map(|&s| all(policy, s)));
        if !accepts.unprotected {
            let from = if sources.is_empty() {
                "no other branch".to_owned()
            } else {
                format!("{} only", or(&sources))
            };
            out.push(format!(
                "{} takes merges from {from}; fixes may be committed on it directly [flow/source].",
                capital(&one)
            ));
        }
        let others: Vec<String> = (0..policy.branches.len())
            .filter(|&o| o != c && !accepts.classes.contains(&o))
            .map(|o| all(policy, o))
            .collect();
        if !others.is_empty() {
            out.push(format!(
                "Commits of {} never enter {} [flow/foreign].",
                and(&others),
                one_of(policy, c)
            ));
        }
        if class.cherry_pick && !accepts.classes.is_empty() {
            let picked: Vec<String> = accepts.classes.iter().map(|&s| all(policy, s)).collect();
            out.push(format!(
                "Cherry-picks into {} name a commit of {} (`git cherry-pick -x`) [flow/cherry-pick].",
                one_of(policy, c),
                or(&picked)
            ));
        }
        out.push(format!(
            "{} is never deleted and only moves forward [branch/delete, branch/force].",
            capital(&one)
        ));
        if class.first_parent {
            out.push(format!(
                "{} moves only along its first-parent line: no foxtrot merges [branch/first-parent].",
                capital(&one)
            ));
        }
        if class.linear {
            out.push(format!(
                "{} keeps a linear history: no merge commits [branch/linear].",
                capital(&one)
            ));
        }
        if let Some(rules) = &class.version {
            if let Some(kinds) = &rules.kinds {
                out.push(format!(
                    "{} carries only {} versions{} [version/kind].",
                    capital(&one),
                    kind_names(kinds),
                    letters(rules.pre.as_deref())
                ));
            }
            if let Some(above) = rules.above {
                let by = match above.by {
                    Level::Version => String::new(),
                    level => format!(" one {}", level.as_str()),
                };
                out.push(format!(
                    "{} stays at least{by} above {} [version/relation].",
                    capital(&one),
                    one_of(policy, above.class)
                ));
            }
            if let Some(template) = &rules.matches {
                out.push(format!(
                    "{} carries versions `{template}` of its own name{} [version/branch-name].",
                    capital(&one),
                    example(facts, c, template)
                ));
            }
            if rules.monotonic {
                out.push(format!(
                    "The version of {} never goes down [version/monotonic].",
                    one_of(policy, c)
                ));
            }
            if rules.ahead_of_tags {
                out.push(format!(
                    "Once a release is tagged on {}, its next commits carry a higher version [version/ahead-of-tags].",
                    one_of(policy, c)
                ));
            }
        }
    }
    if policy.version_files.len() > 1 || policy.version_files.iter().any(|f| f.glob.is_some()) {
        let files: Vec<String> = policy
            .version_files
            .iter()
            .map(|f| format!("`{}`", f.path))
            .collect();
        out.push(format!(
            "Every version file ({}) names the same version [version/lockstep].",
            and(&files)
        ));
    }
    for tag in &policy.tags {
        let these = format!("`{}` tags", tag.name);
        let what = if tag.release_only {
            "the release (X.Y.Z) of the version"
        } else {
            "the version"
        };
        out.push(format!(
            "{these} (`{}`) name {what} in the commit they tag [tag/version].",
            tag.template
        ));
        if let Some(kinds) = &tag.kinds {
            out.push(format!(
                "{} are {} versions{} [tag/kind].",
                capital(&these),
                kind_names(kinds),
                letters(tag.pre.as_deref())
            ));
        }
        if !tag.on.is_empty() {
            let on: Vec<String> = tag.on.iter().map(|&c| one_of(policy, c)).collect();
            out.push(format!(
                "{} tag a commit on {} [tag/branch].",
                capital(&these),
                or(&on)
            ));
        }
        match (tag.immutable, tag.deletable) {
            (true, false) => out.push(format!(
                "{} never move and are never deleted [tag/immutable, tag/delete].",
                capital(&these)
            )),
            (true, true) => out.push(format!("{} never move [tag/immutable].", capital(&these))),
            (false, false) => out.push(format!(
                "{} are never deleted [tag/delete].",
                capital(&these)
            )),
            (false, true) => {}
        }
        if tag.requires_pre_release {
            out.push(format!(
                "A final release among {these} comes after a pre-release of it, tagged on the same history [tag/pre-release]."
            ));
        }
        if let Some(calendar) = &tag.calendar {
            out.push(format!(
                "The date parts of the versions of {these} (`{}`) are the date the tag is made [tag/calendar].",
                calendar.scheme
            ));
        }
        if let Some(changelog) = &tag.changelog {
            out.push(format!(
                "At each of the `{}` tags, `{}` has an entry for its version [changelog/entry].",
                tag.name, changelog.path
            ));
        }
    }
    out
}

/// A class as a subject: `` `master` `` or "each `version` branch".
fn one(policy: &Policy, c: usize) -> String {
    let class = &policy.branches[c];
    match class.matcher {
        Matcher::Exact(_) => format!("`{}`", class.name),
        Matcher::Pattern(_) => format!("each `{}` branch", class.name),
    }
}

/// A class as one place: `` `master` `` or "a `version` branch".
pub(super) fn one_of(policy: &Policy, c: usize) -> String {
    let class = &policy.branches[c];
    match class.matcher {
        Matcher::Exact(_) => format!("`{}`", class.name),
        Matcher::Pattern(_) => format!("a `{}` branch", class.name),
    }
}

/// A class as a source: `` `master` `` or "`version` branches".
pub(super) fn all(policy: &Policy, c: usize) -> String {
    let class = &policy.branches[c];
    match class.matcher {
        Matcher::Exact(_) => format!("`{}`", class.name),
        Matcher::Pattern(_) => format!("`{}` branches", class.name),
    }
}

/// "(`0.12` carries `==0.12.*`)", from the first branch of the class, if there is one.
fn example(facts: &Facts<'_>, class: usize, template: &str) -> String {
    let Some(branch) = facts.branches.iter().find(|b| b.class == class) else {
        return String::new();
    };
    let Some((_, captures)) = facts.policy.branch_class(&branch.name) else {
        return String::new();
    };
    let mut spec = template.to_owned();
    for (name, value) in &captures {
        spec = spec.replace(&format!("{{{name}}}"), value);
    }
    format!(" (`{}` carries `{spec}`)", branch.name)
}

pub(super) fn kind_names(kinds: &[Kind]) -> String {
    let names: Vec<String> = kinds
        .iter()
        .map(|k| {
            match k {
                Kind::Dev => "development (`.devN`)",
                Kind::Pre => "pre-release",
                Kind::Final => "final",
                Kind::Post => "post-release",
            }
            .to_owned()
        })
        .collect();
    or(&names)
}

fn letters(pre: Option<&[PreLetter]>) -> String {
    match pre {
        Some(letters) => {
            let names: Vec<String> = letters
                .iter()
                .map(|l| format!("`{}`", l.as_str()))
                .collect();
            format!(", with pre-releases {} only", or(&names))
        }
        None => String::new(),
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn join(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}

pub(super) fn and(items: &[String]) -> String {
    join(items, "and")
}

pub(super) fn or(items: &[String]) -> String {
    join(items, "or")
}
