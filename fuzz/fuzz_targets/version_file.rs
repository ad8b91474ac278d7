//! Version extraction from a version file's bytes, in every format: a version or an error,
//! never a panic, in time linear in the file.
#![no_main]

use std::sync::LazyLock;

use git_policy::version::{Format, extract_file};
use libfuzzer_sys::fuzz_target;
use regex_lite::Regex;

/// Twisted's `Version("Twisted", 24, 10, 0, release_candidate=1)`, assembled from parts.
static PARTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"Version\("\w+", (?P<major>\d+), (?P<minor>\d+), (?P<micro>\d+)(?:, release_candidate=(?P<rc>\d+))?(?:, dev=(?P<dev>\d+))?\)"#,
    )
    .expect("a fixed regex compiles")
});

static WHOLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^VERSION\s*=\s*['"](?P<version>[^'"]*)['"]"#).expect("a fixed regex compiles")
});

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = match selector % 6 {
        0 => Format::Python,
        1 => Format::Pyproject,
        2 => Format::Cargo,
        3 => Format::Plain,
        4 => Format::Regex(PARTS.clone()),
        _ => Format::Regex(WHOLE.clone()),
    };
    // A regex reads a `.py` file as Python (tokens, bindings), any other file as text.
    let path = if selector & 0x80 == 0 { "_version.py" } else { "VERSION.txt" };
    if let Ok((version, found)) = extract_file(&format, path, bytes) {
        // What extraction found is a line of the file and a version that prints.
        assert!(found.line >= 1);
        let _ = version.to_string();
    }
});
