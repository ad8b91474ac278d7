//! The served fixture itself: both sides judge, so a procedure that passes through it was
//! accepted by the client hooks and by the server.

use super::{ok, served};

/// In the clone, `git push` of a commit that breaks the policy is refused by the client's
/// `pre-push`; pushed past it (`--no-verify`), the server's `pre-receive`, reached over `git
/// daemon`, refuses it too, and the server keeps its ref.
#[test]
fn served_fixture_judges_on_both_sides() {
    let s = served(
        "pytokio",
        "master",
        &[("tokio/__init__.py", "__version__ = \"0.13.0.dev1\"\n")],
        |work| {
            work.git(&["branch", "rc"]);
            work.change(
                "tokio/__init__.py",
                "__version__ = \"0.14.0.dev1\"\n",
                "0.14",
            );
        },
    );
    assert!(s.bare.path.join("hooks/pre-receive").exists());
    assert!(s.dev.path.join(".git/hooks/pre-push").exists());
    let before = s.bare.rev("master");
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.14.0b1\"\n");
    s.dev
        .git(&["commit", "-q", "--no-verify", "-am", "a beta on master"]);
    let client = s.dev.git_run(&["push", "origin", "master"]);
    assert_ne!(client.code, 0, "{}", client.all());
    assert!(
        client.rules().contains(&"version/kind".to_owned()),
        "{}",
        client.all()
    );
    let server = s.dev.git_run(&["push", "--no-verify", "origin", "master"]);
    assert_ne!(server.code, 0, "{}", server.all());
    assert!(
        server.stderr.contains("remote: error[version/kind]"),
        "{}",
        server.stderr
    );
    assert_eq!(s.bare.rev("master"), before);
    ok(&s.bare.policy(&["check"]));
}
