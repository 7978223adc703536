//! Typed reading of columns at the store boundary: codes become domain enums and stored text
//! becomes dates and instants once, when a row is read, so nothing above the store compares
//! status strings. A value the domain does not know is [`StoreError::Corrupt`], naming the
//! column and the value.

use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::DomainError;
use gongkai_domain::time::{parse_storage_timestamp, storage_timestamp};
use rusqlite::types::{FromSqlError, FromSqlResult, ValueRef};
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

/// A value a column holds, readable from both of the store's readers: sqlx (every statement, on
/// either engine) and the SQLite read lane ([`crate::lane`], rusqlite).
pub trait Value: Sized + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> {
    /// The value as the read lane finds it in SQLite.
    fn from_lane(value: ValueRef<'_>) -> FromSqlResult<Self>;
}

impl Value for i64 {
    fn from_lane(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_i64()
    }
}

impl Value for String {
    /// Text checked with SIMD: a record's body is mostly three-byte characters, which the
    /// standard library's check takes one at a time (9 % of an uncached record page).
    fn from_lane(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let ValueRef::Text(bytes) = value else {
            return Err(FromSqlError::InvalidType);
        };
        simdutf8::basic::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl<T: Value> Value for Option<T> {
    fn from_lane(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Null => Ok(None),
            v => T::from_lane(v).map(Some),
        }
    }
}

/// A result row either reader gave: its columns by name. Row types read through this, so one
/// `from_row` serves sqlx's rows and the read lane's alike.
pub trait Cells {
    /// The value of `column`.
    fn cell<T: Value>(&self, column: &str) -> Result<T>;
}

impl Cells for AnyRow {
    fn cell<T: Value>(&self, column: &str) -> Result<T> {
        Ok(sqlx::Row::try_get(self, column)?)
    }
}

/// A row of the read lane with its statement's column names, looked up in Rust (rusqlite's
/// own lookup by name asks SQLite for every column's name, then compares them ignoring case).
pub(crate) struct LaneRow<'a> {
    /// The row.
    row: &'a rusqlite::Row<'a>,
    /// The statement's column names, in order (see `ReadLane::column_names`).
    names: &'a [Box<str>],
    /// Where the next column is looked for first: rows are mostly read in the statement's order.
    /// (A lane statement names each column once.)
    next: std::cell::Cell<usize>,
}

impl<'a> LaneRow<'a> {
    /// A row of a statement on the read lane whose columns are called `names`.
    pub(crate) fn new(row: &'a rusqlite::Row<'a>, names: &'a [Box<str>]) -> Self {
        Self {
            row,
            names,
            next: std::cell::Cell::new(0),
        }
    }
}

impl Cells for LaneRow<'_> {
    fn cell<T: Value>(&self, column: &str) -> Result<T> {
        let named = |i: usize| self.names.get(i).is_some_and(|n| **n == *column);
        let next = self.next.get();
        let index = if named(next) {
            next
        } else {
            (0..self.names.len())
                .find(|&i| named(i))
                .ok_or_else(|| rusqlite::Error::InvalidColumnName(column.to_owned()))?
        };
        self.next.set(index + 1);
        let value = self.row.get_ref(index)?;
        T::from_lane(value).map_err(|e| StoreError::Corrupt(format!("{column}：{e}")))
    }
}

fn corrupt(column: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{column}：无法识别“{value}”"))
}

/// A code column parsed by the domain's `parse`.
pub(crate) fn code<T>(
    row: &impl Cells,
    column: &str,
    parse: fn(&str) -> Result<T, DomainError>,
) -> Result<T> {
    let raw: String = row.cell(column)?;
    parse(&raw).map_err(|_| corrupt(column, &raw))
}

/// A code column where the empty string (or NULL) means "not decided yet".
pub(crate) fn opt_code<T>(
    row: &impl Cells,
    column: &str,
    parse: fn(&str) -> Result<T, DomainError>,
) -> Result<Option<T>> {
    let raw: Option<String> = row.cell(column)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => parse(v).map(Some).map_err(|_| corrupt(column, v)),
    }
}

/// A yes/no column, stored as `0`/`1` on both engines.
pub(crate) fn flag(row: &impl Cells, column: &str) -> Result<bool> {
    Ok(row.cell::<i64>(column)? != 0)
}

/// A `YYYY-MM-DD` column that must hold a date.
pub(crate) fn date(row: &impl Cells, column: &str) -> Result<NaiveDate> {
    opt_date(row, column)?.ok_or_else(|| corrupt(column, ""))
}

/// A `YYYY-MM-DD` column that may be NULL or empty.
pub(crate) fn opt_date(row: &impl Cells, column: &str) -> Result<Option<NaiveDate>> {
    let raw: Option<String> = row.cell(column)?;
    match raw.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| corrupt(column, v)),
    }
}

/// A storage-timestamp column (RFC 3339 UTC) that must hold an instant.
pub(crate) fn timestamp(row: &impl Cells, column: &str) -> Result<DateTime<Utc>> {
    opt_timestamp(row, column)?.ok_or_else(|| corrupt(column, ""))
}

/// A storage-timestamp column (RFC 3339 UTC) that may be NULL or empty.
pub(crate) fn opt_timestamp(row: &impl Cells, column: &str) -> Result<Option<DateTime<Utc>>> {
    let raw: Option<String> = row.cell(column)?;
    match raw.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => parse_storage_timestamp(v)
            .map(Some)
            .ok_or_else(|| corrupt(column, v)),
    }
}

/// A field read from the column of a row that bears its name: plain values as stored, codes
/// as domain enums, text as dates and instants, `0`/`1` as yes/no. One reader per type, so a
/// row type lists its fields once (see [`from_row!`]).
pub(crate) trait Column: Sized {
    /// The value of `column` in `row`.
    fn read(row: &impl Cells, column: &str) -> Result<Self>;
}

/// Implements [`Column`] for each type by a function of the row and the column's name.
macro_rules! column_reader {
    ($($t:ty => $read:expr),+ $(,)?) => {$(
        impl Column for $t {
            fn read(row: &impl Cells, column: &str) -> Result<Self> {
                $read(row, column)
            }
        }
    )+};
}

/// A value as the driver decodes it.
fn as_is<T: Value>(row: &impl Cells, column: &str) -> Result<T> {
    row.cell(column)
}

column_reader!(
    i64 => as_is,
    String => as_is,
    Option<i64> => as_is,
    Option<String> => as_is,
    bool => flag,
    NaiveDate => date,
    Option<NaiveDate> => opt_date,
    DateTime<Utc> => timestamp,
    Option<DateTime<Utc>> => opt_timestamp,
);

/// Domain enums stored as their codes: read, the value must be one the domain knows (as an
/// `Option` the empty string means "not decided yet", see [`opt_code`]); written out, the code.
macro_rules! code_column {
    ($($t:ty),+ $(,)?) => {
        $(impl Coded for $t {
            fn stored(self) -> &'static str {
                self.code()
            }
        })+
        column_reader!($(
            $t => |row, column| code(row, column, <$t>::parse),
            Option<$t> => |row, column| opt_code(row, column, <$t>::parse),
        )+);
    };
}

code_column!(
    gongkai_domain::application::ApplicantKind,
    gongkai_domain::application::ApplicationStatus,
    gongkai_domain::application::ChallengeKind,
    gongkai_domain::application::ChallengeResult,
    gongkai_domain::basic_catalogue::Audience,
    gongkai_domain::basic_catalogue::Level,
    gongkai_domain::basic_catalogue::Method,
    gongkai_domain::application::DeliveryForm,
    gongkai_domain::application::Outcome,
    gongkai_domain::consultation::Adoption,
    gongkai_domain::consultation::ConsultationStatus,
    gongkai_domain::consultation::Moderation,
    gongkai_domain::data_access::AccessStatus,
    gongkai_domain::message::MessageKind,
    gongkai_domain::message::MessageStatus,
    gongkai_domain::message::Rating,
    gongkai_domain::opinion::OpinionStatus,
    gongkai_domain::opinion::ResponseKind,
    gongkai_domain::opinion::Severity,
    gongkai_domain::outbox::MailStatus,
    gongkai_domain::record::CorrectionStatus,
    gongkai_domain::record::Disclosure,
    gongkai_domain::record::ExemptionGround,
    gongkai_domain::record::InterpretationForm,
    gongkai_domain::record::RecordKind,
    gongkai_domain::record::RecordStatus,
    gongkai_domain::record::Validity,
    gongkai_domain::role::Role,
    gongkai_domain::work_record::WorkKind,
    gongkai_domain::dataset::DatasetStatus,
    gongkai_domain::dataset::Frequency,
    gongkai_domain::dataset::Openness,
    gongkai_domain::task::TaskKind,
    gongkai_domain::task::TaskStatus,
    gongkai_domain::task::ReportState,
    gongkai_domain::task::EvaluationKind,
    gongkai_domain::finding::FindingSource,
    gongkai_domain::finding::FindingStatus,
    gongkai_domain::typed_list::RowStatus,
);

/// Implements [`FromRow`](crate::sql::FromRow) for a struct whose fields are each read from the
/// column of the same name ([`Column`]); fields after `;` are given by expressions instead,
/// which may read the row by the name given in brackets (`Type(row) => …`).
macro_rules! from_row {
    ($t:ident => $($rest:tt)+) => {
        $crate::column::from_row!($t(row) => $($rest)+);
    };
    ($t:ident($row:ident) => $($field:ident),+ $(,)? $(; $($extra:ident: $value:expr),+ $(,)?)?) => {
        impl $crate::sql::FromRow for $t {
            fn from_row($row: &impl $crate::column::Cells) -> $crate::Result<Self> {
                Ok(Self {
                    $($field: $crate::column::Column::read($row, stringify!($field))?,)+
                    $($($extra: $value,)+)?
                })
            }
        }
    };
}
pub(crate) use from_row;

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
