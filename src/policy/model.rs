//! The policy as the evaluator sees it: validated, with names resolved to indices.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use regex_lite::Regex;

use crate::version::{Format, Kind, PreLetter};

/// Where a policy was read from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A file: the committed `.git-policy.toml`, an administrator's file, or `--policy`.
    File(PathBuf),
    /// A preset compiled into the binary, used when a repository has no policy file.
    Preset(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "`{}`", path.display()),
            Origin::Preset(name) => write!(f, "the embedded `{name}` preset"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub origin: Origin,
    /// The version files; several must agree (lockstep).
    pub version_files: Vec<VersionFile>,
    /// Protected branch classes, in file order: a branch belongs to the first that matches.
    pub branches: Vec<BranchClass>,
    /// Release tag classes, in file order.
    pub tags: Vec<TagClass>,
    /// `refs/replace/*` may be pushed (`[refs] allow-replace = true`): replace refs make git
    /// show other objects in place of a release's, so they are refused by default.
    pub allow_replace: bool,
    /// Whether hooks refuse what breaks the policy or only say so (`mode = "warn"`, for
    /// rolling a policy out on a busy server).
    pub mode: Mode,
}

/// What a hook does with a violation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Refuse the commit or push, with the violations and their fixes.
    #[default]
    Enforce,
    /// Show the violations as an enforcing hook would, log them, and accept the commit or
    /// push: for rolling a policy out before it refuses anything.
    Warn,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Warn => "warn",
        }
    }
}

#[derive(Debug, Clone)]
pub struct VersionFile {
    /// The path as written; a glob such as `python_modules/**/version.py` when `glob` is set.
    pub path: String,
    pub format: Format,
    /// Every file the glob matches is a version file (lockstep across a monorepo's packages).
    pub glob: Option<PathGlob>,
}

/// A glob over paths in a commit.
#[derive(Debug, Clone)]
pub struct PathGlob {
    /// The directory before the first wildcard (`""`: the root): only files under it can match,
    /// so only that subtree is listed.
    pub dir: String,
    pub matcher: globset::GlobMatcher,
}

#[derive(Debug, Clone)]
pub struct BranchClass {
    /// The key in `[branches.NAME]`, used in messages and in `accepts`.
    pub name: String,
    pub matcher: Matcher,
    pub accepts: Accepts,
    /// `old` must stay on the first-parent chain of `new` (no foxtrot merges).
    pub first_parent: bool,
    /// No merge commits may enter.
    pub linear: bool,
    /// How pull requests land on it (a linear branch: rebase, unless it says squash).
    pub lands: Landing,
    /// `(cherry picked from commit X)` must name a commit of an allowed source.
    pub cherry_pick: bool,
    pub version: Option<VersionRules>,
}

/// How a forge lands a pull request on a branch, and so what CI judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Landing {
    /// A merge commit of the head into the base.
    Merge,
    /// The head's commits replayed onto the base, one by one.
    Rebase,
    /// One new commit on the base with the head's changes.
    Squash,
}

impl Landing {
    pub fn as_str(self) -> &'static str {
        match self {
            Landing::Merge => "merge",
            Landing::Rebase => "rebase",
            Landing::Squash => "squash",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Matcher {
    Exact(String),
    Pattern(Regex),
}

/// The captures of a branch pattern, e.g. `major = 0, minor = 12` for `0.12`.
pub type Captures = BTreeMap<String, String>;

impl Matcher {
    /// Whether `branch` (a short name such as `0.12`) matches: cheaper than [`Self::matches`],
    /// which collects the captures.
    pub fn is_match(&self, branch: &str) -> bool {
        match self {
            Matcher::Exact(name) => name == branch,
            Matcher::Pattern(regex) => regex.is_match(branch),
        }
    }

    /// Returns the captures when `branch` (a short name such as `0.12`) matches.
    pub fn matches(&self, branch: &str) -> Option<Captures> {
        match self {
            Matcher::Exact(name) => (name == branch).then(Captures::new),
            Matcher::Pattern(regex) => regex.captures(branch).map(|caps| {
                regex
                    .capture_names()
                    .flatten()
                    .filter_map(|name| {
                        Some((name.to_owned(), caps.name(name)?.as_str().to_owned()))
                    })
                    .collect()
            }),
        }
    }
}

/// Which branches may bring commits into a branch.
#[derive(Debug, Clone, Default)]
pub struct Accepts {
    /// Any unprotected branch (topic and feature branches).
    pub unprotected: bool,
    /// Protected branch classes, by index into `Policy::branches`.
    pub classes: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct VersionRules {
    /// Allowed kinds; `None` allows every kind.
    pub kinds: Option<Vec<Kind>>,
    /// Allowed pre-release letters; `None` allows every letter.
    pub pre: Option<Vec<PreLetter>>,
    pub above: Option<Above>,
    /// A PEP 440 specifier with `{capture}` placeholders, e.g. `=={major}.{minor}.*`.
    pub matches: Option<String>,
    pub monotonic: bool,
    pub ahead_of_tags: bool,
}

/// "This branch's version is above that branch's by at least one `by`".
#[derive(Debug, Clone, Copy)]
pub struct Above {
    pub class: usize,
    pub by: Level,
}

/// How far a branch's version stays above another's (`above.by`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// At least one major version above (`1.0` above `0.12`).
    Major,
    /// At least one minor version above (`0.13` above `0.12`).
    Minor,
    /// At least one micro version above (`0.12.1` above `0.12.0`).
    Micro,
    /// Any greater version.
    Version,
}

impl Level {
    /// How many release components the comparison looks at (`None`: the whole version).
    pub fn depth(self) -> Option<usize> {
        match self {
            Level::Major => Some(1),
            Level::Minor => Some(2),
            Level::Micro => Some(3),
            Level::Version => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Major => "major",
            Level::Minor => "minor",
            Level::Micro => "micro",
            Level::Version => "version",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TagClass {
    /// The key in `[tags.NAME]`.
    pub name: String,
    /// The name template as written, e.g. `v{version}`.
    pub template: String,
    /// The template's text around `{version}`: `v` and nothing for `v{version}`.
    pub around: (String, String),
    pub kinds: Option<Vec<Kind>>,
    pub pre: Option<Vec<PreLetter>>,
    /// Branch classes whose branches must contain the tagged commit (empty: any).
    pub on: Vec<usize>,
    pub immutable: bool,
    pub deletable: bool,
    /// Compare only the release part (`1.2.3` of `1.2.3rc1`) with the file's version.
    pub release_only: bool,
    pub changelog: Option<Changelog>,
    /// A final release needs a pre-release of the same release tagged on it or before it.
    pub requires_pre_release: bool,
    /// Release components that are dates, checked against the tag's date.
    pub calendar: Option<Calendar>,
}

impl TagClass {
    /// The version text in a tag name (`0.12.0-beta2` of `v0.12.0-beta2`): what the template's
    /// text surrounds, when it looks like a version. A push to a version branch asks this of
    /// every tag, so it is string matching, not a regex (which took 9,000 instructions a tag).
    pub fn version_text<'a>(&self, tag: &'a str) -> Option<&'a str> {
        let (prefix, suffix) = &self.around;
        let text = tag
            .strip_prefix(prefix.as_str())?
            .strip_suffix(suffix.as_str())?;
        // A version starts with a digit (PEP 440 allows a leading `v`): a tag such as
        // `vendor-import` or `nightly` is not a release tag with a broken version.
        let digits = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let starts = digits.starts_with(|c: char| c.is_ascii_digit());
        let spelled = text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!+_-".contains(c));
        (starts && spelled).then_some(text)
    }
}

/// A calendar versioning scheme such as `YY.N.patch`: which release components are dates.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// The scheme as written, for messages.
    pub scheme: String,
    /// One entry per release component; `None` for a number that is not a date (`N`, `patch`).
    pub parts: Vec<Option<DatePart>>,
}

/// A release component that is read off a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    /// `YYYY`: 2010.
    Year,
    /// `YY` or `0Y`: the year's last two digits (2010: 10), as Twisted numbers its releases.
    ShortYear,
    /// `MM` or `0M`: 1 to 12.
    Month,
    /// `DD` or `0D`: 1 to 31.
    Day,
}

impl DatePart {
    /// The scheme tokens, and the part each names.
    pub const TOKENS: &'static [(&'static str, DatePart)] = &[
        ("YYYY", DatePart::Year),
        ("YY", DatePart::ShortYear),
        ("0Y", DatePart::ShortYear),
        ("MM", DatePart::Month),
        ("0M", DatePart::Month),
        ("DD", DatePart::Day),
        ("0D", DatePart::Day),
    ];

    /// This part of a date, as a release component.
    pub fn of(self, date: jiff::civil::Date) -> u64 {
        let value = match self {
            DatePart::Year => i32::from(date.year()),
            DatePart::ShortYear => i32::from(date.year()).rem_euclid(100),
            DatePart::Month => i32::from(date.month()),
            DatePart::Day => i32::from(date.day()),
        };
        u64::try_from(value).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Changelog {
    pub path: String,
    /// A regex template; `{version}` stands for the version, escaped.
    pub heading: String,
}

impl Policy {
    /// The protected class of a branch (short name), with its pattern's captures.
    pub fn branch_class(&self, branch: &str) -> Option<(usize, Captures)> {
        self.branches
            .iter()
            .enumerate()
            .find_map(|(i, class)| class.matcher.matches(branch).map(|caps| (i, caps)))
    }

    /// The protected class of a branch (short name), when its captures are not needed.
    pub fn class_of(&self, branch: &str) -> Option<usize> {
        self.branches
            .iter()
            .position(|class| class.matcher.is_match(branch))
    }

    /// The canonical spelling of a branch name that class `class` matches, when the name is
    /// not it: every named capture made of digits written without leading zeros (`00.12` is
    /// `0.12`), where that spelling still matches the class. `None`: the name is canonical
    /// (a fixed-width pattern such as `[0-9]{2}` has one spelling and keeps its zeros).
    pub fn canonical_name(&self, class: usize, branch: &str) -> Option<String> {
        let Matcher::Pattern(regex) = &self.branches.get(class)?.matcher else {
            return None;
        };
        let caps = regex.captures(branch)?;
        let mut spans: Vec<(usize, usize)> = regex
            .capture_names()
            .flatten()
            .filter_map(|name| caps.name(name))
            .filter(|m| !m.as_str().is_empty() && m.as_str().bytes().all(|b| b.is_ascii_digit()))
            .map(|m| (m.start(), m.end()))
            .collect();
        // Outer groups first; a group inside one already rewritten is skipped.
        spans.sort_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
        let mut canonical = String::with_capacity(branch.len());
        let mut at = 0;
        for (start, end) in spans {
            if start < at {
                continue;
            }
            canonical.push_str(&branch[at..start]);
            let digits = branch[start..end].trim_start_matches('0');
            canonical.push_str(if digits.is_empty() { "0" } else { digits });
            at = end;
        }
        canonical.push_str(&branch[at..]);
        (canonical != branch && self.class_of(&canonical) == Some(class)).then_some(canonical)
    }

    /// Whether a short name is a release tag's name under some tag class (`v0.12.0b1`).
    pub fn is_release_tag_name(&self, tag: &str) -> bool {
        self.tags
            .iter()
            .any(|class| class.version_text(tag).is_some())
    }

    /// Whether the evaluator judges a ref (full name): a protected branch or a release tag.
    pub fn judges(&self, refname: &str) -> bool {
        if let Some(branch) = refname.strip_prefix("refs/heads/") {
            self.class_of(branch).is_some()
        } else if let Some(tag) = refname.strip_prefix("refs/tags/") {
            self.is_release_tag_name(tag)
        } else {
            false
        }
    }

    /// Whether any version rule needs the version files.
    pub fn reads_versions(&self) -> bool {
        self.branches.iter().any(|b| b.version.is_some()) || !self.tags.is_empty()
    }
}
