//! The JSON Schema of the policy file, derived from the types the parser reads it into, for
//! editors that complete and document TOML keys (taplo, Even Better TOML).
//!
//! The parser decides; the schema states what it can of the same rules (keys, types, enums,
//! required keys, path and placeholder shapes). What it cannot state (branch names that must be
//! defined, regexes that must compile, `above` cycles) only the parser refuses.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use super::parse::RawPolicy;

/// A path inside the repository, as `relative_path` checks it: not absolute, no empty or `..`
/// component, `/` separators only.
pub(super) const RELATIVE_PATH: &str = r"^(?!(.*/)?\.\.(/|$))[^/\\]+(/[^/\\]+)*$";

/// A calendar scheme, as `Cx::calendar` checks it: dot-separated tokens, each a date token or a
/// word that is not spelt only with date letters, at least one of them a date token.
pub(super) const CALENDAR: &str = concat!(
    r"^(?=(.*\.)?(YYYY|YY|0Y|MM|0M|DD|0D)(\.|$))",
    r"(YYYY|YY|0Y|MM|0M|DD|0D|[^.]*[^.YMDW0][^.]*)",
    r"(\.(YYYY|YY|0Y|MM|0M|DD|0D|[^.]*[^.YMDW0][^.]*))*$"
);

/// The schema, in draft 7, which every editor's validator reads.
pub fn schema() -> Schema {
    SchemaSettings::draft07()
        .with_transform(RecursiveTransform(tidy))
        .into_generator()
        .into_root_schema_for::<RawPolicy>()
}

/// TOML has no null, so an optional key is one left out, never a null; a description is
/// Markdown, its doc comment's lines joined within each paragraph.
fn tidy(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::String(text)) = object.get_mut("description") {
        *text = text
            .split("\n\n")
            .map(|paragraph| paragraph.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    if let Some(Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(any)) = object.get_mut("anyOf") {
        any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
        if let [Value::Object(only)] = any.as_slice() {
            let only = only.clone();
            object.remove("anyOf");
            object.extend(only);
        }
    }
}

/// `accepts`: `"any"` or one branch name, or a list of them.
pub(super) fn accepts(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "anyOf": [
            { "type": "string", "examples": ["any"] },
            { "type": "array", "items": { "type": "string" }, "examples": [["master"], ["any", "rc"]] }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DatePart;

    /// The calendar pattern names exactly the date tokens the parser knows.
    #[test]
    fn calendar_pattern_names_every_date_token() {
        let tokens: Vec<&str> = DatePart::TOKENS.iter().map(|(t, _)| *t).collect();
        let listed = format!("({}", tokens.join("|"));
        assert_eq!(CALENDAR.matches(&listed).count(), 3, "{CALENDAR}");
        let ends = [format!("{listed})"), format!("{listed}|")];
        assert!(
            ends.iter().all(|end| CALENDAR.contains(end.as_str())),
            "{CALENDAR}"
        );
    }

    /// The schema documents the keys an editor completes.
    #[test]
    fn schema_documents_every_section() {
        let schema = serde_json::to_value(schema()).expect("serialises");
        let text = schema.to_string();
        for key in [
            "accepts",
            "ahead-of-tags",
            "requires-pre-release",
            "version-match",
        ] {
            assert!(text.contains(&format!("\"{key}\"")), "no {key}: {text}");
        }
        assert_eq!(schema["title"], "git-policy policy file");
        assert_eq!(schema["additionalProperties"], false);
    }
}
