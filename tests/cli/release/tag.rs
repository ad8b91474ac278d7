//! `git policy release tag`.
