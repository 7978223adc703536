//! 考核 and 社会评议 on both engines: the finance bureau's 2026 applications (one answered on
//! time, one late, one past due and open), a 复议 decided 纠正, two publications (one over a
//! screening finding) and one of two training sessions make its scorecard, which equals a
//! count made here from the raw rows; the education bureau, with nothing to count but the
//! trainings it missed, ranks above it. The weights form refuses a negative weight in Chinese,
//! saves (audited) and warns when the total is not 100; the Excel export reads back with its
//! merged header, weights row and totals. The published 社会评议 takes a citizen's ratings
//! (bad input refused with a Chinese message; the comment hidden until staff approve it) and
//! the ratings become the 社会评议 indicator.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use gongkai_domain::application::Outcome;
use gongkai_domain::org::OrgCode;
use gongkai_domain::record::{RecordInput, RecordMeta};
use gongkai_store::records::{self, Imported};
use gongkai_store::testing::{ENGINES, add_orgs, application, plant_reply};
use gongkai_store::{Actor, applications, orgs};
use reqwest::StatusCode;

use crate::support::{App, Session, assert_has_all, assert_lacks, header, must, spawn_app, utc_at};

fn day(s: &str) -> NaiveDate {
    must(NaiveDate::parse_from_str(s, "%Y-%m-%d"))
}

async fn org_id(app: &App, code: &str) -> i64 {
    must(orgs::by_code(&app.store, &must(OrgCode::parse(code))).await).id
}

/// Publishes a notice of the organisation `org` on `published` (noon, Beijing).
async fn publish(app: &App, org: i64, key: &str, title: &str, published: NaiveDate) -> i64 {
    let meta = must(
        RecordMeta::parse(
            &RecordInput {
                title,
                kind: "notice",
                written_on: "2026-04-01",
                ..RecordInput::default()
            },
            chrono::Utc::now().date_naive(),
        )
        .map_err(|e| format!("{e:?}")),
    );
    let row = Imported {
        source_key: key.into(),
        meta,
        body_html: "<p>正文</p>".into(),
        body_text: "正文".into(),
        published_at: utc_at(
            chrono::Datelike::year(&published),
            chrono::Datelike::month(&published),
            chrono::Datelike::day(&published),
            4,
        ),
        columns: vec!["tzgg".into()],
        index_no: None,
    };
    must(records::import_batch(&app.store, &Actor::system(), org, &[row], None).await);
    must(
        sqlx::query_scalar::<_, i64>("SELECT id FROM records WHERE source_key = $1")
            .bind(key)
            .fetch_one(app.store.pool())
            .await,
    )
}

async fn exec(app: &App, sql: &'static str, binds: &[&str]) {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    must(q.execute(app.store.pool()).await);
}

/// A training session of the county on `held_on`, attended by `attending` (3 people each).
async fn training(app: &App, site: i64, held_on: &str, attending: &[i64]) {
    let id: i64 = must(
        sqlx::query_scalar(
            "INSERT INTO work_records (site_id, org_id, kind, held_on, topic, file_sha256,
                file_name, file_kind, file_size, created_by, created_at)
             VALUES ($1, $1, 'training', $2, '政务公开业务培训', 'x', '签到表.pdf', 'pdf', 1,
                'office', '2026-01-01T00:00:00.000000Z') RETURNING id",
        )
        .bind(site)
        .bind(held_on)
        .fetch_one(app.store.pool())
        .await,
    );
    for org in attending {
        must(
            sqlx::query(
                "INSERT INTO work_record_attendance (work_record_id, org_id, attendees)
                 VALUES ($1, $2, 3)",
            )
            .bind(id)
            .bind(*org)
            .execute(app.store.pool())
            .await,
        );
    }
}

async fn audited(app: &App, action: &str) -> i64 {
    must(
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND site_id IS NOT NULL",
        )
        .bind(action)
        .fetch_one(app.store.pool())
        .await,
    )
}

/// The finance bureau's applications answered in 2026 or due in it and still open, counted
/// here from the raw rows: (due, on time).
async fn applications_counted(app: &App, finance: i64) -> (u32, u32) {
    let rows: Vec<(Option<String>, Option<String>, String)> = must(
        sqlx::query_as("SELECT due_on, replied_on, status FROM applications WHERE org_id = $1")
            .bind(finance)
            .fetch_all(app.store.pool())
            .await,
    );
    let (mut due, mut on_time) = (0, 0);
    for (due_on, replied_on, status) in rows {
        let in_2026 = |d: &Option<String>| d.as_deref().is_some_and(|d| d.starts_with("2026-"));
        match replied_on {
            Some(r) if in_2026(&Some(r.clone())) => {
                due += 1;
                if due_on.is_none_or(|d| r <= d) {
                    on_time += 1;
                }
            }
            None if status != "replied" && in_2026(&due_on) => due += 1,
            _ => {}
        }
    }
    (due, on_time)
}

/// The text of a worksheet cell.
fn cell(sheet: &calamine::Range<Data>, row: u32, col: u32) -> String {
    sheet
        .get_value((row, col))
        .map(Data::to_string)
        .unwrap_or_default()
}

#[tokio::test]
async fn a_scorecard_counts_the_stores_and_the_public_rates_it() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        add_orgs(&app.store, &[("WQX005", "乌恰县教育局", Some("WQX001"))]).await;
        let site = org_id(&app, "WQX001").await;
        let finance = org_id(&app, "WQX004").await;
        let education = org_id(&app, "WQX005").await;

        // Applications received on 2 March 2026: answered on time, answered late, still open.
        let mut codes = Vec::new();
        for what in ["预算", "决算", "债务"] {
            let r = applications::submit(
                &app.store,
                &application(finance, &format!("请公开2025年{what}")),
                utc_at(2026, 3, 2, 4),
                "203.0.113.9",
            )
            .await;
            codes.push(must(r).tracking_code);
        }
        plant_reply(&app.store, &codes[0], Outcome::Disclosed, day("2026-03-10")).await;
        plant_reply(&app.store, &codes[1], Outcome::NotHeld, day("2026-06-30")).await;
        exec(
            &app,
            "UPDATE applications SET status = 'in_progress' WHERE tracking_code = $1",
            &[&codes[2]],
        )
        .await;
        // A 复议 over the late answer, decided 纠正.
        exec(
            &app,
            "INSERT INTO application_challenges (application_id, kind, filed_on, result,
                decided_on, recorded_by, created_at, updated_at)
             SELECT id, 'review', '2026-07-05', 'corrected', '2026-08-01', 'handler', '', ''
             FROM applications WHERE tracking_code = $1",
            &[&codes[1]],
        )
        .await;
        // Two publications, one approved over a screening finding.
        publish(
            &app,
            finance,
            "sc-1",
            "2026年财政预算公开",
            day("2026-05-01"),
        )
        .await;
        let flagged = publish(
            &app,
            finance,
            "sc-2",
            "2026年财政决算公开",
            day("2026-05-02"),
        )
        .await;
        must(
            sqlx::query("UPDATE records SET screening_note = $1 WHERE id = $2")
                .bind("所含电话为单位对外公开的办公电话")
                .bind(flagged)
                .execute(app.store.pool())
                .await,
        );
        // Two trainings; the finance bureau attended the first.
        training(&app, site, "2026-04-01", &[finance]).await;
        training(&app, site, "2026-09-01", &[]).await;

        let (due, on_time) = applications_counted(&app, finance).await;
        assert_eq!((due, on_time), (3, 1), "{engine:?}");
        // 15 × 1/3 = 5.0; 复议 0 of 10; screening 5 × 1/2; training 5 × 1/2; the rest 不适用.
        let challenges_corrected = 0;
        let expected_finance = 200
            + 100
            + 100
            + 15 * 10 * on_time / due
            + challenges_corrected
            + 100
            + 50
            + 25
            + 25
            + 100;
        assert_eq!(expected_finance, 750);

        let office = Session::login(&app, "office").await;
        let board = office.get_text("/admin/kaohe?period=2026").await;
        assert_has_all(
            &board,
            &[
                "2026年政务公开考核",
                "乌恰县财政局",
                "乌恰县教育局",
                "75.0",
                "95.0",
                "不适用",
            ],
        );
        assert!(
            board.find("乌恰县教育局") < board.find("乌恰县财政局"),
            "{engine:?}: the higher total ranks first"
        );
        let breakdown = office.get_text("/admin/kaohe/org/WQX004?period=2026").await;
        assert_has_all(
            &breakdown,
            &[
                "应答复 3 件，按期 1 件",
                "公开 1、部分公开 0、不予公开 0、无法提供 1",
                "审结 1 件，被纠正 1 件",
                "发布 2 条，带审查发现发布 1 条",
                "期内举办 2 次，参加 1 次（3 人次），应参加 2 次",
                "在 2 个单位中排第 2 名",
            ],
        );
        // A quarter counts only its own months: the first quarter has the on-time answer and
        // the open one due in March, not the answer of June.
        let q1 = office
            .get_text("/admin/kaohe/org/WQX004?period=2026Q1")
            .await;
        assert_has_all(&q1, &["2026年第一季度", "应答复 2 件，按期 1 件"]);

        // Weights: a negative one is refused by name; a saved change is audited and warned.
        let refused = office
            .post(
                "/admin/kaohe/weights",
                &[("coverage", "-1"), ("applications", "15")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert_has_all(
            &must(refused.text().await),
            &["“基本目录覆盖”的分值应为 0 至 100 之间的整数"],
        );
        let saved = office
            .post("/admin/kaohe/weights", &[("applications", "25")])
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{engine:?}");
        assert!(audited(&app, "setting.set").await >= 1);
        let warned = office.get_text("/admin/kaohe?period=2026").await;
        // 25 × 1/3 = 8.3; the total is 110.
        assert_has_all(&warned, &["合计 110 分", "8.3", "78.3"]);
        let back = office
            .post("/admin/kaohe/weights", &[("applications", "15")])
            .await;
        assert_eq!(back.status(), StatusCode::SEE_OTHER);
        assert_lacks(
            &office.get_text("/admin/kaohe?period=2026").await,
            "不是 100 分",
            "the weights total 100 again",
        );

        // The workbook.
        let xlsx = office.get("/admin/kaohe/xlsx?period=2026").await;
        assert_eq!(xlsx.status(), StatusCode::OK);
        let bytes = must(xlsx.bytes().await).to_vec();
        let mut book: Xlsx<_> = must(Xlsx::new(Cursor::new(bytes)));
        let sheet = must(book.worksheet_range(gongkai_export::SCORECARD_SHEET));
        assert_eq!(cell(&sheet, 0, 0), "乌恰县人民政府2026年政务公开考核得分");
        assert_eq!(cell(&sheet, 2, 2), "主动公开及时");
        assert_eq!(cell(&sheet, 3, 5), "15");
        assert_eq!(cell(&sheet, 3, 12), "100");
        assert_eq!(cell(&sheet, 4, 1), "乌恰县教育局");
        assert_eq!(cell(&sheet, 5, 1), "乌恰县财政局");
        assert_eq!(cell(&sheet, 5, 5), "5");
        assert_eq!(cell(&sheet, 5, 12), "75");
        let merged: Vec<_> = must(book.merge_cells_by_sheet_name(gongkai_export::SCORECARD_SHEET))
            .iter()
            .map(|d| (d.start, d.end))
            .collect();
        assert!(merged.contains(&((1, 2), (1, 11))), "{merged:?}");

        // 社会评议: published once, then rated by the public.
        let published = office
            .post("/admin/kaohe/pingyi", &[("period", "2026")])
            .await;
        assert_eq!(published.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let round = header(&published, reqwest::header::LOCATION)
            .trim_start_matches("/admin/kaohe/pingyi/")
            .to_owned();
        let again = office
            .post("/admin/kaohe/pingyi", &[("period", "2026")])
            .await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert_eq!(audited(&app, "evaluation.publish").await, 1);

        let citizen = Session::anonymous(&app).await;
        let page = citizen.get_text("/pingyi/").await;
        assert_has_all(
            &page,
            &[
                "2026年政务公开工作社会评议",
                "乌恰县财政局",
                "75.0",
                "提交评议",
            ],
        );
        let path = format!("/pingyi/{round}");
        let bad = citizen
            .post(
                &path,
                &[("org", "WQX004"), ("timely", "6"), ("responsive", "3")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        assert_has_all(
            &must(bad.text().await),
            &[
                "请为“公开及时”评分（1 至 5 分）",
                "请为“内容完整”评分（1 至 5 分）",
            ],
        );
        let long = "长".repeat(501);
        let too_long = citizen
            .post(
                &path,
                &[
                    ("org", "WQX001"),
                    ("timely", "5"),
                    ("complete", "5"),
                    ("responsive", "5"),
                    ("comment", &long),
                ],
            )
            .await;
        assert_eq!(too_long.status(), StatusCode::BAD_REQUEST);
        assert_has_all(
            &must(too_long.text().await),
            &["意见建议不能超过 500 个字", "请选择本次评议中的被评议单位"],
        );
        let comment = "希望财政预算公开得更早一些";
        let key = citizen.field_from(&path, "submission_key").await;
        assert_eq!(key.len(), 64, "{engine:?}: the form carries a fresh key");
        let form = [
            ("org", "WQX004"),
            ("timely", "5"),
            ("complete", "4"),
            ("responsive", "3"),
            ("comment", comment),
            ("submission_key", key.as_str()),
        ];
        let rated = citizen.post(&path, &form).await;
        assert_eq!(rated.status(), StatusCode::CREATED, "{engine:?}");
        assert_has_all(
            &must(rated.text().await),
            &["感谢您的评议", "留言经审核后公开"],
        );
        // The same form again (a double click) thanks the citizen and is stored once.
        let again = citizen.post(&path, &form).await;
        assert_eq!(again.status(), StatusCode::CREATED, "{engine:?}");
        assert_eq!(audited(&app, "evaluation.submit").await, 1);
        // Without CSRF the form is refused.
        let forged = must(
            reqwest::Client::new()
                .post(format!("{}{path}", app.base))
                .form(&[
                    ("org", "WQX004"),
                    ("timely", "1"),
                    ("complete", "1"),
                    ("responsive", "1"),
                ])
                .send()
                .await,
        );
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);

        // The comment waits for moderation.
        assert_lacks(&citizen.get_text(&path).await, comment, "not approved yet");
        let admin_round = office
            .get_text(&format!("/admin/kaohe/pingyi/{round}"))
            .await;
        assert_has_all(&admin_round, &[comment, "待审核", "5.00"]);
        let response: i64 = must(
            sqlx::query_scalar("SELECT id FROM evaluation_responses WHERE comment = $1")
                .bind(comment)
                .fetch_one(app.store.pool())
                .await,
        );
        let approved = office
            .post(
                &format!("/admin/kaohe/pingyi/{round}/comments/{response}"),
                &[("decision", "approve")],
            )
            .await;
        assert_eq!(approved.status(), StatusCode::SEE_OTHER);
        assert_eq!(audited(&app, "evaluation.comment_approve").await, 1);
        let public = citizen.get_text(&path).await;
        assert_has_all(&public, &[comment, "1 份：5.00 / 4.00 / 3.00"]);

        // The ratings are the 社会评议 indicator: (12 − 3) ÷ 12 × 10 = 7.5, total 72.5.
        let board = office.get_text("/admin/kaohe/org/WQX004?period=2026").await;
        assert_has_all(&board, &["评议 1 份，平均 4.00 分", "7.5", "72.5"]);

        // Hidden again, it leaves the public page.
        let hidden = office
            .post(
                &format!("/admin/kaohe/pingyi/{round}/comments/{response}"),
                &[("decision", "hide")],
            )
            .await;
        assert_eq!(hidden.status(), StatusCode::SEE_OTHER);
        assert_lacks(&citizen.get_text(&path).await, comment, "hidden by staff");

        // Closed, it takes no more evaluations.
        let closed = office
            .post(&format!("/admin/kaohe/pingyi/{round}/close"), &[])
            .await;
        assert_eq!(closed.status(), StatusCode::SEE_OTHER);
        let late = citizen
            .post(
                &path,
                &[
                    ("org", "WQX004"),
                    ("timely", "5"),
                    ("complete", "5"),
                    ("responsive", "5"),
                ],
            )
            .await;
        assert_eq!(late.status(), StatusCode::CONFLICT);
        assert_has_all(&must(late.text().await), &["本次社会评议已结束"]);
        let _ = education;
    }
}
