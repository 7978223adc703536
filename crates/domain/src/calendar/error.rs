//! What can go wrong when calendar data is read or a deadline is computed.

use chrono::NaiveDate;

use crate::DomainError;
use crate::error::{Arg, ErrorCode};

/// Why the calendar refused a question or a piece of data.
///
/// Messages are in Chinese for the people who see them (administrators importing data, staff
/// reading a deadline); each variant is a line of the error-code table ([`ErrorCode`]), whose
/// stable dotted code [`CalendarError::code`] gives for APIs.
/// A missing year is always one of these errors: the calendar never guesses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The national schedule of `year` has not been loaded, so no date of that year can be judged.
    YearNotCovered {
        /// The year asked about.
        year: i32,
    },
    /// A region was named for which the site has entered no regional holidays at all.
    UnknownRegion {
        /// The region code asked about.
        region: String,
    },
    /// The region has regional data, but not for `year`; its regional holidays of that year
    /// are unknown, so the answer could be wrong.
    RegionalYearNotCovered {
        /// The region code asked about.
        region: String,
        /// The year asked about.
        year: i32,
    },
    /// Imported text is not JSON of the expected shape (`{"year": …, "days": [{name, date, isOffDay}]}`).
    Malformed {
        /// What the parser found wrong (may quote the parser in English).
        detail: String,
    },
    /// A year outside the range the calendar accepts.
    YearOutOfRange {
        /// The year given.
        year: i32,
        /// Smallest accepted year.
        min: i32,
        /// Largest accepted year.
        max: i32,
    },
    /// A date that is not a real calendar date in `YYYY-MM-DD` form.
    InvalidDate {
        /// The text given.
        value: String,
    },
    /// A day listed in a year's schedule that belongs to neither that year nor the December
    /// before it.
    DayOutsideYear {
        /// The schedule's year.
        year: i32,
        /// The offending day.
        date: NaiveDate,
    },
    /// The same date listed twice in one schedule.
    DuplicateDay {
        /// The schedule's year.
        year: i32,
        /// The repeated day.
        date: NaiveDate,
    },
    /// A listed day without a name (the name is shown in deadline explanations).
    MissingName {
        /// The unnamed day.
        date: NaiveDate,
    },
    /// A day name too long to be a holiday's name.
    NameTooLong {
        /// The day whose name is too long.
        date: NaiveDate,
        /// The longest name accepted, in characters.
        max: usize,
    },
    /// A national schedule without a single day off: surely the wrong file.
    NoDaysOff {
        /// The schedule's year.
        year: i32,
    },
    /// Two schedules say different things about the same date (a December day listed both by
    /// its own year and by the next year's notice).
    ConflictingDay {
        /// The disputed day.
        date: NaiveDate,
        /// One schedule listing it.
        first_year: i32,
        /// The other schedule listing it.
        second_year: i32,
    },
    /// A region code that is not 1–16 characters of `A–Z`, `0–9` or `-`.
    InvalidRegion {
        /// The text given.
        value: String,
    },
    /// Extensions of a clock that add up to more than the law allows.
    ExtensionTooLong {
        /// Total working days of all extensions.
        requested: u32,
        /// The most allowed.
        max: u32,
    },
    /// An extension of zero working days (surely a mistake).
    EmptyExtension,
    /// A pause whose last day comes before its first.
    InvalidPause {
        /// First day not counted.
        first_day: NaiveDate,
        /// Last day not counted.
        last_day: NaiveDate,
    },
    /// A corrected application said to arrive before the original one.
    RestartBeforeReceipt {
        /// When the original application was received.
        received: NaiveDate,
        /// When the corrected one is said to have arrived.
        corrected: NaiveDate,
    },
}

impl CalendarError {
    /// The line of the error-code table this error is, and the values its wording names.
    fn entry(&self) -> (ErrorCode, Vec<(&'static str, String)>) {
        use ErrorCode as C;
        // The values a wording names are the variant's fields, each under its own name.
        macro_rules! named {
            ($($field:ident),*) => {
                vec![$((stringify!($field), $field.to_string())),*]
            };
        }
        match self {
            Self::YearNotCovered { year } => (C::CalendarYearMissing, named![year]),
            Self::UnknownRegion { region } => (C::CalendarRegionUnknown, named![region]),
            Self::RegionalYearNotCovered { region, year } => {
                (C::CalendarRegionalYearMissing, named![region, year])
            }
            Self::Malformed { detail } => (C::CalendarMalformed, named![detail]),
            Self::YearOutOfRange { year, min, max } => {
                (C::CalendarYearOutOfRange, named![year, min, max])
            }
            Self::InvalidDate { value } => (C::CalendarInvalidDate, named![value]),
            Self::DayOutsideYear { year, date } => (C::CalendarDayOutsideYear, named![year, date]),
            Self::DuplicateDay { year, date } => (C::CalendarDuplicateDay, named![year, date]),
            Self::MissingName { date } => (C::CalendarMissingName, named![date]),
            Self::NameTooLong { date, max } => (C::CalendarNameTooLong, named![date, max]),
            Self::NoDaysOff { year } => (C::CalendarNoDaysOff, named![year]),
            Self::ConflictingDay {
                date,
                first_year,
                second_year,
            } => (
                C::CalendarConflictingDay,
                named![date, first_year, second_year],
            ),
            Self::InvalidRegion { value } => (C::CalendarInvalidRegion, named![value]),
            Self::ExtensionTooLong { requested, max } => {
                (C::ClockExtensionTooLong, named![requested, max])
            }
            Self::EmptyExtension => (C::ClockEmptyExtension, named![]),
            Self::InvalidPause { first_day, last_day } => {
                (C::ClockInvalidPause, named![first_day, last_day])
            }
            Self::RestartBeforeReceipt { received, corrected } => {
                (C::ClockRestartBeforeReceipt, named![received, corrected])
            }
        }
    }

    /// Which line of the error-code table this is.
    pub fn error_code(&self) -> ErrorCode {
        self.entry().0
    }

    /// Stable dotted code of the error, e.g. `calendar.year_missing`.
    pub fn code(&self) -> &'static str {
        self.error_code().code()
    }

    /// The refusal of `field` this error amounts to, with its code and message.
    pub fn refusal(&self, field: &'static str) -> DomainError {
        DomainError::Invalid {
            field,
            code: self.error_code(),
            message: self.to_string(),
        }
    }
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (code, values) = self.entry();
        let args: Vec<Arg<'_>> = values
            .iter()
            .map(|(name, value)| (*name, value as &(dyn std::fmt::Display + Sync)))
            .collect();
        f.write_str(&code.render(&args))
    }
}

impl std::error::Error for CalendarError {}

impl From<CalendarError> for crate::error::Refusal {
    fn from(e: CalendarError) -> Self {
        Self {
            code: e.error_code(),
            message: e.to_string(),
        }
    }
}
