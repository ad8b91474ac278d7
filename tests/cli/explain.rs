//! `git policy explain`: the picture of the policy, snapshot-tested, within 80 columns.

use crate::harness::{Run, Sandbox, TestRepo, bin, pytokio};

/// pytokio with two version branches: 0.12 in beta and in line, 0.11 released and then given a
/// commit still at its release's version (out of line: version/ahead-of-tags).
pub fn pytokio_with_versions(sandbox: &Sandbox) -> TestRepo {
    let repo = pytokio(sandbox);
    repo.git(&["checkout", "-q", "-b", "0.11", "rc"]);
    repo.set_version("0.11.0");
    repo.git(&["tag", "v0.11.0"]);
    repo.change("late.txt", "late fix\n", "a fix after the release");
    repo.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    repo.set_version("0.12.0b1");
    repo.git(&["tag", "-a", "-m", "first beta", "v0.12.0b1"]);
    repo.set_version("0.12.0b2");
    repo.checkout("master");
    repo
}

#[track_caller]
fn fits_80_columns(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.all());
    for line in run.stdout.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line:?}",
            line.chars().count()
        );
    }
}

/// The pytokio picture: the flow top to bottom, each branch's version, kind, last tag and
/// whether it is in line, and every rule in a sentence.
#[test]
fn explain_pytokio_snapshot() {
    let sandbox = Sandbox::new();
    let repo = pytokio_with_versions(&sandbox);
    let run = repo.policy(&["explain"]);
    fits_80_columns(&run);
    insta::assert_snapshot!(run.stdout);
}

/// `--format mermaid` draws the same flow as a flowchart, labelled with versions and tags.
#[test]
fn explain_mermaid_snapshot() {
    let sandbox = Sandbox::new();
    let repo = pytokio_with_versions(&sandbox);
    let run = repo.policy(&["explain", "--format", "mermaid"]);
    assert_eq!(run.code, 0, "{}", run.all());
    insta::assert_snapshot!(run.stdout);
}

/// A process with a flow both ways (main and release branches merging into each other), a
/// release-candidate tag class and a changelog, explained from a file outside any repository.
const TWO_WAY: &str = r#"
[version]
files = ["VERSION"]

[branches.main]
accepts = ["any", "release"]
version = { kinds = ["dev"] }

[branches.release]
pattern = '^release/v(?P<version>.+)$'
accepts = ["main"]
first-parent = true
version = { kinds = ["pre", "final"], pre = ["rc"] }

[tags.production]
pattern = "v{version}"
kinds = ["final"]
on = ["release"]
changelog = { file = "CHANGELOG.md", heading = '^## \[{version}\]' }

[tags.candidate]
pattern = "v{version}"
kinds = ["pre"]
pre = ["rc"]
deletable = true
"#;

/// A two-way flow is drawn with the second direction named beside its target; outside a
/// repository there are no branches to show.
#[test]
fn explain_two_way_policy_outside_a_repository_snapshot() {
    let sandbox = Sandbox::new();
    let file = sandbox.path().join("policy.toml");
    std::fs::write(&file, TWO_WAY).expect("policy file");
    let run = Run::from_output(
        sandbox
            .command(bin(), sandbox.path())
            .args(["explain", "--policy", &file.to_string_lossy()])
            .output()
            .expect("run git-policy"),
    );
    fits_80_columns(&run);
    let stdout = run
        .stdout
        .replace(&file.display().to_string(), "policy.toml");
    insta::assert_snapshot!(stdout);
}

/// Every shipped preset is explained within 80 columns, with sentences for its branches and
/// its tags.
#[test]
fn every_preset_is_explained_within_80_columns() {
    let sandbox = Sandbox::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policy");
    let mut presets = 0;
    for entry in std::fs::read_dir(&dir).expect("the presets directory") {
        let path = entry.expect("a preset").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        presets += 1;
        let run = Run::from_output(
            sandbox
                .command(bin(), sandbox.path())
                .args(["explain", "--policy", &path.to_string_lossy()])
                .output()
                .expect("run git-policy"),
        );
        fits_80_columns(&run);
        let text = std::fs::read_to_string(&path).expect("the preset");
        // Sentences wrap: compare with the lines joined.
        let flat = run.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        let needed = [
            ("[branches.", "[branch/delete, branch/force]"),
            ("[tags.", "[tag/version]"),
        ];
        for (section, sentence) in needed {
            if text.contains(section) {
                assert!(
                    flat.contains(sentence),
                    "{}: no {sentence} sentence:\n{}",
                    path.display(),
                    run.stdout
                );
            }
        }
    }
    assert!(presets >= 5, "found {presets} presets in {}", dir.display());
}
