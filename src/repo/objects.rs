//! Where the objects are: the object directories in the order git searches them, and the
//! quarantine of a push searched first by libgit2 too.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use git2::{Binding, Repository};

/// The object directories of a repository opened from the environment: `GIT_OBJECT_DIRECTORY`
/// (a push's quarantine in pre-receive and update), then `GIT_ALTERNATE_OBJECT_DIRECTORIES`,
/// then the alternates the first one lists. Pushed objects are looked up in the quarantine
/// first (see [`prefer`]).
pub fn from_env(repo: &Repository) -> Vec<PathBuf> {
    let Some(main) = std::env::var_os("GIT_OBJECT_DIRECTORY").map(PathBuf::from) else {
        return of(repo);
    };
    let mut dirs = vec![main.clone()];
    if let Some(alternates) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        dirs.extend(std::env::split_paths(&alternates));
    }
    dirs.extend(listed_alternates(&main));
    if dirs.len() > 1 {
        prefer(repo, &main);
    }
    dirs
}

/// The object directories of a repository opened by path: its own and the alternates listed.
pub fn of(repo: &Repository) -> Vec<PathBuf> {
    let main = repo.commondir().join("objects");
    let mut dirs = vec![main.clone()];
    dirs.extend(listed_alternates(&main));
    dirs
}

/// `objects/info/alternates`: one directory per line, relative to the objects directory.
fn listed_alternates(objects: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(objects.join("info").join("alternates"))
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| objects.join(line))
        .collect()
}

/// libgit2 looks in every pack before any loose object, and in alternates' packs first: in a
/// quarantine every pushed object was first searched for in the repository's pack index, which
/// on a large repository costs more time and memory than the rest of the hook. Registering the
/// quarantine's packs and loose objects again, above every other source, makes a pushed object
/// cost one look where it is. Objects are found either way; this only changes the order.
fn prefer(repo: &Repository, dir: &Path) {
    const PACKED: i32 = 4;
    const LOOSE: i32 = 3;
    let (Ok(odb), Some(path)) = (repo.odb(), dir.to_str().and_then(|d| CString::new(d).ok()))
    else {
        return;
    };
    // SAFETY: `path` is a valid C string for the duration of the calls; a backend created here
    // is owned by the object database once added, and freed here if adding it failed.
    unsafe {
        let mut packed = std::ptr::null_mut();
        if libgit2_sys::git_odb_backend_pack(&mut packed, path.as_ptr()) == 0 {
            add(&odb, packed, PACKED);
        }
        let mut loose = std::ptr::null_mut();
        // Default compression, no fsync, default modes: nothing is written through it.
        if libgit2_sys::git_odb_backend_loose(&mut loose, path.as_ptr(), -1, 0, 0, 0) == 0 {
            add(&odb, loose, LOOSE);
        }
    }
}

/// # Safety
/// `backend` must be a backend just created by libgit2 and owned by the caller.
unsafe fn add(odb: &git2::Odb<'_>, backend: *mut libgit2_sys::git_odb_backend, priority: i32) {
    if backend.is_null() {
        return;
    }
    // SAFETY: the caller's contract; on failure the backend is still ours to free.
    unsafe {
        if libgit2_sys::git_odb_add_backend(odb.raw(), backend, priority) != 0 {
            if let Some(free) = (*backend).free {
                free(backend);
            }
        }
    }
}
