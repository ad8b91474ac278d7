//! `git policy release merge`: not built yet (issue #19; another helper fills it in).

use crate::cli::MergeArgs;
use crate::release::{ReleaseError, Session, Step};

pub fn compute(_session: &Session, _args: &MergeArgs) -> Result<Step, ReleaseError> {
    Err(ReleaseError::NotBuilt("merge"))
}
