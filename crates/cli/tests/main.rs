//! The `gongkai` binary as an operator runs it: subcommands, the server process, import, crash safety,
//! audit seals and checkpoints, backup and restore, the demo county.
//!
//! One test binary per crate: each file below is a module, so the suite links once instead of
//! once per file (linking dominates a clean test build on two cores).

mod support;

mod audit_seal;
mod backup;
mod calendar_region;
mod cli;
mod crash;
mod datastore;
mod demo;
mod import;
mod outage;
mod platform_admin;
mod site_move;
mod token;
mod two_nodes;
