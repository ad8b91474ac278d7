//! `git policy release branch`: not built yet (issue #19; another helper fills it in).

use crate::cli::BranchArgs;
use crate::release::{ReleaseError, Session, Step};

pub fn compute(_session: &Session, _args: &BranchArgs) -> Result<Step, ReleaseError> {
    Err(ReleaseError::NotBuilt("branch"))
}
