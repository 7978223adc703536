//! `gongkai import`: bring an existing site's published documents in as published proactive
//! records (the reading and mapping of rows is `crate::import`).

use std::path::PathBuf;

use clap::Args;
use gongkai_domain::org::OrgCode;
use gongkai_domain::record::RecordKind;
use gongkai_store::{Actor, Store, orgs};

use crate::commands::progress_bar;
use crate::{CliError, import};

/// Options of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// 发布机构代码
    #[arg(long)]
    org: String,
    /// 来源名称，与每行的 id 组成去重键（默认取文件名）
    #[arg(long)]
    source: Option<String>,
    /// 没有 kind 字段的行的信息类别，如 law、policy、notice
    #[arg(long, default_value = "other")]
    kind: String,
    /// 没有 column 字段的行的栏目代码，如 flfg、zd、tzgg（默认按类别）
    #[arg(long)]
    column: Option<String>,
    /// 字段映射，可重复：源字段=目标字段（目标：id、title、date、doc_number、body、summary、theme、source、keywords、genre、index_no、written_on、kind、column、ignore）
    #[arg(long = "map", value_name = "源=目标")]
    map: Vec<String>,
    /// 每个事务写入的行数（默认 200）
    #[arg(long, default_value_t = 200, hide = true)]
    batch_size: usize,
    /// 内容审查发现疑似敏感信息（身份证号、手机号、涉密标志、负面清单等）的行默认不导入；确认可以公开时，用此项写明理由（不少于 10 个字，记入审计日志）
    #[arg(long, value_name = "理由")]
    allow_findings: Option<String>,
    /// 要导入的文件
    file: PathBuf,
}

/// The column a record of `kind` lands in when the rows name none.
fn default_column(kind: RecordKind) -> &'static str {
    use RecordKind as K;
    match kind {
        K::Policy | K::Normative => "gfxwj",
        K::Interpretation => "zcjd",
        K::Notice => "tzgg",
        K::News => "gzdt",
        K::Plan => "ghjh",
        K::Statistics => "tjxx",
        K::Budget => "czyjs",
        K::Law => "flfg",
        K::Audit | K::Personnel | K::Other => "qtfd",
    }
}

/// Imports the file with a progress bar, then prints the report (at most 50 rejected lines).
pub async fn run(store: &Store, args: ImportArgs) -> Result<(), CliError> {
    let org = orgs::by_code(store, &OrgCode::parse(&args.org)?).await?;
    let kind = RecordKind::parse(&args.kind)?;
    let source = args.source.clone().unwrap_or_else(|| {
        let name = args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        name.split('.').next().unwrap_or("import").to_owned()
    });
    let column = args
        .column
        .clone()
        .unwrap_or_else(|| default_column(kind).to_owned());
    let mut opts = import::ImportOptions::new(&source, kind, &column).with_mappings(&args.map)?;
    opts.batch_size = args.batch_size.max(1);
    opts.allow_findings = args.allow_findings.clone();
    let rows = import::read_rows(&args.file)?;
    let bar = progress_bar(rows.len(), "行");
    let started = std::time::Instant::now();
    let report = import::import_rows(store, &Actor::cli(), org.id, rows, &opts, |done| {
        bar.set_position(done as u64)
    })
    .await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64().max(0.001);
    say!(
        "导入完成：共 {} 行，新增 {} 条，已存在未变 {} 条，拒绝 {} 行；用时 {secs:.1} 秒（{:.0} 行/秒）。",
        report.rows,
        report.created,
        report.unchanged,
        report.rejected.len(),
        report.rows as f64 / secs
    );
    if report.undated > 0 {
        say!("其中 {} 行没有日期，已按今天的日期发布。", report.undated);
    }
    for r in report.rejected.iter().take(50) {
        say!("  第 {} 行：{}", r.line, r.reason);
    }
    if report.rejected.len() > 50 {
        say!("  ……另有 {} 行被拒绝。", report.rejected.len() - 50);
    }
    Ok(())
}
