//! Findings that last: a condition that holds over consecutive steps of a branch is one
//! finding, with every step it held at (a 44,000-commit history without a version file for
//! most of its life is one finding, not 17,000).

use std::collections::HashMap;
use std::hash::Hash;

use crate::rules::view::Id;
use crate::rules::{RuleId, Violation};

/// One step of the replay: the commit a ref moved to (the tagged commit, for a tag), and when
/// (seconds since the epoch, corrected for what the commit contains).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub commit: Id,
    pub time: i64,
}

/// One rule broken over consecutive steps of one ref (a tag has one step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub refname: String,
    pub rule: RuleId,
    /// Every step it held at, oldest first, with what was found there.
    pub steps: Vec<(Step, Vec<Violation>)>,
}

impl Finding {
    pub fn first(&self) -> Step {
        self.steps[0].0
    }

    pub fn last(&self) -> Step {
        self.steps[self.steps.len() - 1].0
    }

    /// What the first step broke: the finding as people read it.
    pub fn violation(&self) -> &Violation {
        &self.steps[0].1[0]
    }

    /// Every violation of every step.
    pub fn violations(&self) -> impl Iterator<Item = (Step, &Violation)> {
        self.steps
            .iter()
            .flat_map(|(step, vs)| vs.iter().map(move |v| (*step, v)))
    }
}

/// Consecutive steps of one ref whose version rules could not be judged for one reason (their
/// flow rules were).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unjudged {
    pub refname: String,
    /// The reason, the same at every step of the span (e.g. which file does not parse).
    pub why: String,
    /// Every step, oldest first, with the error as it was there.
    pub steps: Vec<(Step, String)>,
}

impl Unjudged {
    pub fn first(&self) -> Step {
        self.steps[0].0
    }

    pub fn last(&self) -> Step {
        self.steps[self.steps.len() - 1].0
    }
}

/// Collects the steps' results, extending a finding while its condition holds.
#[derive(Default)]
pub struct Spans {
    findings: Vec<Finding>,
    unjudged: Vec<Unjudged>,
    /// (ref, rule) to the finding still open and the ordinal of its last step.
    open: HashMap<(String, RuleId), (usize, usize)>,
    open_unjudged: HashMap<(String, String), (usize, usize)>,
}

impl Spans {
    /// What step `ordinal` of `refname` (a tag: `None`, never continued) found.
    pub fn record(
        &mut self,
        refname: &str,
        ordinal: Option<usize>,
        step: Step,
        violations: Vec<Violation>,
    ) {
        let mut by_rule: Vec<(RuleId, Vec<Violation>)> = Vec::new();
        for v in violations {
            match by_rule.iter_mut().find(|(rule, _)| *rule == v.rule) {
                Some((_, vs)) => vs.push(v),
                None => by_rule.push((v.rule, vec![v])),
            }
        }
        for (rule, vs) in by_rule {
            let key = (refname.to_owned(), rule);
            let i = span(&mut self.open, &mut self.findings, key, ordinal, || {
                Finding {
                    refname: refname.to_owned(),
                    rule,
                    steps: Vec::new(),
                }
            });
            self.findings[i].steps.push((step, vs));
        }
    }

    /// Step `ordinal` of `refname` could not have its version rules judged, for `why`.
    pub fn unjudged(
        &mut self,
        refname: &str,
        ordinal: Option<usize>,
        step: Step,
        why: String,
        error: String,
    ) {
        let key = (refname.to_owned(), why.clone());
        let i = span(
            &mut self.open_unjudged,
            &mut self.unjudged,
            key,
            ordinal,
            || Unjudged {
                refname: refname.to_owned(),
                why,
                steps: Vec::new(),
            },
        );
        self.unjudged[i].steps.push((step, error));
    }

    /// The findings and unjudged spans, in the order they began.
    pub fn finish(mut self) -> (Vec<Finding>, Vec<Unjudged>) {
        self.findings.sort_by_key(|f| f.first().time);
        self.unjudged.sort_by_key(|u| u.first().time);
        (self.findings, self.unjudged)
    }
}

/// The span of `key` that step `ordinal` continues (its last step is the one before), else a
/// new one from `start` (always for a tag's step, `None`); either way left open at `ordinal`.
fn span<K: Eq + Hash, T>(
    open: &mut HashMap<K, (usize, usize)>,
    spans: &mut Vec<T>,
    key: K,
    ordinal: Option<usize>,
    start: impl FnOnce() -> T,
) -> usize {
    let continued = ordinal.and_then(|n| {
        open.get(&key)
            .filter(|(_, last)| last + 1 == n)
            .map(|(i, _)| *i)
    });
    let index = continued.unwrap_or_else(|| {
        spans.push(start());
        spans.len() - 1
    });
    if let Some(n) = ordinal {
        open.insert(key, (index, n));
    }
    index
}
