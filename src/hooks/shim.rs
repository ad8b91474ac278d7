//! The hook files git runs: rendered from `hooks/` with the binary's path, recognised, and,
//! for the `exec` shim, the chaining of the hook each one replaced.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The line that marks a hook as ours; the number is the shim format's version.
pub const MARKER: &str = "# git-policy hook shim v";

const PLACEHOLDER: &str = "@GIT_POLICY_BIN@";

/// How git starts git-policy from a hook file (`git policy install --shim`). The variants'
/// comments are the command line's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A `#!` line naming the binary: no shell in between, the fastest; if the binary moves,
    /// git refuses with "cannot exec" until you install again
    Exec,
    /// An `sh` script: a shell more per run, and finds `git-policy` on PATH if the binary moves
    Sh,
}

/// Whose hook files these are: a clone's `reference-transaction` is an `sh` filter that starts
/// git-policy only for the lines that name a local branch (git runs it for every ref a fetch
/// updates); a server's judges every push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Client,
    Server,
}

/// Longest `#!` line every kernel we run on reads whole (Linux before 5.1 stops at 127 bytes).
const MAX_SHEBANG: usize = 127;

/// The `sh` shim template of a hook, as shipped in the project's `hooks/` folder.
pub fn template(hook: &str) -> Option<&'static str> {
    Some(match hook {
        "pre-commit" => include_str!("../../hooks/pre-commit"),
        "pre-merge-commit" => include_str!("../../hooks/pre-merge-commit"),
        "pre-push" => include_str!("../../hooks/pre-push"),
        "pre-receive" => include_str!("../../hooks/pre-receive"),
        "update" => include_str!("../../hooks/update"),
        "reference-transaction" => include_str!("../../hooks/reference-transaction"),
        _ => return None,
    })
}

/// Whether `bin` can stand on a `#!` line: absolute, short enough, and without whitespace,
/// which kernels split on. Windows has no `#!` (Git for Windows runs hooks through its `sh`).
pub fn exec_possible(bin: &Path) -> bool {
    let Some(text) = bin.to_str() else {
        return false;
    };
    cfg!(unix)
        && bin.is_absolute()
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && format!("#!{text} shim").len() <= MAX_SHEBANG
}

/// The hook file for `hook` on `side` calling the binary at `bin`: the shim of `kind`, or the
/// `sh` shim when `bin` cannot stand on a `#!` line; a clone's `reference-transaction` is
/// always its `sh` filter.
pub fn render(hook: &str, bin: &Path, kind: Kind, side: Side) -> Option<String> {
    let quoted = bin.to_string_lossy().replace('\'', r"'\''");
    if side == Side::Client && hook == "reference-transaction" {
        let filter = include_str!("../../hooks/reference-transaction-client");
        return Some(filter.replace(PLACEHOLDER, &quoted));
    }
    let sh = template(hook)?;
    if kind == Kind::Exec && exec_possible(bin) {
        let text = bin.to_string_lossy();
        return Some(
            include_str!("../../hooks/exec-shim")
                .replace(PLACEHOLDER, &text)
                .replace("@HOOK@", hook),
        );
    }
    Some(sh.replace(PLACEHOLDER, &quoted))
}

/// Whether a hook file's content is one of our shims (any version).
pub fn is_ours(content: &[u8]) -> bool {
    String::from_utf8_lossy(content)
        .lines()
        .take(3)
        .any(|l| l.starts_with(MARKER))
}

/// The name the hook a shim replaced is kept under, beside it.
pub fn legacy_name(hook: &str) -> String {
    format!("{hook}.legacy")
}

#[derive(Debug, thiserror::Error)]
#[error("cannot run `{}`, the hook git-policy's replaced", path.display())]
pub struct LegacyError {
    path: PathBuf,
    #[source]
    source: io::Error,
}

/// Runs the hook the shim at `script` replaced, if there is one, with git's arguments and the
/// hook's standard input; `Some(code)` when it refused. It runs first, as git would have run
/// it, and its refusal ends the hook: the `sh` shims do the same with `|| exit $?`.
pub fn run_legacy(
    script: &Path,
    hook: &str,
    args: &[String],
    input: Option<&[u8]>,
) -> Result<Option<u8>, LegacyError> {
    let path = script.with_file_name(legacy_name(hook));
    if !is_executable(&path) {
        return Ok(None);
    }
    let err = |source| LegacyError {
        path: path.clone(),
        source,
    };
    let mut child = Command::new(&path)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .spawn()
        .map_err(err)?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        // A hook may exit without reading its input; that is its right, not an error.
        match stdin.write_all(input) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(err(e)),
            _ => {}
        }
    }
    let status = child.wait().map_err(err)?;
    Ok((!status.success()).then(|| {
        status
            .code()
            .and_then(|c| u8::try_from(c).ok())
            .filter(|&c| c != 0)
            .unwrap_or(1)
    }))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
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
        let shim = render(
            "update",
            Path::new("/opt/it's $HOME/git-policy"),
            Kind::Sh,
            Side::Server,
        )
        .expect("shim");
        assert!(
            shim.contains(r"bin='/opt/it'\''s $HOME/git-policy'"),
            "{shim}"
        );
    }

    /// The exec shim names the binary on its `#!` line, is marked, and names its legacy hook.
    #[cfg(unix)]
    #[test]
    fn exec_shim_starts_the_binary() {
        let shim = render(
            "pre-push",
            Path::new("/usr/local/bin/git-policy"),
            Kind::Exec,
            Side::Client,
        )
        .expect("shim");
        assert!(
            shim.starts_with("#!/usr/local/bin/git-policy shim\n"),
            "{shim}"
        );
        assert!(is_ours(shim.as_bytes()), "{shim}");
        assert!(shim.contains("pre-push.legacy"), "{shim}");
        assert!(!shim.contains('@'), "{shim}");
    }

    /// A path a `#!` line cannot hold (a space, relative, too long) gets the `sh` shim instead.
    #[test]
    fn unfit_paths_fall_back_to_sh() {
        let long = format!("/{}/git-policy", "x".repeat(130));
        for bin in ["/opt/my tools/git-policy", "bin/git-policy", long.as_str()] {
            let shim =
                render("pre-commit", Path::new(bin), Kind::Exec, Side::Client).expect("shim");
            assert!(shim.starts_with("#!/bin/sh\n"), "{bin}: {shim}");
        }
    }
}
