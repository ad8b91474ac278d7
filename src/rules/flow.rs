//! flow/foreign, flow/source, flow/cherry-pick: which way commits may move between branches.

use std::cmp::Reverse;
use std::collections::HashSet;

use pep440_rs::Version;

use super::context::{Eval, EvalError, short};
use super::view::Id;
use super::{Entry, Message, RuleId, Update, cut_short};
use crate::policy::Accepts;
use crate::version;

pub fn check(cx: &mut Eval<'_>, update: &Update, class: usize, new: Id) -> Result<(), EvalError> {
    let branch = short(&update.refname).to_owned();
    let accepts = effective_accepts(cx, class);
    // Source tips are taken after the update set (an atomic freeze moves master and rc together).
    let mut sources: Vec<(String, usize, Id)> = cx
        .protected_after()
        .iter()
        .filter(|(name, c, _)| accepts.classes.contains(c) && *name != branch)
        .cloned()
        .collect();
    sources.sort_by_cached_key(|(name, class, _)| named_order(*class, name));
    let sources: Vec<(String, Id)> = sources
        .into_iter()
        .map(|(name, _, tip)| (name, tip))
        .collect();
    let mut hide: Vec<Id> = sources.iter().map(|(_, tip)| *tip).collect();
    hide.extend(update.old);
    // N: what enters the branch by this update and did not come through an allowed source.
    let entering = cx.view.walk(&[new], &hide)?;
    if entering.is_empty() {
        return Ok(());
    }
    let set: HashSet<Id> = entering.iter().copied().collect();
    let mut roots = Vec::new();
    for &commit in &entering {
        if !cx.view.parents(commit)?.iter().any(|p| set.contains(p)) {
            roots.push(commit);
        }
    }

    foreign(
        cx,
        update,
        (class, &branch, &accepts),
        (&roots, &set),
        (&hide, &sources),
    )?;
    if !accepts.unprotected {
        source(cx, update, &branch, &sources, new, &set)?;
    }
    if cx.policy.branches[class].cherry_pick && !accepts.unprotected {
        cherry_picks(cx, update, &branch, &sources, &entering)?;
    }
    Ok(())
}

/// flow/foreign: if any commit of N is in anc(P), one of N's roots is; so only roots are tested.
/// No root is in anc(hide) (N's definition), so the roots in anc(P) are those reachable from P
/// and not from `hide`: one walk over the commits of the P that `hide` lacks answers for all.
fn foreign(
    cx: &mut Eval<'_>,
    update: &Update,
    (class, branch, accepts): (usize, &str, &Accepts),
    (roots, entering): (&[Id], &HashSet<Id>),
    (hide, sources): (&[Id], &[(String, Id)]),
) -> Result<(), EvalError> {
    let mut others: Vec<(String, usize, Id)> = cx
        .protected_before()
        .iter()
        .filter(|(name, c, _)| name != branch && !accepts.classes.contains(c))
        .filter(|(_, c, _)| !(update.old.is_none() && feeds(cx, class, *c)))
        .cloned()
        .collect();
    others.extend(moved_alongside(cx, update, class, branch));
    let tips: Vec<Id> = others.iter().map(|(_, _, tip)| *tip).collect();
    let reached = cx.view.reachable_among(roots, &tips, hide)?;
    let mut from: Vec<(String, usize)> = Vec::new();
    let mut culprits: Vec<Id> = Vec::new();
    for ((name, class, tip), reached) in others.iter().zip(&reached) {
        if reached.is_empty() {
            continue;
        }
        // A branch the set moves is here twice, before and after: both tips count.
        culprits.push(*tip);
        if !from.iter().any(|(known, _)| known == name) {
            from.push((name.clone(), *class));
        }
    }
    if from.is_empty() {
        return Ok(());
    }
    // Every commit of N the other branches hold, not only N's roots: what `git log` shows.
    let offending: Vec<Id> = cx
        .view
        .walk(&culprits, hide)?
        .into_iter()
        .filter(|c| entering.contains(c))
        .collect();
    // Every version branch cut since a commit holds it: there may be dozens.
    from.sort_by_cached_key(|(name, class)| named_order(*class, name));
    let from: Vec<String> = from.iter().map(|(name, _)| format!("`{name}`")).collect();
    let allowed = allowed_sources(cx, class);
    let count = offending.len();
    let hint = foreign_hint(cx, update, (branch, sources), &offending)?;
    cx.report(
        RuleId::FlowForeign,
        &update.refname,
        &offending,
        Message::with_lists(|list| {
            format!(
                "{} of {} would enter `{branch}`, which accepts {allowed}",
                plural(count, "commit"),
                list(&from),
            )
        }),
        Some(hint),
    )
}

/// What fixes a foreign commit where the user is: take back the merge or the push, then bring
/// a single fix over by cherry-pick, naming one that is not a version bump (a bump must never
/// be picked: it would carry the source's version onto the branch).
fn foreign_hint(
    cx: &mut Eval<'_>,
    update: &Update,
    (branch, sources): (&str, &[(String, Id)]),
    offending: &[Id],
) -> Result<String, EvalError> {
    // A new branch cut from the wrong place (a version branch from master, not rc): cut it
    // again from its source, whose tip the one who pushed (or commits) has. A commit refused
    // leaves its changes staged, which the checkout would refuse to overwrite: they are put
    // aside first. A merge in progress is aborted first (below): the branch may be right.
    if update.old.is_none()
        && cx.entry != Entry::Merge
        && let Some((source, tip)) = sources.first()
    {
        let tip = tip.short();
        return Ok(if cx.entry == Entry::Commit {
            format!(
                "cut `{branch}` from `{source}` instead, putting your changes aside: `git stash && git checkout -B {branch} {tip}`, then make its own commits (its version) again (your changes are in the stash)"
            )
        } else {
            format!(
                "cut `{branch}` from `{source}` instead: `git checkout -B {branch} {tip}`, then make its own commits (its version) again"
            )
        });
    }
    let mut fix = None;
    for &commit in offending {
        if !bumps_version(cx, commit)? {
            fix = Some(commit);
            break;
        }
    }
    let pick = match fix {
        Some(fix) => format!(
            "bring a single fix over with `git cherry-pick -x {}`",
            fix.short()
        ),
        None => "none of them is a fix to pick: each changes the version".to_owned(),
    };
    let old = update.old.map(|o| o.short());
    Ok(match cx.entry.undo(branch, old.as_deref()) {
        Some(undo) => format!("{undo}; {pick}"),
        // The request's branch holds them: the fix goes on a branch of its own.
        None if cx.entry == Entry::Request && fix.is_some() => format!(
            "leave these commits out of the request: on a new branch from `{branch}`, {pick}"
        ),
        None => format!("leave these commits out of what goes into `{branch}`; {pick}"),
    })
}

/// Whether a commit changes the version its first parent carries (a bump). An unreadable
/// version counts as a change: the commit is not offered to pick.
fn bumps_version(cx: &mut Eval<'_>, commit: Id) -> Result<bool, EvalError> {
    let Some(&parent) = cx.view.parents(commit)?.first() else {
        return Ok(true);
    };
    let mine = cx
        .version_at(commit)
        .ok()
        .flatten()
        .map(|v| v.version.clone());
    let theirs = cx
        .version_at(parent)
        .ok()
        .flatten()
        .map(|v| v.version.clone());
    Ok(mine.is_none() || mine != theirs)
}

/// The protected branches the same update set moves or creates that the branch does not accept
/// and that do not accept it, at their tips after the set: a commit entering both would enter
/// two branches that do not accept each other, in one push (flow/foreign, SPEC.md). A branch
/// created by the set shares history with the branches it feeds, as with those already there.
fn moved_alongside(
    cx: &Eval<'_>,
    update: &Update,
    class: usize,
    branch: &str,
) -> Vec<(String, usize, Id)> {
    let accepts = &cx.policy.branches[class].accepts;
    cx.protected_after()
        .iter()
        .filter(|(name, c, tip)| {
            // A tip that differs from before is one the set moves or creates.
            name != branch
                && !accepts.classes.contains(c)
                && !cx.policy.branches[*c].accepts.classes.contains(&class)
                && cx.before.get(&format!("refs/heads/{name}")) != Some(tip)
                && !(update.old.is_none() && feeds(cx, class, *c))
        })
        .cloned()
        .collect()
}

/// What a branch accepts, widened where an allowed source does not exist yet (a new server,
/// protected branches pushed one at a time): the commits that could have reached the branch
/// through that source, its own sources', are allowed too.
fn effective_accepts(cx: &Eval<'_>, class: usize) -> Accepts {
    let mut accepts = cx.policy.branches[class].accepts.clone();
    let present: HashSet<usize> = cx.protected_after().iter().map(|(_, c, _)| *c).collect();
    let mut missing: Vec<usize> = accepts
        .classes
        .iter()
        .copied()
        .filter(|c| !present.contains(c))
        .collect();
    let mut seen: HashSet<usize> = HashSet::new();
    while let Some(source) = missing.pop() {
        if !seen.insert(source) {
            continue;
        }
        let theirs = &cx.policy.branches[source].accepts;
        accepts.unprotected |= theirs.unprotected;
        for &further in &theirs.classes {
            if further != class && !accepts.classes.contains(&further) {
                accepts.classes.push(further);
                if !present.contains(&further) {
                    missing.push(further);
                }
            }
        }
    }
    accepts
}

/// Whether commits flow from class `from` into class `into`, directly or through other
/// classes. A branch created after a branch it feeds shares history with it by nature (`rc`
/// was cut from master before master reached this server): that is not a back-merge.
fn feeds(cx: &Eval<'_>, from: usize, into: usize) -> bool {
    let mut stack = vec![into];
    let mut seen: HashSet<usize> = HashSet::new();
    while let Some(class) = stack.pop() {
        if !seen.insert(class) {
            continue;
        }
        let sources = &cx.policy.branches[class].accepts.classes;
        if sources.contains(&from) {
            return true;
        }
        stack.extend(sources.iter().copied());
    }
    false
}

/// flow/source: every merge on the branch's own first-parent line merges only allowed sources.
fn source(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
    sources: &[(String, Id)],
    new: Id,
    entering: &HashSet<Id>,
) -> Result<(), EvalError> {
    // A parent outside N is in anc(old) or anc(source tips) by N's definition; inside N it
    // must be on the first-parent line, i.e. made on the branch itself.
    let mut line = Vec::new();
    let mut cursor = Some(new);
    while let Some(commit) = cursor.filter(|c| entering.contains(c)) {
        line.push(commit);
        cursor = cx.view.parents(commit)?.first().copied();
    }
    let chain: HashSet<Id> = line.iter().copied().collect();
    let mut merges = Vec::new();
    let mut brought = Vec::new();
    // What the first such merge brought, as a range to cherry-pick from instead.
    let mut range = None;
    for commit in line {
        let parents = cx.view.parents(commit)?;
        if parents.len() < 2 {
            continue;
        }
        for parent in parents.iter().skip(1) {
            if entering.contains(parent) && !chain.contains(parent) {
                range.get_or_insert_with(|| format!("{}..{}", parents[0].short(), parent.short()));
                merges.push(commit);
                brought.push(cx.name_of(*parent));
                break;
            }
        }
    }
    if merges.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = sources.iter().map(|(n, _)| format!("`{n}`")).collect();
    let these = if merges.len() == 1 { "this" } else { "these" };
    let old = update.old.map(|o| o.short());
    let undo = cx.entry.undo(branch, old.as_deref());
    let (message, hint) = source_words(branch, &names, these, &brought, (undo, range));
    cx.report(
        RuleId::FlowSource,
        &update.refname,
        &merges,
        message,
        Some(hint),
    )
}

/// The flow/source message and hint: which sources the branch takes merges from (when it takes
/// none, it says so), and what `brought` the merges brought instead.
fn source_words(
    branch: &str,
    names: &[String],
    these: &str,
    brought: &[String],
    (undo, range): (Option<String>, Option<String>),
) -> (Message, String) {
    let pick = range.map_or_else(
        || "`git cherry-pick -x <sha>`".to_owned(),
        |range| format!("`git cherry-pick -x {range}`"),
    );
    let undo = undo.unwrap_or_else(|| format!("leave the merge out of what goes into `{branch}`"));
    if names.is_empty() {
        let message = Message::with_lists(|list| {
            format!(
                "`{branch}` receives no merges, but {these} merges {}",
                list(brought)
            )
        });
        let hint = format!(
            "{undo}; commit on `{branch}` itself, or take the merged commits one by one with {pick}"
        );
        return (message, hint);
    }
    let message = Message::with_lists(|list| {
        format!(
            "`{branch}` receives merges only from {}, but {these} merges {}",
            list(names),
            list(brought)
        )
    });
    let hint = format!(
        "{undo}; land the change on {} first, or take the merged commits one by one with {pick}",
        cut_short(names)
    );
    (message, hint)
}

/// flow/cherry-pick: `(cherry picked from commit X)` must name a commit of an allowed source.
fn cherry_picks(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
    sources: &[(String, Id)],
    entering: &[Id],
) -> Result<(), EvalError> {
    let mut offending = Vec::new();
    for &commit in entering {
        let message = cx.view.commit(commit)?.message;
        for named in picked_from(&message) {
            let mut ok = false;
            for (_, tip) in sources {
                // A named commit the repository lacks is not from a source either.
                if cx.view.is_ancestor(named, *tip).unwrap_or(false) {
                    ok = true;
                    break;
                }
            }
            if !ok && !offending.contains(&commit) {
                offending.push(commit);
            }
        }
    }
    if offending.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = sources.iter().map(|(n, _)| format!("`{n}`")).collect();
    let hint = cherry_pick_hint(cx, update, branch, sources, offending[0])?;
    cx.report(
        RuleId::FlowCherryPick,
        &update.refname,
        &offending,
        Message::with_lists(|list| {
            format!(
                "`{branch}` takes cherry-picks only from {}, but {} names a commit from elsewhere",
                list(&names),
                plural(offending.len(), "commit")
            )
        }),
        Some(hint),
    )
}

/// What brings the change of `offending` (a pick of a commit no source holds) over the right
/// way: take it back where the user is, then pick the copy a source already holds (a commit of
/// a source that says it was picked from the same commit), or else land it on the first source
/// first and pick it from there.
fn cherry_pick_hint(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
    sources: &[(String, Id)],
    offending: Id,
) -> Result<String, EvalError> {
    let named = picked_from(&cx.view.commit(offending)?.message);
    let tips: Vec<Id> = sources.iter().map(|(_, tip)| *tip).collect();
    // What the branch already holds is no copy to pick.
    let hide: Vec<Id> = update.new.into_iter().collect();
    let mut copy = None;
    'search: for commit in cx.view.walk(&tips, &hide)? {
        let message = cx.view.commit(commit)?.message;
        for picked in picked_from(&message) {
            if named.contains(&picked) {
                copy = Some(commit);
                break 'search;
            }
        }
    }
    let old = update.old.map(|o| o.short());
    let undo = match cx.entry.undo(branch, old.as_deref()) {
        Some(undo) => undo,
        // A refused local move made nothing: the pick is not on the branch.
        None if cx.entry == Entry::LocalUpdate => format!("`{branch}` did not move"),
        None => format!(
            "leave {} out of what goes into `{branch}`",
            offending.short()
        ),
    };
    let original = named.first().map(Id::short).unwrap_or_default();
    Ok(match (copy, sources.first()) {
        (Some(copy), _) => format!(
            "{undo}; pick the commit as it landed on an allowed branch: `git cherry-pick -x {}`",
            copy.short()
        ),
        // Picked onto the source, the copy is the source's tip.
        (None, Some((source, _))) => format!(
            "{undo}; land {original} on `{source}` first, then pick it from there: `git checkout {source} && git cherry-pick -x {original} && git push origin {source} && git checkout {branch} && git cherry-pick -x {source}`"
        ),
        (None, None) => format!("{undo}; `{branch}` takes no cherry-picks"),
    })
}

/// The commits a message says it was picked from: of each run of consecutive `(cherry picked
/// from commit X)` lines, the last. `git cherry-pick -x` of a commit that was itself picked
/// keeps the earlier line and adds its own right under it: the commit came from the last one;
/// the lines before are where that one came from. (Runs apart are picks squashed together.)
pub fn picked_from(message: &str) -> Vec<Id> {
    let named = |line: &str| {
        let hex = line
            .trim()
            .strip_prefix("(cherry picked from commit ")?
            .strip_suffix(')')?;
        Id::parse_hex(hex).ok().flatten()
    };
    let lines: Vec<Option<Id>> = message.lines().map(named).collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let next_is_a_pick = lines.get(i + 1).is_some_and(Option::is_some);
            id.filter(|_| !next_is_a_pick)
        })
        .collect()
}

pub(super) fn allowed_sources(cx: &Eval<'_>, class: usize) -> String {
    let accepts = &cx.policy.branches[class].accepts;
    let mut names: Vec<String> = accepts
        .classes
        .iter()
        .map(|&c| format!("`{}`", cx.policy.branches[c].name))
        .collect();
    if accepts.unprotected {
        names.insert(0, "topic branches".to_owned());
    }
    if names.is_empty() {
        "no other branch".to_owned()
    } else {
        format!("only {}", names.join(" and "))
    }
}

/// The order messages name branches in: by class as the policy lists them, version branches
/// newest first, so that a list cut short names the nearest.
fn named_order(class: usize, name: &str) -> (usize, Reverse<Option<Version>>, String) {
    (class, Reverse(version::parse(name).ok()), name.to_owned())
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pick of a pick names its source last, under the line it kept; picks squashed apart
    /// are each named.
    #[test]
    fn picked_from_names_the_last_of_each_run() {
        let (a, b, c) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
        let id = |hex: &str| Id::parse_hex(hex).ok().flatten().expect("an id");
        let chained =
            format!("Fix\n\n(cherry picked from commit {a})\n(cherry picked from commit {b})\n");
        assert_eq!(picked_from(&chained), vec![id(&b)]);
        let squashed = format!(
            "Fix one\n\n(cherry picked from commit {a})\n\nFix two\n\n(cherry picked from commit {c})\n"
        );
        assert_eq!(picked_from(&squashed), vec![id(&a), id(&c)]);
    }
}
