//! The whole commit graph in memory with generation numbers, so that the many ancestry
//! questions of a history replay cost what lies between the commits asked about, not the
//! history below them.

use std::cell::RefCell;
use std::collections::{BinaryHeap, HashMap, HashSet};

use crate::rules::RefState;
use crate::rules::view::{CommitInfo, Id, Peeled, RepoView, Stamp, ViewError};

/// A view answering `parents`, `is_ancestor` and `walk` from memory for every commit reachable
/// from the tips it was built from; everything else (messages, files, tags) is the inner
/// view's, with commit information cached since a replay asks for the same commits often.
pub struct Indexed<'a> {
    inner: &'a dyn RepoView,
    index: HashMap<Id, u32>,
    ids: Vec<Id>,
    parents: Vec<Vec<u32>>,
    /// 1 for a root, else one more than the highest parent: a commit's ancestors all have a
    /// lower generation, so a search for an ancestor can stop below it.
    generation: Vec<u32>,
    /// A depth-first post-order number (parents first), and the lowest one among a commit's
    /// ancestors: every ancestor's number lies in `low..=post`, so most commits that are not
    /// ancestors are known not to be without a search, and a search skips whole subgraphs.
    post: Vec<u32>,
    low: Vec<u32>,
    infos: RefCell<HashMap<Id, CommitInfo>>,
}

const INTERESTING: u8 = 1;
const HIDDEN: u8 = 2;
const DONE: u8 = 4;

impl<'a> Indexed<'a> {
    /// The graph of every commit the refs reach (annotated tags peeled; other objects skipped).
    pub fn of_refs(inner: &'a dyn RepoView, refs: &RefState) -> Result<Indexed<'a>, ViewError> {
        let mut tips = Vec::new();
        for &id in refs.values() {
            if let Peeled::Commit(commit) = inner.peel(id)? {
                tips.push(commit);
            }
        }
        Indexed::build(inner, &tips)
    }

    pub fn build(inner: &'a dyn RepoView, tips: &[Id]) -> Result<Indexed<'a>, ViewError> {
        // Children come before parents in a walk, so generations are filled in reverse.
        let ids = inner.walk(tips, &[])?;
        let index: HashMap<Id, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as u32))
            .collect();
        let mut parents = Vec::with_capacity(ids.len());
        for &id in &ids {
            let mut mine = Vec::new();
            for parent in inner.parents(id)? {
                mine.push(*index.get(&parent).ok_or(ViewError::Missing(parent))?);
            }
            parents.push(mine);
        }
        let mut generation = vec![0u32; ids.len()];
        for i in (0..ids.len()).rev() {
            let below = parents[i]
                .iter()
                .map(|&p| generation[p as usize])
                .max()
                .unwrap_or(0);
            generation[i] = below + 1;
        }
        let (post, low) = post_order(&parents);
        Ok(Indexed {
            inner,
            index,
            ids,
            parents,
            generation,
            post,
            low,
            infos: RefCell::new(HashMap::new()),
        })
    }

    /// Whether the ancestors of `n` can include the commit numbered `post` in post-order.
    fn may_reach(&self, n: u32, post: u32) -> bool {
        (self.low[n as usize]..=self.post[n as usize]).contains(&post)
    }

    fn indices(&self, ids: &[Id]) -> Option<Vec<u32>> {
        ids.iter().map(|id| self.index.get(id).copied()).collect()
    }

    fn gen_of(&self, i: u32) -> u32 {
        self.generation[i as usize]
    }
}

impl RepoView for Indexed<'_> {
    fn parents(&self, id: Id) -> Result<Vec<Id>, ViewError> {
        match self.index.get(&id) {
            Some(&i) => Ok(self.parents[i as usize]
                .iter()
                .map(|&p| self.ids[p as usize])
                .collect()),
            None => self.inner.parents(id),
        }
    }

    fn is_ancestor(&self, ancestor: Id, descendant: Id) -> Result<bool, ViewError> {
        if ancestor == descendant {
            return Ok(true);
        }
        let (Some(&a), Some(&d)) = (self.index.get(&ancestor), self.index.get(&descendant)) else {
            return self.inner.is_ancestor(ancestor, descendant);
        };
        let floor = self.gen_of(a);
        let target = self.post[a as usize];
        if floor >= self.gen_of(d) || !self.may_reach(d, target) {
            return Ok(false);
        }
        let mut stack = vec![d];
        let mut seen = HashSet::new();
        while let Some(n) = stack.pop() {
            for &p in &self.parents[n as usize] {
                if p == a {
                    return Ok(true);
                }
                if self.gen_of(p) > floor && self.may_reach(p, target) && seen.insert(p) {
                    stack.push(p);
                }
            }
        }
        Ok(false)
    }

    fn walk(&self, tips: &[Id], hide: &[Id]) -> Result<Vec<Id>, ViewError> {
        let (Some(tips), Some(hide)) = (self.indices(tips), self.indices(hide)) else {
            return self.inner.walk(tips, hide);
        };
        // Highest generation first: every descendant of a commit is handled before it, so a
        // commit's HIDDEN mark is final when it is popped. The walk ends when no interesting,
        // unhidden commit is left queued.
        let mut paint = Paint {
            generation: &self.generation,
            flags: HashMap::new(),
            heap: BinaryHeap::new(),
            live: 0,
        };
        for &t in &tips {
            paint.mark(t, INTERESTING);
        }
        for &h in &hide {
            paint.mark(h, HIDDEN);
        }
        let mut out = Vec::new();
        while paint.live > 0 {
            let Some((_, n)) = paint.heap.pop() else {
                break;
            };
            let flags = paint.flags.get(&n).copied().unwrap_or(0);
            paint.flags.insert(n, flags | DONE);
            let next = if flags & HIDDEN != 0 {
                HIDDEN
            } else {
                paint.live -= 1;
                out.push(self.ids[n as usize]);
                INTERESTING
            };
            for &p in &self.parents[n as usize] {
                paint.mark(p, next);
            }
        }
        Ok(out)
    }

    fn commit(&self, id: Id) -> Result<CommitInfo, ViewError> {
        if let Some(info) = self.infos.borrow().get(&id) {
            return Ok(info.clone());
        }
        let info = self.inner.commit(id)?;
        self.infos.borrow_mut().insert(id, info.clone());
        Ok(info)
    }

    fn read_file(&self, commit: Id, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        self.inner.read_file(commit, path)
    }

    fn list_files(&self, commit: Id, dir: &str) -> Result<Vec<String>, ViewError> {
        self.inner.list_files(commit, dir)
    }

    fn peel(&self, id: Id) -> Result<Peeled, ViewError> {
        self.inner.peel(id)
    }

    fn date(&self, id: Id) -> Result<Stamp, ViewError> {
        self.inner.date(id)
    }
}

/// The state of one walk: marks per commit and the queue, highest generation first.
struct Paint<'g> {
    generation: &'g [u32],
    flags: HashMap<u32, u8>,
    heap: BinaryHeap<(u32, u32)>,
    /// Queued commits that are interesting and not (yet) hidden.
    live: usize,
}

impl Paint<'_> {
    fn mark(&mut self, n: u32, flag: u8) {
        let old = self.flags.get(&n).copied().unwrap_or(0);
        if old & flag == flag {
            return;
        }
        let new = old | flag;
        self.flags.insert(n, new);
        if old == 0 {
            self.heap.push((self.generation[n as usize], n));
            if new == INTERESTING {
                self.live += 1;
            }
        } else if old & (DONE | HIDDEN) == 0 && new & HIDDEN != 0 {
            self.live -= 1;
        }
    }
}

/// Post-order numbers of a depth-first search that visits parents before their child, and for
/// each commit the lowest number among its ancestors (itself included). In a DAG an ancestor is
/// always finished before its descendant, so it is numbered between the two.
fn post_order(parents: &[Vec<u32>]) -> (Vec<u32>, Vec<u32>) {
    const UNSEEN: u32 = u32::MAX;
    let n = parents.len();
    let mut post = vec![UNSEEN; n];
    let mut low = vec![UNSEEN; n];
    let mut started = vec![false; n];
    let mut next = 0u32;
    for root in 0..n {
        if started[root] {
            continue;
        }
        started[root] = true;
        // (commit, how many of its parents have been looked at)
        let mut stack = vec![(root, 0usize)];
        while let Some((node, i)) = stack.pop() {
            if let Some(&p) = parents[node].get(i) {
                stack.push((node, i + 1));
                let p = p as usize;
                if !started[p] {
                    started[p] = true;
                    stack.push((p, 0));
                }
                continue;
            }
            post[node] = next;
            low[node] = parents[node]
                .iter()
                .map(|&p| low[p as usize])
                .fold(next, u32::min);
            next += 1;
        }
    }
    (post, low)
}
