//! A central repository that serves namespaces (`GIT_NAMESPACE`, `git help namespaces`): the
//! server's `reference-transaction` hook judges a namespace's refs
//! (`refs/namespaces/<ns>/refs/...`) as that namespace's own repository, as `pre-receive` does.

use crate::harness::{Run, Sandbox, TestRepo, accepted, pytokio, refused, serve};

/// Pushes `refspecs` from `work` into namespace `ns` of `central`: `receive-pack` runs with
/// `GIT_NAMESPACE` in its environment, as a server that serves namespaces starts it.
fn push_to_namespace(work: &TestRepo, central: &TestRepo, ns: &str, refspecs: &[&str]) -> Run {
    let receive_pack = format!("env GIT_NAMESPACE={ns} git receive-pack");
    let url = format!("file://{}", central.path.display());
    let mut args = vec!["push", "--no-verify", "--receive-pack", &receive_pack, &url];
    args.extend_from_slice(refspecs);
    work.git_run(&args)
}

/// With only the `reference-transaction` hook on the server, a push into a namespace that
/// breaks the policy (a final version committed on master) is refused and the namespace's
/// master stays; the namespace's first push, and a clean one, land; the same refs at the top
/// level are judged apart from the namespace's.
#[test]
fn transaction_hook_judges_a_namespaces_refs() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    std::fs::remove_file(central.path.join("hooks/pre-receive")).expect("remove pre-receive");
    accepted(&push_to_namespace(
        &work,
        &central,
        "team",
        &["master", "rc"],
    ));
    let ns_master = "refs/namespaces/team/refs/heads/master";
    assert_eq!(central.git(&["rev-parse", ns_master]), work.rev("master"));
    work.change("notes.txt", "notes\n", "notes on master");
    accepted(&push_to_namespace(&work, &central, "team", &["master"]));
    let before = central.git(&["rev-parse", ns_master]);
    assert_eq!(before, work.rev("master"));
    work.set_version("0.13.0");
    let run = push_to_namespace(&work, &central, "team", &["master"]);
    refused(&run, "version/kind");
    assert_eq!(
        central.git(&["rev-parse", ns_master]),
        before,
        "no ref moved"
    );
    // Packed, as `git gc` leaves them, the namespace's refs are still its own.
    central.git(&["pack-refs", "--all"]);
    refused(
        &push_to_namespace(&work, &central, "team", &["master"]),
        "version/kind",
    );
    assert_eq!(
        central.git(&["rev-parse", ns_master]),
        before,
        "no ref moved"
    );
    refused(
        &push_to_namespace(&work, &central, "team", &["+HEAD~2:refs/heads/master"]),
        "branch/force",
    );
    assert_eq!(
        central.git(&["rev-parse", ns_master]),
        before,
        "no ref moved"
    );
    // A nested namespace is one too.
    accepted(&push_to_namespace(
        &work,
        &central,
        "a/b",
        &["HEAD~1:refs/heads/master", "rc"],
    ));
    refused(
        &push_to_namespace(&work, &central, "a/b", &["master"]),
        "version/kind",
    );
}

/// `pre-receive` alone judges a namespace's refs once `git pack-refs` has packed them (libgit2
/// reads only a namespace's loose refs): a force-push of the namespace's master is refused.
#[test]
fn pre_receive_reads_a_namespaces_packed_refs() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    std::fs::remove_file(central.path.join("hooks/reference-transaction"))
        .expect("remove reference-transaction");
    accepted(&push_to_namespace(
        &work,
        &central,
        "team",
        &["master", "rc"],
    ));
    central.git(&["pack-refs", "--all"]);
    let ns_master = "refs/namespaces/team/refs/heads/master";
    let before = central.git(&["rev-parse", ns_master]);
    refused(
        &push_to_namespace(&work, &central, "team", &["+HEAD~1:refs/heads/master"]),
        "branch/force",
    );
    assert_eq!(
        central.git(&["rev-parse", ns_master]),
        before,
        "no ref moved"
    );
}
