//! `GET /api/v1/records` and `GET /api/v1/records/{索引号}`: the public catalogue as JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{NaiveDate, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::index_no::IndexNo;
use gongkai_store::records::{self, PublicFilter};
use gongkai_store::{attachments, orgs};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::WebError;
use crate::api::envelope::{ErrorBody, QueryRefusal};
use crate::api::params;
use crate::api::schemas::{ColumnSlug, RecordKindCode};
use crate::site::site_org;
use crate::state::AppState;
use crate::view::urls::record_url;

/// Query of the list endpoint: the public listing's filters and pagination (all optional).
/// A value out of range or outside its set answers 400 with its own code (see
/// [`params`](crate::api::params)).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApiListQuery {
    /// Column slug; the columns below it are included.
    #[param(value_type = Option<ColumnSlug>)]
    column: String,
    /// Organ code of the publishing organisation (an unknown one answers 404).
    #[param(value_type = Option<String>, pattern = r"^[A-Za-z0-9-]{2,32}$", example = "WQX004")]
    org: String,
    /// Theme code, e.g. `综合政务` or `综合政务\政务公开`.
    #[param(value_type = Option<String>, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$")]
    theme: String,
    /// Year of publication (Beijing time), four digits.
    #[param(value_type = Option<i32>, minimum = 1000, maximum = 9999, example = 2026)]
    year: String,
    /// Kind code, e.g. `policy`, `notice`.
    #[param(value_type = Option<RecordKindCode>)]
    kind: String,
    /// Page number, from 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100000, default = 1)]
    page: String,
    /// Records per page, 1–100.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100, default = 20)]
    per_page: String,
}

// Fields in the alphabetical order the API has always written them.
/// One page of public records.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordPage {
    /// The records on this page, newest first.
    items: Vec<Item>,
    /// This page's number.
    page: i64,
    /// Records per page.
    per_page: i64,
    /// Public records matching the filters.
    total: i64,
}

// Fields in the alphabetical order the API has always written them.
/// One line of the list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RecordItem)]
pub struct Item {
    doc_number: String,
    index_no: String,
    kind: String,
    organisation: String,
    /// Publication time, RFC 3339 in Beijing time.
    #[schema(format = DateTime)]
    published_at: String,
    theme: String,
    title: String,
    url: String,
    validity: String,
}

// Fields in the alphabetical order the API has always written them.
/// One public record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Record)]
pub struct RecordOut {
    attachments: Vec<AttachmentOut>,
    body_html: String,
    body_text: String,
    change_note: String,
    /// Column slugs.
    columns: Vec<String>,
    /// 公开方式, joined by 、.
    disclosure_method: String,
    doc_number: String,
    genre: String,
    index_no: Option<String>,
    /// Published interpretations of this record.
    interpretations: Vec<InterpretationOut>,
    keywords: String,
    kind: &'static str,
    organisation: String,
    organisation_code: String,
    /// Publication time, RFC 3339 in Beijing time.
    #[schema(format = DateTime)]
    published_at: Option<String>,
    revision: i64,
    source: String,
    status: &'static str,
    summary: String,
    /// 索引号 of the public record that replaces this one.
    superseded_by: Option<String>,
    /// 主题分类 code.
    theme: String,
    /// 主题分类 as shown, by current names.
    theme_name: String,
    title: String,
    url: Option<String>,
    validity: &'static str,
    #[schema(value_type = Option<String>, format = Date)]
    validity_changed_on: Option<NaiveDate>,
    withdrawn_reason: String,
    /// 成文日期.
    #[schema(value_type = Option<String>, format = Date)]
    written_on: Option<NaiveDate>,
}

/// An attachment of a record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Attachment)]
pub struct AttachmentOut {
    file_name: String,
    kind: String,
    sha256: String,
    size_bytes: i64,
    url: String,
}

/// A published interpretation of a record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Interpretation)]
pub struct InterpretationOut {
    /// 图文解读 / 文字解读 code.
    form: &'static str,
    index_no: Option<String>,
    title: String,
}

fn beijing_rfc3339(t: chrono::DateTime<Utc>) -> String {
    gongkai_domain::time::to_beijing(t).to_rfc3339()
}

/// Lists public records with filters and pagination.
#[utoipa::path(
    get, path = "/api/v1/records", operation_id = "list_records",
    tag = "政府信息公开", summary = "公开信息列表",
    params(ApiListQuery),
    responses(
        (status = 200, description = "一页公开信息", body = RecordPage),
        QueryRefusal,
        (status = 404, description = "not_found：发布机构不存在", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    request_site: crate::site::RequestSite,
    Query(q): Query<ApiListQuery>,
) -> Result<Json<RecordPage>, WebError> {
    let per_page = params::per_page(&q.per_page, 20)?;
    let page = params::page(&q.page)?;
    let year = params::year(&q.year)?;
    let kind = params::record_kind(&q.kind)?;
    let Some(site) = site_org(&state, &request_site).await? else {
        return Ok(Json(RecordPage {
            items: Vec::new(),
            page,
            per_page,
            total: 0,
        }));
    };
    let mut filter = PublicFilter {
        site_id: Some(site.id),
        year,
        kind: kind.map(|k| k.code().to_owned()),
        ..PublicFilter::default()
    };
    if !q.column.is_empty() {
        let col = gongkai_domain::catalogue::column(&q.column)
            .ok_or_else(|| WebError::BadRequest(ErrorCode::ColumnUnknown.into()))?;
        filter.columns = std::iter::once(col.slug.to_owned())
            .chain(gongkai_domain::catalogue::children(col.slug).map(|c| c.slug.to_owned()))
            .collect();
    }
    if !q.org.is_empty() {
        let code = gongkai_domain::org::OrgCode::parse(&q.org)?;
        let org = orgs::by_code(&state.store, &code).await?;
        if org.site_id != site.id {
            // Another site's organisation is unknown here, exactly as a code nobody has.
            return Err(gongkai_store::StoreError::NotFound {
                what: format!("机构“{code}”"),
            }
            .into());
        }
        filter.org_id = Some(org.id);
    }
    if !q.theme.is_empty() {
        filter.theme = Some(q.theme.clone());
    }
    let (items, total) =
        records::list_public(&state.store, &filter, Utc::now(), page, per_page).await?;
    let items: Vec<Item> = items
        .into_iter()
        .map(|s| Item {
            url: record_url(&s.index_no),
            published_at: beijing_rfc3339(s.published_at),
            index_no: s.index_no,
            title: s.title,
            doc_number: s.doc_number,
            organisation: s.org_name,
            kind: s.kind.code().to_owned(),
            validity: s.validity.code().to_owned(),
            theme: s.theme,
        })
        .collect();
    Ok(Json(RecordPage {
        items,
        page,
        per_page,
        total,
    }))
}

/// One public record with its metadata, body, attachments and interpretations.
#[utoipa::path(
    get, path = "/api/v1/records/{index_no}", operation_id = "get_record",
    tag = "政府信息公开", summary = "按索引号获取一条公开信息",
    params(("index_no" = String, Path, description = "索引号，如 WQX001-2018-000060 或 K45899617/2026-00221")),
    responses(
        (status = 200, description = "信息详情", body = RecordOut),
        (status = 400, description = "input.control_character：查询字符串含控制字符", body = ErrorBody),
        (status = 404, description = "api.record_not_found：不存在或未公开", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    request_site: crate::site::RequestSite,
    Path(raw): Path<String>,
) -> Result<Json<RecordOut>, WebError> {
    let not_found = || WebError::NotFound(ErrorCode::ApiRecordNotFound.into());
    let no = IndexNo::parse(&raw).map_err(|_| not_found())?;
    let r = records::by_index_no(&state.store, &no)
        .await
        .map_err(|_| not_found())?;
    let now = Utc::now();
    let site = site_org(&state, &request_site).await?;
    if !r.is_public(now) || site.map(|s| s.id) != Some(r.site_id) {
        return Err(not_found());
    }
    let attachments = attachments::list(&state.store, r.id)
        .await?
        .into_iter()
        .map(|a| AttachmentOut {
            url: crate::view::urls::attachment_url(a.id, &a.file_name),
            file_name: a.file_name,
            kind: a.kind,
            sha256: a.sha256,
            size_bytes: a.size_bytes,
        })
        .collect();
    let interpretations = records::interpretations(&state.store, r.id, now)
        .await?
        .into_iter()
        .map(|i| InterpretationOut {
            form: i.interpretation_form.map(|f| f.code()).unwrap_or_default(),
            index_no: i.index_no,
            title: i.title,
        })
        .collect();
    // Only a successor the public can open is named.
    let superseded_by = match r.superseded_by {
        Some(id) => records::get(&state.store, id)
            .await
            .ok()
            .filter(|s| s.is_public(now))
            .and_then(|s| s.index_no),
        None => None,
    };
    let themes = gongkai_store::themes::list(&state.store, r.site_id).await?;
    let theme_name = gongkai_domain::catalogue::theme_label(&themes, &r.theme);
    Ok(Json(RecordOut {
        attachments,
        body_html: r.body_html,
        body_text: r.body_text,
        change_note: r.change_note,
        columns: r.columns,
        disclosure_method: r.disclosure_method,
        doc_number: r.doc_number,
        genre: r.genre,
        interpretations,
        keywords: r.keywords,
        kind: r.kind.code(),
        organisation: r.org_name,
        organisation_code: r.org_code,
        published_at: r.published_at.map(beijing_rfc3339),
        revision: r.revision,
        source: r.source,
        status: r.status.code(),
        summary: r.summary,
        superseded_by,
        theme: r.theme,
        theme_name,
        title: r.title,
        url: r.index_no.as_deref().map(record_url),
        index_no: r.index_no,
        validity: r.validity.code(),
        validity_changed_on: r.validity_changed_on,
        withdrawn_reason: r.withdrawn_reason,
        written_on: r.written_on,
    }))
}
