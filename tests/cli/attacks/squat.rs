//! Names squatted: git cannot hold a ref `a` beside a ref `a/b`, so a topic branch `0.13/x`
//! (or a tag `v0.12.0b2/x`) pushed ahead of time makes git refuse the version branch `0.13`
//! (or the release tag `v0.12.0b2`) when the project creates it: "cannot lock ref". ref/shadow
//! refuses a new ref under a protected branch's or a release tag's name; the release lands.

use super::releases::next_beta_lands;
use super::{HOOKS, twisted};
use super::{Target, each};
use crate::harness::{ZERO, accepted, refused};
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

/// Under the twisted preset (release branches `releases/release-<ticket>`), a topic branch
/// `releases` landed and git then refused every release branch ("cannot lock ref"). ref/shadow
/// refuses it, through `pre-receive` and `update`; the branch the hint names lands, and so does
/// the release branch.
#[test]
fn branch_named_releases_blocked_every_twisted_release_branch() {
    for hook in HOOKS {
        let (_sandbox, work, central) = twisted(hook);
        let push = |to: &str| work.git_run(&["push", &central, &format!("trunk:refs/heads/{to}")]);
        refused(&push("releases"), "ref/shadow");
        accepted(&push("topic/releases"));
        accepted(&push("releases/release-4290"));
    }
}
