//! Helpers that shape values for pages, shared by the portal, the back office and the API:
//! addresses, formatting and masking of personal data.

pub mod format;
pub mod mailbox;
pub mod privacy;
pub mod urls;
