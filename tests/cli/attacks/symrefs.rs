//! Symbolic refs on the server: a push to one moves the ref it names, so it is judged as an
//! update of that ref.

use super::{Target, each};
use crate::rawpush::Transport;

/// The server keeps `refs/heads/main` as a symbolic ref to `master` (a renamed default kept
/// for old clones). A push to `main` moved master while the hook judged a topic branch `main`:
/// without the reference-transaction hook (git before 2.28, removed here) master was rewound.
/// Now the push is judged as master's (branch/force); a fast-forward through `main` lands.
#[test]
fn push_through_a_symbolic_ref_rewound_master() {
    each(|t: &Target, transport: Transport<'_>| {
        t.central
            .git(&["symbolic-ref", "refs/heads/main", "refs/heads/master"]);
        std::fs::remove_file(t.central.path.join("hooks/reference-transaction"))
            .expect("remove the reference-transaction hook");
        let master = t.tip("master");
        t.work
            .git(&["checkout", "-q", "--detach", &format!("{master}~1")]);
        let evil = t
            .work
            .change("tokio/evil.py", "steal = True\n", "an attacker's commit");
        t.refused(
            transport,
            &[(&master, &evil, "refs/heads/main")],
            &["branch/force"],
        );

        t.work.git(&["checkout", "-q", "--detach", &master]);
        let good = t.work.change("docs.txt", "docs\n", "docs");
        t.work.checkout("master");
        t.landed(transport, &[(&master, &good, "refs/heads/main")]);
        assert_eq!(t.tip("master"), good);
    });
}
