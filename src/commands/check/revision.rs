//! Revisions where a commit is asked for, resolved as git resolves them (`HEAD`, tags,
//! `origin/rc`, `HEAD~2`, ids), with the nearest branch suggested for a name git does not know.

use super::not_here;
use crate::commands::UserError;
use crate::repo::{Git, RepoError};
use crate::rules::Id;

/// The commit `rev` names.
pub fn commit(git: &Git, rev: &str) -> anyhow::Result<Id> {
    git.resolve(rev).map_err(|err| unknown(git, err, rev))
}

/// The value of `refname` that `text` names for `--old`/`--new`: `-` or 40 zeros for none, a
/// full id as given (it need not be here: the rules say so if they need it), else a revision,
/// the object itself for a tag (an annotated tag's own object) and the commit for a branch.
pub fn value(git: &Git, refname: &str, text: &str) -> anyhow::Result<Option<Id>> {
    if text == "-" {
        return Ok(None);
    }
    if let Ok(id) = Id::parse_hex(text) {
        return Ok(id);
    }
    let resolved = if refname.starts_with("refs/tags/") {
        git.resolve_object(text)
    } else {
        git.resolve(text)
    };
    resolved.map(Some).map_err(|err| unknown(git, err, text))
}

/// A revision this clone cannot resolve: the nearest branch name as "did you mean", else the
/// hint to fetch.
fn unknown(git: &Git, err: RepoError, rev: &str) -> anyhow::Error {
    match nearest_branch(git, rev) {
        Some(branch) => anyhow::Error::new(err).context(UserError {
            message: format!("`{rev}` names nothing in this clone"),
            hint: Some(format!("did you mean `{branch}`?")),
        }),
        None => not_here(git, err, rev),
    }
}

/// The branch (local, or as a remote-tracking ref `origin/rc`) whose name is closest to `rev`,
/// when one is close enough to be a typo of it.
fn nearest_branch(git: &Git, rev: &str) -> Option<String> {
    let names = git.branch_names().ok()?;
    names
        .into_iter()
        .map(|name| (strsim::damerau_levenshtein(rev, &name), name))
        .filter(|(distance, name)| *distance > 0 && *distance <= (name.len() / 3).max(1))
        .min()
        .map(|(_, name)| name)
}
