//! The `git-policy` binary: parse the command line, run the command, map the outcome to an
//! exit code (0 ok, 1 policy violation, 2 usage or configuration error).

use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use git_policy::cli::{Cli, Command};
use git_policy::commands::{self, Outcome};
use git_policy::report::{WriteError, printable_lines};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();

fn main() -> ExitCode {
    // SAFETY: the first thing the process does: no thread has started, no repository is open.
    unsafe { git_policy::repo::configure_libgit2() };
    std::panic::set_hook(Box::new(|info| {
        // A panic is a bug; on a server it still rejects the push (the exit code is not 0).
        let _ = writeln!(
            anstream::stderr(),
            "{ERROR}error{ERROR:#}: internal error in git-policy: {info}\n{HINT}hint{HINT:#}: this is a bug; the operation was refused"
        );
    }));
    let cli = Cli::from_env();
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Hook(args) => commands::hook::run(args),
        Command::Shim(args) => commands::shim::run(args),
        Command::Install(args) => commands::install::run_install(args),
        Command::Uninstall(args) => commands::install::run_uninstall(args),
        Command::Init(args) => commands::init::run(args),
        Command::Man(args) => commands::man::run(args),
        Command::Completions(args) => commands::completions::run(args),
        Command::Schema => commands::schema::run(),
    };
    match result.or_else(reader_gone) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Violations) => ExitCode::from(1),
        Ok(Outcome::Refused(code)) => ExitCode::from(code),
        Err(err) => {
            print_error(&err);
            ExitCode::from(2)
        }
    }
}

/// Output cut short because its reader went away (`git policy explain | head`) is how the
/// reader said it had enough, not a failure: end quietly, as other command-line tools do.
/// The exit code stays the verdict's when one was being written, so `check | head` still
/// fails on a violation and a hook whose standard error is gone still rejects.
fn reader_gone(err: anyhow::Error) -> anyhow::Result<Outcome> {
    let closed = err
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe);
    if !closed {
        return Err(err);
    }
    let violations = err
        .chain()
        .find_map(|cause| cause.downcast_ref::<WriteError>())
        .is_some_and(|write| write.violations);
    Ok(if violations {
        Outcome::Violations
    } else {
        Outcome::Ok
    })
}

/// The error, its causes and the hint; they may quote the repository (a version file's text,
/// a path), so control characters are shown, not sent.
fn print_error(err: &anyhow::Error) {
    let mut out = anstream::stderr().lock();
    let mut chain = err.chain();
    if let Some(top) = chain.next() {
        let top = top.to_string();
        let _ = writeln!(out, "{ERROR}error{ERROR:#}: {}", printable_lines(&top));
    }
    let mut last = err.to_string();
    for cause in chain {
        let text = cause.to_string();
        // Wrappers that repeat their source's message add nothing.
        if text != last {
            let _ = writeln!(out, "  caused by: {}", printable_lines(&text));
        }
        last = text;
    }
    if let Some(hint) = commands::hint_of(err) {
        let _ = writeln!(out, "{HINT}hint{HINT:#}: {}", printable_lines(&hint));
    }
}
