//! Pushes over smart HTTP to `lighttpd` running `git http-backend` as CGI, behind basic
//! authentication: the hook runs in a CGI's environment (no `PATH` of the test's, `REMOTE_USER`
//! set) and, when the tests run as root, as the web server's own user `www-data`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::{Server, free_port, git_in, is_root, judged_through, require};
use crate::harness::{Run, Sandbox, TestRepo, copy_bin, pytokio, serve};

/// `lighttpd` serving the bare repositories under `root` at `/git/`, for user `alice` with
/// password `secret`.
fn lighttpd(sandbox: &Sandbox, root: &Path) -> Server {
    let program = require("lighttpd", "lighttpd");
    let backend = Path::new("/usr/lib/git-core/git-http-backend");
    assert!(
        backend.exists(),
        "git's `git-http-backend` is not at {}",
        backend.display()
    );
    let dir = sandbox.path().join("lighttpd");
    std::fs::create_dir_all(dir.join("docs")).expect("lighttpd dir");
    std::fs::write(dir.join("users"), "alice:secret\n").expect("users file");
    let port = free_port();
    let log = dir.join("error.log");
    // As root, run the CGI as the web server's own user, as a real installation does.
    let user = if is_root() {
        "server.username = \"www-data\"\nserver.groupname = \"www-data\"\n"
    } else {
        ""
    };
    let config = format!(
        r#"server.modules = ("mod_alias", "mod_auth", "mod_authn_file", "mod_cgi", "mod_setenv")
server.bind = "127.0.0.1"
server.port = {port}
server.document-root = "{docs}"
server.errorlog = "{log}"
{user}auth.backend = "plain"
auth.backend.plain.userfile = "{users}"
auth.require = ("/git/" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
alias.url = ("/git/" => "{backend}/")
$HTTP["url"] =~ "^/git/" {{
    cgi.assign = ("" => "")
    setenv.add-environment = ("GIT_PROJECT_ROOT" => "{root}", "GIT_HTTP_EXPORT_ALL" => "1")
}}
"#,
        docs = dir.join("docs").display(),
        log = log.display(),
        users = dir.join("users").display(),
        backend = backend.display(),
        root = root.display(),
    );
    let config_path = dir.join("lighttpd.conf");
    std::fs::write(&config_path, config).expect("lighttpd config");
    // The server opens its log once it runs as its own user.
    give_to_web_server(&dir);
    let mut command = sandbox.command(program, sandbox.path());
    command.arg("-D").arg("-f").arg(&config_path);
    Server::start(command, port, &log)
}

/// Gives the repository to the web server's user, and lets it reach it, as an administrator
/// does for a repository served over HTTP.
fn hand_to_web_server(sandbox: &Sandbox, central: &TestRepo) {
    if !is_root() {
        return;
    }
    let mut dir = central.path.parent();
    while let Some(d) = dir {
        if d == Path::new("/") {
            break;
        }
        let mode = std::fs::metadata(d).expect("dir").permissions().mode();
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(mode | 0o755))
            .expect("let the web server in");
        if d == sandbox.path() {
            break;
        }
        dir = d.parent();
    }
    // The tests' own git, as root, reads the repository now owned by another user.
    let safe = super::git_in(
        sandbox,
        sandbox.path(),
        &["config", "--global", "--add", "safe.directory", "*"],
        &[],
    );
    assert_eq!(safe.code, 0, "{}", safe.all());
    give_to_web_server(&central.path);
}

/// `chown -R www-data:` when running as root.
fn give_to_web_server(path: &Path) {
    if !is_root() {
        return;
    }
    let status = std::process::Command::new("chown")
        .args(["-R", "www-data:www-data"])
        .arg(path)
        .status()
        .expect("run chown");
    assert!(status.success(), "chown {} to www-data", path.display());
}

/// Over smart HTTP, a back-merge is refused by the server hook, the client reads why as
/// `remote:` lines and no ref moves; a good push lands. The hook runs as the web server's user
/// with a CGI's environment.
#[test]
fn http_push_is_judged_by_the_server_hook() {
    let sandbox = Sandbox::new();
    let work = pytokio(&sandbox);
    let central = serve(&work, "pre-receive");
    if is_root() {
        // The web server's user must be able to run the hook's binary: the build's may sit in
        // a directory only its owner can enter (a `mktemp -d` checkout). Install the hooks
        // again from a copy in the sandbox, which `hand_to_web_server` opens to it.
        let bin = sandbox.path().join("git-policy");
        copy_bin(&bin);
        let central_path = central.path.display().to_string();
        let run = Run::from_output(
            work.command(&bin)
                .args(["install", "--server", &central_path])
                .output()
                .expect("run the copied git-policy"),
        );
        assert_eq!(run.code, 0, "{}", run.all());
    }
    hand_to_web_server(&sandbox, &central);
    let server = lighttpd(&sandbox, sandbox.path());
    let name = central.path.file_name().expect("name").to_string_lossy();
    let url = format!("http://alice:secret@127.0.0.1:{}/git/{name}", server.port);
    let run = git_in(&sandbox, sandbox.path(), &["clone", "-q", &url, "dev"], &[]);
    assert_eq!(run.code, 0, "clone over http: {}", run.all());
    let dev = TestRepo {
        sandbox: sandbox.clone(),
        path: sandbox.path().join("dev"),
    };
    dev.git(&["branch", "-q", "rc", "origin/rc"]);
    judged_through(&dev, &central, &[]);
}
