//! What a release step starts from: the remote's refs, each branch's freshest tip, the local
//! refs, and the version files at a commit, read and rewritten.

use pep440_rs::Version;

use super::ReleaseError;
use crate::policy::Policy;
use crate::repo::Git;
use crate::rules::{Id, RefState, RepoView};
use crate::version::{self, Format};

/// What a step starts from and is judged against.
pub struct Session {
    pub git: Git,
    pub policy: Policy,
    /// The remote the step is judged against and pushed to.
    pub remote: String,
    /// The remote's refs as this clone knows them: its tracking branches as `refs/heads/*`,
    /// with the local tags. Every update's old value comes from here.
    pub before: RefState,
    /// Where each branch starts: each protected one at the freshest of the local branch and
    /// its tracking ref (unpushed local commits are included, and judged), the local tags.
    pub tips: RefState,
    /// The local refs (`refs/heads/*`, `refs/tags/*`) as they were when the step started: the
    /// ref transaction checks each is still there before moving it.
    pub local: RefState,
    /// The checked-out branch.
    pub head: Option<String>,
    /// The command line that started the step (`git policy release tag 1.2.3 --push`), for
    /// hints that say to run it again.
    pub command: String,
    /// The day the step's commits and tags are dated (the committer's): calendar versions and
    /// changelog headings use it.
    pub today: jiff::civil::Date,
}

/// A release tag among the session's tags.
#[derive(Debug, Clone)]
pub struct Tagged {
    /// The short name (`v0.13.0b1`).
    pub name: String,
    pub version: Version,
    /// Index into `Policy::tags`.
    pub class: usize,
    /// The tag's ref target (a tag object or a commit).
    pub target: Id,
}

impl Session {
    /// Reads where every branch stands: the remote's refs (`remote`, else the upstream
    /// remote), the freshest tip of each protected branch, and the local refs.
    pub fn start(git: Git, policy: Policy, remote: Option<&str>) -> Result<Session, ReleaseError> {
        let remote = match remote {
            Some(remote) => remote.to_owned(),
            None => git.upstream_remote().ok_or_else(|| {
                ReleaseError::usage(
                    "this clone has no remote to release to",
                    "add the central repository: `git remote add origin <url>`, then `git fetch origin`",
                )
            })?,
        };
        if !git.has_remote(&remote) {
            return Err(ReleaseError::usage(
                format!("this clone has no remote `{remote}`"),
                "name one of its remotes (`git remote -v` lists them), or add it: `git remote add <name> <url>`",
            ));
        }
        let before = git.remote_state(&remote)?;
        let tips = git.freshest_state(&|b| policy.class_of(b).is_some())?.state;
        let local = git.local_state()?;
        let head = git.head_branch();
        let today = git
            .committer_day()
            .unwrap_or_else(|| jiff::Zoned::now().date());
        let command = super::command_line();
        Ok(Session {
            command,
            git,
            policy,
            remote,
            before,
            tips,
            local,
            head,
            today,
        })
    }

    /// Where branch `branch` starts from.
    pub fn tip(&self, branch: &str) -> Option<Id> {
        self.tips.get(&format!("refs/heads/{branch}")).copied()
    }

    /// `branch`, else the checked-out branch; refused when there is neither.
    pub fn branch_or_head(&self, branch: Option<&str>) -> Result<String, ReleaseError> {
        match branch.map(str::to_owned).or_else(|| self.head.clone()) {
            Some(branch) => Ok(branch),
            None => {
                // The branch `HEAD` was detached at, where one protected branch is there.
                let head = self.git.head_commit();
                let at: Vec<&str> = self
                    .tips
                    .iter()
                    .filter(|(_, tip)| Some(**tip) == head)
                    .filter_map(|(name, _)| name.strip_prefix("refs/heads/"))
                    .collect();
                let hint = match at.as_slice() {
                    [branch] => format!(
                        "name the branch, e.g. the one `HEAD` is at: `{} --branch {branch}`",
                        self.command
                    ),
                    _ => format!("name the branch: `{} --branch <branch>`", self.command),
                };
                Err(ReleaseError::usage(
                    "no branch is checked out (`HEAD` is detached)",
                    hint,
                ))
            }
        }
    }

    /// Where `branch` starts from, protected or not; refused when it is nowhere.
    pub fn branch_tip(&self, branch: &str) -> Result<Id, ReleaseError> {
        self.tip(branch).ok_or_else(|| {
            ReleaseError::usage(
                format!("there is no branch `{branch}` here or on `{}`", self.remote),
                format!(
                    "if it is new on `{0}`, fetch it (`git fetch {0}`); `git branch -a` lists the branches this clone knows",
                    self.remote
                ),
            )
        })
    }

    /// The tip of protected branch `branch` with its class index.
    pub fn protected_tip(&self, branch: &str) -> Result<(usize, Id), ReleaseError> {
        let Some(class) = self.policy.class_of(branch) else {
            return Err(ReleaseError::usage(
                format!("`{branch}` is not a protected branch of the policy"),
                format!(
                    "release from one of its branches ({}); `git policy explain` shows them",
                    self.policy
                        .branches
                        .iter()
                        .map(|b| format!("`{}`", b.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        Ok((class, self.branch_tip(branch)?))
    }

    /// The version files at `commit`, with their formats: each named file present and every
    /// file a glob matches, in policy order.
    pub fn version_files_at(&self, commit: Id) -> Result<Vec<(String, &Format)>, ReleaseError> {
        let mut files: Vec<(String, &Format)> = Vec::new();
        for file in &self.policy.version_files {
            match &file.glob {
                None => {
                    if self.git.read_file(commit, &file.path)?.is_some() {
                        files.push((file.path.clone(), &file.format));
                    }
                }
                Some(glob) => {
                    for path in self.git.list_files(commit, &glob.dir)? {
                        if glob.matcher.is_match(&path) && !files.iter().any(|(p, _)| *p == path) {
                            files.push((path, &file.format));
                        }
                    }
                }
            }
        }
        Ok(files)
    }

    /// The version at `commit` (its first version file's), with that file's path.
    pub fn version_at(&self, commit: Id) -> Result<Option<(Version, String)>, ReleaseError> {
        let Some((path, format)) = self.version_files_at(commit)?.into_iter().next() else {
            return Ok(None);
        };
        let bytes = self.git.read_file(commit, &path)?.unwrap_or_default();
        let (version, _) = version::extract_file(format, &path, &bytes).map_err(|source| {
            ReleaseError::ReadVersion {
                path: path.clone(),
                commit: commit.short(),
                source,
            }
        })?;
        Ok(Some((version, path)))
    }

    /// The version at `commit` as its first version file writes it (`0.13.0-beta1`), with
    /// its normal form (`0.13.0b1`); `None` where there is none.
    fn written_at(&self, commit: Id) -> Option<(String, Version)> {
        let (path, format) = self.version_files_at(commit).ok()?.into_iter().next()?;
        let bytes = self.git.read_file(commit, &path).ok()??;
        let (version, found) = version::extract_file(format, &path, &bytes).ok()?;
        Some((found.text.trim().to_owned(), version))
    }

    /// The version at `commit` as its first version file writes it, with its normal form
    /// after it where that differs: `0.13.0-beta1 (0.13.0b1)`.
    pub fn shown_at(&self, commit: Id) -> Option<String> {
        let (text, version) = self.written_at(commit)?;
        Some(crate::rules::shown(&text, &version))
    }

    /// The version at `commit` as its first version file writes it (`0.13.0-beta1`), or
    /// `version` where it cannot be read.
    pub fn as_written(&self, commit: Id, version: &Version) -> String {
        self.written_at(commit)
            .map_or_else(|| version.to_string(), |(text, _)| text)
    }

    /// A commit on `parent` that sets `version` in every version file (each in its format).
    pub fn commit_version(
        &self,
        parent: Id,
        version: &Version,
        message: &str,
    ) -> Result<Id, ReleaseError> {
        let files = self.version_files_with(parent, version)?;
        Ok(self.git.commit_with_files(&[parent], &files, message)?)
    }

    /// What to do where a branch has no version file: a step sets versions in files that
    /// exist, it makes none.
    pub fn no_version_file_hint(&self) -> String {
        format!(
            "commit a version file first ({}); `git policy explain` shows where the policy reads the version",
            self.policy
                .version_files
                .iter()
                .map(|f| format!("`{}`", f.path))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// Every version file at `commit` rewritten to carry `version`.
    pub fn version_files_with(
        &self,
        commit: Id,
        version: &Version,
    ) -> Result<Vec<(String, Vec<u8>)>, ReleaseError> {
        let files = self.version_files_at(commit)?;
        if files.is_empty() {
            return Err(ReleaseError::usage(
                format!("{} has no version file", commit.short()),
                self.no_version_file_hint(),
            ));
        }
        let mut out = Vec::new();
        for (path, format) in files {
            let bytes = self.git.read_file(commit, &path)?.unwrap_or_default();
            let written =
                version::write::set_version(format, &path, &bytes, version).map_err(|source| {
                    ReleaseError::SetVersion {
                        path: path.clone(),
                        source,
                    }
                })?;
            out.push((path, written));
        }
        Ok(out)
    }

    /// The release tags among the session's tags (the remote's and the local ones).
    pub fn release_tags(&self) -> Vec<Tagged> {
        self.tips
            .range("refs/tags/".to_owned()..)
            .take_while(|(name, _)| name.starts_with("refs/tags/"))
            .filter_map(|(refname, &target)| {
                let name = refname.strip_prefix("refs/tags/")?;
                let (class, version) =
                    self.policy.tags.iter().enumerate().find_map(|(i, class)| {
                        Some((i, version::parse(class.version_text(name)?).ok()?))
                    })?;
                Some(Tagged {
                    name: name.to_owned(),
                    version,
                    class,
                    target,
                })
            })
            .collect()
    }

    /// `text` as a version, refused with an example where it is none.
    pub fn parse_version(text: &str) -> Result<Version, ReleaseError> {
        version::parse(text).map_err(|err| {
            ReleaseError::usage(
                format!("`{text}` is not a PEP 440 version: {err}"),
                "write it as PEP 440 does, e.g. `1.2.3`, `0.13.0b1` or `0.14.0.dev1`",
            )
        })
    }

    /// Whether a ref exists here or on the remote (as this clone knows it).
    pub fn exists(&self, refname: &str) -> bool {
        self.tips.contains_key(refname) || self.before.contains_key(refname)
    }
}
