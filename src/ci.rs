//! What a CI job asks to judge, read from GitHub Actions' and GitLab CI's variables and event
//! file: a pull (merge) request's merge, a pushed update, or the repository as it is.

use std::path::Path;

use serde_json::Value;

use crate::rules::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    GitHub,
    GitLab,
}

impl System {
    pub fn name(self) -> &'static str {
        match self {
            System::GitHub => "GitHub Actions",
            System::GitLab => "GitLab CI",
        }
    }

    /// What the forge calls a request to merge a branch.
    pub fn request(self) -> &'static str {
        match self {
            System::GitHub => "pull request",
            System::GitLab => "merge request",
        }
    }
}

/// A job's question, in revisions the repository resolves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A pull (merge) request into the branch `base`.
    Request {
        system: System,
        base: String,
        /// The request's head commit, when CI names it.
        head: Option<String>,
        /// The head branch's name, for messages.
        head_name: Option<String>,
        /// The synthetic merge commit CI checked out (GitHub's `refs/pull/N/merge`, GitLab's
        /// merged results), whose parents are the base's tip and the head.
        merge: Option<String>,
    },
    /// A push that moved `refname` from `before` to `after` (absent: created or deleted).
    Push {
        system: System,
        refname: String,
        before: Option<Id>,
        after: Option<Id>,
    },
    /// A run with nothing to compare (scheduled, manual): the repository as it is.
    Audit { system: System },
}

#[derive(Debug, thiserror::Error)]
pub enum CiError {
    #[error("{system} sets `{name}` but not `{missing}`")]
    Missing {
        system: &'static str,
        name: &'static str,
        missing: &'static str,
    },
    #[error("cannot read the GitHub event file `{path}`")]
    EventFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the GitHub event file `{path}` is not JSON")]
    EventJson {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the GitHub event file `{path}` has no `{field}`")]
    EventField { path: String, field: &'static str },
    #[error("`{name}` is not an object id: {reason}")]
    BadId { name: String, reason: String },
}

/// The job CI describes, or `None` outside CI. `env` looks a variable up.
pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Job>, CiError> {
    // Empty variables mean unset: GitLab defines many of them as empty outside their pipelines.
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    if var("GITHUB_ACTIONS").as_deref() == Some("true") {
        return github(&var).map(Some);
    }
    if var("GITLAB_CI").as_deref() == Some("true") {
        return gitlab(&var).map(Some);
    }
    Ok(None)
}

fn github(var: &dyn Fn(&str) -> Option<String>) -> Result<Job, CiError> {
    let system = System::GitHub;
    let event_name = var("GITHUB_EVENT_NAME").unwrap_or_default();
    let missing = |missing| CiError::Missing {
        system: system.name(),
        name: "GITHUB_EVENT_NAME",
        missing,
    };
    match event_name.as_str() {
        "pull_request" | "pull_request_target" => {
            let base = var("GITHUB_BASE_REF").ok_or_else(|| missing("GITHUB_BASE_REF"))?;
            let event = match var("GITHUB_EVENT_PATH") {
                Some(path) => Some(Event::read(&path)?),
                None => None,
            };
            let head = event
                .as_ref()
                .and_then(|e| e.text(&["pull_request", "head", "sha"]));
            // `pull_request` checks out the merge GitHub made; `pull_request_target` the base.
            let merge = (event_name == "pull_request")
                .then(|| var("GITHUB_SHA"))
                .flatten();
            Ok(Job::Request {
                system,
                base,
                head,
                head_name: var("GITHUB_HEAD_REF"),
                merge,
            })
        }
        "push" => {
            let path = var("GITHUB_EVENT_PATH").ok_or_else(|| missing("GITHUB_EVENT_PATH"))?;
            let event = Event::read(&path)?;
            Ok(Job::Push {
                system,
                refname: event.require(&["ref"])?,
                before: event.id(&["before"])?,
                after: event.id(&["after"])?,
            })
        }
        "merge_group" => {
            let path = var("GITHUB_EVENT_PATH").ok_or_else(|| missing("GITHUB_EVENT_PATH"))?;
            let event = Event::read(&path)?;
            // The queue's commit is the base's next tip: judge it as that update.
            Ok(Job::Push {
                system,
                refname: event.require(&["merge_group", "base_ref"])?,
                before: event.id(&["merge_group", "base_sha"])?,
                after: event.id(&["merge_group", "head_sha"])?,
            })
        }
        _ => Ok(Job::Audit { system }),
    }
}

fn gitlab(var: &dyn Fn(&str) -> Option<String>) -> Result<Job, CiError> {
    let system = System::GitLab;
    if let Some(base) = var("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") {
        // Merged results and merge trains run on a merge of the source into the target;
        // other merge request pipelines run on the source branch's head.
        let merged = matches!(
            var("CI_MERGE_REQUEST_EVENT_TYPE").as_deref(),
            Some("merged_result" | "merge_train")
        );
        let commit = var("CI_COMMIT_SHA");
        let head = var("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA")
            .or_else(|| (!merged).then(|| commit.clone()).flatten());
        return Ok(Job::Request {
            system,
            base,
            head,
            head_name: var("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
            merge: if merged { commit } else { None },
        });
    }
    if var("CI_PIPELINE_SOURCE").as_deref() != Some("push") {
        return Ok(Job::Audit { system });
    }
    let id = |name: &'static str| -> Result<Option<Id>, CiError> {
        match var(name) {
            None => Ok(None),
            Some(text) => Id::parse_hex(&text).map_err(|reason| CiError::BadId {
                name: name.to_owned(),
                reason,
            }),
        }
    };
    if let Some(tag) = var("CI_COMMIT_TAG") {
        // `CI_COMMIT_SHA` is the tagged commit; the command reads the tag object from the ref.
        return Ok(Job::Push {
            system,
            refname: format!("refs/tags/{tag}"),
            before: None,
            after: id("CI_COMMIT_SHA")?,
        });
    }
    match var("CI_COMMIT_BRANCH") {
        // GitLab sends zeros as the "before" of a new branch's first pipeline: a creation.
        Some(branch) => Ok(Job::Push {
            system,
            refname: format!("refs/heads/{branch}"),
            before: id("CI_COMMIT_BEFORE_SHA")?,
            after: id("CI_COMMIT_SHA")?,
        }),
        None => Ok(Job::Audit { system }),
    }
}

/// A GitHub event payload (`GITHUB_EVENT_PATH`).
struct Event {
    path: String,
    doc: Value,
}

impl Event {
    fn read(path: &str) -> Result<Event, CiError> {
        let text =
            std::fs::read_to_string(Path::new(path)).map_err(|source| CiError::EventFile {
                path: path.to_owned(),
                source,
            })?;
        let doc = serde_json::from_str(&text).map_err(|source| CiError::EventJson {
            path: path.to_owned(),
            source,
        })?;
        Ok(Event {
            path: path.to_owned(),
            doc,
        })
    }

    fn text(&self, keys: &[&str]) -> Option<String> {
        let mut value = &self.doc;
        for key in keys {
            value = value.get(key)?;
        }
        value.as_str().map(str::to_owned)
    }

    fn require(&self, keys: &[&'static str]) -> Result<String, CiError> {
        self.text(keys).ok_or_else(|| CiError::EventField {
            path: self.path.clone(),
            field: keys.last().copied().unwrap_or_default(),
        })
    }

    /// An object id field; all zeros (a created or deleted ref) is `None`.
    fn id(&self, keys: &[&'static str]) -> Result<Option<Id>, CiError> {
        let text = self.require(keys)?;
        Id::parse_hex(&text).map_err(|reason| CiError::BadId {
            name: keys.join("."),
            reason,
        })
    }
}

#[cfg(test)]
mod tests;
