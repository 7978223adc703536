//! The citizen-submission use cases on SQLite and PostgreSQL: a valid submission is stored with
//! its audit entry (and change-feed row), an invalid one writes nothing, and the rate limit
//! refuses the submission past it.
//!
//! One test binary per crate: each file below is a module.

mod applications;
mod comments;
mod lists;
mod messages;
mod reports;
mod support;
