//! `git policy release port`: not built yet (issue #19; another helper fills it in).

use crate::cli::PortArgs;
use crate::release::{ReleaseError, Session, Step};

pub fn compute(_session: &Session, _args: &PortArgs) -> Result<Step, ReleaseError> {
    Err(ReleaseError::NotBuilt("port"))
}
