//! `gongkai datastore`: load a CSV or XLSX file as a resource's queryable table (with a progress
//! bar over the file's bytes) and search it with `datastore_search`'s rules.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Subcommand;
use gongkai_content::table::{TableFormat, TableLimits, TableReader, open_table};
use gongkai_store::datastore::{self, DatastoreQuery, Records};
use gongkai_store::{Actor, Store, StoreError};
use serde_json::{Map, Value, json};

use crate::CliError;
use crate::commands::{byte_bar, say_json, spinner};

/// The `datastore` subcommands.
#[derive(Debug, Subcommand)]
pub enum DatastoreCommand {
    /// 将 CSV 或 XLSX 文件导入为资源的数据表（自动识别编码、分隔符、表头和列类型；成功后替换原数据表）
    Load {
        /// 资源编号
        #[arg(long, value_name = "ID")]
        resource: i64,
        /// CSV（UTF-8、GBK/GB18030）或 XLSX 文件
        file: PathBuf,
        /// 以 JSON 输出结果：{rows, columns, bytes, seconds, mb_per_s, ragged_rows}
        #[arg(long)]
        json: bool,
    },
    /// 检索资源的数据表（规则与 CKAN 的 datastore_search 相同）
    Search {
        /// 资源编号
        #[arg(long, value_name = "ID")]
        resource: i64,
        /// 全文检索：任一文本列包含该词的行
        #[arg(long)]
        q: Option<String>,
        /// 筛选条件，JSON 对象，如 '{"乡镇": ["城关镇", "吉根乡"]}'
        #[arg(long)]
        filters: Option<String>,
        /// 排序，如 "金额 desc, 日期"
        #[arg(long)]
        sort: Option<String>,
        /// 返回的字段，以逗号分隔
        #[arg(long)]
        fields: Option<String>,
        /// 返回行数，默认 100，最多 32000
        #[arg(long)]
        limit: Option<i64>,
        /// 跳过的行数
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// 以 JSON 输出 datastore_search 的 result
        #[arg(long)]
        json: bool,
    },
    /// 删除资源的数据表
    Drop {
        /// 资源编号
        #[arg(long, value_name = "ID")]
        resource: i64,
    },
    /// 测量检索延迟（基准测试用）：分页、筛选、全文检索、排序各若干次，输出 JSON
    #[command(hide = true)]
    Bench {
        /// 资源编号
        #[arg(long, value_name = "ID")]
        resource: i64,
        /// 每类检索的次数
        #[arg(long, default_value_t = 50)]
        rounds: usize,
        /// 筛选用的 JSON 对象
        #[arg(long)]
        filters: String,
        /// 全文检索词
        #[arg(long)]
        q: String,
        /// 排序
        #[arg(long)]
        sort: String,
    },
}

/// Runs one `datastore` subcommand.
pub async fn run(store: &Store, cmd: DatastoreCommand) -> Result<(), CliError> {
    match cmd {
        DatastoreCommand::Load { resource, file, json } => load(store, resource, file, json).await,
        DatastoreCommand::Search {
            resource,
            q,
            filters,
            sort,
            fields,
            limit,
            offset,
            json,
        } => {
            let mut params = Map::new();
            params.insert("resource_id".into(), json!(resource));
            params.insert("offset".into(), json!(offset));
            for (key, value) in [
                ("q", q),
                ("filters", filters),
                ("sort", sort),
                ("fields", fields),
            ] {
                if let Some(v) = value {
                    params.insert(key.into(), Value::String(v));
                }
            }
            if let Some(l) = limit {
                params.insert("limit".into(), json!(l));
            }
            let query = DatastoreQuery::from_params(&params)?;
            let result = datastore::search(store, &query).await?;
            if json {
                say_json(&result, "{}");
            } else {
                print_table(&result);
            }
            Ok(())
        }
        DatastoreCommand::Drop { resource } => {
            if datastore::drop(store, &Actor::cli(), resource).await? {
                say!("已删除资源 {resource} 的数据表。");
            } else {
                say!("资源 {resource} 没有数据表。");
            }
            Ok(())
        }
        DatastoreCommand::Bench {
            resource,
            rounds,
            filters,
            q,
            sort,
        } => bench(store, resource, rounds, &filters, &q, &sort).await,
    }
}

async fn load(store: &Store, resource: i64, file: PathBuf, json: bool) -> Result<(), CliError> {
    let started = Instant::now();
    let total = std::fs::metadata(&file)?.len();
    let mut head = [0u8; 4];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(&file)?;
        let _ = f.read(&mut head)?;
    }
    // A ZIP container is a workbook; anything else is read as CSV.
    let format = if head == *b"PK\x03\x04" {
        TableFormat::Xlsx
    } else {
        TableFormat::Csv
    };
    let source = std::fs::File::open(&file)?;
    let analysing = spinner("正在分析文件（编码、分隔符、表头、列类型）…");
    let opened: Result<TableReader, _> =
        tokio::task::spawn_blocking(move || open_table(format, source, &TableLimits::default()))
            .await
            .map_err(|e| CliError::Io(std::io::Error::other(e.to_string())))?;
    analysing.finish_and_clear();
    let mut reader = opened.map_err(StoreError::from)?;
    let shape = reader.shape().clone();
    let bar = byte_bar(total);
    bar.set_message("导入");
    let progress_bar = bar.clone();
    let summary = datastore::ingest(store, &Actor::cli(), resource, &mut reader, &mut |p| {
        progress_bar.set_position(p.bytes)
    })
    .await;
    bar.finish_and_clear();
    let summary = summary?;
    let seconds = started.elapsed().as_secs_f64().max(1e-6);
    let mb = summary.bytes as f64 / 1_000_000.0;
    if json {
        say_json(
            &json!({
                "rows": summary.rows,
                "columns": summary.columns,
                "bytes": summary.bytes,
                "seconds": seconds,
                "mb_per_s": mb / seconds,
                "ragged_rows": summary.ragged_rows,
                "encoding": shape.encoding,
            }),
            "{}",
        );
        return Ok(());
    }
    say!(
        "已导入资源 {resource} 的数据表：{} 行，{} 列，{mb:.1} MB，用时 {seconds:.1} 秒（{:.1} MB/s）。",
        summary.rows,
        summary.columns,
        mb / seconds
    );
    say!(
        "编码 {}；{}",
        shape.encoding,
        if shape.has_header {
            "首行为表头"
        } else {
            "未识别到表头，列名为 列1、列2 …"
        }
    );
    for f in &shape.fields {
        say!("  {}\t{}", f.name, f.field_type.as_str());
    }
    if shape.ragged_rows > 0 {
        let lines: Vec<String> = shape
            .ragged
            .iter()
            .take(10)
            .map(|r| r.line.to_string())
            .collect();
        say!(
            "注意：有 {} 行的列数与表头不一致，已补齐或截断（第 {} 行{}）。",
            shape.ragged_rows,
            lines.join("、"),
            if shape.ragged_rows > 10 { "等" } else { "" }
        );
    }
    Ok(())
}

fn print_table(result: &datastore::DatastoreResult) {
    let names: Vec<&str> = result.fields.iter().map(|f| f.id.as_str()).collect();
    say!("{}", names.join("\t"));
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.replace(['\t', '\n', '\r'], " "),
        other => other.to_string(),
    };
    let shown = match &result.records {
        Records::Objects(rows) => {
            for r in rows {
                let line: Vec<String> = names
                    .iter()
                    .map(|n| r.get(n).map(cell).unwrap_or_default())
                    .collect();
                say!("{}", line.join("\t"));
            }
            rows.len()
        }
        Records::Lists(rows) => {
            for r in rows {
                say!("{}", r.iter().map(cell).collect::<Vec<_>>().join("\t"));
            }
            rows.len()
        }
    };
    match result.total {
        Some(total) if shown > 0 => say!(
            "共 {total} 行，显示第 {}–{} 行。",
            result.offset + 1,
            result.offset + shown as i64
        ),
        Some(total) => say!("共 {total} 行，本页没有数据。"),
        None => say!("显示 {shown} 行。"),
    }
}

/// Median and 99th percentile of `times`, in milliseconds.
fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    times.sort_unstable();
    let at = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    (at(0.5), at(0.99))
}

async fn bench(
    store: &Store,
    resource: i64,
    rounds: usize,
    filters: &str,
    q: &str,
    sort: &str,
) -> Result<(), CliError> {
    let info = datastore::info(store, resource)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("资源 {resource} 的数据表"),
        })?;
    let rows = info.row_count.max(1);
    let kinds: [(&str, Map<String, Value>); 4] = [
        ("page", Map::new()),
        (
            "filter",
            Map::from_iter([("filters".into(), json!(filters))]),
        ),
        ("q", Map::from_iter([("q".into(), json!(q))])),
        ("sort", Map::from_iter([("sort".into(), json!(sort))])),
    ];
    let mut out = Map::new();
    for (name, extra) in kinds {
        let mut times = Vec::with_capacity(rounds);
        for i in 0..rounds {
            let mut params = extra.clone();
            params.insert("resource_id".into(), json!(resource));
            // Pages spread over the whole table, deep offsets included.
            let offset = (rows * i as i64 / rounds.max(1) as i64) / 100 * 100;
            params.insert(
                "offset".into(),
                json!(if name == "page" { offset } else { 0 }),
            );
            let query = DatastoreQuery::from_params(&params)?;
            let started = Instant::now();
            datastore::search(store, &query).await?;
            times.push(started.elapsed());
        }
        let (p50, p99) = percentiles(&mut times);
        out.insert(name.into(), json!({"p50_ms": p50, "p99_ms": p99}));
    }
    say_json(&out, "{}");
    Ok(())
}
