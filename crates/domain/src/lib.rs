//! Pure types and rules of gongkai.
//!
//! This crate performs no I/O: it holds the newtypes that input is parsed into at the edge
//! (organ codes, user names, passwords), the role model with the one authorisation rule,
//! the audit hash chain, the login throttling policy and Beijing-time helpers.
//! Every other crate depends on it; it depends on none of them.

/// Declares a closed set of values with a stable stored code and an official Chinese label.
///
/// The values serialise as their variant names in snake case and read back from them; with
/// `as_code` in front they serialise as the stored code instead, so templates and the API see
/// exactly what the database holds.
macro_rules! coded {
    (as_code $(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        coded!(@enum [$(#[$meta])*] $name { $($(#[$vmeta])* $variant => ($code, $label)),+ });

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        coded!(@enum [
            $(#[$meta])*
            #[derive(serde::Serialize, serde::Deserialize)]
            #[serde(rename_all = "snake_case")]
        ] $name { $($(#[$vmeta])* $variant => ($code, $label)),+ });
    };
    (@enum [$($attr:tt)*] $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal)),+ }) => {
        $($attr)*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Stable code as stored.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            /// The official Chinese label.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            /// Parses a code or a label.
            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                let raw = raw.trim();
                Self::ALL.iter().copied().find(|v| v.code() == raw || v.label() == raw)
                    .ok_or_else(|| DomainError::with(stringify!($name), $crate::ErrorCode::ValueUnrecognised, &[("value", &raw)]))
            }
        }
    };
}

/// The text accessor of a newtype over a checked `String`: `as_str` (documented by the given
/// line) and, with `Display`, printing the text as it is.
macro_rules! text_newtype {
    ($name:ident, $doc:literal) => {
        impl $name {
            #[doc = $doc]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
    ($name:ident, $doc:literal, Display) => {
        text_newtype!($name, $doc);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

pub mod application;
pub mod audit;
pub mod basic_catalogue;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod consultation;
pub mod data_access;
pub mod data_chart;
pub mod dataset;
pub mod error;
pub mod files;
pub mod finding;
pub mod index_no;
pub mod message;
pub mod monitor;
pub mod opinion;
pub mod org;
pub mod outbox;
pub mod paging;
pub mod pii;
pub mod record;
pub mod report;
pub mod role;
pub mod scorecard;
pub mod screening;
pub mod site;
pub mod task;
pub mod throttle;
pub mod time;
pub mod typed_list;
pub mod urls;
pub mod user;
pub mod work_record;

pub use error::{DomainError, ErrorCode, FieldErrors, Refusal};

/// Why a typed name was refused by [`plain_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameFault {
    /// Too short or too long.
    Length,
    /// It holds a control character.
    Control,
}

/// A name typed on one line (an organisation's, a person's, a mailbox's): `raw` without
/// surrounding white space, if it is `chars` characters long (checked first) and holds no
/// control character.
fn plain_name(raw: &str, chars: std::ops::RangeInclusive<usize>) -> Result<&str, NameFault> {
    let name = raw.trim();
    if !chars.contains(&name.chars().count()) {
        Err(NameFault::Length)
    } else if name.chars().any(char::is_control) {
        Err(NameFault::Control)
    } else {
        Ok(name)
    }
}

/// Helpers for the crate's unit tests.
#[cfg(test)]
mod testing {
    /// Asserts, for each `(input, accepted)` of `cases`, whether `parse` accepts the input.
    pub(crate) fn assert_accepts<T, E>(
        parse: impl Fn(&str) -> Result<T, E>,
        cases: &[(&str, bool)],
    ) {
        for &(raw, accepted) in cases {
            assert_eq!(parse(raw).is_ok(), accepted, "{raw}");
        }
    }
}
