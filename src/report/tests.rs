//! GitHub workflow commands: what GitHub needs escaped, and where annotations say they are;
//! and the cells of the step summary's table.

use super::history::location;
use super::{code_cell, write_annotations};
use crate::rules::history::{Finding, Step};
use crate::rules::{CommitRef, Id, RuleId, Violation};

fn violation(message: &str) -> Violation {
    Violation {
        rule: RuleId::FlowForeign,
        refname: "refs/heads/master".into(),
        commits: vec![CommitRef {
            id: "0123456789abcdef0123456789abcdef01234567".into(),
            subject: "hotfix on rc".into(),
        }],
        message: message.into(),
        short: None,
        hint: Some("undo it".into()),
    }
}

fn output(f: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut out = Vec::new();
    f(&mut out);
    String::from_utf8(out).expect("utf-8")
}

/// An annotation is one line: `%` and the newlines between its parts are escaped as GitHub
/// requires, the commits and the hint are part of it, and a newline inside the message (from
/// a path, say) is shown as `\n` rather than starting a line of its own.
#[test]
fn github_annotation_escapes_its_body() {
    let v = violation("100% of it\nwould enter");
    let located = [(&v, v.refname.clone())];
    let text = output(|out| write_annotations(located.into_iter(), out).expect("written"));
    let first = text.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        r"::error title=flow/foreign on refs/heads/master::100%25 of it\nwould enter%0A0123456 hotfix on rc%0Ahint: undo it"
    );
}

/// A history annotation's title says where and when; its `:` and `,` are escaped.
#[test]
fn github_history_title_names_commit_and_date() {
    let v = violation("back-merge, again");
    let finding = Finding {
        refname: "refs/heads/master".into(),
        rule: v.rule,
        steps: vec![(
            Step {
                commit: Id([0xab; 20]),
                time: 1_700_000_000,
            },
            vec![v],
        )],
    };
    let located = [(finding.violation(), location(&finding))];
    let text = output(|out| write_annotations(located.into_iter(), out).expect("written"));
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(
            "::error title=flow/foreign on refs/heads/master at abababa (2023-11-14 22%3A13 UTC)::back-merge, again"
        ),
        "{first}"
    );
}

/// A ref name holding backticks or a `|` stays one code span in one table cell of the step
/// summary: the fence outgrows its backticks, its `|` is escaped.
#[test]
fn step_summary_keeps_a_hostile_ref_name_in_its_cell() {
    assert_eq!(code_cell("0.12"), "`0.12`");
    assert_eq!(code_cell("a`b``c"), "```a`b``c```");
    assert_eq!(code_cell("`x"), "`` `x ``");
    assert_eq!(code_cell("a|b"), r"`a\|b`");
}
