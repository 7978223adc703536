//! Typed reading of columns at the store boundary: codes become domain enums and stored text
//! becomes dates and instants once, when a row is read, so nothing above the store compares
//! status strings. A value the domain does not know is [`StoreError::Corrupt`], naming the
//! column and the value.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::DomainError;
use gongkai_domain::time::{parse_storage_timestamp, storage_timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

fn corrupt(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{column}：无法识别“{value}”"))
}

/// A code column parsed by the domain's `parse`.
pub(crate) fn code<T>(
    row: &AnyRow,
    column: &str,
    parse: fn(&str) -> Result<T, DomainError>,
) -> Result<T> {
    let raw: String = row.try_get(column)?;
    parse(&raw).map_err(|_| corrupt(column, &raw))
}

/// A code column where the empty string (or NULL) means "not decided yet".
pub(crate) fn opt_code<T>(
    row: &AnyRow,
    column: &str,
    parse: fn(&str) -> Result<T, DomainError>,
) -> Result<Option<T>> {
    let raw: Option<String> = row.try_get(column)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v).map(Some).map_err(|_| corrupt(column, v)),
    }
}

/// A `YYYY-MM-DD` column that must hold a date.
/// A yes/no column, stored as `0`/`1` on both engines.
pub(crate) fn flag(row: &AnyRow, column: &str) -> Result<bool> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}

pub(crate) fn date(row: &AnyRow, column: &str) -> Result<NaiveDate> {
    opt_date(row, column)?.ok_or_else(|| corrupt(column, ""))
}

/// A `YYYY-MM-DD` column that may be NULL or empty.
pub(crate) fn opt_date(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>> {
    let raw: Option<String> = row.try_get(column)?;
    match raw.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| corrupt(column, v)),
    }
}

/// A storage-timestamp column (RFC 3339 UTC) that must hold an instant.
pub(crate) fn timestamp(row: &AnyRow, column: &str) -> Result<DateTime<Utc>> {
    opt_timestamp(row, column)?.ok_or_else(|| corrupt(column, ""))
}

/// A storage-timestamp column (RFC 3339 UTC) that may be NULL or empty.
pub(crate) fn opt_timestamp(row: &AnyRow, column: &str) -> Result<Option<DateTime<Utc>>> {
    let raw: Option<String> = row.try_get(column)?;
    match raw.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => parse_storage_timestamp(v)
            .map(Some)
            .ok_or_else(|| corrupt(column, v)),
    }
}

/// Serialises an optional instant in the storage format, as the text column held it, so
/// templates and JSON see the same value they saw before the column was typed.
pub(crate) fn ser_opt_timestamp<S: serde::Serializer>(
    t: &Option<DateTime<Utc>>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&storage_timestamp(*t)),
        None => s.serialize_none(),
    }
}

/// Serialises an instant in the storage format.
pub(crate) fn ser_timestamp<S: serde::Serializer>(
    t: &DateTime<Utc>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&storage_timestamp(*t))
}

/// A domain value stored as its code (statuses, kinds, severities), for [`ser_code`].
pub(crate) trait Coded: Copy {
    /// The stored code.
    fn stored(self) -> &'static str;
}

macro_rules! coded {
    ($($t:ty),+ $(,)?) => {$(
        impl Coded for $t {
            fn stored(self) -> &'static str {
                self.code()
            }
        }
    )+};
}

coded!(
    gongkai_domain::application::ApplicationStatus,
    gongkai_domain::message::MessageStatus,
    gongkai_domain::message::MessageKind,
    gongkai_domain::consultation::ConsultationStatus,
    gongkai_domain::consultation::Moderation,
    gongkai_domain::opinion::Severity,
    gongkai_domain::opinion::OpinionStatus,
    gongkai_domain::opinion::ResponseKind,
    gongkai_domain::application::ApplicantKind,
    gongkai_domain::application::DeliveryForm,
    gongkai_domain::application::Outcome,
    gongkai_domain::message::Rating,
    gongkai_domain::consultation::Adoption,
);

/// Serialises a domain value as its stored code, so templates and JSON see the same string
/// the column held (the enums' own serde names are not always their codes).
pub(crate) fn ser_code<T: Coded, S: serde::Serializer>(
    value: &T,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(value.stored())
}

/// Serialises a value not decided yet as the empty string, as the column holds it.
pub(crate) fn ser_opt_code<T: Coded, S: serde::Serializer>(
    value: &Option<T>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(value.map_or("", Coded::stored))
}
