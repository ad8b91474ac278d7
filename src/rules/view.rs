//! The questions the rules ask of a repository, and the commit being made that is not one yet.

use std::fmt;

/// A commit or object id (SHA-1).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub [u8; 20]);

impl Id {
    /// Stands for the commit being made in `pre-commit` or a pull request's merge, which has
    /// parents and file contents but no object yet. No SHA-1 is all `ff`.
    pub const PENDING: Id = Id([0xff; 20]);

    /// Parses 40 hex digits; all zeros (git's "absent") gives `Ok(None)`.
    pub fn parse_hex(hex: &str) -> Result<Option<Id>, String> {
        let hex = hex.trim();
        if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{hex}` is not a 40-digit object id"));
        }
        let mut bytes = [0u8; 20];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
        }
        Ok((bytes != [0; 20]).then_some(Id(bytes)))
    }

    pub fn short(&self) -> String {
        if *self == Id::PENDING {
            return "(new)".to_owned();
        }
        self.to_string()[..7].to_owned()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.short())
    }
}

/// What a commit says of itself, for messages and the cherry-pick rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub message: String,
    /// Committer time, seconds since the epoch.
    pub time: i64,
}

impl CommitInfo {
    pub fn subject(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }
}

/// When an object was made: seconds since the epoch, and the offset from UTC it was made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub seconds: i64,
    pub offset_minutes: i32,
}

impl Stamp {
    /// The calendar date where it was made (a tag made late on 31 December in New York is a
    /// release of that year), or `None` for a date outside what a calendar can name. Any
    /// offset git writes counts, up to `±9959` (99 hours 59 minutes), as git shows it.
    pub fn date(&self) -> Option<jiff::civil::Date> {
        let local = self
            .seconds
            .checked_add(i64::from(self.offset_minutes).checked_mul(60)?)?;
        let at = jiff::Timestamp::from_second(local).ok()?;
        Some(jiff::tz::Offset::UTC.to_datetime(at).date())
    }
}

/// What a ref's object is once annotated tags are peeled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peeled {
    Commit(Id),
    /// A tag of a tree or a blob: there is no commit to judge.
    NotCommit(&'static str),
}

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("object {0} is not in the repository")]
    Missing(Id),
    #[error("`{path}` is {what}")]
    NotAFile { path: String, what: &'static str },
    /// A merge being judged changes a file on both sides differently: there is no merged
    /// content to judge until someone resolves it.
    #[error("the merge conflicts: both sides change `{path}`")]
    Conflict { path: String },
    #[error("object {0} has no date")]
    Undated(Id),
    #[error("cannot {what}")]
    Git {
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// git's commit-graph gives a commit a generation its parents contradict: its answers
    /// cannot be trusted (a damaged file; `git commit-graph verify` reports it).
    #[error(
        "the commit-graph is damaged: it gives commit {commit} generation {found}, where its parents make it {expected}"
    )]
    DamagedGraph {
        commit: Id,
        found: u32,
        expected: u32,
    },
}

/// A read-only view of a repository. Every rule asks only these questions, so the rules run the
/// same against `git2`, against the index of a commit being made, and against an in-memory graph.
pub trait RepoView {
    fn parents(&self, id: Id) -> Result<Vec<Id>, ViewError>;
    /// Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor).
    fn is_ancestor(&self, ancestor: Id, descendant: Id) -> Result<bool, ViewError>;
    /// Whether `ancestor` is reachable from any of `descendants`. A repository can answer this
    /// faster than one question per descendant (most of them are usually a no).
    fn is_ancestor_of_any(&self, ancestor: Id, descendants: &[Id]) -> Result<bool, ViewError> {
        for &descendant in descendants {
            if self.is_ancestor(ancestor, descendant)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
    /// The commits reachable from `tips` and not from `hide`, children before parents.
    fn walk(&self, tips: &[Id], hide: &[Id]) -> Result<Vec<Id>, ViewError>;
    /// For each of `tips`, those of `candidates` reachable from it and not from `hide`, in the
    /// order given. A repository answers it in one walk over the commits of the tips that
    /// `hide` lacks, where one `is_ancestor` per candidate and tip walks history each time.
    fn reachable_among(
        &self,
        candidates: &[Id],
        tips: &[Id],
        hide: &[Id],
    ) -> Result<Vec<Vec<Id>>, ViewError> {
        reachable_by_walks(self, candidates, tips, hide)
    }
    fn commit(&self, id: Id) -> Result<CommitInfo, ViewError>;
    /// A file's bytes at a commit; `None` when the path is not a file there.
    fn read_file(&self, commit: Id, path: &str) -> Result<Option<Vec<u8>>, ViewError>;
    /// The files under the directory `dir` (`""`: all) at a commit, as full paths, sorted:
    /// regular files and symbolic links (which reading then refuses). Version globs ask this,
    /// for the subtree before their first wildcard only.
    fn list_files(&self, commit: Id, dir: &str) -> Result<Vec<String>, ViewError>;
    /// Peels an object (an annotated tag, possibly of a tag) to what it finally names.
    fn peel(&self, id: Id) -> Result<Peeled, ViewError>;
    /// When an object was made: an annotated tag's tagger date, else (a commit, or a tag
    /// without a tagger) the committer date of the commit it names.
    fn date(&self, id: Id) -> Result<Stamp, ViewError>;
}

/// [`RepoView::reachable_among`] by its definition: one walk per tip.
pub fn reachable_by_walks<V: RepoView + ?Sized>(
    view: &V,
    candidates: &[Id],
    tips: &[Id],
    hide: &[Id],
) -> Result<Vec<Vec<Id>>, ViewError> {
    let mut reached = Vec::with_capacity(tips.len());
    for &tip in tips {
        let walked: std::collections::HashSet<Id> = view.walk(&[tip], hide)?.into_iter().collect();
        reached.push(
            candidates
                .iter()
                .copied()
                .filter(|c| walked.contains(c))
                .collect(),
        );
    }
    Ok(reached)
}

/// The files of the commit being made.
pub trait PendingFiles {
    /// A file's bytes by path; `None` when the commit will not have it.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, ViewError>;
    /// The paths under `dir` (`""`: all) that may be files of the commit, sorted; a path
    /// `read` then finds absent is not one.
    fn list(&self, dir: &str) -> Result<Vec<String>, ViewError>;
}

/// Reads the files of the commit being made.
pub type FileReader<'a> = Box<dyn PendingFiles + 'a>;

/// Files given in full, by path.
impl PendingFiles for std::collections::BTreeMap<String, Vec<u8>> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        Ok(self.get(path).cloned())
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, ViewError> {
        Ok(self.keys().filter(|p| under(p, dir)).cloned().collect())
    }
}

/// Whether `path` lies under the directory `dir` (`""`: the root).
pub fn under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The commit being made: its parents, its message, and where its files come from.
pub struct Pending<'a> {
    pub parents: Vec<Id>,
    pub message: String,
    pub files: FileReader<'a>,
}

/// A view in which [`Id::PENDING`] is the commit being made, on top of any other view.
pub struct WithPending<'a, V: ?Sized> {
    pub inner: &'a V,
    pub pending: Pending<'a>,
}

impl<V: RepoView + ?Sized> RepoView for WithPending<'_, V> {
    fn parents(&self, id: Id) -> Result<Vec<Id>, ViewError> {
        if id == Id::PENDING {
            return Ok(self.pending.parents.clone());
        }
        self.inner.parents(id)
    }

    fn is_ancestor(&self, ancestor: Id, descendant: Id) -> Result<bool, ViewError> {
        self.is_ancestor_of_any(ancestor, &[descendant])
    }

    /// The commit being made stands for its parents as a descendant.
    fn is_ancestor_of_any(&self, ancestor: Id, descendants: &[Id]) -> Result<bool, ViewError> {
        if descendants.contains(&ancestor) {
            return Ok(true);
        }
        if ancestor == Id::PENDING {
            // Nothing existing descends from a commit not yet made.
            return Ok(false);
        }
        let mut existing = Vec::with_capacity(descendants.len());
        for &descendant in descendants {
            if descendant == Id::PENDING {
                existing.extend(&self.pending.parents);
            } else {
                existing.push(descendant);
            }
        }
        self.inner.is_ancestor_of_any(ancestor, &existing)
    }

    fn walk(&self, tips: &[Id], hide: &[Id]) -> Result<Vec<Id>, ViewError> {
        let expand = |ids: &[Id]| -> Vec<Id> {
            ids.iter()
                .flat_map(|&id| {
                    if id == Id::PENDING {
                        self.pending.parents.clone()
                    } else {
                        vec![id]
                    }
                })
                .collect()
        };
        let mut commits = Vec::new();
        if tips.contains(&Id::PENDING) && !hide.contains(&Id::PENDING) {
            commits.push(Id::PENDING);
        }
        commits.extend(self.inner.walk(&expand(tips), &expand(hide))?);
        Ok(commits)
    }

    /// The commit being made is reachable from nothing that exists: unless it is a tip, hiding
    /// it hides its parents, and the question is the inner view's.
    fn reachable_among(
        &self,
        candidates: &[Id],
        tips: &[Id],
        hide: &[Id],
    ) -> Result<Vec<Vec<Id>>, ViewError> {
        if tips.contains(&Id::PENDING) {
            return reachable_by_walks(self, candidates, tips, hide);
        }
        let mut existing = Vec::with_capacity(hide.len());
        for &id in hide {
            if id == Id::PENDING {
                existing.extend(&self.pending.parents);
            } else {
                existing.push(id);
            }
        }
        let candidates: Vec<Id> = candidates
            .iter()
            .copied()
            .filter(|&c| c != Id::PENDING)
            .collect();
        self.inner.reachable_among(&candidates, tips, &existing)
    }

    fn commit(&self, id: Id) -> Result<CommitInfo, ViewError> {
        if id == Id::PENDING {
            return Ok(CommitInfo {
                message: self.pending.message.clone(),
                time: i64::MAX,
            });
        }
        self.inner.commit(id)
    }

    fn read_file(&self, commit: Id, path: &str) -> Result<Option<Vec<u8>>, ViewError> {
        if commit == Id::PENDING {
            return self.pending.files.read(path);
        }
        self.inner.read_file(commit, path)
    }

    fn list_files(&self, commit: Id, dir: &str) -> Result<Vec<String>, ViewError> {
        if commit == Id::PENDING {
            return self.pending.files.list(dir);
        }
        self.inner.list_files(commit, dir)
    }

    fn peel(&self, id: Id) -> Result<Peeled, ViewError> {
        if id == Id::PENDING {
            return Ok(Peeled::Commit(id));
        }
        self.inner.peel(id)
    }

    fn date(&self, id: Id) -> Result<Stamp, ViewError> {
        if id == Id::PENDING {
            // The commit being made is dated now (and nothing can tag it yet).
            let seconds = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            return Ok(Stamp {
                seconds,
                offset_minutes: 0,
            });
        }
        self.inner.date(id)
    }
}
