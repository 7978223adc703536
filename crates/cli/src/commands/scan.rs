//! `gongkai scan`: screen every published record (attachments included) again and list the
//! findings by organisation.

use clap::Args;
use gongkai_store::Store;

use crate::CliError;
use crate::commands::say_json;

/// Options of `scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// 以 JSON 输出
    #[arg(long)]
    json: bool,
}

/// Runs the scan and prints its report, as text or JSON.
pub async fn run(store: &Store, args: ScanArgs) -> Result<(), CliError> {
    let report = gongkai_store::screening::scan_published(store, None).await?;
    if args.json {
        say_json(&report, "{}");
        return Ok(());
    }
    let total: usize = report.organisations.iter().map(|o| o.total).sum();
    say!(
        "已审查 {} 条已发布信息，发现 {total} 处疑似问题。",
        report.scanned
    );
    for o in &report.organisations {
        say!("{}（{} 处）", o.org_name, o.total);
        for r in &o.records {
            say!("  {} {}", r.index_no, r.title);
            for f in &r.findings {
                say!("    [{}] {}：{}", f.label(), f.location, f.context);
            }
        }
    }
    Ok(())
}
