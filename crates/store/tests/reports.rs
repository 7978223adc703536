//! The annual report's section 三 counted from the applications table on both engines, compared
//! with a count made here, independently, from the rows; and the stored report's hand entries
//! and publication.

use chrono::{DateTime, TimeZone, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::{ApplicantKind, Outcome};
use gongkai_domain::record::{RecordKind, RecordMeta, RecordStatus, Validity};
use gongkai_domain::report::{ApplicationsTable, Column, HandEntries, Row};
use gongkai_store::testing::{ENGINES, add_orgs, application, plant_reply};
use gongkai_store::{Actor, StoreError, applications, records, reports};
use sqlx::Row as _;

use crate::support::{count, county_on, must};

/// The report as a record of 政府信息公开年报 with `body` as its HTML.
fn record_content(body: &str) -> records::Content {
    records::Content {
        meta: RecordMeta {
            title: "乌恰县人民政府2025年政府信息公开工作年度报告".into(),
            kind: RecordKind::Other,
            doc_number: String::new(),
            written_on: None,
            theme: "综合政务\\政务公开".into(),
            genre: "报告".into(),
            keywords: String::new(),
            source: "乌恰县人民政府".into(),
            summary: String::new(),
            validity: Validity::Valid,
            disclosure_method: "政府网站".into(),
        },
        body_html: body.into(),
        body_text: body.replace(['<', '>', '/'], " "),
        columns: vec!["nb".into()],
        interprets_id: None,
        interpretation_form: None,
    }
}

/// A small deterministic generator, so the data set is varied but the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// Received at `hour` UTC on `day` days after 2024-12-01 (16:00 UTC and later is the next
/// Beijing day, so the year's edges are crossed both ways).
fn instant(day: u64, hour: u32) -> DateTime<Utc> {
    let base = Utc.with_ymd_and_hms(2024, 12, 1, 0, 0, 0).single();
    let base = base.unwrap_or_else(|| panic!("a valid instant"));
    base + chrono::Duration::days(i64::try_from(day).unwrap_or(0))
        + chrono::Duration::hours(i64::from(hour))
}

/// Section 三 of `year` counted from the raw rows, the way a clerk would with a list: by the
/// received date's year, the reply date's year and whether it was open on 31 December.
fn count_by_hand(
    rows: &[(String, String, Option<String>, String)],
    year: i32,
) -> ApplicationsTable {
    let y = |d: &str| d[..4].parse::<i32>().unwrap_or(0);
    let mut t = ApplicationsTable::default();
    for (kind, received, replied, outcome) in rows {
        let col = Column::Kind(must(ApplicantKind::parse(kind)));
        let r = y(received);
        let replied_year = replied.as_deref().map(y);
        let bump = |t: &mut ApplicationsTable, row: Row| t.set(row, col, t.get(row, col) + 1);
        if r == year {
            bump(&mut t, Row::New);
        }
        if r < year && replied_year.is_none_or(|ry| ry >= year) {
            bump(&mut t, Row::CarriedIn);
        }
        if replied_year == Some(year) {
            bump(&mut t, Row::Outcome(must(Outcome::parse(outcome))));
        }
        if r <= year && replied_year.is_none_or(|ry| ry > year) {
            bump(&mut t, Row::CarriedOut);
        }
    }
    t.fill_totals();
    t
}

#[tokio::test]
async fn section_three_equals_an_independent_count_of_the_rows() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        add_orgs(
            &store,
            &[
                ("WQX004", "乌恰县财政局", Some("WQX001")),
                ("WQX005", "乌恰县教育局", Some("WQX001")),
                ("WQX0051", "乌恰县教育局招生办", Some("WQX005")),
                ("ATS001", "阿图什市人民政府", None),
            ],
        )
        .await;
        let ids: Vec<i64> = sqlx::query("SELECT id FROM organisations ORDER BY id")
            .fetch_all(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|r| r.get::<i64, _>("id"))
            .collect();
        let mut rng = Lcg(7);
        for i in 0..120 {
            let org_id = ids[usize::try_from(rng.next(5)).unwrap_or(0)];
            let received_at = instant(rng.next(800), u32::try_from(rng.next(24)).unwrap_or(0));
            let new = applications::NewApplication {
                applicant_kind: ApplicantKind::ALL[usize::try_from(rng.next(6)).unwrap_or(0)],
                ..application(org_id, &format!("申请公开第 {i} 项信息"))
            };
            let receipt = must(applications::submit(&store, &new, received_at, "127.0.0.1").await);
            // Two in three are answered, 0 to 60 days after receipt, with any outcome.
            if rng.next(3) > 0 {
                let received_on = gongkai_domain::time::beijing_date(received_at);
                let replied_on =
                    received_on + chrono::Duration::days(i64::try_from(rng.next(60)).unwrap_or(0));
                let outcome = Outcome::ALL[usize::try_from(rng.next(21)).unwrap_or(0)];
                plant_reply(&store, &receipt.tracking_code, outcome, replied_on).await;
            }
        }

        let subtree = must(reports::subtree(&store, county.id).await);
        assert_eq!(
            subtree.len(),
            4,
            "{engine:?}: the county and its three offices"
        );
        let rows_of = |org_ids: Vec<i64>| {
            let store = store.clone();
            async move {
                let all = sqlx::query(
                    "SELECT org_id, applicant_kind, received_on, replied_on, outcome FROM applications",
                )
                .fetch_all(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
                all.iter()
                    .filter(|r| org_ids.contains(&r.get::<i64, _>("org_id")))
                    .map(|r| {
                        (
                            r.get::<String, _>("applicant_kind"),
                            r.get::<String, _>("received_on"),
                            r.get::<Option<String>, _>("replied_on"),
                            r.get::<String, _>("outcome"),
                        )
                    })
                    .collect::<Vec<_>>()
            }
        };
        let county_rows = rows_of(subtree.clone()).await;
        let education = vec![ids[2], ids[3]];
        let education_rows = rows_of(education.clone()).await;
        for year in 2024..=2027 {
            let counted = must(reports::count_applications(&store, &subtree, year).await);
            assert_eq!(
                counted,
                count_by_hand(&county_rows, year),
                "{engine:?} {year}"
            );
            assert!(counted.violations().is_empty(), "{engine:?} {year}");
            let dept = must(reports::count_applications(&store, &education, year).await);
            assert_eq!(
                dept,
                count_by_hand(&education_rows, year),
                "{engine:?} {year}"
            );
        }
        let t2025 = must(reports::count_applications(&store, &subtree, 2025).await);
        assert!(
            t2025.get(Row::New, Column::Total) > 20,
            "{engine:?}: a real data set"
        );
        assert!(t2025.get(Row::CarriedIn, Column::Total) > 0, "{engine:?}");
        assert!(t2025.get(Row::CarriedOut, Column::Total) > 0, "{engine:?}");
        let t2026 = must(reports::count_applications(&store, &subtree, 2026).await);
        for c in Column::ALL {
            assert_eq!(t2026.get(Row::CarriedIn, c), t2025.get(Row::CarriedOut, c));
        }
        // Another site's applications never count in this county's report.
        let other = must(reports::count_applications(&store, &[ids[4]], 2025).await);
        let all_sites = must(reports::count_applications(&store, &ids, 2025).await);
        assert_eq!(
            all_sites.get(Row::New, Column::Total),
            t2025.get(Row::New, Column::Total) + other.get(Row::New, Column::Total)
        );
    }
}

#[tokio::test]
async fn received_in_the_last_beijing_evening_of_the_year_counts_in_the_next_year() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        // 2025-12-31 16:30 UTC is 2026-01-01 00:30 in Beijing.
        let at = Utc.with_ymd_and_hms(2025, 12, 31, 16, 30, 0).single();
        let at = at.unwrap_or_else(|| panic!("a valid instant"));
        must(
            applications::submit(
                &store,
                &application(county.id, "跨年的申请"),
                at,
                "127.0.0.1",
            )
            .await,
        );
        let t2025 = must(reports::count_applications(&store, &[county.id], 2025).await);
        let t2026 = must(reports::count_applications(&store, &[county.id], 2026).await);
        assert_eq!(t2025.get(Row::New, Column::Total), 0, "{engine:?}");
        assert_eq!(t2026.get(Row::New, Column::Total), 1, "{engine:?}");
    }
}

#[tokio::test]
async fn hand_entries_are_saved_and_a_published_report_is_frozen() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let actor = Actor::cli();
        assert!(must(reports::get(&store, county.id, 2025).await).is_none());
        let mut entries = HandEntries::default();
        entries.prose.overview = "本年度，县政府坚持以公开为常态。".into();
        entries.proactive.normative.made.value = 4;
        entries.proactive.normative.made.source = "县司法局备案登记".into();
        must(reports::save_entries(&store, &actor, county.id, 2025, &entries).await);
        entries.proactive.licensing.value = 12;
        entries.proactive.licensing.source = "县政务服务中心".into();
        must(reports::save_entries(&store, &actor, county.id, 2025, &entries).await);
        let saved = must(reports::get(&store, county.id, 2025).await);
        let saved = saved.unwrap_or_else(|| panic!("{engine:?}: saved"));
        assert_eq!(saved.entries, entries);
        assert!(!saved.is_published());
        assert_eq!(
            must(reports::years(&store, county.id).await),
            [(2025, false)]
        );

        let table = ApplicationsTable::default();
        // Screening refuses a body with an ID number; nothing is published, no record made.
        let leaky = record_content("<p>联系人身份证号 11010519491231002X</p>");
        match reports::publish(
            &store,
            &actor,
            county.id,
            2025,
            (&table, &entries),
            "",
            (&leaky, &[]),
        )
        .await
        {
            Err(StoreError::Conflict(r)) => {
                assert_eq!(r.code, ErrorCode::ReportScreeningFindings, "{engine:?}")
            }
            other => panic!("{engine:?}: {other:?}"),
        }
        assert_eq!(
            must(reports::years(&store, county.id).await),
            [(2025, false)]
        );
        let made = count(&store, "SELECT COUNT(*) FROM records").await;
        assert_eq!(made, 0, "{engine:?}: the refused record was rolled back");

        let content =
            record_content("<h2>一、总体情况</h2><p>本年度，县政府坚持以公开为常态。</p>");
        let (record_id, index_no) = must(
            reports::publish(
                &store,
                &actor,
                county.id,
                2025,
                (&table, &entries),
                "",
                (&content, &[]),
            )
            .await,
        );
        let record = must(records::get(&store, record_id).await);
        assert_eq!(record.status, RecordStatus::Published, "{engine:?}");
        assert_eq!(record.index_no.as_deref(), Some(index_no.as_str()));
        assert_eq!(record.columns, ["nb"]);
        assert_eq!(record.title, "乌恰县人民政府2025年政府信息公开工作年度报告");
        let fed = count(&store, "SELECT COUNT(*) FROM change_feed WHERE object_type = 'record' AND change = 'record.generate'").await;
        assert_eq!(fed, 1, "{engine:?}: the search index and caches hear of it");
        let published = must(reports::get(&store, county.id, 2025).await);
        let published = published.unwrap_or_else(|| panic!("{engine:?}: published"));
        assert_eq!(published.published_table, Some(table));
        assert_eq!(published.published_by, "cli");
        assert_eq!(
            must(reports::years(&store, county.id).await),
            [(2025, true)]
        );
        for refused in [
            reports::save_entries(&store, &actor, county.id, 2025, &entries).await,
            reports::publish(
                &store,
                &actor,
                county.id,
                2025,
                (&ApplicationsTable::default(), &entries),
                "",
                (&content, &[]),
            )
            .await
            .map(|_| ()),
        ] {
            match refused {
                Err(StoreError::Conflict(r)) => {
                    assert_eq!(r.code, ErrorCode::ReportAlreadyPublished)
                }
                other => panic!("{engine:?}: {other:?}"),
            }
        }
        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('report.save', 'report.publish')",
        )
        .await;
        assert_eq!(audited, 3, "{engine:?}");
    }
}

/// A published record of `kind` imported for `org_id`, made (成文日期) on `written_on` or, without
/// one, published on `published`.
fn imported(
    key: &str,
    kind: RecordKind,
    written_on: Option<&str>,
    published: DateTime<Utc>,
) -> records::Imported {
    let day = |s: &str| must(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d"));
    records::Imported {
        source_key: format!("test:{key}"),
        meta: RecordMeta {
            title: format!("关于印发第{key}号管理办法的通知"),
            kind,
            doc_number: format!("乌政规〔2026〕{key}号"),
            written_on: written_on.map(day),
            theme: "综合政务\\政务公开".into(),
            genre: "通知".into(),
            keywords: String::new(),
            source: "乌恰县人民政府".into(),
            summary: String::new(),
            validity: Validity::Valid,
            disclosure_method: "政府网站".into(),
        },
        body_html: "<p>正文</p>".into(),
        body_text: "正文".into(),
        published_at: published,
        columns: vec!["zcwj".into()],
        index_no: None,
    }
}

#[tokio::test]
async fn section_two_counts_normative_documents_by_their_dates_and_validity() {
    use gongkai_domain::report::CountedDocuments;
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        add_orgs(
            &store,
            &[
                ("WQX004", "乌恰县财政局", Some("WQX001")),
                ("ATS001", "阿图什市人民政府", None),
            ],
        )
        .await;
        let finance = must(reports::subtree(&store, county.id).await)[1];
        let other_site: i64 =
            sqlx::query_scalar("SELECT id FROM organisations WHERE code = 'ATS001'")
                .fetch_one(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        let at = |y, m, d, h| {
            Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
                .single()
                .unwrap_or_else(|| panic!("a valid instant"))
        };
        let actor = Actor::cli();
        let n = RecordKind::Normative;
        let county_rows = [
            // In force since 2024.
            imported("1", n, Some("2024-05-01"), at(2024, 5, 3, 2)),
            // Made 2024, repealed 2026.
            imported("2", n, Some("2024-06-01"), at(2024, 6, 3, 2)),
            // Made 2026 (成文日期), published 2026.
            imported("3", n, Some("2026-01-05"), at(2026, 1, 6, 2)),
            // No 成文日期: published 2025-12-31 17:00 UTC, 2026-01-01 in Beijing → made 2026.
            imported("4", n, None, at(2025, 12, 31, 17)),
            // Made 2026, expired 2026.
            imported("5", n, Some("2026-02-01"), at(2026, 2, 2, 2)),
            // Not a normative document: never counted.
            imported(
                "6",
                RecordKind::Policy,
                Some("2026-03-01"),
                at(2026, 3, 2, 2),
            ),
            // Repealed with no date recorded.
            imported("7", n, Some("2025-03-01"), at(2025, 3, 2, 2)),
        ];
        must(records::import_batch(&store, &actor, county.id, &county_rows, None).await);
        // A department's document counts in the county's report; another site's never.
        let finance_rows = [imported("8", n, Some("2026-04-01"), at(2026, 4, 2, 2))];
        must(records::import_batch(&store, &actor, finance, &finance_rows, None).await);
        let other_rows = [imported("9", n, Some("2026-04-01"), at(2026, 4, 2, 2))];
        must(records::import_batch(&store, &actor, other_site, &other_rows, None).await);
        let id_of = |key: &'static str| {
            let store = store.clone();
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM records WHERE source_key = $1")
                    .bind(format!("test:{key}"))
                    .fetch_one(store.pool())
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
            }
        };
        let day = |s: &str| must(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d"));
        let changes = [
            ("2", Validity::Repealed, "2026-03-01"),
            ("5", Validity::Expired, "2026-11-30"),
        ];
        for (key, validity, on) in changes {
            let id = id_of(key).await;
            must(records::set_validity(&store, &actor, id, validity, day(on), None).await);
        }
        // 有效性 without a date, as an old import may hold it.
        sqlx::query("UPDATE records SET validity = 'repealed' WHERE source_key = 'test:7'")
            .execute(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        let subtree = must(reports::subtree(&store, county.id).await);
        let now = at(2027, 1, 10, 2);
        let docs = must(reports::document_facts(&store, &subtree, now).await);
        assert_eq!(
            docs.len(),
            7,
            "{engine:?}: six of the county's, one of finance"
        );
        let y2026 = CountedDocuments::count(2026, &docs);
        assert_eq!(
            y2026,
            CountedDocuments {
                made: 4,
                repealed: 2,
                in_force: 4,
                undated: 1,
                ..CountedDocuments::default()
            },
            "{engine:?}"
        );
        let y2025 = CountedDocuments::count(2025, &docs);
        assert_eq!(
            (y2025.made, y2025.repealed, y2025.in_force),
            (0, 0, 2),
            "{engine:?}"
        );
        assert_eq!(y2025.in_force + y2026.made - y2026.repealed, y2026.in_force);
        // The department alone.
        let dept = must(reports::document_facts(&store, &[finance], now).await);
        assert_eq!(CountedDocuments::count(2026, &dept).made, 1, "{engine:?}");
        // A record not yet public at the moment asked about is not counted.
        let before = must(reports::document_facts(&store, &subtree, at(2026, 1, 1, 0)).await);
        assert_eq!(before.len(), 4, "{engine:?}");
    }
}
