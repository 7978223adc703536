//! `gongkai site`: the site's settings (name, host organisation, codes, the holiday region).

use clap::Subcommand;
use gongkai_store::{Actor, Store, orgs, settings};

use std::path::{Path, PathBuf};

use gongkai_store::site_export::{self, Progress};

use crate::CliError;
use crate::commands::{item_bar, region_arg};
use crate::config::Config;

/// The `site` subcommands.
#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// 设置一项站点信息：site_name、host_org、site_code、icp、psb、phone、address、error_report_url
    /// （设置第一个站点；加 .<站点机构代码> 设置该站点，如 site_name.ATS001）；
    /// region 或 region.<站点机构代码>：适用地方节假日的地区（须已导入该地区的日历数据）；
    /// mailbox_org[.<站点机构代码>]：承办县长信箱来信的机构代码（如县政府办公室）；
    /// mailbox_name[.<站点机构代码>]：信箱名称（县长信箱、市长信箱、区长信箱等）
    Set {
        /// 设置项
        key: String,
        /// 值
        value: String,
    },
    /// 显示站点信息
    Show,
    /// 让站点以某个域名对外服务，如 `gongkai site add-host WQX001 www.wuqia.gov.cn`
    /// （未登记的域名显示第一个站点；同一部署的站点也可用 /site/<站点机构代码>/ 访问）
    AddHost {
        /// 站点机构代码（顶级机构）
        site: String,
        /// 域名（不含 http:// 和路径）
        host: String,
    },
    /// 移除站点的一个域名
    RemoveHost {
        /// 域名
        host: String,
    },
    /// 列出各站点的域名
    Hosts,
    /// 把一个站点（县及其部门的机构、账号、信息和附件、依申请公开、政民互动、意见征集、设置和审计记录）
    /// 导出为一个迁移文件，供另一部署用 `gongkai site import` 导入，
    /// 如 `gongkai site export ATS001 --to /srv/ats001.gksite`（本部署中的站点保持不变）
    Export {
        /// 站点机构代码（顶级机构）
        site: String,
        /// 迁移文件的保存位置（文件不能已存在）
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// 导入 `gongkai site export` 写出的迁移文件，作为本部署中的一个新站点
    /// （各项编号重新分配；追踪码、索引号、机构代码和用户名保持不变，已被本部署使用时拒绝导入）
    Import {
        /// 迁移文件
        file: PathBuf,
    },
}

/// Runs one `site` subcommand.
pub async fn run(config: &Config, store: &Store, cmd: SiteCommand) -> Result<(), CliError> {
    let keys = gongkai_web::site::SITE_SETTING_KEYS;
    match cmd {
        SiteCommand::Export { site, to } => export(config, store, &site, &to).await?,
        SiteCommand::Import { file } => import(config, store, &file).await?,
        SiteCommand::Set { key, value } if key == "region" || key.starts_with("region.") => {
            // The region whose holidays count: checked against the calendar, then every
            // open deadline is recomputed (both audited).
            let site = key.strip_prefix("region.");
            let region = region_arg(Some(value.as_str()).filter(|v| !v.trim().is_empty()))?;
            let changed = gongkai_store::applications::set_site_region(
                store,
                &Actor::cli(),
                site,
                region.as_ref(),
            )
            .await?;
            say!("已设置 {key}，重新计算了 {changed} 件申请的答复期限。");
        }
        SiteCommand::Set { key, value } if key.split('.').next() == Some("mailbox_org") => {
            let site = key.strip_prefix("mailbox_org.");
            gongkai_store::mailbox::set_handler(store, &Actor::cli(), site, &value).await?;
            say!("已设置 {key}：信箱来信今后由 {} 承办。", value.trim());
        }
        SiteCommand::Set { key, value } if key.split('.').next() == Some("mailbox_name") => {
            let site = key.strip_prefix("mailbox_name.");
            gongkai_store::mailbox::set_name(store, &Actor::cli(), site, &value).await?;
            say!("已设置 {key}。");
        }
        SiteCommand::Set { key, value }
            if key.starts_with("upper_government.") || key.starts_with("review_body.") =>
        {
            // Who hears 行政复议: the upper government of one site, or the organ one level up
            // of a vertically managed office (by its organ code).
            settings::set(store, &Actor::cli(), &key, value.trim()).await?;
            say!("已设置 {key}。");
        }
        SiteCommand::Set { key, value } => {
            // `site_name` (the first site) or `site_name.ATS001` (that site).
            let (base, site) = key
                .split_once('.')
                .map_or((key.as_str(), None), |(b, s)| (b, Some(s)));
            if !keys.contains(&base) {
                return Err(CliError::Config(format!(
                    "未知的站点设置“{key}”，可用：{}（均可加 .<站点机构代码>）、region、mailbox_org、mailbox_name、upper_government（后四项可加 .<站点机构代码>）、review_body.<垂直管理机关代码>",
                    keys.join("、")
                )));
            }
            let key = match site {
                Some(code) => {
                    let code = gongkai_domain::org::OrgCode::parse(code)?;
                    gongkai_store::sites::by_code(store, &code).await?;
                    settings::site_key(base, Some(code.as_str()))
                }
                None => key.clone(),
            };
            settings::set(store, &Actor::cli(), &key, &value).await?;
            say!("已设置 {key}。");
        }
        SiteCommand::AddHost { site, host } => {
            let code = gongkai_domain::org::OrgCode::parse(&site)?;
            let host = gongkai_domain::site::HostName::parse(&host)?;
            gongkai_store::sites::add_host(store, &Actor::cli(), &code, &host).await?;
            say!("已登记：{host} 显示站点 {code}。");
        }
        SiteCommand::RemoveHost { host } => {
            let host = gongkai_domain::site::HostName::parse(&host)?;
            gongkai_store::sites::remove_host(store, &Actor::cli(), &host).await?;
            say!("已移除 {host}，该域名今后显示默认站点。");
        }
        SiteCommand::Hosts => {
            let hosts = gongkai_store::sites::hosts(store).await?;
            if hosts.is_empty() {
                say!("尚未登记域名：所有域名都显示第一个站点。");
            }
            for h in hosts {
                say!("{}\t{}", h.host, h.site_code);
            }
        }
        SiteCommand::Show => {
            for key in keys {
                let v = settings::get(store, key)
                    .await?
                    .unwrap_or_else(|| "（未设置）".into());
                say!("{key}\t{v}");
            }
            let default = settings::get(store, "region")
                .await?
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "（未设置，仅全国节假日）".into());
            say!("region\t{default}");
            for site in orgs::sites(store).await? {
                if let Some(v) = settings::get(store, &format!("region.{}", site.code)).await? {
                    say!("region.{}\t{v}", site.code);
                }
                let mailbox = gongkai_store::mailbox::of_site(store, site.id).await?;
                say!(
                    "mailbox.{}\t{}，由{}承办",
                    site.code,
                    mailbox.name,
                    mailbox.handler_org_name
                );
            }
        }
    }
    Ok(())
}

/// Keys whose bare value is the first site's own (its footer identity), not every site's
/// default: an export of another site leaves them behind.
fn keys_of_first_site() -> Vec<&'static str> {
    gongkai_web::site::SITE_SETTING_KEYS
        .iter()
        .copied()
        .filter(|k| !gongkai_web::site::SHARED_SETTING_KEYS.contains(k))
        .collect()
}

/// A progress callback drawing `bar`.
fn draw(bar: &indicatif::ProgressBar) -> impl FnMut(Progress<'_>) + '_ {
    move |p: Progress<'_>| {
        bar.set_length(p.total.max(1));
        bar.set_position(p.done);
        bar.set_message(stage_label(p.stage));
    }
}

fn stage_label(stage: &str) -> String {
    match stage {
        "files" => "附件文件".into(),
        "audit" => "审计记录".into(),
        "feed" | "done" => "收尾".into(),
        table => format!("数据表 {table}"),
    }
}

/// `gongkai site export SITE --to FILE`.
async fn export(config: &Config, store: &Store, site: &str, to: &Path) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let bar = item_bar();
    let keys = keys_of_first_site();
    let manifest = site_export::export(
        store,
        &config.data,
        site,
        &keys,
        to,
        &Actor::cli(),
        &mut draw(&bar),
    )
    .await;
    bar.finish_and_clear();
    let manifest = manifest?;
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    let bytes: u64 = manifest.files.iter().map(|f| f.size).sum();
    say!(
        "已导出站点 {}（{}）到 {}：{rows} 行数据、{} 个附件文件（{:.1} MB）、{} 条审计记录，用时 {:.1} 秒。",
        manifest.site_code,
        manifest.site_name,
        to.display(),
        manifest.files.len(),
        bytes as f64 / 1_048_576.0,
        manifest.audit.entries,
        started.elapsed().as_secs_f64()
    );
    if !manifest.audit.source_chain_intact {
        say!("注意：导出时本部署的审计日志未通过校验（请运行 gongkai audit verify 查看）。");
    }
    let sha256 = site_export::file_sha256(to)?;
    say!("迁移文件 SHA-256：{sha256}（已记入本部署的审计日志；导入时会再次显示，请核对一致）");
    say!("迁移文件含有个人信息和密码摘要，请妥善保管，导入后删除。");
    say!("在目标部署导入：gongkai site import {}", to.display());
    Ok(())
}

/// `gongkai site import FILE`.
async fn import(config: &Config, store: &Store, file: &Path) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let bar = item_bar();
    let result =
        site_export::import(store, &config.data, file, &Actor::cli(), &mut draw(&bar)).await;
    bar.finish_and_clear();
    let imported = result?;
    let m = &imported.manifest;
    say!(
        "已导入站点 {}（{}）：{} 行数据、{} 个附件文件、{} 条审计记录（已校验），用时 {:.1} 秒。",
        m.site_code,
        m.site_name,
        m.tables.iter().map(|t| t.rows).sum::<u64>(),
        m.files.len(),
        m.audit.entries,
        started.elapsed().as_secs_f64()
    );
    say!(
        "迁移文件 SHA-256：{}（请与导出时显示并记入原部署审计日志的值核对一致）",
        imported.archive_sha256
    );
    for (column, n) in &imported.cleared {
        say!("{column}：{n} 处指向站点以外的数据，已置空。");
    }
    if !m.audit.source_chain_intact {
        say!("注意：原部署导出时其审计日志未通过校验；带入的本站记录各自校验通过。");
    }
    say!(
        "站点可通过 /site/{}/ 访问；为其登记域名：gongkai site add-host {} <域名>（迁移文件中的域名已一并导入）。站点自己的主题文件夹（主题目录下 sites/{}/）不在迁移文件中，请另行复制并重启各节点。",
        m.site_code,
        m.site_code,
        m.site_code
    );
    Ok(())
}
