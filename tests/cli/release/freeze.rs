//! `git policy release freeze`.
