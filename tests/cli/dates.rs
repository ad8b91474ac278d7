//! Dates as git reads them: a tagger's time zone is any `±HHMM` git writes, up to `±9959`, and
//! a calendar tag is judged on the date git shows for it, not on the UTC date libgit2 falls
//! back to beyond ±14 hours.

use crate::harness::{Sandbox, TestRepo, accepted, rejected};

/// 2023-12-31 22:00:00 UTC.
const NEW_YEARS_EVE: i64 = 1_704_060_000;

/// A twisted repository: `trunk` at 23.0.0 with its NEWS section, the preset as its policy.
fn twisted_trunk(sandbox: &Sandbox) -> TestRepo {
    let repo = sandbox.repo("twisted");
    repo.git(&["checkout", "-q", "-b", "trunk"]);
    repo.write(
        ".git-policy.toml",
        include_str!("../../policy/twisted.toml"),
    );
    repo.write(
        "src/twisted/_version.py",
        "from incremental import Version\n\n__version__ = Version(\"Twisted\", 23, 0, 0)\n__all__ = [\"__version__\"]\n",
    );
    repo.write(
        "NEWS",
        "Twisted Core 23.0.0 (2023-12-31)\n================================\n",
    );
    repo.commit("Release 23.0.0");
    repo
}

/// An annotated tag `name` of trunk's tip made by `git mktag`, tagged at `seconds` in `zone`.
fn tag_at(repo: &TestRepo, name: &str, seconds: i64, zone: &str) -> String {
    let tag = format!(
        "object {}\ntype commit\ntag {name}\ntagger T <t@example.invalid> {seconds} {zone}\n\nTwisted 23.0.0\n",
        repo.rev("trunk")
    );
    let output = repo
        .command("git")
        .arg("mktag")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("mktag's stdin")
                .write_all(tag.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run git mktag");
    assert!(output.status.success(), "git mktag refused {zone}");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A tag made late on new year's eve UTC is, at `+9959`, made on 5 January 2024 as git shows
/// it: `twisted-23.0.0` then breaks tag/calendar; at `-9959` it is a 2023 release.
#[test]
fn tagger_zone_beyond_fourteen_hours_was_dropped() {
    let sandbox = Sandbox::new();
    let repo = twisted_trunk(&sandbox);
    let east = tag_at(&repo, "twisted-23.0.0", NEW_YEARS_EVE, "+9959");
    repo.git(&["update-ref", "refs/tags/east", &east]);
    let shown = repo.git(&[
        "for-each-ref",
        "--format=%(taggerdate:short)",
        "refs/tags/east",
    ]);
    assert_eq!(shown.trim(), "2024-01-05", "the date git shows");
    let run = repo.judge("refs/tags/twisted-23.0.0", "-", &east);
    rejected(&run, "tag/calendar");
    assert!(run.all().contains("twisted-24.0.0"), "{}", run.all());
    let west = tag_at(&repo, "twisted-23.0.0", NEW_YEARS_EVE, "-9959");
    accepted(&repo.judge("refs/tags/twisted-23.0.0", "-", &west));
    // Two days into 2024 UTC, still 2023 at -9959.
    let early = tag_at(&repo, "twisted-23.0.0", NEW_YEARS_EVE + 36 * 3600, "-9959");
    accepted(&repo.judge("refs/tags/twisted-23.0.0", "-", &early));
    let utc = tag_at(&repo, "twisted-23.0.0", NEW_YEARS_EVE + 36 * 3600, "+0000");
    rejected(
        &repo.judge("refs/tags/twisted-23.0.0", "-", &utc),
        "tag/calendar",
    );
}
