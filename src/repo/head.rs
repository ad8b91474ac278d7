//! The repository's default branch, as its `HEAD` (a server's) or `origin/HEAD` (a clone's)
//! names it, and whether a branch exists here at all.

use super::Git;

impl Git {
    /// The default branch: what `refs/remotes/<upstream remote>/HEAD` names in a clone that
    /// has one, else the branch `HEAD` names.
    pub fn default_branch(&self) -> Option<String> {
        let remote_head = self
            .upstream_remote()
            .and_then(|remote| self.symbolic_target(&format!("refs/remotes/{remote}/HEAD")))
            .and_then(|target| {
                let (_, branch) = target.strip_prefix("refs/remotes/")?.split_once('/')?;
                Some(branch.to_owned())
            });
        remote_head.or_else(|| self.head_branch())
    }

    /// Whether branch `name` exists here, locally or as the upstream remote's tracking ref.
    pub fn has_branch(&self, name: &str) -> bool {
        let tracking = self
            .upstream_remote()
            .map(|remote| format!("refs/remotes/{remote}/{name}"));
        std::iter::once(format!("refs/heads/{name}"))
            .chain(tracking)
            .any(|refname| self.repo.find_reference(&refname).is_ok())
    }

    /// The ref a symbolic ref `refname` finally names (followed as git does, at most five
    /// levels), or `None` when `refname` is not a symbolic ref. A push to it moves that ref.
    pub fn symbolic_end(&self, refname: &str) -> Option<String> {
        let mut name = self.symbolic_target(refname)?;
        for _ in 0..5 {
            match self.symbolic_target(&name) {
                Some(next) => name = next,
                None => break,
            }
        }
        Some(name)
    }

    fn symbolic_target(&self, refname: &str) -> Option<String> {
        let reference = self.repo.find_reference(refname).ok()?;
        reference.symbolic_target().ok()?.map(str::to_owned)
    }
}
