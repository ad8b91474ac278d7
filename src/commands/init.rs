//! `git policy init`: write `.git-policy.toml` from a preset, pointed at the version file this
//! repository has.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Outcome, UserError, open_repo};
use crate::cli::InitArgs;
use crate::policy::presets::{self, VersionFiles};
use crate::policy::{self, Matcher, Origin, Policy, VersionFile};
use crate::repo::Git;
use crate::report::printable;
use crate::version::{self, Format};

/// Where a version commonly lives, in the order they are tried when a preset's file is absent.
const CANDIDATES: &[&str] = &[
    "pyproject.toml",
    "Cargo.toml",
    "*/__init__.py",
    "src/*/__init__.py",
    "*/_version.py",
    "src/*/_version.py",
    "*/version.py",
    "src/*/version.py",
    "VERSION",
    "version.txt",
];

pub fn run(args: &InitArgs) -> anyhow::Result<Outcome> {
    let name = args.preset.as_str();
    let Some(preset) = presets::load(name) else {
        return Err(UserError::hinted(
            format!("there is no preset `{name}`"),
            format!(
                "presets: {}",
                presets::names()
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let git = open_repo()?;
    let Some(root) = git.workdir().map(Path::to_path_buf) else {
        return Err(UserError::hinted(
            "a bare repository has no work tree to commit `.git-policy.toml` in",
            "run it in a clone; a server takes its policy with `git policy install --server <repo> --policy <file>`",
        ));
    };
    let target = root.join(policy::FILE_NAME);
    if target.exists() && !args.force {
        return Err(UserError::hinted(
            format!("`{}` already exists", policy::FILE_NAME),
            format!(
                "keep it, or replace it with the `{name}` preset: `git policy init --preset {name} --force`"
            ),
        ));
    }
    let preset = preset.with_context(|| format!("the embedded `{name}` preset is invalid"))?;
    let found = detect(&root, &preset);
    let comment = format!(
        "found by `git policy init`; the preset reads {}",
        listed(&preset)
    );
    let rendered = presets::render(name, found.files(), &comment)?;
    // What is written must load: a preset pointed at a new file is parsed again first.
    policy::parse(&rendered, Origin::File(policy::FILE_NAME.into()))
        .context("the policy `git policy init` made does not load (a bug)")?;
    std::fs::write(&target, rendered)
        .with_context(|| format!("cannot write `{}`", target.display()))?;
    // The preset's `#:schema` line names this file, so editors complete and document its keys.
    let schema = root.join(policy::SCHEMA_FILE_NAME);
    std::fs::write(&schema, format!("{:#}\n", policy::schema().as_value()))
        .with_context(|| format!("cannot write `{}`", schema.display()))?;
    // `writeln!`, not `println!`: a closed standard output is an error `main` handles, not a panic.
    let mut out = anstream::stdout().lock();
    writeln!(
        out,
        "wrote `{}` from the `{name}` preset, and its schema for editors, `{}`",
        policy::FILE_NAME,
        policy::SCHEMA_FILE_NAME
    )?;
    // The notes name a file found in the work tree and the branch checked out.
    writeln!(out, "{}", printable(&found.note(&preset)))?;
    if let Some(note) = branch_note(&git, &preset) {
        writeln!(out, "{}", printable(&note))?;
    }
    writeln!(
        out,
        "hint: read it (each rule is explained in its comments), commit it, then `git policy check` judges the repository as it is"
    )?;
    Ok(Outcome::Ok)
}

/// A note when the repository is on a branch and has none of the branches the preset protects
/// by name (a `github-rc` policy in a repository whose main branch is `master`).
fn branch_note(git: &Git, preset: &Policy) -> Option<String> {
    let head = git.head_branch()?;
    let named: Vec<&str> = preset
        .branches
        .iter()
        .filter_map(|class| match &class.matcher {
            Matcher::Exact(name) => Some(name.as_str()),
            Matcher::Pattern(_) => None,
        })
        .collect();
    if named.is_empty() || named.contains(&head.as_str()) {
        return None;
    }
    let state = git.merged_state().ok()?;
    let has = |name: &&str| state.contains_key(&format!("refs/heads/{name}"));
    if named.iter().any(has) {
        return None;
    }
    Some(format!(
        "note: the preset protects {}, and this repository is on `{head}`: rename the branch (`git branch -m {head} {}`) or its `[branches.{}]` table",
        named
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
        named[0],
        named[0]
    ))
}

/// The preset's version files as a list for messages.
fn listed(preset: &Policy) -> String {
    preset
        .version_files
        .iter()
        .map(|f| format!("`{}`", f.path))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the version lives in a work tree, as `init` found it.
enum Found {
    /// The preset's own files exist.
    Preset,
    /// The preset's files, each in (or out of) a `src/` layout.
    Moved(Vec<String>),
    /// A common version file holding a version, and that version.
    Other(String, String),
    /// Nothing: the policy names the preset's files, to be created.
    Nothing,
}

impl Found {
    fn files(&self) -> VersionFiles<'_> {
        match self {
            Found::Preset | Found::Nothing => VersionFiles::Preset,
            Found::Moved(paths) => VersionFiles::Moved(paths),
            Found::Other(path, _) => VersionFiles::Replaced(std::slice::from_ref(path)),
        }
    }

    fn note(&self, preset: &Policy) -> String {
        let named = listed(preset);
        match self {
            Found::Preset => format!("note: version files: {named} (as the preset names them)"),
            Found::Moved(paths) => {
                format!(
                    "note: version files: {} (the preset names {named})",
                    quoted(paths)
                )
            }
            Found::Other(path, version) => format!(
                "note: version file: `{path}`, at {version} (the preset names {named}, which is not here)"
            ),
            Found::Nothing => format!(
                "note: no version file found: {named} does not exist yet; create it, or name yours under `[version] files`"
            ),
        }
    }
}

/// Where the version lives here: the preset's files when they exist, else the same files in
/// (or out of) a `src/` layout, else the first common version file that holds a version.
fn detect(root: &Path, preset: &Policy) -> Found {
    if preset.version_files.iter().all(|f| exists(root, f)) {
        return Found::Preset;
    }
    let moved: Vec<VersionFile> = preset
        .version_files
        .iter()
        .map(|f| {
            let path = match f.path.strip_prefix("src/") {
                Some(flat) => flat.to_owned(),
                None => format!("src/{}", f.path),
            };
            VersionFile {
                glob: policy::path_glob(&path).ok().flatten(),
                format: f.format.clone(),
                path,
            }
        })
        .collect();
    if moved.iter().all(|f| exists(root, f)) {
        return Found::Moved(moved.into_iter().map(|f| f.path).collect());
    }
    for candidate in CANDIDATES {
        for path in expand(root, candidate) {
            let Ok(bytes) = std::fs::read(root.join(&path)) else {
                continue;
            };
            if let Ok((version, _)) = version::extract(&Format::for_path(&path), &bytes) {
                return Found::Other(path, version.to_string());
            }
        }
    }
    Found::Nothing
}

/// The paths a candidate names in the work tree: itself, or the matches of its one `*`.
fn expand(root: &Path, candidate: &str) -> Vec<String> {
    let Some((dir, rest)) = candidate.split_once("*/") else {
        return vec![candidate.to_owned()];
    };
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| format!("{dir}{name}/{rest}"))
        .collect()
}

/// Whether a version file (or, for a glob, any file it matches) exists in the work tree.
fn exists(root: &Path, file: &VersionFile) -> bool {
    let Some(glob) = &file.glob else {
        return root.join(&file.path).is_file();
    };
    let mut stack: Vec<PathBuf> = vec![root.join(&glob.dir)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && entry.file_name() != ".git" {
                stack.push(path);
            } else if kind.is_file()
                && let Ok(relative) = path.strip_prefix(root)
                && let Some(relative) = relative.to_str()
                && glob.matcher.is_match(relative.replace('\\', "/"))
            {
                return true;
            }
        }
    }
    false
}

fn quoted(paths: &[String]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
