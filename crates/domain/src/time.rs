//! Beijing time and the one timestamp format used in storage.
//!
//! Instants are stored in UTC; every date a citizen or a deadline sees is in Beijing time
//! (UTC+8, also the official time in Xinjiang). A form sent at 23:30 Beijing time was received
//! that Beijing day.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Timelike, Utc};

/// The UTC+8 offset (checked at compile time).
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The UTC+8 offset.
pub fn beijing() -> FixedOffset {
    BEIJING
}

/// The instant in Beijing time.
pub fn to_beijing(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&beijing())
}

/// The Beijing calendar date of an instant.
pub fn beijing_date(t: DateTime<Utc>) -> NaiveDate {
    to_beijing(t).date_naive()
}

/// How times are shown on pages: `YYYY-MM-DD HH:MM` in Beijing time (national site rules).
pub fn display_minute(t: DateTime<Utc>) -> String {
    // Written from the fields: a `format` string is parsed again on every call, and pages show
    // several such times each.
    let b = to_beijing(t);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        b.year(),
        b.month(),
        b.day(),
        b.hour(),
        b.minute()
    )
}

/// Parses a Beijing wall-clock time as typed in forms (`YYYY-MM-DDTHH:MM` from a
/// `datetime-local` field, or `YYYY-MM-DD HH:MM`, seconds optional) into an instant.
pub fn parse_beijing_minute(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim().replace('T', " ");
    let naive = chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S"))
        .ok()?;
    naive
        .and_local_timezone(beijing())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// How a `datetime-local` field shows an instant: `YYYY-MM-DDTHH:MM` in Beijing time.
pub fn form_minute(t: DateTime<Utc>) -> String {
    to_beijing(t).format("%Y-%m-%dT%H:%M").to_string()
}

/// The storage form: RFC 3339 UTC with microseconds and `Z`, fixed width, so text order is
/// time order on both engines.
pub fn storage_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses a storage timestamp back.
pub fn parse_storage_timestamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Instants for the crate's unit tests: offsets from one fixed moment (2027-01-15 08:00 UTC).
#[cfg(test)]
pub(crate) mod testing {
    use chrono::{DateTime, Utc};

    /// The fixed moment plus `minutes`.
    pub(crate) fn minutes(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + minutes * 60, 0).unwrap_or_default()
    }

    /// The fixed moment plus `hours`.
    pub(crate) fn hours(hours: i64) -> DateTime<Utc> {
        minutes(hours * 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_in_beijing_is_the_same_day() {
        // 2026-11-25 23:30 Beijing = 15:30 UTC.
        let t = DateTime::parse_from_rfc3339("2026-11-25T15:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(beijing_date(t).to_string(), "2026-11-25");
        // 00:30 Beijing on the 26th is still the 25th in UTC.
        let t = DateTime::parse_from_rfc3339("2026-11-25T16:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(beijing_date(t).to_string(), "2026-11-26");
        assert_eq!(display_minute(t), "2026-11-26 00:30");
        assert_eq!(parse_beijing_minute("2026-11-26T00:30"), Some(t));
        assert_eq!(parse_beijing_minute("2026-11-26 00:30:00"), Some(t));
        assert_eq!(form_minute(t), "2026-11-26T00:30");
        assert_eq!(parse_beijing_minute("明天"), None);
    }

    proptest::proptest! {
        #[test]
        fn display_minute_is_the_beijing_minute_as_strftime_writes_it(
            secs in 0i64..253_402_300_000 - 9 * 3600
        ) {
            let t = DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default();
            proptest::prop_assert_eq!(
                display_minute(t),
                to_beijing(t).format("%Y-%m-%d %H:%M").to_string()
            );
        }
    }

    #[test]
    fn storage_timestamps_round_trip_and_sort() {
        let a = DateTime::<Utc>::from_timestamp(1_800_000_000, 5_000).unwrap_or_default();
        let b = DateTime::<Utc>::from_timestamp(1_800_000_001, 0).unwrap_or_default();
        let (sa, sb) = (storage_timestamp(a), storage_timestamp(b));
        assert_eq!(sa.len(), sb.len());
        assert!(sa < sb);
        assert_eq!(parse_storage_timestamp(&sa), Some(a));
    }
}
