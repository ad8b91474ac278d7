//! git-policy: one TOML policy for a project's branches, versions and release tags, enforced
//! with the same verdict by client hooks, server hooks and CI.

pub mod ci;
pub mod cli;
pub mod commands;
pub mod explain;
pub mod fault;
pub mod hooks;
pub mod policy;
pub mod release;
pub mod repo;
pub mod report;
pub mod rules;
pub mod version;
