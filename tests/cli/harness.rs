//! Real repositories made with the `git` CLI, isolated from the machine's git configuration.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::rc::Rc;

use tempfile::TempDir;

/// Variables git reads that a developer's shell or an enclosing hook may have set.
const GIT_VARIABLES: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CEILING_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EDITOR",
    "GIT_SEQUENCE_EDITOR",
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME",
    "GITHUB_STEP_SUMMARY",
    "GITLAB_CI",
];

/// A sandbox: a temporary `HOME`, an empty global config, no system config, fixed identity,
/// and a clock that advances one minute per git command so commit order is stable.
#[derive(Clone)]
pub struct Sandbox {
    root: Rc<TempDir>,
    clock: Rc<Cell<u64>>,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let root = TempDir::new().expect("temp dir");
        let home = root.path().join("home");
        std::fs::create_dir_all(&home).expect("home");
        std::fs::write(home.join(".gitconfig"), "").expect("global config");
        Sandbox {
            root: Rc::new(root),
            clock: Rc::new(Cell::new(0)),
        }
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    /// A command with the sandbox's environment.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(dir);
        for var in GIT_VARIABLES {
            cmd.env_remove(var);
        }
        let tick = self.clock.get() + 1;
        self.clock.set(tick);
        let date = format!("{} +0000", 1_700_000_000 + tick * 60);
        cmd.env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.home().join(".gitconfig"))
            .env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@example.invalid")
            .env("GIT_COMMITTER_NAME", "Test Committer")
            .env("GIT_COMMITTER_EMAIL", "committer@example.invalid")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_MERGE_AUTOEDIT", "no")
            .env("NO_COLOR", "1")
            .env("LC_ALL", "C");
        cmd
    }

    /// A new non-bare repository on `master` under the sandbox.
    pub fn repo(&self, name: &str) -> TestRepo {
        let path = self.path().join(name);
        std::fs::create_dir_all(&path).expect("repo dir");
        let repo = TestRepo {
            sandbox: self.clone(),
            path,
        };
        repo.git(&["init", "-q", "-b", "master"]);
        repo
    }

    /// A new bare repository, the central one pushes go to.
    pub fn bare(&self, name: &str) -> TestRepo {
        let path = self.path().join(name);
        let repo = TestRepo {
            sandbox: self.clone(),
            path: self.path().to_path_buf(),
        };
        repo.git(&[
            "init",
            "-q",
            "--bare",
            "-b",
            "master",
            &path.to_string_lossy(),
        ]);
        TestRepo {
            sandbox: self.clone(),
            path,
        }
    }

    /// A clone of `origin` under the sandbox, over `file://` so pushes use the transport a
    /// remote would (pack negotiation, receive-pack, quarantine).
    pub fn clone_of(&self, origin: &TestRepo, name: &str) -> TestRepo {
        let here = TestRepo {
            sandbox: self.clone(),
            path: self.path().to_path_buf(),
        };
        here.git(&[
            "clone",
            "-q",
            &format!("file://{}", origin.path.display()),
            name,
        ]);
        TestRepo {
            sandbox: self.clone(),
            path: self.path().join(name),
        }
    }
}

pub struct TestRepo {
    pub sandbox: Sandbox,
    pub path: PathBuf,
}

/// The git-policy binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_git-policy"))
}

/// What a command printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Both streams, for assertions about what a person sees.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The rule ids named in `error[...]` lines, in order.
    pub fn rules(&self) -> Vec<String> {
        self.all()
            .lines()
            .filter_map(|l| {
                let rest = l.trim_start().strip_prefix("error[")?;
                Some(rest.split(']').next()?.to_owned())
            })
            .collect()
    }
}

impl TestRepo {
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        self.sandbox.command(program, &self.path)
    }

    /// Runs git and returns its output, whatever its exit code.
    pub fn git_run(&self, args: &[&str]) -> Run {
        Run::from_output(self.command("git").args(args).output().expect("run git"))
    }

    /// Runs git, which must succeed; returns its trimmed standard output.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        let run = self.git_run(args);
        assert_eq!(
            run.code,
            0,
            "git {args:?} failed in {}:\n{}",
            self.path.display(),
            run.all()
        );
        run.stdout.trim().to_owned()
    }

    /// Runs git-policy with `args`.
    pub fn policy(&self, args: &[&str]) -> Run {
        Run::from_output(
            self.command(bin())
                .args(args)
                .output()
                .expect("run git-policy"),
        )
    }

    pub fn write(&self, path: &str, content: &str) {
        let file = self.path.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("parent dir");
        }
        std::fs::write(file, content).expect("write file");
    }

    /// Commits everything in the work tree; returns the new commit's id.
    pub fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&[
            "commit",
            "-q",
            "--allow-empty",
            "--no-verify",
            "-m",
            message,
        ]);
        self.rev("HEAD")
    }

    /// Writes a file and commits it.
    pub fn change(&self, path: &str, content: &str, message: &str) -> String {
        self.write(path, content);
        self.commit(message)
    }

    /// Sets the pytokio version file and commits it.
    pub fn set_version(&self, version: &str) -> String {
        self.change(
            "tokio/__init__.py",
            &format!("\"\"\"pytokio\"\"\"\n__version__ = \"{version}\"\n"),
            &format!("version {version}"),
        )
    }

    pub fn rev(&self, rev: &str) -> String {
        self.git(&["rev-parse", rev])
    }

    pub fn checkout(&self, branch: &str) {
        self.git(&["checkout", "-q", branch]);
    }

    /// `git policy check` of one update as a server would judge it.
    pub fn judge(&self, refname: &str, old: &str, new: &str) -> Run {
        self.policy(&["check", "--ref", refname, "--old", old, "--new", new])
    }
}

/// A pytokio repository: `master` at 0.13.0.dev1 with a merged feature, `rc` at 0.12.0.dev1.
pub fn pytokio(sandbox: &Sandbox) -> TestRepo {
    let repo = sandbox.repo("work");
    repo.set_version("0.12.0.dev1");
    repo.git(&["branch", "rc"]);
    repo.set_version("0.13.0.dev1");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.change("feature.txt", "a feature\n", "add a feature");
    repo.checkout("master");
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'feature'",
        "feature",
    ]);
    repo
}

pub const ZERO: &str = "0000000000000000000000000000000000000000";
