//! A synthetic pytokio history of any size, written by `git fast-import`.
//!
//! The model is seed 000: features merged into `master`; at each feature freeze `master` is
//! bumped to the next minor and `rc` merges the commit before the bump; a version branch `0.N`
//! is cut from `rc` with its first beta tagged and the next beta set; later the newest version
//! branch merges `rc` again, takes hotfixes, and tags a second beta (`v0.N.0-beta2`, the seed's
//! spelling) and the final release (annotated) before moving on to `0.N.1b1`. `rc` and older
//! version branches take hotfixes. Every state the history passes through satisfies the policy,
//! so `git policy check` (and `--history`) accepts it.
//!
//! Besides the history, candidate pushes are written as a server receives them: `n` new
//! commits on top of `<branch>` in a quarantine directory of their own (`quarantine/<branch>-<n>`
//! under the git directory), which the hooks see through `GIT_OBJECT_DIRECTORY` with the
//! repository's objects as an alternate. They are in neither the repository nor its
//! commit-graph. They are legal, so judging one runs every rule to the end.
//!
//! One more push merges `topics` topic branches into `master` (`master-<topics>`: a merge per
//! topic): one commit each, all based on an early commit of `master` (5% into the history),
//! pushed before and already in the repository and its commit-graph (no ref keeps them: refs
//! would change what every other push reads). Each is a root of what the push brings, with an
//! old commit as parent: the push whose cost grew with roots × branches × history.
//!
//! Shared by the generator (`cargo run --release --example gen-history`) and the test suite's
//! smoke test, which is why it takes a way to make `git` commands instead of spawning its own.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The version file of the pytokio policy.
pub const VERSION_FILE: &str = "tokio/__init__.py";

/// Pushed commit counts written for every target branch.
pub const PUSH_SIZES: [u64; 2] = [5, 500];

/// What to generate.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Commits in the history, approximately (pushes come on top).
    pub commits: u64,
    /// Version branches, one per feature freeze: `0.1` ... `0.<branches>`.
    pub branches: u32,
    pub seed: u64,
    pub graph: GraphKind,
    /// Topic branches based on an early commit, merged into `master` by one push.
    pub topics: u64,
    pub dates: Dates,
    /// Plants one back-merge (a hotfix on `rc` merged into `master`, "Merge branch 'rc'") once
    /// the history has this many commits; every other state stays legal.
    pub back_merge_at: Option<u64>,
}

/// How commits are dated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dates {
    /// One minute per commit.
    Minutes,
    /// As real teams' are: half of the commits in the same second as the one before, some a
    /// minute later, and one in eight an hour before (older than its parent, or than the
    /// commit it follows on another branch). Drawn from a generator of their own, so the
    /// history has the same shape as with [`Dates::Minutes`].
    Skewed,
}

/// How the commit-graph is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphKind {
    None,
    /// One `objects/info/commit-graph` file, as `git gc` writes it.
    Single,
    /// A chain of three layers in `objects/info/commit-graphs/`, as `git maintenance` and
    /// `fetch.writeCommitGraph` leave it on servers.
    Chain,
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct Summary {
    pub commits: u64,
    pub version_branches: Vec<String>,
    pub tags: u64,
    pub pushes: Vec<Push>,
}

/// A push waiting in its quarantine, as a pre-receive hook finds it.
#[derive(Debug, Clone)]
pub struct Push {
    pub branch: String,
    pub commits: u64,
    /// The new tip, 40 hex digits.
    pub new: String,
    /// The object directory holding the pushed objects.
    pub quarantine: PathBuf,
}

/// Generates the repository: `git init --bare` at `dir`, the history through `git fast-import`,
/// the commit-graph, then the pushes. `git` makes a `git` command (so callers control the
/// environment).
pub fn generate(dir: &Path, shape: &Shape, git: &dyn Fn() -> Command) -> io::Result<Summary> {
    run(git()
        .args(["init", "-q", "--bare", "-b", "master"])
        .arg(dir))?;
    let mut history = None;
    // The ids of the topic commits, as `get-mark` prints them.
    let topics = fast_import(dir, None, git, &mut |out| {
        let mut stream = Stream::new(out, shape.seed);
        stream.dates = shape.dates;
        stream.back_merge_at = shape.back_merge_at;
        let (commits, targets) = stream.history(shape)?;
        let versions = stream.versions.iter().map(|v| short(&v.tip)).collect();
        history = Some((commits, targets, versions, stream.tags, stream.clock));
        Ok(())
    })?;
    let topics: Vec<String> = topics.lines().map(str::to_owned).collect();
    let (commits, targets, version_branches, tags, clock) =
        history.ok_or_else(|| io::Error::other("no history was written"))?;
    write_graph(dir, shape.graph, git, &topics)?;
    // As `git gc` leaves a server: refs in `packed-refs`, annotated tags with their peeled ids.
    run(git().arg("--git-dir").arg(dir).args(["pack-refs", "--all"]))?;
    let mut pushes = Vec::new();
    for target in &targets {
        for n in PUSH_SIZES {
            let branch = short(target);
            let quarantine = dir.join("quarantine").join(format!("{branch}-{n}"));
            std::fs::create_dir_all(quarantine.join("pack"))?;
            let new = fast_import(dir, Some(&quarantine), git, &mut |out| {
                let mut stream = Stream::new(out, shape.seed ^ n);
                stream.clock = clock;
                stream.push(target, n)
            })?;
            pushes.push(Push {
                branch,
                commits: n,
                new: new.trim().to_owned(),
                quarantine,
            });
        }
    }
    if let Some(master) = targets.first().filter(|_| !topics.is_empty()) {
        let n = topics.len() as u64;
        let quarantine = dir.join("quarantine").join(format!("master-{n}"));
        std::fs::create_dir_all(quarantine.join("pack"))?;
        let new = fast_import(dir, Some(&quarantine), git, &mut |out| {
            let mut stream = Stream::new(out, shape.seed ^ n);
            stream.clock = clock;
            stream.merge_topics(master, &topics)
        })?;
        pushes.push(Push {
            branch: short(master),
            commits: n,
            new: new.trim().to_owned(),
            quarantine,
        });
    }
    Ok(Summary {
        commits,
        version_branches,
        tags,
        pushes,
    })
}

/// Runs `git fast-import` on what `write` writes; with `objects`, into that object directory
/// with the repository's as an alternate, as git's quarantine does. Returns its output.
fn fast_import(
    dir: &Path,
    objects: Option<&Path>,
    git: &dyn Fn() -> Command,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<String> {
    let mut cmd = git();
    cmd.arg("--git-dir").arg(dir);
    if let Some(objects) = objects {
        cmd.env("GIT_OBJECT_DIRECTORY", objects)
            .env("GIT_ALTERNATE_OBJECT_DIRECTORIES", dir.join("objects"));
    }
    // Every branch stays loaded: an evicted one's tree is read back from the pack.
    let mut child = cmd
        .args(["fast-import", "--quiet", "--done", "--active-branches=256"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| io::Error::other("no stdin for git fast-import"))?;
    // Read while the stream is written: more output than a pipe holds would block both.
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| io::Error::other("no stdout for git fast-import"))?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let mut out = BufWriter::with_capacity(1 << 20, stdin);
    write(&mut out)?;
    out.write_all(b"done\n")?;
    out.flush()?;
    drop(out);
    let status = child.wait()?;
    let text = reader
        .join()
        .map_err(|_| io::Error::other("reading git fast-import's output failed"))??;
    if !status.success() {
        return Err(io::Error::other(format!(
            "git fast-import failed: {status}"
        )));
    }
    Ok(text)
}

/// Writes the commit-graph of the branches, tags and `topics` only: pushed commits are never
/// in it.
fn write_graph(
    dir: &Path,
    kind: GraphKind,
    git: &dyn Fn() -> Command,
    topics: &[String],
) -> io::Result<()> {
    let mut tips = output(git().arg("--git-dir").arg(dir).args([
        "for-each-ref",
        "--format=%(objectname)",
        "refs/heads",
        "refs/tags",
    ]))?;
    for topic in topics {
        tips.push_str(topic);
        tips.push('\n');
    }
    let layers: Vec<String> = match kind {
        GraphKind::None => return Ok(()),
        GraphKind::Single => vec![tips],
        GraphKind::Chain => {
            // Older layers hold older history, as repeated incremental writes leave them.
            let first_parents = output(git().arg("--git-dir").arg(dir).args([
                "rev-list",
                "--first-parent",
                "--count",
                "master",
            ]))?;
            let depth: u64 = first_parents.trim().parse().unwrap_or(0);
            let mut layers = Vec::new();
            for back in [depth / 10, depth / 100] {
                layers.push(output(
                    git()
                        .arg("--git-dir")
                        .arg(dir)
                        .args(["rev-parse", &format!("master~{back}")]),
                )?);
            }
            layers.push(tips);
            layers
        }
    };
    let split: &[&str] = match kind {
        GraphKind::Chain => &["--split=no-merge"],
        _ => &[],
    };
    for commits in layers {
        let mut write = git()
            .arg("--git-dir")
            .arg(dir)
            .args(["commit-graph", "write", "--no-progress", "--stdin-commits"])
            .args(split)
            .stdin(Stdio::piped())
            .spawn()?;
        write
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no stdin for git commit-graph"))?
            .write_all(commits.as_bytes())?;
        let status = write.wait()?;
        if !status.success() {
            return Err(io::Error::other(format!(
                "git commit-graph failed: {status}"
            )));
        }
    }
    Ok(())
}

fn run(cmd: &mut Command) -> io::Result<()> {
    let status = cmd.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("{cmd:?} failed: {status}")))
    }
}

fn output(cmd: &mut Command) -> io::Result<String> {
    let out = cmd.stderr(Stdio::inherit()).output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!("{cmd:?} failed: {}", out.status)));
    }
    String::from_utf8(out.stdout).map_err(io::Error::other)
}

/// A pytokio version: `0.<minor>.<micro>` with a beta, a dev number, or neither.
#[derive(Debug, Clone, Copy)]
enum Version {
    Dev { minor: u32, dev: u32 },
    Beta { minor: u32, micro: u32, beta: u32 },
    Final { minor: u32, micro: u32 },
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Version::Dev { minor, dev } => write!(f, "0.{minor}.0.dev{dev}"),
            Version::Beta { minor, micro, beta } => write!(f, "0.{minor}.{micro}b{beta}"),
            Version::Final { minor, micro } => write!(f, "0.{minor}.{micro}"),
        }
    }
}

/// A branch as the stream left it: its tip's mark and version.
#[derive(Debug, Clone)]
struct Tip {
    refname: String,
    mark: u64,
    version: Version,
}

/// Where a version branch is in its releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// `b1` tagged, the tip at `b2`.
    FirstBeta,
    /// `b2` tagged, the tip at `b3`.
    SecondBeta,
    /// The final release tagged, the tip at `<minor>.1b1`.
    Released,
}

struct VersionBranch {
    tip: Tip,
    stage: Stage,
}

/// The fast-import stream and the state of every branch in it.
struct Stream<W> {
    out: W,
    rng: fastrand::Rng,
    marks: u64,
    commits: u64,
    tags: u64,
    clock: u64,
    master: Tip,
    rc: Option<Tip>,
    versions: Vec<VersionBranch>,
    /// `rc` has commits the newest version branch has not merged yet.
    rc_ahead: bool,
    dates: Dates,
    /// Draws skewed dates, apart from the history's own draws.
    skew: fastrand::Rng,
    back_merge_at: Option<u64>,
}

/// The first commit's time: 2017-07-14. One minute passes per commit.
const EPOCH: u64 = 1_500_000_000;

impl<W: Write> Stream<W> {
    fn new(out: W, seed: u64) -> Self {
        Stream {
            out,
            rng: fastrand::Rng::with_seed(seed),
            marks: 0,
            commits: 0,
            tags: 0,
            clock: EPOCH,
            master: Tip {
                refname: "refs/heads/master".into(),
                mark: 0,
                version: Version::Dev { minor: 1, dev: 0 },
            },
            rc: None,
            versions: Vec::new(),
            rc_ahead: false,
            dates: Dates::Minutes,
            skew: fastrand::Rng::with_seed(seed ^ 0xda7e),
            back_merge_at: None,
        }
    }

    /// The history. Returns the number of commits and the branches to push to.
    fn history(&mut self, shape: &Shape) -> io::Result<(u64, Vec<Tip>)> {
        let branches = shape.branches.max(1);
        let version = self.master.version;
        self.master.mark = self.commit(
            "refs/heads/master",
            None,
            &[],
            "Initial commit",
            &[version_file(version)],
        )?;
        // Freezes split the history evenly, with half a cycle of development after the last.
        let cycle = shape.commits as f64 / (f64::from(branches) + 0.5);
        let mut early = shape.topics > 0;
        for minor in 1..=branches + 1 {
            let end = (f64::from(minor) * cycle).min(shape.commits as f64) as u64;
            let start = self.commits;
            let mut released = [false, false];
            while self.commits < end {
                if early && self.commits >= shape.commits / 20 {
                    writeln!(self.out, "reset refs/heads/early\nfrom refs/heads/master\n")?;
                    early = false;
                }
                let progress = (self.commits - start) as f64 / (end - start).max(1) as f64;
                for (i, at) in [(0, 0.3), (1, 0.6)] {
                    if !released[i] && progress >= at {
                        released[i] = true;
                        self.release()?;
                    }
                }
                self.step()?;
            }
            if minor <= branches {
                self.freeze(minor)?;
            }
        }
        self.delete("refs/heads/topic")?;
        if shape.topics > 0 {
            self.topics(shape.topics)?;
        }
        // master, rc, the newest version branch and the oldest (which most release tags are
        // above, the worst case of version/ahead-of-tags).
        let mut targets = vec![self.master.clone()];
        targets.extend(self.rc.clone());
        if let Some(newest) = self.versions.last() {
            targets.push(newest.tip.clone());
        }
        if self.versions.len() > 1 {
            targets.push(self.versions[0].tip.clone());
        }
        Ok((self.commits, targets))
    }

    /// One event of ordinary development, mostly a feature merged into `master`.
    fn step(&mut self) -> io::Result<()> {
        if self.back_merge_at.is_some_and(|at| self.commits >= at) && self.rc.is_some() {
            self.back_merge_at = None;
            return self.back_merge();
        }
        let roll = self.rng.u32(0..1000);
        match roll {
            0..=4 if self.rc.is_some() => self.hotfix_rc(),
            5..=9 if !self.versions.is_empty() => {
                // Mostly the newest branch; sometimes one of the two before it.
                let len = self.versions.len();
                let back = [0, 0, 0, 1, 2][self.rng.usize(0..5)].min(len - 1);
                self.hotfix_version(len - 1 - back)
            }
            10..=11 if self.rc_ahead && !self.versions.is_empty() => self.merge_rc(),
            12..=14 => {
                if let Version::Dev { minor, dev } = self.master.version {
                    let master = self.master.clone();
                    self.master = self.set_version(
                        &master,
                        Version::Dev {
                            minor,
                            dev: dev + 1,
                        },
                    )?;
                }
                Ok(())
            }
            _ => {
                let size = self.rng.u64(1..=4);
                self.master.mark = self.feature("refs/heads/master", size)?;
                Ok(())
            }
        }
    }

    /// A topic branch of `size` commits forked from the tip of `refname` and merged into it
    /// with `--no-ff`. Returns the merge's mark.
    ///
    /// The topic's commits keep their fork point's tree and the merge carries their changes:
    /// fast-import then never reads back its own pack (which costs a remap per read), and the
    /// history's shape, which is all the rules walk, is the same.
    fn feature(&mut self, refname: &str, size: u64) -> io::Result<u64> {
        let name = format!("feature-{}", self.commits);
        let mut from = Some(refname);
        let mut tip = 0;
        for i in 0..size {
            let message = format!("{name}: part {}", i + 1);
            tip = self.commit("refs/heads/topic", from.take(), &[], &message, &[])?;
        }
        let changes: Vec<_> = (0..size).map(|_| self.change()).collect();
        self.commit(
            refname,
            None,
            &[tip],
            &format!("Merge branch '{name}'"),
            &changes,
        )
    }

    fn hotfix_rc(&mut self) -> io::Result<()> {
        let Some(mut rc) = self.rc.clone() else {
            return Ok(());
        };
        let change = self.change();
        rc.mark = self.commit(&rc.refname, None, &[], "Hotfix on rc", &[change])?;
        self.rc = Some(rc);
        self.rc_ahead = true;
        Ok(())
    }

    fn hotfix_version(&mut self, index: usize) -> io::Result<()> {
        let change = self.change();
        let refname = self.versions[index].tip.refname.clone();
        let message = format!("Hotfix on {}", short(&self.versions[index].tip));
        self.versions[index].tip.mark = self.commit(&refname, None, &[], &message, &[change])?;
        Ok(())
    }

    /// The planted mistake: a hotfix on `rc`, merged into `master` (keeping master's version).
    fn back_merge(&mut self) -> io::Result<()> {
        self.hotfix_rc()?;
        let Some(rc) = self.rc.clone() else {
            return Ok(());
        };
        let version = self.master.version;
        self.master.mark = self.commit(
            "refs/heads/master",
            None,
            &[rc.mark],
            "Merge branch 'rc'",
            &[version_file(version)],
        )?;
        Ok(())
    }

    /// The newest version branch merges `rc` (which is still on its release line).
    fn merge_rc(&mut self) -> io::Result<()> {
        let (Some(rc), Some(newest)) = (self.rc.clone(), self.versions.last()) else {
            return Ok(());
        };
        let tip = newest.tip.clone();
        let mark = self.commit(
            &tip.refname,
            None,
            &[rc.mark],
            &format!("Merge branch 'rc' into {}", short(&tip)),
            // The version file keeps the branch's side.
            &[version_file(tip.version)],
        )?;
        if let Some(newest) = self.versions.last_mut() {
            newest.tip.mark = mark;
        }
        self.rc_ahead = false;
        Ok(())
    }

    /// The next release of the newest version branch: its second beta, then the final.
    fn release(&mut self) -> io::Result<()> {
        let Some(newest) = self.versions.last() else {
            return Ok(());
        };
        let (stage, tip) = (newest.stage, newest.tip.clone());
        let Version::Beta { minor, .. } = tip.version else {
            return Ok(());
        };
        let (stage, tip) = match stage {
            Stage::FirstBeta => {
                // The seed's other spelling of v0.N.0b2, lightweight as GitHub's UI makes it.
                self.tag(&format!("v0.{minor}.0-beta2"), &tip.refname, false)?;
                (
                    Stage::SecondBeta,
                    self.set_version(
                        &tip,
                        Version::Beta {
                            minor,
                            micro: 0,
                            beta: 3,
                        },
                    )?,
                )
            }
            Stage::SecondBeta => {
                let release = self.set_version(&tip, Version::Final { minor, micro: 0 })?;
                self.tag(&format!("v0.{minor}.0"), &release.refname, true)?;
                (
                    Stage::Released,
                    self.set_version(
                        &release,
                        Version::Beta {
                            minor,
                            micro: 1,
                            beta: 1,
                        },
                    )?,
                )
            }
            Stage::Released => return Ok(()),
        };
        if let Some(newest) = self.versions.last_mut() {
            *newest = VersionBranch { tip, stage };
        }
        Ok(())
    }

    /// Feature freeze of `0.<minor>`: master bumped first, then rc merges the commit before the
    /// bump, then `0.<minor>` is cut from rc with its first beta.
    fn freeze(&mut self, minor: u32) -> io::Result<()> {
        let before = self.master.clone();
        if self.rc.is_none() {
            writeln!(self.out, "reset refs/heads/rc\nfrom refs/heads/master\n")?;
        }
        self.master = self.set_version(
            &before,
            Version::Dev {
                minor: minor + 1,
                dev: 1,
            },
        )?;
        let rc = match self.rc.clone() {
            None => Tip {
                refname: "refs/heads/rc".into(),
                mark: before.mark,
                version: before.version,
            },
            Some(rc) => {
                let mark = self.commit(
                    &rc.refname,
                    None,
                    &[before.mark],
                    "Merge branch 'master' into rc",
                    &[version_file(before.version)],
                )?;
                Tip {
                    mark,
                    version: before.version,
                    ..rc
                }
            }
        };
        self.rc = Some(rc.clone());
        self.rc_ahead = false;
        let refname = format!("refs/heads/0.{minor}");
        let b1 = Version::Beta {
            minor,
            micro: 0,
            beta: 1,
        };
        let mark = self.commit(
            &refname,
            Some(&rc.refname),
            &[],
            &format!("Bump version to {b1}"),
            &[version_file(b1)],
        )?;
        self.tag(&format!("v{b1}"), &refname, false)?;
        let cut = Tip {
            refname,
            mark,
            version: b1,
        };
        let tip = self.set_version(
            &cut,
            Version::Beta {
                minor,
                micro: 0,
                beta: 2,
            },
        )?;
        self.versions.push(VersionBranch {
            tip,
            stage: Stage::FirstBeta,
        });
        Ok(())
    }

    /// `count` topic branches of one commit each, based on `refs/heads/early` (which is then
    /// deleted, as are the topics' refs); prints each commit's id.
    fn topics(&mut self, count: u64) -> io::Result<()> {
        for i in 0..count {
            let refname = format!("refs/heads/topic-{i}");
            let message = format!("topic {i}: the change");
            let mark = self.commit(&refname, Some("refs/heads/early"), &[], &message, &[])?;
            writeln!(self.out, "get-mark :{mark}")?;
            self.delete(&refname)?;
        }
        self.delete("refs/heads/early")
    }

    /// A stream merging each of `topics` (commit ids) into `target` (`master`), one merge per
    /// topic carrying its change, that leaves no ref behind and prints the new tip.
    fn merge_topics(&mut self, target: &Tip, topics: &[String]) -> io::Result<()> {
        let refname = "refs/heads/push";
        writeln!(self.out, "reset {refname}\nfrom {}\n", target.refname)?;
        for (i, topic) in topics.iter().enumerate() {
            let change = self.change();
            let message = format!("Merge branch 'topic-{i}'");
            self.commit_merging(refname, topic, &message, &[change])?;
        }
        writeln!(self.out, "get-mark :{}", self.marks)?;
        self.delete(refname)
    }

    /// A stream of `n` new commits on `target` (features for `master`, hotfixes elsewhere) that
    /// leaves no ref behind and prints the new tip.
    fn push(&mut self, target: &Tip, n: u64) -> io::Result<()> {
        let refname = "refs/heads/push";
        writeln!(self.out, "reset {refname}\nfrom {}\n", target.refname)?;
        let mut left = n;
        while left > 0 {
            if target.refname == "refs/heads/master" && left >= 2 {
                let size = (left - 1).min(4);
                self.feature(refname, size)?;
                left -= size + 1;
            } else {
                let change = self.change();
                self.commit(refname, None, &[], "Hotfix", &[change])?;
                left -= 1;
            }
        }
        writeln!(self.out, "get-mark :{}", self.marks)?;
        self.delete(refname)?;
        self.delete("refs/heads/topic")
    }

    /// A commit on `tip`'s branch (which must be at `tip`) setting the version file.
    fn set_version(&mut self, tip: &Tip, version: Version) -> io::Result<Tip> {
        let mark = self.commit(
            &tip.refname,
            None,
            &[],
            &format!("Bump version to {version}"),
            &[version_file(version)],
        )?;
        Ok(Tip {
            refname: tip.refname.clone(),
            mark,
            version,
        })
    }

    /// An edit of one of a few dozen source files.
    fn change(&mut self) -> (String, String) {
        let file = self.rng.u32(0..48);
        (
            format!("tokio/mod{file:02}.py"),
            format!("# revision {}\n", self.commits),
        )
    }

    /// Writes a commit; `from` (a ref fast-import has written) starts it elsewhere than the
    /// ref's current tip. Naming a ref rather than a mark keeps fast-import from reading the
    /// commit back.
    fn commit(
        &mut self,
        refname: &str,
        from: Option<&str>,
        merges: &[u64],
        message: &str,
        files: &[(String, String)],
    ) -> io::Result<u64> {
        self.marks += 1;
        self.commits += 1;
        let date = match self.dates {
            Dates::Minutes => {
                self.clock += 60;
                self.clock
            }
            Dates::Skewed => match self.skew.u32(0..16) {
                0..=7 => self.clock,
                8..=13 => {
                    self.clock += 60;
                    self.clock
                }
                _ => self.clock - 3600,
            },
        };
        let out = &mut self.out;
        writeln!(out, "commit {refname}\nmark :{}", self.marks)?;
        writeln!(
            out,
            "author Bench Author <author@example.invalid> {date} +0000"
        )?;
        writeln!(
            out,
            "committer Bench Committer <committer@example.invalid> {date} +0000"
        )?;
        writeln!(out, "data {}\n{message}", message.len() + 1)?;
        if let Some(from) = from {
            writeln!(out, "from {from}")?;
        }
        for merge in merges {
            writeln!(out, "merge :{merge}")?;
        }
        for (path, content) in files {
            writeln!(
                out,
                "M 100644 inline {path}\ndata {}\n{content}",
                content.len()
            )?;
        }
        writeln!(out)?;
        Ok(self.marks)
    }

    /// A merge of the commit `id` into `refname`, at its current tip.
    fn commit_merging(
        &mut self,
        refname: &str,
        id: &str,
        message: &str,
        files: &[(String, String)],
    ) -> io::Result<u64> {
        self.marks += 1;
        self.commits += 1;
        self.clock += 60;
        let out = &mut self.out;
        writeln!(out, "commit {refname}\nmark :{}", self.marks)?;
        for role in [
            "author Bench Author <author",
            "committer Bench Committer <committer",
        ] {
            writeln!(out, "{role}@example.invalid> {} +0000", self.clock)?;
        }
        writeln!(out, "data {}\n{message}", message.len() + 1)?;
        writeln!(out, "merge {id}")?;
        for (path, content) in files {
            writeln!(
                out,
                "M 100644 inline {path}\ndata {}\n{content}",
                content.len()
            )?;
        }
        writeln!(out)?;
        Ok(self.marks)
    }

    fn delete(&mut self, refname: &str) -> io::Result<()> {
        writeln!(self.out, "reset {refname}\nfrom {}\n", "0".repeat(40))
    }

    /// Tags the tip of `branch`.
    fn tag(&mut self, name: &str, branch: &str, annotated: bool) -> io::Result<()> {
        self.tags += 1;
        if annotated {
            let message = format!("Release {name}\n");
            writeln!(self.out, "tag {name}\nfrom {branch}")?;
            writeln!(
                self.out,
                "tagger Bench Releaser <release@example.invalid> {} +0000",
                self.clock
            )?;
            writeln!(self.out, "data {}\n{message}", message.len())?;
        } else {
            writeln!(self.out, "reset refs/tags/{name}\nfrom {branch}\n")?;
        }
        Ok(())
    }
}

fn version_file(version: Version) -> (String, String) {
    (
        VERSION_FILE.to_owned(),
        format!("\"\"\"pytokio\"\"\"\n__version__ = \"{version}\"\n"),
    )
}

fn short(tip: &Tip) -> String {
    tip.refname.trim_start_matches("refs/heads/").to_owned()
}
