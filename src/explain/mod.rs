//! The policy as a picture: the branch classes and the flows between them, each protected
//! branch's state now, and each rule in one sentence; as text for a terminal or as Mermaid.

mod mermaid;
mod sentences;
mod steps;
mod text;

use pep440_rs::Version;

use crate::policy::{Matcher, Policy};
use crate::rules::history::ranks;
use crate::rules::{RuleId, cut_short};

pub use mermaid::write_mermaid;
pub use sentences::sentences;
pub use steps::steps;
pub use text::write_text;

/// A protected branch as it is now.
#[derive(Debug, Clone)]
pub struct Branch {
    pub name: String,
    pub class: usize,
    pub version: Option<Version>,
    pub last_tag: Option<String>,
    /// The rules it breaks now; empty when it is in line with the policy.
    pub broken: Vec<RuleId>,
}

/// Everything `explain` shows.
pub struct Facts<'a> {
    pub policy: &'a Policy,
    /// Protected branches, in flow order (see [`sort_branches`]).
    pub branches: Vec<Branch>,
    /// Release tags, and how many of them break a rule now.
    pub tags: usize,
    pub tags_broken: usize,
}

/// A box in the flow diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Topic,
    Class(usize),
}

/// The diagram's nodes top to bottom (topic branches, then classes by distance from them),
/// each with the nodes it accepts commits from.
pub fn spine(policy: &Policy) -> Vec<(Node, Vec<Node>)> {
    let rank = ranks(policy);
    let mut classes: Vec<usize> = (0..policy.branches.len()).collect();
    classes.sort_by_key(|&c| (rank[c], c));
    let mut nodes = Vec::new();
    if policy.branches.iter().any(|b| b.accepts.unprotected) {
        nodes.push((Node::Topic, Vec::new()));
    }
    for &c in &classes {
        let accepts = &policy.branches[c].accepts;
        let mut sources = Vec::new();
        if accepts.unprotected {
            sources.push(Node::Topic);
        }
        let mut from = accepts.classes.clone();
        from.sort_by_key(|&s| (rank[s], s));
        sources.extend(from.into_iter().map(Node::Class));
        nodes.push((Node::Class(c), sources));
    }
    nodes
}

/// Orders branches as the diagram does: by class, then version branches newest first.
pub fn sort_branches(policy: &Policy, branches: &mut [Branch]) {
    let rank = ranks(policy);
    branches.sort_by_cached_key(|b| {
        let as_version = crate::version::parse(&b.name).ok();
        (
            rank[b.class],
            b.class,
            std::cmp::Reverse(as_version),
            b.name.clone(),
        )
    });
}

/// A class's name in the diagram: the branch name, or the class with its branches.
pub fn label(facts: &Facts<'_>, node: Node) -> String {
    let Node::Class(c) = node else {
        return "topic branches".to_owned();
    };
    let class = &facts.policy.branches[c];
    match class.matcher {
        Matcher::Exact(_) => class.name.clone(),
        Matcher::Pattern(_) => {
            let names: Vec<String> = facts
                .branches
                .iter()
                .filter(|b| b.class == c)
                .map(|b| b.name.clone())
                .collect();
            let shown = if names.is_empty() {
                "none yet".to_owned()
            } else {
                cut_short(&names)
            };
            format!("{} ({shown})", class.name)
        }
    }
}

#[cfg(test)]
mod tests;
