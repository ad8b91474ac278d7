//! The policy: its model, the TOML format it is written in, and the presets shipped inside.

mod model;
mod parse;
pub mod presets;

pub use model::{
    Above, Accepts, BranchClass, Calendar, Captures, Changelog, DatePart, Landing, Level, Matcher,
    Origin, PathGlob, Policy, TagClass, VersionFile, VersionRules,
};
pub use parse::{PolicyError, REGEX_SIZE_LIMIT, load, parse, path_glob};

/// The name of the committed policy file at a repository's root.
pub const FILE_NAME: &str = ".git-policy.toml";

/// The administrator's policy file inside a server repository's git directory.
pub const ADMIN_FILE_NAME: &str = "git-policy.toml";
