//! Reading a policy file: TOML into the model, every error naming file, line and key.

use std::path::{Path, PathBuf};

use regex_lite::{Regex, RegexBuilder};
use toml::Spanned;

use super::model::{
    Above, Accepts, BranchClass, Calendar, Changelog, DatePart, Landing, Matcher, Origin, PathGlob,
    Policy, TagClass, VersionFile, VersionRules,
};
use crate::version::{Format, REGEX_GROUPS};
pub(super) use raw::RawPolicy;
use raw::{RawBranch, RawFile, VersionMatch};

/// Regexes from a policy are compiled with a size limit: the engine is linear-time, and the
/// limit keeps a hostile pattern from taking memory. They are `regex_lite` patterns (Rust regex
/// syntax, ASCII classes): every hook run compiles them, and `regex_lite` does that in
/// microseconds where `regex` takes a few hundred (BENCHMARKS.md, "pre-commit").
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy `{}`", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}:{line}: {message}{}", key.as_deref().map(|k| format!(" (key `{k}`)")).unwrap_or_default())]
    Invalid {
        origin: Origin,
        line: usize,
        key: Option<String>,
        message: String,
        hint: Option<String>,
    },
}

impl PolicyError {
    pub fn hint(&self) -> Option<&str> {
        match self {
            PolicyError::Invalid { hint, .. } => hint.as_deref(),
            PolicyError::Io { .. } => None,
        }
    }
}

/// Reads and validates a policy file; messages call it `shown`.
pub fn load(path: &Path, shown: &Path) -> Result<Policy, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
        path: shown.to_owned(),
        source,
    })?;
    parse(&text, Origin::File(shown.to_owned()))
}

/// Parses and validates policy text.
pub fn parse(text: &str, origin: Origin) -> Result<Policy, PolicyError> {
    let raw: RawPolicy = toml::from_str(text).map_err(|err| syntax_error(text, &origin, &err))?;
    let cx = Cx { text, origin };
    cx.build(raw)
}

/// Turns a TOML or serde error into one naming line and key, with a "did you mean" hint.
fn syntax_error(text: &str, origin: &Origin, err: &toml::de::Error) -> PolicyError {
    let line = err.span().map_or(1, |span| line_of(text, span.start));
    // The error knows the key path but only prints it when it has no input to quote.
    let mut bare = err.clone();
    bare.set_input(None);
    let key = bare
        .to_string()
        .lines()
        .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`').map(str::to_owned));
    let raw = err.message().trim();
    let (message, key, hint) = match unknown_key(raw) {
        Some((got, hint)) => {
            let full = key.map_or_else(|| got.clone(), |table| format!("{table}.{got}"));
            (format!("unknown key `{full}`"), None, hint)
        }
        None => (raw.to_owned(), key, None),
    };
    PolicyError::Invalid {
        origin: origin.clone(),
        line,
        key,
        message,
        hint,
    }
}

/// serde words an unknown key as "unknown field `x`, expected one of `a`, `b`": returns the
/// key and a hint naming the closest expected one, or listing them all.
fn unknown_key(message: &str) -> Option<(String, Option<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (got, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let best = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(got, c), *c))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let hint = match best {
        Some((_, name)) => format!("did you mean `{name}`?"),
        None if candidates.is_empty() => return Some((got.to_owned(), None)),
        None => format!("keys here: {}", quoted(&candidates)),
    };
    Some((got.to_owned(), Some(hint)))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Resolves a branch name used in the policy to its class index.
type ClassIndex<'a> = dyn Fn(&Spanned<String>, String) -> Result<usize, PolicyError> + 'a;

struct Cx<'a> {
    text: &'a str,
    origin: Origin,
}

impl Cx<'_> {
    fn error<T>(
        &self,
        span: std::ops::Range<usize>,
        key: String,
        message: String,
    ) -> Result<T, PolicyError> {
        self.error_hint(span, key, message, None)
    }

    fn error_hint<T>(
        &self,
        span: std::ops::Range<usize>,
        key: String,
        message: String,
        hint: Option<String>,
    ) -> Result<T, PolicyError> {
        Err(PolicyError::Invalid {
            origin: self.origin.clone(),
            line: line_of(self.text, span.start),
            key: Some(key),
            message,
            hint,
        })
    }

    /// How pull requests land on a branch: as written, else by rebase on a linear branch and
    /// by a merge commit elsewhere. A linear branch cannot take a merge commit.
    fn landing(&self, branch: &RawBranch, name: &str) -> Result<Landing, PolicyError> {
        let default = if branch.linear {
            Landing::Rebase
        } else {
            Landing::Merge
        };
        let Some(lands) = &branch.lands else {
            return Ok(default);
        };
        if branch.linear && *lands.get_ref() == Landing::Merge {
            return self.error_hint(
                lands.span(),
                format!("branches.{name}.lands"),
                format!("`{name}` keeps a linear history, so its pull requests cannot land as merge commits"),
                Some("set `lands = \"rebase\"` or `lands = \"squash\"`, or remove `linear = true`".into()),
            );
        }
        Ok(*lands.get_ref())
    }

    fn regex(&self, pattern: &Spanned<String>, key: String) -> Result<Regex, PolicyError> {
        RegexBuilder::new(pattern.get_ref())
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .or_else(|err| {
                let detail = err
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                let hint = detail.contains("Unicode").then(|| {
                    "policy patterns match ASCII: `\\d` is `[0-9]` and `\\w` is `[0-9A-Za-z_]`; spell other characters out".to_owned()
                });
                self.error_hint(pattern.span(), key, format!("invalid regex: {detail}"), hint)
            })
    }

    fn build(&self, raw: RawPolicy) -> Result<Policy, PolicyError> {
        let names: Vec<&str> = raw.branches.keys().map(String::as_str).collect();
        let class_index = |name: &Spanned<String>, key: String| -> Result<usize, PolicyError> {
            names.iter().position(|n| n == name.get_ref()).map_or_else(
                || {
                    self.error_hint(
                        name.span(),
                        key,
                        format!(
                            "`{}` is not a branch defined in this policy",
                            name.get_ref()
                        ),
                        Some(format!(
                            "define it under `[branches.{}]`, or use one of: {}",
                            name.get_ref(),
                            quoted(&names)
                        )),
                    )
                },
                Ok,
            )
        };

        let mut branches = Vec::new();
        for (name, branch) in &raw.branches {
            let key = |field: &str| format!("branches.{name}.{field}");
            let matcher = match &branch.pattern {
                Some(pattern) => Matcher::Pattern(self.regex(pattern, key("pattern"))?),
                None => Matcher::Exact(name.clone()),
            };
            let accepts = self.accepts(&branch.accepts, &key("accepts"), &class_index)?;
            // A class of many branches may accept itself (`0.12` merged forward into `0.13`);
            // a single branch accepting itself says nothing and hides a typo.
            if matches!(matcher, Matcher::Exact(_)) && accepts.classes.contains(&branches.len()) {
                return self.error_hint(
                    branch.accepts.span(),
                    key("accepts"),
                    format!(
                        "`{name}` accepts itself, but a branch always builds on its own history"
                    ),
                    Some(format!("remove `\"{name}\"` from `accepts`")),
                );
            }
            let version = match &branch.version {
                None => None,
                Some(v) => Some(VersionRules {
                    kinds: v.kinds.clone(),
                    pre: v.pre.clone(),
                    above: match &v.above {
                        Some(above) => Some(Above {
                            class: class_index(&above.branch, key("version.above.branch"))?,
                            by: above.by,
                        }),
                        None => None,
                    },
                    matches: match &v.matches {
                        Some(spec) => {
                            Some(self.specifier(spec, &matcher, key("version.matches"))?)
                        }
                        None => None,
                    },
                    monotonic: v.monotonic,
                    ahead_of_tags: v.ahead_of_tags,
                }),
            };
            let lands = self.landing(branch, name)?;
            branches.push(BranchClass {
                name: name.clone(),
                matcher,
                accepts,
                first_parent: branch.first_parent,
                linear: branch.linear,
                lands,
                cherry_pick: branch.cherry_pick,
                version,
            });
        }

        self.above_cycles(&raw, &branches)?;

        let mut tags = Vec::new();
        for (name, tag) in raw.tags {
            let key = |field: &str| format!("tags.{name}.{field}");
            let around = self.tag_template(&tag.pattern, key("pattern"))?;
            let mut on = Vec::new();
            if let Some(names) = &tag.on {
                for branch in names.get_ref() {
                    on.push(class_index(
                        &Spanned::new(names.span(), branch.clone()),
                        key("on"),
                    )?);
                }
            }
            let changelog = match tag.changelog {
                Some(c) => {
                    self.relative_path(c.file.get_ref(), c.file.span(), &key("changelog.file"))?;
                    let probe = c.heading.get_ref().replace("{version}", "0");
                    self.regex(
                        &Spanned::new(c.heading.span(), probe),
                        key("changelog.heading"),
                    )?;
                    Some(Changelog {
                        path: c.file.into_inner(),
                        heading: c.heading.into_inner(),
                    })
                }
                None => None,
            };
            let calendar = match &tag.calendar {
                Some(scheme) => Some(self.calendar(scheme, key("calendar"))?),
                None => None,
            };
            tags.push(TagClass {
                name,
                template: tag.pattern.into_inner(),
                around,
                kinds: tag.kinds,
                pre: tag.pre,
                on,
                immutable: tag.immutable,
                deletable: tag.deletable,
                release_only: tag.version_match == VersionMatch::Release,
                changelog,
                requires_pre_release: tag.requires_pre_release,
                calendar,
            });
        }

        let mut version_files = Vec::new();
        if let Some(version) = raw.version {
            let span = version.files.span();
            for file in version.files.into_inner() {
                version_files.push(match file {
                    RawFile::Path(path) => {
                        self.relative_path(&path, span.clone(), "version.files")?;
                        VersionFile {
                            format: Format::for_path(&path),
                            glob: self.path_glob(&path, span.clone())?,
                            path,
                        }
                    }
                    RawFile::Regex { path, regex } => {
                        self.relative_path(&path, span.clone(), "version.files")?;
                        let glob = self.path_glob(&path, span.clone())?;
                        let regex = self.regex(&Spanned::new(span.clone(), regex), "version.files.regex".into())?;
                        if !regex.capture_names().flatten().any(|g| g == "version" || g == "major") {
                            return self.error(
                                span,
                                "version.files.regex".into(),
                                "a version regex needs a named group `version`, or `major` (with `minor`, `micro`, ...)".into(),
                            );
                        }
                        if let Some(unknown) = regex.capture_names().flatten().find(|g| !REGEX_GROUPS.contains(g)) {
                            return self.error(
                                span,
                                "version.files.regex".into(),
                                format!("unknown group `{unknown}`; groups are {}", quoted(REGEX_GROUPS)),
                            );
                        }
                        VersionFile {
                            path,
                            format: Format::Regex(regex),
                            glob,
                        }
                    }
                });
            }
        }
        let needs_versions = if branches.iter().any(|b| b.version.is_some()) {
            Some("branches have version rules")
        } else if !tags.is_empty() {
            // tag/version compares every release tag with the tagged commit's version.
            Some("release tags are checked against the tagged version")
        } else {
            None
        };
        if let Some(why) = needs_versions.filter(|_| version_files.is_empty()) {
            return self.error_hint(
                0..0,
                "version.files".into(),
                format!("{why}, but no version file is named"),
                Some("add `[version]` with `files = [\"path/to/__init__.py\"]`".into()),
            );
        }

        Ok(Policy {
            origin: self.origin.clone(),
            version_files,
            branches,
            tags,
            allow_replace: raw.refs.allow_replace,
            mode: raw.mode,
        })
    }

    fn accepts(
        &self,
        value: &Spanned<toml::Value>,
        key: &str,
        class_index: &ClassIndex<'_>,
    ) -> Result<Accepts, PolicyError> {
        let entries: Vec<&str> = match value.get_ref() {
            toml::Value::String(s) => vec![s.as_str()],
            toml::Value::Array(items) => {
                let mut entries = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => entries.push(s),
                        None => {
                            return self.error(
                                value.span(),
                                key.into(),
                                "`accepts` lists branch names as strings".into(),
                            );
                        }
                    }
                }
                entries
            }
            _ => {
                return self.error_hint(
                    value.span(),
                    key.into(),
                    "`accepts` is `\"any\"` or a list of branch names".into(),
                    Some("e.g. `accepts = [\"master\"]`".into()),
                );
            }
        };
        let mut accepts = Accepts::default();
        for entry in entries {
            if entry == "any" {
                accepts.unprotected = true;
            } else {
                accepts.classes.push(class_index(
                    &Spanned::new(value.span(), entry.to_owned()),
                    key.into(),
                )?);
            }
        }
        Ok(accepts)
    }

    /// Checks a `matches` specifier: its placeholders must be captures of the branch pattern,
    /// and it must parse once they are filled in.
    fn specifier(
        &self,
        spec: &Spanned<String>,
        matcher: &Matcher,
        key: String,
    ) -> Result<String, PolicyError> {
        let groups: Vec<&str> = match matcher {
            Matcher::Pattern(regex) => regex.capture_names().flatten().collect(),
            Matcher::Exact(_) => Vec::new(),
        };
        let mut probe = spec.get_ref().clone();
        let placeholders =
            Regex::new(r"\{([A-Za-z_][A-Za-z0-9_]*)\}").expect("fixed regex compiles");
        for caps in placeholders.captures_iter(spec.get_ref()) {
            let name = &caps[1];
            if !groups.contains(&name) {
                return self.error(
                    spec.span(),
                    key,
                    format!("`{{{name}}}` is not a named group of the branch pattern"),
                );
            }
            probe = probe.replace(&caps[0], "0");
        }
        match probe.parse::<pep440_rs::VersionSpecifiers>() {
            Ok(_) => Ok(spec.get_ref().clone()),
            Err(err) => self.error(spec.span(), key, format!("not a PEP 440 specifier: {err}")),
        }
    }

    /// A tag template's text before and after its `{version}` placeholder.
    fn tag_template(
        &self,
        template: &Spanned<String>,
        key: String,
    ) -> Result<(String, String), PolicyError> {
        match template.get_ref().split_once("{version}") {
            Some((prefix, suffix)) => Ok((prefix.to_owned(), suffix.to_owned())),
            None => self.error_hint(
                template.span(),
                key,
                "a tag pattern needs a `{version}` placeholder".into(),
                Some("e.g. `pattern = \"v{version}\"`".into()),
            ),
        }
    }

    /// `above` relations that lead back to where they started: no versions can satisfy them.
    fn above_cycles(&self, raw: &RawPolicy, branches: &[BranchClass]) -> Result<(), PolicyError> {
        let above = |class: usize| branches[class].version.as_ref()?.above.map(|a| a.class);
        for start in 0..branches.len() {
            let mut path = vec![start];
            while let Some(next) = above(path[path.len() - 1]) {
                path.push(next);
                if next == start {
                    let chain: Vec<String> = path
                        .iter()
                        .map(|&c| format!("`{}`", branches[c].name))
                        .collect();
                    let span = raw.branches[start]
                        .version
                        .as_ref()
                        .and_then(|v| v.above.as_ref())
                        .map_or(0..0, |a| a.branch.span());
                    return self.error_hint(
                        span,
                        format!("branches.{}.version.above.branch", branches[start].name),
                        format!("{} is a cycle: no versions can be above each other", chain.join(" above ")),
                        Some("`above` points from the newer line to the older (`master` above `rc`); remove the one that points back".into()),
                    );
                }
                if path.len() > branches.len() {
                    break;
                }
            }
        }
        Ok(())
    }

    fn path_glob(
        &self,
        path: &str,
        span: std::ops::Range<usize>,
    ) -> Result<Option<PathGlob>, PolicyError> {
        path_glob(path).or_else(|err| {
            self.error(
                span,
                "version.files".into(),
                format!("`{path}` is not a valid glob: {}", err.kind()),
            )
        })
    }

    /// A calendar scheme: dot-separated tokens, date tokens where the release has a date.
    fn calendar(&self, scheme: &Spanned<String>, key: String) -> Result<Calendar, PolicyError> {
        let tokens: Vec<&str> = DatePart::TOKENS.iter().map(|(t, _)| *t).collect();
        let mut parts = Vec::new();
        for token in scheme.get_ref().split('.') {
            let part = DatePart::TOKENS
                .iter()
                .find(|(t, _)| *t == token)
                .map(|(_, part)| *part);
            // A token spelt only with date letters (`YYY`, `WW`) is a date token git-policy
            // does not know, not a free number: refuse it rather than never check it.
            let date_like = token.chars().all(|c| "YMDW0".contains(c));
            if token.is_empty() || (part.is_none() && date_like) {
                return self.error_hint(
                    scheme.span(),
                    key,
                    format!("`{token}` is not a calendar component"),
                    Some(format!(
                        "date components are {}; name other numbers freely, e.g. `YY.N.patch`",
                        quoted(&tokens)
                    )),
                );
            }
            parts.push(part);
        }
        if parts.iter().all(Option::is_none) {
            return self.error_hint(
                scheme.span(),
                key,
                format!("`{}` has no date component", scheme.get_ref()),
                Some(format!("use one of {}, e.g. `YY.N.patch`", quoted(&tokens))),
            );
        }
        Ok(Calendar {
            scheme: scheme.get_ref().clone(),
            parts,
        })
    }

    /// Paths from a policy stay inside the repository.
    fn relative_path(
        &self,
        path: &str,
        span: std::ops::Range<usize>,
        key: &str,
    ) -> Result<(), PolicyError> {
        let escapes =
            path.starts_with('/') || path.split('/').any(|part| part == ".." || part.is_empty());
        if escapes || path.contains('\\') {
            return self.error(
                span,
                key.into(),
                format!("`{path}` must be a path inside the repository, with `/` separators"),
            );
        }
        Ok(())
    }
}

/// A version file path with a wildcard (`*`, `?`, `[`, `{`) is a glob, `None` otherwise; `*`
/// stays within one directory and `**` spans any number of them.
pub fn path_glob(path: &str) -> Result<Option<PathGlob>, globset::Error> {
    let wild = |part: &str| part.contains(['*', '?', '[', '{']);
    if !wild(path) {
        return Ok(None);
    }
    let matcher = globset::GlobBuilder::new(path)
        .literal_separator(true)
        .build()?
        .compile_matcher();
    let dir: Vec<&str> = path.split('/').take_while(|part| !wild(part)).collect();
    Ok(Some(PathGlob {
        dir: dir.join("/"),
        matcher,
    }))
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

mod raw;

#[cfg(test)]
mod tests;
