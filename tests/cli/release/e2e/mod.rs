//! Each seed's documented release procedure, end to end, as `git policy release` commands
//! against a served repository: the preset installed as the server's policy, served by `git
//! daemon`, a clone with the client hooks; every step pushed, none refused, none forced, and
//! the server's audit clean afterwards. Every step is first run with `--dry-run`, which must
//! change nothing.

mod dagster;
mod dry_run;
mod fixture;
mod found;
mod github_rc;
mod pypiserver;
mod pytokio;
mod twisted;

use std::cell::RefCell;

use crate::harness::{Daemon, Run, Sandbox, TestRepo, daemon};

/// A served repository: the bare repository with the server hook and the preset as its
/// administrator's policy, `git daemon` serving it, and a developer's clone of it over
/// `git://` with the client hooks installed.
pub struct Served {
    pub sandbox: Sandbox,
    pub bare: TestRepo,
    pub dev: TestRepo,
    /// The `git policy release` commands run, commit ids as `<commit>`, for the README.
    ran: RefCell<Vec<String>>,
    /// Stops the daemon when the test ends.
    _daemon: Daemon,
}

/// A first commit on `branch` with `files` and the preset's `.git-policy.toml` (from `git
/// policy init --preset`), `prepare` run on top of it (more branches, tags, history), served
/// with `git policy install --server <bare> --preset <preset>`, and cloned by a developer who
/// runs `git policy install`.
pub fn served(
    preset: &str,
    branch: &str,
    files: &[(&str, &str)],
    prepare: impl FnOnce(&TestRepo),
) -> Served {
    served_by("pre-receive", preset, branch, files, prepare)
}

/// [`served`], the server judging pushes with `hook`: `pre-receive` (the whole push as one
/// set) or `update` (each ref alone, against the refs as they were before the push, as
/// gitolite runs it).
pub fn served_by(
    hook: &str,
    preset: &str,
    branch: &str,
    files: &[(&str, &str)],
    prepare: impl FnOnce(&TestRepo),
) -> Served {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.git(&["symbolic-ref", "HEAD", &format!("refs/heads/{branch}")]);
    for (path, text) in files {
        work.write(path, text);
    }
    ok(&work.policy(&["init", "--preset", preset]));
    work.commit("Initial import, with the release policy");
    prepare(&work);
    let bare = sandbox.path().join("central.git");
    work.git(&["clone", "-q", "--bare", ".", &bare.display().to_string()]);
    ok(&work.policy(&[
        "install",
        "--server",
        &bare.display().to_string(),
        "--preset",
        preset,
        "--hook",
        hook,
    ]));
    let bare = TestRepo {
        sandbox: sandbox.clone(),
        path: bare,
    };
    let served = daemon(&sandbox);
    let here = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().to_path_buf(),
    };
    let url = format!("git://127.0.0.1:{}/central.git", served.port);
    here.git(&["clone", "-q", &url, "dev"]);
    let dev = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().join("dev"),
    };
    ok(&dev.policy(&["install"]));
    Served {
        sandbox,
        bare,
        dev,
        ran: RefCell::new(Vec::new()),
        _daemon: served,
    }
}

/// Asserts a command succeeded and refused nothing.
#[track_caller]
pub fn ok(run: &Run) {
    assert_eq!(run.code, 0, "expected success:\n{}", run.all());
    assert!(
        run.rules().is_empty(),
        "expected no violation:\n{}",
        run.all()
    );
}

/// Everything a step could change in a clone: refs, `HEAD`, the index, the work tree, and the
/// objects reachable from any ref.
pub fn everything(repo: &TestRepo) -> String {
    [
        repo.git(&["for-each-ref"]),
        repo.git(&["rev-parse", "HEAD"]),
        repo.git_run(&["symbolic-ref", "-q", "HEAD"]).stdout,
        repo.git(&["ls-files", "-s"]),
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
        repo.git(&["rev-list", "--objects", "--all"]),
    ]
    .join("\n--\n")
}

impl Served {
    /// Runs `git policy release ARGS` with `--dry-run` in place of `--push` and asserts it
    /// accepted the step and changed nothing in the clone or on the server; then runs ARGS
    /// and asserts the step was done, with no violation. Returns the real run.
    #[track_caller]
    pub fn release(&self, args: &[&str]) -> Run {
        let dry = self.dry_run(args);
        ok(&dry);
        let mut all = vec!["release"];
        all.extend_from_slice(args);
        let run = self.dev.policy(&all);
        ok(&run);
        // The checked-out branch's work tree and index follow the step: nothing left over.
        assert_eq!(
            self.dev
                .git(&["status", "--porcelain", "--untracked-files=all"]),
            "",
            "after `git policy {}`",
            all.join(" ")
        );
        let spelled: Vec<&str> = all
            .iter()
            .map(|a| if is_commit(a) { "<commit>" } else { a })
            .collect();
        self.ran
            .borrow_mut()
            .push(format!("git policy {}", spelled.join(" ")));
        run
    }

    /// Asserts the README's subsection `### PRESET` of "Releasing with `git policy release`"
    /// shows the `git policy release` commands this test ran, in order (a `<...>` there
    /// stands for a commit).
    #[track_caller]
    pub fn readme_shows(&self, preset: &str) {
        assert_eq!(
            readme_commands(preset),
            *self.ran.borrow(),
            "README's `### {preset}`"
        );
    }

    /// Runs `git policy release plan --format json`, asserts it changed nothing and offers
    /// `next` (a whole command, e.g. `git policy release freeze`) as a step the policy accepts.
    #[track_caller]
    pub fn plan_offers(&self, next: &str) {
        let before = everything(&self.dev);
        let run = self.dev.policy(&["release", "plan", "--format", "json"]);
        ok(&run);
        assert_eq!(everything(&self.dev), before, "plan changed the clone");
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("plan's JSON");
        let offered: Vec<&str> = doc["branches"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|b| b["next"].as_array().into_iter().flatten())
            .filter(|step| step["accepted"] == true)
            .filter_map(|step| step["command"].as_str())
            .collect();
        assert!(
            offered.contains(&next),
            "plan offers {offered:?}, not `{next}`"
        );
        self.ran
            .borrow_mut()
            .push("git policy release plan".to_owned());
    }

    /// Runs `git policy release plan`, asserts it changed nothing and says `needle`.
    #[track_caller]
    pub fn plan_says(&self, needle: &str) {
        let before = everything(&self.dev);
        let run = self.dev.policy(&["release", "plan"]);
        ok(&run);
        assert_eq!(everything(&self.dev), before, "plan changed the clone");
        assert!(run.stdout.contains(needle), "{needle} in:\n{}", run.stdout);
        self.ran
            .borrow_mut()
            .push("git policy release plan".to_owned());
    }

    /// Runs `git policy release ARGS --dry-run` (`--push` dropped) and asserts nothing changed:
    /// the clone's refs, `HEAD`, index, work tree and reachable objects, and the server's refs.
    #[track_caller]
    pub fn dry_run(&self, args: &[&str]) -> Run {
        let before = everything(&self.dev);
        let server = self.bare.git(&["for-each-ref"]);
        let mut all = vec!["release"];
        all.extend(args.iter().copied().filter(|a| *a != "--push"));
        all.push("--dry-run");
        let run = self.dev.policy(&all);
        assert_eq!(
            everything(&self.dev),
            before,
            "`git policy {}` changed the clone:\n{}",
            all.join(" "),
            run.all()
        );
        assert_eq!(
            self.bare.git(&["for-each-ref"]),
            server,
            "`git policy {}` changed the server:\n{}",
            all.join(" "),
            run.all()
        );
        assert!(
            run.stdout.contains("dry run: nothing was written"),
            "{}",
            run.all()
        );
        run
    }

    /// A developer's ordinary work: on `branch`, write `path`, `git commit` it (the client
    /// hooks run) and `git push` it. Returns the commit.
    #[track_caller]
    pub fn work(&self, branch: &str, path: &str, text: &str, message: &str) -> String {
        self.dev.git(&["checkout", "-q", branch]);
        self.dev.write(path, text);
        self.dev.git(&["add", "-A"]);
        ok(&self.dev.git_run(&["commit", "-q", "-m", message]));
        ok(&self.dev.git_run(&["push", "-q", "origin", branch]));
        self.dev.rev("HEAD")
    }

    /// A topic branch with one commit, merged into `into` with `git merge --no-ff` and pushed.
    #[track_caller]
    pub fn feature(&self, into: &str, name: &str) -> String {
        self.dev.git(&["checkout", "-q", into]);
        self.dev.git(&["checkout", "-q", "-b", name]);
        self.dev.write(&format!("{name}.txt"), &format!("{name}\n"));
        self.dev.git(&["add", "-A"]);
        ok(&self
            .dev
            .git_run(&["commit", "-q", "-m", &format!("add {name}")]));
        self.dev.git(&["checkout", "-q", into]);
        let merge = format!("Merge branch '{name}'");
        ok(&self
            .dev
            .git_run(&["merge", "-q", "--no-ff", "-m", &merge, name]));
        ok(&self.dev.git_run(&["push", "-q", "origin", into]));
        self.dev.rev("HEAD")
    }

    /// The server's refs, by name.
    pub fn server_refs(&self) -> Vec<String> {
        self.bare
            .git(&["for-each-ref", "--format=%(refname)"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// `path` at `rev` on the server.
    pub fn on_server(&self, rev: &str, path: &str) -> String {
        self.bare.git(&["show", &format!("{rev}:{path}")])
    }

    /// Asserts the server's audit finds nothing: `git policy check` in the bare repository
    /// (the administrator's policy), and `git policy check --history` in a fresh clone of it
    /// (every protected branch's history replayed). And the clone knows what the server has:
    /// each branch's tracking ref and each tag as the server has them; its plan reads it all.
    #[track_caller]
    pub fn audit(&self) {
        for refname in self.server_refs() {
            let known = match refname.strip_prefix("refs/heads/") {
                Some(branch) => format!("refs/remotes/origin/{branch}"),
                None => refname.clone(),
            };
            assert_eq!(
                self.dev.rev(&known),
                self.bare.rev(&refname),
                "the clone's `{known}`"
            );
        }
        let run = self.bare.policy(&["check"]);
        assert_eq!(run.code, 0, "the server's audit:\n{}", run.all());
        // The plan reads the whole state the procedure left, without failing.
        let run = self.dev.policy(&["release", "plan"]);
        assert_eq!(run.code, 0, "the plan afterwards:\n{}", run.all());
        let fresh = self.sandbox.clone_of(&self.bare, "audit");
        let run = fresh.policy(&["check", "--history"]);
        assert_eq!(run.code, 0, "the history's audit:\n{}", run.all());
    }
}

/// A full commit id.
fn is_commit(arg: &str) -> bool {
    arg.len() == 40 && arg.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The `git policy release` commands of the README's `### PRESET` release, comments dropped,
/// each `<...>` as `<commit>`.
pub fn readme_commands(preset: &str) -> Vec<String> {
    let readme = include_str!("../../../../README.md");
    let section = readme
        .split_once("## Releasing with `git policy release`")
        .expect("README has the release section")
        .1;
    let block = section
        .split_once(&format!("\n### {preset}\n"))
        .unwrap_or_else(|| panic!("README has no `### {preset}` release"))
        .1
        .split_once("```sh\n")
        .expect("a sh block")
        .1
        .split_once("```")
        .expect("the block ends")
        .0;
    block
        .lines()
        .map(|line| {
            line.split_once(" #")
                .map_or(line, |(command, _)| command)
                .trim()
        })
        .filter(|line| line.starts_with("git policy release "))
        .map(|line| {
            let mut out = String::new();
            let mut rest = line;
            while let Some((before, after)) = rest.split_once('<') {
                out.push_str(before);
                out.push_str("<commit>");
                rest = after.split_once('>').map_or("", |(_, r)| r);
            }
            out.push_str(rest);
            out
        })
        .collect()
}
