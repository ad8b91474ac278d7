//! seed 001 (github-rc) end to end with `git policy release`: the release branch cut from main
//! with its version, landed on main, a release candidate and the production release tagged,
//! against a served repository with the server hook and the client hooks installed; no
//! `--no-verify`, the server's audit clean.

use super::{audit_clean, release, start};
use crate::harness::accepted;

/// The whole documented procedure, each step quoting the sentence it replaces.
#[test]
fn github_rc_release_process() {
    let files = [
        ("src/__init__.py", "__version__ = \"1.2.2\"\n"),
        (
            "CHANGELOG.md",
            "# Changelog\n\n## [1.2.2] - 2023-01-01\n\n- a fix\n",
        ),
    ];
    let s = start("github-rc", "main", &files);
    let dev = &s.dev;
    // "Update version in package files: __version__ = \"1.2.3\" ... Create release branch:
    // git checkout -b release/v1.2.3 ... git push origin release/v1.2.3"
    accepted(&release(dev, &["branch", "release/v1.2.3", "--push"]));
    let file = s.central.git(&["show", "release/v1.2.3:src/__init__.py"]);
    assert!(file.contains("\"1.2.3\""), "{file}");
    // "Update CHANGELOG.md: ## [1.2.3] - YYYY-MM-DD", by hand on the release branch.
    dev.checkout("release/v1.2.3");
    dev.change(
        "CHANGELOG.md",
        "# Changelog\n\n## [1.2.3] - 2023-11-14\n\n- a feature\n\n## [1.2.2] - 2023-01-01\n\n- a fix\n",
        "chore: prepare release v1.2.3",
    );
    accepted(&dev.git_run(&["push", "-q", "origin", "release/v1.2.3"]));
    // "Create and merge PR to main": main is linear, so the branch lands by fast-forward.
    let run = release(
        dev,
        &["merge", "release/v1.2.3", "--into", "main", "--push"],
    );
    accepted(&run);
    assert_eq!(s.central.rev("main"), s.central.rev("release/v1.2.3"));
    // "git tag v1.2.3-rc1 / git push origin v1.2.3-rc1"
    accepted(&release(
        dev,
        &["tag", "--pre", "--branch", "main", "--push"],
    ));
    // "git tag v1.2.3 / git push origin v1.2.3"
    accepted(&release(
        dev,
        &["tag", "--final", "--branch", "main", "--push"],
    ));
    assert_eq!(s.central.git(&["tag", "--list", "v*"]), "v1.2.3\nv1.2.3rc1");
    assert_eq!(s.central.rev("v1.2.3^{commit}"), s.central.rev("main"));
    assert_eq!(s.central.rev("v1.2.3rc1^{commit}"), s.central.rev("main"));
    audit_clean(&s.central);
}
