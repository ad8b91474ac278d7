//! An error as its reader gets it: for people, the message, its causes and the fix on standard
//! error; with `--format json`, one object on standard output,
//! `{"ok": false, "error": {"kind", "message", "causes", "hint"}}`.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::{printable_lines, write_json_doc};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();

/// What went wrong, broadly, for a tool reading the JSON; the exit code is 2 for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// The command line was refused before anything ran.
    Usage,
    /// The policy file cannot be read or is invalid.
    Policy,
    /// The repository cannot be opened or read.
    Repository,
    /// Anything else (a file that cannot be written, a bug).
    Other,
}

/// An error, ready to be written either way.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    pub kind: ErrorKind,
    /// What failed, one line (a policy error starts with its file and line).
    pub message: String,
    /// Why, outermost first; empty when the message says it all.
    pub causes: Vec<String>,
    /// What fixes it, when something known does.
    pub hint: Option<String>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    ok: bool,
    error: &'a ErrorReport,
}

impl ErrorReport {
    /// An error and its chain of causes, less the wrappers that repeat their source's message.
    pub fn new(kind: ErrorKind, err: &anyhow::Error, hint: Option<String>) -> ErrorReport {
        let mut chain = err
            .chain()
            .map(|cause| without_internals(&cause.to_string()));
        let message = chain.next().unwrap_or_default();
        let mut causes: Vec<String> = Vec::new();
        for cause in chain {
            // A cause already said, whole or at the end of a wrapper's `...: {source}`.
            let said = |known: &String| *known == cause || known.ends_with(&format!(": {cause}"));
            if !said(&message) && !causes.iter().any(said) {
                causes.push(cause);
            }
        }
        ErrorReport {
            kind,
            message,
            causes,
            hint,
        }
    }

    /// A command line clap refused, in the terms clap prints: its message, and as the hint
    /// its tip, else where `command`'s options are listed (`git policy check`).
    pub fn usage(err: &clap::Error, command: &str) -> ErrorReport {
        let text = err.render().to_string();
        let mut paragraphs = text.split("\n\n");
        let first = paragraphs.next().unwrap_or_default().trim_end();
        let first = first.strip_prefix("error: ").unwrap_or(first);
        let message: Vec<&str> = first.lines().map(str::trim).collect();
        let tips: Vec<&str> = paragraphs
            .flat_map(str::lines)
            .filter_map(|line| line.trim().strip_prefix("tip: "))
            .collect();
        let hint = if tips.is_empty() {
            format!("for more information, run `{command} --help`")
        } else {
            tips.join("; ")
        };
        ErrorReport {
            kind: ErrorKind::Usage,
            message: backticked(&message.join(" ")),
            causes: Vec::new(),
            hint: Some(backticked(&hint)),
        }
    }

    /// For people: quoted repository text shows its control characters rather than sending them.
    pub fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{ERROR}error{ERROR:#}: {}",
            printable_lines(&self.message)
        )?;
        for cause in &self.causes {
            writeln!(out, "  caused by: {}", printable_lines(cause))?;
        }
        if let Some(hint) = &self.hint {
            writeln!(out, "{HINT}hint{HINT:#}: {}", printable_lines(hint))?;
        }
        Ok(())
    }

    /// For tools: `{"ok": false, "error": {...}}`.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        write_json_doc(
            &JsonError {
                ok: false,
                error: self,
            },
            out,
        )
    }
}

/// An error's text less libgit2's codes (`; class=Reference (4); code=NotFound (-3)`), which
/// name its internals and mean nothing to the reader.
fn without_internals(text: &str) -> String {
    // The one class that says what happened: zlib's complaint is about a damaged object.
    let text = &text.replace(
        "; class=Zlib (5)",
        " (a damaged object: its compressed data does not unpack)",
    );
    let codes = regex_lite::Regex::new(r"; class=\w+ \(-?\d+\)(; code=\w+ \(-?\d+\))?")
        .expect("fixed regex compiles");
    codes.replace_all(text, "").into_owned()
}

/// clap quotes arguments as `'--base'`; git-policy's messages quote them in backticks.
fn backticked(text: &str) -> String {
    let quoted = regex_lite::Regex::new(r"'([^'\s][^']*)'").expect("fixed regex compiles");
    quoted.replace_all(text, "`$1`").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libgit2's class and code never reach the reader; a cause already said is said once.
    #[test]
    fn libgit2_codes_and_repeated_causes_were_shown() {
        assert_eq!(
            without_internals("revspec 'x' not found; class=Reference (4); code=NotFound (-3)"),
            "revspec 'x' not found"
        );
        assert_eq!(
            without_internals("no such file; class=Os (2)"),
            "no such file"
        );
        let err = anyhow::anyhow!("object abc is missing")
            .context("cannot read abc: object abc is missing")
            .context("cannot judge the push");
        let report = ErrorReport::new(ErrorKind::Other, &err, None);
        assert_eq!(report.causes, ["cannot read abc: object abc is missing"]);
    }

    /// clap's quoted arguments and values are backticked; other text is left alone.
    #[test]
    fn clap_quotes_become_backticks() {
        assert_eq!(
            backticked("invalid value 'jsn' for '--format <FORMAT>'"),
            "invalid value `jsn` for `--format <FORMAT>`"
        );
        assert_eq!(backticked("it's fine"), "it's fine");
    }
}
