//! The frontier of a walk in generation order: the commits reached and not yet taken, each
//! marked hidden or not and coloured by the tips that reach it.
//!
//! A walk through history takes every commit once, so this is the engine's inner loop: marks
//! live in one vector, found by position through a multiplicative hash (the positions are
//! dense integers, not an attacker's choice), and the queue holds 16-byte entries ordered by
//! one integer.

use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::{Ancestry, Node};
use crate::rules::{Id, ViewError};

/// The commits a walk has reached and not yet taken, whether each is hidden, and (for
/// `reachable_among`) which tips reach each, as bits in `words` words.
pub(super) struct Frontier {
    /// By [`key`]: outside the graph first, then by generation, highest first; then the slot.
    queue: BinaryHeap<(u64, u32)>,
    graph: HashMap<u32, u32, BuildHasherDefault<PositionHasher>>,
    loose: HashMap<Id, u32>,
    marks: Vec<Mark>,
    /// Queued commits not hidden: the walk is over when there are none.
    wanted: usize,
    words: usize,
    /// The colour of the commit in slot `s` is `colours[s * words..][..words]`.
    colours: Vec<u64>,
    /// The parents of graph commits, as read with their generations: a mark's `parents`.
    parents: Vec<u32>,
}

struct Mark {
    node: Node,
    generation: u32,
    hidden: bool,
    queued: bool,
    /// Where its parents' positions are in `Frontier::parents`.
    parents: (u32, u32),
}

/// A commit taken from the frontier.
pub(super) struct Taken {
    pub node: Node,
    pub generation: u32,
    pub hidden: bool,
    pub slot: u32,
}

/// The queue's order: commits outside the graph first (nothing in the graph reaches them),
/// then the higher generation; among equals by position, or by id outside the graph.
fn key(node: Node, generation: u32) -> u64 {
    let (outside, tie) = match node {
        Node::Graph(pos) => (0, pos),
        Node::Loose(id) => (1, u32::from_be_bytes([id.0[0], id.0[1], id.0[2], id.0[3]])),
    };
    (outside << 63) | (u64::from(generation) << 32) | u64::from(tie)
}

impl Frontier {
    pub fn new(words: usize) -> Frontier {
        Frontier {
            queue: BinaryHeap::new(),
            graph: HashMap::default(),
            loose: HashMap::new(),
            marks: Vec::new(),
            wanted: 0,
            words,
            colours: Vec::new(),
            parents: Vec::new(),
        }
    }

    /// Whether the walk hid `node`, if it reached it.
    pub fn hidden(&self, node: Node) -> Option<bool> {
        self.slot(node).map(|s| self.marks[s as usize].hidden)
    }

    /// Whether the next commit is outside the graph, and its generation, wanted or not.
    pub fn top(&self) -> Option<(bool, u32)> {
        let &(_, slot) = self.queue.peek()?;
        let mark = &self.marks[slot as usize];
        Some((matches!(mark.node, Node::Loose(_)), mark.generation))
    }

    /// The parents of the graph commit in `slot`, as read when it was reached.
    pub fn parents(&self, slot: u32, into: &mut Vec<Node>) {
        let (from, to) = self.marks[slot as usize].parents;
        into.extend(
            self.parents[from as usize..to as usize]
                .iter()
                .map(|&p| Node::Graph(p)),
        );
    }

    fn slot(&self, node: Node) -> Option<u32> {
        match node {
            Node::Graph(pos) => self.graph.get(&pos).copied(),
            Node::Loose(id) => self.loose.get(&id).copied(),
        }
    }

    /// The generation of a commit the walk has reached.
    pub fn generation(&self, node: Node) -> Option<u32> {
        self.slot(node).map(|s| self.marks[s as usize].generation)
    }

    /// Reaches `node`, of `generation` and (in the graph) with the parents `parents`; reaching
    /// it from a hidden commit hides it, and from a coloured one adds the colour.
    pub fn add(
        &mut self,
        node: Node,
        generation: u32,
        parents: &[u32],
        hidden: bool,
        colour: &[u64],
    ) {
        let words = self.words;
        if let Some(slot) = self.slot(node) {
            let mark = &mut self.marks[slot as usize];
            if hidden && !mark.hidden {
                mark.hidden = true;
                if mark.queued {
                    self.wanted -= 1;
                }
            }
            let own = &mut self.colours[slot as usize * words..][..words];
            for (word, add) in own.iter_mut().zip(colour) {
                *word |= add;
            }
            return;
        }
        let slot = self.marks.len() as u32;
        match node {
            Node::Graph(pos) => self.graph.insert(pos, slot),
            Node::Loose(id) => self.loose.insert(id, slot),
        };
        let from = self.parents.len() as u32;
        self.parents.extend_from_slice(parents);
        self.marks.push(Mark {
            node,
            generation,
            hidden,
            queued: true,
            parents: (from, self.parents.len() as u32),
        });
        self.colours
            .extend((0..words).map(|i| colour.get(i).copied().unwrap_or(0)));
        self.queue.push((key(node, generation), slot));
        if !hidden {
            self.wanted += 1;
        }
    }

    /// Whether the next commit is outside the graph, and its generation, while anything
    /// wanted is left.
    pub fn next(&self) -> Option<(bool, u32)> {
        if self.wanted == 0 {
            return None;
        }
        let &(_, slot) = self.queue.peek()?;
        let mark = &self.marks[slot as usize];
        Some((matches!(mark.node, Node::Loose(_)), mark.generation))
    }

    /// The next commit, with its colour copied into `colour`, while anything wanted is left.
    pub fn take(&mut self, colour: &mut [u64]) -> Option<Taken> {
        if self.wanted == 0 {
            return None;
        }
        let (_, slot) = self.queue.pop()?;
        let mark = &mut self.marks[slot as usize];
        mark.queued = false;
        if !mark.hidden {
            self.wanted -= 1;
        }
        let taken = Taken {
            node: mark.node,
            generation: mark.generation,
            hidden: mark.hidden,
            slot,
        };
        colour.copy_from_slice(&self.colours[slot as usize * self.words..][..self.words]);
        Some(taken)
    }

    /// Checks the commits left on the frontier when a walk ends: their generations decided
    /// that it could.
    pub fn check_left(&self, a: &Ancestry<'_>) -> Result<(), ViewError> {
        for &(_, slot) in self.queue.iter() {
            a.check_node(self.marks[slot as usize].node)?;
        }
        Ok(())
    }
}

/// Hashes a graph position by one multiplication (Fibonacci hashing).
#[derive(Default)]
struct PositionHasher(u64);

impl Hasher for PositionHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
