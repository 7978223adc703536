//! Helpers that shape values for pages, shared by the portal, the back office and the API:
//! addresses, formatting and masking of personal data.

pub mod chart;
pub mod dcat;
pub mod format;
pub mod mailbox;
pub mod privacy;
pub mod tables;
pub mod urls;

/// Every value of an enum's `ALL` as `(code, label)` pairs, the way a choice list (options,
/// radio buttons) reads them: `code_labels!(Rating::ALL)`. A macro because the domain's enums
/// share the two methods by name, not by a trait.
macro_rules! code_labels {
    ($all:expr) => {
        $all.iter()
            .map(|v| (v.code(), v.label()))
            .collect::<Vec<_>>()
    };
}
pub(crate) use code_labels;
