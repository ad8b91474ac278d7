//! tag/duplicate, branch/name, ref/replace, ref/shadow and tag/immutable on the ref's own
//! object: the refs a push could use to change what a release or a branch name shows.

use super::*;

/// An update of any ref by full name, from its state before (absent: created).
fn raw(s: &Scenario, refname: &str, new: Option<Id>) -> Update {
    Update {
        refname: refname.to_owned(),
        old: s.refs.get(refname).copied(),
        new,
    }
}

/// The pytokio preset with one piece of text replaced.
fn pytokio_with(from: &str, to: &str) -> String {
    let text = policy::presets::text("pytokio").expect("the pytokio preset exists");
    assert!(
        text.contains(from),
        "the preset no longer contains {from:?}"
    );
    text.replace(from, to)
}

/// The cycle rewound to the beta: `0.12` past `v0.12.0b1`, with a commit on `0.12` that carries
/// 0.12.0b1 again but is not the tagged one.
fn beta_with_a_second_b1() -> (Tokio, Id) {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let picked = t.picked;
    let again = t.version(&[picked], "Release 0.12.0b1 again", "0.12.0b1");
    t.set("0.12", again);
    (t, again)
}

// ---- tag/duplicate ----

/// `v0.12.0-beta1` on another commit while `v0.12.0b1` exists is tag/duplicate, naming both.
#[test]
fn spelled_out_duplicate_on_another_commit_is_tag_duplicate() {
    let (t, again) = beta_with_a_second_b1();
    let violations = t.check(&[("tags/v0.12.0-beta1", again)]);
    assert_eq!(ids(&violations), ["tag/duplicate"]);
    let message = &violations[0].message;
    assert!(
        message.contains("`v0.12.0b1`") && message.contains(&t.b1.short()),
        "{message}"
    );
}

/// Versions compare as PEP 440: `v0.12b1` is 0.12.0b1 (release padded with zeros).
#[test]
fn zero_padded_spelling_is_the_same_version() {
    let (t, again) = beta_with_a_second_b1();
    assert_eq!(t.rules(&[("tags/v0.12b1", again)]), ["tag/duplicate"]);
    assert_eq!(t.rules(&[("tags/v0.12.0.b1", again)]), ["tag/duplicate"]);
}

/// A second spelling on the same commit is refused too: one version has one tag, so a second
/// tag object (another message or signature) cannot be added to a release.
#[test]
fn second_spelling_on_the_same_commit_is_tag_duplicate() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let b1 = t.b1;
    let violations = t.check(&[("tags/v0.12.0-beta1", b1)]);
    assert_eq!(ids(&violations), ["tag/duplicate"]);
    assert!(
        violations[0].message.contains("on this commit"),
        "{}",
        violations[0].message
    );
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("git tag -d v0.12.0-beta1"), "{hint}");
}

/// Two new tags of one version in one push, on two commits, are both refused: each sees the
/// other in the state after the push.
#[test]
fn two_new_tags_of_one_version_in_one_push_are_both_duplicates() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let (b2, picked) = (t.b2, t.picked);
    let violations = t.check(&[("tags/v0.12.0b2", b2), ("tags/v0.12.0-beta2", picked)]);
    assert_eq!(ids(&violations), ["tag/duplicate", "tag/duplicate"]);
    let mut refs: Vec<&str> = violations.iter().map(|v| v.refname.as_str()).collect();
    refs.sort_unstable();
    assert_eq!(refs, ["refs/tags/v0.12.0-beta2", "refs/tags/v0.12.0b2"]);
    // Alone, either one is a release.
    assert_eq!(t.rules(&[("tags/v0.12.0-beta2", picked)]), ACCEPTED);
}

/// Two spellings of one version on one commit in one push: both refused.
#[test]
fn two_spellings_on_one_commit_in_one_push_are_both_duplicates() {
    let mut t = Tokio::cycle();
    let beta = t.in_beta.clone();
    t.rewind(&beta);
    let picked = t.picked;
    assert_eq!(
        t.rules(&[("tags/v0.12.0b2", picked), ("tags/v0.12.0-beta2", picked)]),
        ["tag/duplicate", "tag/duplicate"]
    );
}

/// A deletable tag deleted and recreated, on the same commit or another, is no duplicate: the
/// deleted tag releases nothing. Deleting one spelling and creating another in one push too.
#[test]
fn recreating_a_deleted_tag_is_not_a_duplicate() {
    let mut s = Scenario::custom(RC_PRODUCTION);
    let main = s.files(
        &[],
        "Release 1.2.3",
        &[("src/__init__.py", "__version__ = \"1.2.3\"\n")],
    );
    s.set("main", main);
    s.accept(&[("tags/v1.2.3-rc1", main)]);
    assert_eq!(s.delete("tags/v1.2.3-rc1"), ACCEPTED);
    let fixed = s.commit(&[main], "fix: what QA found");
    s.set("main", fixed);
    s.unset("tags/v1.2.3-rc1");
    assert_eq!(s.rules(&[("tags/v1.2.3-rc1", main)]), ACCEPTED);
    assert_eq!(s.rules(&[("tags/v1.2.3-rc1", fixed)]), ACCEPTED);
    s.set("tags/v1.2.3-rc1", main);
    let swap = [
        s.update("tags/v1.2.3-rc1", None),
        s.update("tags/v1.2.3rc1", Some(fixed)),
    ];
    assert!(s.judge(&swap).is_empty());
    // With the old one kept, the new spelling elsewhere is a second release of 1.2.3rc1.
    assert_eq!(s.rules(&[("tags/v1.2.3rc1", fixed)]), ["tag/duplicate"]);
}

/// A release of the same version whose object cannot be read still counts, and is no error.
#[test]
fn unreadable_release_of_the_same_version_is_a_duplicate_not_an_error() {
    let (mut t, again) = beta_with_a_second_b1();
    t.set("tags/v0.12.0-beta1", Id([9; 20]));
    assert_eq!(
        t.rules(&[("tags/v0.12.0.b1", again)]),
        ["tag/duplicate", "tag/duplicate"]
    );
}

/// Other versions and tags that are not releases are not duplicates.
#[test]
fn other_versions_and_plain_tags_are_not_duplicates() {
    let (t, again) = beta_with_a_second_b1();
    assert_eq!(t.rules(&[("tags/nightly", again)]), ACCEPTED);
    let b1 = t.b1;
    assert_eq!(
        t.rules(&[("tags/v0.12.0b1", b1)]),
        ACCEPTED,
        "re-pushed as it is"
    );
}

// ---- branch/name ----

/// `00.12` and `0.012` match the version pattern but are not its spelling: branch/name, and
/// nothing else; `0.12`, the name the hint gives, is accepted.
#[test]
fn version_branch_with_leading_zeros_is_branch_name() {
    let mut t = Tokio::cycle();
    t.unset("0.12");
    let b1 = t.b1;
    for name in ["00.12", "0.012", "000.0012"] {
        let violations = t.check(&[(name, b1)]);
        assert_eq!(ids(&violations), ["branch/name"], "{name}");
        let hint = violations[0].hint.as_deref().unwrap_or_default();
        assert!(
            hint.contains(&format!("git push origin {b1}:refs/heads/0.12")),
            "{hint}"
        );
    }
    assert_eq!(t.rules(&[("0.12", b1)]), ACCEPTED);
    assert_eq!(
        t.rules(&[("0.0", b1)]),
        ["version/branch-name"],
        "zero is canonical"
    );
}

/// The attack of the issue: one push creating `00.12` from rc with a commit at 0.12.0b1 and
/// tagging it `v0.12.0-beta1` while `v0.12.0b1` exists elsewhere.
#[test]
fn second_version_branch_and_spelled_tag_in_one_push_are_refused() {
    let mut t = Tokio::cycle();
    let hotfix = t.hotfix;
    let fake = t.files(
        &[hotfix],
        "Release 0.12.0b1",
        &[
            (VERSION_FILE, &py("0.12.0b1")),
            ("tokio/evil.py", "x = 1\n"),
        ],
    );
    let violations = t.check(&[("00.12", fake), ("tags/v0.12.0-beta1", fake)]);
    assert_eq!(ids(&violations), ["branch/name", "tag/duplicate"]);
}

/// A fixed-width capture has one spelling: `24.04` under `[0-9]{2}` keeps its zero; under
/// `[0-9]+` the same name is `24.4` spelled with a zero.
#[test]
fn fixed_width_captures_keep_their_zeros() {
    let policy = |digits: &str| {
        format!(
            "[branches.release]\npattern = '^(?P<yy>{digits})\\.(?P<mm>{digits})$'\naccepts = \"any\"\n"
        )
    };
    let mut s = Scenario::custom(&policy("[0-9]{2}"));
    let root = s.commit(&[], "Initial");
    assert_eq!(s.rules(&[("24.04", root)]), ACCEPTED);
    let mut s = Scenario::custom(&policy("[0-9]+"));
    let root = s.commit(&[], "Initial");
    assert_eq!(s.rules(&[("24.04", root)]), ["branch/name"]);
    assert_eq!(s.rules(&[("24.4", root)]), ACCEPTED);
}

/// A malformed branch that exists may be deleted (the repair), not updated.
#[test]
fn malformed_branch_is_deleted_not_updated() {
    let mut t = Tokio::cycle();
    let (b1, b2) = (t.b1, t.b2);
    t.set("00.12", b1);
    assert_eq!(t.delete("00.12"), ACCEPTED);
    assert_eq!(t.rules(&[("00.12", b2)]), ["branch/name"]);
}

/// Where the canonical branch exists, the hint builds on it instead of naming a second one.
#[test]
fn malformed_branch_hint_builds_on_the_existing_branch() {
    let t = Tokio::cycle();
    let release = t.release;
    let violations = t.check(&[("00.12", release)]);
    assert_eq!(ids(&violations), ["branch/name"]);
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("git rebase origin/0.12 && git push origin HEAD:refs/heads/0.12"),
        "{hint}"
    );
}

/// The commit being made on a malformed branch is refused with a hint to rename the branch,
/// or to commit on the canonical one where it exists.
#[test]
fn commit_on_a_malformed_branch_hints_a_rename() {
    let mut t = Tokio::cycle();
    let b1 = t.b1;
    t.set("00.12", b1);
    let hint = |t: &Tokio| {
        let view = WithPending {
            inner: &t.repo,
            pending: Pending {
                parents: vec![b1],
                message: "(the commit being made)".into(),
                files: Box::new(pending_files(&[(VERSION_FILE, &py("0.12.0b2"))])),
            },
        };
        let violations = t.judge_in(&view, &[t.update("00.12", Some(Id::PENDING))]);
        assert_eq!(ids(&violations), ["branch/name"]);
        violations[0].hint.clone().unwrap_or_default()
    };
    let switch = hint(&t);
    assert!(switch.contains("git switch 0.12"), "{switch}");
    t.unset("0.12");
    let rename = hint(&t);
    assert!(rename.contains("git branch -m 00.12 0.12"), "{rename}");
}

// ---- ref/replace ----

/// A replace ref is refused unless the policy allows it; deleting one is allowed.
#[test]
fn replace_refs_are_refused_unless_allowed() {
    let t = Tokio::cycle();
    let (b1, evil) = (t.b1, t.hotfix);
    let replace = format!("refs/replace/{b1}");
    let violations = t.judge(&[raw(&t, &replace, Some(evil))]);
    assert_eq!(ids(&violations), ["ref/replace"]);
    assert_eq!(violations[0].refname, replace);
    let mut t = t;
    t.refs.insert(replace.clone(), evil);
    assert!(t.judge(&[raw(&t, &replace, None)]).is_empty(), "deleted");

    let allowed = pytokio_with(
        "[tags.release]",
        "[refs]\nallow-replace = true\n\n[tags.release]",
    );
    let s = Scenario::custom(&allowed);
    assert!(s.policy.allow_replace);
    let mut s = s;
    let root = s.commit(&[], "Initial");
    let other = s.commit(&[], "Another root");
    let update = Update {
        refname: format!("refs/replace/{root}"),
        old: None,
        new: Some(other),
    };
    assert!(s.judge(&[update]).is_empty());
}

/// Refs that name nothing a branch or tag answers to are not judged: notes, forge refs.
#[test]
fn notes_and_forge_refs_are_not_judged() {
    let t = Tokio::cycle();
    let evil = t.hotfix;
    for refname in [
        "refs/notes/commits",
        "refs/pull/1/head",
        "refs/merge-requests/1/head",
        "refs/remotes/origin/master",
    ] {
        assert!(
            t.judge(&[raw(&t, refname, Some(evil))]).is_empty(),
            "{refname}"
        );
    }
}

// ---- ref/shadow ----

/// A tag named like a protected branch, by name or by pattern, or like a remote-tracking
/// branch of one (`origin/master`), is ref/shadow and only that; deleting one is allowed.
#[test]
fn tags_named_like_protected_branches_are_ref_shadow() {
    let mut t = Tokio::cycle();
    let evil = t.hotfix;
    for tag in ["tags/master", "tags/rc", "tags/0.12", "tags/0.99"] {
        assert_eq!(t.rules(&[(tag, evil)]), ["ref/shadow"], "{tag}");
    }
    assert_eq!(t.rules(&[("tags/feat", evil)]), ACCEPTED);
    for tag in ["tags/origin/master", "tags/upstream/0.12"] {
        let violations = t.check(&[(tag, evil)]);
        assert_eq!(ids(&violations), ["ref/shadow"], "{tag}");
        assert!(
            violations[0].message.contains("remote-tracking"),
            "{}",
            violations[0].message
        );
    }
    assert_eq!(t.rules(&[("tags/docs/master-plan", evil)]), ACCEPTED);
    t.set("tags/master", evil);
    assert_eq!(t.delete("tags/master"), ACCEPTED);
}

/// Refs git finds under a short name before tags and branches (`refs/master`), or after
/// them when there is no branch (`refs/remotes/0.13`), shadow it too, release tags included.
#[test]
fn other_refs_under_a_protected_or_release_name_are_ref_shadow() {
    let t = Tokio::cycle();
    let evil = t.hotfix;
    for refname in [
        "refs/master",
        "refs/0.12",
        "refs/v0.12.0b1",
        "refs/remotes/0.13",
        "refs/remotes/rc/HEAD",
    ] {
        assert_eq!(
            ids(&t.judge(&[raw(&t, refname, Some(evil))])),
            ["ref/shadow"],
            "{refname}"
        );
    }
}

/// A new unprotected branch named like a release tag is ref/shadow; an existing one may move,
/// and other topic branches are free.
#[test]
fn branch_named_like_a_release_tag_is_ref_shadow() {
    let mut t = Tokio::cycle();
    let (b1, b2) = (t.b1, t.b2);
    assert_eq!(t.rules(&[("v0.12.0b1", b2)]), ["ref/shadow"]);
    assert_eq!(
        t.rules(&[("v9.9", b2)]),
        ["ref/shadow"],
        "a release tag's name"
    );
    assert_eq!(t.rules(&[("vendor-import", b2)]), ACCEPTED);
    assert_eq!(t.rules(&[("v2-migration", b2)]), ACCEPTED, "no version");
    assert_eq!(
        t.rules(&[("v1.0.dev1", b2)]),
        ACCEPTED,
        "no release tag is a dev version"
    );
    t.set("v0.12.0b1", b1);
    assert_eq!(t.rules(&[("v0.12.0b1", b2)]), ACCEPTED);
}

/// A new branch under a protected branch's name (`0.13/x`, `rc/x`) or a new tag under a
/// release tag's (`v0.13.0/x`) is ref/shadow: git could not create the branch or the tag
/// beside it. Other directories (`topic/0.13`, a tag `0.13/x`) and existing refs are free.
#[test]
fn refs_under_a_protected_or_release_name_are_ref_shadow() {
    let mut t = Tokio::cycle();
    let b2 = t.b2;
    for name in [
        "0.13/x",
        "0.99/a/b",
        "master/x",
        "tags/v0.13.0/x",
        "tags/v9.9/a/b",
    ] {
        assert_eq!(t.rules(&[(name, b2)]), ["ref/shadow"], "{name}");
    }
    for name in [
        "topic/0.13",
        "tags/0.13/x",
        "tags/v2-migration/x",
        "v0.13.0/x",
    ] {
        assert_eq!(t.rules(&[(name, b2)]), ACCEPTED, "{name}");
    }
    t.set("0.13/x", b2);
    assert_eq!(
        t.rules(&[("0.13/x", t.b1)]),
        ACCEPTED,
        "an existing ref moves"
    );
}

/// A new branch or tag named like a directory of protected names (`releases` where release
/// branches are `releases/release-<n>`, `release` where release tags are `release/<version>`)
/// is ref/shadow: git could not create them beside it. A sibling (`releases-old`) is free.
#[test]
fn refs_named_like_a_directory_of_protected_names_are_ref_shadow() {
    let mut s = Scenario::custom(
        "[version]\nfiles = [\"src/__init__.py\"]\n[branches.trunk]\naccepts = \"any\"\n[branches.release]\npattern = '^releases/release-(?P<ticket>[0-9]+)$'\naccepts = [\"trunk\"]\n[tags.release]\npattern = \"release/{version}\"\n",
    );
    let root = s.commit(&[], "Initial");
    s.set("trunk", root);
    for name in ["releases", "tags/release"] {
        assert_eq!(s.rules(&[(name, root)]), ["ref/shadow"], "{name}");
    }
    for name in ["releases-old", "tags/releases", "release"] {
        assert_eq!(s.rules(&[(name, root)]), ACCEPTED, "{name}");
    }
    assert_eq!(s.rules(&[("releases/release-7/x", root)]), ["ref/shadow"]);
}

// ---- tag/immutable: the ref's own object ----

/// Swapping a release tag's object on the same commit is a move: annotated to lightweight,
/// and one tag object to another; the same object pushed again is not.
#[test]
fn swapping_a_release_tags_object_is_a_move() {
    let mut t = Tokio::cycle();
    let b1 = t.b1;
    let signed = t.repo.annotated_tag(b1);
    let forged = t.repo.annotated_tag(b1);
    t.set("tags/v0.12.0b1", signed);
    let violations = t.check(&[("tags/v0.12.0b1", forged)]);
    assert_eq!(ids(&violations), ["tag/immutable"]);
    assert!(
        violations[0].message.contains("same commit"),
        "{}",
        violations[0].message
    );
    assert_eq!(t.rules(&[("tags/v0.12.0b1", b1)]), ["tag/immutable"]);
    assert_eq!(t.rules(&[("tags/v0.12.0b1", signed)]), ACCEPTED);
}

/// A class that is not immutable may swap objects.
#[test]
fn mutable_tags_may_swap_objects() {
    let text = pytokio_with("immutable = true", "immutable = false");
    let mut t = Tokio::cycle_in(Scenario::custom(&text));
    let b1 = t.b1;
    let annotated = t.repo.annotated_tag(b1);
    assert_eq!(t.rules(&[("tags/v0.12.0b1", annotated)]), ACCEPTED);
}
