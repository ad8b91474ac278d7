//! The policy parser on arbitrary text: an error or a policy, never a panic; a policy that
//! parses answers the questions the evaluator asks of it.
#![no_main]

use git_policy::policy::{Origin, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(policy) = parse(text, Origin::Preset("fuzz")) else {
        return;
    };
    for name in ["master", "rc", "0.12", "v0.12.0b1", "", "release/1.2"] {
        let _ = policy.branch_class(name);
        for class in &policy.tags {
            let _ = class.version_text(name);
        }
    }
    let _ = policy.reads_versions();
});
