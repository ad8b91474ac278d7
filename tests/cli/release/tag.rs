//! `git policy release tag [VERSION] [--pre|--final]`: the tag class chosen by the version's
//! kind, the version set first where the branch lacks it, the branch moved ahead of the tag in
//! the same update set, and a changelog section stubbed where the tag class needs one.

use super::{audit_clean, release, start, state, unchanged, with_version_branch};
use crate::harness::{accepted, failed, rejected};

/// seed 000: "Tag/release v0.N.0b1 ... Update the version in 0.N from 0.N.0b1 to 0.N.0b2":
/// one step tags the beta and moves the branch to the next beta, both pushed at once.
#[test]
fn beta_tag_moves_the_branch_to_the_next_beta() {
    let s = with_version_branch();
    let tagged = s.dev.rev("0.12");
    let run = release(&s.dev, &["tag", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(s.central.rev("v0.12.0b1^{commit}"), tagged);
    assert_eq!(s.central.git(&["cat-file", "-t", "v0.12.0b1"]), "tag");
    assert_eq!(s.central.rev("0.12"), s.dev.rev("0.12"));
    assert_eq!(s.central.rev("0.12^"), tagged);
    let file = s.dev.git(&["show", "0.12:tokio/__init__.py"]);
    assert!(file.contains("\"0.12.0b2\""), "{file}");
    assert_eq!(s.dev.git(&["status", "--porcelain"]), "");
    // The next beta, then the final release, follow from the tags.
    accepted(&release(&s.dev, &["tag", "--push"]));
    assert_eq!(s.central.rev("v0.12.0b2^{commit}"), s.central.rev("0.12^"));
    let run = release(&s.dev, &["tag", "--final", "--push"]);
    accepted(&run);
    insta::assert_snapshot!("final_after_betas", run.stdout);
    let file = s.central.git(&["show", "v0.12.0:tokio/__init__.py"]);
    assert!(file.contains("\"0.12.0\""), "{file}");
    let file = s.central.git(&["show", "0.12:tokio/__init__.py"]);
    assert!(file.contains("\"0.12.1b1\""), "{file}");
    audit_clean(&s.central);
}

/// A tag the server has already (another clone tagged the release) refuses the step with
/// the rule that protects it, and nothing is written.
#[test]
fn existing_tag_refuses_the_step() {
    let s = with_version_branch();
    let other = s.sandbox.clone_of(&s.central, "other");
    other.git(&["tag", "v0.12.0b1", "origin/0.12"]);
    accepted(&other.git_run(&["push", "-q", "origin", "v0.12.0b1"]));
    s.dev.git(&["fetch", "-q", "--tags", "origin"]);
    let before = state(&s.dev);
    let run = release(&s.dev, &["tag", "--push"]);
    rejected(&run, "tag/immutable");
    insta::assert_snapshot!(run.stdout);
    unchanged(&s.dev, &before, &run);
}

/// `--dry-run` writes no object either; it prints the commits and the tag it would make and writes nothing.
#[test]
fn dry_run_writes_nothing() {
    let s = with_version_branch();
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["tag", "--dry-run"]);
    accepted(&run);
    assert!(
        run.stdout.contains("tag v0.12.0b1 on `0.12`"),
        "{}",
        run.stdout
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// A dev version is no release: the hint names the ways to say which release to tag.
#[test]
fn dev_version_asks_which_release() {
    let s = crate::hooks::setup("pre-receive");
    let before = state(&s.dev);
    let run = release(&s.dev, &["tag"]);
    failed(
        &run,
        &[
            "`master` carries 0.13.0.dev1",
            "`git policy release tag --pre`, `--final`, or a version, e.g. `git policy release tag 0.13.0`",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

const DAGSTER_FILES: &[(&str, &str)] = &[
    (
        "python_modules/dagster/dagster/version.py",
        "__version__ = \"0.4.2\"\n",
    ),
    (
        "python_modules/dagit/dagit/version.py",
        "__version__ = \"0.4.2\"\n",
    ),
];

/// seed 003: "bin/publish.py release VERSION": `tag 0.4.3rc0` sets every package's
/// `version.py` (lockstep, by glob), commits, and tags the pre-release; the final follows.
#[test]
fn lockstep_versions_are_set_then_tagged() {
    let s = start("dagster", "master", DAGSTER_FILES);
    let run = release(&s.dev, &["tag", "0.4.3rc0", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    for (path, _) in DAGSTER_FILES {
        let file = s.central.git(&["show", &format!("0.4.3rc0:{path}")]);
        assert!(file.contains("\"0.4.3rc0\""), "{path}: {file}");
    }
    accepted(&release(&s.dev, &["tag", "--final", "--push"]));
    assert_eq!(s.central.rev("0.4.3^{commit}"), s.central.rev("master"));
    audit_clean(&s.central);
}

/// A version file that disagrees with the others (one package left behind) refuses the tag
/// of the version the branch carries, and nothing is written.
#[test]
fn disagreeing_version_file_refuses_the_tag() {
    let s = start("dagster", "master", DAGSTER_FILES);
    s.dev.change(
        "python_modules/dagster/dagster/version.py",
        "__version__ = \"0.4.3rc0\"\n",
        "dagster 0.4.3rc0",
    );
    let before = state(&s.dev);
    let run = release(&s.dev, &["tag", "--push"]);
    rejected(&run, "version/lockstep");
    unchanged(&s.dev, &before, &run);
}

const PYPISERVER_FILES: &[(&str, &str)] = &[
    (
        "pypiserver/__init__.py",
        "version = __version__ = \"1.2.2\"\n",
    ),
    (
        "CHANGES.rst",
        "Changelog\n=========\n\n1.2.2 (2023-01-01)\n------------------\n\n- a fix\n",
    ),
];

/// seed 002: the release's heading in CHANGES.rst comes first: without it, `tag 1.2.3`
/// writes an empty section dated today into the work tree's file, says what to fill in and
/// what to run, and writes nothing else (exit 2); filled in and committed, the same command
/// sets the version, tags it and pushes both.
#[test]
fn missing_changelog_heading_is_stubbed() {
    let s = start("pypiserver", "main", PYPISERVER_FILES);
    let refs = s.dev.git(&["for-each-ref"]);
    let head = s.dev.rev("HEAD");
    let run = release(&s.dev, &["tag", "1.2.3", "--push"]);
    failed(
        &run,
        &[
            "`CHANGES.rst` had no entry for 1.2.3: an empty section `1.2.3 (2023-11-14)` was added to it for you to fill in; nothing else was written",
            "hint: write the release notes under it, commit them (`git commit -m \"changelog: 1.2.3\" CHANGES.rst`), then run `git policy release tag 1.2.3 --push` again",
        ],
    );
    assert_eq!(s.dev.git(&["for-each-ref"]), refs);
    assert_eq!(s.dev.rev("HEAD"), head);
    assert_eq!(s.dev.git(&["status", "--porcelain"]), "M CHANGES.rst");
    let changes = std::fs::read_to_string(s.dev.path.join("CHANGES.rst")).expect("read");
    insta::assert_snapshot!(changes);
    let filled = changes.replace(
        "1.2.3 (2023-11-14)\n------------------\n",
        "1.2.3 (2023-11-14)\n------------------\n\n- a feature",
    );
    s.dev.write("CHANGES.rst", &filled);
    s.dev
        .git(&["commit", "-q", "-m", "changelog: 1.2.3", "CHANGES.rst"]);
    let run = release(&s.dev, &["tag", "1.2.3", "--push"]);
    accepted(&run);
    insta::assert_snapshot!("stubbed_then_tagged", run.stdout);
    assert_eq!(s.central.rev("v1.2.3^{commit}"), s.central.rev("main"));
    audit_clean(&s.central);
}

/// seed 001: release candidates are tagged on main while the package says the release
/// (`version-match = "release"`): `tag --pre` tags `v1.2.3rc1` without a commit, the next one
/// `v1.2.3rc2`.
#[test]
fn release_candidates_need_no_commit() {
    let files = [
        ("src/__init__.py", "__version__ = \"1.2.3\"\n"),
        (
            "CHANGELOG.md",
            "# Changelog\n\n## [1.2.3] - 2023-11-14\n\n- a feature\n",
        ),
    ];
    let s = start("github-rc", "main", &files);
    let main = s.dev.rev("main");
    let run = release(&s.dev, &["tag", "--pre", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    accepted(&release(&s.dev, &["tag", "--pre", "--push"]));
    assert_eq!(s.central.rev("v1.2.3rc1^{commit}"), main);
    assert_eq!(s.central.rev("v1.2.3rc2^{commit}"), main);
    assert_eq!(s.central.rev("main"), main, "main did not move");
    accepted(&release(&s.dev, &["tag", "--final", "--push"]));
    assert_eq!(s.central.rev("v1.2.3^{commit}"), main);
    audit_clean(&s.central);
}

/// A calendar policy: `trunk` at a dev version, final releases `YY.N.patch` tagged on it.
const CALENDAR_POLICY: &str = r#"
[version]
files = ["VERSION"]

[branches.trunk]
accepts = "any"
version = { kinds = ["final", "dev"] }

[tags.release]
pattern = "project-{version}"
kinds = ["final"]
on = ["trunk"]
calendar = "YY.N.patch"
immutable = true
"#;

/// A dated tag class releases the next calendar version from a dev version: `YY` the year
/// the tag is made (the sandbox's clock says 2023), `N` one above that year's last release.
#[test]
fn final_of_a_calendar_class_is_the_next_release_of_the_year() {
    let files = [
        (".git-policy.toml", CALENDAR_POLICY),
        ("VERSION", "22.4.0.dev0\n"),
    ];
    let s = super::start_with(None, "trunk", &files);
    let run = release(&s.dev, &["tag", "--final", "--push"]);
    accepted(&run);
    insta::assert_snapshot!(run.stdout);
    assert_eq!(s.central.git(&["show", "project-23.0.0:VERSION"]), "23.0.0");
    accepted(&release(&s.dev, &["bump", "23.1.0.dev0", "--push"]));
    accepted(&release(&s.dev, &["tag", "--final", "--push"]));
    assert_eq!(
        s.central.rev("project-23.1.0^{commit}"),
        s.central.rev("trunk")
    );
    audit_clean(&s.central);
}

const TWISTED_NEWS: &str = "Ticket numbers in this file can be looked up by visiting\nhttps://github.com/twisted/twisted/issues/<number>\n\n.. towncrier release notes start\n\nTwisted 22.10.0 (2022-10-30)\n============================\n\nNo significant changes.\n";

/// seed 004: on a release branch, each tag first gets its NEWS section (stubbed under the
/// last release's, underlined alike), then `Version("Twisted", ...)` is set in every
/// `_version.py` and tagged: the candidate `twisted-23.0.0rc1`, then the final `twisted-23.0.0`.
#[test]
fn twisted_candidate_then_final_with_news_sections() {
    let version = "from incremental import Version\n\n__version__ = Version(\"Twisted\", 22, 10, 0)\n__all__ = [\"__version__\"]\n";
    let files = [("src/twisted/_version.py", version), ("NEWS", TWISTED_NEWS)];
    let s = start("twisted", "trunk", &files);
    s.dev
        .git(&["checkout", "-q", "-b", "releases/release-4290"]);
    accepted(&release(&s.dev, &["bump", "23.0.0rc1", "--push"]));
    let file = s
        .central
        .git(&["show", "releases/release-4290:src/twisted/_version.py"]);
    assert!(
        file.contains("Version(\"Twisted\", 23, 0, 0, release_candidate=1)"),
        "{file}"
    );
    for (args, heading) in [
        (&["tag"][..], "Twisted 23.0.0rc1 (2023-11-14)"),
        (&["tag", "--final"][..], "Twisted 23.0.0 (2023-11-14)"),
    ] {
        let mut args = args.to_vec();
        args.push("--push");
        let run = release(&s.dev, &args);
        failed(&run, &[&format!("an empty section `{heading}` was added")]);
        let news = std::fs::read_to_string(s.dev.path.join("NEWS")).expect("read NEWS");
        let underline = "=".repeat(heading.len());
        assert!(
            news.contains(&format!("start\n\n{heading}\n{underline}\n")),
            "{news}"
        );
        s.dev.git(&["commit", "-q", "-m", "news", "NEWS"]);
        accepted(&release(&s.dev, &args));
    }
    let file = s
        .central
        .git(&["show", "twisted-23.0.0:src/twisted/_version.py"]);
    assert!(file.contains("Version(\"Twisted\", 23, 0, 0)"), "{file}");
    assert_eq!(
        s.central.rev("twisted-23.0.0rc1^{commit}"),
        s.central.rev("twisted-23.0.0^{commit}^^")
    );
    audit_clean(&s.central);
}

/// A version no tag class releases from the branch (a pre-release on `rc`, where only
/// version branches are tagged) is a usage error that points at `explain`; nothing is written.
#[test]
fn version_no_tag_class_releases_is_refused() {
    let s = crate::hooks::setup("pre-receive");
    let before = state(&s.dev);
    let run = release(&s.dev, &["tag", "--branch", "rc", "0.12.0b1"]);
    failed(
        &run,
        &[
            "no tag class of the policy releases 0.12.0b1 from `rc`",
            "`git policy explain` shows which versions each tag class releases",
        ],
    );
    unchanged(&s.dev, &before, &run);
}

/// Bug: on a detached `HEAD` the hint was a bare `--branch <branch>`; it is now the whole
/// command, naming the branch `HEAD` is at, and followed literally, it works.
#[test]
fn detached_head_hint_names_the_branch_it_is_at() {
    let s = with_version_branch();
    s.dev.git(&["checkout", "-q", "--detach", "0.12"]);
    let before = state(&s.dev);
    let run = release(&s.dev, &["tag", "--dry-run"]);
    failed(
        &run,
        &[
            "no branch is checked out (`HEAD` is detached)",
            "hint: name the branch, e.g. the one `HEAD` is at: `git policy release tag --dry-run --branch 0.12`",
        ],
    );
    unchanged(&s.dev, &before, &run);
    accepted(&release(&s.dev, &["tag", "--dry-run", "--branch", "0.12"]));
}

/// Bug: `tag --dry-run` wrote the missing changelog heading into the work tree's file; a dry
/// run now only says what the step would add, and writes nothing at all.
#[test]
fn dry_run_does_not_stub_the_changelog() {
    let s = start("pypiserver", "main", PYPISERVER_FILES);
    let before = state(&s.dev);
    let stored = super::objects(&s.dev);
    let run = release(&s.dev, &["tag", "1.2.3", "--dry-run"]);
    failed(
        &run,
        &[
            "`CHANGES.rst` has no entry for 1.2.3: the step would add an empty section `1.2.3 (2023-11-14)` for you to fill in, and stop; nothing was written",
            "hint: to add it, run `git policy release tag 1.2.3`",
        ],
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(super::objects(&s.dev), stored, "no object was written");
}

/// Bug: the changelog stub followed a symbolic link committed in the changelog's path, and
/// wrote its heading into a file outside the repository; it now writes nothing through one.
#[test]
fn changelog_stub_writes_nothing_through_a_symbolic_link() {
    let policy = include_str!("../../../policy/pypiserver.toml")
        .replace("file = \"CHANGES.rst\"", "file = \"docs/CHANGES.rst\"");
    let files = [
        (".git-policy.toml", policy.as_str()),
        (
            "pypiserver/__init__.py",
            "version = __version__ = \"1.2.2\"\n",
        ),
    ];
    let s = super::start_with(None, "main", &files);
    let outside = s.sandbox.path().join("outside");
    std::fs::create_dir_all(&outside).expect("create the outside directory");
    std::fs::write(outside.join("CHANGES.rst"), "not the repository's\n").expect("write");
    std::os::unix::fs::symlink(&outside, s.dev.path.join("docs")).expect("link docs");
    s.dev.git(&["add", "docs"]);
    s.dev.commit("docs is a link");
    let before = state(&s.dev);
    let run = release(&s.dev, &["tag", "1.2.3"]);
    failed(
        &run,
        &["`docs` in the work tree is a symbolic link, which git-policy writes nothing through"],
    );
    unchanged(&s.dev, &before, &run);
    assert_eq!(
        std::fs::read_to_string(outside.join("CHANGES.rst")).expect("read"),
        "not the repository's\n"
    );
}

/// Bug: a branch without a version file was told to `git policy release bump 0.1.0`, which
/// cannot make one and was refused in turn; the hint now says to commit the file first.
#[test]
fn no_version_file_says_to_commit_one() {
    let s = start("pytokio", "master", &[("README", "no version here\n")]);
    let before = state(&s.dev);
    let run = release(&s.dev, &["tag", "0.1.0"]);
    failed(
        &run,
        &[
            "`master` has no version file, so there is no version to tag",
            "hint: commit a version file first (`tokio/__init__.py`)",
        ],
    );
    assert!(!run.stderr.contains("release bump"), "{}", run.stderr);
    unchanged(&s.dev, &before, &run);
}

/// Bug: on a branch developing a later release of this year (`23.2.0.dev0`, with no release
/// tagged yet), `tag --final` proposed the year's first (`23.0.0`), which goes back and is
/// refused; it now tags the release the branch develops.
#[test]
fn final_of_a_calendar_class_is_not_below_the_release_developed() {
    let files = [
        (".git-policy.toml", CALENDAR_POLICY),
        ("VERSION", "23.2.0.dev0\n"),
    ];
    let s = super::start_with(None, "trunk", &files);
    let run = release(&s.dev, &["tag", "--final", "--push"]);
    accepted(&run);
    assert_eq!(s.central.git(&["show", "project-23.2.0:VERSION"]), "23.2.0");
    audit_clean(&s.central);
}
