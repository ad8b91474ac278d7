//! `git policy init --preset NAME`: the policy file it writes, the version file it finds, and
//! what it refuses.

use crate::harness::{Sandbox, TestRepo, accepted};

/// Every preset with the branch it protects by name and a version file it reads.
const PRESETS: &[(&str, &str, &str, &str)] = &[
    (
        "pytokio",
        "master",
        "tokio/__init__.py",
        "__version__ = \"0.1.0.dev1\"\n",
    ),
    (
        "github-rc",
        "main",
        "src/__init__.py",
        "__version__ = \"1.0.0\"\n",
    ),
    (
        "pypiserver",
        "main",
        "pypiserver/__init__.py",
        "version = __version__ = \"2.0.0\"\n",
    ),
    (
        "dagster",
        "master",
        "python_modules/dagster/dagster/version.py",
        "__version__ = '0.4.2'\n",
    ),
    (
        "twisted",
        "trunk",
        "src/twisted/_version.py",
        "__version__ = Version(\"Twisted\", 23, 0, 0)\n",
    ),
];

/// A repository with no commits on `branch`.
fn fresh(sandbox: &Sandbox, name: &str, branch: &str) -> TestRepo {
    let repo = sandbox.repo(name);
    repo.git(&["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")]);
    repo
}

/// `init --preset NAME` then `check` succeeds in a fresh repository for every preset.
#[test]
fn init_then_check_works_in_a_fresh_repository() {
    let sandbox = Sandbox::new();
    for (preset, branch, path, text) in PRESETS {
        let repo = fresh(&sandbox, preset, branch);
        repo.write(path, text);
        let init = repo.policy(&["init", "--preset", preset]);
        accepted(&init);
        assert!(
            init.stdout.contains(&format!("from the `{preset}` preset")),
            "{}",
            init.all()
        );
        let written = std::fs::read_to_string(repo.path.join(".git-policy.toml")).expect("written");
        let shipped = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("policy/{preset}.toml")),
        )
        .expect("preset file");
        assert_eq!(
            written, shipped,
            "{preset}: the preset's own files are here"
        );
        accepted(&repo.policy(&["check"]));
        repo.commit("Initial import, with the release policy");
        let check = repo.policy(&["check"]);
        accepted(&check);
        assert!(
            check.stdout.contains("1 protected branch"),
            "{preset}: the branch was judged:\n{}",
            check.all()
        );
    }
}

/// A preset whose version file is absent is pointed at the `pyproject.toml` found instead.
#[test]
fn init_points_the_preset_at_the_version_file_found() {
    let sandbox = Sandbox::new();
    let repo = fresh(&sandbox, "work", "main");
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"package\"\nversion = \"1.4.0\"\n",
    );
    let init = repo.policy(&["init", "--preset", "github-rc"]);
    accepted(&init);
    assert!(
        init.stdout
            .contains("version file: `pyproject.toml`, at 1.4.0"),
        "{}",
        init.all()
    );
    let written = std::fs::read_to_string(repo.path.join(".git-policy.toml")).expect("written");
    assert!(
        written.contains("files = [\"pyproject.toml\"]  # found by `git policy init`"),
        "{written}"
    );
    repo.commit("Initial import");
    accepted(&repo.policy(&["check"]));
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"package\"\nversion = \"1.5.0.dev1\"\n",
    );
    repo.commit("A dev version on main");
    let check = repo.policy(&["check"]);
    assert_eq!(check.code, 1, "{}", check.all());
    assert_eq!(check.rules(), ["version/kind"]);
}

/// The preset's version files in a flat layout instead of `src/` are found, regex kept.
#[test]
fn init_finds_the_preset_files_outside_a_src_layout() {
    let sandbox = Sandbox::new();
    let repo = fresh(&sandbox, "work", "trunk");
    repo.write(
        "twisted/_version.py",
        "__version__ = Version(\"Twisted\", 23, 0, 0)\n",
    );
    repo.write(
        "twisted/conch/_version.py",
        "__version__ = Version(\"Twisted.conch\", 22, 1, 0)\n",
    );
    let init = repo.policy(&["init", "--preset", "twisted"]);
    accepted(&init);
    assert!(
        init.stdout
            .contains("version files: `twisted/**/_version.py`"),
        "{}",
        init.all()
    );
    repo.commit("Subprojects out of step");
    let check = repo.policy(&["check"]);
    assert_eq!(check.code, 1, "{}", check.all());
    assert_eq!(check.rules(), ["version/lockstep"]);
}

/// Without any version file, `init` writes the preset as it is and says what to create.
#[test]
fn init_without_a_version_file_says_what_to_create() {
    let sandbox = Sandbox::new();
    let repo = fresh(&sandbox, "work", "master");
    let init = repo.policy(&["init"]);
    accepted(&init);
    assert!(
        init.stdout.contains("from the `pytokio` preset")
            && init
                .stdout
                .contains("no version file found: `tokio/__init__.py` does not exist yet"),
        "{}",
        init.all()
    );
}

/// An existing policy is kept (exit 2, with a hint) unless `--force` is given.
#[test]
fn init_refuses_to_overwrite_without_force() {
    let sandbox = Sandbox::new();
    let repo = fresh(&sandbox, "work", "main");
    repo.write(".git-policy.toml", "# ours\n");
    let run = repo.policy(&["init", "--preset", "github-rc"]);
    assert_eq!(run.code, 2, "{}", run.all());
    insta::assert_snapshot!(run.stderr);
    let kept = std::fs::read_to_string(repo.path.join(".git-policy.toml")).expect("kept");
    assert_eq!(kept, "# ours\n");
    accepted(&repo.policy(&["init", "--preset", "github-rc", "--force"]));
    let replaced = std::fs::read_to_string(repo.path.join(".git-policy.toml")).expect("replaced");
    assert!(replaced.contains("[tags.production]"), "{replaced}");
}

/// An unknown preset name is a usage error listing the known presets.
#[test]
fn unknown_preset_lists_the_known_ones() {
    let sandbox = Sandbox::new();
    let repo = fresh(&sandbox, "work", "main");
    let run = repo.policy(&["init", "--preset", "gitflow"]);
    assert_eq!(run.code, 2, "{}", run.all());
    for (preset, ..) in PRESETS {
        assert!(
            run.stderr.contains(&format!("`{preset}`")),
            "{}",
            run.stderr
        );
    }
    insta::assert_snapshot!(run.stderr);
    assert!(!repo.path.join(".git-policy.toml").exists());
}

/// A preset protecting `main` in a repository on `master` says how to line them up.
#[test]
fn init_notes_a_main_branch_named_differently() {
    let sandbox = Sandbox::new();
    let repo = fresh(&sandbox, "work", "master");
    repo.write("src/__init__.py", "__version__ = \"1.0.0\"\n");
    let init = repo.policy(&["init", "--preset", "github-rc"]);
    accepted(&init);
    assert!(
        init.stdout
            .contains("the preset protects `main`, and this repository is on `master`"),
        "{}",
        init.all()
    );
    assert!(
        init.stdout.contains("git branch -m master main"),
        "{}",
        init.all()
    );
}
