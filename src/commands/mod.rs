//! One module per subcommand; each turns its input into an update set for the one evaluator.

pub mod check;
pub mod completions;
pub mod explain;
pub mod hook;
pub mod init;
pub mod install;
pub mod man;
pub mod release;
pub mod schema;
pub mod shim;

use std::fmt;
use std::path::Path;

use anyhow::Context;

use crate::hooks::HookError;
use crate::policy::{self, Policy};
use crate::repo::{Git, RepoError};
use crate::report::ErrorKind;
use crate::rules::{EvalError, ViewError};

/// How a command ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit code 0.
    Ok,
    /// Exit code 1.
    Violations,
    /// The hook an installed shim replaced refused, with this exit code (never 0): git-policy
    /// passes it on, as the `sh` shims do.
    Refused(u8),
}

/// An error a user can fix, with the fix on its own line.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
}

impl UserError {
    pub fn hinted(message: impl Into<String>, hint: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(UserError {
            message: message.into(),
            hint: Some(hint.into()),
        })
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// The first hint anywhere in an error's chain.
pub fn hint_of(err: &anyhow::Error) -> Option<String> {
    // Context values are only reachable through anyhow's own downcast, not through `chain()`.
    if let Some(user) = err.downcast_ref::<UserError>()
        && user.hint.is_some()
    {
        return user.hint.clone();
    }
    err.chain().find_map(|cause| {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            return user.hint.clone();
        }
        if let Some(policy) = cause.downcast_ref::<policy::PolicyError>() {
            return policy.hint().map(str::to_owned);
        }
        match view_error(cause)? {
            ViewError::Missing(_) => Some(
                "the repository lacks an object the other side has: `git fetch`, then try again"
                    .into(),
            ),
            ViewError::WrongKind { .. } => Some(
                "the object exists, so fetching will not help: a branch must name a commit, and a tag a commit or a well-formed tag object of one"
                    .into(),
            ),
            ViewError::Conflict { path } => Some(format!(
                "resolve the conflict in `{path}` on the branch being merged, then check again"
            )),
            ViewError::DamagedGraph { .. } => Some(
                "rewrite it in the repository that has it (on a server, its administrator does): `git commit-graph write --reachable`, then try again"
                    .into(),
            ),
            _ => None,
        }
    })
}

/// What kind of error this is, for the JSON error object.
pub fn kind_of(err: &anyhow::Error) -> ErrorKind {
    let chain = || err.chain();
    if chain().any(|cause| cause.downcast_ref::<policy::PolicyError>().is_some()) {
        ErrorKind::Policy
    } else if chain()
        .any(|cause| cause.downcast_ref::<RepoError>().is_some() || view_error(cause).is_some())
    {
        ErrorKind::Repository
    } else {
        ErrorKind::Other
    }
}

/// A view error, also behind the `transparent` wrappers that hide it from `chain()`.
fn view_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a ViewError> {
    let eval = |e: &'a EvalError| match e {
        EvalError::View(view) => Some(view),
        _ => None,
    };
    if let Some(view) = cause.downcast_ref::<ViewError>() {
        return Some(view);
    }
    if let Some(e) = cause.downcast_ref::<EvalError>() {
        return eval(e);
    }
    match cause.downcast_ref::<HookError>()? {
        HookError::View(view) => Some(view),
        HookError::Eval(e) => eval(e),
        _ => None,
    }
}

pub fn open_repo() -> anyhow::Result<Git> {
    Git::open_from_env().map_err(|err| {
        explain_open(
            err,
            "git-policy works inside a git repository".into(),
            "run it from a clone, or set `GIT_DIR`",
        )
    })
}

/// Opens the repository at `path` (a server's, for `install --server`).
pub fn open_repo_at(path: &Path) -> anyhow::Result<Git> {
    Git::open(path).map_err(|err| {
        explain_open(
            err,
            format!("`{}` is not a git repository", path.display()),
            "pass the path of the repository's git directory, e.g. `/srv/git/project.git`",
        )
    })
}

fn explain_open(err: RepoError, message: String, hint: &str) -> anyhow::Error {
    let (message, hint) = match err {
        RepoError::ObjectFormat(_) => (
            "git-policy cannot judge a SHA-256 repository".to_owned(),
            "git-policy reads SHA-1 repositories only (libgit2 cannot read SHA-256 yet); create repositories with `git init --object-format=sha1`",
        ),
        RepoError::Reftable(_) => (
            "git-policy cannot judge a repository whose refs are in the reftable format yet"
                .to_owned(),
            "convert its refs with `git refs migrate --ref-format=files` (git 2.46 or later; git 2.48 or later where there are reflogs), then run git-policy again",
        ),
        _ => (message, hint),
    };
    anyhow::Error::new(err).context(UserError {
        message,
        hint: Some(hint.to_owned()),
    })
}

/// The policy that applies here: `--policy`, else the administrator's file in a bare (server)
/// repository, else the committed `.git-policy.toml`, else the embedded default.
pub fn load_policy(git: &Git, explicit: Option<&Path>) -> anyhow::Result<Policy> {
    if let Some(path) = explicit {
        return Ok(policy::load(path, path)?);
    }
    // Messages name the committed file as the repository knows it, not by a temporary path.
    let file = if git.is_bare() {
        let path = git.common_dir().join(policy::ADMIN_FILE_NAME);
        Some((path.clone(), path))
    } else {
        git.workdir()
            .map(|dir| (dir.join(policy::FILE_NAME), policy::FILE_NAME.into()))
    };
    match file {
        Some((file, shown)) if file.exists() => Ok(policy::load(&file, &shown)?),
        _ => default_policy(),
    }
}

pub fn default_policy() -> anyhow::Result<Policy> {
    policy::presets::load(policy::presets::DEFAULT)
        .context("the embedded default policy is missing")?
        .context("the embedded default policy is invalid")
}
