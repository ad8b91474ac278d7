//! The Python packaging stays in step with the crate: the wheel's version is Cargo.toml's (maturin
//! reads it), and the pre-commit hook repository pins that same version of the wheel.
//! `scripts/wheel-check.sh` (run by `.ci/run`) builds, installs and runs the wheel itself.

/// The version `pre-commit/pyproject.toml` pins is the crate's, so the hook repository
/// installs the wheel built from this commit.
#[test]
fn pre_commit_hook_repository_pins_the_crate_version() {
    let crate_version = env!("CARGO_PKG_VERSION");
    let hooks = include_str!("../../pre-commit/pyproject.toml");
    let pinned: Vec<&str> = hooks
        .lines()
        .filter_map(|line| line.split("git-policy==").nth(1))
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .collect();
    assert_eq!(
        pinned,
        [crate_version],
        "pre-commit/pyproject.toml pins {pinned:?}"
    );
    assert!(
        hooks.contains(&format!("version = \"{crate_version}\"")),
        "the hook repository's own version follows the crate's"
    );
    let wheel = include_str!("../../pyproject.toml");
    assert!(
        wheel.contains("dynamic = [\"version\"]") && wheel.contains("bindings = \"bin\""),
        "the wheel takes Cargo.toml's version and packages the binary"
    );
}
