//! `reference-transaction` on the central repository: a push's ref updates judged again in
//! git's `prepared` state, with the refs locked and one push at a time, so two pushes that are
//! each allowed cannot both land when together they break the policy.
//!
//! git (2.28+) runs the hook for every ref transaction of any command, three times: `prepared`
//! (refs locked, not yet written; a non-zero exit aborts), then `committed` or `aborted`. A
//! push's objects have left the quarantine by then. Only transactions of `receive-pack` that
//! touch refs the policy judges take git-policy's lock; everything else (`pack-refs`, an
//! administrator's `update-ref`, a push of topic branches) passes at once.

pub mod lock;

use std::time::Duration;

use super::stdin::StdinError;
use super::{HookError, Judged, SERVER_POLICY};
use crate::policy::Policy;
use crate::repo::Git;
use crate::rules::{self, Id, Update};
pub use lock::{Lock, LockError, Owner};

/// The hook's name, as git runs it.
pub const HOOK: &str = "reference-transaction";

/// How long a push waits for another one's transaction, unless `GIT_POLICY_LOCK_WAIT` (seconds)
/// says otherwise.
const WAIT: Duration = Duration::from_secs(30);

/// What the hook does in a state git names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// `prepared`: judge, holding the lock.
    Judge,
    /// `committed`, `aborted`: release the lock.
    Release,
}

impl Step {
    /// `None` for a state this version does not know (a newer git's): nothing to do.
    pub fn of(state: &str) -> Option<Step> {
        match state {
            "prepared" => Some(Step::Judge),
            "committed" | "aborted" => Some(Step::Release),
            _ => None,
        }
    }
}

/// One line of the hook's input: the ref and its new value (`None`: deleted). The old value git
/// gives is what the transaction was told to expect (zeros for "whatever it is"), not the state.
pub type Line = (String, Option<Id>);

/// `<old> SP <new> SP <ref>` lines. Symbolic-ref updates (`ref:<target>` values, git 2.46+) and
/// refs outside `refs/` (the log-only update of `HEAD`) are not judged, so not returned.
pub fn parse(input: &str) -> Result<Vec<Line>, StdinError> {
    let mut lines = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let bad = || StdinError {
            line: i + 1,
            expected: "<old-value> <new-value> <ref-name>",
            text: line.chars().take(200).collect(),
        };
        if line.trim().is_empty() {
            continue;
        }
        let [old, new, refname] = line.split(' ').collect::<Vec<_>>()[..] else {
            return Err(bad());
        };
        if old.starts_with("ref:") || new.starts_with("ref:") || !refname.starts_with("refs/") {
            continue;
        }
        Id::parse_hex(old).map_err(|_| bad())?;
        lines.push((refname.to_owned(), Id::parse_hex(new).map_err(|_| bad())?));
    }
    Ok(lines)
}

/// A transaction's lines as the refs of the namespace under `prefix` (see
/// [`crate::repo::namespace`]) name themselves: `refs/namespaces/ns/refs/heads/master` is
/// `refs/heads/master`, as `pre-receive` is given it and as the repository reads under
/// `GIT_NAMESPACE`. Refs outside the namespace are none of its own, and are left out.
pub fn within_namespace(lines: Vec<Line>, prefix: &str) -> Vec<Line> {
    lines
        .into_iter()
        .filter_map(|(refname, new)| {
            let own = refname.strip_prefix(prefix)?;
            own.starts_with("refs/").then(|| (own.to_owned(), new))
        })
        .collect()
}

/// Names one transaction across its `prepared` and `committed`/`aborted` runs, which get the
/// same input (FNV-1a: stable across processes and builds).
pub fn token(input: &str) -> u64 {
    input.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The git process running the transaction: the hook's parent, or its grandparent when the
/// parent is the `sh` shim, which starts git-policy from a pipe when it chains a foreign hook.
/// Asked of the system, not of the environment, which a pusher over `file://` sets.
#[cfg(unix)]
pub fn owner() -> Owner {
    let parent = std::os::unix::process::parent_id();
    let runs_the_shim = command_line(parent).is_some_and(|args| {
        args.iter()
            .take(2)
            .any(|arg| arg.rsplit('/').next() == Some(HOOK))
    });
    let git = if runs_the_shim {
        parent_of(parent).unwrap_or(parent)
    } else {
        parent
    };
    Owner::of(git)
}

#[cfg(not(unix))]
pub fn owner() -> Owner {
    Owner::of(std::process::id())
}

/// A process's command line: `/proc`, else `ps` (split at spaces); `None` when neither says.
#[cfg(unix)]
fn command_line(pid: u32) -> Option<Vec<String>> {
    if let Ok(bytes) = std::fs::read(format!("/proc/{pid}/cmdline")) {
        return Some(
            bytes
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect(),
        );
    }
    let out = std::process::Command::new("ps")
        .args(["-o", "args=", "-p", &pid.to_string()])
        .output()
        .ok()
        .filter(|out| out.status.success())?;
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    )
}

/// A process's parent: `/proc/<pid>/stat` (field 4), else `ps`.
#[cfg(unix)]
fn parent_of(pid: u32) -> Option<u32> {
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The command name (field 2) is in parentheses and may hold spaces or parentheses.
        let rest = &stat[stat.rfind(')')? + 1..];
        return rest.split_whitespace().nth(1)?.parse().ok();
    }
    let out = std::process::Command::new("ps")
        .args(["-o", "ppid=", "-p", &pid.to_string()])
        .output()
        .ok()
        .filter(|out| out.status.success())?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Whether the git process is `receive-pack`, i.e. the transaction lands a push. Where the
/// system cannot tell, every transaction is taken for one (judged: fail closed).
#[cfg(unix)]
pub fn is_push(pid: u32) -> bool {
    command_line(pid).is_none_or(|args| is_receive_pack(&args))
}

/// Without a parent process id to tell one git process from another there is no owner for the
/// lock: the hook does nothing, and the server has the `pre-receive` check alone.
#[cfg(not(unix))]
pub fn is_push(_pid: u32) -> bool {
    false
}

/// A git process's command (`commit`, `merge`, `receive-pack`) and whether it was given
/// `--no-verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitCommand {
    pub name: String,
    pub no_verify: bool,
}

/// The git command a process runs, when the system says.
#[cfg(unix)]
pub fn command_of(pid: u32) -> Option<GitCommand> {
    let args = command_line(pid)?;
    Some(GitCommand {
        name: subcommand(&args)?.to_owned(),
        no_verify: args.iter().any(|arg| arg == "--no-verify"),
    })
}

#[cfg(not(unix))]
pub fn command_of(_pid: u32) -> Option<GitCommand> {
    None
}

/// Whether a command line runs `receive-pack`.
#[cfg_attr(not(unix), allow(dead_code))]
fn is_receive_pack(args: &[String]) -> bool {
    subcommand(args) == Some("receive-pack")
}

/// The git command of a command line: `git [-c name=value | -C dir | --option]... <command>`,
/// or a dashed `git-<command>`.
#[cfg_attr(not(unix), allow(dead_code))]
fn subcommand(args: &[String]) -> Option<&str> {
    let program = args.first().map(String::as_str).unwrap_or_default();
    if let Some(command) = program.rsplit('/').next()?.strip_prefix("git-") {
        return Some(command);
    }
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "-c" | "-C" | "--git-dir" | "--work-tree" | "--namespace" | "--exec-path" => {
                rest.next();
            }
            a if a.starts_with('-') => {}
            a => return Some(a),
        }
    }
    None
}

/// Whether a verdict on an update of `refname` can depend on other refs, or a verdict on them
/// on it: protected branches, tags (any: release tags are read by other rules) and replace
/// refs. Other refs never wait for the lock: what the rules say of them (a topic branch or a
/// note named like a release or a protected branch) depends on their names alone, and stands
/// as `pre-receive` gave it.
pub fn judged(policy: &Policy, refname: &str) -> bool {
    match refname.strip_prefix("refs/heads/") {
        Some(branch) => policy.class_of(branch).is_some(),
        None => refname.starts_with("refs/tags/") || refname.starts_with("refs/replace/"),
    }
}

/// How long to wait for the lock.
pub fn wait() -> Duration {
    std::env::var("GIT_POLICY_LOCK_WAIT")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map_or(WAIT, Duration::from_secs)
}

/// `prepared`: with the lock held, the transaction's updates judged against the refs as they
/// are now. The lock stays held when they are allowed (git releases it through `committed` or
/// `aborted`) and is released here when they are not, as git then runs neither.
pub fn judge_prepared(
    git: &Git,
    policy: &Policy,
    lines: &[Line],
    lock: &Lock,
    owner: &Owner,
    token: u64,
) -> Result<Judged, TransactionError> {
    lock.acquire(owner, token, wait())?;
    let judged = judge_now(git, policy, lines);
    if !judged.as_ref().is_ok_and(|j| j.violations.is_empty()) {
        lock.release(owner, token)?;
    }
    Ok(judged?)
}

fn judge_now(git: &Git, policy: &Policy, lines: &[Line]) -> Result<Judged, HookError> {
    let before = git.local_state()?;
    let updates: Vec<Update> = lines
        .iter()
        .map(|(refname, new)| Update {
            refname: refname.clone(),
            old: before.get(refname).copied(),
            new: *new,
        })
        .collect();
    let judgement = rules::judge_at(policy, git, &before, &updates, rules::Entry::PreReceive)?;
    Ok(Judged {
        violations: judgement.violations,
        // Every client reads this: the administrator's path on the server is none of its business.
        policy: SERVER_POLICY.to_owned(),
        subject: "the push".to_owned(),
        notes: Vec::new(),
        // `pre-receive` has shown this push's warnings already.
        warnings: Vec::new(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum TransactionError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Hook(#[from] HookError),
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const Z: &str = "0000000000000000000000000000000000000000";

    /// Ref updates are read with their new values; `HEAD`'s log-only line and symbolic-ref
    /// updates are skipped; anything else is an error naming the line.
    #[test]
    fn input_lines_are_parsed() {
        let input = format!(
            "{Z} {A} refs/heads/master\n{Z} {A} HEAD\nref:refs/heads/a ref:refs/heads/b HEAD\n{Z} ref:refs/heads/master refs/heads/alias\n{A} {Z} refs/tags/v1\n"
        );
        let lines = parse(&input).expect("parses");
        let a = Id::parse_hex(A).expect("hex");
        assert_eq!(
            lines,
            [
                ("refs/heads/master".to_owned(), a),
                ("refs/tags/v1".to_owned(), None)
            ]
        );
        let err = parse(&format!("{A} refs/heads/master\n")).expect_err("two fields");
        assert_eq!(err.line, 1);
    }

    /// The states git names: an unknown one (a future git's) does nothing.
    #[test]
    fn states_are_known_or_ignored() {
        assert_eq!(Step::of("prepared"), Some(Step::Judge));
        assert_eq!(Step::of("committed"), Some(Step::Release));
        assert_eq!(Step::of("aborted"), Some(Step::Release));
        assert_eq!(Step::of("preparing"), None);
    }

    /// `receive-pack` is recognised however git was started; other git commands are not.
    #[test]
    fn receive_pack_is_told_from_other_commands() {
        let yes: &[&[&str]] = &[
            &["git-receive-pack", "/srv/p.git"],
            &["/usr/lib/git-core/git-receive-pack", "--stateless-rpc", "."],
            &["git", "receive-pack", "."],
            &[
                "git",
                "-c",
                "core.x=y",
                "--no-replace-objects",
                "receive-pack",
                ".",
            ],
        ];
        let no: &[&[&str]] = &[
            &["git", "pack-refs", "--all", "--prune"],
            &[
                "/usr/lib/git-core/git",
                "update-ref",
                "refs/heads/x",
                "HEAD",
            ],
            &["git", "-C", "receive-pack", "fetch"],
            &["git-upload-pack", "."],
            &[],
        ];
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        for a in yes {
            assert!(is_receive_pack(&args(a)), "{a:?}");
        }
        for a in no {
            assert!(!is_receive_pack(&args(a)), "{a:?}");
        }
        assert!(
            !is_push(std::process::id()),
            "the test runner is not receive-pack"
        );
    }

    /// A client's transaction is told by its git command, however git was started.
    #[test]
    fn commands_are_named() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let cases: &[(&[&str], Option<&str>)] = &[
            (
                &["git", "-c", "a.b=c", "-C", "dir", "merge", "--ff-only"],
                Some("merge"),
            ),
            (&["/usr/lib/git-core/git-commit", "-m", "x"], Some("commit")),
            (&["git", "--no-pager"], None),
            (&[], None),
        ];
        for (line, command) in cases {
            assert_eq!(subcommand(&args(line)), *command, "{line:?}");
        }
    }

    /// A namespace's refs are named as its own, nested namespaces included; refs outside it
    /// are left out.
    #[test]
    fn namespaced_refs_are_the_namespaces_own() {
        let prefix = crate::repo::namespace::prefix("a/b").expect("a namespace");
        let a = Id::parse_hex(A).expect("hex");
        let lines = vec![
            (format!("{prefix}refs/heads/master"), a),
            ("refs/namespaces/a/refs/heads/master".to_owned(), a),
            ("refs/heads/master".to_owned(), a),
            (format!("{prefix}refs/tags/v1"), None),
        ];
        assert_eq!(
            within_namespace(lines, &prefix),
            [
                ("refs/heads/master".to_owned(), a),
                ("refs/tags/v1".to_owned(), None)
            ]
        );
    }

    /// The token names the input exactly.
    #[test]
    fn token_tells_inputs_apart() {
        assert_eq!(token("a b c\n"), token("a b c\n"));
        assert_ne!(token("a b c\n"), token("a b d\n"));
    }
}
