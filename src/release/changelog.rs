//! The changelog heading a tag class asks for: whether a changelog has it, the heading
//! rendered for a version and a day (`## [1.2.3] - 2026-12-02`, `1.2.3 (2026-12-02)`,
//! `Twisted 24.3.0rc1 (2026-12-02)`), and an empty section for it put where the releases are.

use pep440_rs::Version;
use regex_lite::{Regex, RegexBuilder};

use crate::version;

/// A version word where a heading says `{version}`.
const VERSION_WORD: &str = r"([0-9][0-9A-Za-z.!+_-]*)";

fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(&format!("(?m){pattern}"))
        .size_limit(crate::policy::REGEX_SIZE_LIMIT)
        .build()
        .ok()
}

/// Whether `text` has the heading `heading` (the policy's regex template) for `version`,
/// spelled normalized, as the tag spells it (`spelled`), or any way PEP 440 reads as it.
pub fn has_entry(heading: &str, text: &str, version: &Version, spelled: &str) -> bool {
    let exact = format!(
        r"(?:{}|{})\b",
        regex_lite::escape(&version.to_string()),
        regex_lite::escape(spelled)
    );
    if compile(&heading.replace("{version}", &exact)).is_some_and(|r| r.is_match(text)) {
        return true;
    }
    let Some(any) = compile(&heading.replace("{version}", VERSION_WORD)) else {
        return false;
    };
    any.captures_iter(text).any(|caps| {
        caps.iter().skip(1).flatten().any(|word| {
            let word = word.as_str().trim_end_matches(['.', '-', '_']);
            version::parse(word).is_ok_and(|v| v == *version)
        })
    })
}

/// The heading for `version` on `today`, when the template is simple enough to write out
/// (literal text, `{version}`, a `YYYY-MM-DD` date, optional groups, which are left out) and
/// the result is one the template matches.
pub fn render(heading: &str, version: &Version, today: jiff::civil::Date) -> Option<String> {
    let mut template = heading
        .trim_start_matches('^')
        .trim_end_matches('$')
        .to_owned();
    for date in [
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        r"\d{4}-\d{2}-\d{2}",
        "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
    ] {
        template = template.replace(date, "\u{1}");
    }
    template = template.replace("{version}", "\u{2}");
    let template = drop_optional_groups(&template)?;
    let mut out = String::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) if next.is_ascii_punctuation() || next == ' ' => out.push(next),
                _ => return None,
            },
            '[' | ']' | '(' | ')' | '*' | '+' | '?' | '{' | '}' | '|' | '.' => return None,
            '\u{1}' => out.push_str(&today.strftime("%Y-%m-%d").to_string()),
            '\u{2}' => out.push_str(&version.to_string()),
            other => out.push(other),
        }
    }
    has_entry(heading, &out, version, &version.to_string()).then_some(out)
}

/// `template` without its `(?:...)?` groups; `None` where a group is not closed.
fn drop_optional_groups(template: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("(?:") {
        out.push_str(&rest[..start]);
        let mut depth = 0usize;
        let mut end = None;
        let bytes = rest.as_bytes();
        let mut i = start;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let end = end?;
        if rest.as_bytes().get(end + 1) != Some(&b'?') {
            return None;
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// `text` with an empty section headed `line` before the first release's heading (a heading
/// the template matches for any version), else after a Markdown title, else at the top. Where
/// the releases' headings are underlined (reStructuredText), the new one is too.
pub fn insert(text: &str, heading: &str, line: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let any = compile(&heading.replace("{version}", VERSION_WORD));
    let first = any
        .as_ref()
        .and_then(|r| lines.iter().position(|l| r.is_match(l)));
    let underline = first
        .and_then(|i| lines.get(i + 1))
        .and_then(|next| underline_char(next));
    let at = match first {
        Some(i) => i,
        None => match lines.first() {
            Some(title) if title.starts_with("# ") => {
                1 + usize::from(lines.get(1).is_some_and(|l| l.trim().is_empty()))
            }
            _ => 0,
        },
    };
    let mut section = vec![line.to_owned()];
    if let Some(c) = underline {
        section.push(c.to_string().repeat(line.chars().count()));
    }
    section.push(String::new());
    section.push(String::new());
    let mut out: Vec<String> = lines[..at].iter().map(|l| (*l).to_owned()).collect();
    out.extend(section);
    out.extend(lines[at..].iter().map(|l| (*l).to_owned()));
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

/// The character a reStructuredText underline repeats, when `line` is one.
fn underline_char(line: &str) -> Option<char> {
    let line = line.trim_end();
    let first = line.chars().next()?;
    (line.len() >= 3 && first.is_ascii_punctuation() && line.chars().all(|c| c == first))
        .then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        crate::version::parse(text).expect("a version")
    }

    const DAY: jiff::civil::Date = jiff::civil::date(2026, 12, 2);

    /// Each preset's heading template renders to a heading it matches.
    #[test]
    fn presets_headings_render() {
        let cases = [
            (
                r"^## \[{version}\] - [0-9]{4}-[0-9]{2}-[0-9]{2}",
                "## [1.2.3] - 2026-12-02",
            ),
            (
                r"^{version} \([0-9]{4}-[0-9]{2}-[0-9]{2}\)",
                "1.2.3 (2026-12-02)",
            ),
            (
                r"^Twisted(?: [A-Za-z0-9_]+)? {version} \([0-9]{4}-[0-9]{2}-[0-9]{2}\)",
                "Twisted 1.2.3 (2026-12-02)",
            ),
        ];
        for (template, heading) in cases {
            assert_eq!(render(template, &v("1.2.3"), DAY).as_deref(), Some(heading));
        }
        assert_eq!(render(r"^v(\d+) {version}", &v("1.2.3"), DAY), None);
    }

    /// A heading is found however the version is spelled, and not for another version.
    #[test]
    fn entries_are_found_by_version() {
        let template = r"^{version} \([0-9]{4}-[0-9]{2}-[0-9]{2}\)";
        let text = "Changes\n=======\n\n1.2.3rc1 (2026-01-01)\n---\n";
        assert!(has_entry(template, text, &v("1.2.3rc1"), "1.2.3-rc1"));
        assert!(has_entry(
            template,
            "1.2.3.rc1 (2026-01-01)",
            &v("1.2.3rc1"),
            "x"
        ));
        assert!(!has_entry(template, text, &v("1.2.3"), "1.2.3"));
    }

    /// The section goes before the newest release, underlined as the others are.
    #[test]
    fn section_goes_before_the_newest_release() {
        let template = r"^{version} \([0-9]{4}-[0-9]{2}-[0-9]{2}\)";
        let text = "Changelog\n=========\n\n1.2.2 (2026-01-01)\n------------------\n\n- a fix\n";
        let out = insert(text, template, "1.2.3 (2026-12-02)");
        assert_eq!(
            out,
            "Changelog\n=========\n\n1.2.3 (2026-12-02)\n------------------\n\n\n1.2.2 (2026-01-01)\n------------------\n\n- a fix\n"
        );
        let md = insert(
            "# Changelog\n\nnothing yet\n",
            r"^## \[{version}\]",
            "## [1.0.0]",
        );
        assert_eq!(md, "# Changelog\n\n## [1.0.0]\n\n\nnothing yet\n");
    }
}
