//! The release plan written out: for people (text) or for tools (JSON).

use std::io::Write;

use serde_json::{Value, json};

use super::{Branch, Next, Sets};
use crate::release::Session;

pub(super) fn text(
    session: &Session,
    branches: &[Branch],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "the release plan of {}, from `{}` as this clone knows it",
        session.policy.origin, session.remote
    )?;
    for branch in branches {
        let version = branch.shown.as_deref().unwrap_or("no version");
        let tag = branch.last_tag.as_deref().map_or_else(
            || "no release tag".to_owned(),
            |t| format!("last tag `{t}`"),
        );
        writeln!(out, "\n`{}` at {version}, {tag}", branch.name)?;
        if branch.next.is_empty() {
            writeln!(out, "  nothing next that the policy accepts")?;
        }
        for next in &branch.next {
            match next {
                Next::Accepted { command, sets } => {
                    let sets: Vec<String> = sets
                        .iter()
                        .map(|set| match set {
                            Sets::Branch {
                                name,
                                version: Some(version),
                            } => format!("`{name}` at {version}"),
                            Sets::Branch {
                                name,
                                version: None,
                            } => format!("`{name}` moved"),
                            Sets::Tag { name } => format!("tag `{name}`"),
                        })
                        .collect();
                    writeln!(out, "  next: `{command}` ({})", sets.join(", "))?;
                }
                Next::Needs {
                    argument, example, ..
                } => {
                    writeln!(out, "  needs `{argument}`: e.g. `{example}`")?;
                }
                Next::Changelog {
                    command,
                    branch,
                    missing,
                } => {
                    writeln!(
                        out,
                        "  needs a changelog entry: {missing}; `git switch {branch}`, then `{command}` adds the heading for you to fill in"
                    )?;
                }
            }
        }
    }
    Ok(())
}

pub(super) fn json(
    session: &Session,
    branches: &[Branch],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let branches: Vec<Value> = branches
        .iter()
        .map(|b| {
            let next: Vec<Value> = b
                .next
                .iter()
                .map(|n| match n {
                    Next::Accepted { command, sets } => {
                        let sets: Vec<Value> = sets
                            .iter()
                            .map(|set| match set {
                                Sets::Branch { name, version } => {
                                    json!({ "branch": name, "version": version })
                                }
                                Sets::Tag { name } => json!({ "tag": name }),
                            })
                            .collect();
                        json!({ "command": command, "accepted": true, "sets": sets })
                    }
                    Next::Changelog {
                        command,
                        branch,
                        missing,
                    } => json!({
                        "command": command,
                        "accepted": false,
                        "needs": "changelog",
                        "branch": branch,
                        "missing": missing,
                    }),
                    Next::Needs {
                        command,
                        argument,
                        example,
                    } => json!({
                        "command": command,
                        "accepted": false,
                        "needs": argument,
                        "example": example,
                    }),
                })
                .collect();
            json!({
                "branch": b.name,
                "version": b.version,
                "last_tag": b.last_tag,
                "next": next,
            })
        })
        .collect();
    let plan = json!({
        "policy": session.policy.origin.to_string(),
        "remote": session.remote,
        "branches": branches,
    });
    let text = serde_json::to_string_pretty(&plan).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
