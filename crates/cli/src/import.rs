//! `gongkai import`: brings an existing site's published content in as published 主动公开
//! records.
//!
//! Input is JSON Lines (`.jsonl`, `.jsonl.gz`) or CSV with a header row. Field names map to
//! catalogue metadata by default (`id`, `title`, `date`, `doc_number`, `body`, …); `--map
//! SOURCE=TARGET` covers other names. Each row's key is `<source>:<id>`, so a re-run creates no
//! duplicates. Rows that cannot be imported are reported with the reason and line number.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use gongkai_domain::index_no::IndexNo;
use gongkai_domain::record::{RecordInput, RecordKind, RecordMeta};
use gongkai_domain::time::{beijing, beijing_date};
use gongkai_store::records::{self, ImportOutcome, Imported};
use gongkai_store::{Actor, Store};

use crate::CliError;

/// Metadata fields a source field can map to.
pub const TARGETS: &[&str] = &[
    "id",
    "title",
    "date",
    "doc_number",
    "body",
    "summary",
    "theme",
    "source",
    "keywords",
    "genre",
    "index_no",
    "written_on",
    "kind",
    "column",
    "ignore",
];

/// How rows are read and mapped.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Name of the source system, the first part of each row's key.
    pub source: String,
    /// Kind given to rows without a `kind` field.
    pub kind: RecordKind,
    /// Column given to rows without a `column` field.
    pub column: String,
    /// Source field → target field, applied before the defaults.
    pub mapping: HashMap<String, String>,
    /// Rows per transaction.
    pub batch_size: usize,
    /// The written justification for publishing rows that screening flags (`--allow-findings`);
    /// without it such rows are refused and listed with their findings.
    pub allow_findings: Option<String>,
}

impl ImportOptions {
    /// Defaults for a source name.
    pub fn new(source: &str, kind: RecordKind, column: &str) -> Self {
        Self {
            source: source.to_owned(),
            kind,
            column: column.to_owned(),
            mapping: HashMap::new(),
            batch_size: 200,
            allow_findings: None,
        }
    }

    /// Parses `--map a=b` options.
    pub fn with_mappings(mut self, maps: &[String]) -> Result<Self, CliError> {
        for m in maps {
            let (from, to) = m
                .split_once('=')
                .ok_or_else(|| CliError::Config(format!("映射“{m}”格式应为 源字段=目标字段")))?;
            if !TARGETS.contains(&to.trim()) {
                return Err(CliError::Config(format!(
                    "未知的目标字段“{}”，可用：{}",
                    to.trim(),
                    TARGETS.join("、")
                )));
            }
            self.mapping
                .insert(from.trim().to_owned(), to.trim().to_owned());
        }
        Ok(self)
    }

    /// The target of a source field: the explicit mapping, else the default mapping
    /// (`issuer_line` → summary, `category` → keywords, identical names map to themselves).
    fn target<'a>(&'a self, field: &'a str) -> Option<&'a str> {
        if let Some(t) = self.mapping.get(field) {
            return (t != "ignore").then_some(t.as_str());
        }
        match field {
            "issuer_line" => Some("summary"),
            "category" => Some("keywords"),
            "published_at" | "publish_date" => Some("date"),
            f if TARGETS.contains(&f) => Some(f),
            _ => None,
        }
    }
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line (JSONL) or record (CSV) number.
    pub line: usize,
    /// Why, in Chinese.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Rows read.
    pub rows: usize,
    /// New records.
    pub created: usize,
    /// Rows imported before (unchanged).
    pub unchanged: usize,
    /// Rows without a date, published with today's date.
    pub undated: usize,
    /// Rows refused.
    pub rejected: Vec<Rejected>,
}

/// One source row as `field → text`, or why it could not be read.
pub type Row = Result<HashMap<String, String>, String>;

/// Reads all rows of a file as `field → text` maps, by extension.
pub fn read_rows(path: &Path) -> Result<Vec<Row>, CliError> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Config(format!("无法打开 {}：{e}", path.display())))?;
    let reader: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    if name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(".ndjson") {
        let mut out = Vec::new();
        for line in BufReader::new(reader).lines() {
            let line =
                line.map_err(|e| CliError::Config(format!("读取失败（文件可能已损坏）：{e}")))?;
            if line.trim().is_empty() {
                out.push(Err("空行".to_owned()));
                continue;
            }
            out.push(
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line) {
                    Ok(obj) => Ok(obj
                        .into_iter()
                        .filter_map(|(k, v)| match v {
                            serde_json::Value::Null => None,
                            serde_json::Value::String(s) => Some((k, s)),
                            other => Some((k, other.to_string())),
                        })
                        .collect()),
                    Err(e) => Err(format!("不是有效的 JSON：{e}")),
                },
            );
        }
        Ok(out)
    } else if name.ends_with(".csv") || name.ends_with(".csv.gz") {
        let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers = rdr
            .headers()
            .map_err(|e| CliError::Config(format!("CSV 表头无法读取：{e}")))?
            .clone();
        Ok(rdr
            .records()
            .map(|r| {
                r.map(|rec| {
                    headers
                        .iter()
                        .zip(rec.iter())
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(h, v)| (h.trim_start_matches('\u{feff}').to_owned(), v.to_owned()))
                        .collect()
                })
                .map_err(|e| format!("CSV 行格式错误：{e}"))
            })
            .collect())
    } else {
        Err(CliError::Config(
            "只支持 .jsonl、.jsonl.gz 和 .csv 文件".into(),
        ))
    }
}

/// Turns one mapped row into an import, or says why not.
fn to_import(
    row: &HashMap<String, String>,
    opts: &ImportOptions,
    today: NaiveDate,
) -> Result<(Imported, bool), String> {
    let mut f: HashMap<&str, &str> = HashMap::new();
    for (k, v) in row {
        if let Some(t) = opts.target(k) {
            f.insert(t, v.as_str());
        }
    }
    let id = f
        .get("id")
        .copied()
        .filter(|s| !s.trim().is_empty())
        .ok_or("缺少 id 字段")?;
    let body = f.get("body").copied().unwrap_or_default();
    if body.trim().is_empty() {
        return Err("正文为空".into());
    }
    let date_text = f
        .get("date")
        .map(|d| gongkai_domain::record::to_half_width(d.trim()));
    let date = match date_text.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => Some(
            NaiveDate::parse_from_str(d.get(..10).unwrap_or(d), "%Y-%m-%d")
                .map_err(|_| format!("日期“{d}”格式应为 YYYY-MM-DD"))?,
        ),
        None => None,
    };
    if date.is_some_and(|d| d > today) {
        return Err("发布日期晚于今天".into());
    }
    let written = f
        .get("written_on")
        .map(|w| gongkai_domain::record::to_half_width(w.trim()))
        .or(date_text)
        .unwrap_or_default();
    let written = written.as_str();
    let kind = f.get("kind").copied().unwrap_or(opts.kind.code());
    let input = RecordInput {
        title: f.get("title").copied().unwrap_or_default(),
        kind,
        doc_number: f.get("doc_number").copied().unwrap_or_default(),
        written_on: written.get(..10).unwrap_or(written),
        theme: f.get("theme").copied().unwrap_or_default(),
        genre: f.get("genre").copied().unwrap_or_default(),
        keywords: f.get("keywords").copied().unwrap_or_default(),
        source: f.get("source").copied().unwrap_or_default(),
        summary: f.get("summary").copied().unwrap_or_default(),
        validity: "",
        disclosure_method: f.get("disclosure_method").copied().unwrap_or_default(),
    };
    let meta = RecordMeta::parse(&input, today).map_err(|errs| {
        errs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("；")
    })?;
    let looks_html = gongkai_content::looks_like_html(body);
    let body_html = if looks_html {
        gongkai_content::sanitize_html(body)
    } else {
        gongkai_content::text_to_html(body)
    };
    let body_text = if looks_html {
        gongkai_content::html_to_text(&body_html)
    } else {
        body.to_owned()
    };
    let published_at = match date {
        Some(d) => beijing()
            .from_local_datetime(&d.and_hms_opt(9, 0, 0).unwrap_or_default())
            .single()
            .map(|t| t.with_timezone(&Utc))
            .ok_or("日期无效")?,
        None => Utc::now(),
    };
    let index_no = match f.get("index_no").copied().filter(|s| !s.trim().is_empty()) {
        Some(n) => Some(IndexNo::parse(n).map_err(|e| e.to_string())?),
        None => None,
    };
    let column = f.get("column").copied().unwrap_or(opts.column.as_str());
    if gongkai_domain::catalogue::column(column).is_none() {
        return Err(format!("未知的栏目“{column}”"));
    }
    Ok((
        Imported {
            source_key: format!("{}:{}", opts.source, id.trim()),
            meta,
            body_html,
            body_text,
            published_at,
            columns: vec![column.to_owned()],
            index_no,
        },
        date.is_none(),
    ))
}

/// Imports rows for an organisation; `progress` is told how many rows are done.
pub async fn import_rows(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    rows: Vec<Row>,
    opts: &ImportOptions,
    mut progress: impl FnMut(usize),
) -> Result<ImportReport, CliError> {
    let today = beijing_date(Utc::now());
    let mut report = ImportReport {
        rows: rows.len(),
        ..ImportReport::default()
    };
    let mut batch: Vec<Imported> = Vec::new();
    // The source line of each row in `batch`, to report a row the store refuses.
    let mut lines: Vec<usize> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut done = 0;
    let flush = |batch: &mut Vec<Imported>| {
        let batch = std::mem::take(batch);
        async move {
            records::import_batch(store, actor, org_id, &batch, opts.allow_findings.as_deref())
                .await
                .map(|o| (o, batch.len()))
        }
    };
    for (i, row) in rows.into_iter().enumerate() {
        let line = i + 1;
        let parsed = row.and_then(|r| to_import(&r, opts, today));
        match parsed {
            Ok((imp, undated)) => {
                if !seen.insert(imp.source_key.clone()) {
                    report.rejected.push(Rejected {
                        line,
                        reason: "与前面的行 id 重复".into(),
                    });
                    continue;
                }
                report.undated += usize::from(undated);
                batch.push(imp);
                lines.push(line);
            }
            Err(reason) => report.rejected.push(Rejected { line, reason }),
        }
        if batch.len() >= opts.batch_size {
            let (outcomes, n) = flush(&mut batch).await?;
            count(&mut report, &outcomes, &std::mem::take(&mut lines));
            done += n;
            progress(done);
        }
    }
    if !batch.is_empty() {
        let (outcomes, n) = flush(&mut batch).await?;
        count(&mut report, &outcomes, &lines);
        done += n;
        progress(done);
    }
    Ok(report)
}

fn count(report: &mut ImportReport, outcomes: &[ImportOutcome], lines: &[usize]) {
    for (o, line) in outcomes.iter().zip(lines) {
        match o {
            ImportOutcome::Created => report.created += 1,
            ImportOutcome::Unchanged => report.unchanged += 1,
            ImportOutcome::Refused(reason) => report.rejected.push(Rejected {
                line: *line,
                reason: reason.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    #[test]
    fn corpus_fields_map_by_default() {
        let opts = ImportOptions::new("laws", RecordKind::Law, "flfg");
        let r = row(&[
            ("id", "abc"),
            ("title", "某条例"),
            ("date", "2019-04-03"),
            ("doc_number", "国务院令第711号"),
            ("body", "## 第一章 总则\n\n第一条 为了……"),
            ("category", "行政法规"),
            (
                "issuer_line",
                "2019年4月3日中华人民共和国国务院令第711号修订",
            ),
        ]);
        let (imp, undated) = to_import(&r, &opts, today()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!undated);
        assert_eq!(imp.source_key, "laws:abc");
        assert_eq!(imp.meta.doc_number, "国务院令第711号");
        assert_eq!(imp.meta.keywords, "行政法规");
        assert!(imp.meta.summary.contains("修订"));
        assert!(imp.body_html.contains("<h2>"));
        assert_eq!(
            imp.meta.written_on.map(|d| d.to_string()).as_deref(),
            Some("2019-04-03")
        );
    }

    #[test]
    fn a_mapping_covers_other_names() {
        let opts = ImportOptions::new("old", RecordKind::Notice, "tzgg")
            .with_mappings(&["标题=title".into(), "正文=body".into(), "编号=id".into()])
            .unwrap_or_else(|e| panic!("{e}"));
        let r = row(&[
            ("编号", "7"),
            ("标题", "关于……的通知"),
            ("正文", "<p class=MsoNormal>内容<o:p></o:p></p>"),
        ]);
        let (imp, undated) = to_import(&r, &opts, today()).unwrap_or_else(|e| panic!("{e}"));
        assert!(undated);
        assert_eq!(imp.meta.title, "关于……的通知");
        assert!(!imp.body_html.contains("Mso"));
    }

    #[test]
    fn bad_rows_say_why() {
        let opts = ImportOptions::new("x", RecordKind::Other, "qtfd");
        let reason = |pairs: &[(&str, &str)]| {
            to_import(&row(pairs), &opts, today())
                .err()
                .unwrap_or_default()
        };
        assert!(reason(&[("title", "t"), ("body", "b")]).contains("id"));
        assert!(reason(&[("id", "1"), ("title", "t")]).contains("正文"));
        assert!(reason(&[("id", "1"), ("body", "b")]).contains("名称"));
        assert!(
            reason(&[
                ("id", "1"),
                ("title", "t"),
                ("body", "b"),
                ("date", "2099-01-01")
            ])
            .contains("晚于")
        );
        assert!(
            reason(&[("id", "1"), ("title", "t"), ("body", "b"), ("date", "昨天")])
                .contains("格式")
        );
    }
}
