//! The policy: its model, the TOML format it is written in, and the presets shipped inside.

mod model;
mod parse;
pub mod presets;
mod schema;

pub use model::{
    Above, Accepts, BranchClass, Calendar, Captures, Changelog, DatePart, Landing, Level, Matcher,
    Mode, Origin, PathGlob, Policy, TagClass, VersionFile, VersionRules,
};
pub use parse::{PolicyError, REGEX_SIZE_LIMIT, load, parse, path_glob};
pub use schema::schema;

/// The name of the committed policy file at a repository's root.
pub const FILE_NAME: &str = ".git-policy.toml";

/// The policy file's JSON Schema (`git policy schema`), written beside it by `git policy init`
/// and named by the `#:schema` line every preset starts with, for editors.
pub const SCHEMA_FILE_NAME: &str = ".git-policy.schema.json";

/// The administrator's policy file inside a server repository's git directory.
pub const ADMIN_FILE_NAME: &str = "git-policy.toml";
