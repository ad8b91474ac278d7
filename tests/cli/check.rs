//! `git policy check` on real repositories following (and breaking) the pytokio process.

use crate::fixtures::pytokio_repo;
use crate::harness::{Run, Sandbox, TestRepo, ZERO, accepted, judging, rejected};

/// Merges `branch` into `target` with `options` and judges `target`'s move.
fn merged_into(repo: &TestRepo, target: &str, branch: &str, options: &[&str]) -> Run {
    repo.checkout(target);
    let old = repo.rev(target);
    repo.merge(branch, options);
    moved(repo, target, &old)
}

/// Judges moving `branch` from `old` to its current tip.
fn moved(repo: &TestRepo, branch: &str, old: &str) -> Run {
    let new = repo.rev(branch);
    let refname = if branch.starts_with("refs/") {
        branch.to_owned()
    } else {
        format!("refs/heads/{branch}")
    };
    repo.judge(&refname, old, &new)
}

/// A full pytokio release cycle, judged step by step as a server would, is accepted throughout.
#[test]
fn pytokio_release_cycle_is_accepted() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("work");
    let first = repo.set_version("0.12.0.dev1");
    accepted(&repo.judge("refs/heads/master", ZERO, &first));
    // master moves to the next minor before rc exists beside it.
    let bumped = repo.set_version("0.13.0.dev1");
    accepted(&repo.judge("refs/heads/master", &first, &bumped));
    repo.git(&["branch", "rc", &first]);
    accepted(&repo.judge("refs/heads/rc", ZERO, &first));

    // Features land on master through topic branches.
    repo.topic("feature", "master");
    accepted(&merged_into(&repo, "master", "feature", &["--no-ff"]));

    // A hotfix committed directly on rc.
    repo.checkout("rc");
    let old = repo.rev("rc");
    repo.change("fix.txt", "fix\n", "hotfix on rc");
    accepted(&moved(&repo, "rc", &old));

    // First beta: branch 0.12 from rc, bump to 0.12.0b1, tag, move on to 0.12.0b2.
    repo.cut("0.12", "rc", "0.12.0b1");
    accepted(&moved(&repo, "0.12", ZERO));
    repo.git(&["tag", "-a", "-m", "first beta", "v0.12.0b1"]);
    accepted(&moved(&repo, "refs/tags/v0.12.0b1", ZERO));
    let old = repo.rev("0.12");
    repo.set_version("0.12.0b2");
    accepted(&moved(&repo, "0.12", &old));

    // A fix on rc, cherry-picked with -x into the version branch.
    repo.checkout("rc");
    let old = repo.rev("rc");
    let fix = repo.change("fix.txt", "fix 2\n", "second hotfix on rc");
    accepted(&moved(&repo, "rc", &old));
    repo.checkout("0.12");
    let old = repo.rev("0.12");
    repo.git(&["cherry-pick", "-x", &fix]);
    accepted(&moved(&repo, "0.12", &old));

    // Second beta, tagged in the seed's other spelling, then the branch moves on.
    repo.git(&["tag", "v0.12.0-beta2"]);
    accepted(&moved(&repo, "refs/tags/v0.12.0-beta2", ZERO));
    let old = repo.rev("0.12");
    repo.set_version("0.12.0b3");
    accepted(&moved(&repo, "0.12", &old));

    // The final release.
    let old = repo.rev("0.12");
    repo.set_version("0.12.0");
    accepted(&moved(&repo, "0.12", &old));
    repo.git(&["tag", "-a", "-m", "release", "v0.12.0"]);
    accepted(&moved(&repo, "refs/tags/v0.12.0", ZERO));

    // The next feature freeze, pushed as one atomic set: rc merges master, master moves on.
    repo.checkout("rc");
    let (rc_old, master_old) = (repo.rev("rc"), repo.rev("master"));
    repo.merge("master", &[]);
    let rc_new = repo.rev("rc");
    // Pushed alone, rc would reach master's version: the wrong way round.
    let wrong = repo.judge("refs/heads/rc", &rc_old, &rc_new);
    rejected(&wrong, "version/relation");
    assert!(
        wrong.all().contains("git push --atomic origin master rc"),
        "{}",
        wrong.all()
    );
    repo.checkout("master");
    let master_new = repo.set_version("0.14.0.dev1");
    accepted(&repo.judge_all(&[
        ("refs/heads/master", &master_old, &master_new),
        ("refs/heads/rc", &rc_old, &rc_new),
    ]));

    // And the repository as a whole is in line with the policy.
    accepted(&repo.policy(&["check"]));
}

/// A freeze done the other way that SPEC.md allows: master bumped first, then rc merges the
/// commit before the bump.
#[test]
fn freeze_with_master_bumped_first_is_accepted() {
    let repo = pytokio_repo();
    let before_bump = repo.rev("master");
    let old = repo.rev("master");
    repo.set_version("0.14.0.dev1");
    accepted(&moved(&repo, "master", &old));
    accepted(&merged_into(&repo, "rc", &before_bump, &[]));
}

/// rc merged back into master is flow/foreign.
#[test]
fn rc_merged_into_master_is_rejected() {
    let repo = pytokio_repo();
    let old = repo.back_merge();
    let run = moved(&repo, "master", &old);
    rejected(&run, "flow/foreign");
    assert!(
        run.all().contains("hotfix on rc"),
        "names the commit:\n{}",
        run.all()
    );
}

/// master fast-forwarded to rc (no merge commit at all) is flow/foreign too.
#[test]
fn master_fast_forwarded_to_rc_is_rejected() {
    let repo = pytokio_repo();
    repo.checkout("rc");
    repo.merge("master", &["--ff-only"]);
    repo.hotfix_on_rc();
    let old = repo.rev("master");
    repo.merge("rc", &["--ff-only"]);
    rejected(&moved(&repo, "master", &old), "flow/foreign");
}

/// A version branch merged into rc is flow/foreign.
#[test]
fn version_branch_merged_into_rc_is_rejected() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    rejected(
        &merged_into(&repo, "rc", "0.12", &["--no-ff"]),
        "flow/foreign",
    );
}

/// A feature branch merged into rc is flow/source.
#[test]
fn feature_branch_merged_into_rc_is_rejected() {
    let repo = pytokio_repo();
    repo.topic("topic", "rc");
    let run = merged_into(&repo, "rc", "topic", &["--no-ff"]);
    rejected(&run, "flow/source");
    assert!(
        run.all().contains("`topic`"),
        "names the merged branch:\n{}",
        run.all()
    );
}

/// master merged straight into a version branch, skipping rc, is flow/foreign.
#[test]
fn master_merged_into_version_branch_is_rejected() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    let run = merged_into(&repo, "0.12", "master", &["--no-ff", "-X", "ours"]);
    rejected(&run, "flow/foreign");
}

/// 0.12 merged into 0.13 is flow/foreign.
#[test]
fn version_branch_merged_across_is_rejected() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.change("only-012.txt", "x\n", "fix only on 0.12");
    repo.cut("0.13", "rc", "0.13.0b1");
    let run = merged_into(&repo, "0.13", "0.12", &["--no-ff", "-X", "ours"]);
    rejected(&run, "flow/foreign");
}

/// master and rc without `.devN`, and a beta on master, are version/kind.
#[test]
fn missing_dev_suffix_is_rejected() {
    let repo = pytokio_repo();
    let old = repo.rev("master");
    repo.set_version("0.13.0");
    rejected(&moved(&repo, "master", &old), "version/kind");
    repo.git(&["reset", "-q", "--hard", &old]);
    repo.set_version("0.13.0b1");
    rejected(&moved(&repo, "master", &old), "version/kind");
    repo.checkout("rc");
    let old = repo.rev("rc");
    repo.set_version("0.12.0b1");
    rejected(&moved(&repo, "rc", &old), "version/kind");
}

/// rc catching up with master's minor is version/relation.
#[test]
fn master_not_above_rc_is_rejected() {
    let repo = pytokio_repo();
    repo.checkout("rc");
    let old = repo.rev("rc");
    repo.set_version("0.13.0.dev0");
    rejected(&moved(&repo, "rc", &old), "version/relation");
}

/// Branch 0.12 carrying 0.13.0b1 is version/branch-name.
#[test]
fn version_branch_with_other_minor_is_rejected() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.13.0b1");
    rejected(&moved(&repo, "0.12", ZERO), "version/branch-name");
}

/// A version going backwards is version/monotonic.
#[test]
fn version_going_backwards_is_rejected() {
    let repo = pytokio_repo();
    let old = repo.rev("master");
    repo.set_version("0.13.0.dev0");
    rejected(&moved(&repo, "master", &old), "version/monotonic");
}

/// New commits on a version branch still at its last tag's version are version/ahead-of-tags.
#[test]
fn version_branch_behind_its_tag_is_rejected() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.git(&["tag", "v0.12.0b1"]);
    let old = repo.rev("0.12");
    repo.change("fix.txt", "fix\n", "a fix after the beta");
    let run = moved(&repo, "0.12", &old);
    rejected(&run, "version/ahead-of-tags");
    assert!(
        run.all().contains("0.12.0b2"),
        "suggests the next beta:\n{}",
        run.all()
    );
}

/// An annotated release tag peeled from `packed-refs` (with a commit-graph, as `git gc`
/// leaves a server) counts as it does loose: the branch behind it is still refused, and the
/// tagged commit itself is still the release.
#[test]
fn packed_annotated_tag_is_peeled_like_a_loose_one() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.git(&["tag", "-a", "-m", "beta", "v0.12.0b1"]);
    let tagged = repo.rev("0.12");
    repo.change("fix.txt", "fix\n", "a fix after the beta");
    let loose = moved(&repo, "0.12", &tagged);
    rejected(&loose, "version/ahead-of-tags");
    repo.git(&["pack-refs", "--all"]);
    repo.git(&["commit-graph", "write", "--reachable"]);
    let packed = std::fs::read_to_string(repo.path.join(".git/packed-refs")).expect("packed");
    assert!(packed.lines().any(|l| l.starts_with('^')), "{packed}");
    let run = moved(&repo, "0.12", &tagged);
    rejected(&run, "version/ahead-of-tags");
    assert_eq!(run.stdout, loose.stdout);
    accepted(&repo.judge("refs/heads/0.12", ZERO, &tagged));
}

/// Where the generations of tagged commits cannot be remembered (here `git-policy` is a file,
/// not a folder), the verdict is the same and nothing else is said.
#[test]
fn unwritable_remembered_generations_change_nothing() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.git(&["tag", "-a", "-m", "beta", "v0.12.0b1"]);
    let tagged = repo.rev("0.12");
    repo.change("fix.txt", "fix\n", "a fix after the beta");
    repo.git(&["commit-graph", "write", "--reachable"]);
    let writable = moved(&repo, "0.12", &tagged);
    rejected(&writable, "version/ahead-of-tags");
    let folder = repo.path.join(".git/git-policy");
    assert!(folder.join("generations").is_file(), "remembered");
    std::fs::remove_dir_all(&folder).expect("remove");
    std::fs::write(&folder, "in the way\n").expect("a file in the way");
    let blocked = moved(&repo, "0.12", &tagged);
    rejected(&blocked, "version/ahead-of-tags");
    assert_eq!(blocked.stdout, writable.stdout);
    assert_eq!(blocked.stderr, writable.stderr);
    assert_eq!(
        std::fs::read_to_string(&folder).expect("file"),
        "in the way\n"
    );
}

/// Two version files that disagree are version/lockstep.
#[test]
fn version_files_disagreeing_is_rejected() {
    let repo = pytokio_repo();
    repo.policy_file_with(
        "files = [\"tokio/__init__.py\"]",
        "files = [\"tokio/__init__.py\", \"VERSION\"]",
    );
    repo.write("VERSION", "0.13.0.dev1\n");
    repo.commit("add the policy and a VERSION file");
    let old = repo.rev("master");
    repo.change("VERSION", "0.13.0.dev2\n", "bump only VERSION");
    rejected(&moved(&repo, "master", &old), "version/lockstep");
}

/// A tag naming another version than its commit's is tag/version.
#[test]
fn tag_on_wrong_version_is_rejected() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.set_version("0.12.0b2");
    repo.git(&["tag", "v0.12.0b1"]);
    rejected(&moved(&repo, "refs/tags/v0.12.0b1", ZERO), "tag/version");
}

/// A release tag on master is tag/branch.
#[test]
fn release_tag_on_master_is_rejected() {
    let repo = pytokio_repo();
    repo.git(&["tag", "v0.13.0.dev1"]);
    rejected(&moved(&repo, "refs/tags/v0.13.0.dev1", ZERO), "tag/branch");
}

/// Rewriting or deleting a protected branch, and moving a release tag, are rejected.
#[test]
fn force_push_delete_and_moved_tag_are_rejected() {
    let repo = pytokio_repo();
    let old = repo.rev("master");
    repo.git(&["reset", "-q", "--hard", "master~1"]);
    repo.change("other.txt", "x\n", "rewritten history");
    rejected(&moved(&repo, "master", &old), "branch/force");
    rejected(
        &repo.judge("refs/heads/rc", &repo.rev("rc"), ZERO),
        "branch/delete",
    );

    let b1 = repo.cut("0.12", "rc", "0.12.0b1");
    repo.set_version("0.12.0b2");
    repo.git(&["tag", "v0.12.0b1", &b1]);
    let moved_to = repo.set_version("0.12.0b1.post1");
    let run = repo.judge("refs/tags/v0.12.0b1", &b1, &moved_to);
    rejected(&run, "tag/immutable");
    rejected(&repo.judge("refs/tags/v0.12.0b1", &b1, ZERO), "tag/delete");
}

/// `--base/--head` gives the same verdict as the update the merge makes.
#[test]
fn pull_request_verdict_equals_the_merge_update() {
    let repo = pytokio_repo();
    repo.hotfix_on_rc();
    let pr = repo.policy(&["check", "--base", "master", "--head", "rc"]);
    let old = repo.rev("master");
    repo.merge("rc", &["--no-ff"]);
    let merged = moved(&repo, "master", &old);
    assert_eq!(pr.code, 1, "{}", pr.all());
    assert_eq!(
        pr.rules(),
        merged.rules(),
        "pr:\n{}\nmerge:\n{}",
        pr.all(),
        merged.all()
    );
}

/// `--head feat` with a branch and a tag `feat` judges the branch (git's lookup would take the
/// tag) and says so in a note; `refs/tags/feat` judges the tag.
#[test]
fn head_naming_a_branch_and_a_tag_is_the_branch_with_a_note() {
    let repo = pytokio_repo();
    repo.hotfix_on_rc();
    repo.topic("feat", "master");
    repo.checkout("master");
    repo.git(&["tag", "feat", "rc"]);
    let run = repo.policy(&["check", "--base", "master", "--head", "feat"]);
    accepted(&run);
    assert!(
        run.stdout
            .contains("note: `feat` names both a branch and a tag: judged the branch"),
        "{}",
        run.all()
    );
    let tag = repo.policy(&["check", "--base", "master", "--head", "refs/tags/feat"]);
    rejected(&tag, "flow/foreign");
    assert!(!tag.stdout.contains("note:"), "{}", tag.all());
}

/// A pull request from master into rc passes once master is on the next minor; from a feature
/// branch into rc it fails.
#[test]
fn pull_requests_into_rc() {
    let repo = pytokio_repo();
    let before_bump = repo.rev("master");
    repo.set_version("0.14.0.dev1");
    accepted(&repo.policy(&["check", "--base", "rc", "--head", &before_bump]));
    repo.topic("topic", "rc");
    rejected(
        &repo.policy(&["check", "--base", "rc", "--head", "topic"]),
        "flow/source",
    );
}

/// JSON output carries the rule, the full ref name, the commits and the hint.
#[test]
fn json_output_names_rule_and_full_ref() {
    let repo = pytokio_repo();
    repo.git(&["tag", "v0.13.0.dev1"]);
    let new = repo.rev("refs/tags/v0.13.0.dev1");
    let mut args = judging("refs/tags/v0.13.0.dev1", "-", &new);
    args.extend(["--format", "json"]);
    let run = repo.policy(&args);
    assert_eq!(run.code, 1, "{}", run.all());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(doc["ok"], false);
    let first = &doc["violations"][0];
    assert_eq!(first["ref"], "refs/tags/v0.13.0.dev1");
    assert!(
        first["rule"]
            .as_str()
            .is_some_and(|r| r.starts_with("tag/")),
        "{doc}"
    );
    assert!(
        first["commits"][0]["id"]
            .as_str()
            .is_some_and(|id| id.len() == 40),
        "{doc}"
    );
}

/// The text a person reads for a back-merge: rule, ref, commit, why, and the fix.
#[test]
fn back_merge_message_snapshot() {
    let repo = pytokio_repo();
    let old = repo.back_merge();
    let run = moved(&repo, "master", &old);
    insta::assert_snapshot!(run.stdout);
}

/// A pull request whose version file changed on both sides is reported as a conflict to
/// resolve (exit 2), not judged on one side's version.
#[test]
fn pull_request_with_conflicting_version_is_reported() {
    let repo = pytokio_repo();
    repo.cut("topic", "master~2", "0.13.0.dev7");
    let run = repo.policy(&["check", "--base", "master", "--head", "topic"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("both sides change `tokio/__init__.py`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("hint: resolve the conflict"),
        "{}",
        run.stderr
    );
}

/// A packed file larger than libgit2's pack window (2 MB) is read whole: the entry on the last
/// line of 3 MB of random text is found, and without it the tag is changelog/entry.
#[test]
fn changelog_larger_than_a_pack_window_is_read_whole() {
    let repo = pytokio_repo();
    repo.cut("0.12", "rc", "0.12.0b1");
    repo.policy_file_with(
        "deletable = false",
        "deletable = false\nchangelog = { file = \"NEWS\", heading = '^{version}$' }",
    );
    // Printable ASCII at random: deflate packs it to about 80%, so it stays over a window.
    let mut rng = fastrand::Rng::with_seed(12);
    let noise: String = (0..50_000)
        .map(|_| {
            (0..64)
                .map(|_| char::from(rng.u8(33..127)))
                .collect::<String>()
                + "\n"
        })
        .collect();
    let without = repo.change("NEWS", &noise, "3 MB of news");
    let with = repo.change(
        "NEWS",
        &format!("{noise}0.12.0b1\n"),
        "the beta's entry, last",
    );
    repo.git(&["gc", "-q"]);
    let packs = std::fs::read_dir(repo.path.join(".git/objects/pack")).expect("packs");
    let packed: u64 = packs
        .map(|p| p.expect("pack").metadata().expect("size").len())
        .sum();
    assert!(
        packed > 2 << 20,
        "the news is packed over a window: {packed} bytes"
    );
    rejected(
        &repo.judge("refs/tags/v0.12.0b1", ZERO, &without),
        "changelog/entry",
    );
    accepted(&repo.judge("refs/tags/v0.12.0b1", ZERO, &with));
}
