//! seed 003, Dagster: every package's `version.py` in lockstep, a pre-release tagged on
//! master before each release, both pushed with the commit that sets them.

use super::served_by;

const FILES: &[(&str, &str)] = &[
    (
        "python_modules/dagster/dagster/version.py",
        "__version__ = \"0.4.2\"\n",
    ),
    (
        "python_modules/dagit/dagit/version.py",
        "__version__ = \"0.4.2\"\n",
    ),
    (
        "python_modules/dagster-graphql/dagster_graphql/version.py",
        "__version__ = \"0.4.2\"\n",
    ),
];

/// seed 003 end to end: a pre-release, then the release, each set in every package and
/// tagged on master by one `git policy release tag VERSION --push`.
#[test]
fn dagster_release_procedure() {
    procedure("pre-receive");
}

/// [`dagster_release_procedure`] against a server whose `update` hook judges each ref alone: a step of
/// several refs it refuses as one push is pushed one ref at a time, and none is refused.
#[test]
fn dagster_release_procedure_under_the_update_hook() {
    procedure("update");
}

fn procedure(hook: &str) {
    let s = served_by(hook, "dagster", "master", FILES, |_| {});
    s.feature("master", "feature-a");
    // "Check that the current version of the projects is consistent and what you expect by
    // running: python bin/publish.py version"
    s.plan_says(
        "`master` at 0.4.2, no release tag\n  needs `VERSION`: e.g. `git policy release tag 0.4.3",
    );
    // "Create a new release by running (e.g., for version 0.4.3.pre0): python
    // bin/publish.py release 0.4.3.pre0" ... "Push the new version to the remote: git push &&
    // git push origin 0.4.3.pre0"
    s.release(&["tag", "0.4.3.pre0", "--push"]);
    for (path, _) in FILES {
        let file = s.on_server("0.4.3rc0", path);
        assert!(file.contains("\"0.4.3rc0\""), "{path}: {file}");
    }
    assert_eq!(s.bare.rev("0.4.3rc0^{commit}"), s.bare.rev("master"));
    s.feature("master", "fix-a");
    // "and then for version 0.3.0 only when you know that the process is going to succeed
    // without issues"
    s.plan_says("`master` at 0.4.3rc0, last tag `0.4.3rc0`");
    s.release(&["tag", "0.4.3", "--push"]);
    for (path, _) in FILES {
        let file = s.on_server("0.4.3", path);
        assert!(file.contains("\"0.4.3\""), "{path}: {file}");
    }
    assert_eq!(s.bare.rev("0.4.3^{commit}"), s.bare.rev("master"));
    assert_eq!(
        s.server_refs(),
        ["refs/heads/master", "refs/tags/0.4.3", "refs/tags/0.4.3rc0"]
    );
    s.audit();
    s.readme_shows("dagster");
}

/// seed 003 against a server whose per-ref `update` hook judges each ref alone (gitolite):
/// `tag 0.4.3rc0 --push` is refused as one atomic push (the tag is judged before master moved
/// to the commit it tags, "on no branch"), so the step pushes `master` then the tag.
#[test]
fn tag_on_a_new_commit_pushed_to_an_update_hook_server() {
    let s = served_by("update", "dagster", "master", FILES, |_| {});
    let run = s.release(&["tag", "0.4.3rc0", "--push"]);
    assert!(
        run.stdout
            .contains("in an order it accepts: `master`, then `0.4.3rc0`\n"),
        "{}",
        run.all()
    );
    assert_eq!(s.bare.rev("0.4.3rc0^{commit}"), s.bare.rev("master"));
    s.audit();
}

/// By hand through a per-ref `update` hook: the step written locally (no `--push`), then the
/// branch pushed before its tag; each push is accepted on both sides.
#[test]
fn tag_on_a_new_commit_then_pushed_ref_by_ref_to_an_update_hook_server() {
    let s = served_by("update", "dagster", "master", FILES, |_| {});
    s.release(&["tag", "0.4.3rc0"]);
    super::ok(&s.dev.git_run(&["push", "-q", "origin", "master"]));
    super::ok(&s.dev.git_run(&["push", "-q", "origin", "0.4.3rc0"]));
    assert_eq!(s.bare.rev("0.4.3rc0^{commit}"), s.bare.rev("master"));
    s.audit();
}
