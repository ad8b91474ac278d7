//! Parsing the ref lines git writes to `pre-push` and `pre-receive` on standard input.

use crate::rules::{Id, Update};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} of the hook's input is not `{expected}`: `{text}`")]
pub struct StdinError {
    pub line: usize,
    pub expected: &'static str,
    pub text: String,
}

/// `pre-push`: `<local ref> <local oid> <remote ref> <remote oid>` per line; the update is of
/// the remote ref, from the remote's oid to the local one.
pub fn parse_pre_push(input: &str) -> Result<Vec<Update>, StdinError> {
    parse(
        input,
        "<local ref> <local oid> <remote ref> <remote oid>",
        |fields| match fields {
            [_, local, remote_ref, remote] => Some(Update {
                refname: (*remote_ref).to_owned(),
                old: Id::parse_hex(remote).ok()?,
                new: Id::parse_hex(local).ok()?,
            }),
            _ => None,
        },
    )
}

/// `pre-receive`: `<old oid> <new oid> <ref>` per line. `<old>` is the pusher's claim, which the
/// server checks against its refs (`ref/stale`), never the state it judges against.
pub fn parse_pre_receive(input: &str) -> Result<Vec<Update>, StdinError> {
    parse(input, "<old oid> <new oid> <ref>", |fields| match fields {
        [old, new, refname] => Some(Update {
            refname: (*refname).to_owned(),
            old: Id::parse_hex(old).ok()?,
            new: Id::parse_hex(new).ok()?,
        }),
        _ => None,
    })
}

fn parse(
    input: &str,
    expected: &'static str,
    line_to_update: impl Fn(&[&str]) -> Option<Update>,
) -> Result<Vec<Update>, StdinError> {
    let mut updates = Vec::new();
    for (i, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let update = line_to_update(&fields)
            .filter(|u| u.refname.starts_with("refs/"))
            .ok_or_else(|| StdinError {
                line: i + 1,
                expected,
                text: line.chars().take(200).collect(),
            })?;
        updates.push(update);
    }
    Ok(updates)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const Z: &str = "0000000000000000000000000000000000000000";

    /// A pre-push line becomes an update of the remote ref; zeros mean absent.
    #[test]
    fn pre_push_lines_become_updates() {
        let input =
            format!("refs/heads/rc {A} refs/heads/rc {Z}\n(delete) {Z} refs/heads/old {A}\n");
        let updates = parse_pre_push(&input).expect("parses");
        assert_eq!(updates.len(), 2);
        assert_eq!((updates[0].old, updates[0].new.is_some()), (None, true));
        assert_eq!(
            (updates[1].refname.as_str(), updates[1].new),
            ("refs/heads/old", None)
        );
    }

    /// A malformed line is an error naming the line, never skipped.
    #[test]
    fn malformed_lines_are_errors() {
        let input = format!("{A} {A} refs/heads/rc\n{A} nonsense\n");
        let err = parse_pre_receive(&input).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            parse_pre_receive(&format!("{A} {A} master\n")).is_err(),
            "a ref name without refs/"
        );
        assert!(parse_pre_receive("").expect("empty input").is_empty());
    }
}
