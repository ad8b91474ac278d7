//! `git policy explain --format mermaid`: the flow as a Mermaid flowchart for documentation,
//! each class labelled with its branches' versions and last tags.

use std::io::{self, Write};

use super::{Facts, Node, spine};
use crate::policy::Matcher;
use crate::report::printable;

/// A class box lists at most this many branches, newest first.
const MAX_BRANCHES: usize = 5;

pub fn write_mermaid(facts: &Facts<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "flowchart TD")?;
    let nodes = spine(facts.policy);
    for (node, _) in &nodes {
        match node {
            Node::Topic => writeln!(out, "    topic([\"topic branches\"])")?,
            Node::Class(c) => {
                writeln!(out, "    {}[\"{}\"]", id(*node), escape(&label(facts, *c)))?
            }
        }
    }
    for (node, sources) in &nodes {
        for &source in sources {
            writeln!(out, "    {} --> {}", id(source), id(*node))?;
        }
    }
    Ok(())
}

fn id(node: Node) -> String {
    match node {
        Node::Topic => "topic".to_owned(),
        Node::Class(c) => format!("class{c}"),
    }
}

/// The class name, then one line per branch: `0.12: 0.12.0b2, v0.12.0b1`.
fn label(facts: &Facts<'_>, c: usize) -> String {
    let class = &facts.policy.branches[c];
    let mut lines = vec![format!("**{}**", class.name)];
    let branches: Vec<_> = facts.branches.iter().filter(|b| b.class == c).collect();
    for branch in branches.iter().take(MAX_BRANCHES) {
        let mut parts = Vec::new();
        if let Some(v) = &branch.version {
            parts.push(v.to_string());
        }
        if let Some(tag) = &branch.last_tag {
            parts.push(tag.clone());
        }
        if !branch.broken.is_empty() {
            parts.push("not in line".to_owned());
        }
        let line = match (&class.matcher, parts.is_empty()) {
            (Matcher::Exact(_), _) => parts.join(", "),
            (Matcher::Pattern(_), true) => branch.name.clone(),
            (Matcher::Pattern(_), false) => format!("{}: {}", branch.name, parts.join(", ")),
        };
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if branches.len() > MAX_BRANCHES {
        lines.push(format!("and {} more", branches.len() - MAX_BRANCHES));
    }
    lines.join("<br/>")
}

/// Quotes inside a label are written as Mermaid's entity; control characters (from branch
/// names and the policy) as escapes.
fn escape(text: &str) -> String {
    printable(text).to_string().replace('"', "#quot;")
}
