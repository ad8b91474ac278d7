//! The shim scripts git runs: rendered from `hooks/` with the binary's path, and recognised.

use std::path::Path;

/// The line that marks a hook as ours; the number is the shim format's version.
pub const MARKER: &str = "# git-policy hook shim v";

const PLACEHOLDER: &str = "@GIT_POLICY_BIN@";

/// The shim template of a hook, as shipped in the project's `hooks/` folder.
pub fn template(hook: &str) -> Option<&'static str> {
    Some(match hook {
        "pre-commit" => include_str!("../../hooks/pre-commit"),
        "pre-merge-commit" => include_str!("../../hooks/pre-merge-commit"),
        "pre-push" => include_str!("../../hooks/pre-push"),
        "pre-receive" => include_str!("../../hooks/pre-receive"),
        "update" => include_str!("../../hooks/update"),
        _ => return None,
    })
}

/// The shim for `hook` calling the binary at `bin`, quoted for `sh` whatever the path holds.
pub fn render(hook: &str, bin: &Path) -> Option<String> {
    let quoted = bin.to_string_lossy().replace('\'', r"'\''");
    Some(template(hook)?.replace(PLACEHOLDER, &quoted))
}

/// Whether a hook file's content is one of our shims (any version).
pub fn is_ours(content: &[u8]) -> bool {
    String::from_utf8_lossy(content)
        .lines()
        .take(3)
        .any(|l| l.starts_with(MARKER))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hook has a template carrying the marker and the placeholder exactly once.
    #[test]
    fn templates_are_marked_and_take_the_path() {
        for hook in crate::hooks::CLIENT_HOOKS
            .iter()
            .chain(crate::hooks::SERVER_HOOKS)
        {
            let text = template(hook).expect("template");
            assert!(is_ours(text.as_bytes()), "{hook} lacks the marker");
            assert_eq!(text.matches(PLACEHOLDER).count(), 1, "{hook}");
        }
    }

    /// A path with a quote and a dollar sign stays one literal word for `sh`.
    #[test]
    fn binary_path_is_quoted_for_sh() {
        let shim = render("update", Path::new("/opt/it's $HOME/git-policy")).expect("shim");
        assert!(
            shim.contains(r"bin='/opt/it'\''s $HOME/git-policy'"),
            "{shim}"
        );
    }
}
