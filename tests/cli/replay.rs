//! `git policy check --history` on the textbook release cycle whatever its commits' dates say,
//! on steps whose version cannot be read, and on a condition that lasts.

use std::cell::Cell;

use crate::harness::{Run, Sandbox, TestRepo};

/// A repository whose git commands are dated by a rule of their own, not the sandbox's clock.
pub struct Dated {
    pub repo: TestRepo,
    /// Seconds since the epoch for the `n`-th command.
    date: fn(i64) -> i64,
    n: Cell<i64>,
}

impl Dated {
    fn new(sandbox: &Sandbox, date: fn(i64) -> i64) -> Dated {
        Dated {
            repo: sandbox.repo("dated"),
            date,
            n: Cell::new(0),
        }
    }

    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        let n = self.n.get() + 1;
        self.n.set(n);
        let date = format!("{} +0000", (self.date)(n));
        let run = Run::from_output(
            self.repo
                .command("git")
                .args(args)
                .env("GIT_AUTHOR_DATE", &date)
                .env("GIT_COMMITTER_DATE", &date)
                .output()
                .expect("run git"),
        );
        assert_eq!(run.code, 0, "git {args:?}: {}", run.all());
        run.stdout.trim().to_owned()
    }

    pub fn commit(&self, path: &str, content: &str, message: &str) -> String {
        self.repo.write(path, content);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--no-verify", "-m", message]);
        self.repo.rev("HEAD")
    }

    pub fn set_version(&self, version: &str) -> String {
        self.commit(
            "tokio/__init__.py",
            &format!("\"\"\"pytokio\"\"\"\n__version__ = \"{version}\"\n"),
            &format!("version {version}"),
        )
    }

    /// A topic branch with one commit merged into master with `--no-ff`.
    fn feature(&self, name: &str) {
        self.git(&["checkout", "-q", "-b", name]);
        self.commit(&format!("{name}.txt"), "work\n", &format!("add {name}"));
        self.git(&["checkout", "-q", "master"]);
        let message = format!("Merge branch '{name}'");
        self.git(&["merge", "-q", "--no-ff", "-m", &message, name]);
    }
}

pub const START: i64 = 1_700_000_000;

/// The textbook cycle: features on master, the freeze (master bumped, `rc` created at the
/// commit before the bump, with no commit of its own), `0.12` cut from `rc`, `v0.12.0b1` tagged
/// and the beta moved on; then a hotfix on `0.12`.
pub fn textbook(sandbox: &Sandbox, date: fn(i64) -> i64) -> Dated {
    let d = Dated::new(sandbox, date);
    d.set_version("0.12.0.dev1");
    d.feature("alpha");
    let frozen = d.repo.rev("HEAD");
    d.set_version("0.13.0.dev1");
    d.feature("beta");
    d.git(&["branch", "rc", &frozen]);
    d.git(&["checkout", "-q", "-b", "0.12", "rc"]);
    d.set_version("0.12.0b1");
    d.git(&["tag", "v0.12.0b1"]);
    d.set_version("0.12.0b2");
    d.commit("fix.txt", "fix\n", "hotfix on 0.12");
    d.git(&["checkout", "-q", "master"]);
    d
}

/// The replay's verdict on a repository: exit code and rules reported.
fn replayed(repo: &TestRepo) -> (i32, Vec<String>, String) {
    let run = repo.policy(&["check", "--history"]);
    (run.code, run.rules(), run.all())
}

/// With commits an hour apart, the textbook cycle was reported as `flow/foreign` (a master
/// commit entering `0.12`) and `flow/source` (`0.12` "receives merges only from no branch"):
/// `rc`, with no commit of its own, was never anywhere.
#[test]
fn textbook_cycle_an_hour_apart_was_reported_as_foreign_and_source() {
    let sandbox = Sandbox::new();
    let d = textbook(&sandbox, |n| START + n * 3600);
    let (code, rules, all) = replayed(&d.repo);
    assert_eq!((code, rules), (0, Vec::<String>::new()), "{all}");
    assert!(
        all.contains("3 protected branches and 1 release tag"),
        "{all}"
    );
}

/// With every command in the same second (as rebases and cherry-pick series make commits), the
/// textbook cycle was reported four times, once at master's very first commit: every branch
/// stood at its newest commit of that second at every step.
#[test]
fn textbook_cycle_within_one_second_was_reported_four_times() {
    let sandbox = Sandbox::new();
    let d = textbook(&sandbox, |_| START);
    let (code, rules, all) = replayed(&d.repo);
    assert_eq!((code, rules), (0, Vec::<String>::new()), "{all}");
}

/// Dated backwards (each command an hour before the one before it, so every commit, author
/// and committer, is older than its parent), the textbook cycle replays clean: ancestry, not
/// the dates, orders the steps.
#[test]
fn textbook_cycle_dated_backwards_was_misjudged() {
    let sandbox = Sandbox::new();
    let d = textbook(&sandbox, |n| START - n * 3600);
    let (code, rules, all) = replayed(&d.repo);
    assert_eq!((code, rules), (0, Vec::<String>::new()), "{all}");
}

/// A back-merge is still found however the commits are dated: rc's hotfix merged into master,
/// an hour apart, in one second, and dated backwards.
#[test]
fn a_back_merge_is_found_whatever_the_dates() {
    let dates: [fn(i64) -> i64; 3] = [|n| START + n * 3600, |_| START, |n| START - n * 3600];
    for date in dates {
        let sandbox = Sandbox::new();
        let d = textbook(&sandbox, date);
        d.git(&["checkout", "-q", "rc"]);
        d.commit("rcfix.txt", "fix\n", "hotfix on rc");
        d.git(&["checkout", "-q", "master"]);
        d.git(&["merge", "-q", "--no-ff", "-m", "Merge branch 'rc'", "rc"]);
        let back = d.repo.rev("HEAD");
        let run = d.repo.policy(&["check", "--history", "--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.all());
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        let found: Vec<(String, String)> = doc["violations"]
            .as_array()
            .expect("violations")
            .iter()
            .map(|v| {
                let rule = v["rule"].as_str().unwrap_or_default().to_owned();
                (rule, v["at"].as_str().unwrap_or_default().to_owned())
            })
            .collect();
        assert_eq!(found, [("flow/foreign".to_owned(), back)], "{}", run.stdout);
    }
}

/// A step whose version file does not parse was "unjudged" whole, so a back-merge made while
/// master's version was broken was never reported; now its flow is judged, and the version
/// rules' skip is said once for the span of broken steps.
#[test]
fn unreadable_version_hid_a_back_merge() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("broken");
    repo.set_version("0.12.0.dev1");
    repo.git(&["branch", "rc"]);
    repo.checkout("rc");
    repo.change("fix.txt", "fix\n", "hotfix on rc");
    repo.checkout("master");
    repo.set_version("zero point thirteen");
    repo.change("docs.txt", "docs\n", "docs while the version is broken");
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge branch 'rc'", "rc"]);
    let back = repo.rev("HEAD");
    let run = repo.policy(&["check", "--history", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let violations = doc["violations"].as_array().expect("violations");
    let found: Vec<(&str, &str)> = violations
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap_or(""),
                v["at"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(found, [("flow/foreign", back.as_str())], "{}", run.stdout);
    let text = repo.policy(&["check", "--history"]);
    let warnings: Vec<&str> = text
        .stdout
        .lines()
        .filter(|l| l.starts_with("warning: version rules not judged on refs/heads/master"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", text.stdout);
    assert!(
        warnings[0].contains(", 3 steps: `tokio/__init__.py` does not parse")
            && warnings[0].ends_with("; flow rules were"),
        "{}",
        text.stdout
    );
}

/// A condition that lasted was reported at every step (a real 44,000-commit history printed
/// 17,662 "no version file here"): now it is one finding with its first and last step and
/// the count, and JSON lists every step.
#[test]
fn a_lasting_condition_was_reported_at_every_step() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("late-version");
    let mut without = Vec::new();
    for n in 0..5 {
        without.push(repo.change(&format!("f{n}.txt"), "x\n", &format!("work {n}")));
    }
    repo.set_version("0.12.0.dev1");
    let text = repo.policy(&["check", "--history"]);
    assert_eq!(text.code, 1, "{}", text.all());
    assert_eq!(text.rules(), ["version/kind"], "{}", text.stdout);
    let location = format!("--> refs/heads/master from {} (", &without[0][..7]);
    assert!(text.stdout.contains(&location), "{}", text.stdout);
    assert!(
        text.stdout
            .contains(&format!(") to {} (", &without[4][..7]))
            && text.stdout.contains(", 5 steps\n")
            && text
                .stdout
                .contains("version/kind             1 (over 5 steps)"),
        "{}",
        text.stdout
    );
    let json = repo.policy(&["check", "--history", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let finding = &doc["violations"][0];
    assert_eq!(doc["violations"].as_array().map(Vec::len), Some(1));
    assert_eq!(finding["count"], 5);
    assert_eq!(finding["at"], without[0].as_str());
    assert_eq!(finding["last"], without[4].as_str());
    let steps: Vec<&str> = finding["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["at"].as_str().unwrap_or(""))
        .collect();
    let expected: Vec<&str> = without.iter().map(String::as_str).collect();
    assert_eq!(steps, expected);
    assert_eq!(finding["steps"][4]["violations"][0]["rule"], "version/kind");
}
