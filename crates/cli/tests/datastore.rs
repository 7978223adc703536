//! `gongkai datastore` on both engines: a GBK CSV with a ragged row loads with its summary,
//! searching pages through it (the limit capped, bad parameters refused in Chinese), a file of
//! 10,000 columns is refused and leaves nothing, and a table is dropped.

use gongkai_store::testing::{ENGINES, TestDb};

use crate::support::{assert_says, gongkai, must, stderr, stdout, succeeds};

fn write_gbk(db: &TestDb, name: &str, text: &str) -> String {
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    let path = db.dir.join(name);
    must(std::fs::write(&path, &bytes));
    path.to_string_lossy().into_owned()
}

#[tokio::test]
async fn a_csv_is_loaded_searched_and_dropped_from_the_command_line() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        succeeds(&db, &["init"]);
        let file = write_gbk(
            &db,
            "jiaoyi.csv",
            "项目名称,成交日期,金额\n县一中食堂改造,2024-03-05,125000.5\n城关镇路灯安装,2024-04-20\n城关镇道路维修,2024/5/1,98000\n",
        );
        let o = succeeds(&db, &["datastore", "load", "--resource", "5", &file]);
        let out = stdout(&o);
        assert_says(&out, "已导入资源 5 的数据表：3 行，3 列");
        assert_says(&out, "编码 gb18030；首行为表头");
        assert_says(&out, "金额\tnumeric");
        assert_says(&out, "有 1 行的列数与表头不一致，已补齐或截断（第 3 行）");

        let o = succeeds(
            &db,
            &[
                "datastore",
                "search",
                "--resource",
                "5",
                "--q",
                "城关镇",
                "--limit",
                "1",
                "--offset",
                "1",
                "--json",
            ],
        );
        let result: serde_json::Value = must(serde_json::from_str(&stdout(&o)));
        assert_eq!(result["total"], 2, "{result}");
        assert_eq!(result["records"][0]["项目名称"], "城关镇道路维修");
        assert_eq!(result["records"][0]["成交日期"], "2024-05-01");

        let o = succeeds(
            &db,
            &[
                "datastore",
                "search",
                "--resource",
                "5",
                "--limit",
                "100000000",
                "--json",
            ],
        );
        let result: serde_json::Value = must(serde_json::from_str(&stdout(&o)));
        assert_eq!(result["limit"], 32000);

        let o = succeeds(
            &db,
            &[
                "datastore",
                "search",
                "--resource",
                "5",
                "--sort",
                "金额 desc",
            ],
        );
        let out = stdout(&o);
        assert!(
            out.starts_with("_id\t项目名称\t成交日期\t金额\n1\t县一中食堂改造"),
            "{out}"
        );
        assert_says(&out, "共 3 行，显示第 1–3 行。");

        let o = gongkai(
            &db,
            &[
                "datastore",
                "search",
                "--resource",
                "5",
                "--filters",
                "{\"金额; DROP TABLE x\": 1}",
            ],
        );
        assert!(!o.status.success());
        assert_says(
            &stderr(&o),
            "数据查询参数有误：filters：字段“金额; DROP TABLE x”不在表中",
        );

        // 10,000 columns: refused with the limit named, the old table untouched.
        let header: Vec<String> = (0..10_000).map(|i| format!("字段{i}")).collect();
        let wide = write_gbk(&db, "wide.csv", &format!("{}\n", header.join(",")));
        let o = gongkai(&db, &["datastore", "load", "--resource", "5", &wide]);
        assert!(!o.status.success());
        assert_says(&stderr(&o), "列数 10000 超过 1000 列");
        let o = succeeds(&db, &["datastore", "search", "--resource", "5", "--json"]);
        let result: serde_json::Value = must(serde_json::from_str(&stdout(&o)));
        assert_eq!(result["total"], 3);

        let o = succeeds(&db, &["datastore", "drop", "--resource", "5"]);
        assert_says(&stdout(&o), "已删除资源 5 的数据表。");
        let o = gongkai(&db, &["datastore", "search", "--resource", "5"]);
        assert!(!o.status.success());
        assert_says(&stderr(&o), "未找到资源 5 的数据表");
    }
}
