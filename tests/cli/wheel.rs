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

/// The CI templates and the action install the wheel of the crate's version, with no
/// placeholder left for a user to fill in.
#[test]
fn ci_templates_pin_the_crate_version() {
    let pin = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
    for (name, text) in [
        (
            "docs/ci/github-actions.yml",
            include_str!("../../docs/ci/github-actions.yml"),
        ),
        (
            "docs/ci/github-release.yml",
            include_str!("../../docs/ci/github-release.yml"),
        ),
        (
            "docs/ci/gitlab-ci.yml",
            include_str!("../../docs/ci/gitlab-ci.yml"),
        ),
        ("action.yml", include_str!("../../action.yml")),
    ] {
        assert!(text.contains(&pin), "{name} pins {pin}");
        assert!(
            text.contains("\"git-policy==$GIT_POLICY_VERSION\""),
            "{name} installs the wheel"
        );
        assert!(!text.contains("OWNER/"), "{name} has a placeholder");
        assert!(
            !text.contains("cargo install"),
            "{name} compiles git-policy"
        );
    }
}

/// The manual pages the wheel ships are the ones the binary writes, so `git policy --help`
/// from a pip install shows this version's help.
#[test]
fn wheel_manual_pages_are_current() {
    let sandbox = crate::harness::Sandbox::new();
    let out = sandbox.path().join("man");
    let run = crate::harness::Run::from_output(
        std::process::Command::new(crate::harness::bin())
            .args(["man", "--dir"])
            .arg(&out)
            .output()
            .expect("run git-policy man"),
    );
    assert_eq!(run.code, 0, "{}", run.all());
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("packaging/wheel.data/data/share/man/man1");
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("a man1 directory")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        names(&shipped),
        names(&out.join("man1")),
        "regenerate: git policy man --dir packaging/wheel.data/data/share/man"
    );
    for name in names(&shipped) {
        let now = std::fs::read(out.join("man1").join(&name)).expect("written page");
        let kept = std::fs::read(shipped.join(&name)).expect("shipped page");
        assert!(
            now == kept,
            "{name} is stale: git policy man --dir packaging/wheel.data/data/share/man"
        );
    }
}
