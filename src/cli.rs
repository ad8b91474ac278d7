//! The command line, as clap types only: what each subcommand accepts.

mod release;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::hooks::shim;
use crate::report::Format;
pub use release::{
    BranchArgs, BumpArgs, CommonArgs, FreezeArgs, MergeArgs, PlanArgs, PlanFormat, PortArgs,
    ReleaseArgs, ReleaseStep, TagArgs,
};

#[derive(Debug, Parser)]
#[command(
    name = "git-policy",
    bin_name = "git policy",
    version,
    about = "Enforce a project's branch and release policy in git",
    long_about = "Enforce a project's branch and release policy in git.\n\n\
        One TOML policy (`.git-policy.toml`, or the embedded pytokio model) says which branches \
        exist, which way changes may flow between them, which versions each may carry and what a \
        release tag must look like. Client hooks, server hooks and CI all judge with it.\n\n\
        Exit codes: 0 ok, 1 policy violation, 2 usage or configuration error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line. An installed hook's `#!` line runs `git-policy shim ...` on
    /// every commit, so that subcommand is parsed on its own: building the whole interface
    /// first cost as much as judging a commit's branch flow.
    pub fn try_from_args(args: Vec<OsString>) -> Result<Cli, clap::Error> {
        if args.get(1).is_some_and(|arg| arg == "shim") {
            let shim = ShimCli::try_parse_from(&args[1..])?;
            return Ok(Cli {
                command: Command::Shim(shim.args),
            });
        }
        Cli::try_parse_from(args)
    }

    /// Whether output is JSON (`check --format json`), errors included.
    pub fn json_output(&self) -> bool {
        matches!(
            &self.command,
            Command::Check(CheckArgs {
                format: Some(Format::Json),
                ..
            })
        )
    }
}

/// The command a refused command line was for, as its help names it (`git policy check`), or
/// `git policy` when its first word is no subcommand.
pub fn command_of(args: &[OsString]) -> String {
    let cli = <Cli as clap::CommandFactory>::command();
    match args.get(1).and_then(|arg| cli.find_subcommand(arg)) {
        Some(sub) => format!("git policy {}", sub.get_name()),
        None => "git policy".into(),
    }
}

/// Whether a command line asks for JSON (`--format json` or `--format=json`, before any `--`),
/// read without clap: a command line clap refuses still gets its error as JSON.
pub fn wants_json(args: &[OsString]) -> bool {
    let mut args = args.iter().skip(1).take_while(|arg| *arg != "--");
    while let Some(arg) = args.next() {
        if arg == "--format=json" || (arg == "--format" && args.next().is_some_and(|v| v == "json"))
        {
            return true;
        }
    }
    false
}

/// `git-policy shim`, parsed without the rest of the interface.
#[derive(Debug, Parser)]
#[command(name = "git-policy", bin_name = "git policy shim")]
struct ShimCli {
    #[command(flatten)]
    args: ShimArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Judge updates, a pull request, or the repository as it is
    Check(CheckArgs),
    /// Show the policy: branches, allowed flows, versions and rules
    Explain(ExplainArgs),
    /// Run as a git hook (called by the `sh` shims and hook managers)
    #[command(hide = true)]
    Hook(HookArgs),
    /// Run as the hook file git started (the `#!` line of an installed hook names this binary)
    #[command(hide = true)]
    Shim(ShimArgs),
    /// Install the client hooks, or the server hooks with `--server`
    Install(InstallArgs),
    /// Remove git-policy's hooks and restore the ones it moved aside
    Uninstall(UninstallArgs),
    /// Write `.git-policy.toml` from a preset, pointed at this repository's version file
    Init(InitArgs),
    /// Write the manual pages `git policy --help` shows
    Man(ManArgs),
    /// Print a shell's completion script (bash's also completes `git policy ...`)
    Completions(CompletionsArgs),
    /// Print the JSON Schema of the policy file, for editors
    Schema,
    /// Guided release steps: each computed from the policy and judged before it is written
    Release(ReleaseArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A ref to judge an update of (repeat with --old/--new for an update set)
    #[arg(long = "ref", value_name = "REF", requires_all = ["old", "new"])]
    pub refs: Vec<String>,
    /// The ref's old value, any revision (`HEAD`, `v0.12.0b1`, `origin/rc`, an id; `-` or 40
    /// zeros: the ref is created)
    #[arg(long, value_name = "REV")]
    pub old: Vec<String>,
    /// The ref's new value, any revision (`-` or 40 zeros: the ref is deleted)
    #[arg(long, value_name = "REV")]
    pub new: Vec<String>,
    /// The branch a pull request merges into
    #[arg(
        long,
        value_name = "BRANCH",
        requires = "head",
        conflicts_with = "refs"
    )]
    pub base: Option<String>,
    /// The commit (or branch) a pull request merges
    #[arg(long, value_name = "REV", requires = "base")]
    pub head: Option<String>,
    /// Replay each protected branch's history and report every past violation
    #[arg(long, conflicts_with_all = ["refs", "base"])]
    pub history: bool,
    /// With --history: judge only what came after this revision (where the policy started)
    #[arg(long, value_name = "REV", requires = "history")]
    pub since: Option<String>,
    /// Output format [default: github in GitHub Actions, else text]
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Use this policy file instead of the repository's
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,
    /// Use this policy file instead of the repository's
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// A diagram and sentences for the terminal
    Text,
    /// A Mermaid flowchart for documentation
    Mermaid,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// The hook git is running: pre-commit, pre-merge-commit, pre-push, update, pre-receive,
    /// reference-transaction
    pub name: String,
    /// The arguments git passed to the hook
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ShimArgs {
    /// The hook file git ran; its name says which hook this is
    pub script: PathBuf,
    /// The arguments git passed to the hook
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Install the server hooks into this bare repository instead of the client hooks here
    #[arg(long, value_name = "BARE_REPO")]
    pub server: Option<PathBuf>,
    /// With --server: the policy to install as the administrator's file (default: the
    /// current repository's `.git-policy.toml`, else the embedded default)
    #[arg(long, value_name = "FILE", requires = "server")]
    pub policy: Option<PathBuf>,
    /// With --server: install this embedded preset as the administrator's policy
    #[arg(
        long,
        value_name = "NAME",
        requires = "server",
        conflicts_with = "policy"
    )]
    pub preset: Option<String>,
    /// With --server: which server hook judges pushes
    #[arg(long, value_enum, default_value = "pre-receive", requires = "server")]
    pub hook: ServerHook,
    /// How git starts git-policy from the hook file
    #[arg(long, value_enum, default_value = "exec")]
    pub shim: shim::Kind,
    /// With --server: `warn` shows and logs every violation and accepts the push, to roll a
    /// policy out; `enforce` refuses it (sets `mode` in the administrator's policy)
    #[arg(long, value_enum, requires = "server")]
    pub mode: Option<ModeArg>,
    /// Where husky runs the hooks (`core.hooksPath=.husky/_`): add git-policy's lines to its
    /// hook files in `.husky/` instead of installing shims
    #[arg(long, conflicts_with = "server")]
    pub via_manager: bool,
    /// With --server: where the hosting layer runs the repository's hooks (`auto`: told by
    /// the repository: GitLab's `custom_hooks/`, Gitea's `hooks/pre-receive.d/`, else plain)
    #[arg(long, value_enum, default_value = "auto", requires = "server")]
    pub layout: LayoutArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    /// Told by the repository
    Auto,
    /// git's own `hooks/`
    Plain,
    /// GitLab (Gitaly): `custom_hooks/<hook>.d/`
    Gitlab,
    /// Gitea and Forgejo: `hooks/<hook>.d/`
    Gitea,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// Refuse what breaks the policy
    Enforce,
    /// Show and log what breaks the policy, and accept it
    Warn,
}

impl From<ModeArg> for crate::policy::Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Enforce => crate::policy::Mode::Enforce,
            ModeArg::Warn => crate::policy::Mode::Warn,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ServerHook {
    /// Judges the whole push as one set (an atomic feature freeze passes)
    PreReceive,
    /// Judges each ref alone, for servers whose pre-receive is taken (gitolite)
    Update,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Remove the server hooks from this bare repository
    #[arg(long, value_name = "BARE_REPO")]
    pub server: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The release process to start from (an unknown name lists the presets)
    #[arg(long, value_name = "NAME", default_value = crate::policy::presets::DEFAULT)]
    pub preset: String,
    /// Replace an existing `.git-policy.toml`
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page into DIR/man1 (e.g. `~/.cargo/share/man`, which `man` finds for
    /// `~/.cargo/bin`) instead of printing `git-policy.1`
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print the script for
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_from_args(args.iter().map(OsString::from).collect()).expect("parses")
    }

    fn args(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    /// `--format json` is found in either spelling, also on a command line clap refuses; not
    /// after `--`, nor a `json` that is not `--format`'s value.
    #[test]
    fn json_is_wanted_only_where_format_says_so() {
        for yes in [
            &["git-policy", "check", "--format", "json"][..],
            &["git-policy", "check", "--format=json", "--bogus"],
            &["git-policy", "chek", "--format", "json"],
        ] {
            assert!(wants_json(&args(yes)), "{yes:?}");
        }
        for no in [
            &["git-policy", "check"][..],
            &["git-policy", "check", "--format", "text", "json"],
            &["git-policy", "check", "--", "--format", "json"],
            &["git-policy", "check", "--format"],
        ] {
            assert!(!wants_json(&args(no)), "{no:?}");
        }
    }

    /// The shim's own parser hands git's hook arguments over untouched, dashes and all, as
    /// the whole interface does.
    #[test]
    fn shim_arguments_are_passed_through() {
        let args = [
            "git-policy",
            "shim",
            "/r/.git/hooks/update",
            "refs/heads/x",
            "--help",
            "-q",
        ];
        for cli in [parse(&args), Cli::parse_from(args)] {
            let Command::Shim(shim) = cli.command else {
                panic!("not the shim: {cli:?}");
            };
            assert_eq!(shim.script, PathBuf::from("/r/.git/hooks/update"));
            assert_eq!(shim.args, ["refs/heads/x", "--help", "-q"]);
        }
    }

    /// Every release step parses, with its own arguments and the options all writing steps share.
    #[test]
    fn release_steps_parse() {
        let lines: [&[&str]; 7] = [
            &["plan", "--format", "json"],
            &["freeze", "--push", "--remote", "up"],
            &["branch", "0.13", "--from", "rc", "--version", "0.13.0b1"],
            &["tag", "--final", "--branch", "0.13", "--dry-run"],
            &["port", "abc123", "--onto", "rc", "--onto", "0.13"],
            &["bump", "1.2.3", "--policy", "p.toml"],
            &["merge", "releases/release-4290", "--into", "trunk"],
        ];
        for line in lines {
            let mut args = vec!["git-policy", "release"];
            args.extend_from_slice(line);
            let Command::Release(release) = parse(&args).command else {
                panic!("not a release step: {args:?}");
            };
            assert_eq!(release.step.name(), line[0]);
            assert_eq!(release.step.common().is_none(), line[0] == "plan");
        }
        let both = Cli::try_from_args(
            ["git-policy", "release", "tag", "--dry-run", "--push"]
                .iter()
                .map(OsString::from)
                .collect(),
        );
        assert!(both.is_err(), "--dry-run and --push conflict");
    }

    /// Every other command line goes through the whole interface.
    #[test]
    fn other_commands_use_the_whole_interface() {
        assert!(matches!(
            parse(&["git-policy", "check"]).command,
            Command::Check(_)
        ));
    }
}
