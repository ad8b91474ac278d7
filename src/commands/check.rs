//! `git policy check`: judge an explicit update set, a pull request's merge, what a CI job
//! asks, every protected branch and release tag as they are now, or their whole history.

mod ci;
mod history;
mod landing;
mod revision;

use anyhow::Context;

use super::{Outcome, UserError, load_policy, open_repo};
use crate::cli::CheckArgs;
use crate::policy::Policy;
use crate::repo::Git;
use crate::report::{self, Format, Verdict};
use crate::rules::{self, Judgement, RefState, Update};

pub fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let git = open_repo()?;
    refuse_shallow(&git)?;
    let policy = load_policy(&git, args.policy.as_deref())?;
    let env = |name: &str| std::env::var(name).ok();
    // In GitHub Actions the verdict belongs on the pull request, as annotations.
    let format = args
        .format
        .unwrap_or(if env("GITHUB_ACTIONS").as_deref() == Some("true") {
            Format::Github
        } else {
            Format::Text
        });
    if args.history {
        return history::run(&git, &policy, args.since.as_deref(), format);
    }
    let mut notes = Vec::new();
    let (judgement, subject) = if !args.refs.is_empty() {
        let updates = explicit_updates(&git, args)?;
        // `--old` is the question's premise (the clone's own ref has usually moved on to
        // `--new` already), not a pusher's claim: pinned, as `pre-push` does.
        let mut before = git.local_state()?;
        rules::pin_old_values(&mut before, &updates);
        let asker = rules::Entry::Ci.pushing_to(&git.hint_remote());
        let judgement = rules::judge_at(&policy, &git, &before, &updates, asker)?;
        (judgement, plural(updates.len(), "update"))
    } else if let (Some(base), Some(head)) = (&args.base, &args.head) {
        judge_merge(&git, &policy, base, head, &mut notes)?
    } else {
        match crate::ci::detect(&env).context("cannot tell what this CI job asks to judge")? {
            Some(job) => ci::judge(&git, &policy, &job, &mut notes)?,
            None => audited(audit(&git, &policy)?),
        }
    };
    let Judgement {
        violations,
        notes: mut warnings,
    } = judgement;
    if args.refs.is_empty() {
        // What the branches were judged against: say where a local one has diverged.
        let protected = |b: &str| policy.class_of(b).is_some();
        warnings.extend(git.freshest_state(&protected)?.warnings);
    }
    warnings.extend(crate::hooks::renamed::unprotected_default(&git, &policy));
    warnings.extend(crate::hooks::bypassed::warning(&git));
    let verdict = Verdict {
        violations: &violations,
        policy: policy.origin.to_string(),
        subject,
        notes,
        warnings,
    };
    report::write(format, &verdict, &mut anstream::stdout().lock())?;
    Ok(if violations.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Violations
    })
}

/// The clone's branches with each protected one at the newer of the local branch and its
/// remote-tracking ref (see [`Git::freshest_state`]).
pub fn fresh_state(git: &Git, policy: &Policy) -> anyhow::Result<RefState> {
    Ok(git.freshest_state(&|b| policy.class_of(b).is_some())?.state)
}

/// A shallow clone cuts ancestry short, so every flow verdict would be a guess.
pub fn refuse_shallow(git: &Git) -> anyhow::Result<()> {
    if git.is_shallow() {
        return Err(UserError::hinted(
            "this is a shallow clone: git-policy needs the full history to judge ancestry",
            "fetch all history: `git fetch --unshallow` (GitHub Actions: `fetch-depth: 0` in `actions/checkout`; GitLab: `GIT_DEPTH: 0`)",
        ));
    }
    Ok(())
}

fn explicit_updates(git: &Git, args: &CheckArgs) -> anyhow::Result<Vec<Update>> {
    if args.refs.len() != args.old.len() || args.refs.len() != args.new.len() {
        return Err(UserError::hinted(
            "each `--ref` needs one `--old` and one `--new`",
            "e.g. `git policy check --ref refs/heads/rc --old <oid> --new <oid>`",
        ));
    }
    let mut updates = Vec::new();
    for ((refname, old), new) in args.refs.iter().zip(&args.old).zip(&args.new) {
        let refname = if refname.starts_with("refs/") {
            refname.clone()
        } else {
            format!("refs/heads/{refname}")
        };
        updates.push(Update {
            old: revision::value(git, &refname, old)?,
            new: revision::value(git, &refname, new)?,
            refname,
        });
    }
    Ok(updates)
}

/// An audit's verdict, which has nothing skipped to say.
fn audited((violations, subject): (Vec<rules::Violation>, String)) -> (Judgement, String) {
    let judgement = Judgement {
        violations,
        notes: Vec::new(),
    };
    (judgement, subject)
}

/// Judges a pull request of `head` into `base` as it will land: `base` updated to a merge of
/// `head`, or to `head`'s changes rebased or squashed onto it (see [`landing`]).
pub fn judge_merge(
    git: &Git,
    policy: &Policy,
    base: &str,
    head: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<(Judgement, String)> {
    let before = fresh_state(git, policy)?;
    let branch = branch_name(base, git.upstream_remote().as_deref());
    let base_tip = match before.get(&format!("refs/heads/{branch}")) {
        Some(&tip) => {
            notes.extend(ambiguity(&before, base));
            tip
        }
        None => revision::commit(git, base)?,
    };
    let head_tip = match before.get(&format!("refs/heads/{head}")) {
        Some(&tip) => {
            notes.extend(ambiguity(&before, head));
            tip
        }
        None => revision::commit(git, head)?,
    };
    let request = landing::Request {
        branch: &branch,
        base: base_tip,
        head: head_tip,
        label: head,
        merged: None,
    };
    landing::judge(git, policy, &request)
}

/// git's own lookup takes a tag before a branch of the same name; `check` takes the branch
/// (what a pull request merges) and says so when `name` is both.
fn ambiguity(state: &RefState, name: &str) -> Option<String> {
    state.contains_key(&format!("refs/tags/{name}")).then(|| {
        format!("`{name}` names both a branch and a tag: judged the branch; to judge the tag, pass `refs/tags/{name}`")
    })
}

/// A revision CI or the user named that this clone lacks: usually not fetched.
pub fn not_here(git: &Git, err: crate::repo::RepoError, rev: &str) -> anyhow::Error {
    anyhow::Error::new(err).context(UserError {
        message: format!("`{rev}` is not in this clone"),
        hint: Some(format!("fetch all branches and tags: {} (GitHub Actions: `fetch-depth: 0` in `actions/checkout`)", fetch_all(git))),
    })
}

/// The command that fetches every branch and tag of the clone's remote, in backticks.
pub fn fetch_all(git: &Git) -> String {
    let remote = git.hint_remote();
    format!(
        "`git fetch {remote} '+refs/heads/*:refs/remotes/{remote}/*' '+refs/tags/*:refs/tags/*'`"
    )
}

/// `origin/rc` and `refs/heads/rc` both name the branch `rc`.
fn branch_name(base: &str, remote: Option<&str>) -> String {
    let base = base.strip_prefix("refs/heads/").unwrap_or(base);
    let base = base.strip_prefix("refs/remotes/").unwrap_or(base);
    match remote.and_then(|r| base.strip_prefix(&format!("{r}/"))) {
        Some(short) => short.to_owned(),
        None => base.to_owned(),
    }
}

/// Every protected branch and release tag as it is, and what the branches already hold.
pub fn audit(git: &Git, policy: &Policy) -> anyhow::Result<(Vec<rules::Violation>, String)> {
    let state = fresh_state(git, policy)?;
    let updates = rules::audit_updates(policy, &state);
    let branches = updates
        .iter()
        .filter(|u| u.refname.starts_with("refs/heads/"))
        .count();
    let tags = updates.len() - branches;
    let violations = rules::audit(policy, git, &state)?;
    Ok((
        violations,
        format!(
            "{} and {}",
            plural(branches, "protected branch"),
            plural(tags, "release tag")
        ),
    ))
}

pub fn plural(n: usize, word: &str) -> String {
    match (n, word.ends_with('h')) {
        (1, _) => format!("1 {word}"),
        (_, true) => format!("{n} {word}es"),
        _ => format!("{n} {word}s"),
    }
}
