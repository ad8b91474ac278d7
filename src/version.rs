//! PEP 440 versions: what kind a version is, and how to find it in a version file's text.
//!
//! Everything here is pure: the caller reads the file (from a commit, the index or a merge) and
//! hands over its bytes, so the same code judges a pushed commit and a commit being made.

use std::fmt;
use std::str::FromStr;

use pep440_rs::{PrereleaseKind, Version};
use regex_lite::Regex;
use serde::Deserialize;

mod pylex;
mod pyread;
#[cfg(test)]
mod pytests;
pub mod write;

/// Version files larger than this are refused rather than read: a version file is a few lines.
pub const MAX_VERSION_FILE: usize = 1 << 20;

/// The kinds a branch or tag class may allow, as the policy names them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Has a `.devN` segment (`0.13.0.dev1`, also `1.0b1.dev2`).
    Dev,
    /// An alpha, beta or release candidate without `.devN` (`0.12.0b1`).
    Pre,
    /// A plain release (`0.12.0`).
    Final,
    /// A post-release (`0.12.0.post1`).
    Post,
}

impl Kind {
    pub fn of(version: &Version) -> Kind {
        if version.is_dev() {
            Kind::Dev
        } else if version.is_pre() {
            Kind::Pre
        } else if version.is_post() {
            Kind::Post
        } else {
            Kind::Final
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Dev => "dev",
            Kind::Pre => "pre",
            Kind::Final => "final",
            Kind::Post => "post",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pre-release letter as the policy names it (`a`, `b`, `rc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PreLetter {
    /// Alpha (`1.0a1`, also written `1.0-alpha1`).
    A,
    /// Beta (`0.12.0b1`, also written `0.12.0-beta1`).
    B,
    /// Release candidate (`1.2.0rc1`, also written `1.2.0-rc1` or `1.2.0c1`).
    Rc,
}

impl PreLetter {
    pub fn of(version: &Version) -> Option<PreLetter> {
        version.pre().map(|pre| match pre.kind {
            PrereleaseKind::Alpha => PreLetter::A,
            PrereleaseKind::Beta => PreLetter::B,
            PrereleaseKind::Rc => PreLetter::Rc,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PreLetter::A => "a",
            PreLetter::B => "b",
            PreLetter::Rc => "rc",
        }
    }
}

/// Parses a version the way PEP 440 normalizes it: `v0.12.0-beta2` is `0.12.0b2`,
/// `0.4.3.pre0` is `0.4.3rc0`.
pub fn parse(text: &str) -> Result<Version, pep440_rs::VersionParseError> {
    Version::from_str(text.trim())
}

/// How a version file is read.
#[derive(Debug, Clone)]
pub enum Format {
    /// `__version__ = "..."` in a Python module, also as one of chained targets
    /// (`version = __version__ = "..."`, as pypiserver writes it), read as Python tokenizes
    /// the module: any other binding of `__version__` makes it ambiguous (see `pyread`).
    Python,
    /// `project.version` in `pyproject.toml`.
    Pyproject,
    /// `package.version` (or `workspace.package.version`) in `Cargo.toml`.
    Cargo,
    /// The whole file is the version (`VERSION`).
    Plain,
    /// A regex with a named group `version`, or groups `major`, `minor`, `micro` and optionally
    /// `a`, `b`, `rc`, `post`, `dev` holding numbers. On a `.py` file only a match in code
    /// counts, and it must be the whole value of one plain assignment.
    Regex(Regex),
}

impl Format {
    /// The format a file's name implies when the policy names no regex.
    pub fn for_path(path: &str) -> Format {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == "pyproject.toml" {
            Format::Pyproject
        } else if name == "Cargo.toml" {
            Format::Cargo
        } else if name.ends_with(".py") {
            Format::Python
        } else {
            Format::Plain
        }
    }
}

/// A version as found in a file: its text as written and the line it stands on (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub text: String,
    pub line: usize,
}

/// Why a version file yields no version. The caller adds the path and the commit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("is larger than {MAX_VERSION_FILE} bytes")]
    TooLarge,
    #[error("is not UTF-8 text")]
    NotUtf8,
    /// Not a regular file git-policy reads (a symbolic link, a directory, a file too large).
    #[error("is {0}")]
    NotAFile(&'static str),
    #[error("has no {0}")]
    NotFound(&'static str),
    #[error(
        "line {line}: `{name}` is bound a second time (the first binding is on line {first}), so its value is not certain"
    )]
    Ambiguous {
        line: usize,
        first: usize,
        name: String,
    },
    #[error(
        "line {line}: a second match of the policy's version regex (the first is on line {first})"
    )]
    SecondMatch { line: usize, first: usize },
    #[error("line {line}: {what}")]
    NotPlain { line: usize, what: String },
    #[error(
        "line {line}: {name} can bind names where a plain reading cannot see it, so the version is not certain"
    )]
    Dynamic { line: usize, name: String },
    #[error("line {line}: cannot be read as Python: {message}")]
    Python { line: usize, message: String },
    #[error(
        "declares the source encoding `{0}`, which git-policy does not read (UTF-8 and Latin-1 are read)"
    )]
    Encoding(String),
    #[error(
        "declares the source encoding `{0}` after a UTF-8 byte-order mark, which Python refuses"
    )]
    EncodingAfterBom(String),
    #[error("line {line}: {message}")]
    Toml { line: usize, message: String },
    #[error("line {line}: `{text}` is not a PEP 440 version: {reason}")]
    Unparsable {
        line: usize,
        text: String,
        reason: String,
    },
}

impl ExtractError {
    /// The line the problem is on, where there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            ExtractError::Ambiguous { line, .. }
            | ExtractError::SecondMatch { line, .. }
            | ExtractError::NotPlain { line, .. }
            | ExtractError::Dynamic { line, .. }
            | ExtractError::Python { line, .. }
            | ExtractError::Toml { line, .. }
            | ExtractError::Unparsable { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// Finds the version in a file's bytes and parses it.
pub fn extract(format: &Format, bytes: &[u8]) -> Result<(Version, Found), ExtractError> {
    extract_file(format, "", bytes)
}

/// Finds the version in the file at `path` (in the repository) and parses it. A `.py` file read
/// by a regex is read as Python: matches in comments and strings do not count, and the match
/// must be the whole value of the one plain assignment of its names.
pub fn extract_file(
    format: &Format,
    path: &str,
    bytes: &[u8],
) -> Result<(Version, Found), ExtractError> {
    if bytes.len() > MAX_VERSION_FILE {
        return Err(ExtractError::TooLarge);
    }
    let found = match format {
        Format::Python => pyread::version(&pylex::decode(bytes)?)?,
        Format::Regex(regex) if path.ends_with(".py") => {
            let text = pylex::decode(bytes)?;
            let (caps, line) = pyread::regex_match(regex, &text)?;
            found_in(&caps, line)
        }
        _ => {
            let text = std::str::from_utf8(bytes).map_err(|_| ExtractError::NotUtf8)?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            match format {
                Format::Pyproject => {
                    find_toml(text, &[&["project", "version"]], "`project.version`")?
                }
                Format::Cargo => find_toml(
                    text,
                    &[
                        &["package", "version"],
                        &["workspace", "package", "version"],
                    ],
                    "`package.version`",
                )?,
                Format::Regex(regex) => find_regex(regex, text)?,
                Format::Plain | Format::Python => find_plain(text)?,
            }
        }
    };
    let version = parse(&found.text).map_err(|err| ExtractError::Unparsable {
        line: found.line,
        text: found.text.clone(),
        reason: err.to_string(),
    })?;
    Ok((version, found))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn find_toml(text: &str, paths: &[&[&str]], what: &'static str) -> Result<Found, ExtractError> {
    let table: toml::Spanned<toml::Table> =
        toml::from_str(text).map_err(|err| ExtractError::Toml {
            line: err.span().map_or(1, |span| line_of(text, span.start)),
            message: err.message().to_owned(),
        })?;
    // `toml::Table` drops spans, so the line is found by re-reading the value's key below.
    for path in paths {
        let mut value = None;
        let mut table = Some(table.get_ref());
        for (i, key) in path.iter().enumerate() {
            let Some(current) = table else { break };
            match current.get(*key) {
                Some(toml::Value::Table(next)) if i + 1 < path.len() => table = Some(next),
                Some(toml::Value::String(s)) if i + 1 == path.len() => value = Some(s.clone()),
                _ => table = None,
            }
        }
        if let Some(value) = value {
            let line = text
                .lines()
                .position(|l| {
                    let l = l.trim_start();
                    l.starts_with("version") && l.contains(value.as_str())
                })
                .map_or(1, |i| i + 1);
            return Ok(Found { text: value, line });
        }
    }
    Err(ExtractError::NotFound(what))
}

fn find_plain(text: &str) -> Result<Found, ExtractError> {
    text.lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Found {
            text: l.trim().to_owned(),
            line: i + 1,
        })
        .ok_or(ExtractError::NotFound("version text"))
}

fn find_regex(regex: &Regex, text: &str) -> Result<Found, ExtractError> {
    let caps = regex.captures(text).ok_or(ExtractError::NotFound(
        "match for the policy's version regex",
    ))?;
    let line = line_of(text, caps.get(0).map_or(0, |m| m.start()));
    Ok(found_in(&caps, line))
}

/// The version a regex's match names: its `version` group, or the parts assembled.
fn found_in(caps: &regex_lite::Captures<'_>, line: usize) -> Found {
    if let Some(version) = caps.name("version") {
        return Found {
            text: version.as_str().to_owned(),
            line,
        };
    }
    let part = |name: &str| caps.name(name).map(|m| m.as_str().trim().to_owned());
    let mut text: String = ["major", "minor", "micro"]
        .iter()
        .filter_map(|name| part(name))
        .collect::<Vec<_>>()
        .join(".");
    for (group, spelled) in [
        ("a", "a"),
        ("b", "b"),
        ("rc", "rc"),
        ("post", ".post"),
        ("dev", ".dev"),
    ] {
        if let Some(number) = part(group) {
            text.push_str(spelled);
            text.push_str(&number);
        }
    }
    Found { text, line }
}

/// Names the groups a version regex may use, for the policy parser's check.
pub const REGEX_GROUPS: &[&str] = &[
    "version", "major", "minor", "micro", "a", "b", "rc", "post", "dev",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        parse(text).expect("test version parses")
    }

    /// PEP 440 normalization makes differently spelled versions equal.
    #[test]
    fn normalized_spellings_compare_equal() {
        assert_eq!(v("v0.12.0-beta2"), v("0.12.0b2"));
        assert_eq!(v("0.4.3.pre0"), v("0.4.3rc0"));
        assert_eq!(v("10.0.0pre1"), v("10.0.0rc1"));
        assert!(v("0.12.0b2") > v("0.12.0b1"));
        assert!(v("0.13.0.dev1") > v("0.12.0"));
    }

    /// Each version falls into exactly one kind.
    #[test]
    fn kinds_classify_versions() {
        assert_eq!(Kind::of(&v("0.13.0.dev1")), Kind::Dev);
        assert_eq!(Kind::of(&v("1.0b1.dev2")), Kind::Dev);
        assert_eq!(Kind::of(&v("0.12.0b1")), Kind::Pre);
        assert_eq!(Kind::of(&v("0.12.0")), Kind::Final);
        assert_eq!(Kind::of(&v("0.12.0.post1")), Kind::Post);
        assert_eq!(PreLetter::of(&v("1.2.3rc1")), Some(PreLetter::Rc));
    }

    /// A Python module's `__version__` is found with its line, in either quote style.
    #[test]
    fn python_version_is_found_with_line() {
        let src = b"\"\"\"tokio\"\"\"\n\n__version__ = '0.12.0b1'\n";
        let (version, found) = extract(&Format::Python, src).expect("found");
        assert_eq!(version, v("0.12.0b1"));
        assert_eq!(found.line, 3);
        let typed = b"__version__: str = \"1.0\"\r\n";
        assert_eq!(extract(&Format::Python, typed).expect("found").0, v("1.0"));
    }

    /// `__version__` assigned together with other names is found (pypiserver's spelling).
    #[test]
    fn chained_python_assignment_is_found() {
        let src = b"import re\n\nversion = __version__ = \"2.0.0dev1\"\n__version_info__ = tuple(__version__)\n";
        let (version, found) = extract(&Format::Python, src).expect("found");
        assert_eq!((version, found.line), (v("2.0.0.dev1"), 3));
        let after = b"__version__ = VERSION = '1.2'\n";
        assert_eq!(extract(&Format::Python, after).expect("found").0, v("1.2"));
        let computed = b"version = __version__ = get_version()\n";
        assert!(matches!(
            extract(&Format::Python, computed),
            Err(ExtractError::NotPlain { line: 1, .. })
        ));
    }

    /// Two `__version__` assignments are ambiguous, not silently the first.
    #[test]
    fn two_python_assignments_are_an_error() {
        let src = b"__version__ = '1.0'\n__version__ = '2.0'\n";
        assert_eq!(
            extract(&Format::Python, src).unwrap_err(),
            ExtractError::Ambiguous {
                line: 2,
                first: 1,
                name: "__version__".to_owned()
            }
        );
    }

    /// An unparsable version names its line.
    #[test]
    fn unparsable_version_names_line() {
        let err = extract(&Format::Python, b"\n__version__ = 'banana'\n").unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("`banana`"), "{err}");
    }

    /// `pyproject.toml` and `Cargo.toml` versions are read from their tables.
    #[test]
    fn toml_versions_are_read() {
        let py =
            b"[build-system]\nrequires = []\n\n[project]\nname = 'x'\nversion = \"2.1.0rc1\"\n";
        let (version, found) = extract(&Format::Pyproject, py).expect("found");
        assert_eq!((version, found.line), (v("2.1.0rc1"), 6));
        let cargo = b"[workspace.package]\nversion = \"0.3.0\"\n";
        assert_eq!(extract(&Format::Cargo, cargo).expect("found").0, v("0.3.0"));
        let broken = b"[project\nversion = '1'\n";
        assert!(matches!(
            extract(&Format::Pyproject, broken),
            Err(ExtractError::Toml { line: 1, .. })
        ));
    }

    /// A plain file tolerates a BOM, CRLF and surrounding blank lines.
    #[test]
    fn plain_file_tolerates_bom_and_crlf() {
        let (version, found) =
            extract(&Format::Plain, "\u{feff}\r\n1.2.3\r\n".as_bytes()).expect("found");
        assert_eq!((version, found.line), (v("1.2.3"), 2));
        assert_eq!(
            extract(&Format::Plain, b"\xff\xfe"),
            Err(ExtractError::NotUtf8)
        );
        assert_eq!(
            extract(&Format::Plain, &vec![b'1'; MAX_VERSION_FILE + 1]),
            Err(ExtractError::TooLarge)
        );
    }

    /// A regex source assembles a version from named parts (Twisted's `Version(...)` call).
    #[test]
    fn regex_parts_assemble_a_version() {
        let regex = Regex::new(
            r#"Version\("Twisted", (?P<major>\d+), (?P<minor>\d+), (?P<micro>\d+)(?:, release_candidate=(?P<rc>\d+))?\)"#,
        )
        .expect("regex");
        let src = b"from incremental import Version\n__version__ = Version(\"Twisted\", 24, 10, 0, release_candidate=1)\n";
        let (version, found) = extract(&Format::Regex(regex), src).expect("found");
        assert_eq!((version, found.line), (v("24.10.0rc1"), 2));
    }
}
