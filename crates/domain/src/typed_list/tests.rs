use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

/// The value, or the test fails with the error.
fn must<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e:?}"))
}

/// The error, or the test fails with the value.
fn refused<T: std::fmt::Debug, E>(r: Result<T, E>) -> E {
    match r {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e,
    }
}

/// The built-in list `code`.
fn list(code: &str) -> Schema {
    builtin::by_code(code).unwrap_or_else(|| panic!("no list {code}"))
}

fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn every_builtin_schema_passes_the_checks_an_admin_schema_meets() {
    let all = builtin::all();
    assert_eq!(all.len(), 8);
    let mut codes = BTreeSet::new();
    for s in &all {
        s.check().unwrap_or_else(|e| panic!("{}: {e}", s.code));
        assert!(codes.insert(s.code.clone()));
    }
    assert_eq!(list("jiuzhu").gongshi_days, Some(7));
}

#[test]
fn a_row_is_read_into_canonical_cells() {
    let s = list("minsheng");
    let cells = must(s.check_row(&typed(&[
        ("project", " 城乡低保资金 "),
        ("year", "２０２６"),
        ("org", "mzj"),
        ("recipient", "城关镇"),
        ("amount", "¥1,234.5"),
        ("allocated_on", "2026年3月5日"),
    ])));
    assert_eq!(cells["project"], "城乡低保资金");
    assert_eq!(cells["year"], "2026");
    assert_eq!(cells["org"], "MZJ");
    assert_eq!(cells["amount"], "123450");
    assert_eq!(cells["allocated_on"], "2026-03-05");
    let shown = s.public_cells(&cells);
    assert!(
        shown
            .iter()
            .any(|(f, v)| f.key == "amount" && v == "1,234.50")
    );
    assert_eq!(s.typed_form(&cells)["amount"], "1,234.50");
}

#[test]
fn every_bad_cell_is_named_with_its_heading() {
    let s = list("minsheng");
    let errors = refused(s.check_row(&typed(&[
        ("year", "二〇二六"),
        ("org", "mzj"),
        ("recipient", "城关镇"),
        ("amount", "12.345"),
        ("allocated_on", "3/5/2026"),
        ("colour", "red"),
    ])));
    let named: Vec<(&str, ErrorCode)> = errors.iter().map(|e| (e.key.as_str(), e.code)).collect();
    assert_eq!(
        named,
        [
            ("colour", ErrorCode::ListFieldUnknown),
            ("project", ErrorCode::ListFieldRequired),
            ("year", ErrorCode::ListNumberInvalid),
            ("amount", ErrorCode::ListMoneyInvalid),
            ("allocated_on", ErrorCode::ListDateInvalid),
        ]
    );
    assert_eq!(errors[1].message, "请填写“资金项目”");
    assert!(errors[3].message.contains("分配金额"));
}

#[test]
fn a_choice_must_be_one_of_its_options() {
    let s = list("quanli");
    let row = [
        ("name", "食品经营许可"),
        ("basis", "《食品安全法》第三十五条"),
        ("org", "scjg"),
    ];
    let mut with_kind = row.to_vec();
    with_kind.push(("kind", "行政许可"));
    assert!(s.check_row(&typed(&with_kind)).is_ok());
    with_kind.pop();
    with_kind.push(("kind", "许可"));
    let errors = refused(s.check_row(&typed(&with_kind)));
    assert_eq!(errors[0].code, ErrorCode::ListOptionUnknown);
    assert!(errors[0].message.contains("行政处罚"));
}

#[test]
fn a_guide_missing_statutory_elements_is_flagged_and_not_publishable() {
    let s = list("banshi");
    let mut pairs: Vec<(&str, &str)> = builtin::GUIDE_ELEMENTS.iter().map(|k| (*k, "有")).collect();
    let complete = must(s.check_row(&typed(&pairs)));
    assert!(s.missing_elements(&complete).is_empty());
    assert!(s.check_publishable(&complete).is_ok());
    pairs.retain(|(k, _)| *k != "fee" && *k != "supervise_phone");
    let partial = must(s.check_row(&typed(&pairs)));
    let missing: Vec<&str> = s
        .missing_elements(&partial)
        .iter()
        .map(|f| f.label.as_str())
        .collect();
    assert_eq!(missing, ["收费标准", "监督电话"]);
    let err = refused(s.check_publishable(&partial));
    assert_eq!(
        err.to_string(),
        "缺少法定要素：收费标准、监督电话，补齐后才能发布"
    );
}

#[test]
fn masking_follows_the_field_rules() {
    assert_eq!(mask(Masking::Name, "张三"), "张*");
    assert_eq!(mask(Masking::Name, "张三丰"), "张**");
    assert_eq!(mask(Masking::Name, "王"), "王*");
    assert_eq!(
        mask(Masking::IdNumber, "11010519491231002X"),
        "110105********002X"
    );
    assert_eq!(mask(Masking::Phone, "13812345678"), "138****5678");
    assert_eq!(mask(Masking::None, "城关镇"), "城关镇");
    let s = list("jiuzhu");
    let cells = must(s.check_row(&typed(&[
        ("kind", "农村低保"),
        ("name", "李四明"),
        ("id_number", "11010519491231002X"),
        ("village", "东村"),
    ])));
    let shown = s.public_cells(&cells);
    assert!(shown.iter().any(|(f, v)| f.key == "name" && v == "李**"));
    assert!(
        shown.iter().all(|(f, _)| f.key != "id_number"),
        "staff only"
    );
    assert_eq!(s.public_title(&cells), "李**");
    assert!(!s.public_text(&cells).contains("李四明"));
    assert!(!s.public_text(&cells).contains("11010519491231002X"));
}

#[test]
fn an_id_number_in_a_free_text_cell_of_a_beneficiary_list_is_a_finding() {
    let s = list("jiuzhu");
    let cells = must(s.check_row(&typed(&[
        ("kind", "临时救助"),
        ("name", "李四明"),
        ("id_number", "11010519491231002X"),
        ("village", "东村"),
        ("note", "户主身份证 11010519491231002X"),
    ])));
    let findings = s.screen(&cells, &[]);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].location, "备注");
    assert_eq!(findings[0].kind, crate::screening::FindingKind::IdCard);
}

#[test]
fn review_states_follow_the_record_rules() {
    use RowAction as A;
    use RowStatus as S;
    let code = |r: Result<RowStatus, DomainError>| refused(r).error_code();
    assert_eq!(must(S::Draft.apply(A::Submit, true)), S::Pending);
    assert_eq!(
        code(S::Draft.apply(A::Submit, false)),
        ErrorCode::ListRowAuthorOnly
    );
    assert_eq!(
        code(S::Pending.apply(A::Approve, true)),
        ErrorCode::ListRowSelfReview
    );
    assert_eq!(must(S::Pending.apply(A::Approve, false)), S::Published);
    assert_eq!(must(S::Pending.apply(A::Return, false)), S::Draft);
    assert_eq!(must(S::Published.apply(A::Edit, false)), S::Draft);
    assert_eq!(must(S::Published.apply(A::Withdraw, false)), S::Withdrawn);
    assert_eq!(
        code(S::Draft.apply(A::Withdraw, true)),
        ErrorCode::ListRowActionNotAllowed
    );
}

#[test]
fn a_gongshi_row_is_public_only_until_its_period_ends() {
    let published = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).single();
    let published = published.unwrap_or_else(|| panic!("a valid instant"));
    let end = gongshi_end(published, 7);
    assert_eq!(end.to_rfc3339(), "2026-12-08T02:00:00+00:00");
    let before = end - Duration::seconds(1);
    assert!(is_public(RowStatus::Published, Some(end), before));
    assert!(!is_public(RowStatus::Published, Some(end), end));
    assert!(is_public(RowStatus::Published, None, end));
    assert!(!is_public(RowStatus::Withdrawn, None, before));
    assert!(!is_public(RowStatus::Pending, None, before));
}

#[test]
fn a_decision_is_due_within_seven_working_days() {
    let calendar = Calendar::national();
    let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap_or_default();
    // Decided on Monday 2025-12-01: the seventh working day after is Wednesday 12-10.
    let decided = Some(day(12, 1));
    let judged =
        |decided, published| must(decision_timeliness(&calendar, None, decided, published));
    assert_eq!(judged(decided, day(12, 10)), Timeliness::OnTime);
    assert_eq!(judged(decided, day(12, 11)), Timeliness::Late { by: 1 });
    // Across the National Day holiday (10-01 to 10-08 off, Saturday 10-11 worked):
    // 2025-09-30 + 7 working days is 10-16.
    let before_holiday = Some(day(9, 30));
    assert_eq!(judged(before_holiday, day(10, 16)), Timeliness::OnTime);
    assert_eq!(
        judged(before_holiday, day(10, 17)),
        Timeliness::Late { by: 1 }
    );
    assert_eq!(judged(None, day(10, 17)), Timeliness::NoDate);
}

#[test]
fn an_admin_schema_is_checked() {
    let mut s = list("minsheng");
    s.code = "my-list".into();
    assert!(s.check().is_ok());
    let code = |s: &Schema| refused(s.check()).error_code();
    let mut dup = s.clone();
    dup.fields[1].key = dup.fields[0].key.clone();
    assert_eq!(code(&dup), ErrorCode::ListSchemaKeyDuplicate);
    let mut bad_key = s.clone();
    bad_key.fields[0].key = "1st".into();
    assert_eq!(code(&bad_key), ErrorCode::ListSchemaKeyInvalid);
    let mut no_options = s.clone();
    no_options.fields[0].kind = FieldKind::Choice;
    assert_eq!(code(&no_options), ErrorCode::ListSchemaOptions);
    let mut too_many = s.clone();
    too_many.fields = (0..=MAX_FIELDS)
        .map(|i| Field {
            key: format!("f{i}"),
            label: format!("字段{i}"),
            ..s.fields[0].clone()
        })
        .collect();
    assert_eq!(code(&too_many), ErrorCode::ListSchemaFieldCount);
    let mut long_gongshi = s.clone();
    long_gongshi.gongshi_days = Some(MAX_GONGSHI_DAYS + 1);
    assert_eq!(code(&long_gongshi), ErrorCode::ListGongshiDays);
    let mut bad_title = s.clone();
    bad_title.title_key = "nothing".into();
    assert_eq!(code(&bad_title), ErrorCode::ListSchemaTitleUnknown);
    let json = must(serde_json::to_string(&s));
    assert_eq!(
        must(serde_json::from_str::<Schema>(&json)),
        s,
        "kept as JSON"
    );
}

#[test]
fn dates_are_read_only_when_unambiguous() {
    let d = |s| parse_date(s).map(|d| d.to_string());
    assert_eq!(d("2026-01-05").as_deref(), Some("2026-01-05"));
    assert_eq!(d("2026/1/5").as_deref(), Some("2026-01-05"));
    assert_eq!(d("2026.1.5").as_deref(), Some("2026-01-05"));
    assert_eq!(d("2026年1月5日").as_deref(), Some("2026-01-05"));
    assert_eq!(d("20260105").as_deref(), Some("2026-01-05"));
    assert_eq!(d("1/5/2026"), None);
    assert_eq!(d("26-1-5"), None);
    assert_eq!(d("2026-02-30"), None);
}

proptest! {
    #[test]
    fn money_reads_back_what_it_shows(fen in 0i64..=MAX_FEN) {
        prop_assert_eq!(parse_money(&format_money(fen)), Some(fen));
    }

    #[test]
    fn a_row_check_never_panics_and_names_only_known_or_typed_keys(
        cells in proptest::collection::btree_map("[a-z_]{1,12}", "\\PC{0,40}", 0..12)
    ) {
        for s in builtin::all() {
            match s.check_row(&cells) {
                Ok(out) => prop_assert!(out.keys().all(|k| s.field(k).is_some())),
                Err(errors) => prop_assert!(errors
                    .iter()
                    .all(|e| s.field(&e.key).is_some() || cells.contains_key(&e.key))),
            }
        }
    }

    #[test]
    fn a_checked_row_reads_back_from_its_typed_form(
        name in "[\\u{4e00}-\\u{9fa5}]{1,10}",
        fen in 0i64..1_000_000_000,
        y in 2000i32..2100, m in 1u32..=12, d in 1u32..=28,
    ) {
        let s = list("minsheng");
        let raw = typed(&[
            ("project", &name), ("year", "2026"), ("org", "mzj"), ("recipient", &name),
            ("amount", &format_money(fen)), ("allocated_on", &format!("{y}/{m}/{d}")),
        ]);
        let once = must(s.check_row(&raw));
        let twice = must(s.check_row(&s.typed_form(&once)));
        prop_assert_eq!(&once, &twice);
    }

    #[test]
    fn masking_keeps_the_length_and_shows_no_hidden_character(text in "\\PC{1,30}") {
        let len = text.trim().chars().count();
        for rule in Masking::ALL.iter().copied().filter(|r| *r != Masking::None) {
            let masked = mask(rule, &text);
            let expected = if rule == Masking::Name && len == 1 { 2 } else { len };
            prop_assert_eq!(masked.chars().count(), expected);
            if rule == Masking::Name && len > 1 {
                prop_assert!(masked.chars().skip(1).all(|c| c == '*'));
            }
        }
    }
}
