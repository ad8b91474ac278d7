//! `git policy release plan`: not built yet (issue #19; another helper fills it in).

use std::io::Write;

use crate::cli::PlanArgs;
use crate::release::{ReleaseError, Session};

/// Writes the plan: each protected branch's version, last tag, and the steps allowed next.
pub fn run(_session: &Session, _args: &PlanArgs, _out: &mut dyn Write) -> Result<(), ReleaseError> {
    Err(ReleaseError::NotBuilt("plan"))
}
