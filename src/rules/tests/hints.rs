//! Hints that no single command can give, said in words, and hints that name the commit.

use super::*;

/// A calendar tag of the wrong year: the version files and the changelog must change too, so
/// the hint says so in words (it used to offer a tag name that was refused twice more).
#[test]
fn calendar_hint_offered_a_tag_refused_twice_more() {
    let mut s = Scenario::custom(CALENDAR);
    let commit = s.files(&[], "10.0.0", &[("VERSION", "10.0.0\n")]);
    s.repo.set_date(commit, JANUARY_2011);
    let tag = s.repo.annotated_tag(commit);
    s.repo.set_date(tag, JANUARY_2011);
    let violations = s.check(&[("tags/twisted-10.0.0", tag)]);
    let hint = violations[0].hint.as_deref().unwrap_or_default();
    assert!(hint.contains("no single command fixes it"), "{hint}");
    assert!(
        hint.contains("set the version files (and the changelog's heading) to 11.0.0"),
        "{hint}"
    );
    assert!(hint.contains("`git tag -d twisted-10.0.0`"), "{hint}");
}

/// A tag on a commit without a version file says which file to carry, and how to drop it.
#[test]
fn tag_without_version_file_had_no_hint() {
    let mut s = Scenario::custom(CALENDAR);
    let commit = s.commit(&[], "No version here");
    let violations = s.check(&[("tags/twisted-10.0.0", commit)]);
    let found = violations
        .iter()
        .find(|v| v.rule == RuleId::TagVersion)
        .expect("tag/version");
    let hint = found.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("`VERSION`"), "{hint}");
    assert!(hint.contains("`git tag -d twisted-10.0.0`"), "{hint}");
}

/// A version is shown as the file writes it, with its normal form after it when that differs.
#[test]
fn version_was_shown_normalised_not_as_written() {
    let mut s = Scenario::custom(
        "[version]\nfiles = [\"VERSION\"]\n[branches.master]\naccepts = \"any\"\nversion = { kinds = [\"dev\"] }\n",
    );
    let commit = s.files(&[], "Release 0.4.3.pre0", &[("VERSION", "0.4.3.pre0\n")]);
    let violations = s.check(&[("master", commit)]);
    assert_eq!(ids(&violations), ["version/kind"]);
    assert!(
        violations[0]
            .message
            .contains("is at 0.4.3.pre0 (0.4.3rc0) (VERSION:1)"),
        "{}",
        violations[0].message
    );
    let plain = s.files(&[], "Release 0.4.3", &[("VERSION", "0.4.3\n")]);
    let violations = s.check(&[("master", plain)]);
    assert!(
        violations[0].message.contains("is at 0.4.3 (VERSION:1)"),
        "{}",
        violations[0].message
    );
}

/// A changelog heading is read as a PEP 440 version: `26.0.0.rc1` is the entry for the tag
/// `twisted-26.0.0rc1`; a heading of another version is not.
#[test]
fn changelog_heading_had_to_spell_the_version_as_the_tag_does() {
    let policy = r#"
[version]
files = ["VERSION"]

[tags.release]
pattern = "twisted-{version}"
changelog = { file = "NEWS", heading = '^Twisted {version} \(' }
"#;
    let mut s = Scenario::custom(policy);
    let files = |news: &'static str| [("VERSION", "26.0.0rc1\n"), ("NEWS", news)];
    let spelled = s.files(
        &[],
        "26.0.0.rc1",
        &files("Twisted 26.0.0.rc1 (2026-01-05)\n"),
    );
    assert_eq!(s.rules(&[("tags/twisted-26.0.0rc1", spelled)]), ACCEPTED);
    let other = s.files(
        &[],
        "26.0.0rc2",
        &files("Twisted 26.0.0.rc2 (2026-01-05)\n"),
    );
    assert_eq!(
        s.rules(&[("tags/twisted-26.0.0rc1", other)]),
        ["changelog/entry"]
    );
}
