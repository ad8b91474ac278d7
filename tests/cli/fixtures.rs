//! Steps of the pytokio process that many tests take (a hotfix on rc, a back-merge, a branch
//! cut from another, a topic branch, a policy changed in one place), so that each test reads
//! as its scenario. The sandbox's clock ticks once per command and commit ids follow it, so a
//! step runs the commands the tests spelled out before in the same order: snapshots that show
//! commit ids stay as they were.

use crate::harness::{Run, Sandbox, TestRepo, pytokio};

impl TestRepo {
    /// `git merge -q --no-edit [options] <branch>` into the branch checked out.
    pub fn merge(&self, branch: &str, options: &[&str]) {
        let mut args = vec!["merge", "-q", "--no-edit"];
        args.extend_from_slice(options);
        args.push(branch);
        self.git(&args);
    }

    /// A hotfix committed on rc (`hotfix on rc`), then master checked out; returns the hotfix.
    pub fn hotfix_on_rc(&self) -> String {
        self.checkout("rc");
        let fix = self.change("fix.txt", "fix\n", "hotfix on rc");
        self.checkout("master");
        fix
    }

    /// A hotfix on rc merged back into master (not judged yet); returns master's tip before.
    pub fn back_merge(&self) -> String {
        self.hotfix_on_rc();
        let old = self.rev("master");
        self.merge("rc", &["--no-ff"]);
        old
    }

    /// Branch `name` cut from `from` and set to `version`, left checked out; returns its tip.
    pub fn cut(&self, name: &str, from: &str, version: &str) -> String {
        self.git(&["checkout", "-q", "-b", name, from]);
        self.set_version(version)
    }

    /// Topic branch `name` from `from` with one commit (`<name>.txt`), left checked out.
    pub fn topic(&self, name: &str, from: &str) -> String {
        self.git(&["checkout", "-q", "-b", name, from]);
        self.change(&format!("{name}.txt"), "x\n", &format!("work on {name}"))
    }

    /// `git policy check` of updates (ref, old, new) judged together, as one push.
    pub fn judge_all(&self, updates: &[(&str, &str, &str)]) -> Run {
        let mut args = vec!["check"];
        for (refname, old, new) in updates {
            args.extend(["--ref", refname, "--old", old, "--new", new]);
        }
        self.policy(&args)
    }

    /// The pytokio preset as the administrator's policy in the git directory, where the server
    /// hooks read it.
    pub fn admin_policy(&self) {
        let admin = self.path.join(".git/git-policy.toml");
        std::fs::write(admin, include_str!("../../policy/pytokio.toml")).expect("admin policy");
    }

    /// `.git-policy.toml` in the work tree: the pytokio preset with `from` replaced by `to`.
    pub fn policy_file_with(&self, from: &str, to: &str) {
        self.write(".git-policy.toml", &crate::preset_with(from, to));
    }
}

impl Sandbox {
    /// A repository at `name` under the sandbox, made by git some other way (a clone).
    pub fn at(&self, name: &str) -> TestRepo {
        TestRepo {
            sandbox: self.clone(),
            path: self.path().join(name),
        }
    }

    /// A shallow clone (`--depth 1`) of the repository at `url`, named `name`.
    pub fn shallow_clone(&self, url: &str, name: &str) -> TestRepo {
        let clone = self.at(name);
        self.at("").git(&[
            "clone",
            "-q",
            "--depth",
            "1",
            url,
            &clone.path.display().to_string(),
        ]);
        clone
    }
}

/// A pytokio repository (see [`pytokio`]) in a sandbox of its own, which it keeps alive.
pub fn pytokio_repo() -> TestRepo {
    pytokio(&Sandbox::new())
}

/// The pytokio repository, its policy file the preset with `from` replaced by `to`, checked.
pub fn check_with_policy(from: &str, to: &str) -> Run {
    let repo = pytokio_repo();
    repo.policy_file_with(from, to);
    repo.policy(&["check"])
}
