//! `git policy man`: the manual pages, made from the command line's own definitions, that
//! `git policy --help` shows (git turns it into `git help policy`, which runs `man git-policy`).

use std::io::Write;

use anyhow::Context;
use clap::CommandFactory;

use super::Outcome;
use crate::cli::{Cli, ManArgs};

pub fn run(args: &ManArgs) -> anyhow::Result<Outcome> {
    let cmd = Cli::command();
    let Some(dir) = &args.dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        anstream::stdout().lock().write_all(&page)?;
        return Ok(Outcome::Ok);
    };
    let man1 = dir.join("man1");
    std::fs::create_dir_all(&man1)
        .with_context(|| format!("cannot create `{}`", man1.display()))?;
    clap_mangen::generate_to(cmd, &man1)
        .with_context(|| format!("cannot write the manual pages into `{}`", man1.display()))?;
    writeln!(
        anstream::stdout().lock(),
        "wrote the manual pages into `{}`",
        man1.display()
    )?;
    Ok(Outcome::Ok)
}
