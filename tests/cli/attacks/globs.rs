//! Version globs (`src/twisted/**/_version.py`): every file Python would import under the
//! glob is one of the project's versions, and version/lockstep holds them together.

use super::{HOOKS, twisted};
use crate::harness::{accepted, refused};

/// A subproject's `_version.py` committed as a symbolic link to a file at 99.1.0: the glob
/// skipped it as "not a regular file" and trunk landed, while `twisted.web._version` would
/// read 99.1.0. Now it is read as the named version files are, and refused as a symbolic link;
/// the same version as a regular file is judged (version/lockstep) and, in step, lands.
#[test]
fn symlinked_version_file_escaped_the_glob() {
    for hook in HOOKS {
        let (_sandbox, work, central) = twisted(hook);
        let other =
            "from incremental import Version\n__version__ = Version(\"Twisted\", 99, 1, 0)\n";
        work.write("vendor/v.py", other);
        std::fs::create_dir_all(work.path.join("src/twisted/web")).expect("dir");
        std::os::unix::fs::symlink(
            "../../../vendor/v.py",
            work.path.join("src/twisted/web/_version.py"),
        )
        .expect("symlink");
        work.commit("web: its own version");
        let push = || work.git_run(&["push", &central, "trunk"]);
        let run = push();
        assert_ne!(run.code, 0, "{}", run.all());
        assert!(
            run.stderr.contains("`src/twisted/web/_version.py` at ")
                && run.stderr.contains("is a symbolic link"),
            "{}",
            run.all()
        );

        work.git(&["rm", "-q", "src/twisted/web/_version.py"]);
        work.write("src/twisted/web/_version.py", other);
        work.commit("web: its own version, a regular file");
        refused(&push(), "version/lockstep");

        work.write(
            "src/twisted/web/_version.py",
            "from incremental import Version\n__version__ = Version(\"Twisted\", 24, 10, 0, dev=0)\n",
        );
        work.commit("web: in step with twisted");
        accepted(&push());
    }
}

/// A `_version.py` symbolic link already on trunk (pushed before the glob listed links, or put
/// there by the administrator) made every push to trunk fail, the repair included. The repair
/// lands: the version rules that compare with trunk's unreadable tip are skipped, with a note.
#[test]
fn symlinked_version_file_on_the_tip_blocked_its_repair() {
    for hook in HOOKS {
        let (_sandbox, work, central) = twisted(hook);
        std::fs::create_dir_all(work.path.join("src/twisted/web")).expect("dir");
        std::os::unix::fs::symlink(
            "../_version.py",
            work.path.join("src/twisted/web/_version.py"),
        )
        .expect("symlink");
        let linked = work.commit("web: its version linked");
        accepted(&work.git_run(&["push", &central, "trunk:refs/heads/topic/web"]));
        work.git(&[
            "--git-dir",
            &central,
            "update-ref",
            "refs/heads/trunk",
            &linked,
        ]);

        work.git(&["rm", "-q", "src/twisted/web/_version.py"]);
        work.write(
            "src/twisted/web/_version.py",
            "from incremental import Version\n__version__ = Version(\"Twisted\", 24, 10, 0, dev=0)\n",
        );
        work.commit("web: its own version file");
        let run = work.git_run(&["push", &central, "trunk"]);
        accepted(&run);
        assert!(run.stderr.contains("is a symbolic link"), "{}", run.all());
    }
}
