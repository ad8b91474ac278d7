//! Living with lefthook in either install order: git-policy registers its hooks in the clone's
//! `lefthook-local.yml`, which lefthook runs while it is installed, and keeps its own hook files
//! as `<hook>.old`, the name lefthook moves a hook it replaces to and restores on uninstall.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::install::{self, Action, InstallError};
use super::managers::Manager;
use super::shim;

/// The hooks git-policy registers with lefthook. Not `reference-transaction`: git runs it for
/// every ref it updates, and lefthook would start itself each time.
pub const HOOKS: &[&str] = &["pre-commit", "pre-merge-commit", "pre-push"];

/// The first and last lines of git-policy's block in the local configuration.
const BEGIN: &str =
    "# >>> git-policy: added by `git policy install`, removed by `git policy uninstall`";
const END: &str = "# <<< git-policy";

/// The line `.git/info/exclude` gets when git-policy creates `lefthook-local.yml`.
const EXCLUDE: &str = "/lefthook-local.yml";
const EXCLUDE_NOTE: &str = "# git-policy: lefthook-local.yml is this clone's own";

/// Where lefthook looks for its configuration, without the extension.
const STEMS: &[&str] = &["lefthook", ".lefthook", ".config/lefthook"];
const EXTENSIONS: &[&str] = &["yml", "yaml", "toml", "json", "jsonc"];

#[derive(Debug, thiserror::Error)]
pub enum LefthookError {
    #[error("`{}` already configures `{hook}`, so git-policy cannot add its own entry", file.display())]
    Taken { file: PathBuf, hook: String },
    #[error("`{}` is not YAML, so git-policy cannot add its entry", file.display())]
    NotYaml { file: PathBuf },
    #[error("cannot {what} `{}`", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// What registering did.
#[derive(Debug, PartialEq, Eq)]
pub enum Registration {
    /// git-policy's block was written to this file (`created`: the file is new).
    Added { file: PathBuf, created: bool },
    /// The file already runs git-policy's hooks as they are now.
    Present(PathBuf),
    /// The project's own configuration runs git-policy: nothing was added.
    InProject(PathBuf),
}

/// The places of lefthook's configuration files in the work tree at `top`, the project's or
/// (`local`) the clone's own `lefthook-local.*`, in lefthook's order.
fn files(top: &Path, local: bool) -> impl Iterator<Item = PathBuf> + '_ {
    STEMS.iter().flat_map(move |stem| {
        EXTENSIONS.iter().map(move |ext| {
            let suffix = if local { "-local" } else { "" };
            top.join(format!("{stem}{suffix}.{ext}"))
        })
    })
}

/// The project's lefthook configuration, when it has one.
pub fn project_config(top: &Path) -> Option<PathBuf> {
    files(top, false).find(|p| p.is_file())
}

/// Whether lefthook's configuration in the work tree at `top` runs git-policy's hooks: the
/// local file has git-policy's block, or the project's file runs `git-policy hook`.
pub fn runs_git_policy(top: &Path) -> bool {
    let local = files(top, true)
        .filter_map(|file| fs::read_to_string(file).ok())
        .any(|text| text.lines().any(|l| l.trim_end() == BEGIN));
    local
        || project_config(top)
            .and_then(|file| fs::read_to_string(file).ok())
            .is_some_and(|text| {
                text.contains("git-policy hook") || text.contains("git policy hook")
            })
}

/// Adds git-policy's hooks, calling the binary at `bin`, to the local configuration of the work
/// tree at `top` (`lefthook-local.yml` unless another local file exists); `exclude` is the
/// repository's `info/exclude`, which lists a `lefthook-local.yml` git-policy creates.
pub fn register(top: &Path, exclude: &Path, bin: &Path) -> Result<Registration, LefthookError> {
    if let Some(project) = project_config(top) {
        let text = read(&project)?.unwrap_or_default();
        if text.contains("git-policy hook") || text.contains("git policy hook") {
            return Ok(Registration::InProject(project));
        }
    }
    let existing = files(top, true).find(|p| p.is_file());
    let file = existing
        .clone()
        .unwrap_or_else(|| top.join("lefthook-local.yml"));
    let is_yaml = file.extension().is_some_and(|e| e == "yml" || e == "yaml");
    if !is_yaml {
        return Err(LefthookError::NotYaml { file });
    }
    let old = read(&file)?.unwrap_or_default();
    let mut text = without_block(&old);
    if let Some(hook) = HOOKS.iter().find(|hook| configures(&text, hook)) {
        return Err(LefthookError::Taken {
            file,
            hook: (*hook).to_owned(),
        });
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&block(bin));
    if text == old {
        return Ok(Registration::Present(file));
    }
    fs::write(&file, &text).map_err(io_err("write", &file))?;
    let created = existing.is_none();
    if created {
        exclude_local(exclude)?;
    }
    Ok(Registration::Added { file, created })
}

/// Removes git-policy's block from the local configuration, and the file when nothing else is
/// left in it. Returns the file it changed.
pub fn unregister(top: &Path, exclude: &Path) -> Result<Option<PathBuf>, LefthookError> {
    for file in files(top, true) {
        let Some(old) = read(&file)? else { continue };
        let text = without_block(&old);
        if text == old {
            continue;
        }
        if text.trim().is_empty() {
            fs::remove_file(&file).map_err(io_err("remove", &file))?;
            if file.file_name().is_some_and(|n| n == "lefthook-local.yml") {
                unexclude_local(exclude)?;
            }
        } else {
            fs::write(&file, text).map_err(io_err("write", &file))?;
        }
        return Ok(Some(file));
    }
    Ok(None)
}

/// Installs git-policy's hook files in `dir` for `hooks` beside lefthook, once registered: where
/// lefthook's script holds a hook, git-policy's goes to `<hook>.old`, which git runs again when
/// `lefthook uninstall` puts it back; elsewhere it is installed as usual, and `lefthook install`
/// moves it to `<hook>.old` when it takes the hook over.
pub fn install_beside(
    dir: &Path,
    hooks: &[&str],
    bin: &Path,
    kind: shim::Kind,
) -> Result<Vec<Action>, InstallError> {
    let mut actions = Vec::new();
    for &hook in hooks {
        let Some(content) = shim::render(hook, bin, kind, shim::Side::Client) else {
            continue;
        };
        let path = dir.join(hook);
        let legacy = dir.join(shim::legacy_name(hook));
        let old_name = format!("{hook}.old");
        let old = dir.join(&old_name);
        let is_lefthooks = |p: &Path| {
            fs::read(p)
                .ok()
                .and_then(|c| Manager::of_script(&c))
                .is_some_and(|m| m == Manager::Lefthook)
        };
        let ours_here = fs::read(&path).is_ok_and(|c| shim::is_ours(&c));
        if !HOOKS.contains(&hook) || !(is_lefthooks(&path) || ours_here && is_lefthooks(&legacy)) {
            actions.extend(install::install(
                dir,
                &[hook],
                bin,
                kind,
                shim::Side::Client,
            )?);
            continue;
        }
        // An earlier install chained lefthook's script: lefthook now runs git-policy itself.
        if ours_here {
            fs::rename(&legacy, &path).map_err(|source| InstallError::Io {
                what: "restore",
                path: legacy.clone(),
                source,
            })?;
        }
        actions.push(match fs::read(&old) {
            Ok(c) if !shim::is_ours(&c) => Action::LeftForeign(old_name),
            Ok(c) if c == content.as_bytes() => Action::Unchanged(old_name),
            Ok(_) => {
                install::write_executable(&old, &content)?;
                Action::Updated(old_name)
            }
            Err(_) => {
                install::write_executable(&old, &content)?;
                Action::Dormant {
                    file: old_name,
                    manager: Manager::Lefthook.name(),
                }
            }
        });
    }
    Ok(actions)
}

/// git-policy's block: lefthook runs the binary at `bin` for each of [`HOOKS`], giving
/// `pre-push` git's arguments and standard input.
fn block(bin: &Path) -> String {
    let quoted = format!("'{}'", bin.to_string_lossy().replace('\'', r"'\''"));
    let mut out = format!("{BEGIN}\n");
    for hook in HOOKS {
        let (args, stdin) = match *hook {
            "pre-push" => (" {1} {2}", "      use_stdin: true\n"),
            _ => ("", ""),
        };
        let run = format!("{quoted} hook {hook}{args}")
            .replace('\\', r"\\")
            .replace('"', "\\\"");
        out.push_str(&format!(
            "{hook}:\n  commands:\n    git-policy:\n      run: \"{run}\"\n{stdin}"
        ));
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// `text` without git-policy's block.
fn without_block(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        match line.trim_end() {
            l if l == BEGIN => inside = true,
            l if l == END && inside => inside = false,
            _ if inside => {}
            _ => out.push_str(line),
        }
    }
    out
}

/// Whether a YAML file's top level has the key `hook`, bare or quoted.
fn configures(text: &str, hook: &str) -> bool {
    let keys = [hook.to_owned(), format!("\"{hook}\""), format!("'{hook}'")];
    text.lines().any(|line| {
        keys.iter().any(|key| {
            line.strip_prefix(key.as_str())
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    })
}

fn exclude_local(exclude: &Path) -> Result<(), LefthookError> {
    let text = read(exclude)?.unwrap_or_default();
    if text.lines().any(|l| l.trim() == EXCLUDE) {
        return Ok(());
    }
    let mut new = text;
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str(&format!("{EXCLUDE_NOTE}\n{EXCLUDE}\n"));
    if let Some(parent) = exclude.parent() {
        fs::create_dir_all(parent).map_err(io_err("create", parent))?;
    }
    fs::write(exclude, new).map_err(io_err("write", exclude))
}

fn unexclude_local(exclude: &Path) -> Result<(), LefthookError> {
    let Some(text) = read(exclude)? else {
        return Ok(());
    };
    let marked = format!("{EXCLUDE_NOTE}\n{EXCLUDE}\n");
    if let Some(new) = text
        .contains(&marked)
        .then(|| text.replacen(&marked, "", 1))
    {
        fs::write(exclude, new).map_err(io_err("write", exclude))?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<Option<String>, LefthookError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err("read", path)(e)),
    }
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> LefthookError + use<> {
    let path = path.to_owned();
    move |source| LefthookError::Io { what, path, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Registering twice writes one block; unregistering leaves the user's own lines, and
    /// removes a file git-policy created along with its exclude line.
    #[test]
    fn block_is_added_once_and_removed() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let top = dir.path();
        let exclude = top.join("info/exclude");
        fs::write(top.join("lefthook.yml"), "pre-commit:\n  commands: {}\n").expect("write");
        let bin = Path::new("/opt/it's/git-policy");
        let first = register(top, &exclude, bin).expect("register");
        let local = top.join("lefthook-local.yml");
        assert_eq!(
            first,
            Registration::Added {
                file: local.clone(),
                created: true
            }
        );
        assert_eq!(
            register(top, &exclude, bin).expect("again"),
            Registration::Present(local.clone())
        );
        let text = fs::read_to_string(&local).expect("read");
        assert!(
            text.contains(r#"run: "'/opt/it'\\''s/git-policy' hook pre-push {1} {2}""#),
            "{text}"
        );
        assert!(
            fs::read_to_string(&exclude)
                .expect("exclude")
                .contains(EXCLUDE)
        );
        assert_eq!(
            unregister(top, &exclude).expect("unregister"),
            Some(local.clone())
        );
        assert!(!local.exists());
        assert_eq!(fs::read_to_string(&exclude).expect("exclude"), "");

        fs::write(&local, "skip_output:\n  - meta\n").expect("write");
        register(top, &exclude, bin).expect("register");
        unregister(top, &exclude).expect("unregister");
        assert_eq!(
            fs::read_to_string(&local).expect("read"),
            "skip_output:\n  - meta\n"
        );
    }

    /// A local file that configures one of the hooks itself is not edited; a project file that
    /// runs git-policy already needs no entry.
    #[test]
    fn taken_hooks_and_project_entries_are_left_alone() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let top = dir.path();
        let exclude = top.join("exclude");
        let local = top.join("lefthook-local.yml");
        fs::write(&local, "pre-push:\n  commands: {}\n").expect("write");
        let err = register(top, &exclude, Path::new("/bin/git-policy")).expect_err("taken");
        assert!(matches!(err, LefthookError::Taken { ref hook, .. } if hook == "pre-push"));
        fs::remove_file(&local).expect("remove");
        let project = top.join("lefthook.yml");
        fs::write(
            &project,
            "pre-commit:\n  commands:\n    p:\n      run: git-policy hook pre-commit\n",
        )
        .expect("write");
        assert_eq!(
            register(top, &exclude, Path::new("/bin/git-policy")).expect("register"),
            Registration::InProject(project)
        );
        assert!(!local.exists());
    }
}
