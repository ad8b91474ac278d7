//! Writing a verdict for people (text, coloured on terminals), for tools (JSON), and for GitHub.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::rules::Violation;

mod error;
mod history;
mod printable;
pub use error::{ErrorKind, ErrorReport};
pub use history::{HistoryVerdict, date, write_history};
use printable::json_safe;
pub use printable::{printable, printable_lines};

/// At most this many commits are listed under one violation.
const MAX_COMMITS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
}

/// What was judged, for the closing line and the JSON document.
pub struct Verdict<'a> {
    pub violations: &'a [Violation],
    /// Where the policy came from, e.g. "`.git-policy.toml`".
    pub policy: String,
    /// What was judged, e.g. "3 updates" or "2 branches and 4 tags".
    pub subject: String,
    /// Notes about the entry point that apply to any violation (stale tracking refs, ...).
    pub notes: Vec<String>,
    /// What people should know whatever the verdict: a rule skipped, a stale branch, a policy
    /// that protects nothing here.
    pub warnings: Vec<String>,
}

const ERROR: Style = AnsiColor::Red.on_default().bold();
const RULE: Style = AnsiColor::Red.on_default();
const DIM: Style = AnsiColor::BrightBlack.on_default();
const HINT: Style = AnsiColor::Cyan.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();

/// Writing a verdict failed. It keeps what the verdict was: a reader that went away
/// (`git policy check | head`) must not change the exit code, and a hook must still reject.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the verdict")]
pub struct WriteError {
    /// Whether the verdict found violations.
    pub violations: bool,
    #[source]
    pub source: io::Error,
}

impl WriteError {
    fn of(violations: bool) -> impl FnOnce(io::Error) -> WriteError {
        move |source| WriteError { violations, source }
    }
}

pub fn write(format: Format, verdict: &Verdict<'_>, out: &mut dyn Write) -> Result<(), WriteError> {
    match format {
        Format::Text => text(verdict, false, out),
        Format::Json => json(verdict, out),
        Format::Github => github(verdict, out),
    }
    .map_err(WriteError::of(!verdict.violations.is_empty()))
}

/// The verdict for people, as hooks write it to standard error.
pub fn write_text(verdict: &Verdict<'_>, out: &mut dyn Write) -> Result<(), WriteError> {
    text(verdict, false, out).map_err(WriteError::of(!verdict.violations.is_empty()))
}

/// A hook's verdict in warn mode (`mode = "warn"`): the violations as an enforcing hook shows
/// them, then that they were accepted.
pub fn write_advisory(verdict: &Verdict<'_>, out: &mut dyn Write) -> Result<(), WriteError> {
    text(verdict, true, out).map_err(WriteError::of(false))
}

fn text(verdict: &Verdict<'_>, advisory: bool, out: &mut dyn Write) -> io::Result<()> {
    for v in verdict.violations {
        write_violation(v, &v.refname, out)?;
    }
    write_warnings(&verdict.warnings, out)?;
    if advisory {
        let n = verdict.violations.len();
        let noun = if n == 1 { "violation" } else { "violations" };
        writeln!(
            out,
            "{WARNING}accepted{WARNING:#}: {n} policy {noun} in {} ({}), which is in warn mode: once it enforces, this is refused",
            printable(&verdict.subject),
            printable(&verdict.policy)
        )?;
    } else if verdict.violations.is_empty() {
        writeln!(
            out,
            "{OK}ok{OK:#}: {}",
            all_clear(&verdict.subject, &verdict.policy)
        )?;
    } else {
        let n = verdict.violations.len();
        let noun = if n == 1 { "violation" } else { "violations" };
        writeln!(
            out,
            "{ERROR}rejected{ERROR:#}: {n} policy {noun} in {} ({})",
            printable(&verdict.subject),
            printable(&verdict.policy)
        )?;
    }
    // Hooks print a verdict only when it has violations; `check` prints its notes either way.
    for note in &verdict.notes {
        writeln!(out, "{HINT}note{HINT:#}: {}", printable(note))?;
    }
    Ok(())
}

/// Each warning on its own line, the fix after `hint:` on the next.
fn write_warnings(warnings: &[String], out: &mut dyn Write) -> io::Result<()> {
    for warning in warnings {
        let (what, fix) = match warning.split_once("\nhint: ") {
            Some((what, fix)) => (what, Some(fix)),
            None => (warning.as_str(), None),
        };
        writeln!(out, "{WARNING}warning{WARNING:#}: {}", printable(what))?;
        if let Some(fix) = fix {
            writeln!(out, "  {HINT}hint{HINT:#}: {}", printable(fix))?;
        }
    }
    Ok(())
}

/// One violation: rule and why, where (`location`), the commits, the fix. Every value is
/// [`printable`]: messages quote ref names, paths and versions from the repository.
fn write_violation(v: &Violation, location: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{ERROR}error{ERROR:#}{RULE}[{}]{RULE:#}: {}",
        v.rule,
        printable(v.shown_message())
    )?;
    writeln!(out, "  {DIM}-->{DIM:#} {}", printable(location))?;
    for commit in v.commits.iter().take(MAX_COMMITS) {
        let short = short_id(&commit.id, &commit.subject);
        writeln!(out, "   {DIM}{short}{DIM:#}{}", printable(&commit.subject))?;
    }
    if v.commits.len() > MAX_COMMITS {
        writeln!(out, "   ... and {} more", v.commits.len() - MAX_COMMITS)?;
    }
    if let Some(hint) = &v.hint {
        writeln!(out, "  {HINT}hint{HINT:#}: {}", printable(hint))?;
    }
    writeln!(out)
}

#[derive(Serialize)]
struct JsonVerdict<'a> {
    ok: bool,
    policy: &'a str,
    violations: &'a [Violation],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

fn json(verdict: &Verdict<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonVerdict {
        ok: verdict.violations.is_empty(),
        // Plain text for machines: the Markdown backticks people read are dropped.
        policy: &verdict.policy.replace('`', ""),
        violations: verdict.violations,
        warnings: &verdict.warnings,
    };
    write_json_doc(&doc, out)
}

/// A JSON document, pretty, with every control character escaped (see [`json_safe`]).
fn write_json_doc(doc: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    let json = serde_json::to_string_pretty(doc)?;
    writeln!(out, "{}", json_safe(&json))
}

/// Workflow commands (`::error ...::`) that GitHub shows as annotations on the run and the PR,
/// and a Markdown summary in `$GITHUB_STEP_SUMMARY` when it is set.
fn github(verdict: &Verdict<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_annotations(
        verdict.violations.iter().map(|v| (v, v.refname.clone())),
        out,
    )?;
    for warning in &verdict.warnings {
        let lines: Vec<String> = warning.lines().map(|l| printable(l).to_string()).collect();
        writeln!(out, "::warning::{}", escape_data(&lines.join("\n")))?;
    }
    text(verdict, false, out)?;
    append_step_summary(&markdown_summary(verdict))
}

/// `::error title=...::` per violation, titled with the rule and `where`.
fn write_annotations<'v>(
    violations: impl Iterator<Item = (&'v Violation, String)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for (v, location) in violations {
        let mut body = printable(v.shown_message()).to_string();
        for commit in v.commits.iter().take(MAX_COMMITS) {
            let subject = printable(&commit.subject);
            body.push_str(&format!(
                "\n{}{subject}",
                short_id(&commit.id, &commit.subject)
            ));
        }
        if let Some(hint) = &v.hint {
            body.push_str(&format!("\nhint: {}", printable(hint)));
        }
        let title = format!("{} on {}", v.rule, printable(&location));
        writeln!(
            out,
            "::error title={}::{}",
            escape_property(&title),
            escape_data(&body)
        )?;
    }
    Ok(())
}

/// Appends Markdown to `$GITHUB_STEP_SUMMARY` when it is set (it is, in GitHub Actions).
fn append_step_summary(markdown: &str) -> io::Result<()> {
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)?;
        file.write_all(markdown.as_bytes())?;
    }
    Ok(())
}

fn markdown_summary(verdict: &Verdict<'_>) -> String {
    let mut md = String::from("## git-policy\n\n");
    if verdict.violations.is_empty() {
        md.push_str(&format!(
            "✅ {}\n",
            all_clear(&verdict.subject, &verdict.policy)
        ));
        return md;
    }
    md.push_str(&format!(
        "❌ {} policy violation(s) in {} ({})\n\n| rule | ref | why | fix |\n| --- | --- | --- | --- |\n",
        verdict.violations.len(),
        printable(&verdict.subject),
        printable(&verdict.policy)
    ));
    for v in verdict.violations {
        md.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            v.rule,
            code_cell(&v.refname),
            table_cell(v.shown_message()),
            table_cell(v.hint.as_deref().unwrap_or(""))
        ));
    }
    md
}

/// Text for a cell of a Markdown table: on one line, its `|` escaped.
fn table_cell(text: &str) -> String {
    printable(text).to_string().replace('|', "\\|")
}

/// A ref name as code in a table cell. Git allows backticks in ref names; the code span's
/// fence is one backtick longer than any run of them inside, so none can end it early.
fn code_cell(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", table_cell(text))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A commit id shortened as git does, and the space before its subject. The commit being
/// made has no id: `(new commit)`, unless its subject already says so, `(the commit being
/// made)`, where it is said once.
fn short_id(id: &str, subject: &str) -> String {
    if id.is_empty() {
        return if subject.starts_with('(') {
            String::new()
        } else {
            "(new commit) ".to_owned()
        };
    }
    if id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("{} ", &id[..7])
    } else {
        format!("{id} ")
    }
}

#[cfg(test)]
mod tests;

/// The closing line when nothing is wrong, e.g. "no violations in 3 updates (`.git-policy.toml`)".
pub(crate) fn all_clear(subject: &str, policy: &str) -> String {
    format!(
        "no policy violations in {} ({})",
        printable(subject),
        printable(policy)
    )
}
