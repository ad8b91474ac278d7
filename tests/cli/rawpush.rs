//! A raw receive-pack client: speaks git's pack protocol (v0) itself, so a test can send any
//! `<old> <new> <ref>` commands, lies included, as any client can. Over `file://` it runs
//! `git receive-pack <bare repo>` in the sandbox and talks on its standard input and output;
//! over `git://` it connects to the harness's `git daemon`. It reads the ref advertisement,
//! sends the commands with `report-status` and `side-band-64k` (and `atomic` if asked), then a
//! pack made by `git pack-objects --stdout --revs` in the client's repository (none when every
//! command is a deletion, as git requires), and returns git's per-ref report, its `unpack`
//! status and the hooks' messages as `remote:` lines.

use std::collections::BTreeMap;
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::harness::{Daemon, TestRepo};

/// How the client reaches the bare repository.
#[derive(Clone, Copy)]
pub enum Transport<'a> {
    /// `git receive-pack <path>` run as a local process, as `file://` does.
    File,
    /// A TCP connection to `git daemon`, which runs receive-pack for the repository.
    Git(&'a Daemon),
}

impl Transport<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Transport::File => "file://",
            Transport::Git(_) => "git://",
        }
    }
}

/// What the server answered to a push.
#[derive(Debug, Default)]
pub struct Report {
    /// `ok`, or why the pack was not unpacked.
    pub unpack: String,
    /// Each ref's status in the order git reported it: `Ok(())` or `Err(reason)` (`ng`).
    pub refs: Vec<(String, Result<(), String>)>,
    /// The hooks' and receive-pack's messages (side-band channel 2), as git prints them.
    pub remote: Vec<String>,
    /// Anything else receive-pack said: channel 3 (fatal) and its own standard error.
    pub stderr: String,
}

impl Report {
    /// The status of one ref; panics when git did not report it.
    #[track_caller]
    pub fn status(&self, refname: &str) -> &Result<(), String> {
        self.refs
            .iter()
            .find(|(name, _)| name == refname)
            .map(|(_, status)| status)
            .unwrap_or_else(|| panic!("no status for {refname}:\n{self}"))
    }

    /// Whether a hook's message names `rule` as `error[rule]`.
    pub fn names_rule(&self, rule: &str) -> bool {
        let needle = format!("error[{rule}]");
        self.remote.iter().any(|line| line.contains(&needle))
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "unpack {}", self.unpack)?;
        for (name, status) in &self.refs {
            match status {
                Ok(()) => writeln!(f, "ok {name}")?,
                Err(reason) => writeln!(f, "ng {name} {reason}")?,
            }
        }
        for line in &self.remote {
            writeln!(f, "{line}")?;
        }
        write!(f, "{}", self.stderr)
    }
}

/// One connection to receive-pack: its two directions, and the process when it is local.
struct Connection {
    reader: BufReader<Box<dyn Read>>,
    writer: Option<Box<dyn Write>>,
    child: Option<Child>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl Connection {
    fn open(server: &TestRepo, transport: Transport<'_>) -> Connection {
        match transport {
            Transport::File => {
                let mut child = server
                    .command("git")
                    .arg("receive-pack")
                    .arg(&server.path)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("run git receive-pack");
                let mut err = child.stderr.take().expect("stderr");
                let stderr = std::thread::spawn(move || {
                    let mut text = String::new();
                    let _ = err.read_to_string(&mut text);
                    text
                });
                Connection {
                    reader: BufReader::new(Box::new(child.stdout.take().expect("stdout"))),
                    writer: Some(Box::new(child.stdin.take().expect("stdin"))),
                    child: Some(child),
                    stderr: Some(stderr),
                }
            }
            Transport::Git(daemon) => {
                let stream = TcpStream::connect(("127.0.0.1", daemon.port)).expect("connect");
                // A server that stops answering fails the test instead of hanging it.
                stream
                    .set_read_timeout(Some(Duration::from_secs(120)))
                    .expect("read timeout");
                let mut writer = stream.try_clone().expect("clone the socket");
                // The daemon serves the sandbox's directory: the repository must lie in it.
                let name = server.path.file_name().expect("repository name");
                assert_eq!(server.path.parent(), Some(server.sandbox.path()));
                let request = format!(
                    "git-receive-pack /{}\0host=127.0.0.1:{}\0",
                    name.to_string_lossy(),
                    daemon.port
                );
                writer.write_all(&pkt(request.as_bytes())).expect("request");
                Connection {
                    reader: BufReader::new(Box::new(stream)),
                    writer: Some(Box::new(writer)),
                    child: None,
                    stderr: None,
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        let writer = self.writer.as_mut().expect("the connection is open");
        writer.write_all(bytes).expect("write to receive-pack");
        writer.flush().expect("flush to receive-pack");
    }

    /// One pkt-line's payload; `None` for a flush packet or the end of the stream.
    fn read_pkt(&mut self) -> Option<Vec<u8>> {
        read_pkt(&mut self.reader)
    }

    /// Waits for a local receive-pack to exit; returns what it wrote to standard error.
    fn finish(mut self) -> String {
        drop(self.writer.take());
        if let Some(mut child) = self.child.take() {
            let _ = std::io::copy(&mut self.reader, &mut std::io::sink());
            child.wait().expect("wait for receive-pack");
        }
        self.stderr
            .take()
            .map(|t| t.join().expect("stderr reader"))
            .unwrap_or_default()
    }
}

/// A pkt-line: four hex digits of length (their own included), then the payload.
fn pkt(payload: &[u8]) -> Vec<u8> {
    let mut line = format!("{:04x}", payload.len() + 4).into_bytes();
    line.extend_from_slice(payload);
    line
}

fn read_pkt(reader: &mut impl Read) -> Option<Vec<u8>> {
    let mut len = [0u8; 4];
    reader.read_exact(&mut len).ok()?;
    let len = usize::from_str_radix(std::str::from_utf8(&len).ok()?, 16).ok()?;
    if len < 4 {
        return None;
    }
    let mut payload = vec![0; len - 4];
    reader.read_exact(&mut payload).ok()?;
    Some(payload)
}

/// Reads the ref advertisement: ref name to object id, and the capabilities.
fn advertisement(conn: &mut Connection) -> (BTreeMap<String, String>, String) {
    let (mut refs, mut caps) = (BTreeMap::new(), String::new());
    while let Some(line) = conn.read_pkt() {
        let line = String::from_utf8_lossy(&line)
            .trim_end_matches('\n')
            .to_owned();
        let (line, capabilities) = line.split_once('\0').unwrap_or((&line, ""));
        if !capabilities.is_empty() {
            caps = capabilities.to_owned();
        }
        let (oid, name) = line.split_once(' ').expect("`<oid> <ref>`");
        // An empty repository advertises `capabilities^{}`; alternates advertise `.have`.
        if name != "capabilities^{}" && name != ".have" {
            refs.insert(name.to_owned(), oid.to_owned());
        }
    }
    (refs, caps)
}

/// The server's refs as it advertises them (what `git fetch` would learn), then hangs up.
pub fn advertised(server: &TestRepo, transport: Transport<'_>) -> BTreeMap<String, String> {
    let mut conn = Connection::open(server, transport);
    let (refs, _) = advertisement(&mut conn);
    conn.send(b"0000");
    conn.finish();
    refs
}

/// Sends `commands` (`(old, new, ref)`, any values) from `client` to `server`, with a pack of
/// what `client` has that the server's advertised refs lack; returns the server's report.
pub fn push(
    client: &TestRepo,
    server: &TestRepo,
    transport: Transport<'_>,
    commands: &[(&str, &str, &str)],
    atomic: bool,
) -> Report {
    assert!(!commands.is_empty(), "a push sends at least one command");
    let mut conn = Connection::open(server, transport);
    let (refs, caps) = advertisement(&mut conn);
    let mut wanted = vec!["report-status", "side-band-64k"];
    if atomic {
        wanted.push("atomic");
    }
    for cap in &wanted {
        assert!(
            caps.split(' ').any(|c| c == *cap),
            "server lacks {cap}: {caps}"
        );
    }
    let mut request = Vec::new();
    for (i, (old, new, refname)) in commands.iter().enumerate() {
        let mut line = format!("{old} {new} {refname}");
        if i == 0 {
            line = format!("{line}\0{}", wanted.join(" "));
        }
        request.extend(pkt(line.as_bytes()));
    }
    request.extend(b"0000");
    let zero = "0".repeat(40);
    let news: Vec<&str> = commands
        .iter()
        .map(|c| c.1)
        .filter(|n| *n != zero)
        .collect();
    if !news.is_empty() {
        request.extend(pack(client, &news, refs.values().map(String::as_str)));
    }
    conn.send(&request);
    let mut report = read_report(&mut conn);
    report.stderr.push_str(&conn.finish());
    report
}

/// A pack of the commits reachable from `news` and not from `haves`, from `client`'s objects;
/// ids the client does not have are left out (a lie about them needs no objects).
fn pack<'a>(client: &TestRepo, news: &[&str], haves: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut revs = String::new();
    for (id, negate) in news.iter().map(|&n| (n, "")).chain(haves.map(|h| (h, "^"))) {
        if client.git_run(&["cat-file", "-e", id]).code == 0 {
            revs.push_str(&format!("{negate}{id}\n"));
        }
    }
    let mut child = client
        .command("git")
        .args(["pack-objects", "--stdout", "--revs", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run git pack-objects");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(revs.as_bytes()).expect("revisions");
    drop(stdin);
    let output = child.wait_with_output().expect("git pack-objects");
    assert!(
        output.status.success(),
        "git pack-objects: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Demultiplexes the side-band answer: channel 1 holds the report's pkt-lines, channel 2 the
/// messages git shows as `remote:`, channel 3 a fatal error.
fn read_report(conn: &mut Connection) -> Report {
    let (mut data, mut messages, mut report) = (Vec::new(), Vec::new(), Report::default());
    while let Some(packet) = conn.read_pkt() {
        match packet.split_first() {
            Some((1, rest)) => data.extend_from_slice(rest),
            Some((2, rest)) => messages.extend_from_slice(rest),
            Some((3, rest)) => report.stderr.push_str(&String::from_utf8_lossy(rest)),
            _ => panic!("not a side-band packet: {packet:?}"),
        }
    }
    let messages = String::from_utf8_lossy(&messages);
    report.remote = messages
        .split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .map(|l| format!("remote: {l}"))
        .collect();
    let mut data = &data[..];
    while let Some(line) = read_pkt(&mut data) {
        let line = String::from_utf8_lossy(&line)
            .trim_end_matches('\n')
            .to_owned();
        if let Some(status) = line.strip_prefix("unpack ") {
            report.unpack = status.to_owned();
        } else if let Some(name) = line.strip_prefix("ok ") {
            report.refs.push((name.to_owned(), Ok(())));
        } else if let Some(rest) = line.strip_prefix("ng ") {
            let (name, reason) = rest.split_once(' ').unwrap_or((rest, ""));
            report.refs.push((name.to_owned(), Err(reason.to_owned())));
        }
    }
    report
}

/// The bare repository's refs, one `<oid> <ref>` a line: compare before and after a push.
pub fn refs_of(repo: &TestRepo) -> String {
    repo.git(&["for-each-ref", "--format=%(objectname) %(refname)"])
}

/// Asserts `git fsck --strict` finds nothing wrong in the repository.
#[track_caller]
pub fn assert_fsck_clean(repo: &TestRepo) {
    let run = repo.git_run(&["fsck", "--strict", "--no-progress"]);
    assert_eq!(run.code, 0, "git fsck --strict:\n{}", run.all());
    assert!(
        !run.all().contains("error"),
        "git fsck --strict:\n{}",
        run.all()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::{Sandbox, daemon, pytokio, serve};

    /// An honest push from the raw client lands over both transports (a hotfix on rc and
    /// master's bump, atomic over git://), and a back-merge of rc into master is refused by flow/foreign, no ref
    /// moved and the repository sound.
    #[test]
    fn raw_client_pushes_honestly_and_is_judged() {
        let sandbox = Sandbox::new();
        let work = pytokio(&sandbox);
        let central = serve(&work, "pre-receive");
        let d = daemon(&sandbox);
        for (round, transport) in [Transport::File, Transport::Git(&d)]
            .into_iter()
            .enumerate()
        {
            let (master, rc) = (central.rev("master"), central.rev("rc"));
            assert_eq!(advertised(&central, transport)["refs/heads/rc"], rc);
            let fix = work.hotfix_on_rc();
            let bumped = work.set_version(&format!("0.13.0.dev{}", round + 2));
            let run = push(
                &work,
                &central,
                transport,
                &[
                    (&rc, &fix, "refs/heads/rc"),
                    (&master, &bumped, "refs/heads/master"),
                ],
                round == 1,
            );
            assert_eq!(run.unpack, "ok", "{}: {run}", transport.name());
            assert_eq!(run.status("refs/heads/rc"), &Ok(()), "{run}");
            assert_eq!(run.status("refs/heads/master"), &Ok(()), "{run}");
            assert_eq!(
                (central.rev("rc"), central.rev("master")),
                (fix, bumped.clone())
            );

            let before = refs_of(&central);
            work.merge("rc", &["--no-ff"]);
            let merge = work.rev("master");
            let run = push(
                &work,
                &central,
                transport,
                &[(&bumped, &merge, "refs/heads/master")],
                false,
            );
            assert!(
                run.status("refs/heads/master").is_err(),
                "{}: {run}",
                transport.name()
            );
            assert!(run.names_rule("flow/foreign"), "{run}");
            assert_eq!(refs_of(&central), before);
            assert_fsck_clean(&central);
            work.git(&["reset", "-q", "--hard", &bumped]);
        }
    }
}
