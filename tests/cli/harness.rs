//! Real repositories made with the `git` CLI, isolated from the machine's git configuration.

use std::cell::Cell;
use std::net::{TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

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

/// Copies the binary under test to `to`, to be run from there. `cp` writes it, not this
/// process: a file this multi-threaded process has open for writing is inherited by every
/// child another test forks meanwhile, and running it then fails with "Text file busy".
pub fn copy_bin(to: &Path) {
    let status = Command::new("cp")
        .arg(bin())
        .arg(to)
        .status()
        .expect("run cp");
    assert!(status.success(), "cp the binary to {}", to.display());
}

/// One of a command's output streams.
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
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

    /// Runs git-policy with `args` as on a terminal: colour forced.
    pub fn policy_coloured(&self, args: &[&str]) -> Run {
        Run::from_output(
            self.command(bin())
                .args(args)
                .env_remove("NO_COLOR")
                .env("CLICOLOR_FORCE", "1")
                .output()
                .expect("run git-policy"),
        )
    }

    /// Runs git-policy with `args`, writing `input` to its standard input.
    pub fn policy_with_stdin(&self, args: &[&str], input: &[u8]) -> Run {
        use std::io::Write;
        let mut child = self
            .command(bin())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run git-policy");
        let mut stdin = child.stdin.take().expect("stdin");
        // The binary may refuse before reading everything; a closed pipe is its answer.
        let _ = stdin.write_all(input);
        drop(stdin);
        Run::from_output(child.wait_with_output().expect("wait for git-policy"))
    }

    /// Runs git-policy with `stream` connected to a reader that has gone away, as `git policy
    /// explain | head` leaves standard output once `head` has read enough: every write there
    /// fails with a broken pipe. (A socket whose other end is closed fails as a pipe does, and
    /// unlike a pipe it needs nothing newer than the toolchain the crate supports.)
    pub fn policy_to_gone_reader(&self, args: &[&str], stream: Stream) -> Run {
        let (ours, theirs) = UnixStream::pair().expect("socket pair");
        drop(ours);
        let gone = Stdio::from(OwnedFd::from(theirs));
        let mut cmd = self.command(bin());
        cmd.args(args);
        match stream {
            Stream::Stdout => cmd.stdout(gone),
            Stream::Stderr => cmd.stderr(gone),
        };
        Run::from_output(cmd.output().expect("run git-policy"))
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
        self.policy(&judging(refname, old, new))
    }
}

/// The arguments of `git policy check` judging `refname` moving from `old` to `new`.
pub fn judging<'a>(refname: &'a str, old: &'a str, new: &'a str) -> Vec<&'a str> {
    vec!["check", "--ref", refname, "--old", old, "--new", new]
}

/// A central bare repository cloned from `work`, with a server hook (`pre-receive` or
/// `update`) installed by `git policy install --server` run in `work`: `work`'s
/// `.git-policy.toml` (else the embedded default) becomes the administrator's policy.
pub fn serve(work: &TestRepo, hook: &str) -> TestRepo {
    let central = work.sandbox.path().join("central.git");
    work.git(&["clone", "-q", "--bare", ".", &central.display().to_string()]);
    let installed = work.policy(&[
        "install",
        "--server",
        &central.display().to_string(),
        "--hook",
        hook,
    ]);
    assert_eq!(installed.code, 0, "{}", installed.all());
    TestRepo {
        sandbox: work.sandbox.clone(),
        path: central,
    }
}

/// Asserts a command succeeded.
#[track_caller]
pub fn accepted(run: &Run) {
    assert_eq!(run.code, 0, "expected success:\n{}", run.all());
}

/// Asserts a command was refused by `rule`.
#[track_caller]
pub fn refused(run: &Run, rule: &str) {
    assert_ne!(run.code, 0, "expected a refusal by {rule}:\n{}", run.all());
    assert!(
        run.all().contains(&format!("error[{rule}]")),
        "expected {rule}:\n{}",
        run.all()
    );
}

/// Asserts a verdict rejected by `rule`: exit 1, and `rule` among the rules named.
#[track_caller]
pub fn rejected(run: &Run, rule: &str) {
    assert_eq!(
        run.code,
        1,
        "expected a rejection by {rule}:\n{}",
        run.all()
    );
    assert!(
        run.rules().iter().any(|r| r == rule),
        "expected {rule} among {:?}:\n{}",
        run.rules(),
        run.all()
    );
}

/// Asserts an error, not a verdict: exit 2, and standard error says each of `needles`.
#[track_caller]
pub fn failed(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, 2, "expected an error:\n{}", run.all());
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "expected {needle:?} in:\n{}",
            run.stderr
        );
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

/// A git daemon on a free loopback port, logging to `daemon.log` in the sandbox, stopped when
/// dropped (also when a test panics).
pub struct Daemon {
    child: Child,
    pub port: u16,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn daemon(sandbox: &Sandbox) -> Daemon {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    // `git daemon` runs `git-daemon` as a child of its own: killing `git` would leave the
    // daemon serving after the test. Run the daemon itself, so dropping it stops it.
    let exec_path = sandbox
        .command("git", sandbox.path())
        .arg("--exec-path")
        .output()
        .expect("run git --exec-path");
    let exec_path = PathBuf::from(String::from_utf8_lossy(&exec_path.stdout).trim());
    let child = sandbox
        .command(exec_path.join("git-daemon"), sandbox.path())
        .args([
            "--enable=receive-pack",
            "--export-all",
            "--reuseaddr",
            "--verbose",
            // Past its limit (32 by default, counting children not yet reaped) git daemon kills
            // the newest connection from an address that already has one: every test client
            // is 127.0.0.1.
            "--max-connections=0",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
            &format!("--base-path={}", sandbox.path().display()),
            &sandbox.path().display().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(sandbox.path().join("daemon.log")).expect("daemon log"))
        .spawn()
        .expect("start git daemon");
    let daemon = Daemon { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "git daemon did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    daemon
}
