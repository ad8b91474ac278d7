//! seed 004 (Twisted) end to end with `git policy release`: a release branch cut from trunk at
//! this year's next release candidate, the candidate and the final tagged with their NEWS
//! sections, and the branch merged back into trunk, against a served repository with the
//! server hook and the client hooks installed; no `--no-verify`, the server's audit clean.

use super::branch::twisted;
use super::{audit_clean, release};
use crate::harness::{TestRepo, accepted, failed};

const RELEASE: &str = "releases/release-4290";

/// A tag step on the checked-out release branch: the first run stubs the NEWS section (and
/// writes nothing else), which is filled in and committed; the second tags and pushes.
fn tag_with_news(dev: &TestRepo, args: &[&str], heading: &str) {
    let mut args = args.to_vec();
    args.push("--push");
    let run = release(dev, &args);
    failed(&run, &[&format!("an empty section `{heading}` was added")]);
    let news = std::fs::read_to_string(dev.path.join("NEWS")).expect("read NEWS");
    let filled = news.replacen(
        &format!("{heading}\n{}\n", "=".repeat(heading.len())),
        &format!("{heading}\n{}\n\n- a fix\n", "=".repeat(heading.len())),
        1,
    );
    dev.write("NEWS", &filled);
    dev.git(&["commit", "-q", "-m", "news", "NEWS"]);
    accepted(&release(dev, &args));
}

/// The whole documented procedure, each step quoting the sentence it replaces.
#[test]
fn twisted_release_process() {
    let s = twisted();
    let dev = &s.dev;
    // "Choose a version number. Remember to include the 'preN' suffix ... Make a branch (e.g.
    // mkbranch Twisted releases/release-4290)": the number is this year's next release.
    accepted(&release(dev, &["branch", RELEASE, "--push"]));
    // Trunk moves on meanwhile.
    dev.change("feature.txt", "a feature\n", "a feature lands on trunk");
    accepted(&dev.git_run(&["push", "-q", "origin", "trunk"]));
    // "Run ./bin/admin/change-versions XX.YY.ZZpreN ... Run ./bin/admin/build-news ."
    dev.checkout(RELEASE);
    tag_with_news(dev, &["tag"], "Twisted 23.1.0rc1 (2023-11-14)");
    assert_eq!(
        s.central.rev("twisted-23.1.0rc1^{commit}"),
        s.central.rev(RELEASE)
    );
    // "Run ./bin/admin/change-versions XX.YY.ZZ ... Tag the release"
    tag_with_news(dev, &["tag", "--final"], "Twisted 23.1.0 (2023-11-14)");
    let file = s
        .central
        .git(&["show", "twisted-23.1.0:src/twisted/_version.py"]);
    assert!(file.contains("Version(\"Twisted\", 23, 1, 0)"), "{file}");
    // "When the ticket is reviewed, merge the branch into trunk"
    let run = release(dev, &["merge", RELEASE, "--push"]);
    accepted(&run);
    assert!(
        run.stdout
            .contains("merge of `releases/release-4290`, 23.1.0"),
        "{}",
        run.stdout
    );
    assert_eq!(s.central.rev("trunk^2"), s.central.rev(RELEASE));
    let file = s.central.git(&["show", "trunk:src/twisted/_version.py"]);
    assert!(file.contains("Version(\"Twisted\", 23, 1, 0)"), "{file}");
    assert_eq!(s.central.git(&["show", "trunk:feature.txt"]), "a feature");
    audit_clean(&s.central);
}
