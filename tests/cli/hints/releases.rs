//! Release processes with many version files and release rules (Dagster's lockstep packages
//! and pre-releases, pypiserver's and Twisted's changelogs, Twisted's calendar versions): the
//! hints name every file to change and the tag to make.

use super::{follow, words};
use crate::harness::{Run, Sandbox, TestRepo, accepted, refused, serve};

/// Dagster's packages, each with its own `version.py`.
pub(super) const PACKAGES: &[&str] = &[
    "python_modules/dagster/dagster/version.py",
    "python_modules/dagit/dagit/version.py",
    "python_modules/libraries/dagster-aws/dagster_aws/version.py",
];

/// A project on `branch` with `files`, its policy `preset` (`git policy init`), served with
/// `hook`, and a developer's clone with the client hooks.
pub(super) fn project(
    preset: &str,
    hook: &str,
    branch: &str,
    files: &[(&str, String)],
) -> (TestRepo, TestRepo) {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.git(&["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")]);
    for (path, text) in files {
        work.write(path, text);
    }
    accepted(&work.policy(&["init", "--preset", preset]));
    work.commit("Initial import, with the release policy");
    let central = serve(&work, hook);
    let dev = sandbox.clone_of(&central, "dev");
    accepted(&dev.policy(&["install"]));
    (central, dev)
}

/// A Dagster project at `version`, every package in step.
pub(super) fn dagster(hook: &str, version: &str) -> (TestRepo, TestRepo) {
    let files: Vec<(&str, String)> = PACKAGES
        .iter()
        .map(|path| (*path, dagster_py(version)))
        .collect();
    project("dagster", hook, "master", &files)
}

fn dagster_py(version: &str) -> String {
    format!("__version__ = '{version}'\n")
}

/// Every package set to `version` (staged, not committed).
fn set_all(dev: &TestRepo, version: &str) {
    for package in PACKAGES {
        dev.write(package, &dagster_py(version));
    }
    dev.git(&["add", "-A"]);
}

/// The three ways a push is judged, as (server hook, push arguments before the refs).
const PUSHES: [(&str, &[&str]); 3] = [
    ("pre-receive", &["push", "origin"]),
    ("pre-receive", &["push", "--no-verify", "origin"]),
    ("update", &["push", "--no-verify", "origin"]),
];

/// `push` with `more` after it.
fn run(dev: &TestRepo, push: &[&str], more: &[&str]) -> Run {
    let args: Vec<&str> = push.iter().chain(more).copied().collect();
    dev.git_run(&args)
}

/// One package bumped alone, at commit: the words say to set the version in every file; done,
/// the commit is accepted and pushed.
#[test]
fn lockstep_at_commit_is_fixed_by_its_hint() {
    let (_central, dev) = dagster("pre-receive", "0.4.2");
    dev.write(PACKAGES[0], &dagster_py("0.4.3.pre0"));
    dev.git(&["add", "-A"]);
    let commit = ["commit", "-m", "Bump dagster"];
    let mistake = dev.git_run(&commit);
    refused(&mistake, "version/lockstep");
    words(
        &mistake,
        "version/lockstep",
        "set the same version in every version file",
    );
    set_all(&dev, "0.4.3.pre0");
    accepted(&dev.git_run(&commit));
    accepted(&dev.git_run(&["push", "origin", "master"]));
}

/// One package bumped alone and pushed: the words say to set the version in every file; a
/// commit that does lands.
#[test]
fn lockstep_at_push_is_fixed_by_its_hint() {
    for (hook, push) in PUSHES {
        let (_central, dev) = dagster(hook, "0.4.2");
        dev.change(PACKAGES[0], &dagster_py("0.4.3.pre0"), "Bump dagster");
        let mistake = run(&dev, push, &["master"]);
        refused(&mistake, "version/lockstep");
        words(
            &mistake,
            "version/lockstep",
            "set the same version in every version file",
        );
        set_all(&dev, "0.4.3.pre0");
        dev.commit("Bump every package");
        accepted(&run(&dev, push, &["master"]));
    }
}

/// Every package set back a version and pushed: the words name the lowest version and every
/// file to set it in (they named the first file only, and setting it alone breaks lockstep); a
/// commit that does lands.
#[test]
fn monotonic_hint_named_one_of_the_lockstep_files() {
    for (hook, push) in PUSHES {
        let (_central, dev) = dagster(hook, "0.4.2");
        set_all(&dev, "0.4.1");
        dev.commit("Go back");
        let mistake = run(&dev, push, &["master"]);
        refused(&mistake, "version/monotonic");
        if hook == PUSHES[0].0 && push == PUSHES[0].1 {
            insta::assert_snapshot!("monotonic_at_pre_push", super::snapshots::said(&mistake));
        }
        words(
            &mistake,
            "version/monotonic",
            "set 0.4.2 or higher in `python_modules/dagit/dagit/version.py` and the 2 other version files",
        );
        set_all(&dev, "0.4.2");
        dev.commit("Forward again");
        accepted(&run(&dev, push, &["master"]));
    }
}

/// A final release tagged where the commit before it carries the pre-release, untagged: the
/// hint tags that commit and pushes the tag (it said to tag "this commit or an earlier one",
/// and this commit carries the final version, which no pre-release tag may name); the release
/// tag then lands.
#[test]
fn pre_release_hinted_tagging_the_release_commit() {
    for (hook, push) in PUSHES {
        let (_central, dev) = dagster(hook, "0.4.2");
        set_all(&dev, "0.4.3.pre0");
        dev.commit("0.4.3.pre0");
        set_all(&dev, "0.4.3");
        dev.commit("0.4.3");
        dev.git(&["tag", "-a", "-m", "0.4.3", "0.4.3"]);
        accepted(&run(&dev, push, &["master"]));
        let mistake = run(&dev, push, &["0.4.3"]);
        refused(&mistake, "tag/pre-release");
        if hook == PUSHES[0].0 && push == PUSHES[0].1 {
            insta::assert_snapshot!("pre_release_at_pre_push", super::snapshots::said(&mistake));
        }
        let hint = follow(&dev, &mistake, "tag/pre-release");
        assert!(hint.contains("`git tag 0.4.3.pre0 "), "{hint}");
        accepted(&run(&dev, push, &["0.4.3"]));
    }
}

/// A final release tagged where no commit carries its pre-release: the hint drops the tag, the
/// words say to release the next version with a pre-release first, which lands.
#[test]
fn pre_release_with_no_candidate_is_fixed_by_its_hint() {
    for (hook, push) in PUSHES {
        let (_central, dev) = dagster(hook, "0.4.2");
        set_all(&dev, "0.4.3");
        dev.commit("0.4.3");
        dev.git(&["tag", "-a", "-m", "0.4.3", "0.4.3"]);
        accepted(&run(&dev, push, &["master"]));
        let mistake = run(&dev, push, &["0.4.3"]);
        refused(&mistake, "tag/pre-release");
        words(
            &mistake,
            "tag/pre-release",
            "release the next version with a pre-release first (e.g. `0.4.4rc0`)",
        );
        follow(&dev, &mistake, "tag/pre-release");
        for version in ["0.4.4rc0", "0.4.4"] {
            set_all(&dev, version);
            dev.commit(version);
            dev.git(&["tag", "-a", "-m", version, version]);
            accepted(&run(&dev, push, &["master"]));
            accepted(&run(&dev, push, &[version]));
        }
    }
}

/// A github-rc production tag on a commit whose CHANGELOG.md has no entry for it: the hint
/// drops the tag (it said "tag the commit that has it", and `git tag` refuses a name that
/// exists); with the entry committed and the tag made again, both land.
#[test]
fn changelog_hint_left_the_refused_tag_in_the_way() {
    for (hook, push) in PUSHES {
        let (_central, dev) = super::tags::github_rc(hook, "1.2.0");
        dev.git(&["tag", "v1.2.0"]);
        let mistake = run(&dev, push, &["v1.2.0"]);
        refused(&mistake, "changelog/entry");
        words(
            &mistake,
            "changelog/entry",
            "add the 1.2.0 entry to `CHANGELOG.md`, commit it, and tag that commit `v1.2.0`",
        );
        follow(&dev, &mistake, "changelog/entry");
        dev.change(
            "CHANGELOG.md",
            "# Changelog\n\n## [1.2.0] - 2023-11-14\n\n- Faster\n",
            "Changelog for 1.2.0",
        );
        dev.git(&["tag", "v1.2.0"]);
        accepted(&run(&dev, push, &["main", "v1.2.0"]));
    }
}

/// A Twisted project on trunk at 22.1.0, its NEWS with that release.
fn twisted(hook: &str) -> (TestRepo, TestRepo) {
    use crate::presets::{news, twisted_py};
    project(
        "twisted",
        hook,
        "trunk",
        &[
            (
                "src/twisted/_version.py",
                twisted_py("Twisted", (22, 1, 0), None),
            ),
            (
                "src/twisted/conch/_version.py",
                twisted_py("Twisted.conch", (22, 1, 0), None),
            ),
            ("NEWS", news(&[("22.1.0", "2022-06-01")])),
        ],
    )
}

/// Sets every Twisted version file and NEWS to release `version` today, and commits.
fn twisted_release(dev: &TestRepo, version: (u32, u32, u32)) {
    let (major, minor, micro) = version;
    crate::presets::change_versions(dev, version, None);
    let text = format!("{major}.{minor}.{micro}");
    dev.write(
        "NEWS",
        &crate::presets::news(&[(&text, "2023-11-14"), ("22.1.0", "2022-06-01")]),
    );
    dev.commit(&format!("Release {text}"));
}

/// A release tagged with next year's number (the sandbox's clock says 2023), pushed with its
/// branch: the words say to set the version files and NEWS to this year's number, and the hint
/// drops the tag; tagged again as the words say, the release lands.
#[test]
fn calendar_at_push_is_fixed_by_its_hint() {
    for (hook, push) in &PUSHES[..2] {
        let (_central, dev) = twisted(hook);
        twisted_release(&dev, (24, 1, 0));
        dev.git(&["tag", "twisted-24.1.0"]);
        let mistake = run(&dev, push, &["trunk", "twisted-24.1.0"]);
        refused(&mistake, "tag/calendar");
        words(
            &mistake,
            "tag/calendar",
            "set the version files (and the changelog's heading) to 23.1.0",
        );
        follow(&dev, &mistake, "tag/calendar");
        twisted_release(&dev, (23, 1, 0));
        dev.git(&["tag", "twisted-23.1.0"]);
        accepted(&run(&dev, push, &["trunk", "twisted-23.1.0"]));
    }
}

/// Under the `update` hook trunk lands at next year's number without its tag, and trunk's
/// version never goes back: the words' "on the release branch" is the way, a release branch
/// cut from trunk set to this year's number, tagged, lands.
#[test]
fn calendar_at_update_is_fixed_by_its_hint() {
    let (hook, push) = PUSHES[2];
    let (_central, dev) = twisted(hook);
    twisted_release(&dev, (24, 1, 0));
    dev.git(&["tag", "twisted-24.1.0"]);
    let mistake = run(&dev, push, &["trunk", "twisted-24.1.0"]);
    refused(&mistake, "tag/calendar");
    words(
        &mistake,
        "tag/calendar",
        "set the version files (and the changelog's heading) to 23.1.0 on the release branch",
    );
    follow(&dev, &mistake, "tag/calendar");
    dev.git(&["checkout", "-q", "-b", "releases/release-1", "trunk"]);
    twisted_release(&dev, (23, 1, 0));
    dev.git(&["tag", "twisted-23.1.0"]);
    accepted(&run(&dev, push, &["releases/release-1", "twisted-23.1.0"]));
}
