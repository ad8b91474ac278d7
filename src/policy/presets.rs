//! The presets compiled into the binary, one per seed release process.

use super::{Origin, Policy, PolicyError, parse};

/// The preset used when a repository has no policy file.
pub const DEFAULT: &str = "pytokio";

/// Every preset: name, one-line description, policy text.
pub const PRESETS: &[(&str, &str, &str)] = &[(
    "pytokio",
    "master -> rc -> version branches, .devN on master and rc, betas tagged on version branches",
    include_str!("../../policy/pytokio.toml"),
)];

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

/// Loads a preset by name.
pub fn load(name: &str) -> Option<Result<Policy, PolicyError>> {
    let (name, _, text) = PRESETS.iter().find(|(n, _, _)| *n == name)?;
    Some(parse(text, Origin::Preset(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
