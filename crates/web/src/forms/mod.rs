//! Forms: reading public multipart forms with their files.

pub mod upload;
