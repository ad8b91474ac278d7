//! `git policy schema`: print the JSON Schema of the policy file, which editors read to complete
//! and document its keys (the presets and `git policy init` point at it with `#:schema`).

use std::io::Write;

use super::Outcome;
use crate::policy;

pub fn run() -> anyhow::Result<Outcome> {
    writeln!(
        anstream::stdout().lock(),
        "{:#}",
        policy::schema().as_value()
    )?;
    Ok(Outcome::Ok)
}
