//! `git policy release tag [VERSION] [--pre|--final]`: set VERSION where the branch does not
//! carry it yet (a commit), tag it with the tag class that releases its kind from the branch,
//! then move the branch ahead of the tag where its rules ask (`0.13.0b2` after `v0.13.0b1`).
//! A changelog that lacks the heading the tag class needs gets an empty section to fill in.

use pep440_rs::Version;

use crate::cli::TagArgs;
use crate::policy::TagClass;
use crate::release::{Move, ReleaseError, Session, Step, changelog, flow, next};
use crate::rules::{Id, RepoView};
use crate::version::{Kind, PreLetter};

pub fn compute(session: &Session, args: &TagArgs) -> Result<Step, ReleaseError> {
    let policy = &session.policy;
    let branch = session.branch_or_head(args.branch.as_deref())?;
    let tip = session.branch_tip(&branch)?;
    let class = policy.class_of(&branch);
    let Some((carried, path)) = session.version_at(tip)? else {
        return Err(ReleaseError::usage(
            format!("`{branch}` has no version file, so there is no version to tag"),
            session.no_version_file_hint(),
        ));
    };
    let existing: Vec<Version> = session
        .release_tags()
        .into_iter()
        .map(|t| t.version)
        .collect();
    let wanted = match &args.version {
        Some(text) => Session::parse_version(text)?,
        None if args.pre => pre_of(session, &carried, class, &existing),
        None if args.final_ => final_of(session, &carried, class, &existing),
        None if Kind::of(&carried) == Kind::Dev => {
            return Err(ReleaseError::usage(
                format!(
                    "`{branch}` carries {} (`{path}`), a dev version no release is tagged with",
                    shown(session, tip, &carried)
                ),
                format!(
                    "say which release to tag: `git policy release tag --pre`, `--final`, or a version, e.g. `git policy release tag {}`",
                    carried.only_release()
                ),
            ));
        }
        None => carried.clone(),
    };
    let Some(tag_class) = flow::tag_class_for(policy, &wanted, class) else {
        return Err(ReleaseError::usage(
            format!("no tag class of the policy releases {wanted} from `{branch}`"),
            "`git policy explain` shows which versions each tag class releases, and from which branches",
        ));
    };
    let tag_class = &policy.tags[tag_class];
    let tag = tag_class.template.replace("{version}", &wanted.to_string());
    if let Some(log) = &tag_class.changelog {
        let dry_run = args.common.dry_run;
        changelog_ready(
            session,
            (&branch, tip),
            (&log.path, &log.heading),
            &wanted,
            dry_run,
        )?;
    }
    let mut step = Step::new("tag");
    let mut done = Vec::new();
    // The version the branch must carry for the tag: the release part where the tag class
    // compares only that (`1.2.3` for `v1.2.3rc1`).
    let (needed, matches) = if tag_class.release_only {
        let needed = wanted.only_release();
        let matches = carried.only_release() == needed;
        (needed, matches)
    } else {
        (wanted.clone(), carried == wanted)
    };
    let mut tagged = tip;
    if !matches {
        let message = format!("release: set version {needed}");
        tagged = session.commit_version(tip, &needed, &message)?;
        done.push(format!(
            "set version {needed} (was {})",
            session.as_written(tip, &carried)
        ));
    }
    let object = session
        .git
        .tag_object(&tag, tagged, &format!("release {wanted}\n"))?;
    let mut new_tip = tagged;
    let rules = class.and_then(|c| policy.branches[c].version.as_ref());
    if let Some(rules) = rules.filter(|r| r.ahead_of_tags) {
        let letter = PreLetter::of(&wanted)
            .unwrap_or_else(|| pre_letter(session, Some(tag_class), class, &existing));
        let after = next::after_tag(&wanted, rules.kinds.as_deref(), letter);
        let message = format!("release: {after} after {tag}");
        new_tip = session.commit_version(tagged, &after, &message)?;
        done.push(format!("{after} after `{tag}`"));
    }
    // The branch goes with the tag where it moves, and where the remote lacks commits of it
    // the tag needs: a tag is judged on the branches that hold its commit.
    let pushed = session.before.get(&format!("refs/heads/{branch}")).copied();
    if new_tip != tip || pushed != Some(tip) {
        if done.is_empty() {
            done.push(format!("with its commits `{}` lacks", session.remote));
        }
        step.moves.push(Move::branch(
            &branch,
            Some(tip),
            new_tip,
            done.join(", then "),
        ));
    }
    step.moves.push(Move::tag(
        &tag,
        object,
        format!("on {} ({wanted})", tagged_name(&branch, tagged, tip)),
    ));
    Ok(step)
}

/// The first part of `path` (`docs`, `docs/NEWS`) that is a symbolic link in the work tree.
fn linked_component(session: &Session, path: &str) -> Option<String> {
    let dir = session.git.workdir()?;
    let mut at = String::new();
    for part in path.split('/') {
        if !at.is_empty() {
            at.push('/');
        }
        at.push_str(part);
        let meta = std::fs::symlink_metadata(dir.join(&at)).ok()?;
        if meta.file_type().is_symlink() {
            return Some(at);
        }
    }
    None
}

/// The version at `tip` as its file writes it, `carried` where it cannot be read again.
fn shown(session: &Session, tip: Id, carried: &Version) -> String {
    session.shown_at(tip).unwrap_or_else(|| carried.to_string())
}

/// `rc` when the tag is on the branch's tip as it was, else the new commit's short id.
fn tagged_name(branch: &str, tagged: Id, tip: Id) -> String {
    if tagged == tip {
        format!("`{branch}`")
    } else {
        format!("`{branch}` at {}", tagged.short())
    }
}

/// The pre-release `--pre` tags: the version the branch carries when it is one not tagged
/// yet, else the next pre-release of its release (counted among the tags).
fn pre_of(
    session: &Session,
    carried: &Version,
    class: Option<usize>,
    existing: &[Version],
) -> Version {
    // A pre-release the branch carries is the one to tag, unless it is tagged already (a
    // branch that does not move ahead of its tags): then the next one.
    if Kind::of(carried) == Kind::Pre && !existing.contains(carried) {
        return carried.clone();
    }
    let classes = flow::tag_classes_of_kind(&session.policy, Kind::Pre, class);
    let tag_class = classes.first().map(|&c| &session.policy.tags[c]);
    let letter = pre_letter(session, tag_class, class, existing);
    next::next_pre(carried, letter, existing)
}

/// The final release `--final` tags: the release part of the version the branch carries, or
/// the next calendar release where the tag class is dated and the branch is at a dev version
/// (the release it develops where that is later).
fn final_of(
    session: &Session,
    carried: &Version,
    class: Option<usize>,
    existing: &[Version],
) -> Version {
    let classes = flow::tag_classes_of_kind(&session.policy, Kind::Final, class);
    let calendar = classes
        .iter()
        .find_map(|&c| session.policy.tags[c].calendar.as_ref());
    match calendar {
        Some(calendar) if Kind::of(carried) == Kind::Dev => {
            next::calendar(calendar, session.today, existing, Some(carried))
        }
        _ => carried.only_release(),
    }
}

/// The letter of a new pre-release: the one the tag class (else the branch) allows first,
/// else the letter of the newest pre-release tagged, else `rc`.
fn pre_letter(
    session: &Session,
    tag_class: Option<&TagClass>,
    class: Option<usize>,
    existing: &[Version],
) -> PreLetter {
    let branch_letters = class
        .and_then(|c| session.policy.branches[c].version.as_ref())
        .and_then(|r| r.pre.as_ref());
    tag_class
        .and_then(|t| t.pre.as_ref())
        .or(branch_letters)
        .and_then(|letters| letters.first().copied())
        .or_else(|| {
            existing
                .iter()
                .filter(|v| v.is_pre())
                .max()
                .and_then(PreLetter::of)
        })
        .unwrap_or(PreLetter::Rc)
}

/// Refuses the tag when the changelog at `tip` lacks the heading the tag class needs. Where
/// `branch` is checked out, an empty section with the heading is written into the work tree's
/// file for the user to fill in; nothing else is written. A dry run writes nothing at all and
/// says what the step would add.
fn changelog_ready(
    session: &Session,
    (branch, tip): (&str, Id),
    (path, heading): (&str, &str),
    version: &Version,
    dry_run: bool,
) -> Result<(), ReleaseError> {
    let spelled = version.to_string();
    let committed = session.git.read_file(tip, path)?.unwrap_or_default();
    if changelog::has_entry(
        heading,
        &String::from_utf8_lossy(&committed),
        version,
        &spelled,
    ) {
        return Ok(());
    }
    let commit_it = format!("`git commit -m \"changelog: {version}\" {path}`");
    // The hints name the step itself: a dry run adds no heading.
    let again = format!("`{}`", session.command.replace(" --dry-run", ""));
    let line = changelog::render(heading, version, session.today);
    let checked_out = session.head.as_deref() == Some(branch);
    let file = session.git.workdir().map(|dir| dir.join(path));
    let (Some(file), true) = (file, checked_out) else {
        return Err(ReleaseError::usage(
            format!(
                "`{path}` on `{branch}` has no entry for {version} (a heading like `{}`)",
                line.as_deref().unwrap_or(heading)
            ),
            format!(
                "check out `{branch}` (`git switch {branch}`) and run {again} again: it adds the heading for you to fill in"
            ),
        ));
    };
    // git writes no file through a symbolic link; neither does the stub (a link committed in
    // the path would send it outside the repository).
    if let Some(link) = linked_component(session, path) {
        return Err(ReleaseError::usage(
            format!(
                "`{path}` on `{branch}` has no entry for {version}, and `{link}` in the work tree is a symbolic link, which git-policy writes nothing through"
            ),
            format!(
                "add the heading `{}` by hand, commit it ({commit_it}), then run {again} again",
                line.as_deref().unwrap_or(heading)
            ),
        ));
    }
    let on_disk = std::fs::read(&file).unwrap_or_default();
    let on_disk = String::from_utf8_lossy(&on_disk);
    if changelog::has_entry(heading, &on_disk, version, &spelled) {
        return Err(ReleaseError::usage(
            format!(
                "`{path}` has the entry for {version} in the work tree, but not committed on `{branch}`"
            ),
            format!("commit it, {commit_it}, then run {again} again"),
        ));
    }
    let Some(line) = line else {
        return Err(ReleaseError::usage(
            format!(
                "`{path}` has no entry for {version}, and git-policy cannot write a heading that `{heading}` matches"
            ),
            format!("add the heading by hand, commit it ({commit_it}), then run {again} again"),
        ));
    };
    if dry_run {
        return Err(ReleaseError::usage(
            format!(
                "`{path}` has no entry for {version}: the step would add an empty section `{line}` for you to fill in, and stop; nothing was written"
            ),
            format!("to add it, run {again}"),
        ));
    }
    let text = changelog::insert(&on_disk, heading, &line);
    std::fs::write(&file, text).map_err(|err| {
        ReleaseError::usage(
            format!("cannot write `{path}`: {err}"),
            format!(
                "add the heading `{line}` by hand, commit it ({commit_it}), then run {again} again"
            ),
        )
    })?;
    Err(ReleaseError::usage(
        format!(
            "`{path}` had no entry for {version}: an empty section `{line}` was added to it for you to fill in; nothing else was written"
        ),
        format!(
            "write the release notes under it, commit them ({commit_it}), then run {again} again"
        ),
    ))
}
