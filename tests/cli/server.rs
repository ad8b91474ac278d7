//! The server fails closed, visibly: whatever stops git-policy from judging a push (a panic,
//! an unreadable object, a missing policy, a shallow repository, a ref name it cannot read)
//! rejects the push with a message naming the cause, and no ref moves. Shims run whatever the
//! paths of the repository and the binary hold.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::harness::refused;
use crate::harness::{Run, Sandbox, TestRepo, copy_bin, pytokio};
use crate::hooks::setup;

/// A push that was rejected for `cause`, with every ref of `central` where it was.
#[track_caller]
fn rejected_for(run: &Run, cause: &str, central: &TestRepo, refs_before: &str) {
    assert_ne!(run.code, 0, "expected a rejected push:\n{}", run.all());
    assert!(run.stderr.contains("remote: error:"), "{}", run.stderr);
    assert!(
        run.stderr.contains(cause),
        "expected {cause:?} in:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("hook declined"), "{}", run.stderr);
    assert_eq!(central.git(&["for-each-ref"]), refs_before, "no ref moved");
}

/// A panic in the server hook, whichever hook it is, rejects the push with the panic's message;
/// the same push without the fault lands, so the fault alone rejected it.
#[cfg(feature = "fault-injection")]
#[test]
fn panic_in_the_server_hook_rejects_the_push() {
    for hook in ["pre-receive", "update"] {
        let s = setup(hook);
        let refs = s.central.git(&["for-each-ref"]);
        s.dev.set_version("0.13.0.dev2");
        let run = Run::from_output(
            s.dev
                .command("git")
                .args(["push", "--no-verify", "origin", "master"])
                .env("GIT_POLICY_FAULT", "hook")
                .output()
                .expect("run git push"),
        );
        rejected_for(&run, "internal error in git-policy", &s.central, &refs);
        assert!(
            run.stderr.contains("fault injected at `hook`"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("the operation was refused"),
            "{}",
            run.stderr
        );
        let again = s.dev.git_run(&["push", "-q", "origin", "master"]);
        assert_eq!(again.code, 0, "{hook}: {}", again.all());
    }
}

/// The version file of the branch's current tip unreadable on the server (corrupt, or gone)
/// rejects the next push with the file named; a good push does not get through on a guess.
#[test]
fn unreadable_object_rejects_the_push() {
    for damage in ["corrupt", "missing"] {
        let s = setup("pre-receive");
        s.dev.set_version("0.13.0.dev2");
        assert_eq!(s.dev.git_run(&["push", "-q", "origin", "master"]).code, 0);
        // Few objects arrive loose; the version file's blob is one of them.
        let blob = s.dev.rev("master:tokio/__init__.py");
        let object = s
            .central
            .path
            .join("objects")
            .join(&blob[..2])
            .join(&blob[2..]);
        assert!(object.exists(), "{} is loose", object.display());
        std::fs::remove_file(&object).expect("remove the blob");
        if damage == "corrupt" {
            std::fs::write(&object, b"not zlib at all").expect("corrupt the blob");
        }
        let refs = s.central.git(&["for-each-ref"]);
        s.dev.set_version("0.13.0.dev3");
        let run = s.dev.git_run(&["push", "origin", "master"]);
        rejected_for(&run, "git-policy rejects the push", &s.central, &refs);
        assert!(
            run.stderr.contains("`tokio/__init__.py`"),
            "{damage}: names the file:\n{}",
            run.stderr
        );
    }
}

/// Without the administrator's policy the server refuses every push and says how to install it.
#[test]
fn missing_administrator_policy_rejects_the_push() {
    let s = setup("pre-receive");
    std::fs::remove_file(s.central.path.join("git-policy.toml")).expect("remove the policy");
    let refs = s.central.git(&["for-each-ref"]);
    s.dev.set_version("0.13.0.dev2");
    let run = s.dev.git_run(&["push", "origin", "master"]);
    rejected_for(&run, "the administrator's policy", &s.central, &refs);
    assert!(run.stderr.contains("is missing"), "{}", run.stderr);
    assert!(
        run.stderr.contains("git policy install --server"),
        "{}",
        run.stderr
    );
}

/// A shallow central repository cannot answer ancestry questions: its hook refuses pushes.
#[test]
fn shallow_central_repository_rejects_the_push() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let path = sandbox.path().join("shallow.git");
    let url = format!("file://{}", work.path.display());
    work.git(&[
        "clone",
        "-q",
        "--bare",
        "--depth",
        "1",
        &url,
        &path.display().to_string(),
    ]);
    let central = TestRepo {
        sandbox: sandbox.clone(),
        path,
    };
    let installed = work.policy(&["install", "--server", &central.path.display().to_string()]);
    assert_eq!(installed.code, 0, "{}", installed.all());
    let refs = central.git(&["for-each-ref"]);
    work.set_version("0.13.0.dev2");
    let target = format!("file://{}", central.path.display());
    let run = work.git_run(&["push", &target, "master"]);
    rejected_for(&run, "shallow clone", &central, &refs);
    assert!(
        run.stderr.contains("git fetch --unshallow"),
        "{}",
        run.stderr
    );
}

/// A ref name that is not UTF-8 is refused by name, never read as another ref.
#[test]
fn non_utf8_ref_name_is_refused() {
    let s = setup("pre-receive");
    let name = OsStr::from_bytes(b"caf\xe9");
    let status = s
        .dev
        .command("git")
        .arg("branch")
        .arg(name)
        .status()
        .expect("run git branch");
    assert!(status.success());
    let refs = s.central.git(&["for-each-ref"]);
    let run = Run::from_output(
        s.dev
            .command("git")
            .args(["push", "--no-verify", "origin"])
            .arg(name)
            .output()
            .expect("run git push"),
    );
    rejected_for(&run, "is not `UTF-8 text", &s.central, &refs);
}

/// A directory name full of shell syntax: quotes, `$`, backticks, spaces, a glob, a newline-free
/// `;`. The shims must pass it through as one word.
const HOSTILE: &str = "it's \"$HOME\" `id` ; *.rs";

/// Shims quote everything: a binary and repositories under hostile paths still judge commits
/// and pushes.
#[test]
fn shims_work_under_hostile_paths() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join(HOSTILE);
    std::fs::create_dir_all(dir.join("bin")).expect("hostile dir");
    let copy = dir.join("bin").join("git-policy");
    copy_bin(&copy);
    let work = pytokio(&sandbox);
    let central = dir.join("central.git");
    work.git(&["clone", "-q", "--bare", ".", &central.display().to_string()]);
    let run = |repo: &TestRepo, args: &[&str]| {
        Run::from_output(
            repo.command(&copy)
                .args(args)
                .output()
                .expect("run the copy"),
        )
    };
    let installed = run(
        &work,
        &["install", "--server", &central.display().to_string()],
    );
    assert_eq!(installed.code, 0, "{}", installed.all());
    // The path has spaces, which a `#!` line cannot hold: the `sh` shim is written, and said.
    assert!(
        installed.stdout.contains("cannot stand on a `#!` line"),
        "{}",
        installed.stdout
    );
    let dev = TestRepo {
        sandbox: sandbox.clone(),
        path: dir.join("dev clone"),
    };
    work.git(&[
        "clone",
        "-q",
        &central.display().to_string(),
        &dev.path.display().to_string(),
    ]);
    let installed = run(&dev, &["install"]);
    assert_eq!(installed.code, 0, "{}", installed.all());
    let shim = std::fs::read_to_string(dev.path.join(".git/hooks/pre-commit")).expect("shim");
    assert!(
        shim.contains(&copy.display().to_string().replace('\'', r"'\''")),
        "{shim}"
    );

    dev.write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    refused(
        &dev.git_run(&["commit", "-a", "-m", "beta on master"]),
        "version/kind",
    );
    dev.git(&["commit", "-q", "--no-verify", "-a", "-m", "beta on master"]);
    refused(
        &dev.git_run(&["push", "--no-verify", "origin", "master"]),
        "version/kind",
    );
    dev.git(&["reset", "-q", "--hard", "origin/master"]);
    dev.set_version("0.13.0.dev2");
    let pushed = dev.git_run(&["push", "origin", "master"]);
    assert_eq!(pushed.code, 0, "{}", pushed.all());
}

/// Regression: the `sh` shims started git-policy from a pipe when a foreign hook was chained,
/// then ran it again on an empty input, whose "nothing to judge" was the hook's answer: with a
/// foreign `pre-receive`, every push landed, a feature freeze pushed the wrong way included.
#[test]
fn sh_shim_after_a_foreign_pre_receive_ignored_the_refusal() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().join("central.git"),
    };
    let central_arg = central.path.display().to_string();
    work.git(&["clone", "-q", "--bare", ".", &central_arg]);
    let foreign = central.path.join("hooks/pre-receive");
    std::fs::write(&foreign, "#!/bin/sh\ncat >/dev/null\nexit 0\n").expect("foreign hook");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let installed = work.policy(&["install", "--server", &central_arg, "--shim", "sh"]);
    assert_eq!(installed.code, 0, "{}", installed.all());
    // The pre-receive shim alone must refuse: the transaction hook would catch this push too.
    std::fs::remove_file(central.path.join("hooks/reference-transaction")).expect("remove");
    let refs = central.git(&["for-each-ref"]);
    work.git(&["remote", "add", "central", &central_arg]);
    work.checkout("rc");
    work.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge master into rc",
        "master",
    ]);
    let run = work.git_run(&["push", "central", "rc"]);
    refused(&run, "version/relation");
    assert_eq!(central.git(&["for-each-ref"]), refs, "no ref moved");
}
