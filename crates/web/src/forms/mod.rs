//! Forms: reading them (with files) and answering a submitted step.

pub mod upload;
