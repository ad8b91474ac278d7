//! version/*: which versions a branch tip may carry, alone and relative to other branches.

use std::rc::Rc;

use pep440_rs::{Version, VersionSpecifiers};

use super::context::{Eval, EvalError, VersionAt, short};
use super::view::Id;
use super::{Entry, Message, RuleId, Update};
use crate::policy::{Captures, Level, VersionRules};
use crate::version::{Kind, PreLetter};

pub fn check_branch(
    cx: &mut Eval<'_>,
    update: &Update,
    class: usize,
    captures: &Captures,
    new: Id,
) -> Result<(), EvalError> {
    let Some(rules) = cx.policy.branches[class].version.clone() else {
        return Ok(());
    };
    let branch = short(&update.refname).to_owned();
    let Some(at) = cx.version_at(new)? else {
        let files = cx
            .policy
            .version_files
            .iter()
            .map(|f| format!("`{}`", f.path))
            .collect::<Vec<_>>();
        return cx.report(
            RuleId::VersionKind,
            &update.refname,
            &[new],
            format!("`{branch}` must carry a version, but no version file is here (looked for {})", files.join(", ")),
            Some("add the version file, or point `[version] files` in `.git-policy.toml` at yours (`git policy init`)".into()),
        );
    };
    lockstep(cx, &update.refname, new, &at)?;
    kind(cx, (update, class), &branch, new, &rules, &at)?;
    if let Some(template) = &rules.matches {
        branch_name(cx, update, &branch, new, template, captures, &at)?;
    }
    if rules.monotonic {
        monotonic(cx, update, &branch, new, &at)?;
    }
    if rules.ahead_of_tags {
        ahead_of_tags(cx, update, &branch, new, &at)?;
    }
    Ok(())
}

/// version/lockstep: every version file names the same version.
pub fn lockstep(
    cx: &mut Eval<'_>,
    refname: &str,
    commit: Id,
    at: &VersionAt,
) -> Result<(), EvalError> {
    if at.discord.is_empty() {
        return Ok(());
    }
    // A monorepo may have dozens of version files: people read a few, JSON gets them all.
    let others: Vec<String> = at
        .discord
        .iter()
        .map(|(path, v)| match v {
            Some(v) => format!("`{path}` says {v}"),
            None => format!("`{path}` is missing"),
        })
        .collect();
    cx.report(
        RuleId::VersionLockstep,
        refname,
        &[commit],
        Message::with_lists(|list| {
            format!(
                "version files disagree: `{}` says {}, {}",
                at.path,
                at.shown(),
                list(&others)
            )
        }),
        Some(format!(
            "set the same version in every version file, e.g. {}",
            at.version
        )),
    )
}

fn kind(
    cx: &mut Eval<'_>,
    (update, class): (&Update, usize),
    branch: &str,
    new: Id,
    rules: &VersionRules,
    at: &VersionAt,
) -> Result<(), EvalError> {
    if let Some(problem) = kind_problem(&at.version, rules.kinds.as_deref(), rules.pre.as_deref()) {
        let hint = match carried_from(cx, (branch, class), new, at)? {
            Some(source) => taken_too_early(cx.entry, update, branch, &source, at),
            None => {
                let mut example = example_for(&at.version, rules.kinds.as_deref());
                // The example must not lower the branch (version/monotonic would refuse it
                // next): the version it had, when of an allowed kind, is the lowest that fixes
                // both.
                if let Some(floor) = floor(cx, update, new, rules.monotonic)?
                    && example.parse::<Version>().is_ok_and(|e| e < floor)
                    && kind_problem(&floor, rules.kinds.as_deref(), rules.pre.as_deref()).is_none()
                {
                    example = floor.to_string();
                }
                format!("set a version such as `{example}` in {}", at.files())
            }
        };
        cx.report(
            RuleId::VersionKind,
            &update.refname,
            &[new],
            format!(
                "`{branch}` is at {} ({}:{}), but {problem}",
                at.shown(),
                at.path,
                at.line
            ),
            Some(hint),
        )?;
    }
    Ok(())
}

/// The protected branch whose version `new` carries: a branch `branch` takes (`class` is its
/// class), contained in `new`, at the same version, which its own rules allow, and which may
/// later carry a kind `branch` allows (a release branch still at a pre-release, that trunk was
/// fast-forwarded to or merged, and will be at the final version). `None` when the version is
/// `branch`'s own to set (a version branch cut from rc, still at rc's `.devN`), or came from a
/// branch it never takes (flow/foreign).
fn carried_from(
    cx: &mut Eval<'_>,
    (branch, class): (&str, usize),
    new: Id,
    at: &VersionAt,
) -> Result<Option<String>, EvalError> {
    let policy = cx.policy;
    let ours = &policy.branches[class];
    let wanted = ours.version.as_ref().and_then(|v| v.kinds.as_deref());
    for (name, theirs, tip) in cx.protected_after().iter() {
        let Some(rules) = &policy.branches[*theirs].version else {
            continue;
        };
        let may_carry = match (wanted, rules.kinds.as_deref()) {
            (Some(wanted), Some(kinds)) => kinds.iter().any(|k| wanted.contains(k)),
            _ => true,
        };
        if name == branch
            || !ours.accepts.classes.contains(theirs)
            || !may_carry
            || kind_problem(&at.version, rules.kinds.as_deref(), rules.pre.as_deref()).is_some()
            || !cx.view.is_ancestor(*tip, new)?
        {
            continue;
        }
        if matches!(cx.version_at(*tip), Ok(Some(v)) if v.version == at.version) {
            return Ok(Some(name.clone()));
        }
    }
    Ok(None)
}

/// What fixes `branch` having taken `source` before `source` carries a version `branch`
/// allows: take the merge or the move back where the user is, and take `source` later. No
/// version file is to change on `branch`: the version is `source`'s, right there.
fn taken_too_early(
    entry: Entry,
    update: &Update,
    branch: &str,
    source: &str,
    at: &VersionAt,
) -> String {
    let why = format!(
        "`{source}` is still at {}: `{branch}` takes it only once it carries a version `{branch}` allows",
        at.shown()
    );
    let old = update.old.map(|o| o.short());
    match (entry, entry.undo(branch, old.as_deref())) {
        (_, Some(undo)) => format!("{why}; {undo}"),
        (Entry::LocalUpdate, None) => {
            format!("{why}; set one there first, then move `{branch}` again")
        }
        (Entry::Ci | Entry::Request | Entry::Audit | Entry::Release, None) => {
            format!("{why}; set one there first, then merge it")
        }
        (_, None) => format!("{why}; set one there first"),
    }
}

/// Why a version is not of the allowed kinds and letters, or `None` when it is.
pub fn kind_problem(
    version: &Version,
    kinds: Option<&[Kind]>,
    pre: Option<&[PreLetter]>,
) -> Option<String> {
    let kind = Kind::of(version);
    if let Some(kinds) = kinds
        && !kinds.contains(&kind)
    {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        return Some(format!(
            "it allows only {} versions, not {kind}",
            names.join("/")
        ));
    }
    if let (Some(letters), Some(letter)) = (pre, PreLetter::of(version))
        && !letters.contains(&letter)
    {
        let names: Vec<&str> = letters.iter().map(|l| l.as_str()).collect();
        return Some(format!(
            "its pre-releases use only {}, not {}",
            names.join("/"),
            letter.as_str()
        ));
    }
    None
}

fn example_for(version: &Version, kinds: Option<&[Kind]>) -> String {
    let release = version.only_release();
    match kinds.and_then(|k| k.first()) {
        Some(Kind::Dev) => format!("{release}.dev1"),
        Some(Kind::Pre) => format!("{release}b1"),
        Some(Kind::Post) => format!("{release}.post1"),
        Some(Kind::Final) | None => release.to_string(),
    }
}

fn branch_name(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
    new: Id,
    template: &str,
    captures: &Captures,
    at: &VersionAt,
) -> Result<(), EvalError> {
    let mut spec = template.to_owned();
    for (name, value) in captures {
        spec = spec.replace(&format!("{{{name}}}"), value);
    }
    // The template was checked when the policy was read; captures are digits or names from a
    // regex the policy wrote, so a failure here means the branch name fed it something odd.
    let matches = spec
        .parse::<VersionSpecifiers>()
        .map(|s| s.contains(&at.version))
        .unwrap_or(false);
    if !matches {
        cx.report(
            RuleId::VersionBranchName,
            &update.refname,
            &[new],
            format!(
                "`{branch}` must carry versions `{spec}`, but is at {} ({}:{})",
                at.shown(),
                at.path,
                at.line
            ),
            Some(format!("set a version matching `{spec}` in {}", at.files())),
        )?;
    }
    Ok(())
}

/// The version `update` moves its branch from, where the branch's version never goes down: the
/// lowest a hint may suggest. `None` for a new branch, an unreadable version, or no such rule.
fn floor(
    cx: &mut Eval<'_>,
    update: &Update,
    new: Id,
    monotonic: bool,
) -> Result<Option<Version>, EvalError> {
    let Some(old) = update.old.filter(|&o| o != new && monotonic) else {
        return Ok(None);
    };
    Ok(cx
        .version_kept(&update.refname, old)?
        .map(|before| before.version.clone()))
}

fn monotonic(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
    new: Id,
    at: &VersionAt,
) -> Result<(), EvalError> {
    let Some(old) = update.old.filter(|&o| o != new) else {
        return Ok(());
    };
    let Some(before) = cx.version_kept(&update.refname, old)? else {
        return Ok(());
    };
    if at.version < before.version {
        cx.report(
            RuleId::VersionMonotonic,
            &update.refname,
            &[new],
            format!(
                "`{branch}` would go back from {} to {}",
                before.shown(),
                at.shown()
            ),
            Some(format!(
                "versions only go up: set {} or higher in {}",
                before.version,
                at.files()
            )),
        )?;
    }
    Ok(())
}

fn ahead_of_tags(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
    new: Id,
    at: &VersionAt,
) -> Result<(), EvalError> {
    let tags = cx.release_tags();
    // Only a tag at or above the tip's version can be a problem, and a tip that is itself
    // tagged is the release; everything else needs no reachability question.
    let mut tagged_here = false;
    let mut blocking = Vec::new();
    for tag in tags.iter().filter(|t| t.version >= at.version) {
        let Some(commit) = cx.peel_commit(tag.target)? else {
            continue;
        };
        if commit == new {
            tagged_here = true;
        } else if cx.view.is_ancestor(commit, new)? {
            blocking.push(tag.clone());
        }
    }
    if tagged_here || blocking.is_empty() {
        return Ok(());
    }
    let newest = blocking
        .iter()
        .max_by(|a, b| a.version.cmp(&b.version))
        .cloned();
    if let Some(tag) = newest {
        cx.report(
            RuleId::VersionAheadOfTags,
            &update.refname,
            &[new],
            format!(
                "`{branch}` is at {} but already released `{}`; new commits must carry a higher version",
                at.shown(),
                short(&tag.refname)
            ),
            Some(format!("bump the version in {} to {} after tagging", at.files(), next_after(&tag.version))),
        )?;
    }
    Ok(())
}

/// The version a branch moves on to after a release: the next pre-release, or the next micro.
pub fn next_after(version: &Version) -> Version {
    if let Some(pre) = version.pre() {
        let mut next = pre;
        next.number += 1;
        return version
            .clone()
            .with_pre(Some(next))
            .with_dev(None)
            .with_post(None);
    }
    let mut release = version.release().to_vec();
    while release.len() < 3 {
        release.push(0);
    }
    if let Some(last) = release.last_mut() {
        *last += 1;
    }
    Version::new(release)
}

/// version/relation, for every pair in which at least one side is updated.
pub fn check_relations(cx: &mut Eval<'_>) -> Result<(), EvalError> {
    let after = cx.protected_after();
    let updated: Vec<String> = cx
        .updates
        .iter()
        .filter(|u| u.new.is_some())
        .filter_map(|u| u.refname.strip_prefix("refs/heads/").map(str::to_owned))
        .collect();
    for (name, class, tip) in after.iter() {
        let Some(above) = cx.policy.branches[*class]
            .version
            .as_ref()
            .and_then(|v| v.above)
        else {
            continue;
        };
        for (other, other_class, other_tip) in after.iter() {
            if *other_class != above.class || other == name {
                continue;
            }
            let (mine, theirs) = (updated.contains(name), updated.contains(other));
            if !mine && !theirs {
                continue;
            }
            let a = cx.version_kept(&format!("refs/heads/{name}"), *tip)?;
            let b = cx.version_kept(&format!("refs/heads/{other}"), *other_tip)?;
            let (Some(a), Some(b)) = (a, b) else {
                continue;
            };
            if is_above(&a.version, &b.version, above.by) {
                continue;
            }
            relation_violation(
                cx,
                (name, *class, *tip, &a),
                (other, *other_tip, &b),
                above.by,
                mine,
            )?;
        }
    }
    Ok(())
}

fn relation_violation(
    cx: &mut Eval<'_>,
    (name, class, tip, a): (&str, usize, Id, &Rc<VersionAt>),
    (other, other_tip, b): (&str, Id, &Rc<VersionAt>),
    by: Level,
    mine: bool,
) -> Result<(), EvalError> {
    let message = format!(
        "`{name}` ({}) must be at least one {} above `{other}` ({})",
        a.shown(),
        by.as_str(),
        b.shown()
    );
    let suggestion = bump(&b.version, by);
    if mine {
        let mut lowest = format!("{suggestion}.dev0");
        // Not below the version the branch had, where it never goes down (version/monotonic).
        let refname = format!("refs/heads/{name}");
        let monotonic = cx.policy.branches[class]
            .version
            .as_ref()
            .is_some_and(|v| v.monotonic);
        let update = cx.updates.iter().find(|u| u.refname == refname).cloned();
        if let Some(update) = update
            && let Some(floor) = floor(cx, &update, tip, monotonic)?
            && lowest.parse::<Version>().is_ok_and(|l| l < floor)
        {
            lowest = floor.to_string();
        }
        cx.report(
            RuleId::VersionRelation,
            &refname,
            &[tip],
            message,
            Some(format!(
                "set `{name}` to {lowest} or above in {}",
                a.files()
            )),
        )
    } else {
        let hint = match carried_bump(cx, (tip, a), other_tip)? {
            Some(merged) => {
                let old = cx
                    .updates
                    .iter()
                    .find(|u| u.refname == format!("refs/heads/{other}"))
                    .and_then(|u| u.old)
                    .map(|o| o.short());
                let undo = cx
                    .entry
                    .undo(other, old.as_deref())
                    .unwrap_or_else(|| format!("leave the merge out of what goes into `{other}`"));
                format!(
                    "the merged {merged} carries `{name}`'s version bump ({}), which `{other}` must not take: {undo}; bring the change over without the bump",
                    a.shown()
                )
            }
            None => freeze_hint(cx, name, (other, other_tip), &format!("{suggestion}.dev1"))?,
        };
        cx.report(
            RuleId::VersionRelation,
            &format!("refs/heads/{other}"),
            &[other_tip],
            message,
            Some(hint),
        )
    }
}

/// When `other`'s new tip merges a branch that is not `name` (not in its history) but carries
/// `name`'s version, that branch brought the bump (a feature branch cut after `name`'s bump):
/// its name, else its short id.
fn carried_bump(
    cx: &mut Eval<'_>,
    (tip, a): (Id, &Rc<VersionAt>),
    other_tip: Id,
) -> Result<Option<String>, EvalError> {
    let parents = cx.view.parents(other_tip)?;
    let Some(&merged) = parents.get(1..).and_then(<[Id]>::last) else {
        return Ok(None);
    };
    if cx.view.is_ancestor(merged, tip)? {
        return Ok(None);
    }
    let carries = cx
        .version_at(merged)
        .ok()
        .flatten()
        .is_some_and(|v| v.version == a.version);
    Ok(carries.then(|| {
        let name = cx.name_of(merged);
        if name.starts_with('`') {
            format!("branch {name}")
        } else {
            format!("commit {name}")
        }
    }))
}

/// What lets `other` move while `name` must stay above it: a feature freeze bumps `name`
/// first. A server's `update` hook judges each ref of a push alone, so an atomic push of
/// both is refused there; only `name` first works. A merge in progress is aborted first.
fn freeze_hint(
    cx: &Eval<'_>,
    name: &str,
    (other, other_tip): (&str, Id),
    bumped: &str,
) -> Result<String, EvalError> {
    let remote = &cx.remote;
    Ok(match cx.entry {
        Entry::Update => format!(
            "the server judges each branch on its own: bump `{name}` to {bumped} or above, then push it first, `git push {remote} {name}`, and `{other}` after it, `git push {remote} {other}`"
        ),
        // The merge being made brings `name`'s commit before its bump: merge it again once
        // `name` has moved on.
        Entry::Merge => {
            let merged = cx.view.parents(other_tip)?.last().map(Id::short);
            format!(
                "abandon the merge with `git merge --abort`; commit the bump of `{name}` to {bumped} on `{name}` first, then merge the commit before it into `{other}` again{}",
                merged.map_or_else(String::new, |m| format!(" (`git merge {m}`)"))
            )
        }
        // A pull request moves one branch: pushing both at once is not its to do, and once
        // `name` is bumped its tip carries the bump, so the request must name the commit before.
        Entry::Request => {
            let merged = cx.view.parents(other_tip)?.last().map(Id::short);
            format!(
                "bump `{name}` to {bumped} first and push it; then request the merge into `{other}` of the commit before that bump{}, not of `{name}`'s new tip",
                merged.map_or_else(String::new, |m| format!(" (`{m}`)"))
            )
        }
        Entry::Commit => format!(
            "commit the bump of `{name}` to {bumped} on `{name}` first, then commit this on `{other}`"
        ),
        Entry::LocalUpdate => format!(
            "commit the bump of `{name}` to {bumped} on `{name}` first, then move `{other}` again"
        ),
        Entry::Release => format!(
            "nothing was written: bump `{name}` first, `git policy release bump {bumped} --branch {name}`, or let one step move both: `git policy release freeze`"
        ),
        _ => format!(
            "at a feature freeze, bump `{name}` to {bumped} first and push it, or push both together: `git push --atomic {remote} {name} {other}`"
        ),
    })
}

/// Whether `a` is above `b` by at least one step at `by`.
pub fn is_above(a: &Version, b: &Version, by: Level) -> bool {
    match by.depth() {
        None => a > b,
        Some(depth) => {
            let part = |v: &Version| {
                (
                    v.epoch(),
                    (0..depth)
                        .map(|i| v.release().get(i).copied().unwrap_or(0))
                        .collect::<Vec<_>>(),
                )
            };
            part(a) > part(b)
        }
    }
}

fn bump(version: &Version, by: Level) -> Version {
    let depth = by.depth().unwrap_or(3);
    let mut release: Vec<u64> = (0..depth.max(2))
        .map(|i| version.release().get(i).copied().unwrap_or(0))
        .collect();
    if let Some(last) = release.get_mut(depth - 1) {
        *last += 1;
    }
    release.iter_mut().skip(depth).for_each(|r| *r = 0);
    if release.len() < 3 {
        release.resize(3, 0);
    }
    Version::new(release)
}
