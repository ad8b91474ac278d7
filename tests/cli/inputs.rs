//! Hostile and unusual input that is not a policy: version files, tags of odd objects, odd ref
//! names, odd repositories and malformed hook input. Each gets a verdict or a clear error,
//! never a guess; `docs/reliability.md` lists them all.

use crate::fixtures::pytokio_repo;
use crate::harness::{Run, Sandbox, TestRepo, ZERO, accepted, failed, pytokio};

#[track_caller]
fn violation(run: &Run, rule: &str, needle: &str) {
    assert_eq!(run.code, 1, "expected a violation:\n{}", run.all());
    assert_eq!(run.rules(), [rule], "{}", run.all());
    assert!(
        run.all().contains(needle),
        "expected {needle:?} in:\n{}",
        run.all()
    );
}

/// Commits `bytes` as master's version file and judges master's new tip.
fn master_with_version_file(repo: &TestRepo, bytes: &[u8]) -> Run {
    let old = repo.rev("master");
    std::fs::write(repo.path.join("tokio/__init__.py"), bytes).expect("write the version file");
    let new = repo.commit("change the version file");
    repo.judge("refs/heads/master", &old, &new)
}

/// A protected branch without its version file breaks version/kind, naming the file.
#[test]
fn missing_version_file_is_a_violation() {
    let repo = pytokio_repo();
    let old = repo.rev("master");
    repo.git(&["rm", "-q", "tokio/__init__.py"]);
    let new = repo.commit("drop the version file");
    violation(
        &repo.judge("refs/heads/master", &old, &new),
        "version/kind",
        "no version file is here (looked for `tokio/__init__.py`)",
    );
}

/// A version file that is not UTF-8 is an error naming the file.
#[test]
fn version_file_not_utf8_is_an_error() {
    let repo = pytokio_repo();
    let run = master_with_version_file(&repo, b"__version__ = \"0.13.0.dev2\"\n\xff\xfe\n");
    failed(&run, &["`tokio/__init__.py`", "is not UTF-8 text"]);
}

/// A byte-order mark and CRLF line ends (an editor on Windows) are read as the version.
#[test]
fn version_file_with_bom_and_crlf_is_read() {
    let repo = pytokio_repo();
    let run = master_with_version_file(
        &repo,
        "\u{feff}\"\"\"pytokio\"\"\"\r\n__version__ = \"0.13.0.dev2\"\r\n".as_bytes(),
    );
    accepted(&run);
}

/// Two `__version__` assignments are ambiguous: an error naming both lines.
#[test]
fn two_version_assignments_are_an_error() {
    let repo = pytokio_repo();
    let run = master_with_version_file(
        &repo,
        b"__version__ = \"0.13.0.dev2\"\n__version__ = \"0.13.0.dev3\"\n",
    );
    failed(
        &run,
        &[
            "`tokio/__init__.py`",
            "line 2: `__version__` is bound a second time (the first binding is on line 1)",
        ],
    );
}

/// A version file that is a symbolic link is refused, not followed out of the tree.
#[test]
fn version_file_symlink_is_an_error() {
    let repo = pytokio_repo();
    let old = repo.rev("master");
    repo.change(
        "tokio/real.py",
        "__version__ = \"0.13.0.dev2\"\n",
        "a second module",
    );
    std::fs::remove_file(repo.path.join("tokio/__init__.py")).expect("remove");
    std::os::unix::fs::symlink("real.py", repo.path.join("tokio/__init__.py")).expect("symlink");
    let new = repo.commit("make the version file a link");
    failed(
        &repo.judge("refs/heads/master", &old, &new),
        &["`tokio/__init__.py`", "is a symbolic link"],
    );
}

/// A huge version file is refused by its size, before its content is read.
#[test]
fn huge_version_file_is_refused_unread() {
    let repo = pytokio_repo();
    let mut bytes = b"__version__ = \"0.13.0.dev2\"\n".to_vec();
    bytes.resize(17 << 20, b'#');
    failed(
        &master_with_version_file(&repo, &bytes),
        &["`tokio/__init__.py`", "is larger than 16 MiB"],
    );
    // Under the object limit but over the version file's: refused by the reader.
    bytes.truncate(2 << 20);
    failed(
        &master_with_version_file(&repo, &bytes),
        &["`tokio/__init__.py`", "is larger than 1048576 bytes"],
    );
}

/// A release tag pointing at a tree or a blob names no commit: tag/version says so.
#[test]
fn tag_of_a_tree_or_a_blob_is_a_violation() {
    let repo = pytokio_repo();
    let tree = repo.rev("HEAD^{tree}");
    let blob = repo.rev("HEAD:tokio/__init__.py");
    violation(
        &repo.judge("refs/tags/v0.12.0", "-", &tree),
        "tag/version",
        "`v0.12.0` points at a tree, not a commit",
    );
    violation(
        &repo.judge("refs/tags/v0.12.0", "-", &blob),
        "tag/version",
        "`v0.12.0` points at a blob, not a commit",
    );
    // The same tags already in the repository are reported by an audit.
    repo.git(&["tag", "v0.12.0", &tree]);
    violation(&repo.policy(&["check"]), "tag/version", "points at a tree");
}

/// A tag of a tag is peeled to its commit and judged on that commit's version.
#[test]
fn tag_of_a_tag_is_judged_on_its_commit() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.git(&["tag", "-a", "-m", "inner", "inner"]);
    let inner = repo.rev("refs/tags/inner");
    // `git tag` asks before nesting a tag; `mktag` writes one as a server would receive it.
    let nested = |name: &str| {
        let text = format!(
            "object {inner}\ntype tag\ntag {name}\ntagger T <t@example.invalid> 1700000000 +0000\n\nnested\n"
        );
        let mut child = repo
            .command("git")
            .args(["mktag"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run git mktag");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), text.as_bytes())
            .expect("write the tag");
        let out = child.wait_with_output().expect("git mktag");
        assert!(out.status.success(), "git mktag failed");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let good = nested("v0.12.0b1");
    assert_eq!(
        repo.git(&["cat-file", "-t", &format!("{good}^{{}}")]),
        "commit"
    );
    let branch = repo.rev("0.12");
    accepted(&repo.judge_all(&[
        ("refs/heads/0.12", "-", &branch),
        ("refs/tags/v0.12.0b1", "-", &good),
    ]));
    let bad = nested("v0.12.0b2");
    violation(
        &repo.judge_all(&[
            ("refs/heads/0.12", "-", &branch),
            ("refs/tags/v0.12.0b2", "-", &bad),
        ]),
        "tag/version",
        "`v0.12.0b2` names 0.12.0b2, but the tagged commit is at 0.12.0b1",
    );
}

/// Ref names outside ASCII are judged like any other: a topic branch and a tag that is not a
/// release tag pass, and so does a branch named with non-ASCII digits, which the preset's
/// `[0-9]` does not take for a version branch.
#[test]
fn unusual_ref_names_get_a_verdict() {
    let repo = pytokio_repo();
    let tip = repo.rev("master");
    accepted(&repo.judge("refs/heads/feature/ünïcødé-ß", "-", &tip));
    accepted(&repo.judge("refs/tags/v0.13.0+ünï", "-", &tip));
    accepted(&repo.judge("refs/tags/release 💥", "-", &tip));
    let beta = repo.cut("cut", "rc", "0.12.0b1");
    accepted(&repo.judge("refs/heads/١.٢", "-", &beta));
    violation(
        &repo.judge("refs/heads/0.2", "-", &beta),
        "version/branch-name",
        "`0.2` must carry versions `==0.2.*`",
    );
}

/// An empty repository has nothing to judge and says so.
#[test]
fn empty_repository_is_checked() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("empty");
    let run = repo.policy(&["check"]);
    accepted(&run);
    assert!(run.stdout.contains("0 protected branches"), "{}", run.all());
}

/// The first commit on an unborn protected branch is judged as its creation.
#[test]
fn first_commit_on_an_unborn_branch_is_judged() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("fresh");
    accepted(&repo.policy(&["install"]));
    repo.write("README", "hello\n");
    repo.git(&["add", "README"]);
    let run = repo.git_run(&["commit", "-q", "-m", "initial"]);
    assert_ne!(run.code, 0, "master needs its version file:\n{}", run.all());
    assert!(run.all().contains("error[version/kind]"), "{}", run.all());
    assert!(
        repo.git_run(&["rev-parse", "-q", "--verify", "HEAD"]).code != 0,
        "nothing was committed"
    );
    repo.write("tokio/__init__.py", "__version__ = \"0.1.0.dev0\"\n");
    repo.git(&["add", "-A"]);
    let run = repo.git_run(&["commit", "-q", "-m", "initial"]);
    assert_eq!(run.code, 0, "{}", run.all());
}

/// On a detached `HEAD` no branch moves, so commits pass; the audit still runs.
#[test]
fn detached_head_commits_pass_and_audit_runs() {
    let repo = pytokio_repo();
    accepted(&repo.policy(&["install"]));
    repo.git(&["checkout", "-q", "--detach", "master"]);
    repo.write("tokio/__init__.py", "__version__ = \"0.13.0b1\"\n");
    let run = repo.git_run(&["commit", "-q", "-a", "-m", "experiment"]);
    assert_eq!(run.code, 0, "{}", run.all());
    accepted(&repo.policy(&["check"]));
}

/// In a bare repository the audit reads the administrator's policy, else the default.
#[test]
fn bare_repository_is_audited() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let bare = sandbox.at("bare.git");
    work.git(&[
        "clone",
        "-q",
        "--bare",
        ".",
        &bare.path.display().to_string(),
    ]);
    let run = bare.policy(&["check"]);
    accepted(&run);
    assert!(run.stdout.contains("2 protected branches"), "{}", run.all());
}

/// Malformed hook input is an error naming the line; nothing is judged on a partial read,
/// and the refs stay where they were.
#[test]
fn malformed_hook_input_is_an_error() {
    let repo = pytokio_repo();
    let master = repo.rev("master");
    repo.admin_policy();
    let before = repo.git(&["for-each-ref"]);
    let good = format!("{ZERO} {master} refs/heads/topic\n");
    for (hook, input, needle) in [
        (
            "pre-receive",
            format!("{good}not a ref line\n"),
            "line 2 of the hook's input",
        ),
        ("pre-receive", format!("{ZERO} {master} master\n"), "line 1"),
        (
            "pre-receive",
            format!("{ZERO} {} refs/heads/x\n", &master[..39]),
            "line 1",
        ),
        (
            "pre-push",
            "refs/heads/master\n".to_owned(),
            "<local ref> <local oid>",
        ),
    ] {
        let args: &[&str] = if hook == "pre-push" {
            &["hook", "pre-push", "origin", "url"]
        } else {
            &["hook", hook]
        };
        failed(&repo.policy_with_stdin(args, input.as_bytes()), &[needle]);
    }
    let not_utf8 = [good.as_bytes(), b"0000 1111 refs/heads/caf\xe9\n"].concat();
    failed(
        &repo.policy_with_stdin(&["hook", "pre-receive"], &not_utf8),
        &[
            "line 2 of the hook's input is not `UTF-8 text",
            "caf\u{fffd}",
        ],
    );
    failed(
        &repo.policy(&["hook", "update", "refs/heads/master", &master]),
        &["`update` takes <ref> <old> <new>, got 2 arguments"],
    );
    assert_eq!(repo.git(&["for-each-ref"]), before);
}

/// In a shallow clone the client hooks refuse what they would have to guess (a commit on a
/// protected branch, a push of one) and let the rest through.
#[test]
fn shallow_clone_hooks_refuse_only_what_needs_history() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let shallow = sandbox.shallow_clone(&format!("file://{}", work.path.display()), "shallow");
    accepted(&shallow.policy(&["install"]));
    shallow.write("tokio/__init__.py", "__version__ = \"0.13.0.dev2\"\n");
    let run = shallow.git_run(&["commit", "-q", "-a", "-m", "bump"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(run.all().contains("shallow clone"), "{}", run.all());
    assert!(run.all().contains("git fetch --unshallow"), "{}", run.all());
    shallow.git(&["commit", "-q", "--no-verify", "-a", "-m", "bump"]);
    let run = shallow.git_run(&["push", "origin", "master"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(run.all().contains("shallow clone"), "{}", run.all());
    shallow.git(&["checkout", "-q", "-b", "topic"]);
    shallow.write("notes.txt", "notes\n");
    shallow.git(&["add", "notes.txt"]);
    let run = shallow.git_run(&["commit", "-q", "-m", "notes"]);
    assert_eq!(
        run.code,
        0,
        "a topic commit needs no history:\n{}",
        run.all()
    );
    let run = shallow.git_run(&["push", "-q", "origin", "topic"]);
    assert_eq!(run.code, 0, "{}", run.all());
}
