//! tag/pre-release and tag/calendar: what a release tag's version says about the tags before it
//! and about the day it was made.

use pep440_rs::Version;

use super::context::{Eval, EvalError, short};
use super::view::Id;
use super::{Message, RuleId, Update};
use crate::policy::{Calendar, TagClass};
use crate::version::Kind;

/// tag/pre-release: a final release needs a pre-release of the same release (`0.4.3rc0` for
/// `0.4.3`, any letter) tagged on its commit or an ancestor of it, in the state after the push.
pub fn pre_release(
    cx: &mut Eval<'_>,
    update: &Update,
    class: &TagClass,
    tag: &str,
    version: &Version,
    commit: Id,
) -> Result<(), EvalError> {
    if Kind::of(version) != Kind::Final {
        return Ok(());
    }
    let release = (version.epoch(), version.only_release());
    let tags = cx.release_tags();
    let mut elsewhere = Vec::new();
    for candidate in tags.iter().filter(|t| {
        Kind::of(&t.version) == Kind::Pre
            && (t.version.epoch(), t.version.only_release()) == release
    }) {
        let Some(pre) = cx.peel_commit(candidate.target)? else {
            continue;
        };
        if cx.view.is_ancestor(pre, commit)? {
            return Ok(());
        }
        elsewhere.push(format!("`{}`", short(&candidate.refname)));
    }
    let release = version.only_release();
    let found = |list: &dyn Fn(&[String]) -> String| {
        if elsewhere.is_empty() {
            String::new()
        } else {
            format!(
                " ({} tags a commit this release does not contain)",
                list(&elsewhere)
            )
        }
    };
    // A pre-release tag names the version of the commit it tags (tag/version): only a commit
    // that carries a pre-release of this release can take one.
    let hint = match carrying_pre_release(cx, commit, version)? {
        Some((at, text)) => {
            let name = class.template.replace("{version}", &text);
            format!(
                "{} carries {text}: tag the pre-release there and push it, `git tag {name} {} && git push origin {name}`, then push `{tag}` again",
                at.short(),
                at.short()
            )
        }
        None => {
            let next = super::versions::next_after(version).only_release();
            let example = class.template.replace("{version}", &format!("{next}rc0"));
            format!(
                "no commit up to `{tag}` carries a pre-release of {release} to tag, and a release is tagged on the commit that carries its version: drop this tag, `git tag -d {tag}`, and release the next version with a pre-release first (e.g. `{example}`)"
            )
        }
    };
    cx.report(
        RuleId::TagPreRelease,
        &update.refname,
        &[commit],
        Message::with_lists(|list| format!("`{tag}` is a final release, but no pre-release of {release} is tagged on its commit or before it{}", found(list))),
        Some(hint),
    )
}

/// The nearest commit on `commit`'s first-parent line that carries a pre-release of `version`'s
/// release, with the version as its file writes it. The walk stops where the line carries an
/// older release, or after a few hundred commits.
fn carrying_pre_release(
    cx: &mut Eval<'_>,
    commit: Id,
    version: &Version,
) -> Result<Option<(Id, String)>, EvalError> {
    let release = (version.epoch(), version.only_release());
    let mut cursor = Some(commit);
    for _ in 0..500 {
        let Some(at) = cursor else { break };
        let Some(found) = cx.version_at(at).ok().flatten() else {
            break;
        };
        let here = (found.version.epoch(), found.version.only_release());
        if here < release {
            break;
        }
        if here == release && Kind::of(&found.version) == Kind::Pre {
            // As the file writes it where that is a version (a regex's match may not be).
            let text = found.text.trim();
            let shown = if crate::version::parse(text).is_ok() {
                text.to_owned()
            } else {
                found.version.to_string()
            };
            return Ok(Some((at, shown)));
        }
        cursor = cx.view.parents(at)?.first().copied();
    }
    Ok(None)
}

/// tag/calendar: the release components the scheme names as dates are the tag's date: the
/// tagger date of an annotated tag, else the tagged commit's committer date, in the time zone
/// it was recorded in.
pub fn calendar(
    cx: &mut Eval<'_>,
    update: &Update,
    (class, calendar): (&TagClass, &Calendar),
    tag: &str,
    version: &Version,
    new: Id,
) -> Result<(), EvalError> {
    let stamp = cx.view.date(new)?;
    let commits = cx.peel_commit(new)?.into_iter().collect::<Vec<_>>();
    let Some(date) = stamp.date() else {
        return cx.report(
            RuleId::TagCalendar,
            &update.refname,
            &commits,
            format!(
                "`{tag}` has a date ({} seconds) no calendar can name",
                stamp.seconds
            ),
            Some("tag again with a correct clock: `git tag -d` it locally and tag anew".into()),
        );
    };
    let mut release = version.release().to_vec();
    let mut pattern = Vec::new();
    let mut wrong = false;
    for (i, part) in calendar.parts.iter().enumerate() {
        let token = calendar.scheme.split('.').nth(i).unwrap_or_default();
        let Some(part) = part else {
            pattern.push(token.to_owned());
            continue;
        };
        let wanted = part.of(date);
        pattern.push(wanted.to_string());
        if release.len() <= i {
            release.resize(i + 1, 0);
            wrong = true;
        }
        if release[i] != wanted {
            release[i] = wanted;
            wrong = true;
        }
    }
    if !wrong {
        return Ok(());
    }
    let fixed = Version::new(release).to_string();
    let suggestion = class.template.replace("{version}", &fixed);
    cx.report(
        RuleId::TagCalendar,
        &update.refname,
        &commits,
        format!(
            "`{tag}` is dated {date}, so its version must read {} (`{}`), not {version}",
            pattern.join("."),
            calendar.scheme
        ),
        Some(format!(
            "a release's version is the day it is tagged (an annotated tag is dated by its tagger, a lightweight one by its commit), and no single command fixes it: set the version files (and the changelog's heading) to {} on the release branch, commit, and tag that commit `{suggestion}`; drop this tag: `git tag -d {tag}`",
            fixed
        )),
    )
}
