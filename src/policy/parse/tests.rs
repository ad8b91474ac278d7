//! Parse tests: every policy error names its line and key, with a fix where there is one.

use super::*;

/// The parts of an `Invalid` error: line, key, message, hint.
fn invalid(text: &str) -> (usize, Option<String>, String, Option<String>) {
    match parse(text, Origin::Preset("test")) {
        Err(PolicyError::Invalid {
            line,
            key,
            message,
            hint,
            ..
        }) => (line, key, message, hint),
        Err(other) => panic!("expected an invalid policy, got {other}"),
        Ok(_) => panic!("expected an invalid policy, but it parsed"),
    }
}

/// A misspelt key names its line and suggests the key meant.
#[test]
fn unknown_key_suggests_the_right_one() {
    let (line, key, message, hint) = invalid(
        "[version]\nfiles = [\"tokio/__init__.py\"]\n\n[branches.master]\nacepts = \"any\"\n",
    );
    assert_eq!(line, 5);
    assert!(message.contains("acepts"), "{message}");
    assert_eq!(hint.as_deref(), Some("did you mean `accepts`?"));
    // The table is named, in the key or in the message.
    let named =
        key.is_some_and(|k| k.contains("branches.master")) || message.contains("branches.master");
    assert!(named, "{message}");
}

/// A misspelt kind names its line and the value.
#[test]
fn unknown_kind_names_its_line() {
    let (line, _, message, _) = invalid(
        "[version]\nfiles = [\"VERSION\"]\n\n[branches.master]\naccepts = \"any\"\nversion = { kinds = [\"devel\"] }\n",
    );
    assert_eq!(line, 6);
    assert!(message.contains("devel"), "{message}");
}

/// `accepts` naming a branch the policy does not define names it and lists those it does.
#[test]
fn undefined_branch_in_accepts() {
    let (line, key, message, hint) = invalid(
        "[branches.master]\naccepts = \"any\"\n\n[branches.rc]\naccepts = [\"mainline\"]\n",
    );
    assert_eq!(line, 5);
    assert_eq!(key.as_deref(), Some("branches.rc.accepts"));
    assert!(message.contains("`mainline`"), "{message}");
    let hint = hint.unwrap_or_default();
    assert!(hint.contains("`master`") && hint.contains("`rc`"), "{hint}");
}

/// A branch pattern that is not a regex is an error on its line.
#[test]
fn bad_regex_in_branch_pattern() {
    let (line, key, message, _) =
        invalid("[branches.version]\npattern = '^(\\d+\\.(\\d+)$'\naccepts = \"any\"\n");
    assert_eq!(line, 2);
    assert_eq!(key.as_deref(), Some("branches.version.pattern"));
    assert!(message.starts_with("invalid regex"), "{message}");
}

/// A tag pattern needs `{version}`.
#[test]
fn tag_pattern_without_version() {
    let (line, key, message, hint) = invalid("\n[tags.release]\npattern = \"v*\"\n");
    assert_eq!(line, 3);
    assert_eq!(key.as_deref(), Some("tags.release.pattern"));
    assert!(message.contains("{version}"), "{message}");
    assert!(hint.unwrap_or_default().contains("v{version}"));
}

/// `matches` may only use captures the branch pattern has.
#[test]
fn matches_with_a_capture_the_pattern_lacks() {
    let (line, key, message, _) = invalid(
        "[version]\nfiles = [\"VERSION\"]\n\n[branches.version]\npattern = '^(?P<major>\\d+)\\.(?P<minor>\\d+)$'\naccepts = \"any\"\nversion = { matches = \"=={major}.{patch}.*\" }\n",
    );
    assert_eq!(line, 7);
    assert_eq!(key.as_deref(), Some("branches.version.version.matches"));
    assert!(message.contains("`{patch}`"), "{message}");
}

/// Version rules without a version file are refused.
#[test]
fn version_rules_need_a_version_file() {
    let (_, key, _, hint) =
        invalid("[branches.master]\naccepts = \"any\"\nversion = { kinds = [\"dev\"] }\n");
    assert_eq!(key.as_deref(), Some("version.files"));
    assert!(hint.unwrap_or_default().contains("[version]"));
}

/// Release tags without a version file are refused: tag/version could never pass.
#[test]
fn release_tags_need_a_version_file() {
    let (_, key, message, _) = invalid("[tags.release]\npattern = \"v{version}\"\n");
    assert_eq!(key.as_deref(), Some("version.files"));
    assert!(message.contains("release tags"), "{message}");
}

/// A calendar scheme with an unknown date token, or with no date at all, is refused.
#[test]
fn calendar_scheme_needs_known_date_tokens() {
    let policy = |scheme: &str| {
        format!(
            "[version]\nfiles = [\"VERSION\"]\n\n[tags.release]\npattern = \"v{{version}}\"\ncalendar = \"{scheme}\"\n"
        )
    };
    let (line, key, message, hint) = invalid(&policy("YYY.N.patch"));
    assert_eq!(line, 6);
    assert_eq!(key.as_deref(), Some("tags.release.calendar"));
    assert!(message.contains("`YYY`"), "{message}");
    assert!(hint.unwrap_or_default().contains("`YYYY`"));
    let (_, _, message, _) = invalid(&policy("MAJOR.MINOR"));
    assert!(message.contains("no date component"), "{message}");
    let parsed = parse(&policy("YY.N.patch"), Origin::Preset("test")).expect("parses");
    let calendar = parsed.tags[0].calendar.as_ref().expect("calendar");
    assert_eq!(
        calendar.parts,
        [Some(super::DatePart::ShortYear), None, None]
    );
}

/// A version file with a wildcard is a glob listed from the directory before it.
#[test]
fn version_file_glob_lists_from_its_literal_directory() {
    let text = "[version]\nfiles = [\"python_modules/**/version.py\", \"VERSION\"]\n";
    let policy = parse(text, Origin::Preset("test")).expect("parses");
    let glob = policy.version_files[0].glob.as_ref().expect("a glob");
    assert_eq!(glob.dir, "python_modules");
    assert!(
        glob.matcher
            .is_match("python_modules/libraries/dagster-aws/dagster_aws/version.py")
    );
    assert!(!glob.matcher.is_match("docs/version.py"));
    assert!(policy.version_files[1].glob.is_none());
    let (line, _, message, _) = invalid("[version]\nfiles = [\"src/[abc/version.py\"]\n");
    assert_eq!(line, 2);
    assert!(message.contains("not a valid glob"), "{message}");
}

/// A version file path leaving the repository is refused.
#[test]
fn version_file_outside_the_repository() {
    let (line, _, message, _) = invalid("[version]\nfiles = [\"../etc/VERSION\"]\n");
    assert_eq!(line, 2);
    assert!(message.contains("inside the repository"), "{message}");
}

/// A tag template finds the same version in a tag name as the regex it used to compile to
/// (`^prefix(?P<version>[vV]?[0-9][0-9A-Za-z.!+_-]*)suffix$`), for names made of the characters
/// that matter: digits, `v`, separators, letters, the templates' own text and a non-ASCII one.
#[test]
fn tag_template_matches_like_its_regex() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let templates = [
        "v{version}",
        "{version}",
        "twisted-{version}",
        "r{version}-final",
        "{version}.x",
    ];
    let mut runner = TestRunner::new(Config::with_cases(2000));
    let names = proptest::collection::vec(
        prop::sample::select(vec![
            "0", "1", "9", "v", "V", ".", "-", "_", "!", "+", "a", "Z", "r", "final", "twisted-",
            "x", "/", " ", "é",
        ]),
        0..8,
    );
    for template in templates {
        let text =
            format!("[version]\nfiles = [\"VERSION\"]\n[tags.release]\npattern = \"{template}\"\n");
        let policy = parse(&text, Origin::Preset("test")).expect("parses");
        let class = &policy.tags[0];
        let (prefix, suffix) = template.split_once("{version}").expect("placeholder");
        let regex = regex_lite::Regex::new(&format!(
            "^{}(?P<version>[vV]?[0-9][0-9A-Za-z.!+_-]*){}$",
            regex_lite::escape(prefix),
            regex_lite::escape(suffix)
        ))
        .expect("the old regex");
        runner
            .run(&names, |parts| {
                let tag = parts.concat();
                let expected = regex
                    .captures(&tag)
                    .and_then(|caps| caps.name("version"))
                    .map(|m| m.as_str());
                prop_assert_eq!(
                    class.version_text(&tag),
                    expected,
                    "{} in {}",
                    tag,
                    template
                );
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{failure}"));
    }
}

/// `[refs] allow-replace` is read; replace refs are refused when it is absent, and a misspelt
/// key under `[refs]` names the right one.
#[test]
fn refs_table_allows_replace_refs() {
    let base = "[branches.main]\naccepts = \"any\"\n";
    let absent = parse(base, Origin::Preset("test")).expect("parses");
    assert!(!absent.allow_replace);
    let text = format!("{base}\n[refs]\nallow-replace = true\n");
    let allowed = parse(&text, Origin::Preset("test")).expect("parses");
    assert!(allowed.allow_replace);
    let (line, _, message, hint) = invalid(&format!("{base}\n[refs]\nallow-replaces = true\n"));
    assert_eq!(line, 5);
    assert!(message.contains("allow-replaces"), "{message}");
    assert_eq!(hint.as_deref(), Some("did you mean `allow-replace`?"));
}

/// Every preset leaves replace refs refused.
#[test]
fn presets_refuse_replace_refs() {
    for name in crate::policy::presets::names() {
        let policy = crate::policy::presets::load(name)
            .expect("the preset exists")
            .expect("the preset parses");
        assert!(!policy.allow_replace, "{name}");
    }
}
