//! A broken state already on the server is not the push's fault: a version file that does not
//! parse at a tip the push leaves as it is skips the rules that compare with it, with a
//! warning naming the ref and the file; what the push itself brings still fails closed.

use crate::harness::{Sandbox, TestRepo, accepted, pytokio, rejected, serve};

/// The pytokio server with `rc`'s tip carrying a version file that does not parse (left from
/// before installation), and a developer's clone of it.
fn broken_rc() -> (Sandbox, TestRepo, TestRepo) {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    work.checkout("rc");
    work.change(
        "tokio/__init__.py",
        "__version__ = get_version()\n",
        "read the version at run time",
    );
    work.checkout("master");
    let central = serve(&work, "pre-receive");
    let dev = sandbox.clone_of(&central, "dev");
    dev.git(&["branch", "-q", "rc", "origin/rc"]);
    (sandbox, central, dev)
}

/// An unrelated feature pushed to master is accepted though `rc`'s version (which the relation
/// rule compares master with) cannot be read, and the push is told which tip and file.
#[test]
fn unreadable_version_on_the_server_blocked_an_unrelated_push() {
    let (_sandbox, _central, dev) = broken_rc();
    dev.change("feature.txt", "more\n", "another feature");
    let run = dev.git_run(&["push", "origin", "master"]);
    accepted(&run);
    assert!(
        run.stderr.contains("warning")
            && run.stderr.contains("`rc`")
            && run.stderr.contains("`tokio/__init__.py`"),
        "names the ref and the file:\n{}",
        run.all()
    );
    assert!(
        run.stderr.contains(
            "hint: push a commit to `rc` that sets a readable version in `tokio/__init__.py`"
        ),
        "{}",
        run.all()
    );
}

/// A push that repairs `rc`'s unreadable version (the warning's hint, followed literally) is
/// judged on what it brings, and lands.
#[test]
fn unreadable_version_on_the_server_blocked_its_repair() {
    let (_sandbox, central, dev) = broken_rc();
    dev.checkout("rc");
    let repaired = dev.set_version("0.12.0.dev2");
    accepted(&dev.git_run(&["push", "origin", "rc"]));
    assert_eq!(central.rev("rc"), repaired);
}

/// What the push itself brings still fails closed: master pushed with a version file that does
/// not parse is refused, broken server state or not.
#[test]
fn unreadable_version_brought_by_the_push_is_still_refused() {
    let (_sandbox, central, dev) = broken_rc();
    let before = central.rev("master");
    dev.change(
        "tokio/__init__.py",
        "__version__ = get_version()\n",
        "break master",
    );
    let run = dev.git_run(&["push", "origin", "master"]);
    assert_ne!(run.code, 0, "refused:\n{}", run.all());
    assert!(run.stderr.contains("tokio/__init__.py"), "{}", run.all());
    assert_eq!(central.rev("master"), before, "master did not move");
}

/// The audit of a repository whose old release tag points at a commit from before the version
/// file held `__version__` reports that tag as tag/version and still judges everything else.
#[test]
fn audit_gave_up_on_an_old_tag_without_a_readable_version() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("work");
    repo.change(
        "tokio/__init__.py",
        "\"\"\"pytokio\"\"\"\n",
        "before versions",
    );
    repo.git(&["tag", "v0.0.1"]);
    repo.set_version("0.12.0.dev1");
    repo.git(&["branch", "rc"]);
    repo.set_version("0.13.0");
    let run = repo.policy(&["check"]);
    rejected(&run, "tag/version");
    rejected(&run, "version/kind");
    assert!(run.stdout.contains("`v0.0.1`"), "{}", run.all());
}
