//! The attack catalogue: pushes an attacker sends with the project's own raw receive-pack
//! client ([`crate::rawpush`]), over `file://` and `git://`, to a central repository guarded
//! by `git policy install --server` with the embedded pytokio policy. Every attack is refused
//! with its rule named, the server's refs unchanged and `git fsck --strict` clean; its honest
//! twin still lands. One file per kind of attack; this one holds only the shared setup.

mod globs;
mod releases;
mod shadows;
mod squat;
mod stale;
mod symrefs;
mod versions;

use std::path::Path;

use crate::harness::{Daemon, Sandbox, TestRepo, accepted, daemon, pytokio, serve};
use crate::rawpush::{self, Report, Transport, assert_fsck_clean, refs_of};

/// The server hooks an attack is tried against.
pub const HOOKS: [&str; 2] = ["pre-receive", "update"];

/// A guarded central repository, the attacker's clone of it, and a daemon serving it.
pub struct Target {
    pub hook: &'static str,
    /// The attacker's repository, which the central one was cloned from: `master` at
    /// 0.13.0.dev1 with a merged `feature`, `rc` with a hotfix, `0.12` cut from `rc` at
    /// 0.12.0b1; `master` checked out.
    pub work: TestRepo,
    pub central: TestRepo,
    pub daemon: Daemon,
    pub sandbox: Sandbox,
}

pub fn target(hook: &'static str) -> Target {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    work.hotfix_on_rc();
    work.cut("0.12", "rc", "0.12.0b1");
    work.checkout("master");
    let central = serve(&work, hook);
    let daemon = daemon(&sandbox);
    Target {
        hook,
        work,
        central,
        daemon,
        sandbox,
    }
}

/// A central repository guarded by `hook` with the twisted preset (release branches
/// `releases/release-<ticket>`, versions in `src/twisted/**/_version.py`), and a clone whose
/// `trunk` (24.10.0.dev0) it holds; returns the sandbox, the clone and the central's path.
pub fn twisted(hook: &str) -> (Sandbox, TestRepo, String) {
    let sandbox = Sandbox::new();
    let work = sandbox.repo("work");
    work.write(
        "src/twisted/_version.py",
        "from incremental import Version\n__version__ = Version(\"Twisted\", 24, 10, 0, dev=0)\n",
    );
    work.commit("Initial");
    work.git(&["branch", "-m", "trunk"]);
    let central = sandbox.bare("central.git").path.display().to_string();
    work.git(&["push", "-q", &central, "trunk"]);
    let policy = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/twisted.toml");
    let installed = work.policy(&[
        "install",
        "--server",
        &central,
        "--hook",
        hook,
        "--policy",
        &policy.display().to_string(),
    ]);
    accepted(&installed);
    (sandbox, work, central)
}

/// Runs `attack` once per hook and transport, each time on a fresh target.
pub fn each(mut attack: impl FnMut(&Target, Transport<'_>)) {
    for hook in HOOKS {
        for git in [false, true] {
            let t = target(hook);
            let transport = if git {
                Transport::Git(&t.daemon)
            } else {
                Transport::File
            };
            attack(&t, transport);
        }
    }
}

impl Target {
    /// The central repository's tip of a branch.
    pub fn tip(&self, branch: &str) -> String {
        self.central.rev(&format!("refs/heads/{branch}"))
    }

    /// Sends `commands` (`(old, new, ref)`) from the attacker's repository.
    pub fn send(
        &self,
        transport: Transport<'_>,
        commands: &[(&str, &str, &str)],
        atomic: bool,
    ) -> Report {
        rawpush::push(&self.work, &self.central, transport, commands, atomic)
    }

    /// Sends an attack and asserts it was refused: every ref `ng`, each of `rules` named by
    /// the hook, the refs as they were, `git fsck --strict` clean.
    #[track_caller]
    pub fn refused(
        &self,
        transport: Transport<'_>,
        commands: &[(&str, &str, &str)],
        rules: &[&str],
    ) {
        let before = refs_of(&self.central);
        let report = self.send(transport, commands, false);
        let at = format!("{} over {}", self.hook, transport.name());
        for (_, _, refname) in commands {
            assert!(
                report.status(refname).is_err(),
                "{at}: {refname} landed:\n{report}"
            );
        }
        for rule in rules {
            assert!(report.names_rule(rule), "{at}: {rule} not named:\n{report}");
        }
        assert_eq!(
            refs_of(&self.central),
            before,
            "{at}: refs moved:\n{report}"
        );
        assert_fsck_clean(&self.central);
    }

    /// Sends an honest push and asserts every ref landed where it was sent.
    #[track_caller]
    pub fn landed(&self, transport: Transport<'_>, commands: &[(&str, &str, &str)]) {
        let report = self.send(transport, commands, false);
        let at = format!("{} over {}", self.hook, transport.name());
        assert_eq!(report.unpack, "ok", "{at}:\n{report}");
        for (_, new, refname) in commands {
            assert_eq!(
                report.status(refname),
                &Ok(()),
                "{at}: {refname}:\n{report}"
            );
            let now = self
                .central
                .git_run(&["rev-parse", "--verify", "-q", refname]);
            let now = now.stdout.trim();
            let expected = if new.bytes().all(|b| b == b'0') {
                ""
            } else {
                new
            };
            assert_eq!(now, expected, "{at}: {refname}");
        }
        assert_fsck_clean(&self.central);
    }
}
