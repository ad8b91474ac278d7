//! branch/name, ref/replace, ref/shadow: refs that would change what a name shows in git.
//!
//! A push may carry any ref. Branches (`refs/heads/*`) and tags (`refs/tags/*`) are judged by
//! the other rules; here, besides the spelling of protected branch names:
//! - `refs/replace/*` makes git show another object wherever the replaced one is named
//!   (`git show`, `git log`, `git archive` of a release): refused unless the policy allows it;
//! - a ref that git would find under a protected branch's or a release tag's short name before
//!   the branch or the tag itself (`refs/tags/master`, `refs/master`, a branch `v0.12.0b1`):
//!   refused, because `git rev-parse`, `git checkout` and CI checkouts would name its commit;
//! - a new branch or tag under a protected branch's or a release tag's name (`0.13/x`,
//!   `v0.13.0/x`): git cannot hold a ref beside one under its name, so the branch or the
//!   release could not be created ("cannot lock ref"): refused;
//! - anything else (`refs/notes/*`, a forge's `refs/pull/*` or `refs/merge-requests/*`, ...)
//!   changes no name a branch or a tag answers to, and is not judged.
//!
//! Deleting such a ref only undoes it, and is never refused here.

use super::context::{Eval, EvalError};
use super::view::Id;
use super::{RuleId, Update, squat, versions};
use crate::version;

/// branch/name: a protected branch's name is the canonical spelling of its captures (`0.12`,
/// never `00.12`). Returns whether the update goes on to the branch rules: a malformed name is
/// refused here, and deleting one is its repair.
pub fn canonical_branch(
    cx: &mut Eval<'_>,
    update: &Update,
    class: usize,
    branch: &str,
) -> Result<bool, EvalError> {
    let Some(canonical) = cx.policy.canonical_name(class, branch) else {
        return Ok(true);
    };
    if let Some(new) = update.new {
        let class_name = &cx.policy.branches[class].name;
        let exists = cx.before.contains_key(&format!("refs/heads/{canonical}"));
        let hint = match (new == Id::PENDING, exists) {
            (true, false) => {
                format!("name the branch `{canonical}`: `git branch -m {branch} {canonical}`")
            }
            (true, true) => {
                format!("`{canonical}` exists: commit there (`git switch {canonical}`)")
            }
            (false, false) => format!(
                "push to `{canonical}` instead: `git push {remote} {new}:refs/heads/{canonical}`",
                remote = cx.remote
            ),
            (false, true) => format!(
                "`{canonical}` exists: build on it and push there, with these commits checked out: `git fetch {remote} && git rebase {remote}/{canonical} && git push {remote} HEAD:refs/heads/{canonical}`",
                remote = cx.remote
            ),
        };
        cx.report(
            RuleId::BranchName,
            &update.refname,
            &[new],
            format!(
                "`{branch}` matches the `{class_name}` branches but is spelled with leading zeros: that branch is `{canonical}`, and one branch has one name"
            ),
            Some(hint),
        )?;
    }
    Ok(false)
}

/// ref/shadow for a tag: a tag never takes a protected branch's name (by name or pattern),
/// which `git rev-parse` and `git checkout` would resolve to the tag, nor a remote-tracking
/// name of one (`origin/master`: git looks at `refs/tags/origin/master` before
/// `refs/remotes/origin/master` in every clone that fetched the tag). Returns whether it was
/// refused, so the tag rules need not judge it too.
pub fn shadows(cx: &mut Eval<'_>, update: &Update) -> Result<bool, EvalError> {
    let (Some(new), Some(tag)) = (update.new, update.refname.strip_prefix("refs/tags/")) else {
        return Ok(false);
    };
    if squat::tag(cx, update, tag, new)? {
        return Ok(true);
    }
    let message = if cx.policy.class_of(tag).is_some() {
        format!(
            "`{tag}` is a protected branch's name: as a tag it would shadow the branch (`git rev-parse {tag}` and `git checkout {tag}` would name the tag)"
        )
    } else if let Some((remote, branch)) = tag
        .split_once('/')
        .filter(|(_, branch)| cx.policy.class_of(branch).is_some())
    {
        format!(
            "`{tag}` would shadow the remote-tracking branch `{remote}/{branch}` in clones (`git rebase {tag}` would name the tag)"
        )
    } else {
        return Ok(false);
    };
    let commits = commit_of(cx, new)?;
    cx.report(
        RuleId::RefShadow,
        &update.refname,
        &commits,
        message,
        Some(format!(
            "delete the tag (`git tag -d {tag}`) and tag under a name no protected branch has"
        )),
    )?;
    Ok(true)
}

/// ref/shadow for an unprotected branch created with a release tag's name (`v0.12.0b1`):
/// tools that look for a branch first (`git checkout`, CI checkouts, `check --head`) would take
/// it for the release. Protected branches are named by the policy and never refused here.
pub fn branch_like_a_tag(
    cx: &mut Eval<'_>,
    update: &Update,
    branch: &str,
) -> Result<(), EvalError> {
    let Some(new) = update.new else {
        return Ok(());
    };
    if squat::branch(cx, update, branch, new)? {
        return Ok(());
    }
    if cx.before.contains_key(&update.refname) || !release_name(cx, branch) {
        return Ok(());
    }
    cx.report(
        RuleId::RefShadow,
        &update.refname,
        &[new],
        format!("`{branch}` is a release tag's name: as a branch it would be taken for the release by tools that look for branches first"),
        Some(format!("name the branch otherwise, e.g. `git branch -m {branch} topic/{branch}`, and push that")),
    )
}

/// ref/replace and ref/shadow for a ref that is neither a branch nor a tag.
pub fn other(cx: &mut Eval<'_>, update: &Update) -> Result<(), EvalError> {
    let Some(new) = update.new else {
        return Ok(());
    };
    let refname = &update.refname;
    if refname.starts_with("refs/replace/") {
        if cx.policy.allow_replace {
            return Ok(());
        }
        let commits = commit_of(cx, new)?;
        return cx.report(
            RuleId::RefReplace,
            refname,
            &commits,
            format!("`{refname}` is a replace ref: git would show another object wherever the replaced one is named, releases included"),
            Some(format!("delete it and push without it: `git replace -d {}`; or allow replace refs with `allow-replace = true` under `[refs]` in the server's policy", refname.trim_start_matches("refs/replace/"))),
        );
    }
    let Some(name) = shadowed(cx, refname) else {
        return Ok(());
    };
    let commits = commit_of(cx, new)?;
    cx.report(
        RuleId::RefShadow,
        refname,
        &commits,
        format!("`{refname}` would shadow `{name}`: git looks a short name up under `refs/` and `refs/remotes/` too, so `git rev-parse {name}` could name this ref"),
        Some(format!("push it under a name of its own, not `{refname}`")),
    )
}

/// The protected branch or release tag name under which git's short-name lookup
/// (`refs/<name>`, then tags, branches, `refs/remotes/<name>`) would find `refname`.
fn shadowed<'r>(cx: &Eval<'_>, refname: &'r str) -> Option<&'r str> {
    let rest = refname.strip_prefix("refs/")?;
    let remote = rest.strip_prefix("remotes/");
    let candidates = [
        Some(rest),
        remote,
        remote.and_then(|r| r.strip_suffix("/HEAD")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|name| cx.policy.class_of(name).is_some() || release_name(cx, name))
}

/// Whether `name` would be a valid release tag: a tag class reads a PEP 440 version from it of
/// a kind the class allows (`v0.12.0b1`, not `v2-migration`). Such names are the releases'.
pub(super) fn release_name(cx: &Eval<'_>, name: &str) -> bool {
    cx.policy.tags.iter().any(|class| {
        class
            .version_text(name)
            .and_then(|text| version::parse(text).ok())
            .is_some_and(|v| {
                versions::kind_problem(&v, class.kinds.as_deref(), class.pre.as_deref()).is_none()
            })
    })
}

/// The commit an object names, when it is one (for the violation's commit list).
pub(super) fn commit_of(cx: &Eval<'_>, id: Id) -> Result<Vec<Id>, EvalError> {
    Ok(cx.peel_commit(id).unwrap_or(None).into_iter().collect())
}
