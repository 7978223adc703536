//! Public-opinion events (舆情) in the states the dashboard's clocks show.

use chrono::{Duration, Utc};
use gongkai_domain::opinion::{ResponseKind, Severity};
use gongkai_store::Store;
use gongkai_store::opinions::{self, NewEvent, NewResponse};

use super::{org, user};
use crate::CliError;

/// One demo event: title, source, summary, first seen (hours ago), severity, and the response
/// made (kind, hours ago, note), if any.
type Event = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Severity,
    Option<(ResponseKind, i64, &'static str)>,
);

/// The events, in the order they are registered; the last one is closed.
const EVENTS: [Event; 4] = [
    (
        "城区部分小区供暖温度不达标",
        "本地网络论坛",
        "多名网民反映城区部分小区室温低于 18 摄氏度。",
        10,
        Severity::Major,
        Some((
            ResponseKind::Statement,
            7,
            "县住建局发布供暖情况通报，说明原因和整改时限。",
        )),
    ),
    (
        "网传农贸市场销售过期食品",
        "短视频平台",
        "一段视频称某农贸市场销售过期食品，转发量较大。",
        7,
        Severity::Major,
        None,
    ),
    (
        "县城公交线路调整引发讨论",
        "政务微博留言",
        "群众对 3 路公交线路调整有不同意见。",
        40,
        Severity::General,
        None,
    ),
    (
        "国道临时封闭通行信息不清",
        "新闻客户端",
        "网民反映国道临时封闭的绕行信息发布不及时。",
        120,
        Severity::Large,
        Some((
            ResponseKind::Other,
            100,
            "县交通运输局通过政务新媒体发布绕行路线。",
        )),
    ),
];

/// A few public-opinion events (the county government office responsible): one 重大 with its
/// 5-hour clock met and the press conference still to come, one overdue, one due soon, one
/// closed with its evaluation.
pub async fn load(store: &Store) -> Result<usize, CliError> {
    let office = user("demo-supervisor");
    let now = Utc::now();
    // The county government office answers for these in the demo, so that the demo
    // supervisor (granted there) sees them; grants reach down the tree, not across.
    let office_org = org(store, "WQX002").await?;
    let mut last = None;
    for (title, source, summary, hours_ago, severity, response) in EVENTS {
        let event = NewEvent {
            org_id: office_org.id,
            title: title.into(),
            source: source.into(),
            summary: summary.into(),
            first_seen: now - Duration::hours(hours_ago),
            severity,
        };
        let id = opinions::register(store, &office, &event, now).await?;
        if let Some((kind, hours_ago, note)) = response {
            let response = NewResponse {
                kind,
                at: now - Duration::hours(hours_ago),
                note: note.into(),
                record_id: None,
            };
            opinions::respond(store, &office, id, &response, now).await?;
        }
        last = Some(id);
    }
    if let Some(closed) = last {
        opinions::close(
            store,
            &office,
            closed,
            "20 小时内回应，绕行信息发布后相关讨论明显减少；今后封闭前提前发布通告。",
        )
        .await?;
    }
    Ok(EVENTS.len())
}
