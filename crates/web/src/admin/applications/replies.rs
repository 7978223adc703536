//! What an application's handler drafts and sends: the reply letter as text and PDF, and the
//! proposal to publish information asked for repeatedly (proactive disclosure).

use crate::admin::desk::Desk;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::application::Outcome;
use gongkai_domain::record::{RecordInput, RecordKind, RecordMeta};
use gongkai_domain::time::beijing_date;
use gongkai_store::applications::{self};
use gongkai_store::{Actor, records};

use super::load;
use crate::WebError;
use crate::letters;

/// `GET /admin/applications/{id}/reply-draft?outcome=…`: the prefilled reply letter for an
/// outcome, as plain text for the reply form.
pub async fn reply_draft(
    Desk { state, staff, .. }: Desk,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id).await?;
    let outcome = Outcome::parse(q.get("outcome").map(String::as_str).unwrap_or("1"))
        .map_err(|_| WebError::BadRequest(ErrorCode::ApplicationOutcomeUnknown.into()))?;
    let body = letters::reply_draft(&state, &app, outcome, beijing_date(Utc::now())).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

/// `GET /admin/applications/{id}/letters/{letter}.pdf`.
pub async fn letter_pdf(
    Desk { state, staff, .. }: Desk,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id).await?;
    let lid: i64 = file
        .trim_end_matches(".pdf")
        .parse()
        .map_err(|_| WebError::NotFound(ErrorCode::LetterNotFound.into()))?;
    let letter = applications::letters(&state.store, id)
        .await?
        .into_iter()
        .find(|l| l.id == lid)
        .ok_or_else(|| WebError::NotFound(ErrorCode::LetterNotFound.into()))?;
    letters::pdf_response(&state, &app, &letter).await
}

/// `POST /admin/applications/{id}/proactive`: proposes publishing the requested information
/// proactively (第四十四条): a draft record linked to this and the similar applications.
pub async fn propose_proactive(
    Desk { state, staff, ip, .. }: Desk,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let app = load(&state, &staff, id).await?;
    let similar = applications::similar(&state.store, &app).await?;
    let today = beijing_date(Utc::now());
    let title = format!(
        "依申请公开转主动公开：{}",
        app.description.chars().take(60).collect::<String>()
    );
    let meta = RecordMeta::parse(
        &RecordInput {
            title: &title,
            kind: RecordKind::Other.code(),
            ..RecordInput::default()
        },
        today,
    )
    .map_err(|e| {
        let message = e
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("；");
        let code = e.first().map_or(
            ErrorCode::RecordTitleRequired,
            gongkai_domain::DomainError::error_code,
        );
        WebError::BadRequest(gongkai_domain::Refusal { code, message })
    })?;
    let body_text = format!(
        "本信息因多名申请人申请公开（{} 件），拟依据《中华人民共和国政府信息公开条例》第四十四条转为主动公开。\n\n申请内容：{}",
        similar.len() + 1,
        app.description
    );
    let content = records::Content {
        meta,
        body_html: gongkai_content::text_to_html(&body_text),
        body_text,
        columns: vec!["qtfd".into()],
        interprets_id: None,
        interpretation_form: None,
    };
    let actor = Actor::user(&staff.username, &ip);
    let record =
        records::create_draft(&state.store, &actor, staff.id, app.org_id, &content).await?;
    let mut ids = vec![app.id];
    ids.extend(similar.iter().map(|(a, _)| a.id));
    applications::link_proactive(&state.store, &actor, &ids, record.id).await?;
    Ok(Redirect::to(&format!("/admin/records/{}", record.id)).into_response())
}
