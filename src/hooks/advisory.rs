//! Warn mode (`mode = "warn"`): a hook shows the violations it would refuse, logs them in the
//! git directory and accepts, so a policy can be rolled out on a busy server before it refuses
//! anything.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use crate::rules::Violation;

/// The log, in the repository's (common) git directory, beside the administrator's policy.
pub const LOG_FILE_NAME: &str = "git-policy-warn.log";

/// Appends one line per violation to the log in `git_dir`, tab-separated: when, who pushed
/// (`REMOTE_USER`, gitolite's `GL_USER`, else `USER`), what was judged, the rule, the ref, why.
pub fn log(git_dir: &Path, subject: &str, violations: &[Violation]) -> std::io::Result<()> {
    let who = ["REMOTE_USER", "GL_USER", "USER"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "-".to_owned());
    let now = jiff::Timestamp::now();
    let mut text = String::new();
    for v in violations {
        let _ = writeln!(
            text,
            "{now}\t{}\t{}\t{}\t{}\t{}",
            field(&who),
            field(subject),
            v.rule,
            field(&v.refname),
            field(&v.message)
        );
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(git_dir.join(LOG_FILE_NAME))?
        .write_all(text.as_bytes())
}

/// A value on one line of the log: no tabs, line breaks or other control characters.
fn field(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleId;

    /// Each violation is one tab-separated line, whatever its message holds.
    #[test]
    fn a_violation_is_one_line_of_the_log() {
        let dir = tempfile::tempdir().expect("dir");
        let violation = Violation {
            rule: RuleId::FlowForeign,
            refname: "refs/heads/master".into(),
            commits: Vec::new(),
            message: "two\nlines\twith a tab".into(),
            short: None,
            hint: None,
        };
        log(dir.path(), "the push", &[violation.clone(), violation]).expect("logged");
        let text = std::fs::read_to_string(dir.path().join(LOG_FILE_NAME)).expect("log");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let fields: Vec<&str> = lines[0].split('\t').collect();
        assert_eq!(fields.len(), 6, "{text}");
        assert_eq!(
            &fields[2..],
            [
                "the push",
                "flow/foreign",
                "refs/heads/master",
                "two lines with a tab"
            ]
        );
    }
}
