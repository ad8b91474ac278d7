//! `git policy release bump VERSION`.
