//! The policy file's JSON Schema (`git policy schema`) and the parser never disagree: every
//! policy the parser accepts passes the schema, and a policy it refuses fails the schema
//! wherever a schema can say why. Policies are validated with `jsonschema` (PyPI) through
//! `python3`, and taplo (PyPI), which editors run, follows the `#:schema` line to the schema.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use git_policy::policy::{self, Origin};
use serde_json::{Value, json};

use super::harness::{Run, Sandbox, accepted, bin};

/// What a policy text is, for the parser and for the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Both accept it.
    Valid,
    /// Both refuse it.
    Invalid,
    /// The parser refuses it for a reason no JSON Schema can state (a name defined elsewhere
    /// in the file, a regex that must compile); the schema lets it through.
    ParserOnly,
}

use Expect::{Invalid, ParserOnly, Valid};

const VERSION: &str = "[version]\nfiles = [\"pkg/__init__.py\"]\n";

/// Policies written to probe each rule the schema states, and the ones it cannot.
fn corpus() -> Vec<(&'static str, String, Expect)> {
    let with_version = |rest: &str| format!("{VERSION}{rest}");
    let tag = |line: &str| {
        with_version(&format!(
            "[tags.release]\npattern = \"v{{version}}\"\n{line}\n"
        ))
    };
    let branch = |line: &str| format!("[branches.main]\naccepts = \"any\"\n{line}\n");
    let file = |entry: &str| format!("[version]\nfiles = [{entry}]\n");
    vec![
        ("empty", String::new(), Valid),
        (
            "no version file and no rules",
            "[version]\nfiles = []\n".into(),
            Valid,
        ),
        ("one branch, no versions", branch(""), Valid),
        (
            "accepts one branch by name",
            format!("{}[branches.rc]\naccepts = \"main\"\n", branch("")),
            Valid,
        ),
        (
            "accepts a list with any",
            format!(
                "{}[branches.rc]\naccepts = [\"any\", \"main\"]\n",
                branch("")
            ),
            Valid,
        ),
        (
            "empty accepts",
            "[branches.main]\naccepts = []\n".into(),
            Valid,
        ),
        (
            "every branch flag",
            branch("first-parent = true\nlinear = false\ncherry-pick = true"),
            Valid,
        ),
        (
            "branch versions",
            with_version(&branch(
                "version = { kinds = [\"dev\", \"final\"], pre = [\"rc\"], monotonic = false, ahead-of-tags = true }",
            )),
            Valid,
        ),
        (
            "above by version",
            with_version(&format!(
                "{}[branches.rc]\naccepts = [\"main\"]\nversion = {{ above = {{ branch = \"main\", by = \"version\" }} }}\n",
                branch("")
            )),
            Valid,
        ),
        (
            "a glob version file",
            file("\"python_modules/**/version.py\""),
            Valid,
        ),
        (
            "a regex with (?P<version>)",
            file("{ path = \"src/_version.py\", regex = '__version__ = \"(?P<version>[^\"]+)\"' }"),
            Valid,
        ),
        (
            "a regex with (?<major>)",
            file("{ path = \"v.txt\", regex = '(?<major>[0-9]+)\\.(?<minor>[0-9]+)' }"),
            Valid,
        ),
        (
            "a regex entry with another key",
            file("{ path = \"v.txt\", regex = '(?P<version>.+)', note = 1 }"),
            Valid,
        ),
        (
            "every tag key",
            tag(
                "kinds = [\"final\"]\npre = [\"a\", \"b\"]\nimmutable = false\ndeletable = true\nversion-match = \"release\"\nrequires-pre-release = true\ncalendar = \"YYYY.0M.DD\"\nchangelog = { file = \"docs/CHANGES.rst\", heading = '^{version} \\(' }",
            ),
            Valid,
        ),
        (
            "calendar with free numbers",
            tag("calendar = \"YY.N.patch\""),
            Valid,
        ),
        (
            "calendar with a date-like word",
            tag("calendar = \"0Y.MM.micro\""),
            Valid,
        ),
        (
            "a linear branch landing by squash",
            branch("linear = true\nlands = \"squash\""),
            Valid,
        ),
        (
            "a branch landing by merge",
            branch("lands = \"merge\""),
            Valid,
        ),
        (
            "a linear branch landing by merge",
            branch("linear = true\nlands = \"merge\""),
            Invalid,
        ),
        ("an unknown landing", branch("lands = \"ff\""), Invalid),
        (
            "replace refs allowed",
            "[refs]\nallow-replace = true\n".into(),
            Valid,
        ),
        (
            "misspelt refs key",
            "[refs]\nallow-replaces = true\n".into(),
            Invalid,
        ),
        (
            "unknown top-level key",
            "[release]\nname = \"x\"\n".into(),
            Invalid,
        ),
        (
            "misspelt branch key",
            "[branches.main]\naccept = \"any\"\n".into(),
            Invalid,
        ),
        (
            "branch without accepts",
            "[branches.main]\nlinear = true\n".into(),
            Invalid,
        ),
        (
            "accepts a number",
            "[branches.main]\naccepts = 3\n".into(),
            Invalid,
        ),
        (
            "accepts a list of numbers",
            "[branches.main]\naccepts = [1]\n".into(),
            Invalid,
        ),
        (
            "a flag as a string",
            branch("first-parent = \"yes\""),
            Invalid,
        ),
        (
            "unknown kind",
            with_version(&branch("version = { kinds = [\"beta\"] }")),
            Invalid,
        ),
        (
            "unknown pre-release letter",
            with_version(&branch("version = { pre = [\"c\"] }")),
            Invalid,
        ),
        (
            "unknown version key",
            with_version(&branch("version = { kind = [\"dev\"] }")),
            Invalid,
        ),
        (
            "above by patch",
            with_version(&format!(
                "{}[branches.rc]\naccepts = [\"main\"]\nversion = {{ above = {{ branch = \"main\", by = \"patch\" }} }}\n",
                branch("")
            )),
            Invalid,
        ),
        (
            "above without branch",
            with_version(&branch("version = { above = { by = \"minor\" } }")),
            Invalid,
        ),
        ("version table without files", "[version]\n".into(), Invalid),
        (
            "version files not a list",
            "[version]\nfiles = \"pkg/__init__.py\"\n".into(),
            Invalid,
        ),
        ("absolute version file", file("\"/etc/version\""), Invalid),
        (
            "version file above the root",
            file("\"../pkg/__init__.py\""),
            Invalid,
        ),
        ("version file with ..", file("\"pkg/../x.py\""), Invalid),
        ("version file with //", file("\"pkg//x.py\""), Invalid),
        ("version file ending in /", file("\"pkg/\""), Invalid),
        ("version file with \\", file("'pkg\\x.py'"), Invalid),
        ("empty version file", file("\"\""), Invalid),
        (
            "regex entry without regex",
            file("{ path = \"v.txt\" }"),
            Invalid,
        ),
        (
            "regex without a version group",
            file("{ path = \"v.txt\", regex = '([0-9.]+)' }"),
            Invalid,
        ),
        (
            "regex entry with an absolute path",
            file("{ path = \"/v.txt\", regex = '(?P<version>.+)' }"),
            Invalid,
        ),
        (
            "tag without pattern",
            with_version("[tags.release]\nkinds = [\"final\"]\n"),
            Invalid,
        ),
        (
            "tag pattern without {version}",
            with_version("[tags.release]\npattern = \"v{VERSION}\"\n"),
            Invalid,
        ),
        (
            "unknown version-match",
            tag("version-match = \"loose\""),
            Invalid,
        ),
        (
            "changelog without heading",
            tag("changelog = { file = \"CHANGES.md\" }"),
            Invalid,
        ),
        (
            "changelog above the root",
            tag("changelog = { file = \"../CHANGES.md\", heading = '{version}' }"),
            Invalid,
        ),
        ("misspelt tag key", tag("deleteable = true"), Invalid),
        (
            "calendar with an unknown date token",
            tag("calendar = \"YYY.N\""),
            Invalid,
        ),
        (
            "calendar without a date",
            tag("calendar = \"N.patch\""),
            Invalid,
        ),
        (
            "calendar with an empty part",
            tag("calendar = \"YY..N\""),
            Invalid,
        ),
        (
            "accepts an undefined branch",
            "[branches.main]\naccepts = [\"develop\"]\n".into(),
            ParserOnly,
        ),
        (
            "a branch accepting itself",
            "[branches.main]\naccepts = [\"main\"]\n".into(),
            ParserOnly,
        ),
        (
            "an invalid branch regex",
            "[branches.v]\npattern = '('\naccepts = \"any\"\n".into(),
            ParserOnly,
        ),
        (
            "a Unicode class",
            "[branches.v]\npattern = '\\p{L}'\naccepts = \"any\"\n".into(),
            ParserOnly,
        ),
        (
            "above an undefined branch",
            with_version(&branch("version = { above = { branch = \"rc\" } }")),
            ParserOnly,
        ),
        (
            "an above cycle",
            with_version(
                "[branches.a]\naccepts = \"any\"\nversion = { above = { branch = \"b\" } }\n[branches.b]\naccepts = \"any\"\nversion = { above = { branch = \"a\" } }\n",
            ),
            ParserOnly,
        ),
        (
            "matches names no capture",
            with_version(&branch("version = { matches = \"=={major}.*\" }")),
            ParserOnly,
        ),
        (
            "matches is no specifier",
            with_version(&branch("version = { matches = \"about 1\" }")),
            ParserOnly,
        ),
        (
            "version rules without a version file",
            branch("version = { kinds = [\"dev\"] }"),
            ParserOnly,
        ),
        (
            "a tag on an undefined branch",
            tag("on = [\"main\"]"),
            ParserOnly,
        ),
        (
            "an unknown regex group",
            file("{ path = \"v.txt\", regex = '(?P<version>.+)(?P<extra>x)' }"),
            ParserOnly,
        ),
        ("an invalid glob", file("\"pkg/[x.py\""), ParserOnly),
        (
            "a TOML syntax error",
            "[branches.main\naccepts = \"any\"\n".into(),
            ParserOnly,
        ),
    ]
}

/// Every preset, as shipped and as `git policy init` writes it for another layout, and the
/// README's example.
fn shipped() -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for (name, _, text) in policy::presets::PRESETS {
        texts.push((format!("preset {name}"), (*text).to_owned()));
        let files = ["pyproject.toml".to_owned()];
        let rendered = policy::presets::render(
            name,
            policy::presets::VersionFiles::Replaced(&files),
            "here",
        )
        .expect("renders");
        texts.push((format!("preset {name} for pyproject.toml"), rendered));
    }
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let start = readme
        .find("```toml\n")
        .expect("README has a policy example")
        + 8;
    let end = start + readme[start..].find("```").expect("closed");
    texts.push(("README example".into(), readme[start..end].to_owned()));
    texts
}

/// Variants of the presets, a key at a time: each table gains an unknown key, each value is
/// replaced by a number (no key takes one), and each key is removed. The first two must be
/// refused by both; a removal is whatever the parser says, and the schema must not be stricter.
fn mutations() -> Vec<(String, String, Option<Expect>)> {
    let mut out = Vec::new();
    for (name, _, text) in policy::presets::PRESETS {
        let doc: toml_edit::DocumentMut = text.parse().expect("preset is TOML");
        let mut paths = Vec::new();
        collect_paths(doc.as_item(), &mut Vec::new(), &mut paths);
        for path in &paths {
            let mut added = doc.clone();
            if let Some(table) = item_at(added.as_item_mut(), path).and_then(as_table_like) {
                table.insert("bogus", toml_edit::value(7));
                out.push((
                    format!("{name}: `bogus` in `{}`", path.join(".")),
                    added.to_string(),
                    Some(Invalid),
                ));
            }
            let Some((key, parent)) = path.split_last() else {
                continue;
            };
            let mut replaced = doc.clone();
            if let Some(item) = item_at(replaced.as_item_mut(), path) {
                *item = toml_edit::value(7);
                out.push((
                    format!("{name}: `{}` = 7", path.join(".")),
                    replaced.to_string(),
                    Some(Invalid),
                ));
            }
            let mut removed = doc.clone();
            if let Some(table) = item_at(removed.as_item_mut(), parent).and_then(as_table_like) {
                table.remove(key);
                out.push((
                    format!("{name}: without `{}`", path.join(".")),
                    removed.to_string(),
                    None,
                ));
            }
        }
    }
    out
}

/// The key path of every table and value in the document.
fn collect_paths(item: &toml_edit::Item, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let table: Option<&dyn toml_edit::TableLike> = match item {
        toml_edit::Item::Table(t) => Some(t),
        toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => Some(t),
        _ => None,
    };
    out.push(prefix.clone());
    if let Some(table) = table {
        for (key, child) in table.iter() {
            prefix.push(key.to_owned());
            collect_paths(child, prefix, out);
            prefix.pop();
        }
    }
}

fn item_at<'a>(
    mut item: &'a mut toml_edit::Item,
    path: &[String],
) -> Option<&'a mut toml_edit::Item> {
    for key in path {
        item = as_table_like(item)?.get_mut(key)?;
    }
    Some(item)
}

fn as_table_like(item: &mut toml_edit::Item) -> Option<&mut dyn toml_edit::TableLike> {
    match item {
        toml_edit::Item::Table(t) => Some(t),
        toml_edit::Item::Value(toml_edit::Value::InlineTable(t)) => Some(t),
        _ => None,
    }
}

/// The schema `git policy schema` prints.
fn printed_schema() -> Value {
    let sandbox = Sandbox::new();
    let output = sandbox
        .command(bin(), sandbox.path())
        .arg("schema")
        .output()
        .expect("run git-policy schema");
    let run = Run::from_output(output);
    assert_eq!(run.code, 0, "{}", run.all());
    serde_json::from_str(&run.stdout).expect("the schema is JSON")
}

/// Validates each document against the schema with Python's `jsonschema` (draft 7, the
/// schema's `$schema`); `None` where a document passes, else the validator's first complaint.
fn validate(schema: &Value, docs: &[(String, Value)]) -> Vec<Option<String>> {
    const SCRIPT: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit("python3 has no `jsonschema`: pip install jsonschema")
data = json.load(sys.stdin)
cls = jsonschema.validators.validator_for(data["schema"])
cls.check_schema(data["schema"])
validator = cls(data["schema"])
out = []
for doc in data["docs"]:
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    out.append(None if error is None else "%s at %s" % (error.message, list(error.absolute_path)))
json.dump(out, sys.stdout)
"#;
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect(
            "python3 is not installed: the schema test needs it, with `pip install jsonschema`",
        );
    let input = json!({
        "schema": schema,
        "docs": docs.iter().map(|(_, doc)| doc).collect::<Vec<_>>(),
    });
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write to python3");
    let output = child.wait_with_output().expect("python3 ran");
    assert!(
        output.status.success(),
        "the schema validator failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the validator's answer")
}

/// A policy text as the JSON an editor validates (`None`: not TOML, nothing to validate).
fn as_json(text: &str) -> Option<Value> {
    let value: toml::Value = toml::from_str(text).ok()?;
    Some(serde_json::to_value(value).expect("TOML is JSON"))
}

/// The presets, `init`'s outputs, the README's example, a corpus probing each rule and every
/// one-key mutation of the presets: the schema never refuses what the parser accepts, and
/// refuses what the parser refuses wherever a schema can express the reason.
#[test]
fn schema_and_parser_agree() {
    let schema = printed_schema();
    let mut cases: Vec<(String, String, Option<Expect>)> = shipped()
        .into_iter()
        .map(|(name, text)| (name, text, Some(Valid)))
        .collect();
    cases.extend(
        corpus()
            .into_iter()
            .map(|(name, text, expect)| (name.to_owned(), text, Some(expect))),
    );
    cases.extend(mutations());
    let docs: Vec<(String, Value)> = cases
        .iter()
        .filter_map(|(name, text, _)| Some((name.clone(), as_json(text)?)))
        .collect();
    let verdicts = validate(&schema, &docs);
    let schema_says = |name: &str| {
        docs.iter()
            .position(|(n, _)| n == name)
            .map(|i| verdicts[i].clone())
    };
    let mut disagreements = Vec::new();
    let mut mutations_refused_by_both = 0;
    for (name, text, expect) in &cases {
        let parser = policy::parse(text, Origin::File(".git-policy.toml".into())).map(|_| ());
        // `None`: the text is not TOML, which the parser refuses and the schema never sees.
        let schema = schema_says(name);
        let schema_ok = matches!(schema, Some(None));
        let schema_refuses = matches!(schema, Some(Some(_)) | None);
        let agrees = match expect {
            Some(Valid) => parser.is_ok() && schema_ok,
            Some(Invalid) => parser.is_err() && schema_refuses,
            Some(ParserOnly) => parser.is_err() && (schema_ok || schema.is_none()),
            None => {
                mutations_refused_by_both += usize::from(parser.is_err() && schema_refuses);
                parser.is_ok() <= schema_ok
            }
        };
        if !agrees {
            disagreements.push(format!(
                "{name}: expected {expect:?}; parser: {:?}; schema: {schema:?}\n{text}",
                parser.err().map(|e| e.to_string())
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{}",
        disagreements.join("\n---\n")
    );
    assert!(
        cases.len() > 300,
        "the mutations ran: {} cases",
        cases.len()
    );
    assert!(
        mutations_refused_by_both > 0,
        "a removal the schema catches was tried"
    );
}

/// The schema in the repository, which the presets' `#:schema` line names, is the one the
/// binary prints; every preset starts with that line.
#[test]
fn presets_name_the_schema_they_are_shipped_with() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy");
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(policy::SCHEMA_FILE_NAME)).expect("schema file"),
    )
    .expect("JSON");
    assert_eq!(
        committed,
        printed_schema(),
        "regenerate it: git policy schema > policy/{}",
        policy::SCHEMA_FILE_NAME
    );
    let directive = format!("#:schema ./{}\n", policy::SCHEMA_FILE_NAME);
    for (name, _, text) in policy::presets::PRESETS {
        assert!(text.starts_with(&directive), "{name}: {text}");
        let file = std::fs::read_to_string(dir.join(format!("{name}.toml"))).expect("preset");
        assert_eq!(file, *text, "{name}");
    }
}

/// `git policy init` writes the schema beside `.git-policy.toml`, whose first line names it.
#[test]
fn init_writes_the_schema_its_policy_names() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("work");
    repo.write("tokio/__init__.py", "__version__ = \"0.1.0.dev1\"\n");
    accepted(&repo.policy(&["init"]));
    let written = std::fs::read_to_string(repo.path.join(policy::FILE_NAME)).expect("policy");
    let named = written
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("#:schema "))
        .expect("the first line names the schema");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path.join(named)).expect("the schema it names exists"),
    )
    .expect("JSON");
    assert_eq!(schema, printed_schema());
}

/// taplo from PyPI, the engine of the Even Better TOML extension: in the scripts directory of
/// the Python that installed it, asked outside the sandbox (pyenv's shims need the real `HOME`).
fn taplo() -> std::path::PathBuf {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ])
        .output()
        .expect("python3 is not installed: the schema test needs it, with `pip install taplo`");
    let path = Path::new(String::from_utf8_lossy(&output.stdout).trim()).join("taplo");
    if path.exists() {
        return path;
    }
    let found = Command::new("sh")
        .args(["-c", "command -v taplo"])
        .output()
        .expect("run sh");
    assert!(
        found.status.success(),
        "taplo is not installed, for python3 (`{}`) or on PATH: pip install taplo",
        path.display()
    );
    String::from_utf8_lossy(&found.stdout).trim().into()
}

/// taplo follows the `#:schema` line `git policy init` writes to the schema it writes beside
/// the policy: the policy passes, and a misspelt key is reported at its line.
#[test]
fn taplo_validates_init_output_through_its_schema_directive() {
    let taplo = taplo();
    let sandbox = Sandbox::new();
    let repo = sandbox.repo("work");
    repo.write("tokio/__init__.py", "__version__ = \"0.1.0.dev1\"\n");
    accepted(&repo.policy(&["init"]));
    let check = |repo: &super::harness::TestRepo| {
        Run::from_output(
            repo.command(&taplo)
                .args(["check", policy::FILE_NAME])
                .output()
                .expect("run taplo"),
        )
    };
    let run = check(&repo);
    assert_eq!(run.code, 0, "{}", run.all());
    let written = std::fs::read_to_string(repo.path.join(policy::FILE_NAME)).expect("policy");
    repo.write(
        policy::FILE_NAME,
        &written.replacen("accepts = [\"master\"]", "acepts = [\"master\"]", 1),
    );
    let run = check(&repo);
    assert_ne!(run.code, 0, "{}", run.all());
    assert!(
        run.all().contains("'acepts' was unexpected"),
        "{}",
        run.all()
    );
    assert!(
        run.all().contains(&format!("{}:23:", policy::FILE_NAME)),
        "{}",
        run.all()
    );
}
