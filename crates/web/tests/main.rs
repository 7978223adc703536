//! Back-office and portal journeys over real HTTP, on SQLite and PostgreSQL.
//!
//! One test binary per crate: each file below is a module, so the suite links once instead of
//! once per file (linking dominates a clean test build on two cores).

mod support;

mod applications;
mod basic_catalogue;
mod cache;
mod ckan;
mod consultations;
mod data;
mod data_access;
mod data_admin;
mod data_open;
mod datastore;
mod dcat;
mod dump;
mod error_codes;
mod http;
mod lists;
mod mail;
mod messages;
mod module_graph;
mod monitor;
mod openapi;
mod platform;
mod qingdan;
mod records;
mod report;
mod scorecard;
mod search;
mod sites;
mod speed;
mod tasks;
mod work_records;
