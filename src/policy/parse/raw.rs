//! The types serde reads a policy file into, also the source of its JSON Schema
//! (`git policy schema`, `schema.rs`): their doc comments are what an editor shows for each key,
//! and `schemars` attributes state in the schema what `Cx` checks after reading.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::policy::model::{Landing, Level, Mode};
use crate::policy::schema::{CALENDAR, RELATIVE_PATH};
use crate::version::{Kind, PreLetter};

/// The protected branches, which way changes may flow between them, which versions each may
/// carry and what a release tag must look like. Without a `.git-policy.toml`, the embedded
/// pytokio policy applies.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "git-policy policy file")]
pub(in crate::policy) struct RawPolicy {
    #[serde(default)]
    pub(super) version: Option<RawVersion>,
    /// Protected branches: `[branches.NAME]` is the branch NAME, or with `pattern` a class of
    /// branches. A branch belongs to the first entry that matches it; other branches are
    /// unprotected (topic branches).
    #[serde(default)]
    pub(super) branches: IndexMap<String, RawBranch>,
    /// Release tag classes: `[tags.NAME]`. A tag belongs to the first class whose pattern and
    /// kinds match it.
    #[serde(default)]
    pub(super) tags: IndexMap<String, RawTag>,
    #[serde(default)]
    pub(super) refs: RawRefs,
    /// What hooks do with a violation: `"enforce"` (refuse it; the default) or `"warn"` (show
    /// and log it, and accept the commit or push), for rolling a policy out on a busy server.
    /// `git policy check` exits 1 on a violation either way.
    #[serde(default)]
    pub(super) mode: Mode,
}

/// `[refs]`: refs other than branches and tags.
#[derive(Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Refs")]
pub(super) struct RawRefs {
    /// `refs/replace/*` may be pushed; replace refs make git show another object in place of
    /// a release's, so they are refused by default.
    #[serde(default)]
    pub(super) allow_replace: bool,
}

/// Where the version lives.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Version")]
pub(super) struct RawVersion {
    /// The version files, which must all agree. `*.py`: `__version__ = "..."`;
    /// `pyproject.toml`: `project.version`; `Cargo.toml`: `package.version`; anything else: the
    /// whole file. A glob (`python_modules/**/version.py`) names every file it matches.
    #[schemars(with = "Vec<RawFile>")]
    pub(super) files: Spanned<Vec<RawFile>>,
}

/// A version file: a path, or `{ path, regex }` to read the version with a regex.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "VersionFile")]
pub(super) enum RawFile {
    /// A path from the repository root, with `/` separators; its name says how the version is
    /// read.
    Path(#[schemars(regex(pattern = RELATIVE_PATH))] String),
    /// A file read with a regex.
    Regex {
        /// A path from the repository root, with `/` separators.
        #[schemars(regex(pattern = RELATIVE_PATH))]
        path: String,
        /// A regex with a named group `version`, or `major` (with `minor`, `micro`, `a`, `b`,
        /// `rc`, `post`, `dev`).
        #[schemars(regex(pattern = r"\(\?P?<(version|major)>"))]
        regex: String,
    },
}

/// A protected branch, or with `pattern` a class of branches.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    rename = "Branch",
    // A linear branch cannot take a merge commit, as `Cx::landing` checks.
    extend(
        "if" = { "properties": { "linear": { "const": true } }, "required": ["linear"] },
        "then" = { "properties": { "lands": { "not": { "const": "merge" } } } }
    )
)]
pub(super) struct RawBranch {
    /// A regex (Rust syntax, ASCII classes) matching the branch names of this class, with named
    /// groups for `version.matches`, e.g. `'^(?P<major>[0-9]+)\.(?P<minor>[0-9]+)$'`. Without
    /// it the class is the one branch named by the key.
    #[schemars(with = "Option<String>")]
    pub(super) pattern: Option<Spanned<String>>,
    /// Which branches may bring commits in: `"any"` (any unprotected branch), or a list of
    /// branch names from this file, which may include `"any"`.
    #[schemars(schema_with = "crate::policy::schema::accepts")]
    pub(super) accepts: Spanned<toml::Value>,
    pub(super) version: Option<RawBranchVersion>,
    /// Every update keeps the old tip on the new tip's first-parent chain (no foxtrot merges).
    #[serde(default)]
    pub(super) first_parent: bool,
    /// No merge commits may enter.
    #[serde(default)]
    pub(super) linear: bool,
    /// A `(cherry picked from commit X)` line must name a commit of an allowed source.
    #[serde(default)]
    pub(super) cherry_pick: bool,
    /// How pull requests land on this branch, and so what CI judges: `"merge"` (a merge
    /// commit), `"rebase"` (the head's commits replayed onto the base) or `"squash"` (one
    /// commit). Default: `"rebase"` on a `linear` branch, else `"merge"`.
    #[schemars(with = "Option<Landing>")]
    pub(super) lands: Option<Spanned<Landing>>,
}

/// The versions the branch may carry.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "BranchVersion")]
pub(super) struct RawBranchVersion {
    /// The kinds of version allowed (default: every kind).
    pub(super) kinds: Option<Vec<Kind>>,
    /// The pre-release letters allowed (default: every letter).
    pub(super) pre: Option<Vec<PreLetter>>,
    pub(super) above: Option<RawAbove>,
    /// A PEP 440 specifier the version must satisfy, with the branch pattern's named groups in
    /// braces, e.g. `"=={major}.{minor}.*"`.
    #[schemars(with = "Option<String>")]
    pub(super) matches: Option<Spanned<String>>,
    /// The version never goes down.
    #[serde(default = "yes")]
    pub(super) monotonic: bool,
    /// New commits on the branch carry a version above its last release tag's.
    #[serde(default)]
    pub(super) ahead_of_tags: bool,
}

/// This branch's version is above another branch's by at least one `by`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Above")]
pub(super) struct RawAbove {
    /// The branch (a key under `[branches]`) this one stays above.
    #[schemars(with = "String")]
    pub(super) branch: Spanned<String>,
    /// How far above: at least one major, minor or micro, or any greater version.
    #[serde(default = "minor")]
    pub(super) by: Level,
}

/// A class of release tags.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "Tag")]
pub(super) struct RawTag {
    /// The tag name with a `{version}` placeholder, e.g. `"v{version}"`.
    #[schemars(with = "String", regex(pattern = r"\{version\}"))]
    pub(super) pattern: Spanned<String>,
    /// The kinds of version these tags may name (default: every kind).
    pub(super) kinds: Option<Vec<Kind>>,
    /// The pre-release letters allowed (default: every letter).
    pub(super) pre: Option<Vec<PreLetter>>,
    /// The branches (keys under `[branches]`) a tagged commit must be on.
    #[schemars(with = "Option<Vec<String>>")]
    pub(super) on: Option<Spanned<Vec<String>>>,
    /// A tag is never moved.
    #[serde(default = "yes")]
    pub(super) immutable: bool,
    /// A tag may be deleted.
    #[serde(default)]
    pub(super) deletable: bool,
    /// How the tag's version is compared with the tagged commit's: `"exact"`, or `"release"`
    /// to compare only `X.Y.Z`.
    #[serde(default)]
    pub(super) version_match: VersionMatch,
    pub(super) changelog: Option<RawChangelog>,
    /// A final release needs a pre-release of it (any letter) tagged on its commit or an
    /// ancestor.
    #[serde(default)]
    pub(super) requires_pre_release: bool,
    /// Which release components are the tag's date, dot-separated: date tokens `YYYY`,
    /// `YY`/`0Y` (the year's last two digits), `MM`/`0M`, `DD`/`0D`, any other word a free
    /// number, e.g. `"YY.N.patch"`. The date is an annotated tag's tagger date, else the
    /// tagged commit's committer date.
    #[schemars(with = "Option<String>", regex(pattern = CALENDAR))]
    pub(super) calendar: Option<Spanned<String>>,
}

/// How the tag's version is compared with the tagged commit's.
#[derive(Deserialize, serde::Serialize, JsonSchema, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub(super) enum VersionMatch {
    /// The versions are equal.
    #[default]
    Exact,
    /// Only the release numbers `X.Y.Z` are compared.
    Release,
}

/// The changelog must have an entry for the tagged version.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Changelog")]
pub(super) struct RawChangelog {
    /// The changelog's path from the repository root, with `/` separators.
    #[schemars(with = "String", regex(pattern = RELATIVE_PATH))]
    pub(super) file: Spanned<String>,
    /// A regex matching the entry's heading line, in which `{version}` stands for the
    /// version, e.g. `'^## \[{version}\]'`.
    #[schemars(with = "String")]
    pub(super) heading: Spanned<String>,
}

fn yes() -> bool {
    true
}

fn minor() -> Level {
    Level::Minor
}
