//! Tests of the calendar: hand-checked cases, the whole 2007–2026 range against the reference
//! data in `shared/data/holiday-cn/`, and properties of the arithmetic.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn date(text: &str) -> NaiveDate {
    parse_date(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn national() -> Calendar {
    Calendar::national()
}

fn xj() -> RegionCode {
    RegionCode::parse("XJ").unwrap_or_else(|e| panic!("{e}"))
}

fn schedule(json: &str) -> YearSchedule {
    YearSchedule::from_json(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// The national calendar plus Xinjiang days for 2026 (test fixtures, not the official dates):
/// 肉孜节 on Friday 03-20, 古尔邦节 Tuesday 05-26 to Thursday 05-28, and a regional 调休 on
/// Sunday 05-31.
fn with_xinjiang() -> Calendar {
    let mut calendar = national();
    calendar
        .insert_regional_year(
            xj(),
            schedule(
                r#"{"year": 2026, "days": [
                    {"name": "肉孜节", "date": "2026-03-20", "isOffDay": true},
                    {"name": "古尔邦节", "date": "2026-05-26", "isOffDay": true},
                    {"name": "古尔邦节", "date": "2026-05-27", "isOffDay": true},
                    {"name": "古尔邦节", "date": "2026-05-28", "isOffDay": true},
                    {"name": "古尔邦节", "date": "2026-05-31", "isOffDay": false}
                ]}"#,
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    calendar
}

fn due(calendar: &Calendar, start: &str, n: u32, region: Option<&RegionCode>) -> String {
    calendar
        .due_date(date(start), n, region)
        .unwrap_or_else(|e| panic!("{start} + {n}: {e}"))
        .to_string()
}

fn working(calendar: &Calendar, day: &str) -> bool {
    calendar
        .is_working_day(date(day), None)
        .unwrap_or_else(|e| panic!("{day}: {e}"))
}

fn reckon(clock: &Clock, calendar: &Calendar) -> Reckoning {
    clock
        .reckon(calendar)
        .unwrap_or_else(|e| panic!("{clock:?}: {e}"))
}

// ---- hand-checked cases -------------------------------------------------------------------

#[test]
fn the_embedded_data_loads_and_covers_2007_to_2026() {
    let calendar = national();
    assert_eq!(
        calendar.years().collect::<Vec<_>>(),
        (2007..=2026).collect::<Vec<_>>()
    );
    let y2026 = calendar
        .year(2026)
        .unwrap_or_else(|| panic!("2026 missing"));
    assert_eq!(
        y2026.papers(),
        ["https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"]
    );
}

#[test]
fn make_up_working_days_of_2026_are_those_the_spec_lists() {
    let calendar = national();
    let make_up: Vec<String> = calendar
        .year(2026)
        .map(|y| {
            y.days()
                .iter()
                .filter(|d| !d.is_off_day)
                .map(|d| d.date.format("%m-%d").to_string())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        make_up,
        ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]
    );
    for day in [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ] {
        assert!(
            matches!(date(day).weekday(), Weekday::Sat | Weekday::Sun),
            "{day}"
        );
        assert!(working(&calendar, day), "{day} is a make-up working day");
    }
}

#[test]
fn spring_festival_2026() {
    let calendar = national();
    // Off from Sunday 02-15 to Monday 02-23; Saturdays 02-14 and 02-28 are worked.
    for day in [
        "2026-02-15",
        "2026-02-16",
        "2026-02-20",
        "2026-02-22",
        "2026-02-23",
    ] {
        assert!(!working(&calendar, day), "{day}");
    }
    assert_eq!(
        calendar.day_kind(date("2026-02-17"), None),
        Ok(DayKind::Holiday {
            name: "春节".to_owned()
        })
    );
    assert_eq!(
        calendar.day_kind(date("2026-02-14"), None),
        Ok(DayKind::MakeUpWorkday {
            name: "春节".to_owned()
        })
    );
    assert!(working(&calendar, "2026-02-24"));
    assert!(!working(&calendar, "2026-02-21"));
    assert_eq!(due(&calendar, "2026-02-13", 1, None), "2026-02-14");
    assert_eq!(due(&calendar, "2026-02-13", 2, None), "2026-02-24");
    // 20 working days from Tuesday 02-10: 02-11..13, 02-14, 02-24..28, then March.
    assert_eq!(due(&calendar, "2026-02-10", 20, None), "2026-03-16");
}

#[test]
fn national_day_2026() {
    let calendar = national();
    assert!(working(&calendar, "2026-09-20"), "Sunday 09-20 is worked");
    assert!(working(&calendar, "2026-10-10"), "Saturday 10-10 is worked");
    for day in [
        "2026-10-01",
        "2026-10-04",
        "2026-10-07",
        "2026-09-25",
        "2026-09-27",
    ] {
        assert!(!working(&calendar, day), "{day}");
    }
    // The data gives 10-01 to 10-07 off; Thursday 10-08 is the first working day after.
    assert!(working(&calendar, "2026-10-08"));
    assert_eq!(due(&calendar, "2026-09-30", 1, None), "2026-10-08");
    // Starting on a holiday: counting still begins with the next working day.
    assert_eq!(due(&calendar, "2026-10-03", 1, None), "2026-10-08");
    assert_eq!(
        calendar.next_working_day(date("2026-10-01"), None),
        Ok(date("2026-10-08"))
    );
    assert_eq!(due(&calendar, "2026-09-30", 20, None), "2026-11-03");
    assert_eq!(
        calendar.working_days_between(date("2026-09-30"), date("2026-10-10"), None),
        Ok(3)
    );
    assert_eq!(
        calendar.working_days_between(date("2026-10-10"), date("2026-09-30"), None),
        Ok(-3)
    );
    assert_eq!(due(&calendar, "2026-09-30", 0, None), "2026-09-30");
}

#[test]
fn days_listed_by_the_next_years_notice_count() {
    let calendar = national();
    // 2018-12-29 (Saturday) worked and Monday 2018-12-31 off, from the 2019 notice.
    assert!(working(&calendar, "2018-12-29"));
    assert!(!working(&calendar, "2018-12-31"));
    // Monday 2020-02-03 is listed as a working day of the extended 2020 Spring Festival.
    assert_eq!(
        calendar.day_kind(date("2020-02-03"), None),
        Ok(DayKind::Workday)
    );
    assert!(!working(&calendar, "2020-02-02"));
}

#[test]
fn a_year_without_data_is_refused_never_guessed() {
    let calendar = national();
    let err = calendar.is_working_day(date("2027-01-04"), None);
    assert_eq!(err, Err(CalendarError::YearNotCovered { year: 2027 }));
    assert_eq!(
        err.err().map(|e| e.to_string()).unwrap_or_default(),
        "尚无 2027 年的节假日数据，请管理员导入后再计算期限"
    );
    // A count that runs into 2027 is refused too, as is one starting in 2006.
    assert_eq!(
        calendar.due_date(date("2026-12-10"), 20, None),
        Err(CalendarError::YearNotCovered { year: 2027 })
    );
    assert_eq!(
        calendar.due_date(date("2006-12-29"), 1, None),
        Err(CalendarError::YearNotCovered { year: 2006 })
    );
    assert_eq!(
        calendar.working_days_between(date("2026-12-01"), date("2027-01-10"), None),
        Err(CalendarError::YearNotCovered { year: 2027 })
    );
    assert!(
        Calendar::empty()
            .is_working_day(date("2026-01-05"), None)
            .is_err()
    );
}

#[test]
fn an_administrator_adds_and_replaces_a_year() {
    let mut calendar = national();
    let first = schedule(
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
    );
    assert_eq!(calendar.insert_year(first.clone()), Ok(None));
    assert!(!working(&calendar, "2027-01-01"));
    assert!(working(&calendar, "2027-01-04"));
    assert_eq!(due(&calendar, "2026-12-10", 20, None), "2027-01-08");
    let corrected = schedule(
        r#"{"year": 2027, "days": [
            {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "元旦", "date": "2027-01-04", "isOffDay": true}]}"#,
    );
    assert_eq!(calendar.insert_year(corrected), Ok(Some(first)));
    assert!(!working(&calendar, "2027-01-04"));
    // A file without a day off is surely the wrong one.
    assert_eq!(
        calendar.insert_year(schedule(r#"{"year": 2028, "days": []}"#)),
        Err(CalendarError::NoDaysOff { year: 2028 })
    );
    assert!(calendar.year(2028).is_none());
}

#[test]
fn contradicting_years_are_refused_and_change_nothing() {
    let mut calendar = Calendar::empty();
    let y2018 = schedule(
        r#"{"year": 2018, "days": [{"name": "元旦", "date": "2018-12-31", "isOffDay": true}]}"#,
    );
    assert_eq!(calendar.insert_year(y2018), Ok(None));
    let y2019 = schedule(
        r#"{"year": 2019, "days": [
            {"name": "元旦", "date": "2019-01-01", "isOffDay": true},
            {"name": "元旦", "date": "2018-12-31", "isOffDay": false}]}"#,
    );
    let before = calendar.clone();
    assert_eq!(
        calendar.insert_year(y2019),
        Err(CalendarError::ConflictingDay {
            date: date("2018-12-31"),
            first_year: 2018,
            second_year: 2019
        })
    );
    assert_eq!(calendar, before);
}

#[test]
fn a_regional_holiday_shifts_a_due_date() {
    let calendar = with_xinjiang();
    let region = xj();
    assert_eq!(due(&calendar, "2026-03-19", 1, None), "2026-03-20");
    assert_eq!(due(&calendar, "2026-03-19", 1, Some(&region)), "2026-03-23");
    assert_eq!(
        calendar.day_kind(date("2026-03-20"), Some(&region)),
        Ok(DayKind::RegionalHoliday {
            region: region.clone(),
            name: "肉孜节".to_owned()
        })
    );
    assert_eq!(due(&calendar, "2026-05-11", 20, None), "2026-06-08");
    // 古尔邦节 takes three weekdays, the regional 调休 Sunday 05-31 gives one back.
    assert_eq!(
        due(&calendar, "2026-05-11", 20, Some(&region)),
        "2026-06-10"
    );
    assert_eq!(
        calendar.day_kind(date("2026-05-31"), Some(&region)),
        Ok(DayKind::RegionalMakeUpWorkday {
            region: region.clone(),
            name: "古尔邦节".to_owned()
        })
    );
    assert_eq!(
        calendar.day_kind(date("2026-05-31"), None),
        Ok(DayKind::Weekend)
    );
}

#[test]
fn a_region_without_data_for_the_year_is_refused() {
    let calendar = with_xinjiang();
    let region = xj();
    assert_eq!(
        calendar.is_working_day(date("2025-03-31"), Some(&region)),
        Err(CalendarError::RegionalYearNotCovered {
            region: "XJ".to_owned(),
            year: 2025
        })
    );
    let unknown = RegionCode::parse("XZ").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        calendar.is_working_day(date("2026-03-31"), Some(&unknown)),
        Err(CalendarError::UnknownRegion { region: "XZ".to_owned() })
    );
    // An empty regional year says "no regional holidays that year".
    let mut calendar = calendar;
    calendar
        .insert_regional_year(region.clone(), schedule(r#"{"year": 2025, "days": []}"#))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        calendar.is_working_day(date("2025-03-31"), Some(&region)),
        Ok(true)
    );
    assert_eq!(
        calendar
            .regions()
            .map(RegionCode::as_str)
            .collect::<Vec<_>>(),
        ["XJ"]
    );
    assert!(calendar.regional_year(&region, 2026).is_some());
}

// ---- the clock ----------------------------------------------------------------------------

#[test]
fn a_plain_clock_explains_its_due_date() {
    let reckoning = reckon(&Clock::application(date("2026-09-28")), &national());
    assert_eq!(reckoning.due_date(), Some(date("2026-10-30")));
    assert_eq!(reckoning.counted_working_days, 20);
    assert_eq!(
        reckoning.describe_zh(),
        [
            "收到申请：2026-09-28（星期一），当日为第 0 日，自次日起计算。",
            "期限：20 个工作日。",
            "2026-10-01 至 2026-10-07：国庆节放假，不计入。",
            "2026-10-10（星期六）：国庆节调休上班，计入。",
            "2026-10-11（星期日）：周末，不计入。",
            "2026-10-17 至 2026-10-18：周末，不计入。",
            "2026-10-24 至 2026-10-25：周末，不计入。",
            "答复期限：2026-10-30（星期五）。",
        ]
    );
    let json = serde_json::to_value(&reckoning).unwrap_or_default();
    assert_eq!(json["status"]["state"], "due");
    assert_eq!(json["status"]["due_date"], "2026-10-30");
    assert_eq!(json["days"][0]["kind"]["kind"], "holiday");
    assert_eq!(json["days"][0]["kind"]["name"], "国庆节");
}

#[test]
fn a_pause_holds_back_the_working_days_it_covers() {
    let calendar = national();
    let clock = Clock::application(date("2026-09-01")).with_pause(
        PauseReason::ThirdPartyConsultation,
        date("2026-09-08"),
        Some(date("2026-09-18")),
    );
    let reckoning = reckon(&clock, &calendar);
    // Nine working days (09-08..11, 09-14..18) do not count: 09-29 becomes 10-16.
    assert_eq!(reckoning.pauses[0].working_days_not_counted, 9);
    assert_eq!(reckoning.due_date(), Some(date("2026-10-16")));
    assert_eq!(
        calendar.due_date(date("2026-09-01"), 29, None),
        Ok(date("2026-10-16"))
    );
    let lines = reckoning.describe_zh();
    assert!(
        lines.contains(&"2026-09-08 至 2026-09-11：征求第三方意见，暂停计时，不计入。".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(
            &"征求第三方意见：2026-09-08 至 2026-09-18，共 9 个工作日不计入期限。".to_owned()
        ),
        "{lines:#?}"
    );
}

#[test]
fn an_open_pause_stops_the_clock() {
    let clock = Clock::application(date("2026-09-01")).with_pause(
        PauseReason::OtherAgencyConsultation,
        date("2026-09-08"),
        None,
    );
    let reckoning = reckon(&clock, &national());
    assert_eq!(reckoning.due_date(), None);
    assert_eq!(
        reckoning.status,
        ClockStatus::Paused {
            since: date("2026-09-08"),
            reason: PauseReason::OtherAgencyConsultation,
            remaining_working_days: 16
        }
    );
    assert_eq!(reckoning.counted_working_days, 4);
    assert_eq!(
        reckoning.describe_zh().last().map(String::as_str),
        Some("目前暂停计时：已计 4 个工作日，恢复计时后尚余 16 个工作日。")
    );
    // A pause that only begins after the due date changes nothing.
    let late = Clock::application(date("2026-09-01")).with_pause(
        PauseReason::ThirdPartyConsultation,
        date("2026-10-01"),
        None,
    );
    assert_eq!(
        reckon(&late, &national()).due_date(),
        Some(date("2026-09-29"))
    );
}

#[test]
fn a_correction_restarts_the_limit_in_full() {
    let clock = Clock::application(date("2026-09-01"))
        .with_pause(
            PauseReason::AwaitingCorrection,
            date("2026-09-03"),
            Some(date("2026-09-14")),
        )
        .with_restart(date("2026-09-15"));
    let reckoning = reckon(&clock, &national());
    assert_eq!(reckoning.counting_from, date("2026-09-15"));
    assert_eq!(reckoning.due_date(), Some(date("2026-10-19")));
    // The wait for the correction lies before the restart, so it held nothing back.
    assert_eq!(reckoning.pauses[0].working_days_not_counted, 0);
    assert_eq!(
        reckoning.describe_zh()[1],
        "收到补正后的申请：2026-09-15（星期二），期限自当日起重新计算（当日为第 0 日），此前的日子不再计入。"
    );
    let backwards = Clock::application(date("2026-09-15")).with_restart(date("2026-09-01"));
    assert_eq!(
        backwards.reckon(&national()).map_err(|e| e.code()),
        Err("clock.restart_before_receipt")
    );
}

#[test]
fn extensions_add_working_days_up_to_the_maximum() {
    let calendar = national();
    let once = Clock::application(date("2026-09-01")).with_extension(20, date("2026-09-25"));
    assert_eq!(
        reckon(&once, &calendar).due_date(),
        Some(date("2026-11-02"))
    );
    let twice = Clock::application(date("2026-09-01"))
        .with_extension(10, date("2026-09-25"))
        .with_extension(10, date("2026-10-20"));
    let reckoning = reckon(&twice, &calendar);
    assert_eq!(reckoning.due_date(), Some(date("2026-11-02")));
    assert_eq!(reckoning.total_working_days, 40);
    assert!(
        reckoning
            .describe_zh()
            .contains(&"期限：20 个工作日，延长 20 个工作日，共 40 个工作日。".to_owned())
    );
    let too_long = twice.clone().with_extension(1, date("2026-10-21"));
    assert_eq!(
        too_long.reckon(&calendar),
        Err(CalendarError::ExtensionTooLong { requested: 21, max: 20 })
    );
    let empty = Clock::application(date("2026-09-01")).with_extension(0, date("2026-09-25"));
    assert_eq!(empty.reckon(&calendar), Err(CalendarError::EmptyExtension));
    let bad_pause = Clock::application(date("2026-09-01")).with_pause(
        PauseReason::ThirdPartyConsultation,
        date("2026-09-10"),
        Some(date("2026-09-09")),
    );
    assert_eq!(
        bad_pause.reckon(&calendar).map_err(|e| e.code()),
        Err("clock.invalid_pause")
    );
}

#[test]
fn a_regional_clock_names_the_regional_holiday() {
    let calendar = with_xinjiang();
    let clock = Clock::application(date("2026-03-02")).with_region(xj());
    let reckoning = reckon(&clock, &calendar);
    assert_eq!(reckoning.due_date(), Some(date("2026-03-31")));
    assert_eq!(
        calendar.due_date(date("2026-03-02"), 20, None),
        Ok(date("2026-03-30"))
    );
    assert!(
        reckoning
            .describe_zh()
            .contains(&"2026-03-20（星期五）：肉孜节放假（地方节假日，XJ），不计入。".to_owned())
    );
    // The clock is a value: it round-trips through JSON for storage.
    let stored = serde_json::to_string(&clock).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Clock>(&stored).ok(), Some(clock));
}

#[test]
fn a_clock_refuses_a_year_without_data() {
    let clock = Clock::application(date("2026-12-10"));
    assert_eq!(
        clock.reckon(&national()),
        Err(CalendarError::YearNotCovered { year: 2027 })
    );
}

// ---- against the reference data ------------------------------------------------------------

/// The reference files' days, read at test time: date → (name, isOffDay, file year).
fn reference_days() -> BTreeMap<NaiveDate, (String, bool, i32)> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/holiday-cn"
    );
    let mut days = BTreeMap::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
    let mut files = 0;
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let year = json["year"].as_i64().and_then(|y| i32::try_from(y).ok());
        let year = year.unwrap_or_else(|| panic!("{path:?}: no year"));
        for day in json["days"]
            .as_array()
            .unwrap_or_else(|| panic!("{path:?}: no days"))
        {
            let when = date(day["date"].as_str().unwrap_or_default());
            let name = day["name"].as_str().unwrap_or_default().to_owned();
            let off = day["isOffDay"]
                .as_bool()
                .unwrap_or_else(|| panic!("{path:?}: {day}"));
            if let Some(seen) = days.insert(when, (name, off, year)) {
                assert_eq!(seen.1, off, "{when} listed differently by two files");
            }
        }
    }
    assert_eq!(
        files, 20,
        "expected holiday-cn 2007.json..2026.json in {dir}"
    );
    days
}

#[test]
fn every_day_2007_to_2026_agrees_with_the_reference_data() {
    let calendar = national();
    let reference = reference_days();
    let (mut day, last) = (date("2007-01-01"), date("2026-12-31"));
    let mut checked = 0;
    while day <= last {
        let kind = calendar
            .day_kind(day, None)
            .unwrap_or_else(|e| panic!("{day}: {e}"));
        let expected_working = match reference.get(&day) {
            Some((_, off, _)) => !off,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        };
        assert_eq!(kind.is_working(), expected_working, "{day}: {kind:?}");
        match (&kind, reference.get(&day)) {
            (
                DayKind::Holiday { name } | DayKind::MakeUpWorkday { name },
                Some((expected, _, _)),
            ) => {
                assert_eq!(name, expected, "{day}");
            }
            (DayKind::Holiday { .. } | DayKind::MakeUpWorkday { .. }, None) => {
                panic!("{day} is special in the calendar but not in the reference");
            }
            _ => {}
        }
        checked += 1;
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    assert_eq!(checked, 7305);
}

#[test]
fn the_shipped_schedules_are_the_reference_files_day_for_day() {
    let calendar = national();
    let reference = reference_days();
    let mut shipped = BTreeMap::new();
    for year in calendar.years() {
        let schedule = calendar.year(year).unwrap_or_else(|| panic!("{year}"));
        for day in schedule.days() {
            shipped.insert(day.date, (day.name.clone(), day.is_off_day, year));
        }
    }
    assert_eq!(shipped, reference);
}

// ---- properties ---------------------------------------------------------------------------

/// Start days from 2007-01-01 to mid-2025, so 100 working days later is still inside 2026.
fn start_day() -> impl Strategy<Value = NaiveDate> {
    (0_u64..6750).prop_map(|offset| date("2007-01-01") + Days::new(offset))
}

/// The national calendar plus random regional days for `XJ` in every year 2007–2026.
fn random_regional_calendar() -> impl Strategy<Value = Calendar> {
    proptest::collection::vec((0_u64..7305, proptest::bool::weighted(0.8)), 0..60).prop_map(
        |picks| {
            let mut by_year: BTreeMap<i32, BTreeMap<NaiveDate, bool>> =
                (2007..=2026).map(|y| (y, BTreeMap::new())).collect();
            for (offset, off) in picks {
                let day = date("2007-01-01") + Days::new(offset);
                by_year.entry(day.year()).or_default().insert(day, off);
            }
            let mut calendar = national();
            for (year, days) in by_year {
                let days = days
                    .into_iter()
                    .map(|(date, is_off_day)| SpecialDay {
                        name: "测试节".to_owned(),
                        date,
                        is_off_day,
                    })
                    .collect();
                let schedule =
                    YearSchedule::new(year, Vec::new(), days).unwrap_or_else(|e| panic!("{e}"));
                calendar
                    .insert_regional_year(xj(), schedule)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            calendar
        },
    )
}

fn check_arithmetic(
    calendar: &Calendar,
    region: Option<&RegionCode>,
    start: NaiveDate,
    a: u32,
    b: u32,
) {
    let due = |s: NaiveDate, n: u32| {
        calendar
            .due_date(s, n, region)
            .unwrap_or_else(|e| panic!("{s} + {n}: {e}"))
    };
    let n = a + b;
    let end = due(start, n);
    if n >= 1 {
        assert_eq!(
            calendar.is_working_day(end, region),
            Ok(true),
            "{start} + {n} = {end}"
        );
    }
    assert_eq!(
        calendar.working_days_between(start, end, region),
        Ok(i64::from(n))
    );
    // Counting starts after the start day, so composition holds from any start day
    // (in particular from a working day).
    assert_eq!(due(due(start, a), b), end, "{start}: {a} + {b}");
    let shorter = due(start, a);
    if a < n {
        assert!(shorter < end, "{start}: {a} -> {shorter}, {n} -> {end}");
    } else {
        assert_eq!(shorter, end);
    }
    assert_eq!(calendar.next_working_day(start, region), Ok(due(start, 1)));
}

proptest! {
    #[test]
    fn national_arithmetic_is_consistent(start in start_day(), a in 0_u32..50, b in 0_u32..50) {
        check_arithmetic(&national(), None, start, a, b);
    }

    #[test]
    fn regional_arithmetic_is_consistent(
        calendar in random_regional_calendar(),
        start in start_day(),
        a in 0_u32..50,
        b in 0_u32..50,
    ) {
        check_arithmetic(&calendar, Some(&xj()), start, a, b);
    }

    #[test]
    fn due_dates_grow_with_the_number_of_days(start in start_day(), n in 0_u32..99) {
        let calendar = national();
        let here = calendar.due_date(start, n, None);
        let next = calendar.due_date(start, n + 1, None);
        prop_assert!(matches!((here, next), (Ok(h), Ok(x)) if h < x));
    }

    #[test]
    fn a_clock_without_events_is_plain_arithmetic(start in start_day(), extension in 0_u32..=20) {
        let calendar = national();
        let mut clock = Clock::application(start);
        if extension > 0 {
            clock = clock.with_extension(extension, start);
        }
        let reckoning = clock.reckon(&calendar);
        prop_assert_eq!(
            reckoning.map(|r| r.due_date()),
            calendar.due_date(start, 20 + extension, None).map(Some)
        );
    }

    #[test]
    fn a_closed_pause_inside_the_limit_adds_the_working_days_it_covers(
        start in start_day(),
        from in 1_u64..28,
        length in 0_u64..20,
    ) {
        let calendar = national();
        let plain_due = calendar.due_date(start, 20, None).unwrap_or_else(|e| panic!("{e}"));
        let first = start + Days::new(from);
        let last = (first + Days::new(length)).min(plain_due);
        prop_assume!(first <= last);
        let held_back = calendar.working_days_between(first.pred_opt().unwrap_or(first), last, None)
            .unwrap_or_else(|e| panic!("{e}"));
        let clock = Clock::application(start).with_pause(PauseReason::ThirdPartyConsultation, first, Some(last));
        let reckoning = clock.reckon(&calendar).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(i64::from(reckoning.pauses[0].working_days_not_counted), held_back);
        let expected = calendar.due_date(start, 20 + u32::try_from(held_back).unwrap_or(0), None).ok();
        prop_assert_eq!(reckoning.due_date(), expected);
    }
}

/// December 2026 with no 2027 data: the deadline is counted on weekends alone and marked
/// provisional; the plain reckoning still refuses, and with 2027 imported the date is final.
#[test]
fn a_year_without_data_gives_a_provisional_date_counted_on_weekends_alone() {
    let calendar = national();
    let received = date("2026-12-15");
    let clock = Clock::application(received);
    assert!(
        clock.reckon(&calendar).is_err(),
        "the plain reckoning keeps refusing"
    );
    let r = clock
        .reckon_provisional(&calendar)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.provisional_years, vec![2027, 2028, 2029]);
    assert!(r.is_provisional());
    // 16–31 Dec 2026 hold 12 working days; 8 more from Mon 4 Jan 2027 (1 Jan a Friday counts,
    // as no holiday is known yet): 1, 4, 5, 6, 7, 8, 11, 12 January.
    assert_eq!(r.due_date(), Some(date("2027-01-12")));
    let text = r.describe_zh().join("\n");
    assert!(text.contains("暂定"), "{text}");

    // With 2027 published (元旦 on 1 January), the same clock is final and a day later.
    let mut with_2027 = calendar.clone();
    let schedule = YearSchedule::from_json(
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    with_2027
        .insert_year(schedule)
        .unwrap_or_else(|e| panic!("{e}"));
    let r = clock
        .reckon_provisional(&with_2027)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!r.is_provisional());
    assert_eq!(r.due_date(), Some(date("2027-01-13")));
}

/// A provisional calendar never changes a year that has data.
#[test]
fn provisional_years_leave_known_years_alone() {
    let calendar = national();
    let (filled, years) = calendar.with_provisional_years(2025..=2027, None);
    assert_eq!(years, vec![2027]);
    assert_eq!(filled.year(2026), calendar.year(2026));
    assert_eq!(
        filled.day_kind(date("2026-10-01"), None),
        calendar.day_kind(date("2026-10-01"), None)
    );
}

/// The dashboard's warning: this year when missing; next year from 1 November.
#[test]
fn the_year_to_import_is_next_year_from_november() {
    let calendar = national();
    assert_eq!(calendar.year_to_import(date("2026-10-31")), None);
    assert_eq!(calendar.year_to_import(date("2026-11-01")), Some(2027));
    assert_eq!(calendar.year_to_import(date("2027-03-01")), Some(2027));
    assert_eq!(calendar.year_to_import(date("2025-12-01")), None);
}

/// A plain due date over a year without data is provisional (weekends only), and final once
/// the year is known; a date within known years is never provisional.
#[test]
fn a_due_date_over_a_missing_year_is_provisional() {
    let calendar = national();
    let must = |r: Result<(NaiveDate, bool), CalendarError>| r.unwrap_or_else(|e| panic!("{e}"));
    // 29–31 Dec make 3; Friday 1 Jan 2027 counts while 2027 is unknown; 4–8 Jan make 9.
    assert_eq!(
        must(calendar.due_date_or_provisional(date("2026-12-28"), 9, None)),
        (date("2027-01-08"), true)
    );
    assert!(calendar.due_date(date("2026-12-28"), 9, None).is_err());
    assert_eq!(
        must(calendar.due_date_or_provisional(date("2026-09-30"), 7, None)),
        (date("2026-10-15"), false)
    );
}

/// Schedules of 2024–2027 with a few days each, some in the December before (so neighbouring
/// years share days, agreeing or not), some empty.
fn random_schedules() -> impl Strategy<Value = Vec<YearSchedule>> {
    let one = (
        2024_i32..=2027,
        proptest::collection::vec(
            (
                0_u64..40,
                proptest::bool::ANY,
                proptest::bool::ANY,
                0_usize..2,
            ),
            0..6,
        ),
    )
        .prop_map(|(year, picks)| {
            let december = |y: i32| {
                NaiveDate::from_ymd_opt(y, 12, 1).unwrap_or_else(|| panic!("December of {y}"))
            };
            let mut days = BTreeMap::new();
            for (offset, before, is_off_day, name) in picks {
                // The December before and the first days of the year, or the year's own
                // December: where neighbouring years overlap.
                let date = if before {
                    december(year - 1) + Days::new(offset)
                } else {
                    december(year) + Days::new(offset % 31)
                };
                days.insert(date, (is_off_day, ["元旦", "春节"][name]));
            }
            let days = days
                .into_iter()
                .map(|(date, (is_off_day, name))| SpecialDay {
                    name: name.to_owned(),
                    date,
                    is_off_day,
                })
                .collect();
            YearSchedule::new(year, Vec::new(), days).unwrap_or_else(|e| panic!("{e}"))
        });
    proptest::collection::vec(one, 1..12)
}

proptest! {
    /// Adding a year, or the same year again, without rebuilding the index gives the layer, the
    /// answer and the error a rebuild gives.
    #[test]
    fn a_layer_built_year_by_year_equals_one_rebuilt_each_time(schedules in random_schedules()) {
        let mut layer = Layer::default();
        for schedule in schedules {
            let rebuilt = layer.rebuilt_with(schedule.clone());
            let before = layer.clone();
            let inserted = layer.insert(schedule);
            match (rebuilt, inserted) {
                (Ok((expected, previous)), Ok(replaced)) => {
                    prop_assert_eq!(&layer, &expected);
                    prop_assert_eq!(replaced, previous);
                }
                (Err(expected), Err(refused)) => {
                    prop_assert_eq!(refused, expected);
                    prop_assert_eq!(&layer, &before);
                }
                (rebuilt, inserted) => {
                    prop_assert!(false, "rebuilt {rebuilt:?}, inserted {inserted:?}");
                }
            }
        }
    }
}
