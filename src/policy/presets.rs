//! The presets compiled into the binary, one per seed release process.

use super::{Origin, Policy, PolicyError, parse};

/// The preset used when a repository has no policy file.
pub const DEFAULT: &str = "pytokio";

/// Every preset: name, one-line description, policy text.
pub const PRESETS: &[(&str, &str, &str)] = &[
    (
        "pytokio",
        "master -> rc -> version branches, .devN on master and rc, betas tagged on version branches",
        include_str!("../../policy/pytokio.toml"),
    ),
    (
        "github-rc",
        "linear main, release/* pull requests, RC tags vX.Y.Z-rcN (deletable) and production tags vX.Y.Z with a CHANGELOG.md entry",
        include_str!("../../policy/github-rc.toml"),
    ),
    (
        "pypiserver",
        "main, vX.Y.Z tags with an `X.Y.Z (YYYY-MM-DD)` heading in CHANGES.rst",
        include_str!("../../policy/pypiserver.toml"),
    ),
    (
        "dagster",
        "master, every python_modules/**/version.py in lockstep, bare version tags, a pre-release before each release",
        include_str!("../../policy/dagster.toml"),
    ),
    (
        "twisted",
        "trunk <-> release branches, YY.N.patch versions checked against the tag date, twisted-X.Y.Z tags with a NEWS section",
        include_str!("../../policy/twisted.toml"),
    ),
];

/// The text of a preset by name.
pub fn text(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, text)| *text)
}

/// The names of all presets, for "unknown preset" messages.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _, _)| *n).collect()
}

/// Why a preset's text could not be rewritten for a repository (a bug: the presets are ours).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("there is no preset `{0}`")]
    Unknown(String),
    #[error("the `{name}` preset is not valid TOML")]
    Toml {
        name: String,
        #[source]
        source: toml_edit::TomlError,
    },
    #[error("the `{0}` preset has no `[version] files` list")]
    NoFiles(String),
}

/// Where `git policy init` points a preset's `[version] files`.
#[derive(Debug, Clone, Copy)]
pub enum VersionFiles<'a> {
    /// The preset's own entries, as written.
    Preset,
    /// The preset's entries, one path each (a src layout, say), formats and regexes kept.
    Moved(&'a [String]),
    /// Other files, read by what their names imply (`pyproject.toml`, `Cargo.toml`, ...).
    Replaced(&'a [String]),
}

/// A preset's text with its version files pointed elsewhere and a comment saying so; every
/// other line, comments included, as shipped.
pub fn render(name: &str, files: VersionFiles<'_>, note: &str) -> Result<String, RenderError> {
    let text = text(name).ok_or_else(|| RenderError::Unknown(name.to_owned()))?;
    let (paths, keep) = match files {
        VersionFiles::Preset => return Ok(text.to_owned()),
        VersionFiles::Moved(paths) => (paths, true),
        VersionFiles::Replaced(paths) => (paths, false),
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|source| RenderError::Toml {
        name: name.to_owned(),
        source,
    })?;
    let array = doc
        .get_mut("version")
        .and_then(|version| version.get_mut("files"))
        .and_then(toml_edit::Item::as_array_mut)
        .ok_or_else(|| RenderError::NoFiles(name.to_owned()))?;
    if keep {
        for (value, path) in array.iter_mut().zip(paths) {
            match value {
                toml_edit::Value::InlineTable(table) => {
                    table.insert("path", path.as_str().into());
                }
                other => {
                    let decor = other.decor().clone();
                    *other = path.as_str().into();
                    *other.decor_mut() = decor;
                }
            }
        }
    } else {
        *array = paths.iter().map(String::as_str).collect();
    }
    array.decor_mut().set_suffix(format!("  # {note}"));
    Ok(doc.to_string())
}

/// Loads a preset by name.
pub fn load(name: &str) -> Option<Result<Policy, PolicyError>> {
    let (name, _, text) = PRESETS.iter().find(|(n, _, _)| *n == name)?;
    Some(parse(text, Origin::Preset(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pointing a preset at another file changes that line only and says so in a comment.
    #[test]
    fn render_replaces_only_the_version_files() {
        let shipped = text("pytokio").expect("pytokio");
        let files = ["pyproject.toml".to_owned()];
        let text =
            render("pytokio", VersionFiles::Replaced(&files), "found here").expect("renders");
        let changed: Vec<(&str, &str)> = shipped
            .lines()
            .zip(text.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            changed,
            [(
                "files = [\"tokio/__init__.py\"]",
                "files = [\"pyproject.toml\"]  # found here"
            )]
        );
        let policy = parse(&text, Origin::Preset("pytokio")).expect("still parses");
        assert_eq!(policy.version_files[0].path, "pyproject.toml");
    }

    /// Moving a regex entry keeps its regex.
    #[test]
    fn render_moves_a_regex_entry_keeping_the_regex() {
        let files = ["twisted/**/_version.py".to_owned()];
        let text = render("twisted", VersionFiles::Moved(&files), "flat layout").expect("renders");
        let policy = parse(&text, Origin::Preset("twisted")).expect("still parses");
        let file = &policy.version_files[0];
        assert_eq!(file.path, "twisted/**/_version.py");
        assert!(matches!(file.format, crate::version::Format::Regex(_)));
        assert!(text.contains("# flat layout"), "{text}");
    }

    /// Every shipped preset parses and validates.
    #[test]
    fn every_preset_parses() {
        for name in names() {
            let policy = load(name)
                .expect("listed")
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!policy.branches.is_empty(), "{name} protects no branch");
        }
    }
}
