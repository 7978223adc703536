//! The JSON API under `/api/v1` and the health check.

pub mod applications;
pub mod health;
pub mod messages;
pub mod orgs;
pub mod records;
