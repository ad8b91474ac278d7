//! The commit graph built in memory when git's commit-graph file is missing or unusable (a
//! fresh clone, a CI checkout, grafts): what `git commit-graph write --reachable` would write,
//! read once from commit objects, so that ancestry costs what lies between the commits asked
//! about instead of libgit2's walks through history for every question.

use std::collections::HashMap;

use git2::Repository;

use super::ancestry::Source;
use super::{to_id, to_oid, view_err};
use crate::rules::{Id, ViewError};

/// Every commit reachable from the refs, numbered parents before children, with generation
/// numbers.
pub struct BuiltGraph {
    index: HashMap<Id, u32>,
    ids: Vec<Id>,
    /// The parents of position `i` are `parents[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    parents: Vec<u32>,
    /// 1 for a root, else one more than the highest parent's.
    generation: Vec<u32>,
}

/// A commit being visited: its parents, and how many of them have been looked at.
struct Frame {
    id: Id,
    parents: Vec<Id>,
    next: usize,
}

/// Marks a commit whose parents are still being visited.
const OPEN: u32 = u32::MAX;

impl BuiltGraph {
    /// The graph of every commit that `HEAD` and the refs reach (annotated tags peeled; refs
    /// that name no commit, or nothing readable, skipped as git does).
    pub fn of_refs(repo: &Repository) -> Result<BuiltGraph, ViewError> {
        let mut tips = Vec::new();
        let references = repo.references().map_err(view_err("list refs"))?;
        for reference in references.flatten() {
            if let Ok(commit) = reference.peel_to_commit() {
                tips.push(to_id(commit.id()));
            }
        }
        if let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) {
            tips.push(to_id(head.id()));
        }
        BuiltGraph::build(repo, &tips)
    }

    /// The graph of every commit `tips` reach. Parents come from libgit2, which applies grafts
    /// (`info/grafts`, a shallow clone's boundary) as git does.
    fn build(repo: &Repository, tips: &[Id]) -> Result<BuiltGraph, ViewError> {
        let mut graph = BuiltGraph {
            index: HashMap::new(),
            ids: Vec::new(),
            starts: vec![0],
            parents: Vec::new(),
            generation: Vec::new(),
        };
        let read = |id: Id| -> Result<Frame, ViewError> {
            let commit = repo
                .find_commit(to_oid(id))
                .map_err(|_| super::kind::not_a_commit(repo, id))?;
            let parents = commit.parent_ids().map(to_id).collect();
            Ok(Frame {
                id,
                parents,
                next: 0,
            })
        };
        // Depth first without recursion: a history may be a million commits deep.
        let mut stack = Vec::new();
        for &tip in tips {
            if graph.index.contains_key(&tip) {
                continue;
            }
            graph.index.insert(tip, OPEN);
            stack.push(read(tip)?);
            while let Some(frame) = stack.last_mut() {
                if let Some(&parent) = frame.parents.get(frame.next) {
                    frame.next += 1;
                    match graph.index.get(&parent) {
                        None => {
                            graph.index.insert(parent, OPEN);
                            stack.push(read(parent)?);
                        }
                        Some(&OPEN) => return Err(cycle(parent)),
                        Some(_) => {}
                    }
                } else if let Some(frame) = stack.pop() {
                    graph.finish(frame)?;
                }
            }
        }
        Ok(graph)
    }

    /// Numbers a commit whose parents all have their numbers.
    fn finish(&mut self, frame: Frame) -> Result<(), ViewError> {
        let pos = self.ids.len() as u32;
        let mut generation = 0;
        for parent in &frame.parents {
            let p = self.lookup(*parent).ok_or_else(|| cycle(*parent))?;
            self.parents.push(p);
            generation = generation.max(self.generation[p as usize]);
        }
        self.starts.push(self.parents.len() as u32);
        self.generation.push(generation + 1);
        self.ids.push(frame.id);
        self.index.insert(frame.id, pos);
        Ok(())
    }

    fn check(&self, pos: u32) -> Result<usize, ViewError> {
        if (pos as usize) < self.ids.len() {
            Ok(pos as usize)
        } else {
            Err(ViewError::Git {
                what: "read the commit graph".into(),
                source: format!("no commit at position {pos}").into(),
            })
        }
    }
}

impl Source for BuiltGraph {
    fn len(&self) -> u32 {
        self.ids.len() as u32
    }

    /// Built here from the commit objects, one more than the highest parent's by construction.
    fn trusted(&self) -> bool {
        true
    }

    fn lookup(&self, id: Id) -> Option<u32> {
        self.index.get(&id).copied().filter(|&pos| pos != OPEN)
    }

    fn id(&self, pos: u32) -> Result<Id, ViewError> {
        Ok(self.ids[self.check(pos)?])
    }

    fn generation(&self, pos: u32) -> Result<u32, ViewError> {
        Ok(self.generation[self.check(pos)?])
    }

    fn parents(&self, pos: u32, into: &mut Vec<u32>) -> Result<(), ViewError> {
        let i = self.check(pos)?;
        let (from, to) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        into.extend_from_slice(&self.parents[from..to]);
        Ok(())
    }
}

/// Only grafts can make a commit its own ancestor; git would loop, we say so.
fn cycle(id: Id) -> ViewError {
    ViewError::Git {
        what: "build the commit graph".into(),
        source: format!(
            "commit {id} is its own ancestor; check the grafts in `info/grafts` or `shallow`"
        )
        .into(),
    }
}
