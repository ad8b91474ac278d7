//! tag/* and changelog/entry: what a release tag must name, where it stands, and how it may move
//! (tag/pre-release and tag/calendar are in `releases`).

use pep440_rs::Version;
use regex_lite::RegexBuilder;

use super::context::{Eval, EvalError, short};
use super::view::{Id, Peeled};
use super::{Entry, RuleId, Update, releases, versions};
use crate::policy::TagClass;
use crate::version;

pub fn check(cx: &mut Eval<'_>, update: &Update) -> Result<(), EvalError> {
    let tag = short(&update.refname).to_owned();
    let Some((class, parsed)) = classify(&cx.policy.tags, &tag) else {
        return Ok(());
    };
    let class = cx.policy.tags[class].clone();
    let Some(new) = update.new else {
        if !class.deletable {
            let old = update.old.and_then(|o| cx.peel_commit(o).ok().flatten());
            return cx.report(
                RuleId::TagDelete,
                &update.refname,
                &old.into_iter().collect::<Vec<_>>(),
                format!("`{tag}` is a {} tag and is never deleted", class.name),
                Some(format!(
                    "the deletion is refused and `{tag}` stays; if you deleted it in this clone, get it back with `git fetch origin tag {tag}`, and release a new version instead of deleting this one"
                )),
            );
        }
        return Ok(());
    };
    let version = match parsed {
        Ok(version) => version,
        Err(reason) => {
            return cx.report(
                RuleId::TagVersion,
                &update.refname,
                &[],
                format!("`{tag}` matches `{}` but {reason}", class.template),
                Some(format!(
                    "name the tag after a PEP 440 version, e.g. `{}`",
                    class.template.replace("{version}", "1.2.3")
                )),
            );
        }
    };
    let commit = match cx.view.peel(new)? {
        Peeled::Commit(commit) => commit,
        Peeled::NotCommit(what) => {
            return cx.report(
                RuleId::TagVersion,
                &update.refname,
                &[],
                format!("`{tag}` points at a {what}, not a commit"),
                Some(format!(
                    "tag a commit: `git tag -f {tag} <commit>` (before anyone fetched it)"
                )),
            );
        }
    };
    if let Some(old) = update.old
        && class.immutable
        && old != new
    {
        // The ref's own object: another tag object of the same commit replaces a signature or
        // a message, and annotated to lightweight (or back) is a move too.
        let was = cx.peel_commit(old)?;
        let same = was == Some(commit);
        // The commit a person can look up, not the id of a tag object.
        let named = was.map_or_else(|| old.short(), |was| was.short());
        let hint = if class.deletable {
            let remote = &cx.remote;
            format!(
                "`{}` tags may be deleted: delete it and push it again, `git push {remote} :refs/tags/{tag}` then `git push {remote} {tag}`",
                class.name
            )
        } else {
            "keep the tag where it is (`git fetch --tags --force` to restore yours) and release a new version instead".to_owned()
        };
        cx.report(
            RuleId::TagImmutable,
            &update.refname,
            &[commit],
            format!(
                "`{tag}` already names {named}{} and release tags never move",
                if same {
                    ", another object for the same commit,"
                } else {
                    ""
                }
            ),
            Some(hint),
        )?;
    }
    duplicate(cx, update, &tag, &version, commit)?;
    if let Some(problem) =
        versions::kind_problem(&version, class.kinds.as_deref(), class.pre.as_deref())
    {
        cx.report(
            RuleId::TagKind,
            &update.refname,
            &[commit],
            format!("`{tag}` is a {} tag, but {problem}", class.name),
            Some(format!(
                "drop this tag, `git tag -d {tag}`, and tag the release with a version `{}` tags may carry",
                class.name
            )),
        )?;
    }
    tag_version(cx, update, &class, &tag, &version, commit)?;
    tag_branch(cx, update, &class, &tag, commit)?;
    if let Some(changelog) = &class.changelog {
        let spelled = class.version_text(&tag).unwrap_or_default();
        changelog_entry(
            cx,
            update,
            (&tag, spelled),
            &version,
            commit,
            &changelog.path,
            &changelog.heading,
        )?;
    }
    if class.requires_pre_release {
        releases::pre_release(cx, update, &class, &tag, &version, commit)?;
    }
    if let Some(calendar) = &class.calendar {
        releases::calendar(cx, update, (&class, calendar), &tag, &version, new)?;
    }
    Ok(())
}

/// tag/duplicate: one version is released by one tag on one commit, whatever the spelling.
/// Another tag of the same version is refused on another commit (two releases of one
/// version) and on the same commit too (a second tag object, message or signature for a
/// release that has one). Recreating a deleted tag is not a duplicate: it is gone.
fn duplicate(
    cx: &mut Eval<'_>,
    update: &Update,
    tag: &str,
    version: &Version,
    commit: Id,
) -> Result<(), EvalError> {
    let tags = cx.release_tags();
    for other in tags.iter() {
        if other.refname == update.refname || other.version != *version {
            continue;
        }
        let name = short(&other.refname);
        // Another release's object that cannot be read still releases this version: refused
        // as on another commit, not an error on an unrelated push.
        let at = cx.peel_commit(other.target).ok().flatten();
        let (message, hint) = if at == Some(commit) {
            (
                format!(
                    "`{tag}` releases {version}, which `{name}` already releases on this commit: one version has one tag"
                ),
                format!("keep `{name}` and drop this one: `git tag -d {tag}`"),
            )
        } else {
            let there = at.map_or_else(|| other.target.short(), |c| c.short());
            (
                format!(
                    "`{tag}` releases {version}, which `{name}` already releases on {there}: one version is released once"
                ),
                format!(
                    "keep `{name}` and release a new version instead; drop this tag: `git tag -d {tag}`"
                ),
            )
        };
        cx.report(
            RuleId::TagDuplicate,
            &update.refname,
            &[commit],
            message,
            Some(hint),
        )?;
    }
    Ok(())
}

/// The tag class a tag belongs to: the first whose pattern matches and whose kinds allow the
/// tag's version, else the first whose pattern matches (to report the kind).
fn classify(classes: &[TagClass], tag: &str) -> Option<(usize, Result<Version, String>)> {
    let mut first = None;
    for (i, class) in classes.iter().enumerate() {
        let Some(text) = class.version_text(tag) else {
            continue;
        };
        let parsed =
            version::parse(text).map_err(|e| format!("`{text}` is not a PEP 440 version: {e}"));
        let fits = match &parsed {
            Ok(v) => {
                versions::kind_problem(v, class.kinds.as_deref(), class.pre.as_deref()).is_none()
            }
            Err(_) => false,
        };
        if fits {
            return Some((i, parsed));
        }
        first.get_or_insert((i, parsed));
    }
    first
}

fn tag_version(
    cx: &mut Eval<'_>,
    update: &Update,
    class: &TagClass,
    tag: &str,
    version: &Version,
    commit: Id,
) -> Result<(), EvalError> {
    let at = match cx.version_at(commit) {
        Ok(at) => at,
        // A tag's commit whose version file does not parse (an old tag from before the file
        // held the version) names no version: a finding, not the end of the audit.
        Err(EvalError::Version { path, source, .. }) => {
            return cx.report(
                RuleId::TagVersion,
                &update.refname,
                &[commit],
                format!("`{tag}` names {version}, but the tagged commit's `{path}` {source}"),
                Some(format!(
                    "tag a commit whose `{path}` carries {version}; drop this tag: `git tag -d {tag}`"
                )),
            );
        }
        Err(err) => return Err(err),
    };
    let Some(at) = at else {
        return cx.report(
            RuleId::TagVersion,
            &update.refname,
            &[commit],
            format!("`{tag}` names {version}, but the tagged commit has no version file"),
            Some(format!(
                "tag a commit that carries {version} in {}; drop this tag: `git tag -d {tag}`",
                cx.policy
                    .version_files
                    .iter()
                    .map(|f| format!("`{}`", f.path))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    };
    versions::lockstep(cx, &update.refname, commit, &at)?;
    let (wanted, found) = if class.release_only {
        (version.only_release(), at.version.only_release())
    } else {
        (version.clone(), at.version.clone())
    };
    if wanted != found {
        let release_only = class.release_only;
        let hint = match carrying(cx, commit, |v| {
            (if release_only {
                v.only_release()
            } else {
                v.clone()
            }) == wanted
        })? {
            Some(there) => format!(
                "{} carries {wanted}, the version `{tag}` names: move the tag there before pushing, `git tag -f {tag} {}`",
                there.short(),
                there.short()
            ),
            None => format!(
                "no commit up to this one carries {wanted}, the version `{tag}` names: drop this tag, `git tag -d {tag}`; set {wanted} in {}, commit, and tag that commit `{tag}`",
                at.files()
            ),
        };
        cx.report(
            RuleId::TagVersion,
            &update.refname,
            &[commit],
            format!(
                "`{tag}` names {version}, but the tagged commit is at {} ({}:{})",
                at.shown(),
                at.path,
                at.line
            ),
            Some(hint),
        )?;
    }
    Ok(())
}

/// The nearest commit on `commit`'s first-parent line (itself excluded) whose version `wanted`
/// accepts: where a tag made one commit too late belongs. Looks a few hundred commits back.
fn carrying(
    cx: &mut Eval<'_>,
    commit: Id,
    wanted: impl Fn(&Version) -> bool,
) -> Result<Option<Id>, EvalError> {
    let mut cursor = cx.view.parents(commit)?.first().copied();
    for _ in 0..500 {
        let Some(at) = cursor else { break };
        if cx
            .version_at(at)
            .ok()
            .flatten()
            .is_some_and(|found| wanted(&found.version))
        {
            return Ok(Some(at));
        }
        cursor = cx.view.parents(at)?.first().copied();
    }
    Ok(None)
}

fn tag_branch(
    cx: &mut Eval<'_>,
    update: &Update,
    class: &TagClass,
    tag: &str,
    commit: Id,
) -> Result<(), EvalError> {
    if class.on.is_empty() {
        return Ok(());
    }
    let candidates: Vec<Id> = cx
        .protected_after()
        .iter()
        .filter(|(_, c, _)| class.on.contains(c))
        .map(|&(_, _, tip)| tip)
        .collect();
    if cx.view.is_ancestor_of_any(commit, &candidates)? {
        return Ok(());
    }
    let kinds: Vec<String> = class
        .on
        .iter()
        .map(|&c| format!("`{}`", cx.policy.branches[c].name))
        .collect();
    let kinds = kinds.join("/");
    let (on, hint) = match branch_holding(cx, commit)? {
        Some(branch) => (
            format!("is on `{branch}`, an unprotected branch"),
            format!(
                "land `{branch}` on a {kinds} branch first and tag the commit there; drop this tag: `git tag -d {tag}`"
            ),
        ),
        // The server's `update` hook judges the tag alone: the branch must land first.
        None if cx.entry == Entry::Update => (
            "is on no branch".to_owned(),
            format!(
                "push the {kinds} branch that holds it first, and the tag after it; drop a tag made in the wrong place with `git tag -d {tag}`"
            ),
        ),
        None => (
            "is on no branch".to_owned(),
            format!(
                "push it with the {kinds} branch that holds it (`git push --atomic {} <branch> {tag}`), or drop a tag made in the wrong place with `git tag -d {tag}`",
                cx.remote
            ),
        ),
    };
    cx.report(
        RuleId::TagBranch,
        &update.refname,
        &[commit],
        format!(
            "`{tag}` must tag a commit on a {kinds} branch, and {} {on}",
            commit.short()
        ),
        Some(hint),
    )
}

/// How many branches a refusal looks through for the one that holds a commit.
const BRANCHES_LOOKED_AT: usize = 64;

/// An unprotected branch (before or after the update set) that holds `commit`, to name it.
fn branch_holding(cx: &Eval<'_>, commit: Id) -> Result<Option<String>, EvalError> {
    let mut seen = 0;
    for (name, &tip) in cx.after.iter().chain(cx.before.iter()) {
        let Some(branch) = name.strip_prefix("refs/heads/") else {
            continue;
        };
        if cx.policy.class_of(branch).is_some() {
            continue;
        }
        seen += 1;
        if seen > BRANCHES_LOOKED_AT {
            break;
        }
        if cx.view.is_ancestor(commit, tip).unwrap_or(false) {
            return Ok(Some(branch.to_owned()));
        }
    }
    Ok(None)
}

/// Whether a heading names `version` however it spells it: each version-like word where the
/// heading says `{version}` is read as PEP 440 (`26.0.0.rc1` is `26.0.0rc1`).
fn heading_names(
    tag: &str,
    heading: &str,
    text: &str,
    version: &Version,
) -> Result<bool, EvalError> {
    let pattern = heading.replace("{version}", r"([0-9][0-9A-Za-z.!+_-]*)");
    let regex = RegexBuilder::new(&format!("(?m){pattern}"))
        .size_limit(crate::policy::REGEX_SIZE_LIMIT)
        .build()
        .map_err(|source| EvalError::Heading {
            tag: tag.to_owned(),
            source,
        })?;
    Ok(regex.captures_iter(text).any(|caps| {
        caps.iter().skip(1).flatten().any(|word| {
            let word = word.as_str().trim_end_matches(['.', '-', '_']);
            version::parse(word).is_ok_and(|v| v == *version)
        })
    }))
}

fn changelog_entry(
    cx: &mut Eval<'_>,
    update: &Update,
    (tag, as_tagged): (&str, &str),
    version: &Version,
    commit: Id,
    path: &str,
    heading: &str,
) -> Result<(), EvalError> {
    // A changelog may spell the version normalized (`1.2.3rc1`) or as the tag does (`1.2.3-rc1`).
    // `\b`: the heading of `1.2.0rc1` or `1.2.10` is not an entry for `1.2.0` or `1.2.1`.
    let spelled = format!(
        r"(?:{}|{})\b",
        regex_lite::escape(&version.to_string()),
        regex_lite::escape(as_tagged)
    );
    let pattern = heading.replace("{version}", &spelled);
    // The heading is searched with the engine the policy parser checked it with, so it means
    // the same at tag time. The tag's name is the pusher's: bound what it can make it cost.
    let regex = RegexBuilder::new(&format!("(?m){pattern}"))
        .size_limit(crate::policy::REGEX_SIZE_LIMIT)
        .build()
        .map_err(|source| EvalError::Heading {
            tag: tag.to_owned(),
            source,
        })?;
    let found = match cx.view.read_file(commit, path)? {
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            regex.is_match(&text) || heading_names(tag, heading, &text, version)?
        }
        None => false,
    };
    if !found {
        cx.report(
            RuleId::ChangelogEntry,
            &update.refname,
            &[commit],
            format!("`{path}` has no entry for {version} at `{tag}` (looked for `{heading}`)"),
            Some(format!(
                "drop this tag, `git tag -d {tag}`; add the {version} entry to `{path}`, commit it, and tag that commit `{tag}`"
            )),
        )?;
    }
    Ok(())
}
