//! seed 002, pypiserver: a release-candidate pull request sets the changelog's heading, then
//! the `rt.yml` workflow bumps the version, commits it and pushes the tag `vX.Y.Z` on main.

use super::{Served, served_by};

const FILES: &[(&str, &str)] = &[
    (
        "pypiserver/__init__.py",
        "\"\"\"pypiserver\"\"\"\nversion = __version__ = \"2.1.0\"\n",
    ),
    (
        "CHANGES.rst",
        "Changelog\n=========\n\n2.1.0 (2023-10-01)\n------------------\n\n- an older change\n",
    ),
];

/// The CHANGES.rst of the release-candidate pull request: the notes, the version, the date.
fn changes(version: &str, date: &str, notes: &str, older: &str) -> String {
    let heading = format!("{version} ({date})");
    let line = "-".repeat(heading.len());
    format!("Changelog\n=========\n\n{heading}\n{line}\n\n{notes}\n\n{older}")
}

/// The rc pull request of one release: a branch with the release notes under the release's
/// heading, merged into main.
fn release_candidate(s: &Served, version: &str, notes: &str) {
    let older = std::fs::read_to_string(s.dev.path.join("CHANGES.rst")).expect("read");
    let older = older
        .trim_start_matches("Changelog\n=========\n\n")
        .to_owned();
    // "The workflow automatically prepares a list of changes for the CHANGES.rst and creates
    // a new Pull Request (rc PR) named chore(auto-release-candidate-YYY-MM-DD)"
    let branch = "chore/auto-release-candidate-2023-11-14";
    s.dev.git(&["checkout", "-q", "-b", branch, "main"]);
    // "In the created rc PR, open the CHANGES.rst and: adjust the suggested changelog items,
    // choose & set the next released version, set the right release date. Commit the changes
    // and push them to the head branch of the rc PR."
    s.work(
        branch,
        "CHANGES.rst",
        &changes(version, "2023-11-14", notes, &older),
        &format!("chore: release notes of {version}"),
    );
    // "Once everything is looking good, approve and merge the rc PR. It will create the new
    // commit with the updated CHANGES.rst on the default branch."
    s.dev.git(&["checkout", "-q", "main"]);
    super::ok(&s.dev.git_run(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        &format!("Merge pull request: chore(auto-release-candidate-2023-11-14) {version}"),
        branch,
    ]));
    super::ok(&s.dev.git_run(&["push", "-q", "origin", "main"]));
    s.dev.git(&["branch", "-q", "-D", branch]);
    super::ok(&s.dev.git_run(&["push", "-q", "origin", "--delete", branch]));
}

/// seed 002 end to end: two releases, each an rc pull request with its release notes, then
/// `git policy release tag X.Y.Z --push` in place of the `rt.yml` workflow.
#[test]
fn pypiserver_release_procedure() {
    procedure("pre-receive");
}

/// [`pypiserver_release_procedure`] against a server whose `update` hook judges each ref alone: a step of
/// several refs it refuses as one push is pushed one ref at a time, and none is refused.
#[test]
fn pypiserver_release_procedure_under_the_update_hook() {
    procedure("update");
}

fn procedure(hook: &str) {
    let s = served_by(hook, "pypiserver", "main", FILES, |_| {});
    s.feature("main", "feature-a");
    release_candidate(&s, "2.1.1", "- feature a");
    // "to create a release tag, manually run the rt.yml GH Workflow. First, it executes all
    // the bumpver procedures. Next, it commits and pushes the new version tag to the default
    // branch."
    s.release(&["tag", "2.1.1", "--push"]);
    assert!(
        s.on_server("v2.1.1", "pypiserver/__init__.py")
            .contains("version = __version__ = \"2.1.1\"")
    );
    assert_eq!(s.bare.rev("v2.1.1^{commit}"), s.bare.rev("main"));

    s.feature("main", "feature-b");
    // "A new release candidate can be initiated manually or on a monthly schedule."
    release_candidate(&s, "2.2.0", "- feature b");
    // "Next, to create a release tag, manually run the rt.yml GH Workflow."
    s.release(&["tag", "2.2.0", "--push"]);

    assert_eq!(
        s.server_refs(),
        ["refs/heads/main", "refs/tags/v2.1.1", "refs/tags/v2.2.0"]
    );
    assert_eq!(s.bare.rev("v2.2.0^{commit}"), s.bare.rev("main"));
    assert_eq!(s.dev.rev("main"), s.bare.rev("main"));
    s.audit();
    s.readme_shows("pypiserver");
}
