//! The storage contract on SQLite and PostgreSQL.
//!
//! One test binary per crate: each file below is a module, so the suite links once instead of
//! once per file (linking dominates a clean test build on two cores).

mod audit_sites;
mod blobs;
mod cases;
mod data_access;
mod datasets;
mod datastore;
mod durability;
mod feed;
mod lane;
mod listing;
mod public_numbers;
mod reports;
mod secrets;
mod site_export;
mod story;
mod support;
mod tasks;
mod throttle;
mod typed_lists;
mod visibility;
