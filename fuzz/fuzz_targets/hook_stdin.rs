//! The ref lines git writes to `pre-push` and `pre-receive`: parsed or refused naming a line,
//! never a panic, never a line skipped.
#![no_main]

use git_policy::hooks::stdin::{parse_pre_push, parse_pre_receive};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let lines = input.lines().filter(|l| !l.trim().is_empty()).count();
    for parsed in [parse_pre_push(input), parse_pre_receive(input)] {
        match parsed {
            Ok(updates) => {
                assert_eq!(updates.len(), lines, "one update per non-blank line");
                assert!(updates.iter().all(|u| u.refname.starts_with("refs/")));
            }
            Err(err) => assert!(err.line >= 1 && err.line <= input.lines().count()),
        }
    }
});
