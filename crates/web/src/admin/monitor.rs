//! `GET /admin/monitor`: 网站监测: the staff member's site against the national inspection's
//! veto indicators (`gongkai_domain::monitor`), each with its level and the items behind it, so
//! the openness office fixes them before an inspector finds them.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::monitor::{self as rules, Level};
use gongkai_domain::time::beijing_date;
use gongkai_store::{applications, calendar, monitor};
use minijinja::context;

use crate::WebError;
use crate::admin::desk::Desk;

/// One indicator as the page shows it.
fn indicator(
    name: &str,
    rule: &str,
    level: Level,
    summary: String,
    items: Vec<minijinja::Value>,
) -> (Level, minijinja::Value) {
    (
        level,
        context! { name, rule, level => level.code(), label => level.label(), summary, items },
    )
}

/// Judges the staff member's site today and shows every indicator, the worst first.
pub async fn show(desk: Desk) -> Result<Response, WebError> {
    let store = &desk.state.store;
    let site = desk.home_site().await?;
    let now = Utc::now();
    let today = beijing_date(now);
    let facts = monitor::facts(store, site.id, &desk.state.config.data_dir, now).await?;

    let home = rules::home_page(facts.last_publication, today);
    let home_summary = match facts.last_publication {
        Some(day) => format!(
            "最近一次发布信息在 {day}，距今 {} 天。",
            (today - day).num_days()
        ),
        None => "网站尚未发布任何信息。".to_owned(),
    };

    let empty: Vec<_> = facts.columns.iter().filter(|c| c.items == 0).collect();
    let stale: Vec<_> = facts
        .columns
        .iter()
        .filter(|c| c.last.is_some_and(|d| rules::column_is_stale(d, today)))
        .collect();
    let mut column_items: Vec<_> = empty
        .iter()
        .map(|c| context! { text => format!("{}：空白栏目", c.name), href => format!("/xxgk/lanmu/{}", c.slug) })
        .collect();
    column_items.extend(stale.iter().map(|c| {
        context! {
            text => format!("{}：最近更新于 {}", c.name, c.last.map(|d| d.to_string()).unwrap_or_default()),
            href => format!("/xxgk/lanmu/{}", c.slug),
        }
    }));
    let columns = rules::columns(empty.len(), stale.len());

    let judged: Vec<_> = facts
        .unanswered
        .iter()
        .map(|m| (rules::unanswered(m.received_on, today), m))
        .filter(|(level, _)| *level != Level::Ok)
        .collect();
    let messages = judged.iter().map(|(l, _)| *l).max().unwrap_or(Level::Ok);
    let message_items = judged
        .iter()
        .map(|(level, m)| {
            context! {
                text => format!("{} {}（{} 收到，{}）", m.tracking_code, m.title, m.received_on, level.label()),
            }
        })
        .collect();

    let (cal, region) = (
        calendar::load(store).await?,
        applications::region_of_site(store, site.code.as_str()).await?,
    );
    let mut late = Vec::new();
    for i in &facts.interpretations {
        // A year without calendar data cannot be judged: it is left out, not guessed.
        if let Ok(Some(days)) = rules::interpretation_delay(
            i.policy_published_on,
            i.published_on,
            &cal,
            region.as_ref(),
        ) {
            late.push(context! {
                text => format!(
                    "{}：政策《{}》{} 发布，解读 {} 发布，晚 {days} 个工作日",
                    i.title, i.policy_title, i.policy_published_on, i.published_on
                ),
                href => format!("/xxgk/{}", i.index_no),
            });
        }
    }
    let interpretations = if late.is_empty() {
        Level::Ok
    } else {
        Level::Warning
    };

    let links = |list: &[monitor::Dangling], what: &str| -> Vec<minijinja::Value> {
        list.iter()
            .map(|d| {
                context! {
                    text => format!("{}（{}）：{what} {}", d.title, d.index_no, d.target),
                    href => format!("/xxgk/{}", d.index_no),
                }
            })
            .collect()
    };
    let broken = links(&facts.broken_links, "链接无法访问");
    let missing = links(&facts.missing_files, "附件文件缺失");
    let dangling = if broken.is_empty() && missing.is_empty() {
        Level::Ok
    } else {
        Level::Warning
    };

    let mut indicators = vec![
        indicator(
            "首页更新",
            "首页连续 2 周未更新的，单项否决",
            home,
            home_summary,
            Vec::new(),
        ),
        indicator(
            "空白和长期未更新栏目",
            "空白栏目达到 5 个的，单项否决；栏目半年以上未更新的，需关注",
            columns,
            format!(
                "共 {} 个栏目，空白 {} 个，半年以上未更新 {} 个。",
                facts.columns.len(),
                empty.len(),
                stale.len()
            ),
            column_items,
        ),
        indicator(
            "留言办理",
            "留言超过 3 个月未回复的，单项否决；超过 60 天的，需关注",
            messages,
            format!(
                "未办结留言 {} 件，其中需关注或已超期 {} 件。",
                facts.open_messages,
                judged.len()
            ),
            message_items,
        ),
        indicator(
            "政策解读时效",
            "政策解读应在政策文件公开后 3 个工作日内发布",
            interpretations,
            format!(
                "已发布政策解读 {} 条，晚于时限 {} 条。",
                facts.interpretations.len(),
                late.len()
            ),
            late,
        ),
        indicator(
            "链接和附件",
            "已发布信息中的站内链接和附件应能正常访问",
            dangling,
            format!(
                "检查了最近发布的 {} 条信息：无法访问的链接 {} 处，缺失的附件 {} 个。",
                facts.records_read,
                broken.len(),
                missing.len()
            ),
            broken.into_iter().chain(missing).collect(),
        ),
    ];
    indicators.sort_by_key(|(level, _)| std::cmp::Reverse(*level));
    let indicators: Vec<_> = indicators.into_iter().map(|(_, v)| v).collect();
    let vetoes = [home, columns, messages]
        .iter()
        .filter(|l| **l == Level::Veto)
        .count();
    desk.page(
        StatusCode::OK,
        "admin/monitor.html",
        context! { site_name => site.name, today => today.to_string(), indicators, vetoes },
    )
    .await
}
