//! Steps beside the seeds' main paths that running the procedures brought up.

use super::{ok, served};

const TWISTED: &[(&str, &str)] = &[
    (
        "src/twisted/_version.py",
        "from incremental import Version\n\n__version__ = Version(\"Twisted\", 23, 10, 0)\n",
    ),
    (
        "NEWS",
        "Twisted 23.11.0rc2 (2023-11-14)\n===============================\n\n- b\n\n\
         Twisted 23.11.0rc1 (2023-11-14)\n===============================\n\n- a\n",
    ),
];

/// seed 004, "Release N prereleases": on a release branch whose pre-release is tagged
/// already, `tag --pre` sets the next one (`23.11.0rc2`) and tags it, instead of tagging the
/// tagged version again.
#[test]
fn pre_after_a_tagged_pre_release_is_the_next_one() {
    let s = served("twisted", "trunk", TWISTED, |_| {});
    let branch = "releases/release-4290";
    s.release(&["branch", branch, "--push"]);
    s.release(&["tag", "--branch", branch, "--push"]);
    let run = s.release(&["tag", "--pre", "--branch", branch, "--push"]);
    assert!(
        run.stdout.contains("tag twisted-23.11.0rc2"),
        "{}",
        run.stdout
    );
    let file = s.on_server("twisted-23.11.0rc2", "src/twisted/_version.py");
    assert!(file.contains("23, 11, 0, release_candidate=2)"), "{file}");
    assert_eq!(
        s.bare.rev("twisted-23.11.0rc1^{commit}"),
        s.bare.rev(&format!("{branch}^"))
    );
    s.audit();
}

/// seed 001, "Failed RC: delete failed RC tag ... create new RC v1.2.3-rc2": a deleted
/// candidate is gone from every ref, so `tag --pre` cannot count it; the next candidate is
/// named (`tag 1.2.3rc2`), as the README says, and tagged on main without a commit.
#[test]
fn candidate_after_a_deleted_one_is_named() {
    let files = [
        ("src/__init__.py", "__version__ = \"1.2.3\"\n"),
        (
            "CHANGELOG.md",
            "# Changelog\n\n## [1.2.3] - 2023-11-14\n\n- x\n",
        ),
    ];
    let s = served("github-rc", "main", &files, |_| {});
    let main = s.bare.rev("main");
    s.release(&["tag", "--pre", "--push"]);
    // "Delete failed RC tag: git tag -d v1.2.3-rc1; git push origin :refs/tags/v1.2.3-rc1"
    s.dev.git(&["tag", "-d", "v1.2.3rc1"]);
    ok(&s.dev.git_run(&["push", "origin", ":refs/tags/v1.2.3rc1"]));
    // "Create new RC: git tag v1.2.3-rc2; git push origin v1.2.3-rc2"
    s.release(&["tag", "1.2.3rc2", "--push"]);
    assert_eq!(s.bare.rev("v1.2.3rc2^{commit}"), main);
    assert_eq!(s.bare.rev("main"), main, "main did not move");
    assert_eq!(s.server_refs(), ["refs/heads/main", "refs/tags/v1.2.3rc2"]);
    s.audit();
}

/// seed 004, "MM is the number of the release in the year": trunk at 23.10.0 says ten
/// releases of 23 were made, whether or not their tags are here; the release branch cut from
/// it starts above it (23.11.0rc1), never at 23.0.0rc1, which trunk could never take back
/// (`version/monotonic`): the calendar counter counts the source's version with the tags.
#[test]
fn calendar_release_branch_starts_above_its_source() {
    let files = [
        (
            "src/twisted/_version.py",
            "from incremental import Version\n\n__version__ = Version(\"Twisted\", 23, 10, 0)\n",
        ),
        (
            "NEWS",
            "Twisted 23.10.0 (2023-10-01)\n============================\n\n- a\n",
        ),
    ];
    let s = served("twisted", "trunk", &files, |_| {});
    let branch = "releases/release-4290";
    s.release(&["branch", branch, "--push"]);
    let file = s.on_server(branch, "src/twisted/_version.py");
    assert!(file.contains("23, 11, 0, release_candidate=1)"), "{file}");
}
