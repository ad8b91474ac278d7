//! Python version files read as Python reads them: the tokenizer's corners and Twisted's
//! `Version(...)` call. The differential test against `python3` is in `tests/cli/pyversion`.

use regex_lite::Regex;

use super::{ExtractError, Format, extract_file, parse};

fn python(src: &str) -> Result<String, ExtractError> {
    extract_file(&Format::Python, "pkg/__init__.py", src.as_bytes()).map(|(_, found)| found.text)
}

fn twisted() -> Format {
    let text = include_str!("../../policy/twisted.toml");
    let start = text.find("regex = '''").expect("the preset's regex") + "regex = '''".len();
    let end = start + text[start..].find("'''").expect("the regex ends");
    Format::Regex(Regex::new(&text[start..end]).expect("the preset's regex compiles"))
}

fn twisted_file(src: &str) -> Result<(String, usize), ExtractError> {
    extract_file(&twisted(), "src/twisted/_version.py", src.as_bytes())
        .map(|(version, found)| (version.to_string(), found.line))
}

/// Twisted's `_version.py` is read from its one `Version(...)` call of literals.
#[test]
fn twisted_version_call_is_read() {
    let src = "\"\"\"Provides Twisted version information.\"\"\"\n\nfrom incremental import Version\n\n__version__ = Version(\"Twisted\", 24, 10, 0, release_candidate=1)\n__all__ = [\"__version__\"]\n";
    assert_eq!(
        twisted_file(src).expect("read"),
        ("24.10.0rc1".to_owned(), 5)
    );
}

/// A `Version(...)` call in a comment or a docstring is not the version.
#[test]
fn regex_match_in_a_comment_or_string_does_not_count() {
    let src = "from incremental import Version\n# __version__ = Version(\"Twisted\", 9, 9, 9)\n__version__ = Version(\"Twisted\", 24, 10, 0)\n";
    assert_eq!(twisted_file(src).expect("read"), ("24.10.0".to_owned(), 3));
    let only_in_a_string =
        "\"\"\"\n__version__ = Version(\"Twisted\", 24, 10, 0)\n\"\"\"\n__version__ = compute()\n";
    assert!(matches!(
        twisted_file(only_in_a_string),
        Err(ExtractError::NotFound(_))
    ));
}

/// Two calls, a rebinding of `__version__`, or a `Version` that is not the imported one make
/// the value uncertain: refused, naming the line.
#[test]
fn twisted_version_rebound_is_refused() {
    let call = "from incremental import Version\n__version__ = Version(\"Twisted\", 24, 10, 0)\n";
    let second = format!("{call}__version__ = Version(\"Twisted\", 9, 9, 9)\n");
    assert_eq!(
        twisted_file(&second),
        Err(ExtractError::SecondMatch { line: 3, first: 2 })
    );
    let augmented = format!("{call}__version__ += 1\n");
    assert!(matches!(
        twisted_file(&augmented),
        Err(ExtractError::Ambiguous {
            line: 3,
            first: 2,
            ..
        })
    ));
    let shadowed = format!("{call}Version = lambda *args: \"9.9.9\"\n");
    let err = twisted_file(&shadowed).expect_err("refused");
    assert_eq!(err.line(), Some(3), "{err}");
    let indented = "from incremental import Version\nif True:\n    __version__ = Version(\"Twisted\", 24, 10, 0)\n";
    assert!(matches!(
        twisted_file(indented),
        Err(ExtractError::NotPlain { line: 3, .. })
    ));
}

/// A regex on a file that is not Python is matched on its text as before.
#[test]
fn regex_on_other_files_is_plain_text() {
    let format = Format::Regex(Regex::new(r"v(?P<version>[0-9.]+)").expect("regex"));
    let (version, found) = extract_file(&format, "VERSION.txt", b"# v1.2\n").expect("read");
    assert_eq!((version, found.line), (parse("1.2").expect("parses"), 1));
}

/// Encodings Python reads differently, or refuses, are refused with the reason.
#[test]
fn encodings_python_would_not_read_as_utf8_are_refused() {
    let cp = extract_file(
        &Format::Python,
        "v.py",
        b"# coding: cp1252\n__version__ = '1'\n",
    );
    assert_eq!(cp.unwrap_err(), ExtractError::Encoding("cp1252".to_owned()));
    let bom = b"\xef\xbb\xbf# coding: latin-1\n__version__ = '1'\n";
    assert_eq!(
        extract_file(&Format::Python, "v.py", bom).unwrap_err(),
        ExtractError::EncodingAfterBom("latin-1".to_owned())
    );
    let third_line = b"\n\n# coding: latin-1\n__version__ = '1' # \xe9\n";
    assert_eq!(
        extract_file(&Format::Python, "v.py", third_line).unwrap_err(),
        ExtractError::NotUtf8
    );
    let nul = extract_file(&Format::Python, "v.py", b"__version__ = '1'\n\0\n").unwrap_err();
    assert_eq!(nul.line(), Some(2), "{nul}");
}

/// Source Python cannot tokenize is refused on its line, never half-read.
#[test]
fn untokenizable_source_is_refused_on_its_line() {
    for (src, line) in [
        ("__version__ = '1.0'\nx = 'open\n", 2),
        ("__version__ = '1.0'\nx = (1,\n", 2),
        ("__version__ = '1.0'\nx = 1 \\ 2\n", 2),
        ("x = ]\n__version__ = '1.0'\n", 1),
    ] {
        let err = python(src).expect_err(src);
        assert!(
            matches!(err, ExtractError::Python { .. }) && err.line() == Some(line),
            "{src:?}: {err:?}"
        );
    }
}

/// f-strings nested past any real use are refused rather than recursed into.
#[test]
fn deeply_nested_fstrings_are_refused() {
    let mut inner = "'x'".to_owned();
    for _ in 0..64 {
        inner = format!("f\"{{{inner}}}\"");
    }
    let src = format!("__version__ = '1.0'\ny = {inner}\n");
    assert!(matches!(python(&src), Err(ExtractError::Python { .. })));
}

/// Numbers end where Python ends them, so `1if` leaves the keyword a keyword.
#[test]
fn numbers_end_where_python_ends_them() {
    let src = "x = [0x1f, 1_000, 1.5e-3, 2j, .5]\ny = 1if x else 2\n__version__ = '1.0'\n";
    assert_eq!(python(src).expect("read"), "1.0");
    let loop_target = "__version__ = '1.0'\nz = [0 for __version__ in 1,2]\n";
    assert!(matches!(
        python(loop_target),
        Err(ExtractError::Ambiguous { .. })
    ));
}

/// Names that bind other names out of sight (`setattr`, `globals`, a star import) are refused.
#[test]
fn dynamic_binding_is_refused() {
    for src in [
        "import sys\n__version__ = '1.0'\nsetattr(sys.modules[__name__], 'x', 1)\n",
        "__version__ = '1.0'\nfrom os.path import *\n",
        "__version__ = '1.0'\nd = {'__version__': 1}\n",
        "__version__ = '1.0'\nimport inspect\ninspect.currentframe().f_globals.update(a=1)\n",
    ] {
        assert!(
            matches!(python(src), Err(ExtractError::Dynamic { .. })),
            "{src:?}: {:?}",
            python(src)
        );
    }
}

proptest::proptest! {
    /// Any text of Python's names, numbers, quotes, brackets, operators and line ends gets a
    /// value or a refusal, never a panic, and a refusal's line is a line of the file.
    #[test]
    fn python_like_text_gets_a_value_or_a_refusal(
        src in "([a-z_]{1,3}|__version__|Version|[0-9]|[ \t\n\r#'\"(){}:=+;,.\\\\\\[\\]]|f\"|\"\"\"){0,40}"
    ) {
        let lines = src.replace("\r\n", "\n").matches(['\n', '\r']).count() + 1;
        for result in [
            python(&src).map(|_| ()),
            twisted_file(&src).map(|_| ()),
        ] {
            if let Err(err) = result {
                let line = err.line().unwrap_or(1);
                proptest::prop_assert!((1..=lines).contains(&line), "{err} in {src:?}");
            }
        }
    }
}

/// Each kind of value that is not one plain literal is named in the refusal.
#[test]
fn a_value_that_is_not_one_plain_literal_says_what_it_is() {
    for (src, says) in [
        ("__version__ = f\"{1}.0\"\n", "assigned an f-string"),
        ("__version__ = b'1.0'\n", "assigned bytes"),
        ("__version__ = '1' '.0'\n", "implicit concatenation"),
        ("__version__ = '1\\x2e0'\n", "backslash escape"),
        (
            "__version__ = ('1', '0')\n",
            "not assigned one plain string literal",
        ),
        (
            "if True:\n    __version__ = '1.0'\n",
            "bound inside a block",
        ),
        (
            "__version__ = get()\n",
            "not assigned one plain string literal",
        ),
    ] {
        let err = python(src).expect_err(src).to_string();
        assert!(
            err.contains(says) && err.starts_with("line "),
            "{src:?}: {err}"
        );
    }
}
