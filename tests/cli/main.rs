//! End-to-end tests: real repositories made with the `git` CLI, the real binary run as git
//! runs it, pushes to real bare repositories with the hooks installed.

mod advisory;
mod attacks;
mod audit;
mod broken_state;
mod check;
mod ci;
mod damaged_graph;
mod dates;
mod errors;
mod explain;
mod fixtures;
mod fresh;
mod generator;
mod graph;
mod graphless;
mod harness;
mod hints;
mod history;
mod hooks;
mod index;
mod init;
mod inputs;
mod install;
mod install_sh;
mod json_errors;
mod landing;
mod load;
mod local_update;
mod managers;
mod namespaces;
mod one_at_a_time;
mod output;
mod precommit;
mod presets;
mod properties;
mod pyversion;
mod race;
mod rawpush;
mod refnames;
mod reftable;
mod release;
mod renamed;
mod replay;
mod revisions;
mod schema;
mod server;
mod setup;
/// The benchmark's history generator, shared with `bench/gen-history.rs`.
#[path = "../../bench/history.rs"]
mod synthetic;
mod transports;
mod wheel;
mod wording;

/// The pytokio preset with one piece of text replaced, for policies that differ in one place.
pub fn preset_with(from: &str, to: &str) -> String {
    let text = include_str!("../../policy/pytokio.toml");
    assert!(
        text.contains(from),
        "the preset no longer contains {from:?}"
    );
    text.replace(from, to)
}
