//! The hosting layers' hook layouts: `git policy install --server` puts its hook where the
//! layer runs a repository's own hooks, beside the layer's, never over them. Gitea and Forgejo
//! write `hooks/<hook>` scripts that run every file in `hooks/<hook>.d/`; GitLab's Gitaly runs
//! `custom_hooks/<hook>.d/*`. The layers' runners are stood in for by scripts doing what theirs
//! do, since neither forge runs here.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::judged_through;
use crate::harness::{Sandbox, TestRepo, pytokio};

/// A runner as the layers write one: every executable file in `dir` gets the hook's input and
/// arguments; the first that fails fails the hook.
fn runner(dir: &str) -> String {
    format!(
        "#!/bin/sh\n# Runs every hook in {dir}/ with the push, as the hosting layer does.\n\
         input=$(cat; echo x)\ninput=${{input%x}}\n\
         for hook in \"$GIT_DIR\"/{dir}/*; do\n\
         \x20   [ -f \"$hook\" ] && [ -x \"$hook\" ] || continue\n\
         \x20   printf '%s' \"$input\" | \"$hook\" \"$@\" || exit $?\n\
         done\n"
    )
}

fn write_executable(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A bare central repository cloned from `work`, with a hosting layer's runner and own hook
/// (which leaves a mark) in `dir`.
fn hosted(work: &TestRepo, runner_dir: &str) -> TestRepo {
    let path = work.sandbox.path().join("central.git");
    work.git(&["clone", "-q", "--bare", ".", &path.display().to_string()]);
    write_executable(&path.join("hooks/pre-receive"), &runner(runner_dir));
    write_executable(
        &path.join(runner_dir).join("layer"),
        "#!/bin/sh\ncat >/dev/null\ntouch \"$GIT_DIR/layer-ran\"\n",
    );
    TestRepo {
        sandbox: work.sandbox.clone(),
        path,
    }
}

/// Installs the server hook into `central` as an administrator does, and checks what it says.
fn install(work: &TestRepo, central: &TestRepo, layout: &str) -> String {
    let run = work.policy(&["install", "--server", &central.path.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains(&format!("installed for {layout}")),
        "{}",
        run.stdout
    );
    run.stdout
}

/// The pushes every layout must judge, then an uninstall that leaves the layer's hooks.
fn pushes_judged_and_uninstalled(work: &TestRepo, central: &TestRepo, ours: &Path, runner: &str) {
    let dev = work.sandbox.clone_of(central, "dev");
    dev.git(&["branch", "-q", "rc", "origin/rc"]);
    judged_through(&dev, central, &[]);
    assert!(
        central.path.join("layer-ran").exists(),
        "the layer's own hook ran"
    );
    let run = work.policy(&["uninstall", "--server", &central.path.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(!ours.exists(), "uninstall removed {}", ours.display());
    let now = std::fs::read_to_string(central.path.join("hooks/pre-receive")).expect("runner");
    assert_eq!(now, runner, "the layer's runner is untouched");
}

/// Gitea and Forgejo: git-policy goes into `hooks/pre-receive.d/`, their `hooks/pre-receive`
/// stays theirs and runs both; refusals reach the pusher, good pushes land.
#[test]
fn gitea_layout_gets_the_hook_beside_its_own() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = hosted(&work, "hooks/pre-receive.d");
    install(&work, &central, "Gitea/Forgejo");
    let ours = central.path.join("hooks/pre-receive.d/pre-receive");
    assert!(ours.exists(), "installed in pre-receive.d");
    assert!(central.path.join("hooks/reference-transaction").exists());
    pushes_judged_and_uninstalled(&work, &central, &ours, &runner("hooks/pre-receive.d"));
}

/// GitLab: git-policy goes into `custom_hooks/pre-receive.d/`, nothing into `hooks/` (Gitaly's),
/// and the install says that no `reference-transaction` runs there.
#[test]
fn gitlab_layout_gets_the_hook_in_custom_hooks() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = hosted(&work, "custom_hooks/pre-receive.d");
    let said = install(&work, &central, "GitLab");
    assert!(said.contains("runs no `reference-transaction`"), "{said}");
    let ours = central.path.join("custom_hooks/pre-receive.d/pre-receive");
    assert!(ours.exists(), "installed in custom_hooks/pre-receive.d");
    assert!(!central.path.join("hooks/reference-transaction").exists());
    pushes_judged_and_uninstalled(
        &work,
        &central,
        &ours,
        &runner("custom_hooks/pre-receive.d"),
    );
}
