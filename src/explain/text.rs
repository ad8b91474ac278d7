//! `git policy explain` for a terminal: a top-to-bottom flow diagram, a table of the branches
//! now, and the rules as sentences, all within 80 columns.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{Facts, Node, label, sentences, spine, steps};
use crate::report::printable;
use crate::version::Kind;

const WIDTH: usize = 80;
const HEAD: Style = Style::new().bold();
const DIM: Style = AnsiColor::BrightBlack.on_default();
const GOOD: Style = AnsiColor::Green.on_default();
const BAD: Style = AnsiColor::Red.on_default();

pub fn write_text(facts: &Facts<'_>, out: &mut dyn Write) -> io::Result<()> {
    let policy = facts.policy;
    // Names, paths and patterns come from the repository and its committed policy: every one is
    // printed through `printable`, so none can act on the terminal.
    writeln!(
        out,
        "{HEAD}Policy{HEAD:#}: {}",
        printable(&policy.origin.to_string())
    )?;
    let files: Vec<String> = policy
        .version_files
        .iter()
        .map(|f| format!("`{}`", printable(&f.path)))
        .collect();
    if !files.is_empty() {
        writeln!(out, "{HEAD}Version{HEAD:#} read from {}", files.join(", "))?;
    }
    writeln!(out)?;
    diagram(facts, out)?;
    writeln!(out)?;
    table(facts, out)?;
    writeln!(out)?;
    let options = textwrap::Options::new(WIDTH - 2)
        .initial_indent("  - ")
        .subsequent_indent("    ");
    writeln!(
        out,
        "{HEAD}Release steps{HEAD:#} {DIM}(`git policy release <step>`){DIM:#}"
    )?;
    writeln!(out)?;
    // Version kinds such as `pre-release` stay whole on a line.
    let whole = options
        .clone()
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    for step in steps(policy) {
        let step = printable(&step).to_string();
        for line in textwrap::wrap(&step, &whole) {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{HEAD}Rules{HEAD:#}")?;
    writeln!(out)?;
    for sentence in sentences(facts) {
        let sentence = printable(&sentence).to_string();
        for line in textwrap::wrap(&sentence, &options) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// The flow top to bottom: an arrow from each node to the next one that accepts it, other
/// sources named beside the node.
fn diagram(facts: &Facts<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{HEAD}Flow{HEAD:#} {DIM}(commits move only along the arrows){DIM:#}"
    )?;
    writeln!(out)?;
    let mut previous: Option<Node> = None;
    for (node, sources) in spine(facts.policy) {
        let others: Vec<String> = sources
            .iter()
            .filter(|&&s| Some(s) != previous)
            .map(|&s| match s {
                Node::Topic => "topic branches".to_owned(),
                Node::Class(c) => printable(&facts.policy.branches[c].name).to_string(),
            })
            .collect();
        if let Some(prev) = previous {
            if sources.contains(&prev) {
                writeln!(out, "      │")?;
                writeln!(out, "      ▼")?;
            } else {
                writeln!(out)?;
            }
        }
        let name = printable(&label(facts, node)).to_string();
        let mut line = format!("  {name}");
        let beside = match (others.is_empty(), node, sources.is_empty()) {
            (false, _, _) if sources.len() > others.len() => {
                format!("◀── also from {}", others.join(", "))
            }
            (false, _, _) => format!("◀── from {}", others.join(", ")),
            (true, Node::Class(_), true) => "(takes no other branch's commits)".to_owned(),
            _ => String::new(),
        };
        if !beside.is_empty() {
            if width(&line) + 2 + width(&beside) <= WIDTH {
                line = format!("{line}  {DIM}{beside}{DIM:#}");
            } else {
                line = format!("{line}\n        {DIM}{beside}{DIM:#}");
            }
        }
        writeln!(out, "{line}")?;
        previous = Some(node);
    }
    Ok(())
}

/// Each protected branch: version, kind, last release tag, and whether it is in line now.
fn table(facts: &Facts<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{HEAD}Branches now{HEAD:#}")?;
    writeln!(out)?;
    if facts.branches.is_empty() {
        writeln!(out, "  no protected branch exists yet")?;
    } else {
        let rows: Vec<[String; 4]> = facts
            .branches
            .iter()
            .map(|b| {
                let (version, kind) = match &b.version {
                    Some(v) => (v.to_string(), Kind::of(v).as_str().to_owned()),
                    None => ("none".to_owned(), "-".to_owned()),
                };
                let tag = b.last_tag.as_deref().unwrap_or("-");
                [
                    printable(&b.name).to_string(),
                    version,
                    kind,
                    printable(tag).to_string(),
                ]
            })
            .collect();
        let header = ["branch", "version", "kind", "last tag"];
        let widths: Vec<usize> = (0..4)
            .map(|i| {
                rows.iter()
                    .map(|r| width(&r[i]))
                    .chain([width(header[i])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let cells = |row: &[&str]| -> String {
            let mut line = String::from(" ");
            for (i, cell) in row.iter().enumerate() {
                line.push_str(&format!(" {cell:<w$} ", w = widths[i]));
            }
            line
        };
        writeln!(out, "{DIM}{} in line{DIM:#}", cells(&header))?;
        for (row, branch) in rows.iter().zip(&facts.branches) {
            let start = format!("{} ", cells(&[&row[0], &row[1], &row[2], &row[3]]));
            let status = if branch.broken.is_empty() {
                format!("{GOOD}yes{GOOD:#}")
            } else {
                let rules: Vec<&str> = branch.broken.iter().map(|r| r.as_str()).collect();
                format!("{BAD}no{BAD:#}: {}", rules.join(", "))
            };
            let plain_status = width(&anstream::adapter::strip_str(&status).to_string());
            if width(&start) + plain_status <= WIDTH {
                writeln!(out, "{start}{status}")?;
            } else {
                writeln!(out, "{start}\n      {status}")?;
            }
        }
    }
    writeln!(out)?;
    let tags = match (facts.tags, facts.tags_broken) {
        (0, _) => "no release tag yet".to_owned(),
        (n, 0) => format!("{n}, all in line"),
        (n, broken) => format!("{n}, {broken} not in line (`git policy check` says why)"),
    };
    writeln!(out, "{HEAD}Release tags{HEAD:#}: {tags}")
}

fn width(text: &str) -> usize {
    textwrap::core::display_width(text)
}
