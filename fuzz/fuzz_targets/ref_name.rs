//! Any ref name pushed as a tag or a branch, judged by the evaluator under the embedded policy
//! with a changelog rule (tag names feed PEP 440 parsing and the changelog heading regex;
//! branch names feed the version branch pattern's captures): a verdict, never a panic.
#![no_main]

use std::sync::LazyLock;

use git_policy::policy::{Origin, Policy, parse};
use git_policy::rules::memory::MemoryRepo;
use git_policy::rules::{Id, RefState, Update, evaluate};
use libfuzzer_sys::fuzz_target;

const POLICY: &str = r#"
[version]
files = ["tokio/__init__.py"]

[branches.master]
accepts = "any"
version = { kinds = ["dev"], above = { branch = "rc", by = "minor" } }

[branches.rc]
accepts = ["master"]
version = { kinds = ["dev"] }

[branches.version]
pattern = '^(?P<major>\d+)\.(?P<minor>\d+)$'
accepts = ["rc"]
version = { kinds = ["pre", "final", "post"], matches = "=={major}.{minor}.*", ahead-of-tags = true }

[tags.release]
pattern = "v{version}"
on = ["version"]
changelog = { file = "CHANGELOG.md", heading = '^#+ .*{version}' }

[tags.plain]
pattern = "{version}"
version-match = "release"
"#;

/// The policy and a repository with one version branch at `0.12.0b1`, its changelog entry
/// written: made once, judged for every input.
static SETUP: LazyLock<(Policy, MemoryRepo, Id)> = LazyLock::new(|| {
    let policy = parse(POLICY, Origin::Preset("fuzz")).expect("the fuzz policy parses");
    let mut repo = MemoryRepo::new();
    let files = [
        ("tokio/__init__.py", "__version__ = \"0.12.0b1\"\n"),
        ("CHANGELOG.md", "# 0.12.0b1\n"),
    ];
    let commit = repo.commit(&[], "release", &files);
    (policy, repo, commit)
});

fuzz_target!(|name: &str| {
    let (policy, repo, commit) = &*SETUP;
    let mut before = RefState::new();
    before.insert("refs/heads/0.12".into(), *commit);
    for refname in [format!("refs/tags/{name}"), format!("refs/heads/{name}")] {
        let update = Update {
            refname,
            old: None,
            new: Some(*commit),
        };
        let _ = evaluate(policy, repo, &before, &[update]);
    }
});
