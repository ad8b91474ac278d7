//! Git hooks: the shims git runs, installing them, and one adapter per hook that turns git's
//! input into an update set for the evaluator.

pub mod advisory;
pub mod bypassed;
mod commit;
pub mod framework;
pub mod install;
pub mod layout;
pub mod lefthook;
pub mod local_update;
pub mod managers;
mod push;
mod receive;
pub mod renamed;
pub mod shim;
pub mod stdin;
pub mod transaction;

pub use commit::judge_commit;
pub use push::judge_push;
pub use receive::{judge_pre_receive, judge_update};

use crate::rules::Violation;

/// The hooks installed in a developer's clone; `reference-transaction` judges the moves of
/// protected branches that make no commit.
pub const CLIENT_HOOKS: &[&str] = &[
    "pre-commit",
    "pre-merge-commit",
    "pre-push",
    transaction::HOOK,
];

/// The hooks a central repository may judge pushes with, and the one that judges them again
/// as they land (`reference-transaction`, installed beside either).
pub const SERVER_HOOKS: &[&str] = &["pre-receive", "update", transaction::HOOK];

/// Set by `git policy release` on the `git push` it runs: the step judged the whole result
/// before writing it, so git-policy's own client hooks accept at once. Other hooks (chained,
/// managed) still run, and a server never reads it: it judges every push itself.
pub const JUDGED_ENV: &str = "GIT_POLICY_JUDGED";

/// Whether this client hook runs under a release step that judged its result already.
pub fn judged_by_release() -> bool {
    std::env::var_os(JUDGED_ENV).is_some_and(|v| v == "1")
}

/// Whether git gives hook `name` its input on standard input (the ref lines).
pub fn reads_stdin(name: &str) -> bool {
    matches!(name, "pre-push" | "pre-receive" | transaction::HOOK)
}

/// How a server's refusal names the policy that judged it: never by its path on the server.
pub const SERVER_POLICY: &str = "the server's policy";

/// A hook's verdict with what the report needs to say about it.
pub struct Judged {
    pub violations: Vec<Violation>,
    pub policy: String,
    pub subject: String,
    pub notes: Vec<String>,
    /// Shown whatever the verdict (see [`crate::report::Verdict::warnings`]).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
    #[error(transparent)]
    Eval(#[from] crate::rules::EvalError),
    #[error(transparent)]
    View(#[from] crate::rules::ViewError),
    #[error(transparent)]
    Stdin(#[from] stdin::StdinError),
    #[error("cannot read the hook's standard input")]
    Read(#[source] std::io::Error),
    #[error(
        "this repository is a shallow clone: git-policy needs the whole history to judge ancestry (`git fetch --unshallow`)"
    )]
    Shallow,
    #[error("`{hook}` takes {expected}, got {got} arguments")]
    Args {
        hook: &'static str,
        expected: &'static str,
        got: usize,
    },
}
