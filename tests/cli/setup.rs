//! `./install.sh` in a sandbox: afterwards `git policy --help` shows the manual page and
//! `git policy ch<TAB>` completes under git's own bash completion.
//!
//! Only the build is stood in for: a `cargo` on `PATH` installs the binary under test where
//! `cargo install` would (`~/.cargo/bin`), and every other line of the script runs as written.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::harness::{Run, Sandbox, bin};

/// git's completion script, shipped with git, and the bash-completion library that loads it and
/// the user's completions on demand.
const GIT_COMPLETION: &str = "/usr/share/bash-completion/completions/git";
const BASH_COMPLETION: &str = "/usr/share/bash-completion/bash_completion";

/// A sandbox in which `./install.sh` has run; its `HOME` is the user's.
struct Installed {
    sandbox: Sandbox,
}

impl Installed {
    fn new() -> Installed {
        let sandbox = Sandbox::new();
        let tools = sandbox.path().join("toolchain");
        std::fs::create_dir_all(&tools).expect("toolchain dir");
        write_script(
            &tools.join("cargo"),
            &format!(
                "#!/bin/sh\n\
                 # `cargo install`, built already: link the binary under test where cargo installs it.\n\
                 [ \"$1\" = install ] || {{ echo \"test cargo: only install\" >&2; exit 1; }}\n\
                 root=${{CARGO_INSTALL_ROOT:-${{CARGO_HOME:-$HOME/.cargo}}}}\n\
                 mkdir -p \"$root/bin\" && ln -sf '{}' \"$root/bin/git-policy\"\n",
                bin().display()
            ),
        );
        // scripts/release-build.sh asks rustc for the host only.
        write_script(
            &tools.join("rustc"),
            &format!(
                "#!/bin/sh\necho 'host: {}-unknown-linux-gnu'\n",
                std::env::consts::ARCH
            ),
        );
        let installed = Installed { sandbox };
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
        let run = installed.run(
            Command::new(&script),
            &format!("{}:{}", installed.bin_dir().display(), tools.display()),
        );
        assert_eq!(run.code, 0, "./install.sh failed:\n{}", run.all());
        // Building takes minutes: the script says so before it starts.
        assert!(
            run.stdout.contains("building and installing git-policy")
                && run.stdout.contains("this takes a few minutes"),
            "{}",
            run.all()
        );
        installed
    }

    fn bin_dir(&self) -> PathBuf {
        self.sandbox.home().join(".cargo/bin")
    }

    /// Runs `cmd` as the sandbox's user would, with `first` before the system's `PATH`.
    fn run(&self, cmd: Command, first: &str) -> Run {
        let mut sandboxed = self.sandbox.command(cmd.get_program(), self.sandbox.path());
        sandboxed.args(cmd.get_args());
        for var in [
            "MANPATH",
            "CARGO_HOME",
            "CARGO_INSTALL_ROOT",
            "XDG_DATA_HOME",
            "BASH_COMPLETION_USER_DIR",
        ] {
            sandboxed.env_remove(var);
        }
        let output = sandboxed
            .env("PATH", format!("{first}:/usr/bin:/bin"))
            .env("TMPDIR", self.sandbox.path())
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .expect("run in the sandbox");
        Run::from_output(output)
    }
}

fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write script");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Whether `program` is on the system's `PATH`.
fn on_path(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .env("PATH", "/usr/bin:/bin")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// `git policy --help` is `git help policy`, which runs `man git-policy`: after `./install.sh`
/// it shows the page made from the command line's definitions, not "No manual entry".
#[test]
fn git_policy_help_shows_the_manual_page_after_install() {
    assert!(
        on_path("man"),
        "`man` is not installed, so `git policy --help` cannot work: install man-db"
    );
    let installed = Installed::new();
    let mut help = Command::new("git");
    help.args(["policy", "--help"]);
    let run = installed.run(help, &installed.bin_dir().display().to_string());
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout
            .contains("git-policy - Enforce a project's branch and release policy in git"),
        "{}",
        run.all()
    );
    for sub in ["git-policy-check(1)", "git-policy-init(1)", "Exit codes"] {
        assert!(run.stdout.contains(sub), "no {sub}: {}", run.all());
    }
    let mut check = Command::new("man");
    check.arg("git-policy-check");
    let run = installed.run(check, &installed.bin_dir().display().to_string());
    assert!(run.stdout.contains("--format"), "{}", run.all());
}

/// After `./install.sh`, `git policy ch<TAB>` completes to `check` through git's own bash
/// completion, which loads the installed script on demand; so does `git-policy ch<TAB>`.
#[test]
fn git_policy_subcommands_complete_under_gits_completion() {
    for script in [GIT_COMPLETION, BASH_COMPLETION] {
        assert!(
            Path::new(script).exists(),
            "`{script}` is missing: install git and bash-completion"
        );
    }
    let installed = Installed::new();
    // As bash does on TAB: load the command's completion on demand, then call the function it
    // registered with the command, the word being completed and the one before it.
    let complete = |line: &str| {
        let mut bash = Command::new("bash");
        bash.arg("-c").arg(format!(
            "source {BASH_COMPLETION}\n\
             read -ra COMP_WORDS <<< '{line}'\n\
             COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
             _completion_loader \"${{COMP_WORDS[0]}}\"\n\
             spec=$(complete -p \"${{COMP_WORDS[0]}}\") && function=${{spec##*-F }} && function=${{function%% *}}\n\
             \"$function\" \"${{COMP_WORDS[0]}}\" \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        ));
        let run = installed.run(bash, &installed.bin_dir().display().to_string());
        assert_eq!(run.code, 0, "{}", run.all());
        let mut words: Vec<String> = run.stdout.lines().map(|l| l.trim().to_owned()).collect();
        words.sort();
        words
    };
    assert_eq!(complete("git policy ch"), ["check"]);
    assert_eq!(
        complete("git policy s"),
        ["schema"],
        "hidden `shim` is not offered"
    );
    assert_eq!(complete("git -C . policy in"), ["init", "install"]);
    assert_eq!(complete("git policy check --fo"), ["--format"]);
    assert_eq!(complete("git policy check --format j"), ["json"]);
    assert_eq!(complete("git-policy ch"), ["check"]);
}

/// `git policy completions` prints a script for bash, zsh and fish, each naming the
/// subcommands; bash's parses and also defines the function git's completion calls.
#[test]
fn completions_generate_for_three_shells() {
    let sandbox = Sandbox::new();
    let script = |shell: &str| {
        let output = sandbox
            .command(bin(), sandbox.path())
            .args(["completions", shell])
            .output()
            .expect("run git-policy");
        let run = Run::from_output(output);
        assert_eq!(run.code, 0, "{shell}: {}", run.all());
        assert!(run.stdout.contains("explain"), "{shell}: {}", run.stdout);
        run.stdout
    };
    let bash = script("bash");
    assert!(bash.contains("complete -F _git__policy"), "{bash}");
    assert!(bash.contains("_git_policy()"), "{bash}");
    let parse = sandbox
        .command("bash", sandbox.path())
        .args(["-n", "-c", &bash])
        .output()
        .expect("run bash");
    assert!(
        parse.status.success(),
        "{}",
        String::from_utf8_lossy(&parse.stderr)
    );
    assert!(script("zsh").starts_with("#compdef git-policy"));
    assert!(script("fish").contains("complete -c git-policy"));
}
