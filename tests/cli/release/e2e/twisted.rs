//! seed 004, Twisted: calendar versions; a release branch cut from trunk, pre-releases then
//! the final tagged on it, the branch merged back into trunk once reviewed.

use super::{Served, served_by};

const BRANCH: &str = "releases/release-4290";

const FILES: &[(&str, &str)] = &[
    (
        "src/twisted/_version.py",
        "from incremental import Version\n\n__version__ = Version(\"Twisted\", 23, 10, 0)\n",
    ),
    (
        "src/twisted/conch/_version.py",
        "from incremental import Version\n\nversion = Version(\"twisted.conch\", 23, 10, 0)\n",
    ),
    (
        "NEWS",
        "Twisted 23.10.0 (2023-10-01)\n============================\n\nFeatures\n--------\n\n- an older feature\n\n",
    ),
];

/// NEWS with one release's section (as `build-news` writes it) above what it held.
fn news_text(version: &str, date: &str, item: &str) -> String {
    let heading = format!("Twisted {version} ({date})");
    format!(
        "{heading}\n{}\n\nFeatures\n--------\n\n- {item}\n\n",
        "=".repeat(heading.len())
    )
}

/// `build-news`: the release's section on top of the release branch's NEWS, committed and
/// pushed.
fn build_news(s: &Served, version: &str, item: &str) {
    s.dev.git(&["checkout", "-q", BRANCH]);
    let older = std::fs::read_to_string(s.dev.path.join("NEWS")).expect("read NEWS");
    let news = format!("{}{older}", news_text(version, "2023-11-14", item));
    s.work(BRANCH, "NEWS", &news, &format!("build-news {version}"));
}

/// The version `Version(...)` spells in `path` at `rev` on the server.
fn spelled(s: &Served, rev: &str, path: &str) -> String {
    let file = s.on_server(rev, path);
    file.lines()
        .find(|l| l.contains("Version("))
        .unwrap_or_else(|| panic!("no Version(...) at {rev}:{path}: {file}"))
        .split_once("Version(")
        .map(|(_, call)| call.to_owned())
        .unwrap_or_default()
}

/// seed 004 end to end: the release branch cut from trunk at the year's next release's first
/// pre-release, two pre-releases (a trunk fix ported between them), the final version, the
/// branch merged back into trunk, the final tagged.
#[test]
fn twisted_release_procedure() {
    procedure("pre-receive");
}

/// [`twisted_release_procedure`] against a server whose `update` hook judges each ref alone: each step
/// is accepted there as one atomic push, none needs its refs pushed one at a time.
#[test]
fn twisted_release_procedure_under_the_update_hook() {
    procedure("update");
}

fn procedure(hook: &str) {
    let s = served_by(hook, "twisted", "trunk", FILES, |work| {
        work.git(&["tag", "-a", "-m", "Twisted 23.10.0", "twisted-23.10.0"]);
    });
    s.feature("trunk", "feature-a");

    // Prepare for a release: "4. Choose a version number. Remember to include the 'preN'
    // suffix" ... "6. Make a branch (e.g. mkbranch Twisted releases/release-4290)"; How to do a
    // pre-release: "2. Run ./bin/admin/change-versions XX.YY.ZZpreN 3. Commit the changes made
    // by change-versions"
    s.release(&["branch", BRANCH, "--push"]);
    for path in ["src/twisted/_version.py", "src/twisted/conch/_version.py"] {
        let call = spelled(&s, BRANCH, path);
        assert!(
            call.contains("23, 11, 0, release_candidate=1)"),
            "{path}: {call}"
        );
    }
    // "4. Run ./bin/admin/build-news . 5. Commit the changes made by build-news"
    build_news(&s, "23.11.0rc1", "feature a");
    // "Release N prereleases": the first one tagged on the release branch.
    s.release(&["tag", "--branch", BRANCH, "--push"]);
    assert_eq!(s.bare.git(&["cat-file", "-t", "twisted-23.11.0rc1"]), "tag");

    // "Any mistakes should be fixed in trunk": a fix made on trunk after the branch was cut,
    // ported to it (a release branch takes only trunk's commits).
    let fix = s.work("trunk", "fix-1.txt", "fix 1\n", "fix: one (#4291)");
    s.release(&["port", &fix, "--onto", BRANCH, "--push"]);
    assert!(
        s.bare
            .git(&["ls-tree", "--name-only", BRANCH])
            .contains("fix-1.txt")
    );
    // The second pre-release: "2. Run ./bin/admin/change-versions XX.YY.ZZpreN 3. Commit
    // the changes made by change-versions"
    s.release(&["bump", "23.11.0rc2", "--branch", BRANCH, "--push"]);
    // "4. Run ./bin/admin/build-news . 5. Commit the changes made by build-news"
    build_news(&s, "23.11.0rc2", "fix one");
    // "Release N prereleases": the second one.
    s.release(&["tag", "--branch", BRANCH, "--push"]);

    // How to do a final release: "1. Run ./bin/admin/change-versions XX.YY.ZZ"
    s.release(&["bump", "23.11.0", "--branch", BRANCH, "--push"]);
    // The release tag class asks for the final's NEWS section too (`build-news` again).
    build_news(&s, "23.11.0", "feature a, fix one");
    // "2. Add the quote of the release to the README"
    s.work(
        BRANCH,
        "README.rst",
        "Quote of the release: ...\n",
        "quote of the release",
    );
    // "4. When the ticket is reviewed, merge the branch into trunk"
    s.release(&["merge", BRANCH, "--push"]);
    let parents = s.bare.git(&["rev-list", "--parents", "-1", "trunk"]);
    assert_eq!(
        parents.split(' ').count(),
        3,
        "trunk's tip is a merge: {parents}"
    );
    assert_eq!(s.bare.rev("trunk^2"), s.bare.rev(BRANCH));
    // "5. Tag the release"
    s.release(&["tag", "--branch", BRANCH, "--push"]);
    assert_eq!(s.bare.rev("twisted-23.11.0^{commit}"), s.bare.rev(BRANCH));
    let call = spelled(&s, "trunk", "src/twisted/_version.py");
    assert!(call.contains("23, 11, 0)"), "trunk: {call}");

    assert_eq!(
        s.server_refs(),
        [
            "refs/heads/releases/release-4290",
            "refs/heads/trunk",
            "refs/tags/twisted-23.10.0",
            "refs/tags/twisted-23.11.0",
            "refs/tags/twisted-23.11.0rc1",
            "refs/tags/twisted-23.11.0rc2",
        ]
    );
    s.audit();
    s.readme_shows("twisted");
}
