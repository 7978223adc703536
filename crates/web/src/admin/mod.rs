//! The staff back office. Every route here is registered through the router's `guarded`
//! helper except the login form itself.

pub mod applications;
pub mod audit;
pub mod basic_catalogue;
pub mod calendar;
pub mod catalogue;
pub mod consultations;
pub mod dashboard;
pub mod data;
pub mod data_access;
pub mod desk;
pub mod findings;
pub mod forms;
pub mod letter_templates;
pub mod lists;
pub mod login;
pub mod messages;
pub mod monitor;
pub mod opinions;
pub mod orgs;
pub mod outbox;
pub mod platform;
pub mod records;
pub mod report;
pub mod scorecard;
pub mod tasks;
pub mod users;
pub mod work_records;
