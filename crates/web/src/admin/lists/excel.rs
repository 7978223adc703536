//! A list as an Excel workbook and back: `/admin/lists/{type}/export.xlsx` (the rows of the
//! member of staff's organisations) and `/admin/lists/{type}/import`. An upload is at most
//! [`MAX_XLSX_BYTES`] (refused before more is read) and its ZIP container is checked before the
//! workbook is read (`service::lists::check_upload`). While any row has a problem nothing is
//! stored and the page lists every problem by sheet, row and column; the file is then kept as a
//! blob and named in a hidden field by a ticket — its SHA-256, an expiry and an HMAC over both
//! and the member of staff's id ([`ticket`]) — so "只导入无误的行" imports the good rows of the
//! same file on an explicit second submit by the same person within the hour, and no other
//! stored blob can be named.

use axum::extract::{FromRequest, Multipart, Path, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use gongkai_domain::ErrorCode;
use gongkai_domain::audit::AuditKey;
use gongkai_export::Problem;
use gongkai_service::ServiceError;
use gongkai_service::lists::{self, ImportFor, ImportOutcome, MAX_XLSX_BYTES};
use gongkai_store::StoreError;
use minijinja::{Value, context};

use super::{ListScope, schema_of};
use crate::WebError;
use crate::admin::desk::Desk;

/// What the multipart form may carry beside the file (its fields and boundaries).
const FORM_OVERHEAD: usize = 64 * 1024;

/// `GET /admin/lists/{type}/export.xlsx`: the rows of the member of staff's organisations as
/// a workbook under the list's headings, with 编号 (never cached).
pub async fn export(desk: Desk, Path(code): Path<String>) -> Result<Response, WebError> {
    let scope = ListScope::of(&desk).await?;
    let schema = schema_of(&desk, scope.site_id, &code).await?;
    let bytes = lists::export(&desk.state.store, scope.site_id, &code, Some(scope.ids())).await?;
    Ok(crate::download::private_file(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{}.xlsx", schema.name),
        bytes,
    ))
}

/// The import page: the upload form, and the outcome of the last upload.
#[derive(Default)]
struct Outcome {
    error: Option<String>,
    problems: Vec<Problem>,
    more: usize,
    good: usize,
    sha: Option<String>,
    added: Option<usize>,
    changed: usize,
    unchanged: usize,
}

async fn render(
    desk: &Desk,
    code: &str,
    name: &str,
    outcome: Outcome,
    status: StatusCode,
) -> Result<Response, WebError> {
    let problems: Vec<Value> = outcome
        .problems
        .iter()
        .map(|p| context! { sheet => p.sheet.clone(), row => p.row, column => p.column.clone(), message => p.message.clone() })
        .collect();
    desk.page(
        status,
        "admin/list_import.html",
        context! {
            list => context! { code => code, name => name },
            error => outcome.error, problems => problems, more => outcome.more,
            good => outcome.good, sha => outcome.sha, added => outcome.added,
            changed => outcome.changed, unchanged => outcome.unchanged, max_mb => MAX_XLSX_BYTES / 1024 / 1024,
        },
    )
    .await
}

/// `GET /admin/lists/{type}/import`: the upload form.
pub async fn import_form(desk: Desk, Path(code): Path<String>) -> Result<Response, WebError> {
    let scope = ListScope::drafting(&desk).await?;
    let schema = schema_of(&desk, scope.site_id, &code).await?;
    render(
        &desk,
        &schema.code,
        &schema.name,
        Outcome::default(),
        StatusCode::OK,
    )
    .await
}

/// The refusal of a file over the limit, in Chinese.
fn too_large() -> String {
    lists::too_large().to_string()
}

/// The upload as posted: the file (`None` past the limit), the kept file's ticket and whether
/// the good rows were chosen.
struct Posted {
    file: Option<Vec<u8>>,
    too_large: bool,
    sha: String,
    good_rows_only: bool,
}

async fn read(desk: &Desk, request: Request) -> Result<Posted, WebError> {
    let incomplete = |_| WebError::BadRequest(ErrorCode::UploadIncomplete.into());
    let mut form = Multipart::from_request(request, &desk.state)
        .await
        .map_err(|_| WebError::BadRequest(ErrorCode::FormMalformed.into()))?;
    let mut posted = Posted {
        file: None,
        too_large: false,
        sha: String::new(),
        good_rows_only: false,
    };
    let mut fields = 0usize;
    while let Some(mut part) = form.next_field().await.map_err(incomplete)? {
        fields += 1;
        if fields > 8 {
            return Err(WebError::BadRequest(ErrorCode::FormTooManyFields.into()));
        }
        match part.name().unwrap_or_default() {
            "file" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = part.chunk().await.map_err(incomplete)? {
                    if bytes.len() + chunk.len() > MAX_XLSX_BYTES {
                        posted.too_large = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if !posted.too_large && !bytes.is_empty() {
                    posted.file = Some(bytes);
                }
                if posted.too_large {
                    // Nothing more of the body is read.
                    return Ok(posted);
                }
            }
            "sha" => posted.sha = bounded_text(&mut part).await?,
            "good_rows_only" => posted.good_rows_only = !bounded_text(&mut part).await?.is_empty(),
            _ => {}
        }
    }
    Ok(posted)
}

/// A short text part (at most 256 bytes are kept).
async fn bounded_text(part: &mut axum::extract::multipart::Field<'_>) -> Result<String, WebError> {
    let incomplete = |_| WebError::BadRequest(ErrorCode::UploadIncomplete.into());
    let mut buf = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(incomplete)? {
        if buf.len() + chunk.len() > 256 {
            return Err(WebError::BadRequest(ErrorCode::FormMalformed.into()));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&buf).trim().to_owned())
}

/// `POST /admin/lists/{type}/import?csrf_token=…` (multipart): reads the workbook and stores
/// its rows as drafts, or lists every problem and stores nothing; with `good_rows_only` (the
/// second submit, naming the kept file by `sha`) the good rows are stored and the rest listed.
pub async fn import(
    desk: Desk,
    Path(code): Path<String>,
    request: Request,
) -> Result<Response, WebError> {
    let scope = ListScope::drafting(&desk).await?;
    let schema = schema_of(&desk, scope.site_id, &code).await?;
    let (code, name) = (schema.code.as_str(), schema.name.as_str());
    let refuse = |message: String| Outcome {
        error: Some(message),
        ..Outcome::default()
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_XLSX_BYTES + FORM_OVERHEAD) {
        return render(
            &desk,
            code,
            name,
            refuse(too_large()),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    }
    let posted = read(&desk, request).await?;
    if posted.too_large {
        return render(
            &desk,
            code,
            name,
            refuse(too_large()),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    }
    let state = &desk.state;
    let bytes = match posted.file {
        Some(bytes) => bytes,
        None if !posted.sha.is_empty() => {
            let msg = ErrorCode::ListImportExpired.message();
            let Some(sha) = redeem(&desk, &posted.sha, chrono::Utc::now().timestamp()) else {
                return render(&desk, code, name, refuse(msg), StatusCode::BAD_REQUEST).await;
            };
            let store = &state.store;
            match gongkai_store::blobs::open(store, &state.config.data_dir, &sha).await {
                // The size is known before any of it is read.
                Ok(blob) if blob.size > MAX_XLSX_BYTES as u64 => {
                    return render(
                        &desk,
                        code,
                        name,
                        refuse(too_large()),
                        StatusCode::PAYLOAD_TOO_LARGE,
                    )
                    .await;
                }
                Ok(blob) => blob.read_all().await?,
                Err(StoreError::NotFound { .. }) => {
                    return render(&desk, code, name, refuse(msg), StatusCode::BAD_REQUEST).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        None => {
            let msg = ErrorCode::ListImportEmpty.message();
            return render(&desk, code, name, refuse(msg), StatusCode::BAD_REQUEST).await;
        }
    };
    let ids = scope.draft_ids();
    let actor = desk.actor();
    let to = ImportFor {
        actor: &actor,
        author_id: desk.staff.id,
        site_id: scope.site_id,
        code,
        default_org: desk.staff.org_id,
        scope: Some(&ids),
    };
    let outcome = match lists::import(&state.store, to, &bytes, posted.good_rows_only).await {
        Ok(ImportOutcome::Refused { problems, more, good }) => {
            // Kept (content-addressed, no row stored) so the good rows can be chosen without
            // sending the file again.
            let sha =
                gongkai_store::blobs::put(&state.store, &state.config.data_dir, &bytes).await?;
            let outcome = Outcome {
                error: Some(format!(
                    "文件中有 {} 处问题，未导入任何条目。请更正后重新导入，或只导入无误的 {good} 行。",
                    problems.len() + more
                )),
                problems,
                more,
                good,
                sha: Some(ticket(&desk, &sha, chrono::Utc::now().timestamp())),
                ..Outcome::default()
            };
            return render(&desk, code, name, outcome, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Ok(ImportOutcome::Imported { counts, left_out }) => Outcome {
            problems: left_out,
            added: Some(counts.added),
            changed: counts.changed,
            unchanged: counts.unchanged,
            ..Outcome::default()
        },
        Err(ServiceError::Refused(r)) => {
            return render(
                &desk,
                code,
                name,
                refuse(r.message),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        Err(ServiceError::Store(StoreError::Conflict(r))) => {
            return render(&desk, code, name, refuse(r.message), StatusCode::CONFLICT).await;
        }
        Err(ServiceError::Store(StoreError::Domain(e))) => {
            return render(
                &desk,
                code,
                name,
                refuse(e.to_string()),
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    render(&desk, code, name, outcome, StatusCode::OK).await
}

/// How long a kept file may be chosen for "只导入无误的行" (seconds).
const TICKET_SECS: i64 = 3600;

/// The key tickets are sealed under: derived from the store's audit key when it has one, else
/// a random key of this process (a ticket then holds only on the node that wrote it).
fn ticket_key(desk: &Desk) -> AuditKey {
    static FALLBACK: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    let secret = match desk.state.store.audit_key() {
        Some(key) => key.derive("list-import-ticket"),
        None => *FALLBACK.get_or_init(rand::random),
    };
    AuditKey::new(secret, 0)
}

/// The ticket naming the kept file `sha` for this member of staff until an hour from `now`:
/// `sha.until.mac`, the MAC over the three.
fn ticket(desk: &Desk, sha: &str, now: i64) -> String {
    let until = now + TICKET_SECS;
    let mac = ticket_key(desk).seal(&format!("{sha}.{until}.{}", desk.staff.id));
    format!("{sha}.{until}.{mac}")
}

/// The SHA-256 a ticket names, when it was written for this member of staff and has not
/// expired at `now`.
fn redeem(desk: &Desk, text: &str, now: i64) -> Option<String> {
    let mut parts = text.splitn(3, '.');
    let (sha, until, mac) = (parts.next()?, parts.next()?, parts.next()?);
    let until_at: i64 = until.parse().ok()?;
    if !is_sha(sha) || until_at < now || until_at > now + TICKET_SECS {
        return None;
    }
    let expected = ticket_key(desk).seal(&format!("{sha}.{until}.{}", desk.staff.id));
    crate::csrf::constant_time_eq(&expected, mac).then(|| sha.to_ascii_lowercase())
}

fn is_sha(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}
