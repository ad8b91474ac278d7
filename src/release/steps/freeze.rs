//! `git policy release freeze`.

use crate::cli::FreezeArgs;
use crate::release::{ReleaseError, Session, Step};

pub fn compute(_session: &Session, _args: &FreezeArgs) -> Result<Step, ReleaseError> {
    Err(ReleaseError::NotBuilt("freeze"))
}
