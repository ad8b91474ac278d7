//! Version files read as Python reads them, differentially: for every module of the corpus,
//! the `__version__` git-policy reads is the one `python3` gets by running the module, or
//! git-policy refuses the file; it never reads another value. The six spellings that once gave
//! a different value are pushed through a served repository too, and refused there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use git_policy::version::{ExtractError, Format, extract_file};

use crate::harness::{Run, TestRepo, accepted};
use crate::hooks::setup;

/// The corpus modules git-policy reads a value from; every other one it must refuse.
const READ: &[&str] = &[
    "01-plain.py",
    "08-bom.py",
    "09-crlf.py",
    "10-lone-cr-lines.py",
    "11-latin1-first-line.py",
    "12-latin1-second-line.py",
    "13-comments-with-assignments.py",
    "14-annotated.py",
    "18-raw-string.py",
    "21-line-continuation-read.py",
    "23-nested-brackets.py",
    "26-all.py",
    "27-docstring-mentions.py",
    "28-string-spanning-lines.py",
    "37-chained-and-comprehension.py",
    "38-triple-single-quotes.py",
    "39-unicode-prefix.py",
    "44-indented-comments-and-tabs.py",
    "45-form-feed-line.py",
    "46-coding-utf8.py",
    "52-nfkc-read.py",
    "53-upper-raw-prefix.py",
    "59-nfkc-only-spelling.py",
    "60-print-read.py",
    "61-pypiserver-like.py",
];

/// Runs each module in a fresh namespace, in one `python3` process, and prints what
/// `__version__` is afterwards: a string, another type, or unbound. A module that raises is
/// reported as such (`"raised"`): there is no value to compare.
const RUN_EACH: &str = r#"
import json, sys
out = {}
for path in sys.argv[1:]:
    namespace = {"__name__": "corpus"}
    with open(path, "rb") as f:
        source = f.read()
    try:
        exec(compile(source, path, "exec"), namespace)
    except Exception as err:
        out[path] = {"raised": repr(err)}
        continue
    value = namespace.get("__version__", None)
    out[path] = value if isinstance(value, str) else {"not a string": repr(value)}
print(json.dumps(out))
"#;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/pyversion/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read the corpus directory")
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    files
}

/// What `python3` makes of each module: `Some(value)` where `__version__` is a string, and
/// whether running it raised.
fn python_values(files: &[PathBuf]) -> BTreeMap<String, (Option<String>, bool)> {
    let output = Command::new("python3")
        .arg("-c")
        .arg(RUN_EACH)
        .args(files)
        .output()
        .unwrap_or_else(|err| {
            panic!("this test compares with `python3`, which could not be run ({err}): install it")
        });
    assert!(
        output.status.success(),
        "python3 failed on the corpus (every module must run):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let values: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("python3 printed JSON");
    values
        .into_iter()
        .map(|(path, value)| {
            let name = Path::new(&path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(path);
            let raised = value.get("raised").is_some();
            (name, (value.as_str().map(str::to_owned), raised))
        })
        .collect()
}

/// Every corpus module: git-policy's value is Python's, or git-policy refuses; the modules in
/// `READ` are read and all others refused, so the corpus pins both sides.
#[test]
fn python_and_git_policy_agree_on_every_corpus_module() {
    let files = corpus();
    assert!(files.len() >= 30, "the corpus has {} modules", files.len());
    let python = python_values(&files);
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.expect("a file name");
        let bytes = std::fs::read(path).expect("read a corpus module");
        let ours = extract_file(&Format::Python, "corpus/version.py", &bytes);
        let (theirs, raised) = &python[&name];
        assert!(!raised, "{name} must run under python3: {theirs:?}");
        match &ours {
            Ok((_, found)) => assert_eq!(
                Some(&found.text),
                theirs.as_ref(),
                "{name}: git-policy read {:?} where Python has {theirs:?}",
                found.text
            ),
            Err(err) => assert!(
                err.line().is_some() || matches!(err, ExtractError::NotFound(_)),
                "{name}: a refusal names its line: {err}"
            ),
        }
        assert_eq!(
            ours.is_ok(),
            READ.contains(&name.as_str()),
            "{name}: expected {}, got {ours:?}",
            if READ.contains(&name.as_str()) {
                "a value"
            } else {
                "a refusal"
            }
        );
    }
}

/// Statements, spelled many ways, that bind `__version__`, read it, or only look like it.
const PIECES: &[&str] = &[
    "__version__ = \"1.0\"",
    "__version__ = '2.0'  # __version__ = '2.1'",
    "__\u{ff56}ersion__ = \"3.0\"",
    "__version__ += \".post1\"",
    "if True:\n    __version__ = \"4.0\"",
    "x = 1; __version__ = \"5.0\"",
    "\"\"\"\n__version__ = \"6.0\"\n\"\"\"",
    "# __version__ = \"7.0\"",
    "__version__: str = \"8.0\"",
    "for __version__ in [\"9.0\"]:\n    pass",
    "[__version__] = [\"10.0\"]",
    "(__version__ := \"11.0\")",
    "y = [__version__ for __version__ in [\"12.0\"]]",
    "def f():\n    __version__ = \"13.0\"\n    return __version__",
    "class K:\n    __version__ = \"14.0\"",
    "w = (1,\n  2)",
    "v = \"a\" \\\n  \"b\"",
    "__version__ = \"16\" \"0\"",
    "__version__ = r\"17.0\"",
    "__version__ = b\"18.0\"",
    "__version__ = \"19\\x2e0\"",
    "if False:\n    pass\nelse:\n    __version__ = \"20.0\"",
    "try:\n    pass\nfinally:\n    __version__ = \"21.0\"",
    "__all__ = [\"__version__\"]",
    "t = '''__version__ = \"22.0\" '''",
    "__version__ = \"23.0\" if True else \"x\"",
    "match 1:\n    case _:\n        __version__ = \"24.0\"",
    "while False:\n    __version__ = \"25.0\"",
    "__version__ = (\"26.0\")",
    "a = b = \"27.0\"",
    "version = __version__ = \"28.0\"",
    "__version__ = \\\n    \"29.0\"",
    "z = {\n    \"k\": [1, (2,\n 3)],\n}",
    "if True: __version__ = \"30.0\"",
    "_, __version__ = \"x\", \"31.0\"",
    "q = f\"{(__version__ := '32.0')}\"",
    "s = 1 + \\\n    2; __version__ = \"33.0\"",
    "\u{c}",
    "",
];

/// Random modules of those statements, with `\n`, `\r\n` or lone `\r` line ends: wherever
/// Python runs one and git-policy reads a value, it is Python's value.
#[test]
fn random_modules_never_read_a_value_python_does_not_have() {
    let dir = tempfile::TempDir::new().expect("a temporary directory");
    let mut rng = fastrand::Rng::with_seed(15);
    let mut files = Vec::new();
    for n in 0..400 {
        let end = ["\n", "\r\n", "\r"][rng.usize(..3)];
        let count = rng.usize(1..5);
        let pieces: Vec<&str> = (0..count)
            .map(|_| PIECES[rng.usize(..PIECES.len())])
            .collect();
        let text = pieces.join("\n").replace('\n', end) + end;
        let path = dir.path().join(format!("{n:03}.py"));
        std::fs::write(&path, text).expect("write a module");
        files.push(path);
    }
    let python = python_values(&files);
    let (mut read, mut compared) = (0, 0);
    for path in &files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.expect("a file name");
        let (theirs, raised) = &python[&name];
        if *raised {
            continue;
        }
        compared += 1;
        let bytes = std::fs::read(path).expect("read a module");
        if let Ok((_, found)) = extract_file(&Format::Python, "v.py", &bytes) {
            read += 1;
            assert_eq!(
                Some(&found.text),
                theirs.as_ref(),
                "{name}: git-policy read {:?} where Python has {theirs:?} in {:?}",
                found.text,
                String::from_utf8_lossy(&bytes)
            );
        }
    }
    assert!(
        compared > 200 && read > 20,
        "compared {compared}, read {read}"
    );
}

/// The six spellings of issue 15 whose `__version__` Python sees as 9.9.9 while git-policy
/// used to read 0.12.0b2 from them.
const ISSUE_CASES: &[(&str, &str)] = &[
    (
        "lone CR",
        "__version__ = \"0.12.0b2\"\r__version__ = \"9.9.9\"\n",
    ),
    (
        "NFKC spelling",
        "__version__ = \"0.12.0b2\"\n__\u{ff56}ersion__ = \"9.9.9\"\n",
    ),
    (
        "semicolon",
        "__version__ = \"0.12.0b2\"; __version__ = \"9.9.9\"\n",
    ),
    (
        "if True",
        "__version__ = \"0.12.0b2\"\nif True:\n    __version__ = \"9.9.9\"\n",
    ),
    (
        "augmented",
        "__version__ = \"0.12.0b2\"\n__version__ += \".post1\"\n",
    ),
    (
        "docstring",
        "\"\"\"\n__version__ = \"0.12.0b2\"\n\"\"\"\n__version__ = \".\".join([\"9\"] * 3)\n",
    ),
];

/// Branch `0.12` with `tokio/__init__.py` set to `text`, and tag `v0.12.0b2` on it, pushed
/// together without the client hooks.
fn push_branch_and_tag(dev: &TestRepo, text: &str) -> Run {
    dev.git(&["checkout", "-q", "-B", "0.12", "origin/rc"]);
    dev.write("tokio/__init__.py", text);
    dev.commit("release 0.12.0b2");
    dev.git(&["tag", "-f", "-a", "-m", "beta 2", "v0.12.0b2"]);
    dev.git_run(&[
        "push",
        "--no-verify",
        "--atomic",
        "origin",
        "0.12",
        "v0.12.0b2",
    ])
}

/// Pushed with a tag through a served repository, each of the six spellings is refused with
/// the file and line named and no ref moved; the plain spelling lands.
#[test]
fn version_python_reads_otherwise_is_refused_on_the_server() {
    let s = setup("pre-receive");
    let refs = s.central.git(&["for-each-ref"]);
    for (case, text) in ISSUE_CASES {
        let run = push_branch_and_tag(&s.dev, text);
        assert_ne!(run.code, 0, "{case}: pushed:\n{}", run.all());
        assert!(
            run.stderr.contains("`tokio/__init__.py`") && run.stderr.contains("line "),
            "{case}: the refusal names the file and line:\n{}",
            run.stderr
        );
        assert_eq!(
            s.central.git(&["for-each-ref"]),
            refs,
            "{case}: a ref moved"
        );
    }
    accepted(&push_branch_and_tag(&s.dev, "__version__ = \"0.12.0b2\"\n"));
    assert_eq!(s.central.rev("v0.12.0b2^{commit}"), s.dev.rev("0.12"));
}

/// A second binding spelled with a compatibility character is refused by `git policy check`
/// in CI as well, naming both lines.
#[test]
fn nfkc_spelled_second_binding_is_refused_by_check() {
    let s = setup("pre-receive");
    let old = s.dev.rev("master");
    s.dev.write(
        "tokio/__init__.py",
        "__version__ = \"0.13.0.dev2\"\n__\u{ff56}ersion__ = \"9.9.9\"\n",
    );
    let new = s.dev.commit("a second spelling");
    let run = s.dev.judge("refs/heads/master", &old, &new);
    crate::harness::failed(
        &run,
        &[
            "`tokio/__init__.py`",
            "line 2: `__version__` is bound a second time (the first binding is on line 1)",
        ],
    );
}

/// A second assignment after a lone CR stops `git commit` in the pre-commit hook, which reads
/// the index, naming both lines as Python numbers them; the plain file commits.
#[test]
fn lone_cr_second_assignment_is_refused_by_pre_commit() {
    let s = setup("pre-receive");
    let head = s.dev.rev("HEAD");
    s.dev.write(
        "tokio/__init__.py",
        "__version__ = \"0.13.0.dev2\"\r__version__ = \"9.9.9\"\n",
    );
    s.dev.git(&["add", "-A"]);
    let run = s.dev.git_run(&["commit", "-q", "-m", "bump"]);
    assert_ne!(run.code, 0, "committed:\n{}", run.all());
    assert!(
        run.stderr.contains("`tokio/__init__.py`")
            && run.stderr.contains(
                "line 2: `__version__` is bound a second time (the first binding is on line 1)"
            ),
        "{}",
        run.stderr
    );
    assert_eq!(s.dev.rev("HEAD"), head, "no commit was made");
    s.dev
        .write("tokio/__init__.py", "__version__ = \"0.13.0.dev2\"\n");
    s.dev.git(&["add", "-A"]);
    accepted(&s.dev.git_run(&["commit", "-q", "-m", "bump"]));
}
