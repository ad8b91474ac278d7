//! `git-policy hook <name>`: what the `sh` shims and hook managers run. Reports go to standard
//! error, where git shows them (prefixed `remote:` when the hook runs on the server).

use std::io::{Read, Write};
use std::path::PathBuf;

use super::{Outcome, UserError, load_policy, open_repo};
use crate::cli::HookArgs;
use crate::hooks::stdin::StdinError;
use crate::hooks::transaction::{self, Lock, LockError, Owner, Step, TransactionError};
use crate::hooks::{self, HookError, Judged, advisory, local_update};
use crate::policy::{self, Mode};
use crate::repo::Git;
use crate::report::{self, Verdict};

pub fn run(args: &HookArgs) -> anyhow::Result<Outcome> {
    run_hook(&args.name, &args.args, None)
}

/// Judges what hook `name` was given: git's arguments and, for the hooks that read it, the
/// standard input (`input` when the caller has read it already, else read here).
pub fn run_hook(name: &str, args: &[String], input: Option<Vec<u8>>) -> anyhow::Result<Outcome> {
    if name == transaction::HOOK {
        return reference_transaction(args, input);
    }
    let server = hooks::SERVER_HOOKS.contains(&name);
    if !server && hooks::judged_by_release() {
        return Ok(Outcome::Ok);
    }
    let result = judge(name, args, input, server);
    match result {
        Ok(None) => Ok(Outcome::Ok),
        Ok(Some(heard)) => report_heard(heard),
        // A server fails closed: whatever went wrong, the push is rejected and says why.
        Err(err) if server => {
            Err(err.context("git-policy rejects the push: the policy could not be applied"))
        }
        // A cause that names its own fix (a reftable repository, say) keeps its hint.
        Err(err) if super::hint_of(&err).is_some() => {
            Err(err.context(format!("git-policy's `{name}` hook failed")))
        }
        Err(err) => Err(err.context(UserError {
            message: format!("git-policy's `{name}` hook failed"),
            hint: Some("fix the cause above; in an emergency `--no-verify` skips client hooks (the server still judges the push)".into()),
        })),
    }
}

/// A hook's verdict, and what its policy says to do with it.
struct Heard {
    judged: Judged,
    mode: Mode,
    /// Where warn mode logs what it accepted: the common git directory.
    log_dir: PathBuf,
}

/// Writes a verdict where git shows it. In warn mode a violation is shown as an enforcing hook
/// shows it, logged, and accepted.
fn report_heard(heard: Heard) -> anyhow::Result<Outcome> {
    if heard.mode != Mode::Warn || heard.judged.violations.is_empty() {
        return report_judged(heard.judged);
    }
    let verdict = verdict(&heard.judged);
    let mut err = anstream::stderr().lock();
    report::write_advisory(&verdict, &mut err)?;
    if let Err(cause) = advisory::log(&heard.log_dir, &verdict.subject, verdict.violations) {
        let _ = writeln!(
            err,
            "warning: git-policy could not log them in `{}`: {cause}",
            heard.log_dir.join(advisory::LOG_FILE_NAME).display()
        );
    }
    Ok(Outcome::Ok)
}

/// Writes a verdict's violations where git shows them; the outcome is the verdict.
fn report_judged(judged: Judged) -> anyhow::Result<Outcome> {
    let verdict = verdict(&judged);
    if !verdict.violations.is_empty() || !verdict.warnings.is_empty() {
        report::write_text(&verdict, &mut anstream::stderr().lock())?;
    }
    Ok(if verdict.violations.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Violations
    })
}

/// The report of a hook's verdict.
fn verdict(judged: &Judged) -> Verdict<'_> {
    Verdict {
        violations: &judged.violations,
        policy: judged.policy.clone(),
        subject: judged.subject.clone(),
        notes: judged.notes.clone(),
        warnings: judged.warnings.clone(),
    }
}

/// `reference-transaction <state>`: a push's updates judged again as they land, one push at a
/// time (see [`transaction`]). Only a push's `prepared` state can refuse; `committed` and
/// `aborted` release the lock, and git ignores how they end.
fn reference_transaction(args: &[String], input: Option<Vec<u8>>) -> anyhow::Result<Outcome> {
    let Some(step) = args.first().and_then(|state| Step::of(state)) else {
        return Ok(Outcome::Ok);
    };
    let bytes = match input {
        Some(bytes) => bytes,
        None => read_input()?,
    };
    let owner = transaction::owner();
    // Only a push takes the lock. Anything else (`git gc`, `git update-ref`) passes at once on
    // a server; in a clone, `prepared` judges the local moves of protected branches.
    if !transaction::is_push(owner.pid) {
        if step == Step::Release || hooks::judged_by_release() {
            return Ok(Outcome::Ok);
        }
        return local_transaction(bytes, transaction::command_of(owner.pid));
    }
    let token = transaction::token(&String::from_utf8_lossy(&bytes));
    if step == Step::Release {
        let released =
            open_repo().and_then(|git| Ok(Lock::new(&git.common_dir()).release(&owner, token)?));
        if let Err(err) = released {
            let _ = writeln!(anstream::stderr(), "warning: git-policy: {err:#}");
        }
        return Ok(Outcome::Ok);
    }
    match judge_transaction(bytes, &owner, token) {
        Err(err) => match err.downcast::<LockError>() {
            // A lock that cannot be read or written keeps its I/O error as the cause.
            Ok(lock @ LockError::Io { .. }) => Err(anyhow::Error::new(lock)
                .context("git-policy rejects the push: its ref lock cannot be used")),
            Ok(lock) => Err(anyhow::Error::new(UserError {
                message: format!("git-policy rejects the push: {lock}"),
                hint: lock.hint(),
            })),
            Err(err) => {
                Err(err.context("git-policy rejects the push: the policy could not be applied"))
            }
        },
        verdict => verdict,
    }
}

/// `prepared` of a transaction in a clone: the moves of protected branches no commit hook saw
/// (see [`local_update`]). Remote-tracking refs, tags and deletions are decided from the input
/// alone; a repository with an administrator's policy is a server, whose own commands pass.
/// Until an update is known to move a protected branch, what keeps the hook from knowing (a
/// repository or policy it cannot read) is a warning: `git checkout -b` and `git refs migrate`
/// (which copies refs, moving none) must not depend on it. `pre-commit` refuses on those.
fn local_transaction(
    bytes: Vec<u8>,
    command: Option<transaction::GitCommand>,
) -> anyhow::Result<Outcome> {
    if command.as_ref().is_some_and(|c| c.name == "refs") {
        return Ok(Outcome::Ok);
    }
    // A ref name that is not UTF-8 is none the policy protects (`pre-push` refuses it by name).
    let text: Vec<&str> = bytes
        .split(|&b| b == b'\n')
        .filter_map(|line| std::str::from_utf8(line).ok())
        .collect();
    let lines = transaction::parse(&text.join("\n")).map_err(HookError::from)?;
    if !local_update::may_move_a_branch(&lines) {
        return Ok(Outcome::Ok);
    }
    let opened = open_repo().and_then(|git| {
        let policy = (!is_server(&git))
            .then(|| load_policy(&git, None))
            .transpose()?;
        Ok((git, policy))
    });
    match opened {
        Ok((git, Some(policy))) => judge_local(&git, &policy, &lines, command.as_ref()),
        Ok((_, None)) => Ok(Outcome::Ok),
        Err(err) => {
            let _ = writeln!(
                anstream::stderr(),
                "warning: git-policy's `{}` hook did not judge this update: {err:#}",
                transaction::HOOK
            );
            Ok(Outcome::Ok)
        }
    }
}

/// Whether a repository is a central one: bare, or given an administrator's policy.
fn is_server(git: &Git) -> bool {
    git.is_bare() || git.common_dir().join(policy::ADMIN_FILE_NAME).exists()
}

fn judge_local(
    git: &Git,
    policy: &policy::Policy,
    lines: &[transaction::Line],
    command: Option<&transaction::GitCommand>,
) -> anyhow::Result<Outcome> {
    match local_update::judge_local_update(git, policy, lines, command) {
        Ok(None) => Ok(Outcome::Ok),
        Ok(Some(judged)) => report_heard(Heard {
            judged,
            mode: policy.mode,
            log_dir: git.common_dir(),
        }),
        Err(err) => Err(anyhow::Error::new(err).context(format!(
            "git-policy's `{}` hook failed, so the branch did not move",
            transaction::HOOK
        ))),
    }
}

/// `prepared` of a push: its updates of refs the policy judges, judged with the lock held.
fn judge_transaction(bytes: Vec<u8>, owner: &Owner, token: u64) -> anyhow::Result<Outcome> {
    let mut lines = transaction::parse(&decode_input(bytes)?).map_err(HookError::from)?;
    if lines.is_empty() {
        return Ok(Outcome::Ok);
    }
    let git = open_repo()?;
    // A server serving namespaces (`GIT_NAMESPACE`) judges each as a repository of its own,
    // which is how the repository reads its refs under it.
    if let Some(prefix) = git.namespace() {
        lines = transaction::within_namespace(lines, prefix);
    }
    // A push into a clone (`git push . rc:master`) is the clone's own move of its branches.
    if !is_server(&git) {
        if hooks::judged_by_release() {
            return Ok(Outcome::Ok);
        }
        let command = transaction::GitCommand {
            name: "receive-pack".to_owned(),
            no_verify: false,
        };
        let policy = load_policy(&git, None)?;
        return judge_local(&git, &policy, &lines, Some(&command));
    }
    let policy = server_policy(&git)?;
    // In warn mode nothing is refused, so nothing needs judging again: `pre-receive` has shown
    // and logged the violations already.
    if policy.mode == Mode::Warn {
        return Ok(Outcome::Ok);
    }
    if !lines
        .iter()
        .any(|(refname, _)| transaction::judged(&policy, refname))
    {
        return Ok(Outcome::Ok);
    }
    let lock = Lock::new(&git.common_dir());
    match transaction::judge_prepared(&git, &policy, &lines, &lock, owner, token) {
        Ok(judged) => report_judged(judged),
        Err(TransactionError::Lock(err)) => Err(err.into()),
        Err(TransactionError::Hook(err)) => Err(err.into()),
    }
}

fn judge(
    name: &str,
    args: &[String],
    input: Option<Vec<u8>>,
    server: bool,
) -> anyhow::Result<Option<Heard>> {
    let input = || match input {
        Some(bytes) => decode_input(bytes),
        None => read_stdin(),
    };
    let git = open_repo()?;
    let policy = if server {
        server_policy(&git)?
    } else {
        load_policy(&git, None)?
    };
    crate::fault::point("hook");
    let judged = match name {
        "pre-commit" | "pre-merge-commit" => hooks::judge_commit(&git, &policy)?,
        "pre-push" => {
            let env = |name: &str| std::env::var(name).ok();
            let (hook_args, input) = match hooks::framework::pre_push(&git, &env)? {
                Some(push) => (push.args, push.input),
                None => (args.to_vec(), input()?),
            };
            Some(hooks::judge_push(&git, &policy, &hook_args, &input)?)
        }
        "pre-receive" => Some(hooks::judge_pre_receive(&git, &policy, &input()?)?),
        "update" => Some(hooks::judge_update(&git, &policy, args)?),
        other => {
            return Err(UserError::hinted(
                format!("`{other}` is not a hook git-policy handles"),
                format!(
                    "hooks: {}",
                    hooks::CLIENT_HOOKS
                        .iter()
                        .chain(hooks::SERVER_HOOKS)
                        .copied()
                        .filter(|hook| *hook != transaction::HOOK)
                        .chain([transaction::HOOK])
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    };
    // The process ends after the report: closing the repository would only unmap its packs
    // and free libgit2's caches, which the exit does anyway, at a cost paid on every commit.
    git.save_remembered();
    let log_dir = git.common_dir();
    std::mem::forget(git);
    Ok(judged.map(|judged| Heard {
        judged,
        mode: policy.mode,
        log_dir,
    }))
}

/// The server reads only the administrator's file: a push must not change the rules that
/// judge it, and a missing file is a broken installation, not a reason to use defaults.
fn server_policy(git: &Git) -> anyhow::Result<policy::Policy> {
    let path = git.common_dir().join(policy::ADMIN_FILE_NAME);
    if !path.exists() {
        return Err(UserError::hinted(
            format!("the administrator's policy `{}` is missing", path.display()),
            "install it: `git policy install --server <this repository> --policy <file>`",
        ));
    }
    Ok(policy::load(&path, &path)?)
}

/// The hook's standard input, whole: git writes it and closes it.
pub fn read_input() -> Result<Vec<u8>, HookError> {
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .map_err(HookError::Read)?;
    Ok(input)
}

fn read_stdin() -> Result<String, HookError> {
    decode_input(read_input()?)
}

fn decode_input(input: Vec<u8>) -> Result<String, HookError> {
    // Git allows ref names that are not UTF-8; they are refused by name, not read as others.
    String::from_utf8(input).map_err(|err| {
        let bytes = err.as_bytes();
        let at = err.utf8_error().valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let text = bytes.split(|&b| b == b'\n').nth(line).unwrap_or_default();
        HookError::Stdin(StdinError {
            line: line + 1,
            expected: "UTF-8 text (git-policy judges only UTF-8 ref names)",
            text: String::from_utf8_lossy(text).chars().take(200).collect(),
        })
    })
}
