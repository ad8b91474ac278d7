//! git-policy beside the other hook managers, the real tools from PyPI and npm: in either
//! install order both tools' hooks run, and uninstalling either leaves the other working.

mod husky;
mod lefthook;
mod pre_commit;
mod prek;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{Run, Sandbox, TestRepo, accepted, bin, pytokio, refused};

use std::fs;

/// Where a tool installed with `python3 -m pip install` or `npm install -g` is, asked outside
/// the sandbox (pyenv shims need the real `HOME`). A missing tool fails the test, naming how
/// to install it: `.ci/run` installs every one.
pub fn tool(name: &str, install: &str) -> PathBuf {
    let scripts = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(path) = scripts.map(|dir| dir.join(name)).filter(|p| p.is_file()) {
        return path;
    }
    let which = Command::new("which").arg(name).output();
    match which {
        Ok(out) if out.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        }
        _ => panic!("`{name}` is not installed: `{install}` (`.ci/run` installs it)"),
    }
}

/// `PATH` with git-policy and `tools`' directories first, as a developer's shell has them.
fn path_with(tools: &[&Path]) -> String {
    let mut dirs: Vec<PathBuf> = vec![bin().parent().map(Path::to_path_buf).unwrap_or_default()];
    dirs.extend(
        tools
            .iter()
            .filter_map(|t| t.parent().map(Path::to_path_buf)),
    );
    let mut path =
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect::<Vec<_>>();
    dirs.append(&mut path);
    std::env::join_paths(dirs)
        .expect("PATH")
        .to_string_lossy()
        .into_owned()
}

/// One hook manager as a project uses it.
pub struct Tool {
    /// The manager's executable.
    pub exe: PathBuf,
    /// Writes the manager's configuration with a `pre-commit` hook that runs
    /// `touch .git/<marker>`, into the work tree (committed by the caller).
    pub configure: fn(&TestRepo, &str),
    /// Installs its hooks.
    pub install: &'static [&'static str],
    /// Removes its hooks, as its documentation says.
    pub uninstall: fn(&Developer) -> Run,
    /// `git policy install` where this manager runs the hooks, or will.
    pub git_policy_install: &'static [&'static str],
}

/// A clone with a manager and git-policy, run as its developer runs commands.
pub struct Developer {
    pub repo: TestRepo,
    pub path: String,
    pub exe: PathBuf,
}

const MARKER: &str = "manager-ran";

impl Developer {
    pub fn run(&self, program: &Path, args: &[&str]) -> Run {
        Run::from_output(
            self.repo
                .command(program)
                .args(args)
                .env("PATH", &self.path)
                .output()
                .expect("run"),
        )
    }

    pub fn git(&self, args: &[&str]) -> Run {
        self.run(Path::new("git"), args)
    }

    pub fn tool(&self, args: &[&str]) -> Run {
        self.run(&self.exe, args)
    }

    pub fn policy(&self, args: &[&str]) -> Run {
        self.run(&bin(), args)
    }

    fn marker(&self) -> PathBuf {
        self.repo.path.join(".git").join(MARKER)
    }

    /// Commits a change to a file no rule cares about; returns the commit's run and whether the
    /// manager's hook ran.
    pub fn commit_clean(&self, n: usize) -> (Run, bool) {
        let _ = std::fs::remove_file(self.marker());
        self.repo.write("notes.txt", &format!("note {n}\n"));
        self.git(&["add", "notes.txt"]);
        let run = self.git(&["commit", "-q", "-m", &format!("note {n}")]);
        (run, self.marker().exists())
    }

    /// Commits a final version on master, which git-policy refuses (`version/kind`); undoes
    /// the attempt whatever came of it.
    pub fn commit_violation(&self) -> Run {
        self.repo
            .write("tokio/__init__.py", "__version__ = \"0.13.0\"\n");
        self.git(&["add", "tokio/__init__.py"]);
        let run = self.git(&["commit", "-q", "-m", "release from master"]);
        if run.code == 0 {
            self.git(&["reset", "-q", "--hard", "HEAD~1"]);
        } else {
            self.git(&["reset", "-q", "--hard", "HEAD"]);
        }
        run
    }

    /// Both hooks run: a clean commit accepted with the manager's marker, a violation refused.
    #[track_caller]
    pub fn both_run(&self, n: usize) {
        let (run, ran) = self.commit_clean(n);
        accepted(&run);
        assert!(ran, "the manager's hook did not run:\n{}", run.all());
        refused(&self.commit_violation(), "version/kind");
    }

    /// Hook files of git-policy's left in `.git/hooks`, under any name.
    pub fn our_files(&self) -> Vec<String> {
        let dir = self.repo.path.join(".git/hooks");
        let mut ours = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("hooks dir").flatten() {
            let text = std::fs::read(entry.path()).unwrap_or_default();
            if String::from_utf8_lossy(&text).contains("# git-policy hook shim v") {
                ours.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        ours.sort();
        ours
    }
}

/// The developer of `repo`, with `tool` on `PATH`.
pub fn developer(repo: TestRepo, tool: &Tool) -> Developer {
    Developer {
        path: path_with(&[&tool.exe]),
        exe: tool.exe.clone(),
        repo,
    }
}

/// Which tool installs first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    ManagerFirst,
    GitPolicyFirst,
}

/// pytokio with the manager's configuration committed, both installed in `order`, and both
/// hooks seen running.
pub fn set_up(sandbox: &Sandbox, tool: &Tool, order: Order) -> Developer {
    let repo = pytokio(sandbox);
    (tool.configure)(&repo, MARKER);
    repo.commit("configure the hook manager");
    let dev = developer(repo, tool);
    let install_tool = || {
        let run = dev.tool(tool.install);
        accepted(&run);
    };
    match order {
        Order::ManagerFirst => {
            install_tool();
            let run = dev.policy(tool.git_policy_install);
            accepted(&run);
        }
        Order::GitPolicyFirst => {
            accepted(&dev.policy(tool.git_policy_install));
            install_tool();
        }
    }
    dev
}

/// pytokio with the manager's configuration committed, plain `git policy install`, then the
/// manager's install.
pub fn set_up_plain(sandbox: &Sandbox, tool: &Tool) -> Developer {
    let repo = pytokio(sandbox);
    (tool.configure)(&repo, MARKER);
    repo.commit("configure the hook manager");
    let dev = developer(repo, tool);
    accepted(&dev.policy(&["install"]));
    accepted(&dev.tool(tool.install));
    dev
}

/// The command in the first `hint:` line of `text` that starts with one.
pub fn hinted_command(text: &str) -> String {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("hint: `"))
        .find_map(|l| l.split_once('`'))
        .map(|(command, _)| command.to_owned())
        .unwrap_or_else(|| panic!("no hint with a command:\n{text}"))
}

/// Both orders, then each tool uninstalled in turn (each on its own clone) with the other
/// still working. `after_manager` runs after a manager installed second and returns what
/// fixes git-policy's hooks if that manager disabled them.
pub fn scenario(tool: &Tool, order: Order, after_manager: fn(&Developer)) {
    for uninstall_manager in [true, false] {
        let sandbox = Sandbox::new();
        let dev = set_up(&sandbox, tool, order);
        if order == Order::GitPolicyFirst {
            after_manager(&dev);
        }
        dev.both_run(1);
        if uninstall_manager {
            accepted(&(tool.uninstall)(&dev));
            let (run, ran) = dev.commit_clean(2);
            accepted(&run);
            assert!(!ran, "the manager's hook still runs after its uninstall");
            refused(&dev.commit_violation(), "version/kind");
        } else {
            let run = dev.policy(&["uninstall"]);
            accepted(&run);
            assert_eq!(dev.our_files(), Vec::<String>::new(), "{}", run.all());
            let (run, ran) = dev.commit_clean(2);
            accepted(&run);
            assert!(ran, "the manager's hook stopped running:\n{}", run.all());
            accepted(&dev.commit_violation());
        }
    }
}

/// Nothing to fix after the manager installs second.
pub fn nothing(_: &Developer) {}

/// Follows the note `git policy install` prints beside a manager literally: the entry it
/// prints added to `file` (appended), the command it names run, `git policy uninstall`; then
/// the manager runs git-policy's hooks itself: commits and pushes judged, git-policy's own
/// hook files gone.
pub fn follow_printed_entry(tool: &Tool, file: &str) {
    let sandbox = Sandbox::new();
    let dev = set_up(&sandbox, tool, Order::ManagerFirst);
    let install = dev.policy(&["install"]);
    accepted(&install);
    follow_note(&dev, tool, &install, file);
}

/// Follows the note in `install`'s output (see [`follow_printed_entry`]).
pub fn follow_note(dev: &Developer, tool: &Tool, install: &Run, file: &str) {
    let origin = dev.repo.sandbox.bare("origin.git");
    dev.git(&["remote", "add", "origin", &origin.path.to_string_lossy()]);
    accepted(&dev.git(&["push", "-q", "--no-verify", "origin", "master", "rc"]));
    let mut lines = install
        .stdout
        .lines()
        .skip_while(|l| !l.contains("To have it run them itself instead"));
    let note = lines
        .next()
        .unwrap_or_else(|| panic!("no note:\n{}", install.stdout));
    let entry: String = lines
        .take_while(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    let command = note
        .split_once(", run `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(command, _)| command)
        .unwrap_or_else(|| panic!("no command in the note: {note}"));
    let path = dev.repo.path.join(file);
    let mut text = fs::read_to_string(&path).unwrap_or_default();
    text.push_str(&entry);
    fs::write(&path, text).expect("write the entry");
    let mut words = command.split_whitespace();
    assert_eq!(
        words.next(),
        tool.exe.file_name().and_then(|n| n.to_str()),
        "{command}"
    );
    accepted(&dev.tool(&words.collect::<Vec<_>>()));
    accepted(&dev.policy(&["uninstall"]));
    assert_eq!(dev.our_files(), Vec::<String>::new());
    // The framework reads a configuration only once it is staged.
    dev.git(&["add", "-A"]);
    dev.both_run(1);
    accepted(&dev.git(&["push", "-q", "origin", "master"]));
    // A final version committed on master past the hooks is refused at the push.
    dev.repo.set_version("0.13.0");
    refused(
        &dev.git(&["push", "-q", "origin", "master"]),
        "version/kind",
    );
}
