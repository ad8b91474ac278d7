//! The one ancestry engine: `is_ancestor` and `walk` with generation numbers, over a [`Source`]
//! of parents and generations for the commits it holds (git's commit-graph file, or the graph
//! built in memory when there is none), and commit objects for the rest (the commits being
//! pushed, which live in a quarantine no graph sees, and whatever was made since).
//!
//! Two facts make the cost follow the question rather than the history:
//! - a commit's generation is greater than each of its parents', so a walk looking for `a`
//!   stops at every commit whose generation is not above `a`'s;
//! - a source holds every ancestor of every commit in it, so a commit outside it is never an
//!   ancestor of one inside: new commits are settled without walking history.
//!
//! A generation read from git's file decides where a walk stops, so a damaged one (a bit flip)
//! would change answers: every commit whose generation decides anything (one a walk takes,
//! stops at or leaves unexplored, and the commits asked about) is checked against its parents'
//! first, and a contradiction ends the run with [`ViewError::DamagedGraph`] (see
//! [`Ancestry::check`]).

use std::collections::{HashMap, HashSet};

use super::{Git, to_id, to_oid};
use crate::rules::{Id, ViewError};

/// Parents and generation numbers of a set of commits closed under parents, by position.
pub(super) trait Source {
    /// How many commits it holds: positions are below this.
    fn len(&self) -> u32;
    fn lookup(&self, id: Id) -> Option<u32>;
    fn id(&self, pos: u32) -> Result<Id, ViewError>;
    /// Greater than every parent's.
    fn generation(&self, pos: u32) -> Result<u32, ViewError>;
    /// Parents in order, by position.
    fn parents(&self, pos: u32, into: &mut Vec<u32>) -> Result<(), ViewError>;
    /// The generation, with the parents put `into`: one read of the entry where a file has one.
    fn entry(&self, pos: u32, into: &mut Vec<u32>) -> Result<u32, ViewError> {
        self.parents(pos, into)?;
        self.generation(pos)
    }
    /// Whether its generations need no checking: computed here rather than read from a file.
    fn trusted(&self) -> bool {
        false
    }
}

/// A commit, by graph position when the graph has it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
enum Node {
    Graph(u32),
    Loose(Id),
}

/// What is known of a commit outside the graph.
#[derive(Clone)]
pub(super) struct Loose {
    parents: Vec<Node>,
    generation: Option<u32>,
}

pub(super) type LooseCache = HashMap<Id, Loose>;

/// Generation numbers this large are capped in the file; no pruning is done above them.
pub(super) const GENERATION_MAX: u32 = 0x3fff_ffff;

struct Ancestry<'a> {
    git: &'a Git,
    graph: &'a dyn Source,
}

pub(super) fn parents(git: &Git, graph: &dyn Source, id: Id) -> Result<Vec<Id>, ViewError> {
    let a = Ancestry { git, graph };
    a.parents(a.node(id))?
        .into_iter()
        .map(|p| a.id(p))
        .collect()
}

pub(super) fn is_ancestor_of_any(
    git: &Git,
    graph: &dyn Source,
    ancestor: Id,
    descendants: &[Id],
) -> Result<bool, ViewError> {
    Ancestry { git, graph }.is_ancestor_of_any(ancestor, descendants)
}

pub(super) fn walk(
    git: &Git,
    graph: &dyn Source,
    tips: &[Id],
    hide: &[Id],
) -> Result<Vec<Id>, ViewError> {
    Ancestry { git, graph }.walk(tips, hide)
}

pub(super) fn reachable_among(
    git: &Git,
    graph: &dyn Source,
    candidates: &[Id],
    tips: &[Id],
    hide: &[Id],
) -> Result<Vec<Vec<Id>>, ViewError> {
    Ancestry { git, graph }.reachable_among(candidates, tips, hide)
}

/// The generation of the commit at `pos`, checked against its parents'.
pub(super) fn checked_generation(
    git: &Git,
    graph: &dyn Source,
    pos: u32,
) -> Result<u32, ViewError> {
    let a = Ancestry { git, graph };
    let node = Node::Graph(pos);
    a.check_node(node)?;
    a.generation(node)
}

impl Ancestry<'_> {
    fn node(&self, id: Id) -> Node {
        match self.graph.lookup(id) {
            Some(pos) => Node::Graph(pos),
            None => Node::Loose(id),
        }
    }

    fn id(&self, node: Node) -> Result<Id, ViewError> {
        match node {
            Node::Graph(pos) => self.graph.id(pos),
            Node::Loose(id) => Ok(id),
        }
    }

    fn parents(&self, node: Node) -> Result<Vec<Node>, ViewError> {
        match node {
            Node::Graph(pos) => {
                let mut parents = Vec::with_capacity(2);
                self.graph.parents(pos, &mut parents)?;
                Ok(parents.into_iter().map(Node::Graph).collect())
            }
            Node::Loose(id) => Ok(self.loose(id)?.parents),
        }
    }

    fn loose(&self, id: Id) -> Result<Loose, ViewError> {
        if let Some(known) = self.git.loose.borrow().get(&id) {
            return Ok(known.clone());
        }
        let commit = self
            .git
            .repo
            .find_commit(to_oid(id))
            .map_err(|_| ViewError::Missing(id))?;
        let loose = Loose {
            parents: commit.parent_ids().map(|p| self.node(to_id(p))).collect(),
            generation: None,
        };
        self.git.loose.borrow_mut().insert(id, loose.clone());
        Ok(loose)
    }

    fn generation(&self, node: Node) -> Result<u32, ViewError> {
        match node {
            Node::Graph(pos) => self.graph.generation(pos),
            Node::Loose(id) => self.loose_generation(id),
        }
    }

    /// One more than the greatest parent's, computed down to the graph (children after
    /// parents, without recursion: the region outside the graph may be long).
    fn loose_generation(&self, id: Id) -> Result<u32, ViewError> {
        let mut stack = vec![(id, false)];
        while let Some((commit, parents_done)) = stack.pop() {
            let loose = self.loose(commit)?;
            if loose.generation.is_some() {
                continue;
            }
            if !parents_done {
                stack.push((commit, true));
                for parent in &loose.parents {
                    if let Node::Loose(p) = *parent {
                        if self.loose(p)?.generation.is_none() {
                            stack.push((p, false));
                        }
                    }
                }
                continue;
            }
            let mut generation = 1u32;
            for &parent in &loose.parents {
                let g = match parent {
                    Node::Graph(pos) => self.graph.generation(pos)?,
                    Node::Loose(p) => self.loose(p)?.generation.unwrap_or(GENERATION_MAX),
                };
                generation = generation.max(g.saturating_add(1));
            }
            if let Some(entry) = self.git.loose.borrow_mut().get_mut(&commit) {
                entry.generation = Some(generation);
            }
        }
        Ok(self.loose(id)?.generation.unwrap_or(GENERATION_MAX))
    }

    /// Checks a generation read from the commit-graph against the parents': git computes it
    /// as one more than the highest parent's (1 for a root), capped at [`GENERATION_MAX`]. A
    /// walk's answer depends on the generations of the commits it takes, stops at and leaves
    /// unexplored, and of the commits asked about; with each of those checked, no single
    /// damaged generation can change an answer unnoticed (two that agree with each other, down
    /// a line of commits, can: `git commit-graph verify` reads the whole file). Commits outside
    /// the graph have generations computed here, which need no check.
    fn check(&self, node: Node, generation: u32, parents: &[u32]) -> Result<(), ViewError> {
        if matches!(node, Node::Loose(_)) || self.graph.trusted() {
            return Ok(());
        }
        let highest = parents.iter().copied().max().unwrap_or(0);
        let expected = highest.saturating_add(1).min(GENERATION_MAX);
        if generation == expected {
            return Ok(());
        }
        Err(self.git.distrust(self.id(node)?, generation, expected))
    }

    /// [`check`](Self::check), reading the commit's parents.
    fn check_node(&self, node: Node) -> Result<(), ViewError> {
        if matches!(node, Node::Loose(_)) || self.graph.trusted() {
            return Ok(());
        }
        let parents = self.generations(&self.parents(node)?)?;
        self.check(node, self.generation(node)?, &parents)
    }

    fn generations(&self, nodes: &[Node]) -> Result<Vec<u32>, ViewError> {
        nodes.iter().map(|&n| self.generation(n)).collect()
    }

    /// Depth first from each descendant, first parents first (a `true` usually lies down the
    /// first-parent line), never below the ancestor's generation. Descendants are tried
    /// nearest generation first, and a commit a failed search went through is not searched
    /// again: it does not reach the ancestor.
    fn is_ancestor_of_any(&self, ancestor: Id, descendants: &[Id]) -> Result<bool, ViewError> {
        // A generation remembered from an earlier run mostly settles it without looking the
        // ancestor up: no descendant at or below it can reach it.
        if let Some(floor) = self.git.remembered_generation(ancestor) {
            let mut above = false;
            for &descendant in descendants {
                if self.generation(self.node(descendant))? > floor {
                    above = true;
                    break;
                }
            }
            if !above {
                // Remembered levels were checked when learned; the descendants' are read now.
                for &descendant in descendants {
                    self.check_node(self.node(descendant))?;
                }
                return Ok(false);
            }
        }
        let target = self.node(ancestor);
        let loose_target = matches!(target, Node::Loose(_));
        let mut starts = Vec::new();
        for &descendant in descendants {
            let start = self.node(descendant);
            // Nothing in the graph descends from a commit outside it.
            if !(loose_target && matches!(start, Node::Graph(_))) {
                starts.push((self.generation(start)?, start));
            }
        }
        if starts.is_empty() {
            return Ok(false);
        }
        self.check_node(target)?;
        let floor = match self.generation(target)? {
            g if g >= GENERATION_MAX => 0,
            g => g,
        };
        // A commit not searched because of its generation is checked: a lowered one would
        // hide the ancestor below it.
        for &(generation, start) in &starts {
            if generation <= floor {
                self.check_node(start)?;
            }
        }
        starts.retain(|&(generation, _)| generation > floor);
        starts.sort();
        let mut seen = self.git.seen.borrow_mut();
        seen.reset(self.graph.len());
        let mut loose_seen = HashSet::new();
        let mut fresh = |node: Node| match node {
            Node::Graph(_) if loose_target => false,
            Node::Graph(pos) => seen.insert(pos),
            Node::Loose(id) => loose_seen.insert(id),
        };
        for (_, start) in starts {
            if !fresh(start) {
                continue;
            }
            let mut stack = vec![start];
            while let Some(node) = stack.pop() {
                for parent in self.parents(node)?.into_iter().rev() {
                    if parent == target {
                        return Ok(true);
                    }
                    if fresh(parent) {
                        if self.generation(parent)? > floor {
                            stack.push(parent);
                        } else {
                            self.check_node(parent)?;
                        }
                    }
                }
            }
        }
        Ok(false)
    }

    /// The commits reachable from `tips` and not from `hide`, children before parents.
    ///
    /// Commits are taken in decreasing generation, commits outside the graph first (no graph
    /// commit reaches them), so a commit's mark is final when it is taken: every commit that
    /// could reach it came earlier. The walk ends when nothing wanted is left, which for a
    /// push is as soon as the pushed commits are taken and their parents are hidden.
    fn walk(&self, tips: &[Id], hide: &[Id]) -> Result<Vec<Id>, ViewError> {
        let mut frontier = Frontier::new(0);
        for &id in hide {
            self.start(&mut frontier, id, true, &[])?;
        }
        for &id in tips {
            self.start(&mut frontier, id, false, &[])?;
        }
        let mut out = Vec::new();
        let mut none: [u64; 0] = [];
        let mut buffers = Buffers::default();
        while let Some(taken) = frontier.take(&mut none) {
            if !taken.hidden {
                out.push(self.id(taken.node)?);
            }
            self.expand(&mut frontier, &taken, &[], &mut buffers, None)?;
        }
        frontier.check_left(self)?;
        *self.git.hidden.borrow_mut() = Hidden::of(hide, frontier, |id| self.node(id));
        Ok(out)
    }

    /// For each of `tips`, those of `candidates` reachable from it and not from `hide`: one
    /// walk, as [`walk`](Self::walk) goes, with each commit coloured by the tips that reach it.
    /// Besides ending when nothing wanted is left, it ends below the lowest candidate in the
    /// graph (nothing lower reaches one), or as soon as it enters the graph when every
    /// candidate is outside it. A push's roots based on old commits then cost a walk through
    /// the commits of the tips that `hide` lacks, once, not one through history per root.
    fn reachable_among(
        &self,
        candidates: &[Id],
        tips: &[Id],
        hide: &[Id],
    ) -> Result<Vec<Vec<Id>>, ViewError> {
        let mut reached = vec![Vec::new(); tips.len()];
        if candidates.is_empty() || tips.is_empty() {
            return Ok(reached);
        }
        // Each candidate, with the tips that reach it once it is taken.
        let mut colours: HashMap<Node, Vec<u64>> = HashMap::new();
        let mut lowest: Option<u32> = None;
        for &candidate in candidates {
            let node = self.node(candidate);
            if let Node::Graph(_) = node {
                // The walk stops below it: its generation decides.
                self.check_node(node)?;
                let generation = self.generation(node)?;
                lowest = Some(lowest.map_or(generation, |l| l.min(generation)));
            }
            colours.insert(node, Vec::new());
        }
        let words = tips.len().div_ceil(64);
        let mut frontier = Frontier::new(words);
        // The last walk's hidden commits, when it hid the same and they reach below every
        // candidate: then no hidden commit needs walking again.
        let cache = self.git.hidden.borrow();
        let known = cache
            .as_ref()
            .filter(|h| h.hide == hide && lowest.is_some_and(|l| l > h.above));
        if known.is_none() {
            for &id in hide {
                self.start(&mut frontier, id, true, &[])?;
            }
        }
        for (i, &id) in tips.iter().enumerate() {
            let mut colour = vec![0u64; words];
            colour[i / 64] |= 1 << (i % 64);
            let node = self.node(id);
            let mut positions = Vec::new();
            let generation = self.read(node, &mut positions)?;
            let hidden = known.is_some_and(|h| h.hides(node, generation));
            frontier.add(node, generation, &positions, hidden, &colour);
        }
        let mut colour = vec![0u64; words];
        let zero = vec![0u64; words];
        let mut buffers = Buffers::default();
        while let Some((loose, generation)) = frontier.next() {
            if !loose && lowest.is_none_or(|l| generation < l) {
                break;
            }
            let Some(taken) = frontier.take(&mut colour) else {
                break;
            };
            if !taken.hidden
                && let Some(found) = colours.get_mut(&taken.node)
            {
                found.clone_from(&colour);
            }
            if taken.hidden && known.is_some() {
                // Every ancestor of a hidden commit is hidden, and known to be.
                self.check_node(taken.node)?;
                continue;
            }
            let passed = if taken.hidden { &zero } else { &colour };
            self.expand(&mut frontier, &taken, passed, &mut buffers, known)?;
        }
        // With every candidate outside the graph, the walk ends where the graph begins and no
        // generation read from it decided anything (those of commits outside it are one more
        // than their parents' whatever the parents' are).
        if lowest.is_some() {
            frontier.check_left(self)?;
        }
        for &candidate in candidates {
            let Some(colour) = colours.get(&self.node(candidate)) else {
                continue;
            };
            for (i, list) in reached.iter_mut().enumerate() {
                if colour.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0) {
                    list.push(candidate);
                }
            }
        }
        Ok(reached)
    }

    /// Puts a commit the walk starts from on the frontier.
    fn start(
        &self,
        frontier: &mut Frontier,
        id: Id,
        hidden: bool,
        colour: &[u64],
    ) -> Result<(), ViewError> {
        let node = self.node(id);
        let mut positions = Vec::new();
        let generation = self.read(node, &mut positions)?;
        frontier.add(node, generation, &positions, hidden, colour);
        Ok(())
    }

    /// Checks a taken commit and puts its parents on the frontier, hidden if it is, coloured
    /// with `colour`. A commit of the graph is read once, when it is reached: its parents are
    /// kept on the frontier with its generation.
    fn expand(
        &self,
        frontier: &mut Frontier,
        taken: &Taken,
        colour: &[u64],
        buffers: &mut Buffers,
        known: Option<&Hidden>,
    ) -> Result<(), ViewError> {
        let Buffers {
            parents,
            positions,
            generations,
        } = buffers;
        parents.clear();
        generations.clear();
        match taken.node {
            Node::Graph(_) => frontier.parents(taken.slot, parents),
            Node::Loose(id) => parents.extend(self.loose(id)?.parents),
        }
        for &parent in parents.iter() {
            let generation = match frontier.generation(parent) {
                Some(generation) => generation,
                None => {
                    positions.clear();
                    let generation = self.read(parent, positions)?;
                    let hidden = taken.hidden || known.is_some_and(|h| h.hides(parent, generation));
                    frontier.add(parent, generation, positions, hidden, colour);
                    generation
                }
            };
            generations.push(generation);
        }
        self.check(taken.node, taken.generation, generations)?;
        for (&parent, &generation) in parents.iter().zip(generations.iter()) {
            frontier.add(parent, generation, &[], taken.hidden, colour);
        }
        Ok(())
    }

    /// A commit's generation, with its parents' positions `into` when it is in the graph.
    fn read(&self, node: Node, into: &mut Vec<u32>) -> Result<u32, ViewError> {
        match node {
            Node::Graph(pos) => self.graph.entry(pos, into),
            Node::Loose(_) => self.generation(node),
        }
    }
}

/// The commits the last [`Ancestry::walk`] hid: every ancestor of `hide` in the graph whose
/// generation is above `above`, the highest left on its frontier when it ended.
/// `flow/foreign` asks which roots the other branches reach, hiding what the walk that found
/// the roots hid: the roots' old bases then cost one walk through history, not two.
pub(super) struct Hidden {
    hide: Vec<Id>,
    above: u32,
    frontier: Frontier,
}

impl Hidden {
    /// What a finished walk hid, when it hid only commits of the graph and ended in it.
    fn of(hide: &[Id], frontier: Frontier, node: impl Fn(Id) -> Node) -> Option<Hidden> {
        if hide.iter().any(|&id| matches!(node(id), Node::Loose(_))) {
            return None;
        }
        // An ancestor of `hide` not taken has one on the frontier at or above its generation
        // (the first not taken on its way from `hide`): every one above the frontier's highest
        // was taken, and marked.
        let above = match frontier.top() {
            None => 0,
            Some((false, generation)) => generation,
            Some((true, _)) => return None,
        };
        Some(Hidden {
            hide: hide.to_vec(),
            above,
            frontier,
        })
    }

    /// Whether a commit of the graph above `above` is an ancestor of `hide`.
    fn hides(&self, node: Node, generation: u32) -> bool {
        matches!(node, Node::Graph(_))
            && generation > self.above
            && self.frontier.hidden(node) == Some(true)
    }
}

/// What [`Ancestry::expand`] reuses from one commit to the next.
#[derive(Default)]
struct Buffers {
    parents: Vec<Node>,
    positions: Vec<u32>,
    generations: Vec<u32>,
}

/// A set of graph positions: a bit per commit, in blocks made when a position in them is first
/// added, and cleared word by word after use. A walk over a few commits of a million-commit
/// graph then costs a few words and the blocks they fall in, where one flat bitmap was 125 KB
/// written full of zeros on the first question (27 page faults of a push's 550).
#[derive(Default)]
pub(super) struct PositionSet {
    blocks: Vec<Option<Box<[u64]>>>,
    /// Words with a bit set, as word indices.
    touched: Vec<u32>,
}

/// 512 words: one 4 KB page of bits, 32,768 positions.
const BLOCK_WORDS: usize = 512;

impl PositionSet {
    fn reset(&mut self, count: u32) {
        for &word in &self.touched {
            let word = word as usize;
            if let Some(block) = &mut self.blocks[word / BLOCK_WORDS] {
                block[word % BLOCK_WORDS] = 0;
            }
        }
        self.touched.clear();
        let blocks = (count as usize).div_ceil(64 * BLOCK_WORDS);
        if self.blocks.len() < blocks {
            self.blocks.resize_with(blocks, || None);
        }
    }

    /// Adds `pos`; false when it was already there.
    fn insert(&mut self, pos: u32) -> bool {
        let (word, bit) = ((pos / 64) as usize, 1u64 << (pos % 64));
        let block = self.blocks[word / BLOCK_WORDS]
            .get_or_insert_with(|| vec![0; BLOCK_WORDS].into_boxed_slice());
        let slot = &mut block[word % BLOCK_WORDS];
        if *slot & bit != 0 {
            return false;
        }
        if *slot == 0 {
            self.touched.push(pos / 64);
        }
        *slot |= bit;
        true
    }
}

mod frontier;
#[cfg(test)]
mod tests;

use frontier::{Frontier, Taken};
