//! Names squatted: git cannot hold a ref `a` beside a ref `a/b`, so a topic branch `0.13/x`
//! (or a tag `v0.12.0b2/x`) pushed ahead of time makes git refuse the version branch `0.13`
//! (or the release tag `v0.12.0b2`) when the project creates it: "cannot lock ref". ref/shadow
//! refuses a new ref under a protected branch's or a release tag's name; the release lands.

use super::releases::next_beta_lands;
use super::{Target, each};
use crate::harness::ZERO;
use crate::rawpush::Transport;

/// A topic branch `0.13/x` and a tag `v0.12.0b2/x` landed and then blocked the version branch
/// `0.13` and the next beta's tag `v0.12.0b2` ("cannot lock ref"). ref/shadow refuses both
/// squatters and, with the tag `0.13/x` and the branch `topic/0.13/x` the hint names (which block nothing),
/// the next beta lands.
#[test]
fn squatted_name_blocked_a_version_branch_and_a_release_tag() {
    each(|t: &Target, transport: Transport<'_>| {
        let master = t.tip("master");
        for refname in [
            "refs/heads/0.13/x",
            "refs/heads/rc/x/y",
            "refs/tags/v0.12.0b2/x",
            "refs/tags/v0.13.0/notes/draft",
        ] {
            t.refused(transport, &[(ZERO, &master, refname)], &["ref/shadow"]);
        }
        t.landed(
            transport,
            &[
                (ZERO, &master, "refs/tags/0.13/x"),
                (ZERO, &master, "refs/heads/topic/0.13/x"),
            ],
        );
        next_beta_lands(t, transport);
    });
}
