//! The daily due-soon digest (`gongkai notify digest`): each handler gets the open
//! applications and messages of their organisations that are overdue or due soon. Sent
//! directly (not through the outbox): the command reports how many went out.

use chrono::{DateTime, Utc};
use gongkai_domain::application::{NEAR_DUE_WORKING_DAYS, days_left};
use gongkai_domain::role::Permission;
use gongkai_domain::time::beijing_date;
use gongkai_store::{Store, applications, calendar, messages, orgs, users};

use crate::JobsError;
use crate::mail::Mailer;

/// Sends each handler the open applications of their organisations that are overdue or due
/// within three working days, and the messages on the watch list, as of `now`. Returns the
/// number of messages sent (none without a mailer).
pub async fn due_soon_digest(
    store: &Store,
    mailer: Option<&Mailer>,
    now: DateTime<Utc>,
) -> Result<usize, JobsError> {
    let Some(mailer) = mailer else {
        return Ok(0);
    };
    let cal = calendar::load(store).await?;
    let regions = applications::site_regions(store).await?;
    let today = beijing_date(now);
    let staff = users::list(store).await?;
    let mut sent = 0;
    for member in staff.iter().filter(|s| !s.disabled && !s.email.is_empty()) {
        let mut ids = Vec::new();
        for o in orgs::list(store).await? {
            let chain = orgs::chain(store, o.id).await?;
            if member.grants.allows(Permission::HandleCases, &chain) {
                ids.push(o.id);
            }
        }
        let mut lines = Vec::new();
        for a in applications::list_for_orgs(store, &ids, false).await? {
            let region = regions.get(&a.site_id).and_then(Option::as_ref);
            // The same count as the queue's marks, regional holidays included.
            let Some(left) = days_left(&cal, today, a.due_on, region) else {
                continue;
            };
            let due = a.due_on.map(|d| d.to_string()).unwrap_or_default();
            if left <= NEAR_DUE_WORKING_DAYS {
                let mark = if left < 0 {
                    format!("已超期 {} 个工作日", -left)
                } else {
                    format!("剩余 {left} 个工作日")
                };
                lines.push(format!(
                    "{} {} 答复期限 {due}（{mark}）",
                    a.tracking_code, a.org_name
                ));
            }
        }
        for m in messages::list_for_orgs(store, &ids, false).await? {
            if let Some(w) =
                gongkai_domain::message::watch(m.status, m.received_on, m.due_on, today)
            {
                lines.push(format!(
                    "留言 {} {} 答复期限 {}（{}）",
                    m.tracking_code,
                    m.answering_org_name(),
                    m.due_on
                        .map_or_else(|| "未定".to_owned(), |d| d.to_string()),
                    w.label()
                ));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let body = format!(
            "{}，您好：\n\n以下依申请公开事项和留言即将到期或已超期，请及时办理：\n\n{}\n",
            member.display_name,
            lines.join("\n")
        );
        match mailer
            .send(
                &member.email,
                &format!("到期提醒（{} 件）", lines.len()),
                &body,
            )
            .await
        {
            Ok(()) => sent += 1,
            Err(e) => tracing::warn!(error = %e, user = %member.username, "digest not sent"),
        }
    }
    Ok(sent)
}
