//! Rewriting the version a version file carries, in the file's own format.
//!
//! STUB until branch `vwrite` lands (issue #19's version writer, by another helper): it
//! replaces the version's text on the line the reader found it, which covers a quoted version
//! (`__version__`, pyproject, Cargo, plain, a regex's `version` group) but not a regex made of
//! numeric groups (Twisted's `Version(...)`), which it refuses. Only the signature is final.

use pep440_rs::Version;

use super::{ExtractError, Format, extract_file};

/// Why a version file could not be rewritten.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Read(#[from] ExtractError),
    #[error("writes its version in a form git-policy cannot rewrite yet")]
    Unsupported,
}

/// `bytes`, the content of the version file `path`, with its version set to `version`.
pub fn set_version(
    format: &Format,
    path: &str,
    bytes: &[u8],
    version: &Version,
) -> Result<Vec<u8>, WriteError> {
    let (_, found) = extract_file(format, path, bytes)?;
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len() + 8);
    let mut done = false;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if !done && index + 1 == found.line && line.contains(found.text.as_str()) {
            out.push_str(&line.replacen(found.text.as_str(), &version.to_string(), 1));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if !done {
        return Err(WriteError::Unsupported);
    }
    Ok(out.into_bytes())
}
