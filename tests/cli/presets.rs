//! Each preset proven by replaying its seed's documented procedure: a repository made with
//! `git policy init --preset NAME`, served by a central bare repository whose pre-receive hook
//! judges with that policy, and a developer's clone pushing every step. Documented steps are
//! accepted; steps the document forbids are refused by the named rule. Each step is preceded
//! by the one sentence of the seed it pins (`seed: "..."`).

use crate::ci::github::github_pull_request_to;
use crate::harness::{Run, TestRepo, accepted, refused, serve};

/// A release process under way: the central repository, and a developer's clone of it.
struct Process {
    central: TestRepo,
    dev: TestRepo,
}

/// A repository on `branch` holding `files`, with `.git-policy.toml` written by `git policy
/// init --preset NAME` and committed, served with the pre-receive hook, and cloned.
fn start(preset: &str, branch: &str, files: &[(&str, &str)]) -> Process {
    let sandbox = crate::harness::Sandbox::new();
    let work = sandbox.repo("work");
    work.git(&["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")]);
    for (path, text) in files {
        work.write(path, text);
    }
    let init = work.policy(&["init", "--preset", preset]);
    accepted(&init);
    assert!(
        init.stdout.contains("as the preset names them"),
        "the preset's own version files are used:\n{}",
        init.all()
    );
    work.commit("Initial import, with the release policy");
    let central = serve(&work, "pre-receive");
    let dev = sandbox.clone_of(&central, "dev");
    Process { central, dev }
}

/// Merges `branch` into the current branch with a merge commit, as a pull request would.
fn merge(repo: &TestRepo, branch: &str, message: &str) {
    repo.git(&["merge", "-q", "--no-ff", "-m", message, branch]);
}

impl Process {
    fn push(&self, args: &[&str]) -> Run {
        let mut full = vec!["push", "origin"];
        full.extend_from_slice(args);
        self.dev.git_run(&full)
    }

    /// Where the central repository's ref is (`None`: absent).
    fn central(&self, refname: &str) -> Option<String> {
        let run = self
            .central
            .git_run(&["rev-parse", "-q", "--verify", refname]);
        (run.code == 0).then(|| run.stdout.trim().to_owned())
    }

    /// Pull request `n` of `head` into `base`, checked by CI as GitHub Actions runs it (on
    /// GitHub's merge, read as the base lands pull requests): it must pass.
    fn pull_request(&self, n: u32, base: &str, head: &str) {
        accepted(&github_pull_request_to(
            &self.central,
            &self.dev,
            n,
            base,
            head,
        ));
    }

    /// Throws away local work on a branch that the server refused.
    fn back_to_origin(&self, branch: &str) {
        self.dev.checkout(branch);
        self.dev
            .git(&["reset", "-q", "--hard", &format!("origin/{branch}")]);
    }
}

// ---- seed 000: pytokio ----

fn tokio_py(version: &str) -> String {
    format!("\"\"\"pytokio\"\"\"\n__version__ = \"{version}\"\n")
}

/// Seed 000 (`pytokio`) replayed: every documented step accepted, every forbidden one refused.
#[test]
fn pytokio_procedure_replayed() {
    let p = start(
        "pytokio",
        "master",
        &[("tokio/__init__.py", &tokio_py("0.11.0.dev1"))],
    );
    let dev = &p.dev;
    // Where the cycle starts: rc at 0.11.0.dev1, master a minor above it.
    dev.git(&["branch", "rc"]);
    dev.set_version("0.12.0.dev1");
    accepted(&p.push(&["--atomic", "master", "rc"]));

    // seed: "All features should land in master once they are complete and pass tests"
    dev.git(&["checkout", "-q", "-b", "feature"]);
    dev.change("feature.txt", "a feature\n", "Add a feature");
    p.pull_request(1, "master", "feature");
    dev.checkout("master");
    merge(dev, "feature", "Merge branch 'feature'");
    accepted(&p.push(&["master"]));

    // seed: "rc should only receive merge or cherry-pick from master, no other branches"
    dev.git(&["checkout", "-q", "-b", "other-feature", "rc"]);
    dev.change("other.txt", "other\n", "Another feature");
    dev.checkout("rc");
    merge(dev, "other-feature", "Merge branch 'other-feature'");
    refused(&p.push(&["rc"]), "flow/source");
    p.back_to_origin("rc");

    // seed: "Merge master into rc" (feature freeze, step 1)
    merge(dev, "master", "Merge branch 'master' into rc");
    // seed: "The master branch should always be at least one minor number above rc"
    let alone = p.push(&["rc"]);
    refused(&alone, "version/relation");
    assert!(alone.all().contains("--atomic"), "{}", alone.all());
    // seed: "In master, update version in tokio/ from 0.N.0.devX to 0.(N+1).0.dev1" + "Commit to master"
    dev.checkout("master");
    dev.set_version("0.13.0.dev1");
    accepted(&p.push(&["--atomic", "master", "rc"]));

    // seed: "rc should _never_ be merged back into master"
    dev.checkout("rc");
    dev.change("hotfix.txt", "hotfix\n", "Hotfix committed directly on rc");
    accepted(&p.push(&["rc"]));
    dev.checkout("master");
    merge(dev, "rc", "Merge branch 'rc'");
    refused(&p.push(&["master"]), "flow/foreign");
    p.back_to_origin("master");

    // seed: "Only version branches (0.11, 0.12) should have versions that end in b1, b2, etc"
    dev.set_version("0.13.0b1");
    refused(&p.push(&["master"]), "version/kind");
    p.back_to_origin("master");

    // seed: "Create a branch from rc called 0.N" + "update the version from 0.N.0.devX to 0.N.0b1" + "Commit to 0.N"
    dev.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    dev.set_version("0.12.0b1");
    // seed: "Tag/release v0.N.0b1 from GitHub's UI from the 0.N branch"
    dev.git(&["tag", "-a", "-m", "0.12.0 beta 1", "v0.12.0b1"]);
    accepted(&p.push(&["--atomic", "0.12", "v0.12.0b1"]));
    // seed: "Generally, the tip of a version branch should be one beta release ahead of what has actually been released"
    dev.change("fix.txt", "fix\n", "Fix on 0.12 before the bump");
    refused(&p.push(&["0.12"]), "version/ahead-of-tags");
    p.back_to_origin("0.12");
    // seed: "Update the version in 0.N from 0.N.0b1 to 0.N.0b2 to prepare for a hypothetical next release" + "Commit to 0.N"
    dev.set_version("0.12.0b2");
    accepted(&p.push(&["0.12"]));

    // seed: "Merge changes into master if the fix still applies there."
    dev.git(&["checkout", "-q", "-b", "fix", "master"]);
    dev.change("bug.txt", "fixed\n", "Fix a bug");
    let fix = dev.rev("HEAD");
    p.pull_request(2, "master", "fix");
    dev.checkout("master");
    merge(dev, "fix", "Merge branch 'fix'");
    accepted(&p.push(&["master"]));
    // seed: "Cherry-pick the changes into downstream branches (rc if committed to master, version branch from rc)"
    dev.checkout("rc");
    dev.git(&["cherry-pick", "-x", &fix]);
    let on_rc = dev.rev("HEAD");
    accepted(&p.push(&["rc"]));
    dev.checkout("0.12");
    dev.git(&["cherry-pick", "-x", &on_rc]);
    accepted(&p.push(&["0.12"]));

    // seed: "Version branches should _never_ be merged into rc"
    dev.checkout("rc");
    merge(dev, "0.12", "Merge branch '0.12' into rc");
    let run = p.push(&["rc"]);
    refused(&run, "flow/foreign");
    refused(&run, "flow/source");
    p.back_to_origin("rc");
    // seed: "Version branches should only receive merge or cherry-pick from rc, no other branches"
    dev.checkout("0.12");
    dev.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-X",
        "ours",
        "-m",
        "Merge branch 'master' into 0.12",
        "master",
    ]);
    refused(&p.push(&["0.12"]), "flow/foreign");
    p.back_to_origin("0.12");

    // seed: "Tag the version (git tag v0.N.0-beta2) on the 0.N branch" + "git push --tags to send the new tag up to GitHub"
    dev.git(&["tag", "v0.12.0-beta2"]);
    accepted(&dev.git_run(&["push", "--tags", "origin"]));
    // seed: "Update the version in 0.N from 0.N.0b2 to 0.N.0b3 (or b4, etc) to prepare for a hypothetical next release"
    dev.set_version("0.12.0b3");
    accepted(&p.push(&["0.12"]));
    // seed: "Tag the version (git tag v0.N.0-beta2) on the 0.N branch" (a tag names the version it tags)
    dev.git(&["tag", "v0.12.0b4"]);
    refused(&p.push(&["v0.12.0b4"]), "tag/version");
    dev.git(&["tag", "-d", "v0.12.0b4"]);

    // seed: "Ensure that the tokio.__version__ (in tokio/ is correctly set in the version branch from which you would like to cut a release."
    dev.set_version("0.12.0");
    dev.git(&["tag", "-a", "-m", "pytokio 0.12.0", "v0.12.0"]);
    accepted(&p.push(&["--atomic", "0.12", "v0.12.0"]));
    assert_eq!(p.central("v0.12.0^{commit}"), Some(dev.rev("0.12")));
}

// ---- seed 001: github-rc ----

fn init_py(version: &str) -> String {
    format!("\"\"\"The package.\"\"\"\n\n__version__ = \"{version}\"\n")
}

/// CHANGELOG.md with entries for `versions`, newest first.
fn changelog(versions: &[(&str, &str)]) -> String {
    let mut text = String::from("# Changelog\n");
    for (version, date) in versions {
        text.push_str(&format!(
            "\n## [{version}] - {date}\n\n### Added\n\n- New feature X\n"
        ));
    }
    text
}

/// Seed 001 (`github-rc`) replayed: every documented step accepted, every forbidden one refused.
#[test]
fn github_rc_procedure_replayed() {
    let p = start(
        "github-rc",
        "main",
        &[
            ("src/__init__.py", &init_py("1.2.2")),
            ("CHANGELOG.md", &changelog(&[("1.2.2", "2024-04-02")])),
            (
                "pyproject.toml",
                "[project]\nname = \"package\"\ndynamic = [\"version\"]\n",
            ),
        ],
    );
    let dev = &p.dev;

    // seed: "Update version in package files: # src/__init__.py or similar __version__ = "1.2.3""
    dev.git(&["checkout", "-q", "-b", "release/v1.2.3"]);
    dev.write("src/__init__.py", &init_py("1.2.3"));
    // seed: "Update CHANGELOG.md: ## [1.2.3] - YYYY-MM-DD"
    dev.write(
        "CHANGELOG.md",
        &changelog(&[("1.2.3", "2024-05-01"), ("1.2.2", "2024-04-02")]),
    );
    // seed: "git checkout -b release/v1.2.3 / git add . / git commit -m "chore: prepare release v1.2.3" / git push origin release/v1.2.3"
    dev.commit("chore: prepare release v1.2.3");
    accepted(&p.push(&["release/v1.2.3"]));
    // seed: "Create and merge PR to main": CI judges it as GitHub will land it, rebased
    p.pull_request(12, "main", "release/v1.2.3");

    // seed: "Require linear history"
    dev.checkout("main");
    merge(
        dev,
        "release/v1.2.3",
        "Merge pull request #12 from release/v1.2.3",
    );
    refused(&p.push(&["main"]), "branch/linear");
    p.back_to_origin("main");
    // seed: "Create and merge PR to main" (rebased, as linear history requires)
    dev.git(&["merge", "-q", "--ff-only", "release/v1.2.3"]);
    accepted(&p.push(&["main"]));

    // seed: "Format: vX.Y.Z-rcN"
    dev.git(&["tag", "v1.2.3-beta1"]);
    refused(&p.push(&["v1.2.3-beta1"]), "tag/kind");
    dev.git(&["tag", "-d", "v1.2.3-beta1"]);
    // seed: "Update version in package files" (an RC tag names the package's version)
    dev.git(&["tag", "v1.2.4-rc1"]);
    refused(&p.push(&["v1.2.4-rc1"]), "tag/version");
    dev.git(&["tag", "-d", "v1.2.4-rc1"]);
    // seed: "# Ensure you're on main and up-to-date"
    dev.git(&["checkout", "-q", "-b", "release/v1.2.4"]);
    dev.write("src/__init__.py", &init_py("1.2.4"));
    dev.commit("chore: prepare release v1.2.4");
    dev.git(&["tag", "v1.2.4-rc1"]);
    accepted(&p.push(&["release/v1.2.4"]));
    refused(&p.push(&["v1.2.4-rc1"]), "tag/branch");
    dev.git(&["tag", "-d", "v1.2.4-rc1"]);

    // seed: "git checkout main / git pull origin main / git tag v1.2.3-rc1 / git push origin v1.2.3-rc1"
    dev.checkout("main");
    dev.git(&["pull", "-q", "origin", "main"]);
    dev.git(&["tag", "v1.2.3-rc1"]);
    accepted(&p.push(&["v1.2.3-rc1"]));

    // seed: "Failed RC: # Delete failed RC tag / git tag -d v1.2.3-rc1 / git push origin :refs/tags/v1.2.3-rc1"
    dev.git(&["tag", "-d", "v1.2.3-rc1"]);
    accepted(&p.push(&[":refs/tags/v1.2.3-rc1"]));
    assert_eq!(p.central("refs/tags/v1.2.3-rc1"), None);
    dev.git(&["checkout", "-q", "-b", "fix/rc1"]);
    dev.change(
        "src/module.py",
        "FIXED = True\n",
        "fix: what QA found in rc1",
    );
    p.pull_request(13, "main", "fix/rc1");
    dev.checkout("main");
    dev.git(&["merge", "-q", "--ff-only", "fix/rc1"]);
    accepted(&p.push(&["main"]));
    // seed: "# Create new RC / git tag v1.2.3-rc2 / git push origin v1.2.3-rc2"
    dev.git(&["tag", "v1.2.3-rc2"]);
    accepted(&p.push(&["v1.2.3-rc2"]));

    // seed: "# Create and push production tag / git tag v1.2.3 / git push origin v1.2.3"
    dev.git(&["tag", "v1.2.3"]);
    accepted(&p.push(&["v1.2.3"]));
    let released = p.central("refs/tags/v1.2.3");
    // seed: "Do not delete production tags"
    refused(&p.push(&[":refs/tags/v1.2.3"]), "tag/delete");
    // seed: "Create new patch version if needed" (not a production tag moved to the fix)
    dev.change("src/module.py", "FIXED = 2\n", "fix: after the release");
    dev.git(&["tag", "-f", "v1.2.3"]);
    refused(&p.push(&["--force", "v1.2.3"]), "tag/immutable");
    assert_eq!(p.central("refs/tags/v1.2.3"), released);
    dev.git(&["tag", "-f", "v1.2.3", "origin/main"]);
    p.back_to_origin("main");

    // seed: "Branch Protection main branch:" (a protected branch is never rewritten)
    dev.git(&["reset", "-q", "--hard", "HEAD~1"]);
    refused(&p.push(&["--force", "main"]), "branch/force");
    p.back_to_origin("main");

    // seed: "Update CHANGELOG.md" (a production tag needs its entry)
    dev.write("src/__init__.py", &init_py("1.2.4"));
    dev.commit("chore: prepare release v1.2.4, changelog forgotten");
    accepted(&p.push(&["main"]));
    dev.git(&["tag", "v1.2.4"]);
    refused(&p.push(&["v1.2.4"]), "changelog/entry");
    dev.write(
        "CHANGELOG.md",
        &changelog(&[("1.2.4", "2024-05-20"), ("1.2.3", "2024-05-01")]),
    );
    dev.commit("docs: changelog for 1.2.4");
    dev.git(&["tag", "-f", "v1.2.4"]);
    accepted(&p.push(&["--atomic", "main", "v1.2.4"]));
}

// ---- seed 002: pypiserver ----

fn pypiserver_py(version: &str) -> String {
    format!(
        "import re as _re\n\nversion = __version__ = \"{version}\"\n__version_info__ = tuple(_re.split(\"[.-]\", __version__))\n"
    )
}

/// CHANGES.rst with the given headings (`2.1.1 (2024-04-24)`), newest first.
fn changes(headings: &[&str]) -> String {
    let mut text = String::from("Changelog\n=========\n");
    for heading in headings {
        text.push_str(&format!(
            "\n{heading}\n{}\n\n- chore: maintenance\n",
            "-".repeat(heading.len())
        ));
    }
    text
}

/// Seed 002 (`pypiserver`) replayed: every documented step accepted, every forbidden one refused.
#[test]
fn pypiserver_procedure_replayed() {
    let p = start(
        "pypiserver",
        "main",
        &[
            ("pypiserver/__init__.py", &pypiserver_py("2.1.0")),
            ("CHANGES.rst", &changes(&["2.1.0 (2024-03-01)"])),
        ],
    );
    let dev = &p.dev;
    let bump = |version: &str| {
        dev.write("pypiserver/__init__.py", &pypiserver_py(version));
        dev.commit(&format!("chore: bump version to v{version}"));
    };

    // seed: "The workflow automatically prepares a list of changes for the CHANGES.rst and creates a new Pull Request (rc PR) named chore(auto-release-candidate-YYY-MM-DD)"
    dev.git(&[
        "checkout",
        "-q",
        "-b",
        "chore/auto-release-candidate-2024-04-24",
    ]);
    dev.write(
        "CHANGES.rst",
        &changes(&["Unreleased", "2.1.0 (2024-03-01)"]),
    );
    dev.commit("chore(auto-release-candidate-2024-04-24)");
    accepted(&p.push(&["chore/auto-release-candidate-2024-04-24"]));
    // seed: "adjust the suggested changelog items / choose & set the next released version / set the right release date" + "Commit the changes and push them to the head branch of the rc PR."
    dev.write(
        "CHANGES.rst",
        &changes(&["2.1.1 (2024-04-24)", "2.1.0 (2024-03-01)"]),
    );
    dev.commit("chore: release notes for 2.1.1");
    accepted(&p.push(&["chore/auto-release-candidate-2024-04-24"]));

    // seed: "Next, it commits and pushes the new version tag to the default branch." (not to the rc PR)
    bump("2.1.1");
    dev.git(&["tag", "v2.1.1"]);
    refused(&p.push(&["v2.1.1"]), "tag/branch");
    dev.git(&["tag", "-d", "v2.1.1"]);
    dev.git(&["reset", "-q", "--hard", "HEAD~1"]);

    // seed: "Once everything is looking good, approve and merge the rc PR. It will create the new commit with the updated CHANGES.rst on the default branch."
    p.pull_request(600, "main", "chore/auto-release-candidate-2024-04-24");
    dev.checkout("main");
    merge(
        dev,
        "chore/auto-release-candidate-2024-04-24",
        "chore(auto-release-candidate-2024-04-24) (#600)",
    );
    accepted(&p.push(&["main"]));

    // seed: "First, it executes all the bumpver procedures." (the tag names the bumped version)
    dev.git(&["tag", "v2.1.1"]);
    refused(&p.push(&["v2.1.1"]), "tag/version");
    dev.git(&["tag", "-d", "v2.1.1"]);
    // seed: "Next, it commits and pushes the new version tag to the default branch."
    bump("2.1.1");
    dev.git(&["tag", "v2.1.1"]);
    accepted(&p.push(&["--atomic", "main", "v2.1.1"]));

    // seed: "In the created rc PR, open the CHANGES.rst and: ... choose & set the next released version" (no release without its notes)
    bump("2.1.2");
    dev.git(&["tag", "v2.1.2"]);
    refused(&p.push(&["--atomic", "main", "v2.1.2"]), "changelog/entry");
    dev.git(&["tag", "-d", "v2.1.2"]);
    p.back_to_origin("main");

    // seed: "set the right release date"
    dev.git(&[
        "checkout",
        "-q",
        "-b",
        "chore/auto-release-candidate-2024-05-24",
    ]);
    dev.write(
        "CHANGES.rst",
        &changes(&[
            "2.1.2 (2024-05-XX)",
            "2.1.1 (2024-04-24)",
            "2.1.0 (2024-03-01)",
        ]),
    );
    dev.commit("chore(auto-release-candidate-2024-05-24)");
    dev.checkout("main");
    merge(
        dev,
        "chore/auto-release-candidate-2024-05-24",
        "chore(auto-release-candidate-2024-05-24) (#612)",
    );
    bump("2.1.2");
    dev.git(&["tag", "v2.1.2"]);
    refused(&p.push(&["--atomic", "main", "v2.1.2"]), "changelog/entry");
    dev.write(
        "CHANGES.rst",
        &changes(&[
            "2.1.2 (2024-05-24)",
            "2.1.1 (2024-04-24)",
            "2.1.0 (2024-03-01)",
        ]),
    );
    dev.commit("chore: set the release date of 2.1.2");
    dev.git(&["tag", "-f", "v2.1.2"]);
    accepted(&p.push(&["--atomic", "main", "v2.1.2"]));
    assert_eq!(p.central("refs/tags/v2.1.2"), Some(dev.rev("main")));
}

// ---- seed 003: dagster ----

/// Dagster's packages, each with its own `version.py`.
const DAGSTER_PACKAGES: &[&str] = &[
    "python_modules/dagster/dagster/version.py",
    "python_modules/dagit/dagit/version.py",
    "python_modules/libraries/dagster-aws/dagster_aws/version.py",
];

fn dagster_py(version: &str) -> String {
    format!("__version__ = '{version}'\n")
}

/// `bin/publish.py release VERSION`: every package set to the version, committed and tagged.
fn publish_release(dev: &TestRepo, version: &str) {
    for package in DAGSTER_PACKAGES {
        dev.write(package, &dagster_py(version));
    }
    dev.commit(version);
    dev.git(&["tag", "-a", "-m", version, version]);
}

/// Seed 003 (`dagster`) replayed: every documented step accepted, every forbidden one refused.
#[test]
fn dagster_procedure_replayed() {
    let files: Vec<(&str, String)> = DAGSTER_PACKAGES
        .iter()
        .map(|path| (*path, dagster_py("0.4.2")))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let p = start("dagster", "master", &files);
    let dev = &p.dev;

    // seed: "package versions move in lockstep with each other and with git tags"
    dev.write(DAGSTER_PACKAGES[0], &dagster_py("0.4.3.pre0"));
    dev.commit("Bump dagster alone");
    refused(&p.push(&["master"]), "version/lockstep");
    p.back_to_origin("master");

    // seed: "Create a new release by running (e.g., for version 0.4.3.pre0): python bin/publish.py release 0.4.3.pre0"
    publish_release(dev, "0.4.3.pre0");
    // seed: "git push && git push origin 0.4.3.pre0"
    accepted(&p.push(&[]));
    accepted(&p.push(&["0.4.3.pre0"]));

    // seed: "package versions move in lockstep with each other and with git tags" (a tag is the packages' version)
    dev.git(&["tag", "0.4.4.pre0"]);
    refused(&p.push(&["0.4.4.pre0"]), "tag/version");
    dev.git(&["tag", "-d", "0.4.4.pre0"]);

    // seed: "first for version 0.3.0.pre0, and then for version 0.3.0 only when you know that the process is going to succeed without issues" (0.4.3.pre0 is PEP 440's 0.4.3rc0)
    publish_release(dev, "0.4.3");
    accepted(&p.push(&[]));
    accepted(&p.push(&["0.4.3"]));

    // seed: "! [rejected] master -> master (non-fast-forward)": someone pushed first.
    let other = dev.sandbox.clone_of(&p.central, "other");
    other.change("docs/guide.md", "guide\n", "Docs");
    accepted(&other.git_run(&["push", "origin", "master"]));
    publish_release(dev, "0.4.4.pre0");
    let drift = p.push(&[]);
    assert_ne!(
        drift.code,
        0,
        "git refuses the non-fast-forward:\n{}",
        drift.all()
    );
    // A forced push would erase the other commit: the protected branch is never rewritten.
    refused(&p.push(&["--force", "master"]), "branch/force");
    // seed: "First, you'll want to git reset --hard to the commit before your new version."
    dev.git(&["reset", "-q", "--hard", "HEAD~1"]);
    // seed: "Then, you'll need to delete the tag you created -- git tag -d 0.6.5.pre0, for example."
    dev.git(&["tag", "-d", "0.4.4.pre0"]);
    // seed: "Now you are clear to git pull and proceed from step 1 above."
    dev.git(&["pull", "-q", "--no-rebase", "origin", "master"]);
    publish_release(dev, "0.4.4.pre0");
    accepted(&p.push(&[]));
    accepted(&p.push(&["0.4.4.pre0"]));

    // seed: "WARNING: Keep in mind that there is no undo in some of the third-party systems (e.g., PyPI) we use to release software."
    refused(&p.push(&[":refs/tags/0.4.4.pre0"]), "tag/delete");

    // seed: "Run a pre-release before releasing a new version"
    publish_release(dev, "0.4.5");
    accepted(&p.push(&[]));
    let run = p.push(&["0.4.5"]);
    refused(&run, "tag/pre-release");
    // No commit carries a pre-release of 0.4.5 and master never goes back: the next version is
    // released through one.
    assert!(run.all().contains("`0.4.6rc0`"), "{}", run.all());
    assert_eq!(p.central("refs/tags/0.4.5"), None);
}

// ---- seed 004: twisted ----

/// A `_version.py` as `change-versions` writes it, for the whole project or a subproject.
pub(crate) fn twisted_py(
    project: &str,
    version: (u32, u32, u32),
    candidate: Option<u32>,
) -> String {
    let (major, minor, micro) = version;
    let candidate = candidate
        .map(|n| format!(", release_candidate={n}"))
        .unwrap_or_default();
    format!(
        "from incremental import Version\n\n__version__ = Version(\"{project}\", {major}, {minor}, {micro}{candidate})\n__all__ = [\"__version__\"]\n"
    )
}

/// `./bin/admin/change-versions`: the whole project and every subproject at one number.
pub(crate) fn change_versions(dev: &TestRepo, version: (u32, u32, u32), candidate: Option<u32>) {
    dev.write(
        "src/twisted/_version.py",
        &twisted_py("Twisted", version, candidate),
    );
    dev.write(
        "src/twisted/conch/_version.py",
        &twisted_py("Twisted.conch", version, candidate),
    );
}

/// NEWS with a section per `(version, date)`, newest first.
pub(crate) fn news(sections: &[(&str, &str)]) -> String {
    let mut text = String::new();
    for (version, date) in sections {
        let title = format!("Twisted Core {version} ({date})");
        text.push_str(&format!(
            "{title}\n{}\n\nFeatures\n--------\n - Improved documentation\n\n",
            "=".repeat(title.len())
        ));
    }
    text
}

/// Seed 004 (`twisted`) replayed: every documented step accepted, every forbidden one refused.
#[test]
fn twisted_procedure_replayed() {
    let core = twisted_py("Twisted", (22, 1, 0), None);
    let conch = twisted_py("Twisted.conch", (22, 1, 0), None);
    let notes = news(&[("22.1.0", "2022-06-01")]);
    let p = start(
        "twisted",
        "trunk",
        &[
            ("src/twisted/_version.py", &core),
            ("src/twisted/conch/_version.py", &conch),
            ("NEWS", &notes),
        ],
    );
    let dev = &p.dev;
    let branch = "releases/release-4290";

    // seed: "Make a branch (e.g. mkbranch Twisted releases/release-4290)"
    dev.git(&["checkout", "-q", "-b", branch]);
    accepted(&p.push(&[branch]));

    // seed: "Every release of Twisted includes the whole project, the core and all subprojects. Each of these has the same number."
    dev.write(
        "src/twisted/_version.py",
        &twisted_py("Twisted", (23, 0, 0), Some(1)),
    );
    dev.commit("change-versions 23.0.0pre1, core only");
    refused(&p.push(&[branch]), "version/lockstep");
    p.back_to_origin(branch);

    // seed: "Run ./bin/admin/change-versions XX.YY.ZZpreN" + "Commit the changes made by change-versions"
    change_versions(dev, (23, 0, 0), Some(1));
    dev.commit("change-versions 23.0.0pre1");
    // seed: "Run ./bin/admin/build-news ." + "Commit the changes made by build-news"
    dev.write(
        "NEWS",
        &news(&[("23.0.0pre1", "2023-11-14"), ("22.1.0", "2022-06-01")]),
    );
    dev.commit("build-news for 23.0.0pre1");
    accepted(&p.push(&[branch]));
    // seed: "Release N prereleases"
    dev.git(&[
        "tag",
        "-a",
        "-m",
        "Twisted 23.0.0pre1",
        "twisted-23.0.0pre1",
    ]);
    accepted(&p.push(&["twisted-23.0.0pre1"]));

    // seed: "When the ticket is reviewed, merge the branch into trunk" (after `change-versions XX.YY.ZZ`, never at a pre-release)
    dev.checkout("trunk");
    merge(dev, branch, "Merge releases/release-4290 (pre-release)");
    refused(&p.push(&["trunk"]), "version/kind");
    p.back_to_origin("trunk");

    // seed: "Any mistakes should be fixed in trunk before making the release branch" (not merged into it from a topic)
    dev.git(&["checkout", "-q", "-b", "4301-fix-conch", "trunk"]);
    dev.change(
        "src/twisted/conch/ssh.py",
        "fixed = True\n",
        "Fix conch (#4301)",
    );
    dev.checkout(branch);
    merge(dev, "4301-fix-conch", "Merge 4301-fix-conch");
    refused(&p.push(&[branch]), "flow/source");
    p.back_to_origin(branch);
    p.pull_request(4301, "trunk", "4301-fix-conch");
    dev.checkout("trunk");
    merge(dev, "4301-fix-conch", "Merge 4301-fix-conch");
    accepted(&p.push(&["trunk"]));
    p.pull_request(4302, branch, "trunk");
    dev.checkout(branch);
    merge(dev, "trunk", "Merge trunk into releases/release-4290");
    accepted(&p.push(&[branch]));

    // seed: "Run ./bin/admin/change-versions XX.YY.ZZ"
    change_versions(dev, (23, 0, 0), None);
    dev.commit("change-versions 23.0.0");
    accepted(&p.push(&[branch]));
    // seed: "Run ./bin/admin/build-news ." (the release's NEWS section comes before its tag)
    dev.git(&["tag", "-a", "-m", "Twisted 23.0.0", "twisted-23.0.0"]);
    refused(&p.push(&["twisted-23.0.0"]), "changelog/entry");
    dev.git(&["tag", "-d", "twisted-23.0.0"]);
    dev.write(
        "NEWS",
        &news(&[
            ("23.0.0", "2023-11-15"),
            ("23.0.0pre1", "2023-11-14"),
            ("22.1.0", "2022-06-01"),
        ]),
    );
    dev.commit("build-news for 23.0.0");
    // seed: "Add the quote of the release to the README" + "Submit the ticket for review"
    dev.change(
        "README",
        "Quote of the release: ...\n",
        "Quote of the release",
    );
    accepted(&p.push(&[branch]));

    // seed: "YY is the last two digits of the year of the release"
    let late = Run::from_output(
        dev.command("git")
            .args(["tag", "-a", "-m", "Twisted 23.0.0", "twisted-23.0.0"])
            .env("GIT_COMMITTER_DATE", "2024-01-03T10:00:00+0000")
            .output()
            .expect("run git tag"),
    );
    accepted(&late);
    let run = p.push(&["twisted-23.0.0"]);
    refused(&run, "tag/calendar");
    assert!(run.all().contains("twisted-24.0.0"), "{}", run.all());
    dev.git(&["tag", "-d", "twisted-23.0.0"]);

    // seed: "When the ticket is reviewed, merge the branch into trunk"
    p.pull_request(4290, "trunk", branch);
    dev.checkout("trunk");
    merge(dev, branch, "Merge releases/release-4290: Release 23.0.0");
    accepted(&p.push(&["trunk"]));
    // seed: "Tag the release"
    dev.checkout(branch);
    dev.git(&["tag", "-a", "-m", "Twisted 23.0.0", "twisted-23.0.0"]);
    accepted(&p.push(&["twisted-23.0.0"]));

    // seed: "Interrupt the release, fix the bug, then continue with it (e.g. release 10.0.0 with the bug fix)"
    dev.change(
        "src/twisted/web/server.py",
        "fixed = True\n",
        "Fix the showstopper",
    );
    accepted(&p.push(&[branch]));
    // seed: "Delete the tag for the release" (then recreate it: a tag is not moved in place)
    dev.git(&["tag", "-f", "-a", "-m", "Twisted 23.0.0", "twisted-23.0.0"]);
    refused(&p.push(&["--force", "twisted-23.0.0"]), "tag/immutable");
    accepted(&p.push(&[":refs/tags/twisted-23.0.0"]));
    assert_eq!(p.central("refs/tags/twisted-23.0.0"), None);
    // seed: "Recreate the tag from the release branch once the fix has been applied to that branch"
    dev.git(&["checkout", "-q", "-b", "elsewhere", "trunk"]);
    dev.change("elsewhere.txt", "x\n", "A commit on no release branch");
    dev.git(&["tag", "-f", "-a", "-m", "Twisted 23.0.0", "twisted-23.0.0"]);
    refused(&p.push(&["twisted-23.0.0"]), "tag/branch");
    dev.checkout(branch);
    dev.git(&["tag", "-f", "-a", "-m", "Twisted 23.0.0", "twisted-23.0.0"]);
    accepted(&p.push(&["twisted-23.0.0"]));
    p.pull_request(4291, "trunk", branch);
    dev.checkout("trunk");
    merge(dev, branch, "Merge releases/release-4290: the fix");
    accepted(&p.push(&["trunk"]));
    assert_eq!(p.central("twisted-23.0.0^{commit}"), Some(dev.rev(branch)));
}
