//! seed 001, release candidates on GitHub: a release branch sets the version and the
//! changelog entry and lands on main by pull request (linear history), then `vX.Y.Z-rcN` tags
//! on main, then the production tag `vX.Y.Z`.

use super::{Served, ok, served_by};

const FILES: &[(&str, &str)] = &[
    ("src/__init__.py", "__version__ = \"1.2.2\"\n"),
    (
        "CHANGELOG.md",
        "# Changelog\n\n## [1.2.2] - 2023-10-01\n\n### Fixed\n\n- an older fix\n",
    ),
];

/// A pull request landed on main as GitHub's "Rebase and merge" does when main has not moved:
/// main fast-forwards to the branch, and the branch is deleted.
fn land(s: &Served, branch: &str) {
    s.dev.git(&["checkout", "-q", "main"]);
    ok(&s.dev.git_run(&["merge", "-q", "--ff-only", branch]));
    ok(&s.dev.git_run(&["push", "-q", "origin", "main"]));
    s.dev.git(&["branch", "-q", "-D", branch]);
    ok(&s.dev.git_run(&["push", "-q", "origin", "--delete", branch]));
}

/// seed 001 end to end: the release branch with the version, the changelog entry written on
/// it, landed on main; two release candidates (a fix landed between them), then production.
#[test]
fn github_rc_release_procedure() {
    procedure("pre-receive");
}

/// [`github_rc_release_procedure`] against a server whose `update` hook judges each ref alone: each step
/// is accepted there as one atomic push, none needs its refs pushed one at a time.
#[test]
fn github_rc_release_procedure_under_the_update_hook() {
    procedure("update");
}

fn procedure(hook: &str) {
    let s = served_by(hook, "github-rc", "main", FILES, |work| {
        work.git(&["tag", "-a", "-m", "release 1.2.2", "v1.2.2"]);
    });
    // Work lands on main by pull request, rebased: main stays linear.
    s.dev.git(&["checkout", "-q", "-b", "feature-x", "main"]);
    s.work("feature-x", "feature-x.txt", "feature x\n", "feat: x");
    land(&s, "feature-x");
    // "Update version in package files: __version__ = "1.2.3"" ... "Create release branch:
    // git checkout -b release/v1.2.3; git add .; git commit -m "chore: prepare release
    // v1.2.3"; git push origin release/v1.2.3"
    s.release(&["branch", "release/v1.2.3", "--version", "1.2.3", "--push"]);
    assert!(
        s.on_server("release/v1.2.3", "src/__init__.py")
            .contains("\"1.2.3\"")
    );
    // "Update CHANGELOG.md: ## [1.2.3] - YYYY-MM-DD ### Added - New feature X"
    s.work(
        "release/v1.2.3",
        "CHANGELOG.md",
        "# Changelog\n\n## [1.2.3] - 2023-11-14\n\n### Added\n\n- New feature X\n\n\
         ## [1.2.2] - 2023-10-01\n\n### Fixed\n\n- an older fix\n",
        "chore: prepare release v1.2.3",
    );
    // "Create and merge PR to main"
    land(&s, "release/v1.2.3");
    // "Ensure you're on main and up-to-date: git checkout main; git pull origin main" ...
    // "Create and push RC tag: git tag v1.2.3-rc1; git push origin v1.2.3-rc1"
    s.release(&["tag", "--pre", "--push"]);
    assert_eq!(s.bare.rev("v1.2.3rc1^{commit}"), s.bare.rev("main"));
    // A fix QA asked for lands on main by pull request.
    s.dev.git(&["checkout", "-q", "-b", "fix-y", "main"]);
    s.work("fix-y", "fix-y.txt", "fix y\n", "fix: y");
    land(&s, "fix-y");
    // "Failed RC ... Create new RC: git tag v1.2.3-rc2; git push origin v1.2.3-rc2"
    s.release(&["tag", "--pre", "--push"]);
    assert_eq!(s.bare.rev("v1.2.3rc2^{commit}"), s.bare.rev("main"));
    // "After successful RC validation: Create and push production tag: git tag v1.2.3; git
    // push origin v1.2.3"
    s.release(&["tag", "--final", "--push"]);
    assert_eq!(s.bare.rev("v1.2.3^{commit}"), s.bare.rev("main"));
    assert_eq!(
        s.server_refs(),
        [
            "refs/heads/main",
            "refs/tags/v1.2.2",
            "refs/tags/v1.2.3",
            "refs/tags/v1.2.3rc1",
            "refs/tags/v1.2.3rc2"
        ]
    );
    s.audit();
    s.readme_shows("github-rc");
}
