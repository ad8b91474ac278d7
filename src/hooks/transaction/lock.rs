//! The repository-wide lock a push's ref transaction holds from `prepared` until `committed` or
//! `aborted`: a file in the git directory naming the git process that owns it, so that it
//! outlives the hook process that took it, and is taken over once that process is gone.
//!
//! Every read and write of the file happens under an `flock` of a guard file beside it, which
//! the system drops with the process holding it: taking over a stale lock cannot race.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file, in the repository's (common) git directory.
pub const FILE_NAME: &str = "git-policy-transaction.lock";
const GUARD_NAME: &str = "git-policy-transaction.guard";
const HEADER: &str = "git-policy transaction lock";

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot {what} `{}`", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "another push has held the ref lock `{}` for over {waited} s (git process {pid})",
        path.display()
    )]
    Busy {
        path: PathBuf,
        pid: u32,
        waited: u64,
    },
}

impl LockError {
    pub fn hint(&self) -> Option<String> {
        match self {
            LockError::Busy { path, pid, .. } => Some(format!(
                "push again in a moment; if no push is running, git process {pid} is stuck: stop it, or remove `{}`",
                path.display()
            )),
            LockError::Io { .. } => None,
        }
    }
}

/// A git process: its id and, where the system tells, when it started (an id the system has
/// given to a new process since is not the owner any more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    pub start: Option<u64>,
}

impl Owner {
    pub fn of(pid: u32) -> Owner {
        Owner {
            pid,
            start: start_time(pid),
        }
    }

    /// Whether the process still runs (and is the same process).
    pub fn alive(&self) -> bool {
        process_alive(self.pid) && (self.start.is_none() || start_time(self.pid) == self.start)
    }
}

/// What the lock file says: its owner, and the transactions of that owner holding it (git
/// nests one transaction in another when it deletes a packed ref).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Held {
    owner: Owner,
    tokens: Vec<u64>,
}

impl Held {
    fn render(&self) -> String {
        let mut text = format!("{HEADER}\npid {}\n", self.owner.pid);
        if let Some(start) = self.owner.start {
            text += &format!("start {start}\n");
        }
        for token in &self.tokens {
            text += &format!("token {token:016x}\n");
        }
        text
    }

    /// `None` for a file that is not a lock this code wrote whole: nobody owns it.
    fn parse(text: &str) -> Option<Held> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let (mut pid, mut start, mut tokens) = (None, None, Vec::new());
        for line in lines {
            match line.split_once(' ')? {
                ("pid", value) => pid = Some(value.parse().ok()?),
                ("start", value) => start = Some(value.parse().ok()?),
                ("token", value) => tokens.push(u64::from_str_radix(value, 16).ok()?),
                _ => return None,
            }
        }
        Some(Held {
            owner: Owner { pid: pid?, start },
            tokens,
        })
    }
}

/// The lock of one repository.
pub struct Lock {
    dir: PathBuf,
}

impl Lock {
    pub fn new(git_dir: &Path) -> Lock {
        Lock {
            dir: git_dir.to_path_buf(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Takes the lock for `owner`'s transaction `token`, waiting at most `wait` while another
    /// live process holds it. A lock whose owner is gone is taken over; a transaction nested in
    /// one of the same owner joins it.
    pub fn acquire(&self, owner: &Owner, token: u64, wait: Duration) -> Result<(), LockError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            let holder = self.guarded(|held| match held {
                Some(held) if held.owner == *owner => {
                    held.tokens.push(token);
                    None
                }
                Some(held) if held.owner.alive() => Some(held.owner.pid),
                _ => {
                    *held = Some(Held {
                        owner: owner.clone(),
                        tokens: vec![token],
                    });
                    None
                }
            })?;
            let Some(pid) = holder else {
                return Ok(());
            };
            if started.elapsed() >= wait {
                return Err(LockError::Busy {
                    path: self.path(),
                    pid,
                    waited: wait.as_secs(),
                });
            }
            std::thread::sleep(pause.min(wait.saturating_sub(started.elapsed())));
            pause = (pause * 2).min(Duration::from_millis(100));
        }
    }

    /// Drops `owner`'s transaction `token`; the last one releases the lock. Anything else (a
    /// lock of another process, a transaction that never took it) is left as it is.
    pub fn release(&self, owner: &Owner, token: u64) -> Result<(), LockError> {
        if !self.path().exists() {
            return Ok(());
        }
        self.guarded(|held| {
            if let Some(mine) = held.as_mut().filter(|h| h.owner == *owner) {
                if let Some(at) = mine.tokens.iter().position(|&t| t == token) {
                    mine.tokens.remove(at);
                }
                if mine.tokens.is_empty() {
                    *held = None;
                }
            }
        })
    }

    /// Runs `change` on what the lock file says, under the guard, and writes back what it
    /// leaves (`None`: no lock file).
    fn guarded<T>(&self, change: impl FnOnce(&mut Option<Held>) -> T) -> Result<T, LockError> {
        let guard_path = self.dir.join(GUARD_NAME);
        let guard = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&guard_path)
            .map_err(io_err("open", &guard_path))?;
        flock(&guard).map_err(io_err("lock", &guard_path))?;
        let path = self.path();
        let read = match fs::read_to_string(&path) {
            Ok(text) => Held::parse(&text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            // Not text: not a lock this code wrote, so nobody's.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => None,
            Err(e) => return Err(io_err("read", &path)(e)),
        };
        let mut held = read.clone();
        let result = change(&mut held);
        if held != read {
            match &held {
                Some(held) => fs::write(&path, held.render()).map_err(io_err("write", &path))?,
                None => match fs::remove_file(&path) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        return Err(io_err("remove", &path)(e));
                    }
                    _ => {}
                },
            }
        }
        // Closing the guard file unlocks it.
        drop(guard);
        Ok(result)
    }
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> LockError + use<> {
    let path = path.to_owned();
    move |source| LockError::Io { what, path, source }
}

#[cfg(unix)]
fn flock(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    loop {
        // SAFETY: flock on a file descriptor this function's caller keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

#[cfg(not(unix))]
fn flock(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only asks whether the process exists.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return true;
    }
    // It exists but belongs to another user.
    io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Without a way to ask, every owner is alive: a stale lock then waits out its time.
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// When a process started, in clock ticks since boot (Linux's `/proc/<pid>/stat`, field 22).
fn start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces or parentheses.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lock file says who holds it and for which transactions, and reads back the same.
    #[test]
    fn held_lock_reads_back() {
        let held = Held {
            owner: Owner {
                pid: 42,
                start: Some(7),
            },
            tokens: vec![1, u64::MAX],
        };
        assert_eq!(Held::parse(&held.render()), Some(held));
        assert_eq!(Held::parse("pid 42\n"), None);
        assert_eq!(Held::parse(&format!("{HEADER}\npid x\n")), None);
    }

    /// A nested transaction of the owner joins its lock; the lock goes with the last one, and a
    /// release by a transaction that never took it changes nothing.
    #[test]
    fn nested_transactions_release_with_the_last() {
        let dir = tempfile::tempdir().expect("temp dir");
        let lock = Lock::new(dir.path());
        let me = Owner::of(std::process::id());
        let wait = Duration::from_millis(10);
        lock.acquire(&me, 1, wait).expect("free lock");
        lock.acquire(&me, 2, wait).expect("nested");
        lock.release(&me, 3).expect("unknown token");
        lock.release(&me, 1).expect("outer");
        assert!(
            lock.path().exists(),
            "released with a transaction still open"
        );
        lock.release(&me, 2).expect("inner");
        assert!(!lock.path().exists());
    }

    /// Another live process's lock is waited for, then refused with its owner named; once that
    /// owner is gone the lock is taken over.
    #[cfg(unix)]
    #[test]
    fn live_owner_blocks_and_gone_owner_is_taken_over() {
        let dir = tempfile::tempdir().expect("temp dir");
        let lock = Lock::new(dir.path());
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("start sleep");
        let other = Owner::of(child.id());
        lock.acquire(&other, 9, Duration::ZERO).expect("free lock");
        let me = Owner::of(std::process::id());
        let busy = lock.acquire(&me, 1, Duration::from_millis(50));
        assert!(
            matches!(busy, Err(LockError::Busy { pid, .. }) if pid == other.pid),
            "{busy:?}"
        );
        lock.release(&me, 9).expect("not mine to release");
        assert!(lock.path().exists());
        child.kill().expect("stop sleep");
        child.wait().expect("reap sleep");
        lock.acquire(&me, 1, Duration::ZERO)
            .expect("a gone owner's lock is taken over");
        let text = fs::read_to_string(lock.path()).expect("lock file");
        assert!(text.contains(&format!("pid {}", me.pid)), "{text}");
    }
}
