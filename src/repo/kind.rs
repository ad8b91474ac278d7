//! Why an object could not be read as a commit: it is missing, or it is of another kind.

use git2::{ObjectType, Repository};

use super::to_oid;
use crate::rules::{Id, ViewError};

/// The error for `id`, which could not be read as a commit (or peeled to one):
/// [`ViewError::Missing`] only when no object has that id (a fetch may bring it); otherwise
/// what it is instead, such as a tree or a tag object whose tagger line does not parse.
pub fn not_a_commit(repo: &Repository, id: Id) -> ViewError {
    let kind = match repo.find_object(to_oid(id), None) {
        Ok(object) => match object.kind() {
            Some(ObjectType::Tree) => "a tree, not a commit",
            Some(ObjectType::Blob) => "a blob, not a commit",
            Some(ObjectType::Tag) => "a tag object, not a commit",
            Some(ObjectType::Commit) => "a commit that does not parse",
            _ => "an object of unknown kind, not a commit",
        },
        // libgit2 parses what it loads: an object whose header it can read but whose content
        // it cannot parse exists all the same.
        Err(_) => match repo.odb().and_then(|odb| odb.read_header(to_oid(id))) {
            Ok((_, ObjectType::Tag)) => "a tag object that does not parse",
            Ok((_, ObjectType::Commit)) => "a commit that does not parse",
            Ok(_) => "an object that does not parse",
            Err(_) => return ViewError::Missing(id),
        },
    };
    ViewError::WrongKind { id, kind }
}
