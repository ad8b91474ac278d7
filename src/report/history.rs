//! Writing a history audit: every past violation with its commit and date (one per span of
//! consecutive steps it lasted over, every step kept in JSON), steps whose version rules could
//! not be judged, and a count by rule.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{
    DIM, ERROR, Format, HINT, OK, WriteError, append_step_summary, printable, table_cell,
    write_annotations, write_json_doc, write_violation,
};
use crate::rules::Violation;
use crate::rules::history::{Finding, Step, Unjudged};

pub struct HistoryVerdict<'a> {
    pub findings: &'a [Finding],
    pub unjudged: &'a [Unjudged],
    pub policy: String,
    /// What was replayed, e.g. "120 steps of 3 protected branches and 2 release tags".
    pub subject: String,
}

impl HistoryVerdict<'_> {
    /// What each finding says, where: every violation of a single step, the first of a span.
    fn violations(&self) -> impl Iterator<Item = (&Finding, &Violation)> {
        self.findings.iter().flat_map(|f| {
            let shown = if f.steps.len() == 1 {
                f.steps[0].1.len()
            } else {
                1
            };
            f.steps[0].1.iter().take(shown).map(move |v| (f, v))
        })
    }

    /// Per rule: findings, and the steps they span.
    fn by_rule(&self) -> BTreeMap<&'static str, (usize, usize)> {
        let mut counts = BTreeMap::new();
        for f in self.findings {
            let entry = counts.entry(f.rule.as_str()).or_insert((0, 0));
            entry.0 += 1;
            entry.1 += f.steps.len();
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

/// `refs/heads/master at 3f2a1bc (2023-11-14 22:13 UTC)`, or for a span of steps
/// `refs/heads/master from 3f2a1bc (2023-11-14 22:13 UTC) to 9e0d4c2 (2024-02-01 09:30 UTC), 65 steps`.
pub(super) fn location(f: &Finding) -> String {
    span(&f.refname, f.first(), f.last(), f.steps.len())
}

fn span(refname: &str, first: Step, last: Step, steps: usize) -> String {
    let at = |s: Step| format!("{} ({})", s.commit.short(), date(s.time));
    if steps == 1 {
        format!("{refname} at {}", at(first))
    } else {
        format!(
            "{refname} from {} to {}, {steps} steps",
            at(first),
            at(last)
        )
    }
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
        let why = if u.steps.len() == 1 {
            &u.steps[0].1
        } else {
            &u.why
        };
        writeln!(
            out,
            "{HINT}warning{HINT:#}: version rules not judged on {}: {}; flow rules were",
            printable(&span(&u.refname, u.first(), u.last(), u.steps.len())),
            printable(why)
        )?;
    }
    if !verdict.unjudged.is_empty() {
        writeln!(out)?;
    }
    let counts = verdict.by_rule();
    if counts.is_empty() {
        writeln!(
            out,
            "{OK}ok{OK:#}: {}",
            super::all_clear(&verdict.subject, &verdict.policy)
        )?;
        return Ok(());
    }
    writeln!(out, "violations by rule:")?;
    for (rule, (n, steps)) in &counts {
        if n == steps {
            writeln!(out, "  {DIM}{rule:<24}{DIM:#} {n}")?;
        } else {
            writeln!(out, "  {DIM}{rule:<24}{DIM:#} {n} (over {steps} steps)")?;
        }
    }
    let total: usize = counts.values().map(|(n, _)| n).sum();
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
    /// One per finding: a span of consecutive steps, as its first step's violation.
    violations: Vec<JsonPast<'a>>,
    unjudged: Vec<JsonUnjudged<'a>>,
    /// Findings per rule.
    by_rule: BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct JsonPast<'a> {
    #[serde(flatten)]
    violation: &'a Violation,
    /// The commit the ref moved to in the first step that broke the rule, and its date.
    at: String,
    date: String,
    /// The last step it held at, and how many steps it held over.
    last: String,
    last_date: String,
    count: usize,
    /// Every step, with every violation of the rule there.
    steps: Vec<JsonStep<'a>>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    at: String,
    date: String,
    violations: &'a [Violation],
}

#[derive(Serialize)]
struct JsonUnjudged<'a> {
    #[serde(rename = "ref")]
    refname: &'a str,
    at: String,
    date: String,
    last: String,
    last_date: String,
    count: usize,
    why: &'a str,
    steps: Vec<JsonUnjudgedStep<'a>>,
}

#[derive(Serialize)]
struct JsonUnjudgedStep<'a> {
    at: String,
    date: String,
    error: &'a str,
}

fn write_json(verdict: &HistoryVerdict<'_>, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonHistory {
        ok: verdict.findings.is_empty(),
        policy: &verdict.policy,
        violations: verdict
            .findings
            .iter()
            .map(|f| JsonPast {
                violation: f.violation(),
                at: f.first().commit.to_string(),
                date: rfc3339(f.first().time),
                last: f.last().commit.to_string(),
                last_date: rfc3339(f.last().time),
                count: f.steps.len(),
                steps: f
                    .steps
                    .iter()
                    .map(|(step, vs)| JsonStep {
                        at: step.commit.to_string(),
                        date: rfc3339(step.time),
                        violations: vs,
                    })
                    .collect(),
            })
            .collect(),
        unjudged: verdict
            .unjudged
            .iter()
            .map(|u| JsonUnjudged {
                refname: &u.refname,
                at: u.first().commit.to_string(),
                date: rfc3339(u.first().time),
                last: u.last().commit.to_string(),
                last_date: rfc3339(u.last().time),
                count: u.steps.len(),
                why: &u.why,
                steps: u
                    .steps
                    .iter()
                    .map(|(step, error)| JsonUnjudgedStep {
                        at: step.commit.to_string(),
                        date: rfc3339(step.time),
                        error,
                    })
                    .collect(),
            })
            .collect(),
        by_rule: verdict
            .by_rule()
            .into_iter()
            .map(|(rule, (n, _))| (rule, n))
            .collect(),
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
    for (rule, (n, _)) in &counts {
        md.push_str(&format!("| `{rule}` | {n} |\n"));
    }
    md.push_str(
        "\n| when | ref | commit | steps | rule | why |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for (f, v) in verdict.violations() {
        md.push_str(&format!(
            "| {} | `{}` | `{}` | {} | `{}` | {} |\n",
            date(f.first().time),
            printable(&f.refname),
            f.first().commit.short(),
            f.steps.len(),
            v.rule,
            table_cell(v.shown_message())
        ));
    }
    md
}
