//! Sets a new version in a version file's text, keeping every other byte as it was.
//!
//! The file is first read exactly as the rules read it (`extract_file`), so a file they would
//! refuse is never written into; then only the version's text is replaced, and the result is
//! read again and must give the new version.

use std::ops::Range;

use pep440_rs::{PrereleaseKind, Version};
use regex_lite::Regex;

use super::{ExtractError, Format, extract_file, pylex, pyread};

#[cfg(test)]
mod tests;

/// Why a version cannot be written into a file (the caller adds the path).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file does not read as the rules read it, so nothing is written into it.
    #[error(transparent)]
    Unreadable(#[from] ExtractError),
    /// The policy's regex has no group for a part the version has.
    #[error(
        "cannot hold `{version}`: the policy's version regex has no group `{group}` for its {part}"
    )]
    NoGroup {
        version: String,
        group: &'static str,
        part: &'static str,
    },
    /// A part no version regex can hold (an epoch, a local label, a fourth release number).
    #[error("cannot hold `{version}`: a version regex has no group for its {part}")]
    Inexpressible { version: String, part: &'static str },
    /// None of the spellings git-policy knows for a part the file lacks is read by the regex.
    #[error(
        "cannot hold `{version}`: git-policy knows no spelling of the group `{group}` that the policy's version regex reads back"
    )]
    NoSpelling {
        version: String,
        group: &'static str,
    },
    /// The written text reads back as another version.
    #[error("would read back as `{found}` after writing `{version}`")]
    ReadBack { version: String, found: String },
    /// The written text no longer reads.
    #[error("would not read after writing `{version}`: {source}")]
    ReadBackFailed {
        version: String,
        source: ExtractError,
    },
}

/// The file's bytes with its version replaced by `version` (spelled as `version.to_string()`,
/// PEP 440 normal form, unless the format needs components), every other byte unchanged.
pub fn set_version(
    format: &Format,
    path: &str,
    bytes: &[u8],
    version: &Version,
) -> Result<Vec<u8>, WriteError> {
    extract_file(format, path, bytes)?;
    let spelled = version.to_string();
    let out = match format {
        Format::Python => {
            let text = pylex::decode(bytes)?;
            let (_, span) = pyread::version_at(&text)?;
            let span = source_span(bytes, &text, span);
            apply(bytes, &[Edit::new(span, spelled)])
        }
        Format::Pyproject => apply(bytes, &[Edit::new(toml_span(bytes, PYPROJECT)?, spelled)]),
        Format::Cargo => apply(bytes, &[Edit::new(toml_span(bytes, CARGO)?, spelled)]),
        Format::Plain => apply(bytes, &[Edit::new(plain_span(bytes)?, spelled)]),
        Format::Regex(regex) => regex_write(regex, path, bytes, version)?,
    };
    read_back(format, path, &out, version)?;
    Ok(out)
}

/// Reads `bytes` as the rules do and checks they give `version`.
fn read_back(
    format: &Format,
    path: &str,
    bytes: &[u8],
    version: &Version,
) -> Result<(), WriteError> {
    match extract_file(format, path, bytes) {
        Ok((found, _)) if found == *version => Ok(()),
        Ok((_, found)) => Err(WriteError::ReadBack {
            version: version.to_string(),
            found: found.text,
        }),
        Err(source) => Err(WriteError::ReadBackFailed {
            version: version.to_string(),
            source,
        }),
    }
}

/// A replacement of a byte range of the original file.
#[derive(Debug, Clone)]
struct Edit {
    span: Range<usize>,
    text: String,
}

impl Edit {
    fn new(span: Range<usize>, text: String) -> Edit {
        Edit { span, text }
    }
}

/// `bytes` with the edits made; the edits are in order and do not overlap.
fn apply(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 32);
    let mut at = 0;
    for edit in edits {
        let start = edit.span.start.clamp(at, bytes.len());
        out.extend_from_slice(&bytes[at..start]);
        out.extend_from_slice(edit.text.as_bytes());
        at = edit.span.end.clamp(start, bytes.len());
    }
    out.extend_from_slice(&bytes[at..]);
    out
}

/// A range of Python text decoded by `pylex::decode` as a range of the file's bytes.
fn source_span(bytes: &[u8], decoded: &str, span: Range<usize>) -> Range<usize> {
    pylex::source_offset(bytes, decoded, span.start)..pylex::source_offset(bytes, decoded, span.end)
}

/// The file as UTF-8 text without its byte-order mark, and the mark's length.
fn utf8(bytes: &[u8]) -> Result<(&str, usize), ExtractError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ExtractError::NotUtf8)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (text, 0),
    })
}

const PYPROJECT: &[&[&str]] = &[&["project", "version"]];
const CARGO: &[&[&str]] = &[
    &["package", "version"],
    &["workspace", "package", "version"],
];

/// The text between the quotes of the first of `paths` holding a string, as `extract` finds it.
fn toml_span(bytes: &[u8], paths: &[&[&str]]) -> Result<Range<usize>, ExtractError> {
    let (text, bom) = utf8(bytes)?;
    let doc = toml_edit::Document::parse(text).map_err(|err| ExtractError::Toml {
        line: 1,
        message: err.message().to_owned(),
    })?;
    for path in paths {
        let item = path
            .iter()
            .try_fold(doc.as_item(), |item, key| item.get(*key));
        let Some(item) = item.filter(|item| item.is_str()) else {
            continue;
        };
        let span = item
            .span()
            .ok_or(ExtractError::NotFound("`version` text"))?;
        let literal = &text[span.clone()];
        // `"..."`, `'...'`, `"""..."""` or `'''...'''`: the same delimiter at both ends.
        let delimiter = if literal.len() >= 6
            && (literal.starts_with("\"\"\"") || literal.starts_with("'''"))
        {
            3
        } else {
            1
        };
        return Ok(bom + span.start + delimiter..bom + span.end - delimiter);
    }
    Err(ExtractError::NotFound("`version` string"))
}

/// The first line with text, without the blanks around it.
fn plain_span(bytes: &[u8]) -> Result<Range<usize>, ExtractError> {
    let (text, bom) = utf8(bytes)?;
    let mut at = bom;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            let start = at + line.len() - line.trim_start().len();
            return Ok(start..start + trimmed.len());
        }
        at += line.len();
    }
    Err(ExtractError::NotFound("version text"))
}

/// The component groups in the order `found_in` assembles them.
const RELEASE: [&str; 3] = ["major", "minor", "micro"];

/// Spellings of a component a file lacks, `{}` standing for its number: PEP 440's own, then
/// keyword arguments (incremental's `Version(..., release_candidate=1, post=2, dev=3)`).
fn spellings(group: &str) -> &'static [&'static str] {
    match group {
        "major" | "minor" | "micro" => &[".{}", ", {}"],
        "a" => &["a{}", ", a={}", ", alpha={}"],
        "b" => &["b{}", ", b={}", ", beta={}"],
        "rc" => &[
            "rc{}",
            ", release_candidate={}",
            ", rc={}",
            ", prerelease={}",
        ],
        "post" => &[".post{}", ", post={}"],
        "dev" => &[".dev{}", ", dev={}"],
        _ => &[],
    }
}

/// Writes `version` through a policy's regex: its `version` group, or its component groups,
/// replaced, removed or added.
fn regex_write(
    regex: &Regex,
    path: &str,
    bytes: &[u8],
    version: &Version,
) -> Result<Vec<u8>, WriteError> {
    // Each group's range in the file's bytes, trimmed as `found_in` trims it.
    let groups: Vec<(&str, Option<Range<usize>>)> = if path.ends_with(".py") {
        let text = pylex::decode(bytes)?;
        let (caps, _) = pyread::regex_match(regex, &text)?;
        regex
            .capture_names()
            .flatten()
            .map(|name| {
                let span = caps.name(name).map(|m| trimmed(&text, m.range()));
                (name, span.map(|s| source_span(bytes, &text, s)))
            })
            .collect()
    } else {
        let (text, bom) = utf8(bytes)?;
        let caps = regex.captures(text).ok_or(ExtractError::NotFound(
            "match for the policy's version regex",
        ))?;
        regex
            .capture_names()
            .flatten()
            .map(|name| {
                let span = caps.name(name).map(|m| trimmed(text, m.range()));
                (name, span.map(|s| s.start + bom..s.end + bom))
            })
            .collect()
    };
    let spelled = version.to_string();
    if let Some((_, Some(span))) = groups.iter().find(|(name, _)| *name == "version") {
        return Ok(apply(bytes, &[Edit::new(span.clone(), spelled)]));
    }
    let wanted = components(regex, version, &groups)?;
    let mut fixed = Vec::new();
    let mut added: Vec<(&'static str, usize, u64)> = Vec::new();
    for (i, (name, span)) in groups.iter().enumerate() {
        let Some(&(group, value)) = wanted.iter().find(|(g, _)| g == name) else {
            continue;
        };
        match (span, value) {
            (Some(span), Some(n)) => fixed.push((i, Edit::new(span.clone(), n.to_string()))),
            (Some(span), None) => {
                // From the end of the component before it: `, release_candidate=1` goes.
                let before = groups
                    .iter()
                    .filter_map(|(name, s)| s.as_ref().filter(|_| is_component(name)))
                    .map(|s| s.end)
                    .filter(|&end| end <= span.start)
                    .max()
                    .ok_or_else(|| WriteError::NoSpelling {
                        version: spelled.clone(),
                        group,
                    })?;
                fixed.push((i, Edit::new(before..span.end, String::new())));
            }
            (None, Some(n)) => {
                // After the last component the file has before it in the regex's order.
                let at = groups[..i]
                    .iter()
                    .rev()
                    .find_map(|(name, s)| s.as_ref().filter(|_| is_component(name)))
                    .map(|s| s.end)
                    .ok_or_else(|| WriteError::NoSpelling {
                        version: spelled.clone(),
                        group,
                    })?;
                added.push((group, at, n));
            }
            (None, None) => {}
        }
    }
    // Every combination of spellings for the added components, until one reads back.
    let mut choice = vec![0usize; added.len()];
    loop {
        let mut edits = fixed.clone();
        for ((group, at, n), &c) in added.iter().zip(&choice) {
            let text = spellings(group)[c].replace("{}", &n.to_string());
            let index = groups
                .iter()
                .position(|(name, _)| name == group)
                .unwrap_or(0);
            edits.push((index, Edit::new(*at..*at, text)));
        }
        edits.sort_by_key(|(index, edit)| (edit.span.start, edit.span.end, *index));
        let edits: Vec<Edit> = edits.into_iter().map(|(_, edit)| edit).collect();
        let out = apply(bytes, &edits);
        let format = Format::Regex(regex.clone());
        if added.is_empty() || read_back(&format, path, &out, version).is_ok() {
            return Ok(out);
        }
        // The next combination, the last component's spelling changing fastest.
        let mut k = added.len();
        loop {
            if k == 0 {
                return Err(WriteError::NoSpelling {
                    version: spelled,
                    group: added[0].0,
                });
            }
            k -= 1;
            choice[k] += 1;
            if choice[k] < spellings(added[k].0).len() {
                break;
            }
            choice[k] = 0;
        }
    }
}

fn is_component(name: &str) -> bool {
    RELEASE.contains(&name) || ["a", "b", "rc", "post", "dev"].contains(&name)
}

fn trimmed(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let start = span.start + s.len() - s.trim_start().len();
    start..start + s.trim().len()
}

/// Each component group's number in `version` (`None`: the file must not have it), or why
/// the regex cannot hold the version.
fn components(
    regex: &Regex,
    version: &Version,
    groups: &[(&str, Option<Range<usize>>)],
) -> Result<Vec<(&'static str, Option<u64>)>, WriteError> {
    let spelled = version.to_string();
    let inexpressible = |part| WriteError::Inexpressible {
        version: spelled.clone(),
        part,
    };
    if version.epoch() != 0 {
        return Err(inexpressible("epoch"));
    }
    if !version.local().is_empty() {
        return Err(inexpressible("local label"));
    }
    let has = |group: &str| regex.capture_names().flatten().any(|name| name == group);
    let matched = |group: &str| groups.iter().any(|(n, s)| *n == group && s.is_some());
    let no_group = |group, part| WriteError::NoGroup {
        version: spelled.clone(),
        group,
        part,
    };
    let mut wanted = Vec::new();
    let release = version.release();
    for (i, group) in RELEASE.iter().enumerate() {
        let n = release.get(i).copied().unwrap_or(0);
        if has(group) {
            // A release number the file lacks is added only when it is not zero.
            wanted.push((*group, (matched(group) || n != 0).then_some(n)));
        } else if n != 0 {
            return Err(no_group(group, "release number"));
        }
    }
    if release.iter().skip(RELEASE.len()).any(|&n| n != 0) {
        return Err(inexpressible("fourth release number"));
    }
    let pre = version.pre().map(|pre| {
        let group = match pre.kind {
            PrereleaseKind::Alpha => "a",
            PrereleaseKind::Beta => "b",
            PrereleaseKind::Rc => "rc",
        };
        (group, pre.number)
    });
    for group in ["a", "b", "rc"] {
        let value = pre.filter(|(g, _)| *g == group).map(|(_, n)| n);
        if has(group) {
            wanted.push((group, value));
        } else if value.is_some() {
            return Err(no_group(group, "pre-release"));
        }
    }
    for (group, value, part) in [
        ("post", version.post(), "post-release"),
        ("dev", version.dev(), "development release"),
    ] {
        if has(group) {
            wanted.push((group, value));
        } else if value.is_some() {
            return Err(no_group(group, part));
        }
    }
    Ok(wanted)
}
