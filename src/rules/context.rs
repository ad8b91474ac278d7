//! The state one evaluation shares between rules: refs before and after, cached versions, output.

use std::collections::HashMap;
use std::rc::Rc;

use pep440_rs::Version;

use super::view::{Id, Peeled, RepoView, ViewError};
use super::{CommitRef, Entry, Message, RefState, RuleId, Update, Violation};
use crate::policy::Policy;
use crate::version::{self, ExtractError, Found};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    View(#[from] ViewError),
    #[error("cannot search the changelog for `{tag}`'s heading")]
    Heading {
        tag: String,
        #[source]
        source: regex_lite::Error,
    },
    #[error("`{path}` at {commit}: {source}")]
    Version {
        path: String,
        commit: String,
        #[source]
        source: ExtractError,
    },
}

/// The version of a commit, read from the policy's version files.
#[derive(Debug, Clone)]
pub struct VersionAt {
    pub version: Version,
    /// The first version file present, which the version was read from.
    pub path: String,
    pub line: usize,
    /// The version as the file writes it (`0.4.3.pre0`), which may differ from its normal
    /// form (`0.4.3rc0`).
    pub text: String,
    /// Files that disagree with it (`None`: missing while the first exists).
    pub discord: Vec<(String, Option<Version>)>,
    /// How many version files besides `path` there are (lockstep: all carry one version).
    pub others: usize,
}

impl VersionAt {
    /// The version as the file writes it, with its normal form when that differs:
    /// `0.4.3.pre0 (0.4.3rc0)`.
    pub fn shown(&self) -> String {
        shown(&self.text, &self.version)
    }

    /// Where a hint says to set a version: the file, and the others that must say the same.
    pub fn files(&self) -> String {
        match self.others {
            0 => format!("`{}`", self.path),
            1 => format!("`{}` and the other version file", self.path),
            n => format!("`{}` and the {n} other version files", self.path),
        }
    }
}

/// `text` as written, and `version`, its normal form, after it when it differs.
pub fn shown(text: &str, version: &Version) -> String {
    let normal = version.to_string();
    if text.trim() == normal || text.is_empty() {
        normal
    } else {
        format!("{} ({normal})", text.trim())
    }
}

/// A release tag in the state after the update set.
#[derive(Debug, Clone)]
pub struct ReleaseTag {
    pub refname: String,
    pub target: Id,
    pub version: Version,
}

/// A protected branch: short name, class index, tip.
pub type Protected = (String, usize, Id);

pub struct Eval<'a> {
    pub policy: &'a Policy,
    pub view: &'a dyn RepoView,
    pub before: &'a RefState,
    pub after: RefState,
    pub updates: &'a [Update],
    /// Who asks: hints name what fixes the situation there.
    pub entry: Entry,
    /// The remote the asker pushes to, as the commands in hints name it.
    pub remote: String,
    /// The protected branches before and after the update set, classified once: every rule
    /// asks, and a branch pattern costs a regex search per branch.
    protected_before: Rc<[Protected]>,
    protected_after: Rc<[Protected]>,
    versions: HashMap<Id, Option<Rc<VersionAt>>>,
    release_tags: Option<Rc<Vec<ReleaseTag>>>,
    violations: Vec<Violation>,
    /// What was not judged, and why (a version already unreadable where the push left it).
    notes: Vec<String>,
}

impl<'a> Eval<'a> {
    pub fn new(
        policy: &'a Policy,
        view: &'a dyn RepoView,
        before: &'a RefState,
        updates: &'a [Update],
    ) -> Self {
        let mut after = before.clone();
        for update in updates {
            match update.new {
                Some(new) => after.insert(update.refname.clone(), new),
                None => after.remove(&update.refname),
            };
        }
        let protected_before: Rc<[Protected]> = protected(policy, before, &[]).into();
        let protected_after = protected(policy, &after, &protected_before).into();
        Eval {
            policy,
            view,
            before,
            after,
            updates,
            entry: Entry::Audit,
            remote: "origin".to_owned(),
            protected_before,
            protected_after,
            versions: HashMap::new(),
            release_tags: None,
            violations: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The violations and the notes on what was skipped.
    pub fn into_parts(self) -> (Vec<Violation>, Vec<String>) {
        (self.violations, self.notes)
    }

    pub fn report(
        &mut self,
        rule: RuleId,
        refname: &str,
        commits: &[Id],
        message: impl Into<Message>,
        hint: Option<String>,
    ) -> Result<(), EvalError> {
        let commits = commits
            .iter()
            .map(|&id| self.commit_ref(id))
            .collect::<Result<Vec<_>, _>>()?;
        let message = message.into();
        self.violations.push(Violation {
            rule,
            refname: refname.to_owned(),
            commits,
            message: message.whole,
            short: message.short,
            hint,
        });
        Ok(())
    }

    pub fn commit_ref(&self, id: Id) -> Result<CommitRef, EvalError> {
        let info = self.view.commit(id)?;
        Ok(CommitRef {
            id: if id == Id::PENDING {
                String::new()
            } else {
                id.to_string()
            },
            subject: info.subject().to_owned(),
        })
    }

    /// The protected branches before the update set.
    pub fn protected_before(&self) -> Rc<[Protected]> {
        self.protected_before.clone()
    }

    /// The protected branches after the update set.
    pub fn protected_after(&self) -> Rc<[Protected]> {
        self.protected_after.clone()
    }

    /// The version at a commit, or `None` when no version file exists there.
    pub fn version_at(&mut self, commit: Id) -> Result<Option<Rc<VersionAt>>, EvalError> {
        if let Some(cached) = self.versions.get(&commit) {
            return Ok(cached.clone());
        }
        let mut found: Vec<(String, Option<(Version, Found)>)> = Vec::new();
        for (index, file) in self.policy.version_files.iter().enumerate() {
            match &file.glob {
                // A named file that is missing disagrees with the others (lockstep).
                None => found.push((
                    file.path.clone(),
                    self.read_version(commit, index, &file.path)?,
                )),
                // A glob names the files it matches; there is none to miss.
                Some(glob) => {
                    for path in self.view.list_files(commit, &glob.dir)? {
                        if !glob.matcher.is_match(&path) || found.iter().any(|(p, _)| *p == path) {
                            continue;
                        }
                        if let Some(entry) = self.read_version(commit, index, &path)? {
                            found.push((path, Some(entry)));
                        }
                    }
                }
            }
        }
        let first = found
            .iter()
            .find_map(|(path, entry)| entry.clone().map(|(v, at)| (path.clone(), v, at)));
        let at = first.map(|(path, version, at)| {
            let discord = found
                .iter()
                .filter(|(_, entry)| entry.as_ref().map(|(v, _)| v) != Some(&version))
                .map(|(p, entry)| (p.clone(), entry.as_ref().map(|(v, _)| v.clone())))
                .collect();
            Rc::new(VersionAt {
                version,
                path,
                line: at.line,
                text: at.text,
                discord,
                others: found.len().saturating_sub(1),
            })
        });
        self.versions.insert(commit, at.clone());
        Ok(at)
    }

    /// The version at `commit`, the tip or old value of `refname`, for a rule that compares
    /// with it. When the update set does not bring `commit`, an unreadable version there is
    /// already in the repository and not the push's fault: the rule is skipped (`None`) with a
    /// note naming the ref and the file. What the update set brings still fails closed.
    pub fn version_kept(
        &mut self,
        refname: &str,
        commit: Id,
    ) -> Result<Option<Rc<VersionAt>>, EvalError> {
        match self.version_at(commit) {
            Err(EvalError::Version {
                path,
                commit: at,
                source,
            }) if !self.brings(commit) => {
                let name = short(refname);
                let note = format!(
                    "`{name}` is at {at}, where `{path}` {source}: the version rules that compare with it were skipped\nhint: push a commit to `{name}` that sets a readable version in `{path}`"
                );
                if !self.notes.contains(&note) {
                    self.notes.push(note);
                }
                Ok(None)
            }
            other => other,
        }
    }

    /// Whether the update set brings `commit`: it is the new value of one of the updates.
    fn brings(&self, commit: Id) -> bool {
        self.updates.iter().any(|u| u.new == Some(commit))
    }

    /// The version in one version file at a commit, with its line; `None` when it is absent.
    fn read_version(
        &self,
        commit: Id,
        file: usize,
        path: &str,
    ) -> Result<Option<(Version, Found)>, EvalError> {
        let bytes = match self.view.read_file(commit, path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return Ok(None),
            // Unreadable like a malformed version: refused where the push brings it, skipped
            // with a note where it is already on a tip (see `version_kept`).
            Err(ViewError::NotAFile { what, .. }) => {
                return Err(EvalError::Version {
                    path: path.to_owned(),
                    commit: commit.short(),
                    source: ExtractError::NotAFile(what),
                });
            }
            Err(err) => return Err(err.into()),
        };
        let format = &self.policy.version_files[file].format;
        let (version, at) =
            version::extract_file(format, path, &bytes).map_err(|source| EvalError::Version {
                path: path.to_owned(),
                commit: commit.short(),
                source,
            })?;
        Ok(Some((version, at)))
    }

    /// Release tags after the update set: every tag whose name a tag class reads a version from.
    pub fn release_tags(&mut self) -> Rc<Vec<ReleaseTag>> {
        if let Some(tags) = &self.release_tags {
            return tags.clone();
        }
        let tags: Vec<ReleaseTag> = self
            .after
            .range("refs/tags/".to_owned()..)
            .take_while(|(name, _)| name.starts_with("refs/tags/"))
            .filter_map(|(name, &target)| {
                let short = name.strip_prefix("refs/tags/")?;
                let version = self
                    .policy
                    .tags
                    .iter()
                    .find_map(|class| version::parse(class.version_text(short)?).ok())?;
                Some(ReleaseTag {
                    refname: name.clone(),
                    target,
                    version,
                })
            })
            .collect();
        let tags = Rc::new(tags);
        self.release_tags = Some(tags.clone());
        tags
    }

    /// The commit a ref's object names, when it is one.
    pub fn peel_commit(&self, id: Id) -> Result<Option<Id>, EvalError> {
        Ok(match self.view.peel(id)? {
            Peeled::Commit(commit) => Some(commit),
            Peeled::NotCommit(_) => None,
        })
    }

    /// A human name for a commit: a branch whose tip it is, or its short id.
    pub fn name_of(&self, id: Id) -> String {
        self.after
            .iter()
            .chain(self.before.iter())
            .find(|(name, tip)| **tip == id && name.starts_with("refs/heads/"))
            .and_then(|(name, _)| name.strip_prefix("refs/heads/"))
            .map_or_else(|| id.short(), |name| format!("`{name}`"))
    }
}

/// The short name of a ref for messages.
pub fn short(refname: &str) -> &str {
    refname
        .strip_prefix("refs/heads/")
        .or_else(|| refname.strip_prefix("refs/tags/"))
        .unwrap_or(refname)
}

/// The protected branches in `state`, taking the class of a branch found in `known` from
/// there rather than matching its name again.
fn protected(policy: &Policy, state: &RefState, known: &[Protected]) -> Vec<Protected> {
    state
        .range("refs/heads/".to_owned()..)
        .take_while(|(name, _)| name.starts_with("refs/heads/"))
        .filter_map(|(name, &tip)| {
            let short = name.strip_prefix("refs/heads/")?;
            let class = match known.binary_search_by(|(known, _, _)| known.as_str().cmp(short)) {
                Ok(i) => known[i].1,
                Err(_) => policy.class_of(short)?,
            };
            Some((short.to_owned(), class, tip))
        })
        .collect()
}
