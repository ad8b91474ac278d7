//! `pre-commit` reading the index git is about to commit, in the forms git writes it: split,
//! sparse, and with paths marked by `git add -N`.

use crate::harness::{Run, accepted, refused};
use crate::hooks::{Setup, setup};

/// A developer's clone on `master` whose local `rc` has caught up with master's version, so
/// any commit on `master` that keeps `0.13.0.dev1` breaks "master above rc by a minor": the
/// verdict then shows whether the hook read the version from the index at all.
fn rc_caught_up() -> Setup {
    let s = setup("pre-receive");
    s.dev.checkout("rc");
    s.dev.set_version("0.13.0.dev1");
    s.dev.checkout("master");
    s.dev.change("docs/guide.md", "a guide\n", "add a guide");
    s
}

/// A commit that keeps `master`'s version, which `rc` has caught up with, is refused: the
/// version was read from the index.
fn editing_the_guide_is_refused(s: &Setup) {
    s.dev.write("docs/guide.md", "a better guide\n");
    s.dev.git(&["add", "docs/guide.md"]);
    refused(
        &s.dev.git_run(&["commit", "-m", "edit the guide"]),
        "version/relation",
    );
}

/// A commit that opens the next minor on `master` passes.
fn opening_the_next_minor_is_accepted(s: &Setup) {
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.14.0.dev1\"\n");
    s.dev.git(&["add", "tokio/__init__.py"]);
    accepted(&s.dev.git_run(&["commit", "-m", "open 0.14"]));
}

/// Regression: libgit2 cannot read a split index (`core.splitIndex`), so the hook failed every
/// commit on a protected branch instead of judging it.
#[test]
fn split_index_failed_the_pre_commit_hook() {
    let s = rc_caught_up();
    s.dev.git(&["config", "core.splitIndex", "true"]);
    s.dev.git(&["update-index", "--split-index"]);
    let shared = std::fs::read_dir(s.dev.path.join(".git"))
        .expect("git dir")
        .filter_map(Result::ok)
        .any(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("sharedindex.")
        });
    assert!(shared, "git wrote a shared index");

    // The version file is in the shared index, the guide in the split one.
    editing_the_guide_is_refused(&s);

    opening_the_next_minor_is_accepted(&s);
}

/// Regression: a split temporary index outside the git directory (`GIT_INDEX_FILE`) has its
/// shared index in the git directory, where git looks and gix-index does not; it was read as an
/// empty index and the commit judged as losing its version file. It is now an error.
#[test]
fn split_index_elsewhere_was_read_as_empty() {
    let s = setup("pre-receive");
    s.dev.git(&["config", "core.splitIndex", "true"]);
    let scratch = s.sandbox.path().join("scratch-index");
    let with_scratch = |args: &[&str]| {
        Run::from_output(
            s.dev
                .command("git")
                .args(args)
                .env("GIT_INDEX_FILE", &scratch)
                .output()
                .expect("run git"),
        )
    };
    accepted(&with_scratch(&["read-tree", "HEAD"]));
    s.dev.write("docs/guide.md", "a guide\n");
    accepted(&with_scratch(&["add", "docs/guide.md"]));
    let head = s.dev.rev("HEAD");
    let run = with_scratch(&["commit", "-m", "add a guide"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(
        run.stderr.contains("its shared index is not beside it"),
        "{}",
        run.all()
    );
    assert!(!run.all().contains("error[version/kind]"), "{}", run.all());
    assert_eq!(s.dev.rev("HEAD"), head, "nothing was committed");
}

/// Regression: libgit2 cannot read a sparse index (`git sparse-checkout --sparse-index`) either;
/// a version file outside the sparse cone is read from the tree its directory entry names.
#[test]
fn sparse_index_failed_the_pre_commit_hook() {
    let s = rc_caught_up();
    s.dev
        .git(&["sparse-checkout", "set", "--cone", "--sparse-index", "docs"]);
    let sparse = s.dev.git(&["ls-files", "--sparse"]);
    assert!(
        sparse.lines().any(|line| line == "tokio/"),
        "`tokio/` is one sparse entry:\n{sparse}"
    );

    editing_the_guide_is_refused(&s);

    // Back in the cone, the version file is an entry of its own again.
    s.dev.git(&["sparse-checkout", "add", "tokio"]);
    opening_the_next_minor_is_accepted(&s);
}

/// A version file only marked with `git add -N` is not in the commit git makes, and the hook
/// says so (libgit2 read it as an empty file, which has no version, and the hook failed).
#[test]
fn intent_to_add_version_file_is_not_in_the_commit() {
    let s = setup("pre-receive");
    s.dev.git(&["rm", "-q", "--cached", "tokio/__init__.py"]);
    s.dev.git(&["add", "-N", "tokio/__init__.py"]);
    let run = s.dev.git_run(&["commit", "-m", "lose the version"]);
    refused(&run, "version/kind");
    assert!(
        run.all().contains("no version file is here"),
        "{}",
        run.all()
    );

    // What git commits agrees: the file is left out.
    s.dev
        .git(&["commit", "-q", "--no-verify", "-m", "lose the version"]);
    let tree = s.dev.git(&["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(
        !tree.lines().any(|path| path == "tokio/__init__.py"),
        "git left the file out of the commit:\n{tree}"
    );
}

/// A version glob lists the files of a sparse index's directory entries from their trees.
#[test]
fn sparse_index_lists_a_version_glob() {
    let s = rc_caught_up();
    s.dev.write(
        ".git-policy.toml",
        &crate::preset_with(
            "files = [\"tokio/__init__.py\"]",
            "files = [\"tokio/*.py\"]",
        ),
    );
    s.dev
        .git(&["sparse-checkout", "set", "--cone", "--sparse-index", "docs"]);
    s.dev.write("docs/guide.md", "a better guide\n");
    s.dev.git(&["add", "docs/guide.md"]);
    let run = s.dev.git_run(&["commit", "-m", "edit the guide"]);
    refused(&run, "version/relation");
    assert!(!run.all().contains("version/kind"), "{}", run.all());
}

/// An index in version 4 (prefix-compressed paths, as `feature.manyFiles` writes it) and split,
/// committed with `git commit -a` (git's temporary `index.lock`), is read like any other.
#[test]
fn split_index_version_4_is_read_through_commit_all() {
    let s = setup("pre-receive");
    s.dev.git(&["config", "core.splitIndex", "true"]);
    s.dev
        .git(&["update-index", "--index-version", "4", "--split-index"]);
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    refused(
        &s.dev.git_run(&["commit", "-a", "-m", "a beta on master"]),
        "version/kind",
    );
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0.dev2\"\n");
    accepted(
        &s.dev
            .git_run(&["commit", "-a", "-m", "the next dev release"]),
    );
}
