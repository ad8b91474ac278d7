//! Namespaces (`GIT_NAMESPACE`, `git help namespaces`): a server's hooks read the refs of the
//! namespace they run in, loose or packed, named as that namespace's own.

use super::Git;

/// The prefix git gives the refs of namespace `namespace`: `a/b` nests, as
/// `refs/namespaces/a/refs/namespaces/b/`. `None` for no namespace.
pub fn prefix(namespace: &str) -> Option<String> {
    let parts: Vec<&str> = namespace.split('/').filter(|p| !p.is_empty()).collect();
    (!parts.is_empty()).then(|| {
        parts
            .iter()
            .map(|part| format!("refs/namespaces/{part}/"))
            .collect()
    })
}

impl Git {
    /// The prefix of the namespace the repository was opened in (`GIT_NAMESPACE`), if any.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The name a ref of the namespace has in the repository: `refs/heads/master` is
    /// `refs/namespaces/<ns>/refs/heads/master` (and `HEAD`, `refs/namespaces/<ns>/HEAD`).
    pub(super) fn stored_name(&self, name: &str) -> String {
        match &self.namespace {
            Some(prefix) => format!("{prefix}{name}"),
            None => name.to_owned(),
        }
    }

    /// The namespace's own name of a ref stored as `stored`; `None` for a ref outside it.
    pub(super) fn own_name<'a>(&self, stored: &'a str) -> Option<&'a str> {
        match &self.namespace {
            Some(prefix) => stored.strip_prefix(prefix.as_str()),
            None => Some(stored),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Namespaces nest by `/`; an empty one is none.
    #[test]
    fn prefixes_nest() {
        assert_eq!(prefix(""), None);
        assert_eq!(prefix("team").as_deref(), Some("refs/namespaces/team/"));
        assert_eq!(
            prefix("a/b").as_deref(),
            Some("refs/namespaces/a/refs/namespaces/b/")
        );
    }
}
