//! Without git's commit-graph (a fresh clone, a CI checkout, a server where `git gc` never ran)
//! ancestry runs on a graph built in memory: every verdict and every message is the one the
//! same repository gives with a commit-graph.

use crate::explain::pytokio_with_versions;
use crate::harness::{Run, Sandbox, TestRepo, pytokio, serve};

/// Exit code and what a person sees, with the sandbox's path (which differs between the two
/// repositories compared) taken out.
fn seen(run: &Run, sandbox: &Sandbox) -> (i32, String) {
    let path = sandbox.path().display().to_string();
    (run.code, run.all().replace(&path, "$SANDBOX"))
}

/// Writes git's commit-graph when asked, and checks that the repository has one exactly then.
/// One git command either way: the sandbox's clock, and so every later commit id, stays the
/// same in the two repositories compared.
pub fn with_commit_graph(repo: &TestRepo, objects: &str, commit_graph: bool) {
    if commit_graph {
        repo.git(&["commit-graph", "write", "--reachable", "--no-progress"]);
    } else {
        repo.git(&["count-objects"]);
    }
    let file = repo.path.join(objects).join("info/commit-graph");
    assert_eq!(file.is_file(), commit_graph, "{}", file.display());
}

/// The rules a server named in refusing a push.
fn refused_by(run: &Run) -> Vec<String> {
    assert_ne!(run.code, 0, "{}", run.all());
    run.stderr
        .lines()
        .filter_map(|line| line.strip_prefix("remote: error["))
        .filter_map(|rest| Some(rest.split(']').next()?.to_owned()))
        .collect()
}

/// A day of pushes to a pytokio server with `hook`: a hotfix on rc, rc merged into master, the
/// next commit on master, and master forced back below its version. Returns what each push
/// showed.
fn day_of_pushes(hook: &str, commit_graph: bool) -> Vec<(i32, String)> {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, hook);
    with_commit_graph(&central, "objects", commit_graph);
    let dev = sandbox.clone_of(&central, "dev");
    let mut shown = Vec::new();
    let mut push = |args: &[&str]| {
        let run = dev.git_run(&[&["push", "--no-verify", "origin"], args].concat());
        shown.push(seen(&run, &sandbox));
        run
    };
    dev.git(&["checkout", "-q", "-b", "rc", "origin/rc"]);
    dev.change("fix.txt", "fix\n", "hotfix on rc");
    assert_eq!(push(&["rc"]).code, 0, "{hook}: the hotfix lands");
    dev.checkout("master");
    dev.git(&["merge", "-q", "--no-verify", "--no-edit", "rc"]);
    assert_eq!(refused_by(&push(&["master"])), ["flow/foreign"], "{hook}");
    dev.git(&["reset", "-q", "--hard", "origin/master"]);
    dev.set_version("0.13.0.dev2");
    assert_eq!(
        push(&["master"]).code,
        0,
        "{hook}: master's next commit lands"
    );
    let forced = push(&["--force", "HEAD~1:master"]);
    assert_eq!(
        refused_by(&forced),
        ["branch/force", "version/monotonic"],
        "{hook}"
    );
    shown
}

/// The same pushes, judged in their quarantine by either server hook, get the same verdicts
/// and messages from a server without a commit-graph as from one with it.
#[test]
fn pushes_are_judged_alike_with_and_without_a_commit_graph() {
    for hook in ["pre-receive", "update"] {
        assert_eq!(
            day_of_pushes(hook, false),
            day_of_pushes(hook, true),
            "{hook}"
        );
    }
}

/// `git policy check` (the audit) and `git policy explain` say the same of a repository without
/// a commit-graph as of the same repository with one.
#[test]
fn audit_and_explain_read_alike_with_and_without_a_commit_graph() {
    let runs = |commit_graph: bool| {
        let sandbox = Sandbox::new();
        let repo = pytokio_with_versions(&sandbox);
        with_commit_graph(&repo, ".git/objects", commit_graph);
        let audit = repo.policy(&["check"]);
        assert_eq!(audit.rules(), ["version/ahead-of-tags"], "{}", audit.all());
        let explain = repo.policy(&["explain"]);
        assert_eq!(explain.code, 0, "{}", explain.all());
        [seen(&audit, &sandbox), seen(&explain, &sandbox)]
    };
    assert_eq!(runs(false), runs(true));
}
