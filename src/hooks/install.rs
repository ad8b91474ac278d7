//! Installing and removing shims: never losing a user's hook, never writing where git won't look.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::managers::Manager;
use super::shim;
use crate::repo::Git;

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error(
        "`core.hooksPath` is set to `{path}` in your {level} git config, so git runs the hooks there for every repository and would never run hooks installed here"
    )]
    GlobalHooksPath { path: String, level: &'static str },
    #[error(
        "`{hook}` is someone else's hook and `{legacy}` is taken too, so there is nowhere to keep it"
    )]
    LegacyTaken { hook: String, legacy: String },
    #[error("`{hook}` is {manager}'s, and the hook it runs first, `{legacy}`, is someone else's")]
    ManagerSlotTaken {
        hook: String,
        manager: &'static str,
        legacy: String,
    },
    #[error("cannot {what} `{}`", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl InstallError {
    pub fn hint(&self) -> Option<String> {
        match self {
            InstallError::GlobalHooksPath { level, .. } => Some(format!(
                "point this repository at its own hooks (`git config --local core.hooksPath .git/hooks`) and install again, or remove the {level} setting (`git config --{level} --unset core.hooksPath`)"
            )),
            InstallError::LegacyTaken { legacy, .. } => Some(format!(
                "merge `{legacy}` into the other hook or move it away, then install again"
            )),
            InstallError::ManagerSlotTaken { manager, .. } => Some(format!(
                "add git-policy to {manager}'s configuration instead, with the entry printed above"
            )),
            InstallError::Io { .. } => None,
        }
    }
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> InstallError + use<> {
    let path = path.to_owned();
    move |source| InstallError::Io { what, path, source }
}

/// What happened to one hook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Installed(String),
    Updated(String),
    Unchanged(String),
    /// A foreign hook was moved aside and still runs first.
    Chained {
        hook: String,
        legacy: String,
    },
    Removed(String),
    /// Our shim was removed and the foreign hook put back.
    Restored(String),
    /// A foreign hook was found where ours was expected, and left alone.
    LeftForeign(String),
    /// Our shim was put where a hook manager runs it before its own hooks.
    Beside {
        file: String,
        manager: &'static str,
    },
    /// Our shim was put where a hook manager that runs git-policy itself keeps the hook it
    /// replaced, and puts it back when it is uninstalled.
    Dormant {
        file: String,
        manager: &'static str,
    },
    /// A shim of ours, moved by another manager where nothing runs it, was removed.
    Stranded {
        file: String,
    },
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Installed(h) => write!(f, "installed `{h}`"),
            Action::Updated(h) => write!(f, "updated `{h}`"),
            Action::Unchanged(h) => write!(f, "`{h}` already installed"),
            Action::Chained { hook, legacy } => {
                write!(
                    f,
                    "installed `{hook}`; your previous hook is kept as `{legacy}` and still runs first"
                )
            }
            Action::Removed(h) => write!(f, "removed `{h}`"),
            Action::Restored(h) => write!(f, "removed `{h}` and restored the hook it had replaced"),
            Action::LeftForeign(h) => write!(f, "left `{h}` alone: it is not git-policy's"),
            Action::Beside { file, manager } => {
                write!(
                    f,
                    "installed `{file}`, which {manager} runs before its own hooks"
                )
            }
            Action::Dormant { file, manager } => write!(
                f,
                "installed `{file}`, which {manager} puts back when it is uninstalled; until then it runs git-policy itself"
            ),
            Action::Stranded { file } => write!(
                f,
                "removed git-policy's old hook `{file}`, where another hook manager had moved it and nothing ran it"
            ),
        }
    }
}

/// The directory git runs this repository's hooks from: a `core.hooksPath` set by the
/// repository itself, else the common git dir's `hooks/` (shared by linked worktrees).
pub fn hooks_dir(git: &Git) -> Result<PathBuf, InstallError> {
    match git.hooks_path_level() {
        Some((path, level)) => match level {
            git2::ConfigLevel::Local | git2::ConfigLevel::Worktree | git2::ConfigLevel::App => {
                let path = expand_home(&path);
                if path.is_absolute() {
                    return Ok(path);
                }
                // git resolves a relative hooksPath from where hooks run: the work tree's top,
                // or the git dir of a bare repository.
                let base = git
                    .workdir()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| git.common_dir());
                Ok(base.join(path))
            }
            other => Err(InstallError::GlobalHooksPath {
                path,
                level: match other {
                    git2::ConfigLevel::System | git2::ConfigLevel::ProgramData => "system",
                    _ => "global",
                },
            }),
        },
        None => Ok(git.common_dir().join("hooks")),
    }
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// Installs the shims for `hooks` into `dir`, calling the binary at `bin`.
///
/// Where the pre-commit framework or prek holds a hook, git-policy's shim goes to
/// `<hook>.legacy`, which they run before their own hooks; any other hook there is moved to
/// `<hook>.legacy` and run first by the shim.
pub fn install(
    dir: &Path,
    hooks: &[&str],
    bin: &Path,
    kind: shim::Kind,
    side: shim::Side,
) -> Result<Vec<Action>, InstallError> {
    fs::create_dir_all(dir).map_err(io_err("create", dir))?;
    // Check every hook before touching any, so a refusal leaves the directory as it was.
    let mut plan = Vec::new();
    for &hook in hooks {
        let Some(content) = shim::render(hook, bin, kind, side) else {
            continue;
        };
        let path = dir.join(hook);
        let legacy = dir.join(shim::legacy_name(hook));
        let existing = read_hook(&path)?;
        let manager = existing.as_deref().and_then(Manager::of_script);
        if let Some(manager) = manager.filter(|m| m.runs_legacy()) {
            let in_slot = read_hook(&legacy)?;
            if in_slot.as_deref().is_some_and(|c| !shim::is_ours(c)) {
                return Err(InstallError::ManagerSlotTaken {
                    hook: hook.to_owned(),
                    manager: manager.name(),
                    legacy: shim::legacy_name(hook),
                });
            }
            plan.push(Step::Beside {
                hook,
                legacy,
                in_slot,
                manager,
                content,
            });
            continue;
        }
        let foreign = existing.as_deref().is_some_and(|c| !shim::is_ours(c));
        if foreign && exists(&legacy) {
            return Err(InstallError::LegacyTaken {
                hook: hook.to_owned(),
                legacy: shim::legacy_name(hook),
            });
        }
        plan.push(Step::Here {
            hook,
            path,
            legacy,
            existing,
            foreign,
            content,
        });
    }
    let mut actions = Vec::new();
    for step in plan {
        let (Step::Beside { hook, .. } | Step::Here { hook, .. }) = step;
        match step {
            Step::Beside {
                hook,
                legacy,
                in_slot,
                manager,
                content,
            } => {
                let file = shim::legacy_name(hook);
                actions.push(match in_slot {
                    Some(old) if old == content.as_bytes() => Action::Unchanged(file),
                    Some(_) => {
                        write_executable(&legacy, &content)?;
                        Action::Updated(file)
                    }
                    None => {
                        write_executable(&legacy, &content)?;
                        Action::Beside {
                            file,
                            manager: manager.name(),
                        }
                    }
                });
            }
            Step::Here {
                hook,
                path,
                legacy,
                existing,
                foreign,
                content,
            } => {
                actions.push(match existing {
                    Some(old) if !foreign && old == content.as_bytes() => {
                        Action::Unchanged(hook.to_owned())
                    }
                    Some(_) if !foreign => {
                        write_executable(&path, &content)?;
                        Action::Updated(hook.to_owned())
                    }
                    Some(_) => {
                        fs::rename(&path, &legacy).map_err(io_err("move aside", &path))?;
                        write_executable(&path, &content)?;
                        Action::Chained {
                            hook: hook.to_owned(),
                            legacy: shim::legacy_name(hook),
                        }
                    }
                    None => {
                        write_executable(&path, &content)?;
                        Action::Installed(hook.to_owned())
                    }
                });
            }
        }
        // A shim of ours another manager moved where nothing runs it (lefthook's `.old`) is
        // replaced by the one just installed.
        actions.extend(remove_stranded(dir, hook)?);
    }
    Ok(actions)
}

/// What installing one hook will do, decided before anything is written.
enum Step<'a> {
    /// Into the slot a manager runs before its own hooks.
    Beside {
        hook: &'a str,
        legacy: PathBuf,
        in_slot: Option<Vec<u8>>,
        manager: Manager,
        content: String,
    },
    /// Under the hook's own name.
    Here {
        hook: &'a str,
        path: PathBuf,
        legacy: PathBuf,
        existing: Option<Vec<u8>>,
        foreign: bool,
        content: String,
    },
}

/// Removes shims of ours for `hook` under a name nothing runs: lefthook's `<hook>.old`.
fn remove_stranded(dir: &Path, hook: &str) -> Result<Option<Action>, InstallError> {
    let old = dir.join(format!("{hook}.old"));
    match read_hook(&old)? {
        Some(content) if shim::is_ours(&content) => {
            fs::remove_file(&old).map_err(io_err("remove", &old))?;
            Ok(Some(Action::Stranded {
                file: format!("{hook}.old"),
            }))
        }
        _ => Ok(None),
    }
}

/// Removes our shims for `hooks` from `dir` and puts back the hooks they replaced; shims of
/// ours another manager moved aside (`<hook>.legacy`, `<hook>.old`) are removed too.
pub fn uninstall(dir: &Path, hooks: &[&str]) -> Result<Vec<Action>, InstallError> {
    let mut actions = Vec::new();
    for &hook in hooks {
        let path = dir.join(hook);
        let legacy = dir.join(shim::legacy_name(hook));
        match read_hook(&path)? {
            Some(content) if !shim::is_ours(&content) => {
                let mut moved = Vec::new();
                for file in [shim::legacy_name(hook), format!("{hook}.old")] {
                    let aside = dir.join(&file);
                    if read_hook(&aside)?.is_some_and(|c| shim::is_ours(&c)) {
                        fs::remove_file(&aside).map_err(io_err("remove", &aside))?;
                        moved.push(Action::Removed(file));
                    }
                }
                if moved.is_empty() {
                    actions.push(Action::LeftForeign(hook.to_owned()));
                }
                actions.extend(moved);
            }
            Some(_) => {
                if exists(&legacy) {
                    fs::rename(&legacy, &path).map_err(io_err("restore", &legacy))?;
                    actions.push(Action::Restored(hook.to_owned()));
                } else {
                    fs::remove_file(&path).map_err(io_err("remove", &path))?;
                    actions.push(Action::Removed(hook.to_owned()));
                }
            }
            None => {}
        }
    }
    Ok(actions)
}

/// A hook's content, following a symlink; a dangling symlink counts as a foreign hook.
fn read_hook(path: &Path) -> Result<Option<Vec<u8>>, InstallError> {
    match fs::read(path) {
        Ok(content) => Ok(Some(content)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Ok(fs::symlink_metadata(path).is_ok().then(Vec::new))
        }
        Err(e) => Err(io_err("read", path)(e)),
    }
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Writes through a temporary file and a rename, so git never runs a half-written hook.
pub fn write_executable(path: &Path, content: &str) -> Result<(), InstallError> {
    let tmp = path.with_extension("git-policy-tmp");
    fs::write(&tmp, content).map_err(io_err("write", &tmp))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755))
            .map_err(io_err("make executable", &tmp))?;
    }
    fs::rename(&tmp, path).map_err(io_err("write", path))
}

/// Writes a file atomically (the administrator's policy on a live server).
pub fn write_atomically(path: &Path, content: &str) -> Result<(), InstallError> {
    let tmp = path.with_extension("git-policy-tmp");
    fs::write(&tmp, content).map_err(io_err("write", &tmp))?;
    fs::rename(&tmp, path).map_err(io_err("write", path))
}
