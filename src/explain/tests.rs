//! The diagram's order and labels.

use super::{Facts, Node, label, spine};
use crate::policy;

/// pytokio's flow is one line: topic branches, master, rc, version branches.
#[test]
fn pytokio_spine_is_one_chain() {
    let policy = policy::presets::load("pytokio")
        .expect("exists")
        .expect("parses");
    let spine = spine(&policy);
    let nodes: Vec<Node> = spine.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        nodes,
        [Node::Topic, Node::Class(0), Node::Class(1), Node::Class(2)]
    );
    assert_eq!(spine[2].1, [Node::Class(0)]);
    let facts = Facts {
        policy: &policy,
        branches: Vec::new(),
        tags: 0,
        tags_broken: 0,
    };
    assert_eq!(label(&facts, Node::Class(2)), "version (none yet)");
}
