//! The repository's default branch, as its `HEAD` (a server's) or `origin/HEAD` (a clone's)
//! names it, whether a branch exists here at all, and names as people type them.

use super::{Git, RepoError, to_id};
use crate::rules::Id;

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
        let exists = |refname: &str| self.repo.find_reference(&self.stored_name(refname)).is_ok();
        // The local branch first: it needs no look at the configuration.
        exists(&format!("refs/heads/{name}"))
            || self
                .upstream_remote()
                .is_some_and(|remote| exists(&format!("refs/remotes/{remote}/{name}")))
    }

    /// Short names of the local branches and the remote-tracking ones (`origin/rc`).
    pub fn branch_names(&self) -> Result<Vec<String>, RepoError> {
        let mut names = Vec::new();
        for prefix in ["refs/heads/", "refs/remotes/"] {
            for (name, _) in self.refs_under(prefix)? {
                if let Some(short) = name.strip_prefix(prefix)
                    && !short.ends_with("/HEAD")
                {
                    names.push(short.to_owned());
                }
            }
        }
        Ok(names)
    }

    /// Resolves a revision to the object it names, unpeeled: an annotated tag's own object.
    pub fn resolve_object(&self, rev: &str) -> Result<Id, RepoError> {
        let object = self
            .repo
            .revparse_single(rev)
            .map_err(|source| RepoError::Resolve {
                rev: rev.to_owned(),
                source,
            })?;
        Ok(to_id(object.id()))
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
        let reference = self.repo.find_reference(&self.stored_name(refname)).ok()?;
        let target = reference.symbolic_target().ok()??;
        self.own_name(target).map(str::to_owned)
    }
}
