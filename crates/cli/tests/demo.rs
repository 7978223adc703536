//! `gongkai serve --demo` shows a believable county: every column has records, the newest
//! items are the county's own documents, laws are reprints (转载) with their real issuer as
//! 来源, and demo records carry a PDF and a DOCX that download.

use gongkai_domain::catalogue::COLUMNS;
use gongkai_store::testing::{ENGINES, TestDb};

use crate::support::{Server, must};

/// The issuers a reprinted law may name as 来源.
const ISSUERS: &[&str] = &[
    "全国人民代表大会常务委员会",
    "全国人民代表大会",
    "国务院、中央军事委员会",
    "国务院",
];

/// GETs `url`, panicking on a status other than 200; returns the body.
async fn page(url: &str) -> String {
    let r = must(reqwest::get(url).await);
    assert_eq!(r.status(), 200, "{url}");
    must(r.text().await)
}

/// The record links (`/xxgk/WQX…`) in `html`, in order.
fn record_links(html: &str) -> Vec<String> {
    html.split("href=\"/xxgk/WQX")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|rest| format!("/xxgk/WQX{rest}"))
        .collect()
}

/// The text of the metadata cell after the header `name` on a record page.
fn meta_cell<'a>(html: &'a str, name: &str) -> &'a str {
    html.split(&format!("<th scope=\"row\">{name}</th><td>"))
        .nth(1)
        .and_then(|rest| rest.split("</td>").next())
        .unwrap_or_default()
}

/// Whether the corpus the demo republishes laws from is where the demo finds it from here.
fn corpus_found() -> bool {
    std::env::var("GONGKAI_DEMO_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/corpus/laws.jsonl.gz"
            ))
        })
        .is_file()
}

#[tokio::test]
async fn the_demo_is_a_believable_county_on_both_engines() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let server = Server::start(&db, &["--demo"]);
        let url = server.url.clone();

        // The 主动公开基本目录: departments with late and with missing items for this year,
        // as the openness office reads them, and the public 目录 page of a department.
        let office = crate::support::login(&url, "demo-supervisor").await;
        let (_, timeliness) =
            crate::support::text(&office, &format!("{url}/admin/mulu/timeliness?year=2026")).await;
        for needle in [
            "<strong>暂无公开</strong>",
            "<strong>逾期</strong>",
            "乌恰县2026年财政衔接推进乡村振兴补助资金分配结果公告",
            "县环保局",
        ] {
            assert!(timeliness.contains(needle), "{needle}: {timeliness}");
        }
        let mulu = page(&format!("{url}/xxgk/mulu/WQX004")).await;
        assert!(mulu.contains("乌恰县2025年县级财政决算公开"), "{mulu}");

        // Key work in public: the task with its published report, the audit's findings at
        // each stage, and the overdue milestone on the openness office's dashboard.
        let renwu = page(&format!("{url}/renwu/")).await;
        assert!(renwu.contains("2026年县城老旧小区供暖管网改造"), "{renwu}");
        let zhenggai = page(&format!("{url}/zhenggai/")).await;
        assert!(zhenggai.contains("2025年度县级预算执行"), "{zhenggai}");
        let (_, desk) = crate::support::text(&office, &format!("{url}/admin")).await;
        assert!(desk.contains("完成第一批管网更换"), "{desk}");

        // The 2026 scorecards and the published 社会评议: approved comments shown, the one
        // waiting for moderation not.
        let (_, kaohe) =
            crate::support::text(&office, &format!("{url}/admin/kaohe?period=2026")).await;
        for needle in [
            "2026年政务公开考核",
            "乌恰县财政局",
            "业务培训参加",
            "不适用",
        ] {
            assert!(kaohe.contains(needle), "{needle}: {kaohe}");
        }
        let pingyi = page(&format!("{url}/pingyi/")).await;
        assert!(
            pingyi.contains("预算决算公开及时，表格清楚，点赞。"),
            "{pingyi}"
        );
        assert!(
            !pingyi.contains("老旧小区改造的进度公开不够及时"),
            "{pingyi}"
        );

        // No column the county keeps is empty.
        for column in COLUMNS {
            let html = page(&format!("{url}/xxgk/lanmu/{}", column.slug)).await;
            assert!(
                !html.contains("class=\"empty\""),
                "{} ({}) is empty",
                column.name,
                column.slug
            );
        }
        let report = page(&format!("{url}/xxgk/lanmu/nb")).await;
        assert!(
            report.contains("乌恰县人民政府2025年政府信息公开工作年度报告"),
            "{report}"
        );

        // The home page's newest items are county documents, not reprinted laws.
        let home = page(&format!("{url}/")).await;
        let latest = home
            .split("id=\"latest-title\"")
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .unwrap_or_default();
        let newest = record_links(latest);
        assert!(newest.len() >= 5, "{latest}");
        for link in &newest {
            let html = page(&format!("{url}{link}")).await;
            assert!(!html.contains("转载</span>"), "{link} is a reprint");
        }

        // Laws are reprints: real issuer as 来源, marked 转载, published by the county
        // government office.
        let laws = page(&format!("{url}/xxgk/lanmu/flfg")).await;
        let links = record_links(&laws);
        assert!(!links.is_empty(), "{laws}");
        let mut sources = Vec::new();
        for link in &links {
            let html = page(&format!("{url}{link}")).await;
            let source = meta_cell(&html, "来源");
            assert!(
                source.contains("<span class=\"tag\">转载</span>"),
                "{link}: {source}"
            );
            assert!(
                ISSUERS.iter().any(|i| source.starts_with(i)),
                "{link}: {source}"
            );
            assert_eq!(
                meta_cell(&html, "发布机构"),
                "乌恰县人民政府办公室",
                "{link}"
            );
            sources.push(source.to_owned());
        }
        if corpus_found() {
            assert!(
                sources
                    .iter()
                    .any(|s| s.starts_with("全国人民代表大会常务委员会 ")),
                "{sources:?}"
            );
        }

        // Demo records carry a generated PDF and DOCX that download.
        let (mut pdf, mut docx) = (false, false);
        for slug in ["czyjs", "zfcg"] {
            for link in record_links(&page(&format!("{url}/xxgk/lanmu/{slug}")).await) {
                let html = page(&format!("{url}{link}")).await;
                for file in html.split("href=\"/files/").skip(1) {
                    let path = file.split('"').next().unwrap_or_default();
                    let r = must(reqwest::get(format!("{url}/files/{path}")).await);
                    assert_eq!(r.status(), 200, "{path}");
                    let bytes = must(r.bytes().await);
                    pdf |= path.ends_with(".pdf") && bytes.starts_with(b"%PDF-");
                    docx |= path.ends_with(".docx") && bytes.starts_with(b"PK");
                }
            }
        }
        assert!(pdf && docx, "pdf {pdf}, docx {docx}");

        // Open data: the published datasets in the public catalogue and the CKAN API, a
        // conditional and a closed one with their terms, and downloadable generated resources.
        let catalogue = page(&format!("{url}/data/")).await;
        for title in [
            "乌恰县2025年县级部门支出预算表",
            "乌恰县城乡最低生活保障统计（按乡镇、月份）",
            "乌恰县公共资源交易成交项目信息",
            "乌恰县城区空气质量月度统计",
        ] {
            assert!(catalogue.contains(title), "{title}: {catalogue}");
        }
        let list: serde_json::Value = must(
            must(reqwest::get(format!("{url}/api/3/action/package_list")).await)
                .json()
                .await,
        );
        let names = list["result"].as_array().map(Vec::len).unwrap_or_default();
        assert!(names >= 12, "{list}");
        let conditional = page(&format!("{url}/data/enterprise-credit-risk")).await;
        assert!(conditional.contains("仅向从事信用研究"), "{conditional}");
        let closed = page(&format!("{url}/data/traffic-accident-records")).await;
        assert!(closed.contains("第十四条"), "{closed}");
        let budget = page(&format!("{url}/data/county-budget-2025")).await;
        let download = budget
            .split("href=\"")
            .skip(1)
            .filter_map(|h| h.split('"').next())
            .find(|h| h.ends_with("/download"))
            .unwrap_or_default()
            .to_owned();
        let r = must(reqwest::get(format!("{url}{download}")).await);
        assert_eq!(r.status(), 200, "{download}");
        assert!(must(r.bytes().await).starts_with(b"PK"), "an XLSX workbook");

        // Typed lists: a few hundred 权力清单 rows, ten complete 办事指南 (the eleventh, without
        // its 收费标准, still a draft), the 执法公示 decisions and a running 低保 公示, masked.
        let lists = page(&format!("{url}/xxgk/qingdan/")).await;
        let count_of = |name: &str| -> usize {
            lists
                .split(&format!(">{name}</a> <span class=\"muted\">（"))
                .nth(1)
                .and_then(|t| t.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_default()
        };
        assert!(count_of("权力清单") >= 200, "{lists}");
        assert_eq!(count_of("办事指南"), 10, "{lists}");
        assert_eq!(count_of("执法公示"), 9, "{lists}");
        assert_eq!(count_of("救助对象公示"), 6, "{lists}");
        let guides = page(&format!("{url}/xxgk/qingdan/banshi")).await;
        assert!(!guides.contains("特种设备使用登记"), "a draft: {guides}");
        let guide = guides
            .split("href=\"/xxgk/qingdan/banshi/")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let guide = page(&format!("{url}/xxgk/qingdan/banshi/{guide}")).await;
        for element in ["10. 监督电话", "1. 事项名称", "7. 收费标准"] {
            assert!(guide.contains(element), "{element}: {guide}");
        }
        let gongshi = page(&format!("{url}/xxgk/qingdan/jiuzhu")).await;
        assert!(
            gongshi.contains("王**") && !gongshi.contains("王秀兰"),
            "{gongshi}"
        );
        assert!(gongshi.contains("公示期 7 天"), "{gongshi}");
        let _ = server.terminate();
    }
}
