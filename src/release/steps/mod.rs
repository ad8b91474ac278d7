//! One module per release step; each computes a [`super::Step`] (objects built, no ref moved).

pub mod branch;
pub mod bump;
pub mod freeze;
pub mod merge;
pub mod plan;
pub mod port;
pub mod tag;
