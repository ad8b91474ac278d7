//! `git policy release`: the guided release steps' command line, as clap types only.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    #[command(subcommand)]
    pub step: ReleaseStep,
}

#[derive(Debug, Subcommand)]
pub enum ReleaseStep {
    /// For each protected branch: its version, last tag, and the steps the policy allows next
    Plan(PlanArgs),
    /// Feature freeze: the kept-below branch takes its upstream, which moves to its next version
    Freeze(FreezeArgs),
    /// Cut the next release branch of a class from its source, with its first version set
    Branch(BranchArgs),
    /// Tag the version a branch carries (set VERSION first if given), then move it ahead of
    /// the tag where its rules ask
    Tag(TagArgs),
    /// Cherry-pick a fix (`-x`) into every branch downstream of the one it is on
    Port(PortArgs),
    /// Set VERSION in every version file, each in its own format, as one commit
    Bump(BumpArgs),
    /// Merge a release branch back where the policy lets it go
    Merge(MergeArgs),
}

/// What every step that writes accepts.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Print the plan and the verdict; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Push the result atomically to the remote, then write it locally
    #[arg(long, conflicts_with = "dry_run")]
    pub push: bool,
    /// The remote whose refs the step starts from and is judged against [default: the
    /// upstream remote]
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,
    /// Use this policy file instead of the repository's
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The remote whose refs the plan starts from [default: the upstream remote]
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,
    /// Use this policy file instead of the repository's
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: PlanFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// For people
    Text,
    /// For tools
    Json,
}

#[derive(Debug, Args)]
pub struct FreezeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BranchArgs {
    /// The branch to cut (e.g. `0.13`, `releases/release-4290`) [default: the next one the
    /// policy names]
    pub name: Option<String>,
    /// The branch to cut it from [default: the class's source]
    #[arg(long, value_name = "BRANCH")]
    pub from: Option<String>,
    /// The branch's first version [default: computed from the policy where it can be]
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Set this version first (a commit), then tag it [default: the version the branch carries]
    pub version: Option<String>,
    /// Tag the next pre-release of the version the branch carries
    #[arg(long, conflicts_with_all = ["final_", "version"])]
    pub pre: bool,
    /// Tag the final release of the version the branch carries
    #[arg(long = "final", conflicts_with = "version")]
    pub final_: bool,
    /// The branch to tag [default: the checked-out branch]
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct PortArgs {
    /// The commit to port
    pub commit: String,
    /// Port only onto these branches [default: every branch downstream of the commit's]
    #[arg(long, value_name = "BRANCH")]
    pub onto: Vec<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BumpArgs {
    /// The version to set (e.g. `1.2.3`, `0.14.0.dev1`)
    pub version: String,
    /// The branch to set it on [default: the checked-out branch]
    #[arg(long, value_name = "BRANCH")]
    pub branch: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The release branch to merge back
    pub branch: String,
    /// The branch to merge it into [default: where the policy lets it go]
    #[arg(long, value_name = "BRANCH")]
    pub into: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl ReleaseStep {
    /// The step's name as the command line spells it.
    pub fn name(&self) -> &'static str {
        match self {
            ReleaseStep::Plan(_) => "plan",
            ReleaseStep::Freeze(_) => "freeze",
            ReleaseStep::Branch(_) => "branch",
            ReleaseStep::Tag(_) => "tag",
            ReleaseStep::Port(_) => "port",
            ReleaseStep::Bump(_) => "bump",
            ReleaseStep::Merge(_) => "merge",
        }
    }

    /// The options every writing step shares (`None` for `plan`).
    pub fn common(&self) -> Option<&CommonArgs> {
        match self {
            ReleaseStep::Plan(_) => None,
            ReleaseStep::Freeze(a) => Some(&a.common),
            ReleaseStep::Branch(a) => Some(&a.common),
            ReleaseStep::Tag(a) => Some(&a.common),
            ReleaseStep::Port(a) => Some(&a.common),
            ReleaseStep::Bump(a) => Some(&a.common),
            ReleaseStep::Merge(a) => Some(&a.common),
        }
    }
}
