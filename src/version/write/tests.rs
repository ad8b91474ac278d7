//! Setting a version in each format: only the version's bytes change, and the file reads back.

use proptest::prelude::*;
use regex_lite::Regex;

use super::{WriteError, set_version};
use crate::version::{ExtractError, Format, extract_file, parse};

fn v(text: &str) -> pep440_rs::Version {
    parse(text).expect("test version parses")
}

/// Sets `version` in `src` read as `format` at `path`, and checks it reads back.
fn set(format: &Format, path: &str, src: &str, version: &str) -> Result<String, WriteError> {
    let out = set_version(format, path, src.as_bytes(), &v(version))?;
    let (read, _) = extract_file(format, path, &out).expect("the written file reads");
    assert_eq!(read, v(version));
    Ok(String::from_utf8(out).expect("UTF-8 out"))
}

fn twisted() -> Format {
    let text = include_str!("../../../policy/twisted.toml");
    let start = text.find("regex = '''").expect("the preset's regex") + "regex = '''".len();
    let end = start + text[start..].find("'''").expect("the regex ends");
    Format::Regex(Regex::new(&text[start..end]).expect("the preset's regex compiles"))
}

const TWISTED_PATH: &str = "src/twisted/_version.py";

fn twisted_file(call: &str) -> String {
    format!(
        "\"\"\"\nProvides Twisted version information.\n\"\"\"\n\n# This file is auto-generated! Do not edit!\n# Use `python -m incremental.update Twisted` to change this file.\n\nfrom incremental import Version\n\n__version__ = {call}\n__all__ = [\"__version__\"]\n"
    )
}

fn twisted_set(call: &str, version: &str) -> Result<String, WriteError> {
    set(&twisted(), TWISTED_PATH, &twisted_file(call), version)
}

/// A Python `__version__` keeps its quotes, comments and the lines around it.
#[test]
fn python_version_is_replaced_in_place() {
    let src = "# the version\n__version__ = '0.13.0.dev4'  # bumped by hand\nx = 1\n";
    assert_eq!(
        set(&Format::Python, "pkg/__init__.py", src, "0.13.0b1").expect("set"),
        "# the version\n__version__ = '0.13.0b1'  # bumped by hand\nx = 1\n"
    );
    let double = "__version__: str = \"1.0\"\n";
    assert_eq!(
        set(&Format::Python, "a.py", double, "1.0.post1").expect("set"),
        "__version__: str = \"1.0.post1\"\n"
    );
}

/// A chained assignment (`version = __version__ = "..."`) keeps its other target.
#[test]
fn chained_python_assignment_is_replaced() {
    let src = "import re\n\nversion = __version__ = \"2.0.0dev1\"\n";
    assert_eq!(
        set(&Format::Python, "pypiserver/__init__.py", src, "2.0.0").expect("set"),
        "import re\n\nversion = __version__ = \"2.0.0\"\n"
    );
}

/// CRLF line ends, a byte-order mark and a triple-quoted literal survive byte for byte.
#[test]
fn crlf_bom_and_triple_quotes_are_kept() {
    let src = "\u{feff}\"\"\"doc\r\nstring\"\"\"\r\n__version__ = '''1.2.3'''\r\n# after\r\n";
    assert_eq!(
        set(&Format::Python, "a.py", src, "1.2.4").expect("set"),
        "\u{feff}\"\"\"doc\r\nstring\"\"\"\r\n__version__ = '''1.2.4'''\r\n# after\r\n"
    );
    let plain = "1.0\r\n";
    assert_eq!(
        set(&Format::Plain, "VERSION", plain, "1.1").expect("set"),
        "1.1\r\n"
    );
}

/// A Latin-1 module keeps its non-ASCII bytes; offsets are counted in the file's bytes.
#[test]
fn latin1_python_module_keeps_its_bytes() {
    let mut src = b"# -*- coding: latin-1 -*-\n# caf\xe9\r\n__version__ = '1.0'\n".to_vec();
    let out = set_version(&Format::Python, "a.py", &src, &v("2.0")).expect("set");
    let at = src.len() - "1.0'\n".len();
    src.splice(at..at + 3, *b"2.0");
    assert_eq!(out, src);
}

/// A dagster-like `version.py` (`__version__ = "1.2.3"`) takes a dev release.
#[test]
fn dagster_version_py_is_replaced() {
    let src = "__version__ = \"1.7.3\"\n";
    assert_eq!(
        set(
            &Format::Python,
            "python_modules/dagster/dagster/version.py",
            src,
            "1!1.8.0.dev2"
        )
        .expect("set"),
        "__version__ = \"1!1.8.0.dev2\"\n"
    );
}

/// A file the rules would refuse (two bindings of `__version__`) is not written into.
#[test]
fn ambiguous_file_is_refused() {
    let src = b"__version__ = '1.0'\n__version__ = '2.0'\n";
    let err = set_version(&Format::Python, "a.py", src, &v("3.0")).expect_err("refused");
    assert!(
        matches!(
            err,
            WriteError::Unreadable(ExtractError::Ambiguous { line: 2, .. })
        ),
        "{err}"
    );
}

/// `project.version` and Cargo's `package.version` or `workspace.package.version` are
/// replaced between their quotes; the rest of the TOML, comments included, is unchanged.
#[test]
fn toml_versions_are_replaced() {
    let py =
        "[project]\nname = 'x'\nversion = '2.1.0rc1'  # release\n\n[tool.x]\nversion = \"9\"\n";
    assert_eq!(
        set(&Format::Pyproject, "pyproject.toml", py, "2.1.0").expect("set"),
        "[project]\nname = 'x'\nversion = '2.1.0'  # release\n\n[tool.x]\nversion = \"9\"\n"
    );
    let cargo = "[package]\nname = \"x\"\nversion.workspace = true\n\n[workspace.package]\nversion = \"0.3.0\"\r\n";
    assert_eq!(
        set(&Format::Cargo, "Cargo.toml", cargo, "0.4.0").expect("set"),
        "[package]\nname = \"x\"\nversion.workspace = true\n\n[workspace.package]\nversion = \"0.4.0\"\r\n"
    );
    let inline = "project = { name = \"x\", version = \"\"\"1.0\"\"\" }\n";
    assert_eq!(
        set(&Format::Pyproject, "pyproject.toml", inline, "1.1").expect("set"),
        "project = { name = \"x\", version = \"\"\"1.1\"\"\" }\n"
    );
}

/// A plain file keeps its blank lines and whether it ends in a newline.
#[test]
fn plain_file_keeps_its_newline() {
    assert_eq!(
        set(&Format::Plain, "VERSION", "1.0\n", "1.1").expect("set"),
        "1.1\n"
    );
    assert_eq!(
        set(&Format::Plain, "VERSION", "1.0", "1.1").expect("set"),
        "1.1"
    );
    assert_eq!(
        set(&Format::Plain, "VERSION", "\n  v1.0 \n", "1.1b2").expect("set"),
        "\n  1.1b2 \n"
    );
}

/// A regex's `version` group is replaced where it matched, in Python code or plain text.
#[test]
fn regex_version_group_is_replaced() {
    let format = Format::Regex(Regex::new(r#"VERSION = "(?P<version>[^"]+)""#).expect("regex"));
    let src = "# VERSION = \"0.0\" in a comment\nVERSION = \"1.0\"\n";
    assert_eq!(
        set(&format, "setup.py", src, "1.1").expect("set"),
        "# VERSION = \"0.0\" in a comment\nVERSION = \"1.1\"\n"
    );
    let text = Format::Regex(Regex::new(r"v(?P<version>[0-9a-z.]+)").expect("regex"));
    assert_eq!(
        set(&text, "VERSION.txt", "release v1.2 today\n", "1.3rc1").expect("set"),
        "release v1.3rc1 today\n"
    );
}

/// Twisted: present components are replaced, `release_candidate=` kept as spelled.
#[test]
fn twisted_components_are_replaced() {
    let out = twisted_set(
        "Version(\"Twisted\", 24, 3, 0, release_candidate=1)",
        "24.10.1rc2",
    )
    .expect("set");
    assert_eq!(
        out,
        twisted_file("Version(\"Twisted\", 24, 10, 1, release_candidate=2)")
    );
    let prerelease =
        twisted_set("Version('Twisted', 23, 8, 0, prerelease=1)", "23.8.0rc3").expect("set");
    assert_eq!(
        prerelease,
        twisted_file("Version('Twisted', 23, 8, 0, prerelease=3)")
    );
}

/// Twisted: a component the new version lacks goes with its `, keyword=` text.
#[test]
fn twisted_components_are_removed() {
    let out = twisted_set(
        "Version(\"Twisted\", 24, 3, 0, release_candidate=1)",
        "24.3.0",
    )
    .expect("set");
    assert_eq!(out, twisted_file("Version(\"Twisted\", 24, 3, 0)"));
    let all = twisted_set(
        "Version(\"Twisted\", 24, 3, 0, release_candidate=1, post=2, dev=3)",
        "24.3.0.post2",
    )
    .expect("set");
    assert_eq!(all, twisted_file("Version(\"Twisted\", 24, 3, 0, post=2)"));
    let multiline = twisted_set(
        "Version(\n    \"Twisted\",\n    24,\n    3,\n    0,\n    dev=1,\n)",
        "24.3.0",
    )
    .expect("set");
    assert_eq!(
        multiline,
        twisted_file("Version(\n    \"Twisted\",\n    24,\n    3,\n    0,\n)")
    );
}

/// Twisted: a component the file lacks is added in the keyword spelling the regex reads
/// (`release_candidate=`, `post=`, `dev=`), in the regex's order.
#[test]
fn twisted_components_are_added() {
    let rc = twisted_set("Version(\"Twisted\", 24, 3, 0)", "24.3.0rc1").expect("set");
    assert_eq!(
        rc,
        twisted_file("Version(\"Twisted\", 24, 3, 0, release_candidate=1)")
    );
    let post_dev = twisted_set(
        "Version(\"Twisted\", 24, 3, 0, release_candidate=1)",
        "24.3.1.post1.dev2",
    )
    .expect("set");
    assert_eq!(
        post_dev,
        twisted_file("Version(\"Twisted\", 24, 3, 1, post=1, dev=2)")
    );
    let between =
        twisted_set("Version(\"Twisted\", 24, 3, 0, dev=5)", "24.3.0rc1.dev5").expect("set");
    assert_eq!(
        between,
        twisted_file("Version(\"Twisted\", 24, 3, 0, release_candidate=1, dev=5)")
    );
}

/// Twisted's regex has no group for a beta, an epoch or a fourth number: a clear refusal.
#[test]
fn twisted_refuses_what_its_regex_cannot_hold() {
    let call = "Version(\"Twisted\", 24, 3, 0)";
    let beta = twisted_set(call, "24.3.0b1").expect_err("no beta group");
    assert!(
        matches!(beta, WriteError::NoGroup { group: "b", .. }),
        "{beta}"
    );
    assert!(beta.to_string().contains("no group `b`"), "{beta}");
    assert!(matches!(
        twisted_set(call, "1!24.3.0"),
        Err(WriteError::Inexpressible { part: "epoch", .. })
    ));
    assert!(matches!(
        twisted_set(call, "24.3.0.1"),
        Err(WriteError::Inexpressible { .. })
    ));
    assert!(matches!(
        twisted_set(call, "24.3.0+local"),
        Err(WriteError::Inexpressible { .. })
    ));
}

/// A PEP 440-shaped component regex on plain text adds and removes `rcN`, `.postN`, `.devN`.
#[test]
fn text_component_regex_adds_and_removes() {
    let format = Format::Regex(
        Regex::new(
            r"v(?P<major>\d+)\.(?P<minor>\d+)\.(?P<micro>\d+)(?:rc(?P<rc>\d+))?(?:\.post(?P<post>\d+))?(?:\.dev(?P<dev>\d+))?",
        )
        .expect("regex"),
    );
    assert_eq!(
        set(&format, "VERSION.txt", "at v1.2.3 now\n", "1.2.4rc1.dev2").expect("set"),
        "at v1.2.4rc1.dev2 now\n"
    );
    assert_eq!(
        set(
            &format,
            "VERSION.txt",
            "at v1.2.3rc1.dev2 now\n",
            "1.2.3.post1"
        )
        .expect("set"),
        "at v1.2.3.post1 now\n"
    );
}

fn any_version() -> impl Strategy<Value = pep440_rs::Version> {
    (
        prop::collection::vec(0u64..1000, 1..5),
        prop::option::of((0usize..3, 0u64..50)),
        prop::option::of(0u64..50),
        prop::option::of(0u64..50),
        0u64..3,
    )
        .prop_map(|(release, pre, post, dev, epoch)| {
            let mut text = String::new();
            if epoch > 0 {
                text.push_str(&format!("{epoch}!"));
            }
            let release: Vec<String> = release.iter().map(u64::to_string).collect();
            text.push_str(&release.join("."));
            if let Some((letter, n)) = pre {
                text.push_str(&format!("{}{n}", ["a", "b", "rc"][letter]));
            }
            if let Some(n) = post {
                text.push_str(&format!(".post{n}"));
            }
            if let Some(n) = dev {
                text.push_str(&format!(".dev{n}"));
            }
            parse(&text).expect("generated version parses")
        })
}

proptest! {
    /// Python and plain files: setting any version then reading the file gives that version,
    /// and only the version's text changed.
    #[test]
    fn set_then_extract_round_trips(version in any_version(), crlf in any::<bool>()) {
        let end = if crlf { "\r\n" } else { "\n" };
        let py = format!("# header{end}__version__ = \"0.1.0\"{end}x = 2{end}");
        let out = set_version(&Format::Python, "a.py", py.as_bytes(), &version).expect("set");
        prop_assert_eq!(extract_file(&Format::Python, "a.py", &out).expect("read").0, version.clone());
        prop_assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            py.replace("0.1.0", &version.to_string())
        );
        let plain = format!("0.1.0{end}");
        let out = set_version(&Format::Plain, "VERSION", plain.as_bytes(), &version).expect("set");
        prop_assert_eq!(extract_file(&Format::Plain, "VERSION", &out).expect("read").0, version.clone());
        prop_assert_eq!(String::from_utf8(out).expect("UTF-8"), format!("{version}{end}"));
    }
}

/// Setting the version a file already has changes nothing; string prefixes are kept.
#[test]
fn same_version_changes_nothing() {
    let call = "Version(\"Twisted\", 24, 3, 0, release_candidate=1, post=2, dev=3)";
    assert_eq!(
        twisted_set(call, "24.3.0rc1.post2.dev3").expect("set"),
        twisted_file(call)
    );
    let prefixed = "__version__ = u'1.0'\n__all__ = ['__version__']\n";
    assert_eq!(
        set(&Format::Python, "a.py", prefixed, "1.0").expect("set"),
        prefixed
    );
    assert_eq!(
        set(&Format::Python, "a.py", "__version__ = r\"1\"\n", "2").expect("set"),
        "__version__ = r\"2\"\n"
    );
}

/// A part the file lacks, in no spelling the regex reads, is refused naming its group.
#[test]
fn unknown_spelling_is_refused() {
    let format = Format::Regex(
        Regex::new(r"(?P<major>\d+)\.(?P<minor>\d+)(?:-p(?P<post>\d+))?").expect("regex"),
    );
    let err = set_version(&format, "VERSION", b"1.2\n", &v("1.2.post1")).expect_err("refused");
    assert!(
        matches!(err, WriteError::NoSpelling { group: "post", .. }),
        "{err}"
    );
    assert_eq!(
        set(&format, "VERSION", "1.2-p1\n", "1.3.post4").expect("set"),
        "1.3-p4\n"
    );
}

/// A version the regex would read back only in part is refused, not written.
#[test]
fn partial_read_back_is_refused() {
    let format = Format::Regex(Regex::new(r"(?P<version>[0-9.]+)").expect("regex"));
    let err = set_version(&format, "VERSION", b"1.0\n", &v("1.0rc1")).expect_err("refused");
    assert!(
        matches!(&err, WriteError::ReadBack { found, .. } if found == "1.0"),
        "{err}"
    );
}

fn twisted_version() -> impl Strategy<Value = (String, String)> {
    (
        (0u64..100, 0u64..20, 0u64..10),
        prop::option::of(0u64..20),
        prop::option::of(0u64..20),
        prop::option::of(0u64..20),
    )
        .prop_map(|((major, minor, micro), rc, post, dev)| {
            let mut call = format!("Version(\"Twisted\", {major}, {minor}, {micro}");
            let mut text = format!("{major}.{minor}.{micro}");
            for (keyword, spelled, n) in [
                ("release_candidate", "rc", rc),
                ("post", ".post", post),
                ("dev", ".dev", dev),
            ] {
                if let Some(n) = n {
                    call.push_str(&format!(", {keyword}={n}"));
                    text.push_str(&format!("{spelled}{n}"));
                }
            }
            call.push(')');
            (call, text)
        })
}

proptest! {
    /// Twisted: from any `Version(...)` call to any version its regex can hold, the file
    /// becomes exactly the call that version is written as.
    #[test]
    fn twisted_round_trips(from in twisted_version(), to in twisted_version()) {
        let out = twisted_set(&from.0, &to.1).expect("set");
        prop_assert_eq!(out, twisted_file(&to.0));
    }
}
