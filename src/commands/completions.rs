//! `git policy completions SHELL`: a shell's completion script for `git-policy`, and for bash
//! the function git's own completion calls for `git policy ...`.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Outcome;
use crate::cli::{Cli, CompletionsArgs};

/// git's completion (`contrib/completion/git-completion.bash`) completes `git policy ...` with
/// `_git_policy` when one is defined, and first asks bash-completion to load the file named
/// `git-policy`, this script once installed. `words`, `cword` and `__git_cmd_idx` (where
/// `policy` is, after options such as `-C DIR`) are git's; the generated function reads
/// `COMP_WORDS` as if `git-policy` had been typed.
const GIT_BRIDGE: &str = r#"
# `git policy ...` under git's own completion.
_git_policy() {
    local idx=${__git_cmd_idx:-1}
    local COMP_WORDS=(git-policy "${words[@]:idx+1}")
    local COMP_CWORD=$((cword - idx))
    _git__policy git-policy "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
}
"#;

pub fn run(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut cmd = completed();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "git-policy", &mut script);
    if args.shell == Shell::Bash {
        // clap_complete spells the state of `git-policy check` as `git__policy__subcmd__check`
        // where it sets it and `git__subcmd__policy__subcmd__check` where it matches it, so no
        // subcommand's options complete for a hyphenated name (clap-rs/clap#6421, open).
        let text = String::from_utf8_lossy(&script)
            .replace("git__subcmd__policy__subcmd__", "git__policy__subcmd__");
        script = text.into_bytes();
        script.extend_from_slice(GIT_BRIDGE.as_bytes());
    }
    anstream::stdout().lock().write_all(&script)?;
    Ok(Outcome::Ok)
}

/// The interface as the scripts complete it: as the command `git-policy` (the interface's own
/// name, `git policy`, is two words, which no shell completes as one command), without the
/// hidden subcommands only hooks run, which clap_complete would offer.
fn completed() -> clap::Command {
    let cli = Cli::command();
    let visible = cli
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .cloned();
    clap::Command::new("git-policy")
        .bin_name("git-policy")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .subcommands(visible)
}
