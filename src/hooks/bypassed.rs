//! A warning when git-policy's client hooks are installed where git no longer runs them,
//! because a hook manager installed after it took the hooks over, with the command that has
//! them run again.

use std::fs;
use std::path::Path;

use super::managers::{self, Manager};
use super::{CLIENT_HOOKS, install, lefthook, shim};
use crate::repo::Git;

/// The warning, when git runs husky's hooks while git-policy's are in `.git/hooks` and
/// husky's files do not run it, or when lefthook holds a hook git-policy's is kept aside from
/// (`<hook>.old`) and lefthook's configuration does not run git-policy.
pub fn warning(git: &Git) -> Option<String> {
    let dir = install::hooks_dir(git).ok()?;
    let top = git.workdir()?;
    if let Some(husky) = managers::husky_dir(&dir) {
        let own = git.common_dir().join("hooks");
        let installed = CLIENT_HOOKS.iter().any(|hook| ours(&own.join(hook)));
        let silent = managers::HUSKY_HOOKS
            .iter()
            .any(|hook| !managers::husky_runs_us(&husky, hook));
        return (installed && silent).then(|| format!(
            "git-policy's hooks in `{}` no longer run: husky points git at `{}`, and its files in `.husky/` do not run git-policy\nhint: `git policy install --via-manager` adds git-policy to them",
            own.display(),
            dir.display()
        ));
    }
    let stranded = lefthook::HOOKS.iter().find(|hook| {
        let held = fs::read(dir.join(hook))
            .ok()
            .and_then(|c| Manager::of_script(&c))
            == Some(Manager::Lefthook);
        held && ours(&dir.join(format!("{hook}.old")))
    })?;
    (!lefthook::runs_git_policy(top)).then(|| format!(
        "git-policy's `{stranded}` hook no longer runs: lefthook moved it to `{stranded}.old`, which it never runs\nhint: `git policy install` has lefthook run it"
    ))
}

fn ours(path: &Path) -> bool {
    fs::read(path).is_ok_and(|c| shim::is_ours(&c))
}
