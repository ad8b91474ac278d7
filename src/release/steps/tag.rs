//! `git policy release tag`.

use crate::cli::TagArgs;
use crate::release::{ReleaseError, Session, Step};

pub fn compute(_session: &Session, _args: &TagArgs) -> Result<Step, ReleaseError> {
    Err(ReleaseError::NotBuilt("tag"))
}
