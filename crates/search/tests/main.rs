//! The search index through its public API, and recall over the real corpus.
//!
//! One test binary per crate: each file below is a module, so the suite links once instead of
//! once per file (linking dominates a clean test build on two cores).

mod common;

mod api;
mod recall;
