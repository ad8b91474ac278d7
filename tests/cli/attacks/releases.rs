//! One release, one tag, one object (issue #15, items 3 and 6): a version released a second
//! time under another spelling (from a second version branch `00.12`), and a release tag's
//! object swapped for another of the same commit. `tag/duplicate`, `branch/name` and
//! `tag/immutable` (which compares the ref's own object) refuse them.

use super::{Target, each};
use crate::harness::ZERO;
use crate::rawpush::{Transport, assert_fsck_clean, refs_of};

/// `v0.12.0b1` tagged (annotated) on `0.12` and pushed honestly; returns the tag object.
fn released(t: &Target, transport: Transport<'_>) -> String {
    let b1 = t.tip("0.12");
    t.work
        .git(&["tag", "-a", "-m", "pytokio 0.12.0b1", "v0.12.0b1", &b1]);
    let tag = t.work.rev("refs/tags/v0.12.0b1");
    t.landed(transport, &[(ZERO, &tag, "refs/tags/v0.12.0b1")]);
    tag
}

/// The honest next beta: `0.12` bumped to 0.12.0b2 and tagged `v0.12.0b2`, in one push.
pub(super) fn next_beta_lands(t: &Target, transport: Transport<'_>) {
    let old = t.tip("0.12");
    t.work.checkout("0.12");
    let b2 = t.work.set_version("0.12.0b2");
    t.work
        .git(&["tag", "-a", "-m", "pytokio 0.12.0b2", "v0.12.0b2", &b2]);
    let tag = t.work.rev("refs/tags/v0.12.0b2");
    t.work.checkout("master");
    t.landed(
        transport,
        &[
            (&old, &b2, "refs/heads/0.12"),
            (ZERO, &tag, "refs/tags/v0.12.0b2"),
        ],
    );
}

/// One push created branch `00.12` from rc (it matches the version pattern, and `==00.12.*`
/// reads as `0.12.*`) with a commit at 0.12.0b1 and another tree, tagged `v0.12.0-beta1`,
/// while `v0.12.0b1` was released on `0.12`: both landed. Now branch/name and tag/duplicate
/// refuse it (an atomic push at its first refusal); the real next beta lands.
#[test]
fn one_version_released_twice_under_another_spelling() {
    each(|t: &Target, transport: Transport<'_>| {
        released(t, transport);
        let rc = t.tip("rc");
        t.work.git(&["checkout", "-q", "-b", "00.12", &rc]);
        t.work
            .write("tokio/other.py", "# not what 0.12.0b1 released\n");
        let fake = t.work.set_version("0.12.0b1");
        t.work.git(&["tag", "v0.12.0-beta1", &fake]);
        t.work.checkout("master");
        let commands = [
            (ZERO, fake.as_str(), "refs/heads/00.12"),
            (ZERO, fake.as_str(), "refs/tags/v0.12.0-beta1"),
        ];
        t.refused(transport, &commands, &["branch/name", "tag/duplicate"]);

        let before = refs_of(&t.central);
        let report = t.send(transport, &commands, true);
        for (_, _, refname) in commands {
            assert!(report.status(refname).is_err(), "{refname}:\n{report}");
        }
        // `update` stops an atomic push at its first refusal; `pre-receive` names both.
        assert!(report.names_rule("branch/name"), "{report}");
        assert_eq!(refs_of(&t.central), before, "atomic:\n{report}");
        assert_fsck_clean(&t.central);

        next_beta_lands(t, transport);
    });
}

/// A second spelling of a released version on the very commit released: a second tag object
/// (its own message or signature) for a release that has one, refused by tag/duplicate. A tag
/// that is no release may name the commit.
#[test]
fn second_spelling_tags_the_released_commit_again() {
    each(|t: &Target, transport: Transport<'_>| {
        released(t, transport);
        let b1 = t.tip("0.12");
        t.work
            .git(&["tag", "-a", "-m", "the real 0.12.0b1", "v0.12.0-beta1", &b1]);
        let alias = t.work.rev("refs/tags/v0.12.0-beta1");
        t.refused(
            transport,
            &[(ZERO, &alias, "refs/tags/v0.12.0-beta1")],
            &["tag/duplicate"],
        );
        t.landed(transport, &[(ZERO, &b1, "refs/tags/docs-0.12.0b1")]);
        next_beta_lands(t, transport);
    });
}

/// `v0.12.0b1` force-pushed from its annotated tag to a lightweight tag and to another
/// annotated tag of the same commit: the signature and message were replaced. tag/immutable
/// refuses both; the server still holds the first tag object.
#[test]
fn release_tag_object_swapped_on_the_same_commit() {
    each(|t: &Target, transport: Transport<'_>| {
        let signed = released(t, transport);
        let b1 = t.tip("0.12");
        t.refused(
            transport,
            &[(&signed, &b1, "refs/tags/v0.12.0b1")],
            &["tag/immutable"],
        );
        t.work
            .git(&["tag", "-f", "-a", "-m", "forged", "v0.12.0b1", &b1]);
        let forged = t.work.rev("refs/tags/v0.12.0b1");
        assert_ne!(forged, signed);
        t.refused(
            transport,
            &[(&signed, &forged, "refs/tags/v0.12.0b1")],
            &["tag/immutable"],
        );
        assert_eq!(t.central.rev("refs/tags/v0.12.0b1"), signed);
        next_beta_lands(t, transport);
    });
}
