//! Pure types and rules of gongkai.
//!
//! This crate performs no I/O: it holds the newtypes that input is parsed into at the edge
//! (organ codes, user names, passwords), the role model with the one authorisation rule,
//! the audit hash chain, the login throttling policy and Beijing-time helpers.
//! Every other crate depends on it; it depends on none of them.

pub mod application;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod error;
pub mod index_no;
pub mod org;
pub mod record;
pub mod role;
pub mod screening;
pub mod throttle;
pub mod time;
pub mod user;

pub use error::DomainError;
