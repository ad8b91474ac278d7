//! The refs as the rules see them: a server's own branches and tags, a clone's branches
//! merged with its upstream remote's tracking refs, and single refs by name.

use git2::Oid;

use super::{Git, RepoError, git_err, to_id};
use crate::rules::{Id, RefState};

impl Git {
    /// Every ref under `prefix`, with its full name and (unpeeled) target; in a namespace, its
    /// refs, named as its own.
    pub(super) fn refs_under(&self, prefix: &str) -> Result<Vec<(String, Id)>, RepoError> {
        let mut refs = Vec::new();
        let glob = format!("{}*", self.stored_name(prefix));
        for reference in self
            .repo
            .references_glob(&glob)
            .map_err(git_err("list refs"))?
        {
            let reference = reference.map_err(git_err("read a ref"))?;
            let target = target_of(&reference);
            let (Ok(Some(name)), Some(target)) =
                (reference.name().map(|n| self.own_name(n)), target)
            else {
                continue;
            };
            if let Some(peeled) = reference.target_peel() {
                self.peeled
                    .borrow_mut()
                    .insert(to_id(target), to_id(peeled));
            }
            refs.push((name.to_owned(), to_id(target)));
        }
        Ok(refs)
    }

    /// Local branches and tags, as a server (or an audit) sees them.
    pub fn local_state(&self) -> Result<RefState, RepoError> {
        let mut state = RefState::new();
        state.extend(self.refs_under("refs/heads/")?);
        state.extend(self.refs_under("refs/tags/")?);
        Ok(state)
    }

    /// The object a ref names now (a symbolic ref resolved), or `None` when there is no such
    /// ref (or the name cannot be one).
    pub fn ref_target(&self, name: &str) -> Result<Option<Id>, RepoError> {
        match self.repo.find_reference(&self.stored_name(name)) {
            Ok(reference) => Ok(target_of(&reference).map(to_id)),
            Err(e)
                if matches!(
                    e.code(),
                    git2::ErrorCode::NotFound | git2::ErrorCode::InvalidSpec
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(git_err(format!("read `{name}`"))(e)),
        }
    }

    /// A remote's branches (from its tracking refs) with local tags: what a push is judged on.
    pub fn remote_state(&self, remote: &str) -> Result<RefState, RepoError> {
        self.clone_state(remote, false)
    }

    /// Local branches, with the tracking refs of the [`upstream_remote`](Self::upstream_remote)
    /// standing in for branches not present locally (a CI checkout has only `origin/*`).
    pub fn merged_state(&self) -> Result<RefState, RepoError> {
        match self.upstream_remote() {
            Some(remote) => self.clone_state(&remote, true),
            None => self.local_state(),
        }
    }

    /// A clone's refs in one pass over `refs/`, which costs less than one pass per prefix
    /// (each copies the packed refs; a clone has few refs besides these; servers, which may
    /// have many, use `local_state`): the remote's branches and the local tags, and with
    /// `local_branches` the local branches too, winning over the remote's.
    fn clone_state(&self, remote: &str, local_branches: bool) -> Result<RefState, RepoError> {
        Ok(self.clone_refs(remote, local_branches)?.0)
    }

    /// [`clone_state`](Self::clone_state), with the remote's tracking refs from the same pass,
    /// as (branch, target), `HEAD` left out.
    pub(super) fn clone_refs(
        &self,
        remote: &str,
        local_branches: bool,
    ) -> Result<(RefState, Vec<(String, Id)>), RepoError> {
        let prefix = format!("refs/remotes/{remote}/");
        let mut state = RefState::new();
        let mut tracking = Vec::new();
        let mut local = Vec::new();
        for (name, id) in self.refs_under("refs/")? {
            if let Some(branch) = name.strip_prefix(&prefix) {
                if branch != "HEAD" {
                    state.insert(format!("refs/heads/{branch}"), id);
                    tracking.push((branch.to_owned(), id));
                }
            } else if name.starts_with("refs/tags/")
                || (local_branches && name.starts_with("refs/heads/"))
            {
                local.push((name, id));
            }
        }
        state.extend(local);
        Ok((state, tracking))
    }

    /// The remote of the current branch's upstream, else `origin` when it exists, else the
    /// clone's only remote (`git clone -o upstream`; a branch not pushed yet has no upstream).
    pub fn upstream_remote(&self) -> Option<String> {
        let from_branch = self
            .head_branch()
            .and_then(|b| self.config_string(&format!("branch.{b}.remote")))
            .filter(|r| r != ".");
        from_branch.or_else(|| {
            let remotes = self.repo.remotes().ok()?;
            let names: Vec<&str> = remotes.iter().flatten().flatten().collect();
            match names.as_slice() {
                [only] => Some((*only).to_owned()),
                _ => names.contains(&"origin").then(|| "origin".to_owned()),
            }
        })
    }

    /// Whether this clone has a remote named `name`.
    pub fn has_remote(&self, name: &str) -> bool {
        self.repo.find_remote(name).is_ok()
    }

    /// The remote the commands in hints push to and fetch from: the
    /// [`upstream_remote`](Self::upstream_remote), else `origin`.
    pub fn hint_remote(&self) -> String {
        self.upstream_remote()
            .unwrap_or_else(|| "origin".to_owned())
    }
}

/// What a ref names: its target, or a symbolic ref's resolved one. Only a symbolic ref needs
/// resolving; resolving a direct one reads it again.
fn target_of(reference: &git2::Reference<'_>) -> Option<Oid> {
    reference
        .target()
        .or_else(|| reference.resolve().ok().and_then(|r| r.target()))
}

/// Whether git takes `name` as a branch name (`refs/heads/<name>` is a valid ref name, and
/// the name does not start with `-`, as `git check-ref-format --branch` asks).
pub fn valid_branch_name(name: &str) -> bool {
    !name.starts_with('-') && git2::Reference::is_valid_name(&format!("refs/heads/{name}"))
}
