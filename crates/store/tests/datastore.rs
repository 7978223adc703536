//! The datastore on both engines: CSV and XLSX files loaded as typed tables, searched with
//! CKAN's `datastore_search` parameters, every bad parameter a validation error naming it, a
//! new load replacing the old table whole and a failed one leaving it as it was.

use std::io::{Cursor, Read, Seek, SeekFrom};

use gongkai_content::table::{TableLimits, TableReader, open_csv};
use gongkai_store::datastore::{self, DatastoreQuery, Records};
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Actor, Store, StoreError};
use serde_json::{Value, json};

use crate::support::must;

const TRADES: &str = "项目名称,成交日期,金额,标段数,备注\n\
    县一中食堂改造,2024-03-05,125000.5,3,公开招标\n\
    城区道路维修,2024/3/18,98000,12,=HYPERLINK(\"http://x\")\n\
    乡镇卫生院设备采购,2024年4月1日,,7,\n\
    城关镇路灯安装,2024-04-20,45000,1,询价 50%\n";

fn reader(csv: &str) -> TableReader {
    must(open_csv(
        Cursor::new(csv.as_bytes().to_vec()),
        &TableLimits::default(),
    ))
}

async fn load(store: &Store, resource_id: i64, csv: &str) -> datastore::IngestSummary {
    let mut source = reader(csv);
    must(datastore::ingest(store, &Actor::cli(), resource_id, &mut source, &mut |_| {}).await)
}

async fn open(engine: gongkai_store::Engine) -> (TestDb, Store) {
    let db = TestDb::new(engine).await;
    let store = must(Store::open(&db.url).await);
    (db, store)
}

fn query(v: Value) -> DatastoreQuery {
    must(DatastoreQuery::from_params(
        v.as_object().unwrap_or(&serde_json::Map::new()),
    ))
}

async fn search(store: &Store, v: Value) -> datastore::DatastoreResult {
    must(datastore::search(store, &query(v)).await)
}

fn objects(r: &datastore::DatastoreResult) -> Vec<serde_json::Map<String, Value>> {
    match serde_json::to_value(&r.records) {
        Ok(Value::Array(rows)) => rows
            .into_iter()
            .filter_map(|r| r.as_object().cloned())
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn column(r: &datastore::DatastoreResult, field: &str) -> Vec<Value> {
    objects(r)
        .iter()
        .map(|o| o.get(field).cloned().unwrap_or(Value::Null))
        .collect()
}

/// The parameters the validation error names.
async fn refused(store: &Store, v: Value) -> Vec<String> {
    match datastore::search(store, &query(v)).await {
        Err(StoreError::DatastoreValidation(e)) => e.0.keys().cloned().collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_csv_loads_typed_and_answers_every_parameter() {
    for engine in ENGINES {
        let (_db, store) = open(engine).await;
        let mut seen = Vec::new();
        let mut source = reader(TRADES);
        let summary = must(
            datastore::ingest(&store, &Actor::cli(), 7, &mut source, &mut |p| seen.push(p)).await,
        );
        assert_eq!((summary.rows, summary.columns), (4, 5));
        assert_eq!(seen.last().map(|p| p.rows), Some(4), "{engine:?}");
        let info = must(datastore::info(&store, 7).await).unwrap_or_else(|| panic!("no info"));
        assert_eq!((info.status.as_str(), info.row_count), ("active", 4));

        // No parameters: every row in file order, typed, with CKAN's envelope fields.
        let all = search(&store, json!({"resource_id": 7})).await;
        let body = must(serde_json::to_value(&all));
        assert_eq!(
            body["fields"],
            json!([
                {"id": "_id", "type": "int"},
                {"id": "项目名称", "type": "text"},
                {"id": "成交日期", "type": "date"},
                {"id": "金额", "type": "numeric"},
                {"id": "标段数", "type": "int"},
                {"id": "备注", "type": "text"}
            ])
        );
        assert_eq!(body["total"], json!(4));
        assert_eq!(body["total_was_estimated"], json!(false));
        assert_eq!(body["limit"], json!(100));
        assert_eq!(
            body["_links"]["next"],
            json!("/api/3/action/datastore_search?resource_id=7&offset=100")
        );
        assert_eq!(
            body["records"][1],
            json!({"_id": 2, "项目名称": "城区道路维修", "成交日期": "2024-03-18",
                   "金额": 98000.0, "标段数": 12, "备注": "=HYPERLINK(\"http://x\")"})
        );
        assert_eq!(body["records"][2]["金额"], Value::Null);
        // Keys keep the table's column order.
        let text = must(serde_json::to_string(&all.records));
        assert!(
            text.starts_with("[{\"_id\":1,\"项目名称\":\"县一中食堂改造\",\"成交日期\""),
            "{text}"
        );

        // filters: a value, a list, a number given as text; on _id too.
        let r = search(
            &store,
            json!({"resource_id": 7, "filters": {"标段数": "12"}}),
        )
        .await;
        assert_eq!(column(&r, "_id"), [json!(2)]);
        let r = search(
            &store,
            json!({"resource_id": 7, "filters": {"_id": [1, 4], "成交日期": ["2024-04-20", "2024-03-05"]}}),
        )
        .await;
        assert_eq!(column(&r, "_id"), [json!(1), json!(4)]);
        let r = search(
            &store,
            json!({"resource_id": 7, "filters": "{\"金额\": 45000}"}),
        )
        .await;
        assert_eq!(column(&r, "_id"), [json!(4)]);

        // q: a substring of any text column (% taken literally), or per field.
        let r = search(&store, json!({"resource_id": 7, "q": "维修"})).await;
        assert_eq!(column(&r, "_id"), [json!(2)]);
        let r = search(&store, json!({"resource_id": 7, "q": "50%"})).await;
        assert_eq!(column(&r, "_id"), [json!(4)]);
        let r = search(&store, json!({"resource_id": 7, "q": "%"})).await;
        assert_eq!(r.total, Some(1));
        let r = search(
            &store,
            json!({"resource_id": 7, "q": {"项目名称": "城", "金额": "98"}}),
        )
        .await;
        assert_eq!(column(&r, "_id"), [json!(2)]);

        // sort: several keys, empty cells last either way, then _id.
        let r = search(&store, json!({"resource_id": 7, "sort": "金额 desc"})).await;
        assert_eq!(column(&r, "_id"), [json!(1), json!(2), json!(4), json!(3)]);
        let r = search(
            &store,
            json!({"resource_id": 7, "sort": "金额 asc, _id desc"}),
        )
        .await;
        assert_eq!(column(&r, "_id"), [json!(4), json!(2), json!(1), json!(3)]);
        let r = search(
            &store,
            json!({"resource_id": 7, "sort": "\"项目名称\" desc"}),
        )
        .await;
        assert_eq!(column(&r, "_id").len(), 4);

        // fields, limit, offset, include_total, records_format.
        let r = search(
            &store,
            json!({"resource_id": 7, "fields": "标段数,项目名称", "limit": 2, "offset": 1,
                   "include_total": false}),
        )
        .await;
        let body = must(serde_json::to_value(&r));
        assert_eq!(
            body["records"],
            json!([{"标段数": 12, "项目名称": "城区道路维修"}, {"标段数": 7, "项目名称": "乡镇卫生院设备采购"}])
        );
        assert!(body.get("total").is_none());
        assert_eq!(
            body["_links"]["next"],
            json!("/api/3/action/datastore_search?resource_id=7&offset=3")
        );
        let r = search(
            &store,
            json!({"resource_id": 7, "fields": ["_id", "金额"], "records_format": "lists", "limit": 1}),
        )
        .await;
        assert!(
            matches!(&r.records, Records::Lists(rows) if rows == &vec![vec![json!(1), json!(125000.5)]])
        );
        let r = search(&store, json!({"resource_id": 7, "limit": 100_000_000})).await;
        assert_eq!(r.limit, datastore::MAX_LIMIT);
        let r = search(&store, json!({"resource_id": 7, "limit": 0})).await;
        assert_eq!((column(&r, "_id").len(), r.total), (0, Some(4)));
    }
}

#[tokio::test]
async fn bad_parameters_are_validation_errors_never_sql() {
    for engine in ENGINES {
        let (_db, store) = open(engine).await;
        load(&store, 7, TRADES).await;
        let k = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            refused(&store, json!({"resource_id": 7, "filters": {"不存在": 1}})).await,
            k(&["filters"])
        );
        assert_eq!(
            refused(
                &store,
                json!({"resource_id": 7, "filters": {"金额\" OR 1=1 --": 1}})
            )
            .await,
            k(&["filters"])
        );
        assert_eq!(
            refused(
                &store,
                json!({"resource_id": 7, "filters": {"标段数": "1 OR 1=1"}})
            )
            .await,
            k(&["filters"])
        );
        assert_eq!(
            refused(
                &store,
                json!({"resource_id": 7, "sort": "金额; DROP TABLE datastore_r7"})
            )
            .await,
            k(&["sort"])
        );
        assert_eq!(
            refused(&store, json!({"resource_id": 7, "sort": "c0 desc"})).await,
            k(&["sort"]),
            "the storage columns are not fields"
        );
        assert_eq!(
            refused(
                &store,
                json!({"resource_id": 7, "fields": ["_id", "nope"], "q": {"nope": "x"}, "limit": -1, "offset": -5})
            )
            .await,
            k(&["fields", "limit", "offset", "q"])
        );
        // A value that looks like SQL is only a value: bound, it matches nothing.
        let r = search(
            &store,
            json!({"resource_id": 7, "filters": {"项目名称": "x' OR '1'='1"}, "q": "'; DROP TABLE datastore_r7; --"}),
        )
        .await;
        assert_eq!(r.total, Some(0));
        assert_eq!(
            search(&store, json!({"resource_id": 7})).await.total,
            Some(4)
        );
        // A resource without a table is not found; a bad id is a validation error.
        assert!(matches!(
            datastore::search(&store, &DatastoreQuery::new(8)).await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            DatastoreQuery::from_params(
                json!({"resource_id": "-1"})
                    .as_object()
                    .unwrap_or(&serde_json::Map::new())
            ),
            Err(StoreError::DatastoreValidation(_))
        ));
    }
}

/// Serves `first` until it has been rewound to its start three times (after the size check, for
/// the first pass, for the rows), then `second`: a file that changes between the passes, so a
/// load fails after rows were stored.
struct Changing {
    first: Cursor<Vec<u8>>,
    second: Cursor<Vec<u8>>,
    rewinds: usize,
}

impl Read for Changing {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.rewinds >= 3 {
            self.second.read(buf)
        } else {
            self.first.read(buf)
        }
    }
}

impl Seek for Changing {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        if pos == SeekFrom::Start(0) {
            self.rewinds += 1;
        }
        self.first.seek(pos)?;
        self.second.seek(pos)
    }
}

#[tokio::test]
async fn a_new_load_replaces_the_table_and_a_failed_one_leaves_it() {
    for engine in ENGINES {
        let (_db, store) = open(engine).await;
        load(&store, 7, TRADES).await;
        // Replaced whole, new columns and all (twice, so the renamed table's key is free).
        for round in 0..2 {
            let summary = load(&store, 7, &format!("乡镇,户数\n城关镇,{round}\n吉根乡,5\n")).await;
            assert_eq!(summary.rows, 2);
        }
        let r = search(&store, json!({"resource_id": 7})).await;
        assert_eq!(r.fields.len(), 3);
        assert_eq!(column(&r, "户数"), [json!(1), json!(5)]);

        // A load that fails after its first batch was stored: the old table stays whole.
        let good: String = std::iter::once("编号\n".to_owned())
            .chain((0..15_000).map(|i| format!("{i}\n")))
            .collect();
        let bad = good.replacen("\n14000\n", "\nabcde\n", 1);
        let mut source = must(open_csv(
            Changing {
                first: Cursor::new(good.into_bytes()),
                second: Cursor::new(bad.into_bytes()),
                rewinds: 0,
            },
            &TableLimits::default(),
        ));
        let mut batches = 0;
        let failed = datastore::ingest(&store, &Actor::cli(), 7, &mut source, &mut |_| {
            batches += 1;
        })
        .await;
        assert!(failed.is_err(), "{engine:?}");
        assert_eq!(batches, 1, "one batch was stored before the bad row");
        let r = search(&store, json!({"resource_id": 7})).await;
        assert_eq!((r.total, r.fields.len()), (Some(2), 3));
        let info = must(datastore::info(&store, 7).await).unwrap_or_else(|| panic!("no info"));
        assert_eq!(info.status, "active");
        assert!(info.error.contains("发生变化"), "{}", info.error);
        let names = must(gongkai_store::site_export::table_names(&store).await);
        assert!(
            !names.iter().any(|n| n == "datastore_r7_load"),
            "the half-loaded table is gone: {names:?}"
        );

        // A first load that fails leaves no table, only the failure noted.
        let mut source = must(open_csv(
            Changing {
                first: Cursor::new(b"n\n1\n".to_vec()),
                second: Cursor::new(b"n\nx\n".to_vec()),
                rewinds: 0,
            },
            &TableLimits::default(),
        ));
        assert!(
            datastore::ingest(&store, &Actor::cli(), 10, &mut source, &mut |_| {})
                .await
                .is_err()
        );
        let info = must(datastore::info(&store, 10).await).unwrap_or_else(|| panic!("no info"));
        assert_eq!(info.status, "failed");
        assert!(matches!(
            datastore::search(&store, &DatastoreQuery::new(10)).await,
            Err(StoreError::NotFound { .. })
        ));

        // Dropped: table and registry row gone, once.
        let mut source = reader("a,b\n1,2\n");
        let empty_id =
            must(datastore::ingest(&store, &Actor::cli(), 9, &mut source, &mut |_| {}).await);
        assert_eq!(empty_id.rows, 1);
        assert!(must(datastore::drop(&store, &Actor::cli(), 9).await));
        assert!(!must(datastore::drop(&store, &Actor::cli(), 9).await));
        assert!(must(datastore::info(&store, 9).await).is_none());
        let audited: i64 = must(
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action IN \
                 ('datastore.ingest', 'datastore.ingest_failed', 'datastore.drop')",
            )
            .fetch_one(store.pool())
            .await,
        );
        assert_eq!(audited, 7, "{engine:?}");
    }
}

#[tokio::test]
async fn an_export_neutralises_formulas() {
    for engine in ENGINES {
        let (_db, store) = open(engine).await;
        load(&store, 7, TRADES).await;
        let mut out = Vec::new();
        let rows = must(datastore::export_csv(&store, 7, &mut out).await);
        assert_eq!(rows, 4);
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(
            text.starts_with("\u{feff}项目名称,成交日期,金额,标段数,备注\n"),
            "{text}"
        );
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(
            text.contains("乡镇卫生院设备采购,2024-04-01,,7,\n"),
            "{text}"
        );
        // And it reads back as the same table.
        let again = reader(text.trim_start_matches('\u{feff}'));
        assert_eq!(again.shape().rows, 4);
    }
}
