//! A reftable repository (git 2.45+, git 3's default), which libgit2 cannot read: `install`,
//! `install --server`, every hook and `check` say so and how to convert it (exit 2), and the
//! server refuses every push through it rather than letting it pass unjudged.

use crate::harness::{Run, Sandbox, TestRepo, failed, pytokio, serve};

/// What every refusal says: the format, that git-policy cannot read it, and the fix.
const SAYS: &[&str] = &[
    "git-policy cannot judge a repository whose refs are in the reftable format yet",
    "hint: convert its refs with `git refs migrate --ref-format=files`",
];

/// `git refs migrate` in `repo`, as the hint says.
fn migrate(repo: &TestRepo, format: &str) {
    repo.git(&["refs", "migrate", &format!("--ref-format={format}")]);
}

/// A server hook installed on a files repository that was later converted to reftable refuses
/// every push with the reason and the fix, and no ref moves; converted back as the hint says,
/// the same push lands.
#[test]
fn push_through_a_reftable_server_is_refused() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    let dev = sandbox.clone_of(&central, "dev");
    // A bare repository keeps no reflogs, so git 2.46+ converts it in place.
    migrate(&central, "reftable");
    let refs = central.git(&["for-each-ref"]);
    dev.set_version("0.13.0.dev2");
    let run = dev.git_run(&["push", "--no-verify", "origin", "master"]);
    assert_ne!(run.code, 0, "pushed through reftable:\n{}", run.all());
    for needle in SAYS {
        assert!(
            run.stderr.contains(needle),
            "{needle:?} in:\n{}",
            run.stderr
        );
    }
    assert_eq!(central.git(&["for-each-ref"]), refs, "a ref moved");
    migrate(&central, "files");
    let again = dev.git_run(&["push", "--no-verify", "origin", "master"]);
    assert_eq!(again.code, 0, "{}", again.all());
}

/// `install --server` on a reftable repository says why it cannot, with the fix, which works.
#[test]
fn install_server_on_reftable_is_refused_with_the_fix() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = sandbox.path().join("central.git");
    let path = central.display().to_string();
    work.git(&["clone", "-q", "--bare", "--ref-format=reftable", ".", &path]);
    let run = work.policy(&["install", "--server", &path]);
    failed(&run, SAYS);
    migrate(&sandbox.at("central.git"), "files");
    let again = work.policy(&["install", "--server", &path]);
    assert_eq!(again.code, 0, "{}", again.all());
}

/// A client repository in reftable: `install`, `check` and the pre-commit hook installed
/// before the conversion all refuse with the reason and the fix, which works.
#[test]
fn reftable_client_is_refused_by_install_check_and_hooks() {
    let sandbox = Sandbox::new();
    let repo = pytokio(&sandbox);
    accepted_run(&repo.policy(&["install"]));
    // Without reflogs, so that this git (2.46+) converts it in place both ways.
    repo.git(&["config", "core.logAllRefUpdates", "false"]);
    std::fs::remove_dir_all(repo.path.join(".git/logs")).expect("drop the reflogs");
    migrate(&repo, "reftable");
    failed(&repo.policy(&["install"]), SAYS);
    failed(&repo.policy(&["check"]), SAYS);
    repo.write("tokio/__init__.py", "__version__ = \"0.13.0.dev2\"\n");
    repo.git(&["add", "-A"]);
    let commit = repo.git_run(&["commit", "-q", "-m", "bump"]);
    assert_ne!(commit.code, 0, "committed unjudged:\n{}", commit.all());
    for needle in SAYS {
        assert!(
            commit.all().contains(needle),
            "{needle:?} in:\n{}",
            commit.all()
        );
    }
    migrate(&repo, "files");
    accepted_run(&repo.git_run(&["commit", "-q", "-m", "bump"]));
    accepted_run(&repo.policy(&["check"]));
}

#[track_caller]
fn accepted_run(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.all());
}

/// A client of its own gets nothing past a reftable server either: its push, atomic or not,
/// over `file://` and `git://`, is refused with the reason, and no ref moves.
#[test]
fn raw_push_through_a_reftable_server_is_refused() {
    use crate::rawpush::{self, Transport, refs_of};
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    migrate(&central, "reftable");
    let daemon = crate::harness::daemon(&sandbox);
    let old = work.rev("master");
    let new = work.set_version("0.13.0.dev2");
    for transport in [Transport::File, Transport::Git(&daemon)] {
        for atomic in [false, true] {
            let before = refs_of(&central);
            let commands = [(old.as_str(), new.as_str(), "refs/heads/master")];
            let report = rawpush::push(&work, &central, transport, &commands, atomic);
            assert!(report.status("refs/heads/master").is_err(), "{report}");
            assert!(
                report.remote.iter().any(|l| l.contains(SAYS[0])),
                "{}: {report}",
                transport.name()
            );
            assert_eq!(refs_of(&central), before, "a ref moved");
        }
    }
}
