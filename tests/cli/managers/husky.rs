//! husky (from npm) sets `core.hooksPath=.husky/_` and rewrites that folder whenever it
//! installs: git-policy goes into the project's own `.husky/<hook>` files on request.

use super::{Developer, Order, Tool, scenario, tool};
use crate::harness::{Run, Sandbox, accepted, failed, refused};

fn configure(repo: &crate::harness::TestRepo, marker: &str) {
    repo.write(".husky/pre-commit", &format!("touch .git/{marker}\n"));
}

/// husky's documented removal: `npm uninstall husky && git config --unset core.hooksPath`.
fn uninstall(dev: &Developer) -> Run {
    dev.git(&["config", "--unset", "core.hooksPath"])
}

fn husky() -> Tool {
    tool("node", "apt-get install nodejs npm");
    Tool {
        exe: tool("husky", "npm install -g husky"),
        configure,
        install: &[],
        uninstall,
        git_policy_install: &["install", "--via-manager"],
    }
}

/// husky then `git policy install --via-manager`: both run; either uninstalls leaving the
/// other working.
#[test]
fn husky_then_git_policy() {
    scenario(&husky(), Order::ManagerFirst, super::nothing);
}

/// `git policy install --via-manager` then husky, with nothing run again: git-policy's lines in
/// `.husky/` run once husky points git there; either uninstalls leaving the other working.
#[test]
fn git_policy_then_husky() {
    scenario(&husky(), Order::GitPolicyFirst, super::nothing);
}

/// Plain `git policy install` where the project configures husky but it is not installed
/// yet warns that husky will stop git-policy's hooks; its hint, followed, keeps them running
/// once husky is installed.
#[test]
fn plain_install_before_husky_warns_with_the_way_in() {
    let sandbox = Sandbox::new();
    let repo = crate::harness::pytokio(&sandbox);
    let tool = husky();
    configure(&repo, super::MARKER);
    repo.commit("configure husky");
    let dev = super::developer(repo, &tool);
    let plain = dev.policy(&["install"]);
    accepted(&plain);
    assert!(
        plain.stdout.contains("git-policy's stop running"),
        "{}",
        plain.all()
    );
    let hint = plain
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("hint: `"))
        .and_then(|l| l.split_once('`'))
        .map(|(command, _)| command.to_owned())
        .unwrap_or_else(|| panic!("no hint:\n{}", plain.all()));
    assert_eq!(hint, "git policy install --via-manager");
    accepted(&dev.policy(&["install", "--via-manager"]));
    accepted(&dev.tool(&[]));
    dev.both_run(1);
}

/// Plain `git policy install` under husky installs nothing where husky would overwrite it,
/// and its hint, followed literally, has both hooks run.
#[test]
fn plain_install_under_husky_is_refused_with_the_way_in() {
    let sandbox = Sandbox::new();
    let repo = crate::harness::pytokio(&sandbox);
    let tool = husky();
    configure(&repo, super::MARKER);
    repo.commit("configure husky");
    let dev = super::developer(repo, &tool);
    accepted(&dev.tool(&[]));
    let plain = dev.policy(&["install"]);
    failed(&plain, &["husky runs this repository's hooks"]);
    assert!(
        plain.stderr.contains("`git policy install --via-manager`"),
        "{}",
        plain.stderr
    );
    assert!(!dev.repo.path.join(".husky/_/pre-commit.legacy").exists());
    accepted(&dev.policy(&["install", "--via-manager"]));
    dev.both_run(1);
}

/// husky has no `reference-transaction` stub: in either order, and after husky installs again,
/// git-policy's own in `.husky/_` (out of `git status`) refuses `git branch -f master rc`.
#[test]
fn local_moves_of_protected_branches_are_judged_under_husky() {
    for order in [Order::ManagerFirst, Order::GitPolicyFirst] {
        let sandbox = Sandbox::new();
        let tool = husky();
        let dev = super::set_up(&sandbox, &tool, order);
        accepted(&dev.tool(&[]));
        // rc moved to master's tip, then a hotfix and its version set back below master's,
        // past the hooks: a fast-forward of master to rc would bring both into master.
        dev.git(&[
            "-c",
            "core.hooksPath=/dev/null",
            "branch",
            "-f",
            "rc",
            "master",
        ]);
        dev.git(&["checkout", "-q", "rc"]);
        dev.repo.write("hotfix.txt", "hotfix\n");
        dev.repo
            .write("tokio/__init__.py", "__version__ = \"0.12.0.dev2\"\n");
        dev.git(&["add", "-A"]);
        dev.git(&["commit", "-q", "--no-verify", "-m", "hotfix on rc"]);
        dev.git(&["checkout", "-q", "-b", "topic", "master"]);
        let master = dev.git(&["rev-parse", "master"]).stdout;
        refused(&dev.git(&["branch", "-f", "master", "rc"]), "flow/foreign");
        assert_eq!(
            dev.git(&["rev-parse", "master"]).stdout,
            master,
            "{order:?}"
        );
        let status = dev.git(&["status", "--porcelain", "--untracked-files=all"]);
        assert!(!status.stdout.contains(".husky/_"), "{}", status.stdout);
    }
}

/// `git policy install --via-manager` before husky is installed, then `git policy uninstall`,
/// leaves the work tree as it was: husky's files unchanged, no `.husky/_`.
#[test]
fn via_manager_before_husky_uninstalls_cleanly() {
    let sandbox = Sandbox::new();
    let repo = crate::harness::pytokio(&sandbox);
    let tool = husky();
    configure(&repo, super::MARKER);
    repo.commit("configure husky");
    let dev = super::developer(repo, &tool);
    accepted(&dev.policy(&["install", "--via-manager"]));
    assert!(
        dev.repo
            .path
            .join(".husky/_/reference-transaction")
            .exists()
    );
    accepted(&dev.policy(&["uninstall"]));
    let status = dev.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(status.stdout, "", "{}", status.all());
    assert!(!dev.repo.path.join(".husky/_").exists());
    assert_eq!(dev.our_files(), Vec::<String>::new());
}

/// Plain `git policy install`, then husky: `git policy check` says git-policy's hooks no longer
/// run, and its hint, followed, has them run again and the warning gone.
#[test]
fn check_warns_when_husky_took_the_hooks_over() {
    let sandbox = Sandbox::new();
    let tool = husky();
    let dev = super::set_up_plain(&sandbox, &tool);
    let check = dev.policy(&["check"]);
    accepted(&check);
    let text = check.all();
    assert!(text.contains("hooks in `"), "{text}");
    assert!(text.contains("no longer run"), "{text}");
    let hint = super::hinted_command(&text);
    assert_eq!(hint, "git policy install --via-manager");
    accepted(&dev.policy(&["install", "--via-manager"]));
    let again = dev.policy(&["check"]);
    assert!(!again.all().contains("no longer run"), "{}", again.all());
    dev.both_run(1);
}
