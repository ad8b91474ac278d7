//! Writing a history audit: every past violation with its commit and date, steps that could
//! not be judged, and a count by rule.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{
    DIM, ERROR, Format, HINT, OK, WriteError, append_step_summary, printable, table_cell,
    write_annotations, write_json_doc, write_violation,
};
use crate::rules::Violation;
use crate::rules::history::{Finding, Unjudged};

pub struct HistoryVerdict<'a> {
    pub findings: &'a [Finding],
    pub unjudged: &'a [Unjudged],
    pub policy: String,
    /// What was replayed, e.g. "120 steps of 3 protected branches and 2 release tags".
    pub subject: String,
}

impl HistoryVerdict<'_> {
    fn violations(&self) -> impl Iterator<Item = (&Finding, &Violation)> {
        self.findings
            .iter()
            .flat_map(|f| f.violations.iter().map(move |v| (f, v)))
    }

    fn by_rule(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for (_, v) in self.violations() {
            *counts.entry(v.rule.as_str()).or_insert(0) += 1;
        }
        counts
    }
}

pub fn write_history(
    format: Format,
    verdict: &HistoryVerdict<'_>,
    out: &mut dyn Write,
) -> Result<(), WriteError> {
    match format {
        Format::Text => write_text(verdict, out),
        Format::Json => write_json(verdict, out),
        Format::Github => {
            let located = verdict.violations().map(|(f, v)| (v, location(f)));
            write_annotations(located, out)
                .and_then(|()| write_text(verdict, out))
                .and_then(|()| append_step_summary(&markdown(verdict)))
        }
    }
    .map_err(WriteError::of(!verdict.findings.is_empty()))
}

/// `refs/heads/master at 3f2a1bc (2023-11-14 22:13 UTC)`.
pub(super) fn location(f: &Finding) -> String {
    format!("{} at {} ({})", f.refname, f.commit.short(), date(f.time))
}

/// A commit date in UTC, to the minute.
pub fn date(time: i64) -> String {
    match jiff::Timestamp::from_second(time) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => format!("{time} seconds after 1970"),
    }
}

fn rfc3339(time: i64) -> String {
    jiff::Timestamp::from_second(time).map_or_else(|_| time.to_string(), |ts| ts.to_string())
}

fn write_text(verdict: &HistoryVerdict<'_>, out: &mut dyn Write) -> io::Result<()> {
    for (finding, v) in verdict.violations() {
        write_violation(v, &location(finding), out)?;
    }
    for u in verdict.unjudged {
        writeln!(
            out,
            "{HINT}warning{HINT:#}: cannot judge {} at {} ({}): {}",
            printable(&u.refname),
            u.commit.short(),
            date(u.time),
            printable(&u.error)
        )?;
    }
    if !verdict.unjudged.is_empty() {
        writeln!(out)?;
    }
    let counts = verdict.by_rule();
    let total: usize = counts.values().sum();
    if total == 0 {
        writeln!(
            out,
            "{OK}ok{OK:#}: {}",
            super::all_clear(&verdict.subject, &verdict.policy)
        )?;
        return Ok(());
    }
    writeln!(out, "violations by rule:")?;
    for (rule, n) in &counts {
        writeln!(out, "  {DIM}{rule:<24}{DIM:#} {n}")?;
    }
    let noun = if total == 1 {
        "violation"
    } else {
        "violations"
    };
    writeln!(
        out,
        "{ERROR}rejected{ERROR:#}: {total} past policy {noun} in {} ({})",
        printable(&verdict.subject),
        printable(&verdict.policy)
    )
}

#[derive(Serialize)]
struct JsonHistory<'a> {
    ok: bool,
    policy: &'a str,
    violations: Vec<JsonPast<'a>>,
    unjudged: Vec<JsonUnjudged<'a>>,
    by_rule: BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct JsonPast<'a> {
    #[serde(flatten)]
    violation: &'a Violation,
    /// The commit the ref moved to in the step that broke the rule, and its date.
    at: String,
    date: String,
}

#[derive(Serialize)]
struct JsonUnjudged<'a> {
    #[serde(rename = "ref")]
    refname: &'a str,
    at: String,
    date: String,
    error: &'a str,
}

fn write_json(verdict: &HistoryVerdict<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonHistory {
        ok: verdict.findings.is_empty(),
        policy: &verdict.policy,
        violations: verdict
            .violations()
            .map(|(f, v)| JsonPast {
                violation: v,
                at: f.commit.to_string(),
                date: rfc3339(f.time),
            })
            .collect(),
        unjudged: verdict
            .unjudged
            .iter()
            .map(|u| JsonUnjudged {
                refname: &u.refname,
                at: u.commit.to_string(),
                date: rfc3339(u.time),
                error: &u.error,
            })
            .collect(),
        by_rule: verdict.by_rule(),
    };
    write_json_doc(&doc, out)
}

fn markdown(verdict: &HistoryVerdict<'_>) -> String {
    let mut md = String::from("## git-policy history\n\n");
    let counts = verdict.by_rule();
    if counts.is_empty() {
        md.push_str(&format!(
            "✅ {}\n",
            super::all_clear(&verdict.subject, &verdict.policy)
        ));
        return md;
    }
    md.push_str(&format!(
        "❌ past violations in {} ({})\n\n| rule | count |\n| --- | --- |\n",
        printable(&verdict.subject),
        printable(&verdict.policy)
    ));
    for (rule, n) in &counts {
        md.push_str(&format!("| `{rule}` | {n} |\n"));
    }
    md.push_str("\n| when | ref | commit | rule | why |\n| --- | --- | --- | --- | --- |\n");
    for (f, v) in verdict.violations() {
        md.push_str(&format!(
            "| {} | `{}` | `{}` | `{}` | {} |\n",
            date(f.time),
            printable(&f.refname),
            f.commit.short(),
            v.rule,
            table_cell(v.shown_message())
        ));
    }
    md
}
