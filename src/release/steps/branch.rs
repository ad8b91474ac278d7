//! `git policy release branch [NAME] [--from B] [--version V]`: cut the next branch of a class
//! from its source, with the branch's first version committed on it (the creation is the
//! whole update set).

use pep440_rs::Version;

use crate::cli::BranchArgs;
use crate::policy::{Captures, Matcher, Policy};
use crate::release::{Move, ReleaseError, Session, Step, flow, next};
use crate::rules::Id;
use crate::version::{Kind, PreLetter};

/// The captures a version fills in, and the release component each is.
const VERSION_CAPTURES: &[(&str, usize)] =
    &[("major", 0), ("minor", 1), ("micro", 2), ("patch", 2)];

/// What `release branch` cuts: the new branch, where from, and the version it starts at.
#[derive(Debug, Clone)]
pub struct Cut {
    pub name: String,
    pub from: String,
    pub tip: Id,
    pub version: Version,
}

pub fn compute(session: &Session, args: &BranchArgs) -> Result<Step, ReleaseError> {
    let cut = resolve(
        session,
        args.name.as_deref(),
        args.from.as_deref(),
        args.version.as_deref(),
    )?;
    let carried = session.version_at(cut.tip)?.map(|(v, _)| v);
    let mut what = format!("from `{}` at {}", cut.from, cut.tip.short());
    let new = if carried.as_ref() == Some(&cut.version) {
        what.push_str(&format!(", which carries {}", cut.version));
        cut.tip
    } else {
        let message = format!("release: {} starts at {}", cut.name, cut.version);
        what.push_str(&format!(", then set version {}", cut.version));
        session.commit_version(cut.tip, &cut.version, &message)?
    };
    let mut step = Step::new("branch");
    step.moves.push(Move::branch(&cut.name, None, new, what));
    Ok(step)
}

/// The branch to cut, its source and its first version, from the arguments and the policy;
/// refused with the argument the policy leaves to the user where one is missing.
pub fn resolve(
    session: &Session,
    name: Option<&str>,
    from: Option<&str>,
    version: Option<&str>,
) -> Result<Cut, ReleaseError> {
    let policy = &session.policy;
    let (name, class, caps, from) = match name {
        Some(name) => {
            let (class, caps) = match policy.branch_class(name) {
                Some((class, caps)) => (Some(class), caps),
                None => (None, Captures::new()),
            };
            let from = match from {
                Some(from) => from.to_owned(),
                None => default_source(session, class, Some(name))?,
            };
            (name.to_owned(), class, caps, from)
        }
        None => next_of_a_class(session, from)?,
    };
    if !crate::repo::valid_branch_name(&name) {
        return Err(ReleaseError::usage(
            format!("`{name}` is not a branch name git takes"),
            "name it as git allows: `git help check-ref-format` lists the rules",
        ));
    }
    if session.exists(&format!("refs/heads/{name}")) || session.git.has_branch(&name) {
        return Err(ReleaseError::usage(
            format!("branch `{name}` exists already"),
            format!(
                "release from it (`git policy release plan` shows its next steps), or name another: `git policy release branch <name> --from {from}`"
            ),
        ));
    }
    let tip = session.branch_tip(&from)?;
    let version = match version {
        Some(text) => Session::parse_version(text)?,
        None => match class {
            Some(class) => first_version(session, class, &caps, tip)?
                .ok_or_else(|| needs_version(session, &name, &from, tip, Some(class), &caps))?,
            None => version_in_name(&name)
                .ok_or_else(|| needs_version(session, &name, &from, tip, None, &caps))?,
        },
    };
    Ok(Cut {
        name,
        from,
        tip,
        version,
    })
}

/// With no NAME: the first pattern class whose name its source's version fills in (`0.13`
/// from `rc` at `0.13.0.dev4`); refused with the name to give where none is.
fn next_of_a_class(
    session: &Session,
    from: Option<&str>,
) -> Result<(String, Option<usize>, Captures, String), ReleaseError> {
    let policy = &session.policy;
    let mut example = None;
    for (class, branch) in policy.branches.iter().enumerate() {
        let Matcher::Pattern(regex) = &branch.matcher else {
            continue;
        };
        let source = match from {
            // Only a class that takes commits from it is cut from a protected branch.
            Some(from)
                if policy
                    .class_of(from)
                    .is_some_and(|f| !branch.accepts.classes.contains(&f)) =>
            {
                continue;
            }
            Some(from) => from.to_owned(),
            None => match single_source(policy, class) {
                Some(source) => source.to_owned(),
                None => continue,
            },
        };
        let Some(tip) = session.tip(&source) else {
            continue;
        };
        let Some((version, _)) = session.version_at(tip)? else {
            continue;
        };
        let values = captures_of(&version);
        match render(regex.as_str(), &values) {
            Some(name) => {
                if let Some((c, caps)) = policy.branch_class(&name).filter(|(c, _)| *c == class) {
                    return Ok((name, Some(c), caps, source));
                }
            }
            None => {
                example.get_or_insert_with(|| (placeholder_name(regex.as_str()), source.clone()));
            }
        }
    }
    let Some((name, source)) = example else {
        let from = from.map_or_else(String::new, |f| format!(" from `{f}`"));
        return Err(ReleaseError::usage(
            format!("no branch class of the policy is named after the version{from}"),
            "name the branch to cut: `git policy release branch <name> --from <branch>`",
        ));
    };
    Err(ReleaseError::Needs {
        message: "the policy leaves the new branch's name to you".to_owned(),
        argument: "NAME".to_owned(),
        example: format!("git policy release branch {name} --from {source}"),
    })
}

/// The one branch a class takes commits from, where that class names one branch (`rc` for
/// pytokio's version branches, `trunk` for Twisted's release branches).
pub fn single_source(policy: &Policy, class: usize) -> Option<&str> {
    let sources = &policy.branches.get(class)?.accepts.classes;
    let exact: Vec<&str> = sources
        .iter()
        .filter_map(|&s| flow::exact_name(policy, s))
        .collect();
    match exact.as_slice() {
        [one] if sources.len() == 1 => Some(one),
        _ => None,
    }
}

/// The source of a named branch: its class's single source, else (an unprotected branch, or a
/// class with several sources) the default branch.
fn default_source(
    session: &Session,
    class: Option<usize>,
    name: Option<&str>,
) -> Result<String, ReleaseError> {
    if let Some(source) = class.and_then(|c| single_source(&session.policy, c)) {
        return Ok(source.to_owned());
    }
    session
        .git
        .default_branch()
        .ok_or_else(|| ReleaseError::Needs {
            message: "there is no default branch to cut it from".to_owned(),
            argument: "--from".to_owned(),
            example: format!(
                "git policy release branch {} --from <branch>",
                name.unwrap_or("<name>")
            ),
        })
}

/// The captures a version fills in (`major = 0, minor = 13, micro = 0` of `0.13.0.dev4`).
fn captures_of(version: &Version) -> Captures {
    VERSION_CAPTURES
        .iter()
        .map(|&(name, at)| {
            let value = version.release().get(at).copied().unwrap_or(0);
            (name.to_owned(), value.to_string())
        })
        .collect()
}

/// The release a class's captures name (`0.13.0` of `0.13`), when they include `major`.
fn release_of(caps: &Captures) -> Option<Version> {
    caps.get("major")?;
    let mut release = vec![0u64; 3];
    for &(name, at) in VERSION_CAPTURES {
        if let Some(value) = caps.get(name) {
            release[at] = value.parse().ok()?;
        }
    }
    Some(Version::new(release))
}

/// The tag classes a branch of `class` is released under.
fn tag_classes_on(policy: &Policy, class: usize) -> Vec<usize> {
    (0..policy.tags.len())
        .filter(|&t| policy.tags[t].on.is_empty() || policy.tags[t].on.contains(&class))
        .collect()
}

/// The first version of a new branch of `class` cut at `tip`: the release its captures name,
/// else the next calendar release of its tag class (above the tags and the version `tip`
/// carries); as the next pre-release where the branch carries pre-releases (the letter its tag
/// class or rules allow, else the newest pre-release tag's), else as the final release.
/// `None`: the policy leaves the choice to the user.
pub fn first_version(
    session: &Session,
    class: usize,
    caps: &Captures,
    tip: Id,
) -> Result<Option<Version>, ReleaseError> {
    let source = session.version_at(tip)?.map(|(v, _)| v);
    Ok(first_version_above(session, class, caps, source.as_ref()))
}

fn first_version_above(
    session: &Session,
    class: usize,
    caps: &Captures,
    source: Option<&Version>,
) -> Option<Version> {
    let policy = &session.policy;
    let kinds = policy.branches[class]
        .version
        .as_ref()
        .and_then(|r| r.kinds.as_deref());
    let allows = |kind| kinds.is_none_or(|k| k.contains(&kind));
    let tag_classes = tag_classes_on(policy, class);
    let tags = session.release_tags();
    let existing: Vec<Version> = tags.iter().map(|t| t.version.clone()).collect();
    let release = release_of(caps).or_else(|| {
        let calendar = tag_classes
            .iter()
            .find_map(|&t| policy.tags[t].calendar.as_ref())?;
        Some(next::calendar(calendar, session.today, &existing, source))
    })?;
    if allows(Kind::Pre) {
        let letter = pre_letter(session, class, &tag_classes)?;
        return Some(next::next_pre(&release, letter, &existing));
    }
    allows(Kind::Final).then_some(release)
}

/// The letter of a new branch's first pre-release: the first its pre-release tag class
/// allows, else its rules allow, else the newest pre-release tag's of its tag classes.
fn pre_letter(session: &Session, class: usize, tag_classes: &[usize]) -> Option<PreLetter> {
    let policy = &session.policy;
    let pre_classes: Vec<usize> = tag_classes
        .iter()
        .copied()
        .filter(|&t| {
            policy.tags[t]
                .kinds
                .as_ref()
                .is_none_or(|k| k.contains(&Kind::Pre))
        })
        .collect();
    let allowed = pre_classes
        .iter()
        .find_map(|&t| policy.tags[t].pre.as_ref())
        .or_else(|| policy.branches[class].version.as_ref()?.pre.as_ref())
        .and_then(|letters| letters.first().copied());
    allowed.or_else(|| {
        session
            .release_tags()
            .into_iter()
            .filter(|t| pre_classes.contains(&t.class) && t.version.is_pre())
            .map(|t| t.version)
            .max()
            .as_ref()
            .and_then(PreLetter::of)
    })
}

/// A version named by a branch's last segment (`1.2.3` of `release/v1.2.3`).
fn version_in_name(name: &str) -> Option<Version> {
    let last = name.rsplit('/').next()?;
    let last = last.strip_prefix(['v', 'V']).unwrap_or(last);
    if !last.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    crate::version::parse(last).ok()
}

/// The refusal when the policy does not say the first version: the example is the release the
/// name or the source names, as a first pre-release where the branch may carry one.
fn needs_version(
    session: &Session,
    name: &str,
    from: &str,
    tip: Id,
    class: Option<usize>,
    caps: &Captures,
) -> ReleaseError {
    let carried = session.version_at(tip).ok().flatten().map(|(v, _)| v);
    let release = release_of(caps)
        .or_else(|| carried.as_ref().map(Version::only_release))
        .unwrap_or_else(|| Version::new([1, 0, 0]));
    let pre = class
        .and_then(|c| session.policy.branches[c].version.as_ref())
        .and_then(|r| r.kinds.as_ref())
        .is_none_or(|k| k.contains(&Kind::Pre));
    let example = if pre && class.is_some() {
        next::next_pre(&release, PreLetter::B, &[])
    } else {
        release
    };
    let message = match class {
        Some(_) if pre && release_of(caps).is_some() => format!(
            "the policy does not say which version `{name}` starts at (no pre-release tag to take the letter from)"
        ),
        Some(_) => format!(
            "the policy does not say which version `{name}` starts at (its name names no release)"
        ),
        None => format!("`{name}` is not a protected branch: say which version it starts at"),
    };
    ReleaseError::Needs {
        message,
        argument: "--version".to_owned(),
        example: format!("git policy release branch {name} --from {from} --version {example}"),
    }
}

/// A branch name from a simple pattern (`^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$`): each named
/// group replaced by its value, escaped characters unescaped, anchors dropped. `None` where
/// the pattern has a group with no value or other syntax outside a group.
pub fn render(pattern: &str, values: &Captures) -> Option<String> {
    render_with(pattern, &|name| values.get(name).cloned())
}

/// The pattern with each group as `<name>` (`releases/release-<ticket>`), for an example.
pub fn placeholder_name(pattern: &str) -> String {
    render_with(pattern, &|name| Some(format!("<{name}>"))).unwrap_or_else(|| "<name>".to_owned())
}

fn render_with(pattern: &str, value: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '^' if i == 0 => i += 1,
            '$' if i + 1 == chars.len() => i += 1,
            '\\' => {
                let next = *chars.get(i + 1)?;
                if next.is_ascii_alphanumeric() {
                    return None;
                }
                out.push(next);
                i += 2;
            }
            '(' => {
                let rest: String = chars[i..].iter().collect();
                let open = ["(?P<", "(?<"].iter().find(|o| rest.starts_with(**o))?;
                let name_end = rest.find('>')?;
                let name = &rest[open.len()..name_end];
                out.push_str(&value(name)?);
                i += group_len(&chars[i..])?;
            }
            c if ".[]()*+?{}|^$".contains(c) => return None,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

/// The length of the group that `chars` opens with, to its closing parenthesis.
fn group_len(chars: &[char]) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(pairs: &[(&str, &str)]) -> Captures {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// A version branch's name is its pattern with the version's captures filled in.
    #[test]
    fn renders_simple_patterns() {
        let pattern = r"^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$";
        let values = caps(&[("major", "0"), ("minor", "13")]);
        assert_eq!(render(pattern, &values).as_deref(), Some("0.13"));
        let twisted = r"^releases/release-(?P<ticket>[0-9]+)$";
        assert_eq!(render(twisted, &values), None);
        assert_eq!(placeholder_name(twisted), "releases/release-<ticket>");
        assert_eq!(
            render(r"^v(?P<major>(\d+))\.x$", &values).as_deref(),
            Some("v0.x")
        );
        assert_eq!(render(r"^rel-[0-9]+$", &values), None);
    }

    /// A name's last segment that is a version is the version it starts at.
    #[test]
    fn version_in_a_name() {
        let v = |t| crate::version::parse(t).ok();
        assert_eq!(version_in_name("release/v1.2.3"), v("1.2.3"));
        assert_eq!(version_in_name("2.0.0rc1"), v("2.0.0rc1"));
        assert_eq!(version_in_name("release/next"), None);
    }
}
