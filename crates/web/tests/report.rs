//! The annual report in the back office over HTTP, on both engines: only the openness office
//! opens it; section 三 is a real table counted from the applications (snapshot of a fixed data
//! set); a broken identity is shown beside its cell and refuses publication; a late report needs
//! its reason; a published report is read-only and is a public record of 政府信息公开年报 whose
//! page shows the tables (snapshot of its HTML body).

use chrono::NaiveDate;
use gongkai_domain::application::{ApplicantKind, Outcome};
use gongkai_store::testing::{ENGINES, application, plant_reply};
use gongkai_store::{applications, orgs, records, reports};
use reqwest::StatusCode;

use crate::support::{self, App, Session, assert_has_all, must, spawn_app, utc_at};

async fn org_id(app: &App, code: &str) -> i64 {
    let code = must(gongkai_domain::org::OrgCode::parse(code));
    must(orgs::by_code(&app.store, &code).await).id
}

/// An application to plant: organisation, applicant, received (y, m, d), reply.
type Planted<'a> = (
    i64,
    ApplicantKind,
    (i32, u32, u32),
    Option<(&'a str, Outcome)>,
);

/// A fixed data set: applications to the county and its finance bureau across 2024–2026.
async fn applications_of_2025(app: &App) {
    let county = org_id(app, "WQX001").await;
    let finance = org_id(app, "WQX004").await;
    let day = |s: &str| must(NaiveDate::parse_from_str(s, "%Y-%m-%d"));
    #[rustfmt::skip]
    let set: [Planted; 8] = [
        (county, ApplicantKind::Natural, (2025, 2, 3), Some(("2025-02-20", Outcome::Disclosed))),
        (county, ApplicantKind::Natural, (2025, 5, 6), Some(("2025-05-30", Outcome::PartlyDisclosed))),
        (county, ApplicantKind::Commercial, (2025, 7, 1), Some(("2025-07-15", Outcome::ThirdPartyRights))),
        (finance, ApplicantKind::Natural, (2024, 12, 20), Some(("2025-01-10", Outcome::NotHeld))),
        (finance, ApplicantKind::LegalServices, (2025, 9, 9), Some(("2025-09-20", Outcome::Repeated))),
        (finance, ApplicantKind::Research, (2025, 12, 28), Some(("2026-01-12", Outcome::Disclosed))),
        (finance, ApplicantKind::Natural, (2025, 12, 30), None),
        (county, ApplicantKind::Natural, (2024, 3, 1), Some(("2024-03-20", Outcome::Disclosed))),
    ];
    for (org, kind, (y, m, d), reply) in set {
        let new = applications::NewApplication {
            applicant_kind: kind,
            ..application(org, "申请公开本单位年度预算")
        };
        let at = utc_at(y, m, d, 2);
        let r = must(applications::submit(&app.store, &new, at, "10.0.0.9").await);
        if let Some((on, outcome)) = reply {
            plant_reply(&app.store, &r.tracking_code, outcome, day(on)).await;
        }
    }
}

/// The section 三 table of a report page, as sent.
fn section3(html: &str) -> String {
    let start = html.find("<table class=\"data report-table\" id=\"section3\">");
    let start = start.unwrap_or_else(|| panic!("no section 三 table in {html}"));
    let end = html[start..]
        .find("</table>")
        .map(|e| start + e + "</table>".len());
    html[start..end.unwrap_or(html.len())].to_owned()
}

#[tokio::test]
async fn the_openness_office_checks_and_publishes_the_annual_report() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        applications_of_2025(&app).await;

        let handler = Session::login(&app, "handler").await;
        assert_eq!(
            handler.get_status("/admin/report").await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            handler.get_status("/admin/report/2025").await,
            StatusCode::FORBIDDEN
        );

        let office = Session::login(&app, "office").await;
        let list = office.get_text("/admin/report").await;
        assert_has_all(
            &list,
            &[
                "政府信息公开工作年度报告",
                "/admin/report/2025?org=WQX001",
                "2026-03-31",
            ],
        );
        assert_eq!(
            office.get_status("/admin/report/2018").await,
            StatusCode::NOT_FOUND
        );

        let url = "/admin/report/2025?org=WQX001";
        let page = office.get_text(url).await;
        assert_has_all(
            &page,
            &[
                "一、总体情况",
                "二、主动公开政府信息情况",
                "四、政府信息公开行政复议、行政诉讼情况",
                "及下属 1 个机构",
            ],
        );
        let table = section3(&page);
        insta::assert_snapshot!("report_section3_2025", table);
        // A first draft of section 一 from the year's figures, in the field, nothing saved.
        let drafted = office
            .get_text("/admin/report/2025/overview-draft?org=WQX001")
            .await;
        assert_has_all(
            &drafted,
            &[
                "2025年，乌恰县人民政府坚持以公开为常态、不公开为例外",
                "全年新收政府信息公开申请6件",
                "未发生因政府信息公开引起的行政复议、行政诉讼案件",
                "2025年，本机关未收取政府信息公开信息处理费。",
            ],
        );
        assert!(
            must(reports::get(&app.store, org_id(&app, "WQX001").await, 2025).await).is_none(),
            "{engine:?}: a draft is not saved"
        );

        // The workbook of the same tables.
        let xlsx = office.get("/admin/report/2025/xlsx?org=WQX001").await;
        assert_eq!(xlsx.status(), StatusCode::OK);
        assert_eq!(support::header(&xlsx, "cache-control"), "private, no-store");
        let bytes = must(xlsx.bytes().await);
        assert!(bytes.starts_with(b"PK"), "{engine:?}: a workbook (ZIP)");
        assert_eq!(
            handler.get_status("/admin/report/2025/xlsx").await,
            StatusCode::FORBIDDEN
        );

        // Section 四 with a total that is not the sum of its results: saved, shown beside the
        // cell, and publication refused with the identity's code.
        let fields = [
            ("overview", "本年度，县政府坚持以公开为常态、不公开为例外。"),
            ("review.upheld", "1"),
            ("review.total", "2"),
            ("review.source", "县司法局行政复议台账"),
            ("normative.made", "4"),
            ("normative.made.source", "县司法局规范性文件备案登记"),
        ];
        assert_eq!(
            office.post_status(url, &fields).await,
            StatusCode::SEE_OTHER
        );
        let page = office.get_text(url).await;
        assert_has_all(
            &page,
            &[
                "总计应等于结果维持、结果纠正、其他结果、尚未审结之和（应为 1，现为 2）",
                "县司法局规范性文件备案登记",
            ],
        );
        let publish = "/admin/report/2025/publish?org=WQX001";
        let refused = office.post(publish, &[]).await;
        assert_eq!(refused.status(), StatusCode::CONFLICT, "{engine:?}");
        let text = must(refused.text().await);
        assert!(text.contains("年度报告有 1 处数据不符合勾稽关系"), "{text}");

        // A figure without a source is refused on its field, and what was typed is kept.
        let bad = office.post(url, &[("licensing", "7")]).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let text = must(bad.text().await);
        assert_has_all(
            &text,
            &["请注明“行政许可 本年处理决定数量”的数据来源", "value=\"7\""],
        );

        let fixed = [
            ("overview", "本年度，县政府坚持以公开为常态、不公开为例外。"),
            ("review.upheld", "1"),
            ("review.total", "1"),
            ("review.source", "县司法局行政复议台账"),
        ];
        assert_eq!(office.post_status(url, &fixed).await, StatusCode::SEE_OTHER);
        // The county's 2025 report was due on 2026-03-31: a reason is required.
        let late = office.post(publish, &[("late_reason", "")]).await;
        assert_eq!(late.status(), StatusCode::CONFLICT);
        assert!(must(late.text().await).contains("已超过法定发布时限（2026-03-31）"));
        let done = office
            .post(publish, &[("late_reason", "等待复议数据核实")])
            .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let page = office.get_text(url).await;
        assert_has_all(&page, &["已发布", "逾期发布原因：等待复议数据核实"]);
        assert!(!page.contains("发布年度报告</button>"));
        assert_eq!(office.post_status(url, &fixed).await, StatusCode::CONFLICT);

        // Publishing made a public record of 政府信息公开年报, which the report page links to.
        let county = org_id(&app, "WQX001").await;
        let stored = must(reports::get(&app.store, county, 2025).await);
        let Some(record_id) = stored.and_then(|r| r.record_id) else {
            panic!("{engine:?}: the published report names no record");
        };
        let record = must(records::get(&app.store, record_id).await);
        let Some(index_no) = record.index_no.clone() else {
            panic!("{engine:?}: the report's record has no 索引号");
        };
        let record_url = format!("/xxgk/{index_no}");
        assert!(page.contains(&format!("href=\"{record_url}\"")), "{page}");
        assert_eq!(record.title, "乌恰县人民政府2025年政府信息公开工作年度报告");
        assert_eq!(record.columns, ["nb"]);
        let public = reqwest::Client::new();
        let public_text = |path: String| {
            let public = public.clone();
            async move { must(must(public.get(path).send().await).text().await) }
        };
        let list = public_text(format!("{}/xxgk/lanmu/nb", app.base)).await;
        assert!(list.contains(&record_url), "{engine:?}: {list}");
        let shown = public_text(format!("{}{record_url}", app.base)).await;
        assert_has_all(
            &shown,
            &[
                "<h2>三、收到和处理政府信息公开申请情况</h2>",
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>",
                // The counts of the fixed data set (see the section 三 snapshot).
                "<tr><th scope=\"row\" colspan=\"3\">一、本年新收政府信息公开申请数量</th><td>3</td><td>1</td><td>1</td><td>0</td><td>1</td><td>0</td><td>6</td></tr>",
                "<tr><th scope=\"row\" colspan=\"3\">二、上年结转政府信息公开申请数量</th><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>",
                "<p>本年度，县政府坚持以公开为常态、不公开为例外。</p>",
            ],
        );
        // The record carries the report's PDF and workbook, which anyone downloads.
        let mut kinds = Vec::new();
        for file in shown.split("href=\"/files/").skip(1) {
            let path = file.split('"').next().unwrap_or_default();
            let r = must(
                public
                    .get(format!("{}/files/{path}", app.base))
                    .send()
                    .await,
            );
            assert_eq!(r.status(), StatusCode::OK, "{engine:?} {path}");
            let bytes = must(r.bytes().await);
            if bytes.starts_with(b"%PDF-") {
                kinds.push("pdf");
            } else if bytes.starts_with(b"PK") {
                kinds.push("xlsx");
            }
        }
        kinds.sort_unstable();
        let expected: &[&str] = if app.state.fonts.is_some() {
            &["pdf", "xlsx"]
        } else {
            &["xlsx"]
        };
        assert_eq!(kinds, expected, "{engine:?}: {shown}");
        // The content sanitiser kept the body as rendered: every table, scope and span.
        let Some(published) = must(reports::get(&app.store, county, 2025).await) else {
            panic!("{engine:?}: no stored report");
        };
        let Some(table) = published.published_table.as_ref() else {
            panic!("{engine:?}: no published section 三");
        };
        let rendered = gongkai_domain::report::Document::build(table, &published.entries);
        assert_eq!(record.body_html, rendered.to_html());
        insta::assert_snapshot!("report_record_2025", record.body_html);

        // The same report as a tagged PDF: its text reads back with the extractor that screens
        // attachments.
        let pdf = office.get("/admin/report/2025/pdf?org=WQX001").await;
        assert_eq!(pdf.status(), StatusCode::OK, "{engine:?}");
        assert_eq!(support::header(&pdf, "content-type"), "application/pdf");
        let bytes = must(pdf.bytes().await);
        let text = must(gongkai_content::extract_text(
            gongkai_content::FileKind::Pdf,
            &bytes,
        ));
        let text: String = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        assert_has_all(
            &text,
            &[
                "乌恰县人民政府2025年政府信息公开工作年度报告",
                "三、收到和处理政府信息公开申请情况",
                "本年度，县政府坚持以公开为常态、不公开为例外。",
            ],
        );
        insta::assert_snapshot!("report_pdf_2025", text);
        assert_eq!(
            handler.get_status("/admin/report/2025/pdf").await,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn section_two_offers_the_normative_documents_counted_from_the_records() {
    use gongkai_domain::record::{RecordKind, RecordMeta, Validity};
    use gongkai_domain::report::PUBLISHED_DOCUMENTS_SOURCE;
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let county = org_id(&app, "WQX001").await;
        let finance = org_id(&app, "WQX004").await;
        let day = |s: &str| must(NaiveDate::parse_from_str(s, "%Y-%m-%d"));
        let doc = |key: &str, written: &str| records::Imported {
            source_key: format!("report-test:{key}"),
            meta: RecordMeta {
                title: format!("关于印发第{key}号管理办法的通知"),
                kind: RecordKind::Normative,
                doc_number: format!("乌政规〔2026〕{key}号"),
                written_on: Some(day(written)),
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
            published_at: utc_at(2026, 6, 1, 2),
            columns: vec!["zcwj".into()],
            index_no: None,
        };
        let actor = gongkai_store::Actor::cli();
        let rows = [
            doc("1", "2024-03-01"),
            doc("2", "2026-02-01"),
            doc("3", "2026-05-01"),
        ];
        must(records::import_batch(&app.store, &actor, county, &rows, None).await);
        must(
            records::import_batch(&app.store, &actor, finance, &[doc("4", "2026-04-01")], None)
                .await,
        );
        let repealed: i64 =
            sqlx::query_scalar("SELECT id FROM records WHERE source_key = 'report-test:1'")
                .fetch_one(app.store.pool())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        must(
            records::set_validity(
                &app.store,
                &actor,
                repealed,
                Validity::Repealed,
                day("2026-09-01"),
                None,
            )
            .await,
        );
        // Records published earlier (the demo's, if any) count too: the expected figures are
        // the seeded ones on top of what the subtree held before.
        let subtree = must(reports::subtree(&app.store, county).await);
        let docs = must(reports::document_facts(&app.store, &subtree, chrono::Utc::now()).await);
        let counted = gongkai_domain::report::CountedDocuments::count(2026, &docs);
        assert!(
            counted.made >= 3 && counted.repealed >= 1,
            "{engine:?}: {counted:?}"
        );

        // Last year's report held 5 in force; this year's hand entry is empty.
        let office = Session::login(&app, "office").await;
        let last = [
            ("normative.in_force", "5"),
            ("normative.in_force.source", "2025年年度报告"),
        ];
        assert_eq!(
            office
                .post_status("/admin/report/2025?org=WQX001", &last)
                .await,
            StatusCode::SEE_OTHER
        );
        let url = "/admin/report/2026?org=WQX001";
        let page = office.get_text(url).await;
        assert_has_all(
            &page,
            &[
                &format!(
                    "平台统计 <strong>{}</strong>（{PUBLISHED_DOCUMENTS_SOURCE}）",
                    counted.made
                ),
                &format!("平台统计 <strong>{}</strong>", counted.in_force),
                "name=\"take\" value=\"normative.made\"",
                "行政强制的处理决定数量平台尚未统计",
            ],
        );
        // Taking a computed figure saves it with its source, and what else was typed with it.
        let typed = [
            ("normative.made", "0"),
            ("problems", "个别部门发布不及时。"),
            ("take", "normative.made"),
        ];
        assert_eq!(office.post_status(url, &typed).await, StatusCode::SEE_OTHER);
        let saved = must(reports::get(&app.store, county, 2026).await);
        let saved = saved.unwrap_or_else(|| panic!("{engine:?}: saved"));
        let made = &saved.entries.proactive.normative.made;
        assert_eq!(
            (made.value, made.source.as_str()),
            (counted.made, PUBLISHED_DOCUMENTS_SOURCE)
        );
        assert_eq!(saved.entries.prose.problems, "个别部门发布不及时。");
        // Taking 现行有效 too: the documents made before the platform are missing, so the
        // carried-over identity fails and is shown beside the cell, as for a typed figure.
        let mut fields: Vec<(&str, String)> = vec![
            ("normative.made", counted.made.to_string()),
            (
                "normative.made.source",
                PUBLISHED_DOCUMENTS_SOURCE.to_owned(),
            ),
            ("take", "normative.in_force".to_owned()),
        ];
        fields.push(("problems", "个别部门发布不及时。".to_owned()));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            office.post_status(url, &fields).await,
            StatusCode::SEE_OTHER
        );
        let page = office.get_text(url).await;
        let expected = 5 + counted.made;
        assert_ne!(
            counted.in_force, expected,
            "{engine:?}: the seeded set breaks it"
        );
        assert!(
                page.contains(&format!(
                    "现行有效件数应等于上年现行有效件数加本年制发件数减本年废止件数（应为 {expected}，现为 {}）",
                    counted.in_force
                )),
                "{engine:?}: {page}"
            );
        // An unknown field to take changes nothing but what was typed.
        let other = [
            ("take", "coercion"),
            ("coercion", "3"),
            ("coercion.source", "县政务服务中心"),
        ];
        assert_eq!(office.post_status(url, &other).await, StatusCode::SEE_OTHER);
        let saved = must(reports::get(&app.store, county, 2026).await);
        let saved = saved.unwrap_or_else(|| panic!("{engine:?}: saved"));
        assert_eq!(saved.entries.proactive.coercion.value, 3);
    }
}

#[tokio::test]
async fn a_2020_report_is_typed_in_and_published_in_the_older_format() {
    use gongkai_domain::report::past::{SECTION2_SOURCE_FIELD_2019, SECTION3_FIELDS_2019};
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        // Applications of 2020 on the platform are not counted into an imported report.
        applications_of_2025(&app).await;
        let office = Session::login(&app, "office").await;
        let list = office.get_text("/admin/report").await;
        assert_has_all(
            &list,
            &["/admin/report/2020?org=WQX001", "2019 年格式，历史报告录入"],
        );
        let url = "/admin/report/2020?org=WQX001";
        let page = office.get_text(url).await;
        assert_has_all(
            &page,
            &[
                "国办公开办函〔2019〕60号",
                "本年新制作数量",
                "第二十条第（九）项",
                "政府集中采购",
                "（六）其他处理",
                "name=\"t3.new.natural\"",
            ],
        );
        for label in [
            "本年制发件数",
            "行政规范性文件",
            "1.申请人无正当理由逾期不补正",
            "平台统计",
        ] {
            assert!(
                !page.contains(label),
                "{engine:?}: {label} on the 2020 page"
            );
        }
        // The report as published in 2021: 7 new, 1 carried in, 6 answered, 2 carried out.
        let mut fields: Vec<(String, String)> = vec![
            (
                "overview".into(),
                "2020年，县政府认真贯彻落实《中华人民共和国政府信息公开条例》。".into(),
            ),
            ("p19.0".into(), "0".into()),
            ("p19.1".into(), "0".into()),
            ("p19.2".into(), "0".into()),
            ("p19.3".into(), "3".into()),
            ("p19.4".into(), "3".into()),
            ("p19.5".into(), "41".into()),
            ("p19.7".into(), "-2".into()),
            ("p19.20".into(), "4".into()),
            ("p19.21".into(), "356.8".into()),
            (
                SECTION2_SOURCE_FIELD_2019.into(),
                "乌恰县人民政府2020年政府信息公开工作年度报告原文".into(),
            ),
        ];
        let cell = |row: &str, col: &str, v: u32| (format!("t3.{row}.{col}"), v.to_string());
        for (row, natural, commercial) in [
            ("new", 6, 1),
            ("carried_in", 1, 0),
            ("o1", 3, 1),
            ("o3-4", 1, 0),
            ("o6-3", 1, 0),
            ("total", 5, 1),
            ("carried_out", 2, 0),
        ] {
            fields.push(cell(row, "natural", natural));
            fields.push(cell(row, "commercial", commercial));
            fields.push(cell(row, "total", natural + commercial));
        }
        // The 2019 report typed in before it carried 2 natural persons' applications over.
        let y2019 = "/admin/report/2019?org=WQX001";
        let report_2019 = |n: &'static str| {
            [
                ("t3.new.natural", n),
                ("t3.new.total", n),
                ("t3.carried_out.natural", n),
                ("t3.carried_out.total", n),
            ]
        };
        assert_eq!(
            office.post_status(y2019, &report_2019("2")).await,
            StatusCode::SEE_OTHER
        );
        // A typo in a total: saved, shown beside its cell, publication refused.
        let mut broken = fields.clone();
        broken.retain(|(k, _)| k != "t3.carried_out.total");
        broken.push(("t3.carried_out.total".into(), "3".into()));
        let as_pairs = |v: &[(String, String)]| -> Vec<(String, String)> { v.to_vec() };
        let post = |v: Vec<(String, String)>| {
            let office = &office;
            async move {
                let pairs: Vec<(&str, &str)> =
                    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                office.post_status(url, &pairs).await
            }
        };
        assert_eq!(
            post(as_pairs(&broken)).await,
            StatusCode::SEE_OTHER,
            "{engine:?}"
        );
        let page = office.get_text(url).await;
        assert_has_all(
            &page,
            &[
                "第一项加第二项之和应等于第三项（七）总计加第四项之和（应为 2，现为 3）",
                "总计应等于六类申请人之和（应为 2，现为 3）",
                "上年结转政府信息公开申请数量应等于上年度报告的结转下年度继续办理数量（应为 2，现为 1）",
                "value=\"356.8\"",
            ],
        );
        let publish = "/admin/report/2020/publish?org=WQX001";
        let refused = office
            .post(publish, &[("late_reason", "历史报告录入")])
            .await;
        assert_eq!(refused.status(), StatusCode::CONFLICT, "{engine:?}");
        // A figure that is no number is refused on its field.
        let bad = [("p19.3", "三件"), (SECTION2_SOURCE_FIELD_2019, "原文")];
        let answer = office.post(url, &bad).await;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
        assert!(
            must(answer.text().await).contains("“规范性文件 本年新制作数量”应按原报告填写数字")
        );

        assert_eq!(
            post(as_pairs(&fields)).await,
            StatusCode::SEE_OTHER,
            "{engine:?}"
        );
        assert_eq!(
            office.post_status(y2019, &report_2019("1")).await,
            StatusCode::SEE_OTHER
        );
        let page = office.get_text(url).await;
        assert!(!page.contains("不符合勾稽关系"), "{engine:?}: {page}");
        // Published long after its due date: with the reason.
        let done = office
            .post(publish, &[("late_reason", "历史报告录入")])
            .await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{engine:?}");
        let county = org_id(&app, "WQX001").await;
        let stored = must(reports::get(&app.store, county, 2020).await);
        let stored = stored.unwrap_or_else(|| panic!("{engine:?}: stored"));
        let table = stored
            .published_table
            .clone()
            .unwrap_or_else(|| panic!("published"));
        for c in SECTION3_FIELDS_2019.iter() {
            let typed = fields
                .iter()
                .find(|(k, _)| k == c.field)
                .map_or("0", |(_, v)| v.as_str());
            assert_eq!(
                table.get(c.row, c.column).to_string(),
                typed,
                "{engine:?} {}",
                c.field
            );
        }
        let record = must(records::get(&app.store, stored.record_id.unwrap_or_default()).await);
        assert_eq!(record.title, "乌恰县人民政府2020年政府信息公开工作年度报告");
        let html = record.body_html.clone();
        for label in [
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
            "上一年项目数量",
            "本年增/减",
            "处理决定数量",
            "第二十条第（九）项",
            "政府集中采购",
            "<th scope=\"row\" colspan=\"2\">（六）其他处理</th>",
        ] {
            assert!(html.contains(label), "{engine:?}: {label}");
        }
        for label in [
            "本年制发件数",
            "现行有效件数",
            "行政规范性文件",
            "本年处理决定数量",
            "1.申请人无正当理由逾期不补正",
            "3.其他",
        ] {
            assert!(
                !html.contains(label),
                "{engine:?}: the 2021 label {label} in 2020"
            );
        }
        insta::assert_snapshot!("report_record_2020", html);
        // Its workbook and PDF are in the same format.
        let xlsx = office.get("/admin/report/2020/xlsx?org=WQX001").await;
        assert_eq!(xlsx.status(), StatusCode::OK);
        let bytes = must(xlsx.bytes().await);
        assert!(bytes.starts_with(b"PK"));
        if app.state.fonts.is_some() {
            let pdf = office.get("/admin/report/2020/pdf?org=WQX001").await;
            assert_eq!(pdf.status(), StatusCode::OK, "{engine:?}");
            let bytes = must(pdf.bytes().await);
            let text = must(gongkai_content::extract_text(
                gongkai_content::FileKind::Pdf,
                &bytes,
            ));
            assert_has_all(&text, &["本年新制作数量", "政府集中采购", "（六）其他处理"]);
            assert!(!text.contains("本年制发件数"));
        }
    }
}
