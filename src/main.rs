//! The `git-policy` binary: parse the command line, run the command, map the outcome to an
//! exit code (0 ok, 1 policy violation, 2 usage or configuration error).

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use git_policy::cli::{self, Cli, Command};
use git_policy::commands::{self, Outcome};
use git_policy::report::{ErrorReport, WriteError};

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
    let args: Vec<OsString> = std::env::args_os().collect();
    let json = cli::wants_json(&args).then(|| cli::command_of(&args));
    let cli = match Cli::try_from_args(args) {
        Ok(cli) => cli,
        // Help and the version are not errors; with `--format json` a refused command line is.
        Err(err) if json.is_some() && err.use_stderr() => {
            let report = ErrorReport::usage(&err, json.as_deref().unwrap_or("git policy"));
            let _ = report.write_json(&mut anstream::stdout().lock());
            return ExitCode::from(2);
        }
        Err(err) => err.exit(),
    };
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
        Command::Release(args) => commands::release::run(args),
    };
    match result.or_else(reader_gone) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Violations) => ExitCode::from(1),
        Ok(Outcome::Refused(code)) => ExitCode::from(code),
        Err(err) => {
            let report = ErrorReport::new(commands::kind_of(&err), &err, commands::hint_of(&err));
            let _ = if cli.json_output() {
                report.write_json(&mut anstream::stdout().lock())
            } else {
                report.write_text(&mut anstream::stderr().lock())
            };
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
