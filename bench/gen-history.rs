//! `gen-history`: writes a synthetic pytokio history of any size into a new bare repository.
//!
//! `cargo run --release --example gen-history -- --commits 1000000 --out /tmp/h1m.git`
//! takes about a minute for a million commits. See `bench/history.rs` for the model. Writes
//! the candidate pushes, `<branch> <commits> <new tip> <quarantine>` per line, to `pushes` in
//! the new repository and to standard output.

#[path = "history.rs"]
mod history;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use clap::{Parser, ValueEnum};

#[derive(Parser)]
#[command(about = "Write a synthetic pytokio history into a new bare repository")]
struct Args {
    /// Commits in the history (approximately; the candidate pushes come on top).
    #[arg(long)]
    commits: u64,
    /// The new bare repository; must not exist.
    #[arg(long)]
    out: PathBuf,
    /// Version branches, one per feature freeze.
    #[arg(long, default_value_t = 41)]
    branches: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How to leave the commit-graph.
    #[arg(long, value_enum, default_value = "single")]
    graph: Graph,
    /// Topic branches based on an early commit, merged into master by one more push.
    #[arg(long, default_value_t = 2000)]
    topics: u64,
    /// Date commits as real teams' are (many in one second, some before their parents)
    /// rather than one minute apart.
    #[arg(long)]
    skewed_dates: bool,
    /// Plant one back-merge (rc's hotfix merged into master) after this many commits.
    #[arg(long)]
    back_merge_at: Option<u64>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Graph {
    None,
    Single,
    Chain,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        !args.out.exists(),
        "`{}` exists; generate into a new path",
        args.out.display()
    );
    let shape = history::Shape {
        commits: args.commits,
        branches: args.branches,
        seed: args.seed,
        graph: match args.graph {
            Graph::None => history::GraphKind::None,
            Graph::Single => history::GraphKind::Single,
            Graph::Chain => history::GraphKind::Chain,
        },
        topics: args.topics,
        dates: if args.skewed_dates {
            history::Dates::Skewed
        } else {
            history::Dates::Minutes
        },
        back_merge_at: args.back_merge_at,
    };
    let start = Instant::now();
    let summary = history::generate(&args.out, &shape, &|| Command::new("git"))?;
    eprintln!(
        "gen-history: {} commits, {} version branches, {} tags in {:.1} s: {}",
        summary.commits,
        summary.version_branches.len(),
        summary.tags,
        start.elapsed().as_secs_f64(),
        args.out.display()
    );
    // What the benchmark reads: one push per line.
    let mut pushes = String::new();
    for push in &summary.pushes {
        pushes.push_str(&format!(
            "{} {} {} {}\n",
            push.branch,
            push.commits,
            push.new,
            push.quarantine.display()
        ));
    }
    std::fs::write(args.out.join("pushes"), &pushes)?;
    print!("{pushes}");
    Ok(())
}
