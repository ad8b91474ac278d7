//! `git policy install` / `uninstall`: client shims here, or server shims and the
//! administrator's policy in a central repository.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Outcome, UserError, open_repo, open_repo_at};
use crate::cli::{InstallArgs, LayoutArg, ServerHook, UninstallArgs};
use crate::hooks::install::{self, Action, InstallError};
use crate::hooks::layout::Layout;
use crate::hooks::lefthook::{self, LefthookError, Registration};
use crate::hooks::managers::{self, Manager};
use crate::hooks::{CLIENT_HOOKS, SERVER_HOOKS};
use crate::hooks::{advisory, shim, transaction};
use crate::policy::{self, Mode, Origin};
use crate::repo::Git;

pub fn run_install(args: &InstallArgs) -> anyhow::Result<Outcome> {
    let bin = binary_path()?;
    let kind = args.shim;
    if kind == shim::Kind::Exec && !shim::exec_possible(&bin) {
        say(format_args!(
            "note: `{}` cannot stand on a `#!` line here (a space in it, too long, or no `#!` on this system), so the hooks are `sh` scripts",
            bin.display()
        ))?;
    }
    match &args.server {
        Some(server) => {
            let source = match &args.preset {
                Some(name) => PolicySource::Preset(name),
                None => PolicySource::File(args.policy.as_deref()),
            };
            install_server(server, source, args, &bin, kind)
        }
        None => install_client(&bin, kind, args.via_manager),
    }
}

/// The path the hooks will call: the `git-policy` on `PATH` when it is this binary, since
/// package managers keep that link stable while the file behind it moves with each upgrade
/// (Homebrew's `Cellar/git-policy/<version>`), else this binary's own path.
fn binary_path() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("cannot find the path of the running git-policy binary")?;
    let on_path = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join("git-policy"))
        .find(|candidate| candidate.is_file());
    Ok(match on_path {
        Some(link) if link.canonicalize().is_ok_and(|target| target == me) => link,
        _ => me,
    })
}

fn install_client(bin: &Path, kind: shim::Kind, via_manager: bool) -> anyhow::Result<Outcome> {
    let git = open_repo()?;
    if git.is_bare() {
        return Err(UserError::hinted(
            "this is a bare repository, where client hooks never run",
            "for a central repository: `git policy install --server <path>`",
        ));
    }
    let dir = hooks_dir(&git)?;
    if let Some(husky) = managers::husky_dir(&dir) {
        let own = git.common_dir().join("hooks");
        return install_husky(&husky, &own, via_manager, bin, kind);
    }
    let top = git.workdir().map(Path::to_path_buf);
    // husky configured by the project but not installed yet: once installed, git runs only
    // its hooks, so git-policy goes into its files too (on request) and its own hooks here.
    let husky = top
        .as_ref()
        .map(|t| t.join(".husky"))
        .filter(|h| h.is_dir());
    if let Some(husky) = husky.as_ref().filter(|_| via_manager) {
        return install_husky(husky, &dir, true, bin, kind);
    }
    let through_lefthook = match top.as_deref() {
        Some(top) if lefthook::project_config(top).is_some() => register_lefthook(top, &git, bin)?,
        _ => false,
    };
    let lefthook_configured = top
        .as_deref()
        .is_some_and(|t| lefthook::project_config(t).is_some());
    let found = beside_managers(&dir, through_lefthook, lefthook_configured)?;
    if via_manager && !through_lefthook {
        let hint = match found.first() {
            Some(manager) => format!(
                "add git-policy to {}'s `{}` with the entry printed above",
                manager.name(),
                manager.snippet().file
            ),
            None => "install git-policy's own hooks: `git policy install`".to_owned(),
        };
        return Err(UserError::hinted(
            "`--via-manager` adds git-policy to husky's hook files, and this project has no `.husky/` folder",
            hint,
        ));
    }
    let actions = if through_lefthook {
        lefthook::install_beside(&dir, CLIENT_HOOKS, bin, kind)
    } else {
        install::install(&dir, CLIENT_HOOKS, bin, kind, shim::Side::Client)
    }
    .map_err(with_hint)?;
    print_actions(&dir, &actions)?;
    if let Some(husky) = husky {
        let missing: Vec<&str> = managers::HUSKY_HOOKS
            .iter()
            .copied()
            .filter(|hook| !managers::husky_runs_us(&husky, hook))
            .collect();
        if !missing.is_empty() {
            say(format_args!(
                "warning: this project configures husky (`.husky/`): once husky is installed, git runs only the hooks in `.husky/`, and git-policy's stop running"
            ))?;
            say(format_args!(
                "hint: `git policy install --via-manager` adds git-policy to {} as well; commit them",
                missing
                    .iter()
                    .map(|hook| format!("`.husky/{hook}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))?;
        }
    }
    let has_policy = top
        .as_ref()
        .is_some_and(|w| w.join(policy::FILE_NAME).exists());
    if !has_policy {
        say(format_args!(
            "note: no `{}` here, so the embedded `{}` policy applies",
            policy::FILE_NAME,
            policy::presets::DEFAULT
        ))?;
        say(format_args!(
            "hint: to describe your own process, start from a preset (`git policy init --preset NAME`; presets: {}) and commit `{}`",
            policy::presets::names().join(", "),
            policy::FILE_NAME
        ))?;
    }
    Ok(Outcome::Ok)
}

/// Registers git-policy's hooks in lefthook's local configuration of the work tree at `top`;
/// whether lefthook now runs them. Where the configuration cannot take the entry, says so: the
/// note on managers then prints the entry to merge.
fn register_lefthook(top: &Path, git: &Git, bin: &Path) -> anyhow::Result<bool> {
    let exclude = git.common_dir().join("info").join("exclude");
    let relative = |file: &Path| file.strip_prefix(top).unwrap_or(file).display().to_string();
    match lefthook::register(top, &exclude, bin) {
        Ok(Registration::Added { file, created }) => {
            say(format_args!(
                "added git-policy's hooks to `{}`: lefthook runs them while it is installed in this clone",
                relative(&file)
            ))?;
            if created {
                say(format_args!(
                    "note: `{}` is this clone's own, so it is listed in `{}`",
                    relative(&file),
                    exclude.display()
                ))?;
            }
            Ok(true)
        }
        Ok(Registration::Present(file)) => {
            say(format_args!(
                "`{}` already runs git-policy's hooks",
                relative(&file)
            ))?;
            Ok(true)
        }
        Ok(Registration::InProject(file)) => {
            say(format_args!(
                "`{}` runs git-policy's hooks through lefthook",
                relative(&file)
            ))?;
            Ok(true)
        }
        Err(LefthookError::Taken { file, hook }) => {
            say(format_args!(
                "warning: `{}` already configures `{hook}`, so git-policy cannot add its own entry; its hooks run beside lefthook's, and stop running when `lefthook install` moves them to `<hook>.old`",
                relative(&file)
            ))?;
            Ok(false)
        }
        Err(LefthookError::NotYaml { file }) => {
            say(format_args!(
                "warning: `{}` is not YAML, so git-policy cannot add its own entry; its hooks run beside lefthook's, and stop running when `lefthook install` moves them to `<hook>.old`",
                relative(&file)
            ))?;
            Ok(false)
        }
        Err(err) => Err(anyhow::Error::new(err)),
    }
}

/// Notes each hook manager installed in `dir`, with the entry that has it run git-policy's
/// hooks itself (lefthook: when it is configured and does not run them yet); returns them.
fn beside_managers(
    dir: &Path,
    through_lefthook: bool,
    lefthook_configured: bool,
) -> anyhow::Result<Vec<Manager>> {
    let mut found = Vec::new();
    // A manager's script is in the hook's place, or kept aside where git-policy's shim runs it.
    for hook in CLIENT_HOOKS {
        for file in [hook.to_string(), shim::legacy_name(hook)] {
            let manager = std::fs::read(dir.join(file))
                .ok()
                .and_then(|content| Manager::of_script(&content));
            let manager = manager.filter(|m| !(through_lefthook && *m == Manager::Lefthook));
            if let Some(manager) = manager.filter(|m| !found.contains(m)) {
                found.push(manager);
            }
        }
    }
    if lefthook_configured && !through_lefthook && !found.contains(&Manager::Lefthook) {
        found.push(Manager::Lefthook);
    }
    for manager in &found {
        let snippet = manager.snippet();
        say(format_args!(
            "note: {} runs hooks here; git-policy's hooks run beside it. To have it run them itself instead, add this {}, run `{}`, then `git policy uninstall`:\n{}\n",
            manager.name(),
            snippet.place,
            snippet.install,
            snippet.entry.trim_end()
        ))?;
    }
    Ok(found)
}

/// husky runs the hooks from `.husky/_`, which it rewrites on every install: git-policy goes
/// into the project's own hook files in `.husky/`, on request.
fn install_husky(
    husky: &Path,
    own: &Path,
    via_manager: bool,
    bin: &Path,
    kind: shim::Kind,
) -> anyhow::Result<Outcome> {
    let files = managers::HUSKY_HOOKS
        .iter()
        .map(|hook| format!("`.husky/{hook}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if !via_manager {
        return Err(UserError::hinted(
            format!(
                "husky runs this repository's hooks (`core.hooksPath` is `{}`) and rewrites them whenever it installs",
                husky.join("_").display()
            ),
            format!(
                "`git policy install --via-manager` adds a line `git-policy hook <hook> \"$@\"` to each of {files}; commit them"
            ),
        ));
    }
    // git-policy's own hooks too, where git runs them while husky does not set the path.
    let actions =
        install::install(own, CLIENT_HOOKS, bin, kind, shim::Side::Client).map_err(with_hint)?;
    print_actions(own, &actions)?;
    let changed = managers::husky_add(husky, managers::HUSKY_HOOKS)
        .with_context(|| format!("cannot edit husky's hook files in `{}`", husky.display()))?;
    // husky runs no `reference-transaction`: git-policy's goes where git runs hooks under
    // husky, `.husky/_`, kept out of git by husky's `.gitignore` there (written ahead of husky
    // when it is not installed yet).
    let stubs = husky.join("_");
    std::fs::create_dir_all(&stubs)
        .with_context(|| format!("cannot create `{}`", stubs.display()))?;
    let ignore = stubs.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, OUR_HUSKY_IGNORE)
            .with_context(|| format!("cannot write `{}`", ignore.display()))?;
    }
    let actions = install::install(&stubs, &[transaction::HOOK], bin, kind, shim::Side::Client)
        .map_err(with_hint)?;
    print_actions(&stubs, &actions)?;
    for hook in managers::HUSKY_HOOKS {
        let path = husky.join(hook);
        if changed.iter().any(|c| c == hook) {
            say(format_args!("added git-policy to `{}`", path.display()))?;
        } else {
            say(format_args!("`{}` already runs git-policy", path.display()))?;
        }
    }
    say(format_args!(
        "note: husky runs these files in every clone once they are committed, and git runs the hooks in `{}` whenever husky does not set `core.hooksPath`; `git policy uninstall` removes both",
        own.display()
    ))?;
    Ok(Outcome::Ok)
}

/// The `.husky/_/.gitignore` git-policy writes before husky is installed (husky's own has no
/// newline), so uninstalling knows to remove it.
const OUR_HUSKY_IGNORE: &str = "*\n";

/// Where the administrator's policy comes from: a file (`None`: this clone's
/// `.git-policy.toml`, else the embedded default), or a named preset.
enum PolicySource<'a> {
    File(Option<&'a Path>),
    Preset(&'a str),
}

fn install_server(
    repo: &Path,
    source: PolicySource<'_>,
    args: &InstallArgs,
    bin: &Path,
    kind: shim::Kind,
) -> anyhow::Result<Outcome> {
    let hook = args.hook;
    let git = open_repo_at(repo)?;
    let (mut text, origin) = server_policy_text(source)?;
    if let Some(mode) = args.mode {
        text = with_mode(&text, mode.into())?;
    }
    let admin = git.common_dir().join(policy::ADMIN_FILE_NAME);
    let dir = hooks_dir(&git)?;
    let (wanted, other) = match hook {
        ServerHook::PreReceive => ("pre-receive", "update"),
        ServerHook::Update => ("update", "pre-receive"),
    };
    let git_dir = git.common_dir();
    let layout = match args.layout {
        LayoutArg::Auto => Layout::detect(&git_dir),
        LayoutArg::Plain => Layout::Plain,
        LayoutArg::Gitlab => Layout::GitLab,
        LayoutArg::Gitea => Layout::Gitea,
    };
    install::write_atomically(&admin, &text).map_err(with_hint)?;
    // `reference-transaction` judges each push again as it lands, one at a time (git 2.28+;
    // an older git never runs it).
    for hook in [wanted, transaction::HOOK] {
        let Some(at) = layout.dir_of(&git_dir, &dir, hook) else {
            say(format_args!(
                "note: {} runs no `{hook}` hook of a repository's own, so two concurrent pushes that break the policy only together can both land",
                layout.name()
            ))?;
            continue;
        };
        let actions =
            install::install(&at, &[hook], bin, kind, shim::Side::Server).map_err(with_hint)?;
        print_actions(&at, &actions)?;
    }
    // Only one of our server hooks judges pushes; switching removes the other.
    for at in Layout::all_dirs_of(&git_dir, &dir, other) {
        let actions: Vec<Action> = install::uninstall(&at, &[other])
            .map_err(with_hint)?
            .into_iter()
            .filter(|a| !matches!(a, Action::LeftForeign(_)))
            .collect();
        print_actions(&at, &actions)?;
    }
    if layout != Layout::Plain {
        say(format_args!(
            "note: installed for {}: its own hooks run first, then git-policy's",
            layout.name()
        ))?;
    }
    say(format_args!(
        "installed the administrator's policy `{}`, from {origin}",
        admin.display()
    ))?;
    let mode = policy::parse(&text, Origin::File(admin.clone()))?.mode;
    if mode == Mode::Warn {
        say(format_args!(
            "note: the policy is in warn mode: pushes that break it are accepted, shown to the pusher and logged in `{}`; `--mode enforce` makes it refuse them",
            git.common_dir().join(advisory::LOG_FILE_NAME).display()
        ))?;
    }
    if hook == ServerHook::Update {
        say(format_args!(
            "note: the `update` hook judges each ref alone against the refs as they are, so a feature freeze must push master before rc"
        ))?;
    }
    Ok(Outcome::Ok)
}

/// `text` with its top-level `mode` set, comments and layout kept: an existing `mode` is
/// replaced; a new one goes after the file's opening comments, where a reader looks first.
fn with_mode(text: &str, mode: Mode) -> anyhow::Result<String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .context("cannot set `mode` in the policy: it is not valid TOML")?;
    if doc.contains_key("mode") {
        doc["mode"] = toml_edit::value(mode.as_str());
        return Ok(doc.to_string());
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut at = lines
        .iter()
        .position(|line| !line.trim_start().starts_with('#'))
        .unwrap_or(lines.len());
    if lines.get(at).is_some_and(|line| line.trim().is_empty()) {
        at += 1;
    }
    let setting = format!(
        "# Set by `git policy install --mode`: `warn` shows and logs violations and accepts the push,\n# `enforce` refuses it.\nmode = \"{}\"\n\n",
        mode.as_str()
    );
    let mut out = lines[..at].concat();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&setting);
    out.push_str(&lines[at..].concat());
    Ok(out)
}

/// The policy a server gets: `--preset`, `--policy`, else this clone's `.git-policy.toml`, else
/// the embedded default; validated before anything is written, with where it came from.
fn server_policy_text(source: PolicySource<'_>) -> anyhow::Result<(String, Origin)> {
    let policy_file = match source {
        PolicySource::File(file) => file,
        PolicySource::Preset(asked) => {
            let names = policy::presets::names();
            let found = names.iter().find(|n| **n == asked);
            let Some((name, text)) = found.and_then(|&n| Some((n, policy::presets::text(n)?)))
            else {
                return Err(UserError::hinted(
                    format!("there is no preset `{asked}`"),
                    format!("presets: {}", names.join(", ")),
                ));
            };
            let origin = Origin::Preset(name);
            policy::parse(text, origin.clone())?;
            return Ok((text.to_owned(), origin));
        }
    };
    let local = || -> Option<PathBuf> {
        let git = Git::open_from_env().ok()?;
        let path = git.workdir()?.join(policy::FILE_NAME);
        path.exists().then_some(path)
    };
    let (text, origin) = match policy_file.map(Path::to_path_buf).or_else(local) {
        Some(path) => (
            std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read policy `{}`", path.display()))?,
            Origin::File(path),
        ),
        None => {
            let name = policy::presets::DEFAULT;
            (
                policy::presets::text(name)
                    .context("the embedded default policy is missing")?
                    .to_owned(),
                Origin::Preset(name),
            )
        }
    };
    policy::parse(&text, origin.clone())?;
    Ok((text, origin))
}

pub fn run_uninstall(args: &UninstallArgs) -> anyhow::Result<Outcome> {
    let (git, hooks) = match &args.server {
        Some(repo) => (open_repo_at(repo)?, SERVER_HOOKS),
        None => (open_repo()?, CLIENT_HOOKS),
    };
    let dir = hooks_dir(&git)?;
    if let Some(husky) = managers::husky_dir(&dir).filter(|_| args.server.is_none()) {
        return uninstall_husky(&git, &dir, &husky);
    }
    let mut found = false;
    for &hook in hooks {
        let dirs = match args.server {
            Some(_) => Layout::all_dirs_of(&git.common_dir(), &dir, hook),
            None => vec![dir.clone()],
        };
        for at in dirs {
            let actions = install::uninstall(&at, &[hook]).map_err(with_hint)?;
            found |= !actions.is_empty();
            print_actions(&at, &actions)?;
        }
    }
    if let Some(top) = git.workdir().filter(|_| args.server.is_none()) {
        // `--via-manager` before husky was installed: its lines and hook are there too.
        let husky = top.join(".husky");
        if husky.is_dir() {
            for hook in managers::husky_remove(&husky, CLIENT_HOOKS).with_context(|| {
                format!("cannot edit husky's hook files in `{}`", husky.display())
            })? {
                say(format_args!(
                    "removed git-policy from `{}`",
                    husky.join(hook).display()
                ))?;
                found = true;
            }
            let stubs = husky.join("_");
            let actions = install::uninstall(&stubs, &[transaction::HOOK]).map_err(with_hint)?;
            found |= !actions.is_empty();
            print_actions(&stubs, &actions)?;
            // The folder as git-policy made it ahead of husky: nothing but its `.gitignore`.
            let ignore = stubs.join(".gitignore");
            let only_ours = std::fs::read_dir(&stubs).is_ok_and(|d| d.count() == 1)
                && std::fs::read_to_string(&ignore).is_ok_and(|t| t == OUR_HUSKY_IGNORE);
            if only_ours {
                std::fs::remove_file(&ignore)
                    .and_then(|()| std::fs::remove_dir(&stubs))
                    .with_context(|| format!("cannot remove `{}`", stubs.display()))?;
            }
        }
        let exclude = git.common_dir().join("info").join("exclude");
        if let Some(file) = lefthook::unregister(top, &exclude)? {
            say(format_args!(
                "removed git-policy's hooks from `{}`",
                file.strip_prefix(top).unwrap_or(&file).display()
            ))?;
            found = true;
        }
    }
    if !found {
        say(format_args!("no git-policy hooks in `{}`", dir.display()))?;
    }
    Ok(Outcome::Ok)
}

/// Uninstalling where husky runs the hooks: git-policy's lines in husky's files, and the hooks
/// `--via-manager` installed where git runs them without husky.
fn uninstall_husky(git: &Git, dir: &Path, husky: &Path) -> anyhow::Result<Outcome> {
    let changed = managers::husky_remove(husky, CLIENT_HOOKS)
        .with_context(|| format!("cannot edit husky's hook files in `{}`", husky.display()))?;
    for hook in &changed {
        say(format_args!(
            "removed git-policy from `{}`",
            husky.join(hook).display()
        ))?;
    }
    let mut actions = install::uninstall(dir, CLIENT_HOOKS).map_err(with_hint)?;
    actions.retain(|a| !matches!(a, Action::LeftForeign(_)));
    print_actions(dir, &actions)?;
    let own = git.common_dir().join("hooks");
    let own_actions = install::uninstall(&own, CLIENT_HOOKS).map_err(with_hint)?;
    print_actions(&own, &own_actions)?;
    if changed.is_empty() && actions.is_empty() && own_actions.is_empty() {
        say(format_args!("no git-policy hooks in `{}`", dir.display()))?;
    }
    Ok(Outcome::Ok)
}

fn hooks_dir(git: &Git) -> anyhow::Result<PathBuf> {
    install::hooks_dir(git).map_err(with_hint)
}

fn with_hint(err: InstallError) -> anyhow::Error {
    let hint = err.hint();
    let message = err.to_string();
    anyhow::Error::new(err).context(UserError { message, hint })
}

fn print_actions(dir: &Path, actions: &[Action]) -> std::io::Result<()> {
    for action in actions {
        say(format_args!("{action} in `{}`", dir.display()))?;
    }
    Ok(())
}

/// One line on standard output; a closed one is an error for `main`, not a panic.
fn say(line: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(anstream::stdout().lock(), "{line}")
}
