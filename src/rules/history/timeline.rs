//! Where every other protected branch stood when a step was pushed: topology first, timestamps
//! only where topology cannot tell.
//!
//! Commit dates are not an order (same-second rebases, clocks that are off, author dates older
//! than their parents'). What is certain is ancestry: a commit a step contains existed before
//! it, and a commit that contains the step was made after it. So each other branch stands at
//! least at the newest commit of its own chain the step contains, and before the first one that
//! contains the step; between these bounds the (ancestry-corrected) dates place it. A push
//! happened at some moment between its commit and the branch's next one, and the replay judges
//! it as the server would have at the kindest such moment: the branches it takes from as far
//! along as that window allows (a feature freeze bumps `master` before `rc` takes the commit
//! before the bump, whatever the merge's date says), every other branch as early as it allows.
//! A branch with no commits of its own stands where it was cut, as soon as that commit exists.

use std::collections::HashMap;

use super::chains::Segment;
use crate::rules::view::{Id, RepoView, ViewError};

/// No commit of a chain: the branch had none of its own in a step's ancestry.
const NONE: u32 = u32::MAX;

/// Where a branch stood: not yet, where it was cut, or at its `i`-th own commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Absent,
    Base,
    Own(usize),
}

/// The chains of the protected branches, with what each own commit contains of the others.
pub struct Timeline<'s> {
    pub segments: &'s [Segment],
    /// Which segment made a commit, and its index there.
    owner: HashMap<Id, (usize, usize)>,
    /// Per segment, per own commit: the newest own index of every segment in its ancestry.
    lower: Vec<Vec<Vec<u32>>>,
    /// Per segment, per own commit: its date, raised to the dates of everything it contains.
    time: Vec<Vec<i64>>,
    /// Per segment: where its base sits (owning segment and index), and the base's time.
    base: Vec<Option<((usize, usize), i64)>>,
}

impl<'s> Timeline<'s> {
    /// Reads the ancestry of every step once: what each step brings beyond the step before.
    pub fn new(segments: &'s [Segment], view: &dyn RepoView) -> Result<Self, ViewError> {
        let n = segments.len();
        let mut owner = HashMap::new();
        for (s, segment) in segments.iter().enumerate() {
            for (i, &commit) in segment.commits.iter().enumerate() {
                owner.insert(commit, (s, i));
            }
        }
        let mut timeline = Timeline {
            segments,
            owner,
            lower: Vec::with_capacity(n),
            time: Vec::with_capacity(n),
            base: Vec::with_capacity(n),
        };
        // A base is owned by a segment listed earlier, so its vector is known by then.
        for segment in segments {
            let base = match segment.base {
                Some(id) => match timeline.owner.get(&id) {
                    Some(&(o, j)) => Some(((o, j), timeline.time[o][j])),
                    None => None,
                },
                None => None,
            };
            let (mut vector, mut clock) = match base {
                Some(((o, j), time)) => {
                    let mut vector = timeline.lower[o][j].clone();
                    vector[o] = j as u32;
                    (vector, time)
                }
                None => (vec![NONE; n], i64::MIN),
            };
            let mut lower = Vec::with_capacity(segment.commits.len());
            let mut time = Vec::with_capacity(segment.commits.len());
            let mut previous = segment.base;
            for &commit in &segment.commits {
                let hide: Vec<Id> = previous.into_iter().collect();
                for reached in view.walk(&[commit], &hide)? {
                    if let Some(&(x, i)) = timeline.owner.get(&reached)
                        && (vector[x] == NONE || vector[x] < i as u32)
                    {
                        vector[x] = i as u32;
                    }
                }
                clock = clock.max(view.commit(commit)?.time);
                for (x, &i) in vector.iter().enumerate() {
                    if i != NONE && x < timeline.time.len() {
                        clock = clock.max(timeline.time[x][i as usize]);
                    }
                }
                lower.push(vector.clone());
                time.push(clock);
                previous = Some(commit);
            }
            timeline.base.push(base);
            timeline.lower.push(lower);
            timeline.time.push(time);
        }
        Ok(timeline)
    }

    /// Which segment made `commit`, and its index there.
    pub fn owner(&self, commit: Id) -> Option<(usize, usize)> {
        self.owner.get(&commit).copied()
    }

    /// The date of own step `k` of segment `s`, corrected for what it contains.
    pub fn time(&self, s: usize, k: usize) -> i64 {
        self.time[s][k]
    }

    /// Whether the commit at (`x`, `i`) contains own step `k` of segment `b`.
    pub fn contains(&self, (x, i): (usize, usize), (b, k): (usize, usize)) -> bool {
        if x == b {
            return i >= k;
        }
        let newest = self.lower[x][i][b];
        newest != NONE && newest as usize >= k
    }

    /// Whether `x`'s position contains own step `k` of `b` (so it cannot be there yet).
    fn position_contains(&self, x: usize, position: Position, step: (usize, usize)) -> bool {
        match position {
            Position::Absent => false,
            Position::Own(i) => self.contains((x, i), step),
            Position::Base => self.base[x].is_some_and(|(at, _)| self.contains(at, step)),
        }
    }

    /// The commit at a position.
    pub fn commit_at(&self, x: usize, position: Position) -> Option<Id> {
        match position {
            Position::Absent => None,
            Position::Base => self.segments[x].base,
            Position::Own(i) => Some(self.segments[x].commits[i]),
        }
    }

    /// The newest position of `x` dated at or before `until`. `early`: as late as `x` can have
    /// been created (where it was cut counts only from its first own commit); otherwise as
    /// soon as it could have been.
    fn dated(&self, x: usize, until: i64, early: bool) -> Position {
        let times = &self.time[x];
        let own = times.partition_point(|&t| t <= until);
        if own > 0 {
            return Position::Own(own - 1);
        }
        match self.base[x] {
            Some((_, time)) if !early && time <= until => Position::Base,
            _ => Position::Absent,
        }
    }

    /// Where `x` stood when the commit `at` was pushed, `until` being the latest moment the
    /// push can have happened at by the dates; `early` as in [`Self::dated`]. `at` is a step
    /// (a new commit: nothing containing it existed yet) or, for a ref created at an existing
    /// commit, `None` with `contained` the newest own indexes that commit contains.
    pub fn position(
        &self,
        x: usize,
        until: i64,
        early: bool,
        at: Option<(usize, usize)>,
        contained: &[u32],
    ) -> Position {
        let mut position = self.dated(x, until, early);
        let floor = contained[x];
        if floor != NONE {
            let floor = floor as usize;
            if !matches!(position, Position::Own(i) if i >= floor) {
                position = Position::Own(floor);
            }
        }
        let Some(step) = at else {
            return position;
        };
        // Back off to the newest position that does not contain the step.
        while self.position_contains(x, position, step) {
            position = match position {
                Position::Own(0) if early => Position::Absent,
                Position::Own(0) => Position::Base,
                Position::Own(i) => Position::Own(i - 1),
                Position::Base | Position::Absent => Position::Absent,
            };
        }
        position
    }

    /// The newest own indexes, per segment, contained in own step `k` of `s`.
    pub fn contained_in_step(&self, s: usize, k: usize) -> &[u32] {
        &self.lower[s][k]
    }

    /// The newest own indexes, per segment, contained in `commit` (an owned commit, or one
    /// merely reachable from a step: then nothing is known and nothing is forced).
    pub fn contained_in(&self, commit: Id) -> Vec<u32> {
        match self.owner(commit) {
            Some((s, i)) => {
                let mut vector = self.lower[s][i].clone();
                vector[s] = i as u32;
                vector
            }
            None => vec![NONE; self.segments.len()],
        }
    }

    /// The time a position of `x` started at, for a tag's own commit: its corrected date.
    pub fn owned_time(&self, commit: Id) -> Option<i64> {
        self.owner(commit).map(|(s, i)| self.time[s][i])
    }
}
