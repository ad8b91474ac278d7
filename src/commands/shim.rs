//! `git-policy shim <hook file>`: what git runs through an `exec` shim's `#!` line. The file's
//! name says which hook this is; the hook it replaced runs first, then the hook is judged.

use super::{Outcome, UserError, hook};
use crate::cli::ShimArgs;
use crate::hooks::{self, managers, shim, transaction};

pub fn run(args: &ShimArgs) -> anyhow::Result<Outcome> {
    // Another hook manager may have moved the file (`pre-commit.legacy`, `pre-commit.old`).
    let (name, moved) = args
        .script
        .file_name()
        .and_then(|n| n.to_str())
        .map(managers::hook_of_file)
        .filter(|(n, _)| hooks::CLIENT_HOOKS.contains(n) || hooks::SERVER_HOOKS.contains(n))
        .ok_or_else(|| {
            UserError::hinted(
                format!(
                    "`{}` is not a hook git-policy handles",
                    args.script.display()
                ),
                "git runs this through the `#!` line of an installed hook; install hooks with `git policy install`",
            )
        })?;
    // Both the replaced hook and git-policy read the ref lines: read them once, give both.
    let input = if hooks::reads_stdin(name) {
        Some(hook::read_input()?)
    } else {
        None
    };
    // Under a moved name, the manager that moved it runs the hooks in turn: this file is the
    // one it runs, not one to run again.
    let refused = match moved {
        true => None,
        false => shim::run_legacy(&args.script, name, &args.args, input.as_deref())?,
    };
    // git ignores how `reference-transaction` ends but in `prepared`; after it, git-policy
    // must still run to release its lock.
    let counts = name != transaction::HOOK || args.args.first().is_some_and(|s| s == "prepared");
    if let Some(code) = refused.filter(|_| counts) {
        return Ok(Outcome::Refused(code));
    }
    hook::run_hook(name, &args.args, input)
}
