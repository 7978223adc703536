//! `gongkai import` with the real corpus and with CSV, on both engines: every row becomes a
//! published 主动公开 record, a re-run creates nothing, other field names map with `--map`,
//! and refused rows are reported with their reasons. Also `gongkai scan` (网站自查).

use std::process::Output;

use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Engine, Store};

use crate::support::{add_county, assert_says_all, gongkai, must};

const LAWS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/laws.jsonl.gz"
);

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `gongkai import --org WQX001` (into the county) with `args`.
fn import_county(db: &TestDb, args: &[&str]) -> Output {
    gongkai(db, &[&["import", "--org", "WQX001"][..], args].concat())
}

/// What a successful command printed (standard output and error); fails the test with it if
/// the command failed.
fn succeeded(o: &Output) -> String {
    let text = out(o);
    assert!(o.status.success(), "{text}");
    text
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let store = must(Store::connect(&db.url).await);
    let n: i64 = must(
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_one(store.pool())
            .await,
    );
    store.close().await;
    n
}

#[tokio::test]
async fn the_whole_laws_corpus_imports_once_on_both_engines() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        add_county(&db);
        // National laws name secrecy levels in their text (保守国家秘密法 …), which screening
        // flags like any other submission: the operator imports them with a written reason.
        let o = import_county(
            &db,
            &[
                "--kind",
                "law",
                "--allow-findings",
                "国家法律法规的正式文本，已由国家公开发布，经核对可以转载",
                LAWS,
            ],
        );
        assert!(o.status.success(), "{}", out(&o));
        let text = out(&o);
        assert!(
            text.contains("共 3471 行，新增 3471 条，已存在未变 0 条，拒绝 0 行"),
            "{text}"
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM records WHERE status = 'published' AND disclosure = 'proactive'").await,
            3471
        );
        assert_eq!(
            count(&db, "SELECT COUNT(DISTINCT index_no) FROM records").await,
            3471,
            "unique index numbers"
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'record.import'"
            )
            .await,
            count(
                &db,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'record.import'"
            )
            .await
            .max(1),
            "the import is audited"
        );
        // Idempotent: a second run creates nothing.
        let o = import_county(&db, &["--kind", "law", LAWS]);
        assert!(
            out(&o).contains("新增 0 条，已存在未变 3471 条"),
            "{}",
            out(&o)
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM records").await, 3471);
        let verify = gongkai(&db, &["audit", "verify"]);
        assert!(verify.status.success(), "{}", out(&verify));
    }
}

#[tokio::test]
async fn csv_with_other_field_names_maps_and_reports_refused_rows() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        add_county(&db);
        let csv = db.dir.join("old-site.csv");
        must(std::fs::write(
            &csv,
            "编号,标题,发布日期,正文,文号\n\
             1,关于开展安全生产检查的通知,2024-03-01,为加强安全生产工作……,乌政办发〔2024〕5号\n\
             2,,2024-03-02,没有标题的一行,\n\
             3,未来的通知,2099-01-01,日期在将来,\n\
             4,没有正文,2024-03-03,,\n\
             1,重复编号,2024-03-04,与第一行重复,\n",
        ));
        let o = import_county(
            &db,
            &[
                "--kind",
                "notice",
                "--source",
                "old",
                "--map",
                "编号=id",
                "--map",
                "标题=title",
                "--map",
                "发布日期=date",
                "--map",
                "正文=body",
                "--map",
                "文号=doc_number",
                csv.to_str().unwrap_or_default(),
            ],
        );
        let text = succeeded(&o);
        assert!(
            text.contains("新增 1 条") && text.contains("拒绝 4 行"),
            "{text}"
        );
        let reasons = [
            "第 2 行：请填写名称",
            "第 3 行：发布日期晚于今天",
            "第 4 行：正文为空",
            "第 5 行：与前面的行 id 重复",
        ];
        assert_says_all(&text, &reasons);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM records WHERE doc_number = '乌政办发〔2024〕5号'"
            )
            .await,
            1
        );

        let bad = import_county(
            &db,
            &["--map", "标题=titel", csv.to_str().unwrap_or_default()],
        );
        assert!(!bad.status.success());
        assert!(out(&bad).contains("未知的目标字段“titel”"));
        let missing = import_county(&db, &["/no/such/file.jsonl"]);
        assert!(!missing.status.success() && out(&missing).contains("无法打开"));

        // An 索引号 is never used twice: the row that repeats one is refused, the rest of
        // the batch still goes in.
        let jsonl = db.dir.join("numbered.jsonl");
        must(std::fs::write(
            &jsonl,
            concat!(
                r#"{"id":"a","title":"乌恰县政务公开实施方案","date":"2018-05-22","body":"正文一","index_no":"WQX001-2018-000060"}"#,
                "\n",
                r#"{"id":"b","title":"另一份文件","date":"2018-06-01","body":"正文二","index_no":"WQX001-2018-000060"}"#,
                "\n",
                r#"{"id":"c","title":"没有索引号的文件","date":"2018-07-01","body":"正文三"}"#,
                "\n",
            ),
        ));
        let o = import_county(&db, &[jsonl.to_str().unwrap_or_default()]);
        let text = succeeded(&o);
        let said = [
            "新增 2 条",
            "拒绝 1 行",
            "第 2 行：索引号 WQX001-2018-000060 已被其他信息使用",
        ];
        assert_says_all(&text, &said);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM records WHERE index_no = 'WQX001-2018-000061'"
            )
            .await,
            1,
            "the next number follows the imported one"
        );
    }
}

#[tokio::test]
async fn scan_lists_planted_personal_data_by_organisation() {
    let db = TestDb::new(Engine::Sqlite).await;
    add_county(&db);
    let file = db.dir.join("rows.jsonl");
    must(std::fs::write(
        &file,
        "{\"id\":\"a\",\"title\":\"低保名单公示\",\"date\":\"2025-01-02\",\"body\":\"张某，身份证号11010519491231002X，电话13912345678。\"}\n\
         {\"id\":\"b\",\"title\":\"工作动态\",\"date\":\"2025-01-03\",\"body\":\"召开会议。\"}\n",
    ));
    let path = file.to_str().unwrap_or_default();
    // Imports are screened like any submission: the row with an ID number and a mobile number
    // is refused and listed with its findings (masked); the clean row is imported.
    let o = import_county(&db, &[path]);
    let text = succeeded(&o);
    assert!(
        text.contains("新增 1 条") && text.contains("拒绝 1 行"),
        "{text}"
    );
    assert!(
        text.contains("内容审查发现疑似敏感信息") && text.contains("110***********002X"),
        "{text}"
    );
    assert!(!text.contains("11010519491231002X"), "{text}");
    assert!(
        text.contains("--allow-findings"),
        "the refusal says how to go on: {text}"
    );
    // A justification too short to mean anything is refused like at review.
    let o = import_county(&db, &["--allow-findings", "可以", path]);
    let text = out(&o);
    assert!(
        text.contains("新增 0 条") && text.contains("书面说明"),
        "{text}"
    );
    // With a written reason the row is published, and the reason is audited.
    let reason = "历史数据迁移：原网站已公开的公示名单，经办公室核对后按原样导入";
    let o = import_county(&db, &["--allow-findings", reason, path]);
    let text = out(&o);
    assert!(o.status.success() && text.contains("新增 1 条"), "{text}");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'record.import' AND detail LIKE '%published_with_findings\":1%'"
        )
        .await,
        1
    );
    let o = gongkai(&db, &["scan"]);
    let text = succeeded(&o);
    assert!(
        text.contains("已审查 2 条已发布信息，发现 2 处疑似问题"),
        "{text}"
    );
    assert_says_all(
        &text,
        &[
            "乌恰县人民政府（2 处）",
            "110***********002X",
            "139****5678",
        ],
    );
    assert!(
        !text.contains("11010519491231002X"),
        "scan output masks what it found"
    );
}
