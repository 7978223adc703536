//! `/admin/outbox`: the openness office (`Permission::Supervise`) sees the mail of its sites
//! that has not gone out — failed mail first, with the last error, then mail waiting for its
//! next attempt — and may send a failed mail again (重新发送, audited). Mail itself is sent by
//! the background sender (`gongkai_jobs::outbox`).

use crate::admin::desk::Desk;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::outbox::MailStatus;
use gongkai_domain::role::Permission;
use gongkai_domain::time::{display_minute, parse_storage_timestamp};
use gongkai_store::{Actor, outbox};
use minijinja::context;

use crate::WebError;
use crate::auth::scope_ids;

/// `GET /admin/outbox`: failed and waiting mail of the sites in the staff member's scope.
pub async fn list(Desk { state, ctx, staff, .. }: Desk) -> Result<Response, WebError> {
    let sites = scope_ids(&state, &staff, Permission::Supervise).await?;
    let mails: Vec<_> = outbox::unsent(&state.store, &sites)
        .await?
        .into_iter()
        .map(|m| {
            context! {
                id => m.id, topic => m.topic, recipient => m.recipient, subject => m.subject,
                status => m.status.label(), failed => m.status == MailStatus::Failed,
                attempts => m.attempts, next_attempt => parse_storage_timestamp(&m.next_attempt_at).map(display_minute),
                last_error => m.last_error,
            }
        })
        .collect();
    state
        .page(
            &ctx,
            "admin/outbox.html",
            context! { mails => mails, configured => state.mailer.is_some() },
        )
        .await
}

/// `POST /admin/outbox/{id}/resend`: puts a failed mail back in line.
pub async fn resend(
    Desk { state, staff, ip, .. }: Desk,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let sites = scope_ids(&state, &staff, Permission::Supervise).await?;
    outbox::resend(&state.store, &Actor::user(&staff.username, &ip), id, &sites).await?;
    Ok(Redirect::to("/admin/outbox").into_response())
}
