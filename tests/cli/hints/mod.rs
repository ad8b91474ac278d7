//! The hint catalogue: for each rule at each entry point where it fires, make the mistake,
//! run the commands of the printed `hint:` literally (every backticked `git ...`, in order),
//! retry, and see the retry accepted. A hint that is advice in words is checked as such
//! ([`words`]) and names no command that would fail.
//!
//! Entry points a rule cannot meet, so no test: flow/*, branch/* and tag/* at `pre-commit`
//! outside a merge (the commit's only parent is the branch; its message is not known yet);
//! branch/linear and branch/first-parent in a pull request (the forge lands it by rebase, or
//! as a merge with the base first); tag rules in a pull request (it moves a branch);
//! ref/stale at any of them (git sends the ref's advertised value: only a client that lies,
//! pinned in `attacks/stale.rs`, or a concurrent push meets it).

mod branch;
mod ci;
mod commit;
mod flow;
mod optional;
mod refs;
mod releases;
mod situations;
mod snapshots;
mod tags;
mod versions;

use crate::harness::{Run, TestRepo};

/// The `hint:` lines of a run, as the user reads them (a server's behind `remote: `).
pub fn hints(run: &Run) -> Vec<String> {
    run.all()
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("remote:").map_or(line, str::trim);
            line.strip_prefix("hint:").map(|h| h.trim().to_owned())
        })
        .collect()
}

/// The commands a hint names: its backticked spans that start with `git `, in order, with
/// `a && b` split into its commands.
pub fn commands(hint: &str) -> Vec<String> {
    hint.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| span.split("&&").map(str::trim).map(str::to_owned))
        .filter(|command| command.starts_with("git "))
        .collect()
}

/// The commands of the hint of the (first) violation of `rule` in `run`.
#[track_caller]
pub fn hint_of(run: &Run, rule: &str) -> String {
    let text = run.all();
    let at = text
        .find(&format!("error[{rule}]"))
        .unwrap_or_else(|| panic!("expected {rule}:\n{text}"));
    hints(&Run {
        code: run.code,
        stdout: text[at..].to_owned(),
        stderr: String::new(),
    })
    .into_iter()
    .next()
    .unwrap_or_else(|| panic!("{rule} has no hint:\n{text}"))
}

/// Runs every command the hint of `rule` names, literally, in `repo`; each must succeed.
/// Returns the hint. A hint with no command fails: that is [`words`]'s case.
#[track_caller]
pub fn follow(repo: &TestRepo, run: &Run, rule: &str) -> String {
    let hint = hint_of(run, rule);
    let commands = commands(&hint);
    assert!(
        !commands.is_empty(),
        "{rule}'s hint names no command: {hint}"
    );
    for command in &commands {
        assert!(
            !command.contains('<'),
            "a placeholder is not a command: {command}"
        );
        let ran = Run::from_output(
            repo.command("sh")
                .args(["-c", command])
                .output()
                .expect("run the hint's command"),
        );
        assert_eq!(
            ran.code,
            0,
            "`{command}` from the hint failed:\n{}",
            ran.all()
        );
    }
    hint
}

/// Marks a hint that is advice in words: it must say `says`. The test then does what the
/// words say by hand, and retries.
#[track_caller]
pub fn words(run: &Run, rule: &str, says: &str) -> String {
    let hint = hint_of(run, rule);
    assert!(
        hint.contains(says),
        "{rule}'s hint should say {says:?}: {hint}"
    );
    hint
}

/// [`crate::hooks::setup`] with the pytokio preset, `from` replaced by `to`, committed as
/// `.git-policy.toml` from the first commit on (so every branch has it) and served as the
/// administrator's policy.
pub fn setup_with(hook: &str, from: &str, to: &str) -> crate::hooks::Setup {
    let sandbox = crate::harness::Sandbox::new();
    let work = sandbox.repo("work");
    work.write(".git-policy.toml", &crate::preset_with(from, to));
    work.set_version("0.12.0.dev1");
    work.git(&["branch", "rc"]);
    work.set_version("0.13.0.dev1");
    let central = crate::harness::serve(&work, hook);
    let dev = sandbox.clone_of(&central, "dev");
    dev.git(&["branch", "-q", "rc", "origin/rc"]);
    let installed = dev.policy(&["install"]);
    assert_eq!(installed.code, 0, "{}", installed.all());
    crate::hooks::Setup {
        sandbox,
        central,
        dev,
    }
}
