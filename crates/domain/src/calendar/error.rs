//! What can go wrong when calendar data is read or a deadline is computed.

use chrono::NaiveDate;

/// Why the calendar refused a question or a piece of data.
///
/// Messages are in Chinese for the people who see them (administrators importing data, staff
/// reading a deadline); [`CalendarError::code`] gives a stable snake_case code for APIs.
/// A missing year is always one of these errors: the calendar never guesses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The national schedule of `year` has not been loaded, so no date of that year can be judged.
    #[error("尚无 {year} 年的节假日数据，请管理员导入后再计算期限")]
    YearNotCovered {
        /// The year asked about.
        year: i32,
    },
    /// A region was named for which the site has entered no regional holidays at all.
    #[error("尚未设置地区“{region}”的地方节假日数据，请管理员导入后再计算期限")]
    UnknownRegion {
        /// The region code asked about.
        region: String,
    },
    /// The region has regional data, but not for `year`; its regional holidays of that year
    /// are unknown, so the answer could be wrong.
    #[error(
        "尚无地区“{region}”{year} 年的地方节假日数据，请管理员导入后再计算期限（该年没有地方节假日时导入空列表）"
    )]
    RegionalYearNotCovered {
        /// The region code asked about.
        region: String,
        /// The year asked about.
        year: i32,
    },
    /// Imported text is not JSON of the expected shape (`{"year": …, "days": [{name, date, isOffDay}]}`).
    #[error("节假日数据格式错误：{detail}")]
    Malformed {
        /// What the parser found wrong (may quote the parser in English).
        detail: String,
    },
    /// A year outside the range the calendar accepts.
    #[error("年份 {year} 不在可接受的范围（{min}–{max}）内")]
    YearOutOfRange {
        /// The year given.
        year: i32,
        /// Smallest accepted year.
        min: i32,
        /// Largest accepted year.
        max: i32,
    },
    /// A date that is not a real calendar date in `YYYY-MM-DD` form.
    #[error("日期“{value}”无效，应为 YYYY-MM-DD 格式的真实日期")]
    InvalidDate {
        /// The text given.
        value: String,
    },
    /// A day listed in a year's schedule that belongs to neither that year nor the December
    /// before it.
    #[error("{date} 不属于 {year} 年的节假日安排（只接受该年的日期，以及上一年 12 月的调休日期）")]
    DayOutsideYear {
        /// The schedule's year.
        year: i32,
        /// The offending day.
        date: NaiveDate,
    },
    /// The same date listed twice in one schedule.
    #[error("{date} 在 {year} 年的数据中出现了不止一次")]
    DuplicateDay {
        /// The schedule's year.
        year: i32,
        /// The repeated day.
        date: NaiveDate,
    },
    /// A listed day without a name (the name is shown in deadline explanations).
    #[error("{date} 缺少节日名称")]
    MissingName {
        /// The unnamed day.
        date: NaiveDate,
    },
    /// A day name too long to be a holiday's name.
    #[error("{date} 的节日名称过长（最多 {max} 个字）")]
    NameTooLong {
        /// The day whose name is too long.
        date: NaiveDate,
        /// The longest name accepted, in characters.
        max: usize,
    },
    /// A national schedule without a single day off: surely the wrong file.
    #[error("{year} 年的全国节假日安排中没有任何放假日，请检查导入的文件")]
    NoDaysOff {
        /// The schedule's year.
        year: i32,
    },
    /// Two schedules say different things about the same date (a December day listed both by
    /// its own year and by the next year's notice).
    #[error("{date} 在 {first_year} 年和 {second_year} 年的数据中安排不一致")]
    ConflictingDay {
        /// The disputed day.
        date: NaiveDate,
        /// One schedule listing it.
        first_year: i32,
        /// The other schedule listing it.
        second_year: i32,
    },
    /// A region code that is not 1–16 characters of `A–Z`, `0–9` or `-`.
    #[error("地区代码“{value}”无效，应为 1–16 位大写字母、数字或连字符（如 XJ）")]
    InvalidRegion {
        /// The text given.
        value: String,
    },
    /// Extensions of a clock that add up to more than the law allows.
    #[error("延长期限合计 {requested} 个工作日，超过上限 {max} 个工作日")]
    ExtensionTooLong {
        /// Total working days of all extensions.
        requested: u32,
        /// The most allowed.
        max: u32,
    },
    /// An extension of zero working days (surely a mistake).
    #[error("延长的工作日数必须大于 0")]
    EmptyExtension,
    /// A pause whose last day comes before its first.
    #[error("暂停计时的结束日期 {last_day} 早于开始日期 {first_day}")]
    InvalidPause {
        /// First day not counted.
        first_day: NaiveDate,
        /// Last day not counted.
        last_day: NaiveDate,
    },
    /// A corrected application said to arrive before the original one.
    #[error("补正后申请的收到日期 {corrected} 早于原申请的收到日期 {received}")]
    RestartBeforeReceipt {
        /// When the original application was received.
        received: NaiveDate,
        /// When the corrected one is said to have arrived.
        corrected: NaiveDate,
    },
}

impl CalendarError {
    /// Stable machine-readable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::YearNotCovered { .. } => "calendar_year_missing",
            Self::UnknownRegion { .. } => "calendar_region_unknown",
            Self::RegionalYearNotCovered { .. } => "calendar_regional_year_missing",
            Self::Malformed { .. } => "calendar_malformed",
            Self::YearOutOfRange { .. } => "calendar_year_out_of_range",
            Self::InvalidDate { .. } => "calendar_invalid_date",
            Self::DayOutsideYear { .. } => "calendar_day_outside_year",
            Self::DuplicateDay { .. } => "calendar_duplicate_day",
            Self::MissingName { .. } => "calendar_missing_name",
            Self::NameTooLong { .. } => "calendar_name_too_long",
            Self::NoDaysOff { .. } => "calendar_no_days_off",
            Self::ConflictingDay { .. } => "calendar_conflicting_day",
            Self::InvalidRegion { .. } => "calendar_invalid_region",
            Self::ExtensionTooLong { .. } => "clock_extension_too_long",
            Self::EmptyExtension => "clock_empty_extension",
            Self::InvalidPause { .. } => "clock_invalid_pause",
            Self::RestartBeforeReceipt { .. } => "clock_restart_before_receipt",
        }
    }
}
