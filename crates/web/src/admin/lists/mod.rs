//! `/admin/lists`: the typed public lists (权力清单, 办事指南, 执法公示, 公示 of beneficiaries …)
//! in the back office: every list of the site with its rows by state, a list's rows (filtered,
//! paged, 办事指南 rows missing statutory elements flagged), a row with its history and workflow
//! steps, the row form, list types an administrator defines, and the Excel round trip.
//!
//! Who may do what is the records' rule: `DraftRecords` to see and write rows, `ReviewRecords`
//! to return, approve and withdraw them, both within the organisations of `Desk::scope` in the
//! member of staff's own site; the store judges every step again in its transaction.

pub mod excel;
pub mod form;
pub mod types;
pub mod workflow;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_domain::role::Permission;
use gongkai_domain::time::{display_minute, parse_storage_timestamp};
use gongkai_domain::typed_list::{self, RowStatus, Schema, builtin};
use gongkai_store::orgs::Organisation;
use gongkai_store::typed_lists::{self, ListRow, RowFilter};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::forms::{RefusalStatus, respond_step};
use crate::templates::ser;
use crate::view::code_labels;

/// Rows one page of a list shows.
pub const ROWS_PER_PAGE: i64 = 50;

/// Rows of a 办事指南 read to count those missing statutory elements on the overview (the
/// import's bound; past it the count says "at least").
const MISSING_SCAN_ROWS: i64 = 10_000;

/// Where a member of staff works on lists: their site and the organisations of it where they
/// draft or review.
pub(crate) struct ListScope {
    /// The staff member's own site.
    pub site_id: i64,
    /// Organisations of the site where they draft (see and write rows).
    pub draft: Vec<Organisation>,
    /// Organisations of the site where they review.
    pub review: Vec<Organisation>,
}

impl ListScope {
    /// The scope of the desk's member of staff; 403 when they neither draft nor review there.
    pub async fn of(desk: &Desk) -> Result<Self, WebError> {
        let site = desk.home_site().await?;
        let in_site = |v: Vec<Organisation>| -> Vec<Organisation> {
            v.into_iter().filter(|o| o.site_id == site.id).collect()
        };
        let draft = in_site(desk.scope(Permission::DraftRecords).await?);
        let review = in_site(desk.scope(Permission::ReviewRecords).await?);
        if draft.is_empty() && review.is_empty() {
            return Err(WebError::Forbidden(Permission::DraftRecords.label()));
        }
        Ok(Self {
            site_id: site.id,
            draft,
            review,
        })
    }

    /// The scope of a member of staff who drafts somewhere in their site (403 otherwise): who
    /// may write rows, import and open the row form.
    pub async fn drafting(desk: &Desk) -> Result<Self, WebError> {
        let scope = Self::of(desk).await?;
        if scope.draft.is_empty() {
            return Err(WebError::Forbidden(Permission::DraftRecords.label()));
        }
        Ok(scope)
    }

    /// Every organisation of the scope, by id.
    pub fn ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .draft
            .iter()
            .chain(&self.review)
            .map(|o| o.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Organisations where they draft, by id.
    pub fn draft_ids(&self) -> Vec<i64> {
        self.draft.iter().map(|o| o.id).collect()
    }

    /// Whether they may draft rows of `org_id`.
    pub fn drafts_in(&self, org_id: i64) -> bool {
        self.draft.iter().any(|o| o.id == org_id)
    }

    /// Whether they may review rows of `org_id`.
    pub fn reviews_in(&self, org_id: i64) -> bool {
        self.review.iter().any(|o| o.id == org_id)
    }
}

/// A list's schema for the desk's site, or 404 (an unknown code).
pub(crate) async fn schema_of(desk: &Desk, site_id: i64, code: &str) -> Result<Schema, WebError> {
    Ok(typed_lists::schema(&desk.state.store, site_id, code).await?)
}

/// The statutory elements a row lacks, by heading (empty for lists without such elements).
pub(crate) fn missing_labels(schema: &Schema, row: &ListRow) -> Vec<String> {
    schema
        .missing_elements(&row.cells)
        .into_iter()
        .map(|f| f.label.clone())
        .collect()
}

/// A stored instant as Beijing minutes, for pages.
pub(crate) fn shown(at: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    at.map(display_minute)
}

/// `GET /admin/lists`: every list of the site (built-in and defined) with its rows by state in
/// the member of staff's organisations, and for 办事指南 how many rows miss statutory elements.
pub async fn index(desk: Desk) -> Result<Response, WebError> {
    let scope = ListScope::of(&desk).await?;
    let store = &desk.state.store;
    let ids = scope.ids();
    let types = typed_lists::types(store, scope.site_id).await?;
    let counts = typed_lists::status_counts(store, scope.site_id, &ids).await?;
    let mut lines = Vec::with_capacity(types.len());
    for t in &types {
        let count = |status: RowStatus| {
            counts
                .iter()
                .filter(|c| c.type_code == t.schema.code && c.status == status)
                .map(|c| c.rows)
                .sum::<i64>()
        };
        let by_status: Vec<Value> = RowStatus::ALL
            .iter()
            .map(|s| context! { label => s.label(), rows => count(*s) })
            .collect();
        let missing = if t.schema.publication_elements.is_empty() {
            None
        } else {
            Some(missing_count(&desk, scope.site_id, &t.schema, &ids).await?)
        };
        lines.push(context! {
            code => t.schema.code.clone(), name => t.schema.name.clone(), builtin => t.builtin,
            fields => t.schema.fields.len(), gongshi_days => t.schema.gongshi_days,
            by_status => by_status, missing => missing,
        });
    }
    let can_define = desk
        .staff
        .grants
        .allows(Permission::ManageSite, &[scope.site_id]);
    desk.page(
        StatusCode::OK,
        "admin/lists.html",
        context! { lists => lines, statuses => ser(&code_labels!(RowStatus::ALL)), can_define },
    )
    .await
}

/// How many rows of a list with publication elements lack one, in `org_ids`.
async fn missing_count(
    desk: &Desk,
    site_id: i64,
    schema: &Schema,
    org_ids: &[i64],
) -> Result<i64, WebError> {
    let filter = RowFilter {
        site_id,
        type_code: schema.code.clone(),
        org_ids: Some(org_ids.to_vec()),
        ..RowFilter::default()
    };
    let per_page = typed_lists::MAX_PAGE_ROWS;
    let mut missing = 0;
    for page in 1..=(MISSING_SCAN_ROWS / per_page) {
        let (rows, total) = typed_lists::list(&desk.state.store, &filter, page, per_page).await?;
        missing += rows
            .iter()
            .filter(|r| !schema.missing_elements(&r.cells).is_empty())
            .count() as i64;
        if rows.is_empty() || page * per_page >= total {
            break;
        }
    }
    Ok(missing)
}

/// Query of a list's rows page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RowsQuery {
    status: String,
    org: String,
    q: String,
    page: String,
}

/// `GET /admin/lists/{type}?status=&org=&q=&page=`: the rows of a list in the member of staff's
/// organisations, newest first, each with its state, validity, 公示 end and for 办事指南 the
/// statutory elements it lacks.
pub async fn rows(
    desk: Desk,
    Path(code): Path<String>,
    Query(q): Query<RowsQuery>,
) -> Result<Response, WebError> {
    let scope = ListScope::of(&desk).await?;
    let schema = schema_of(&desk, scope.site_id, &code).await?;
    let status = RowStatus::parse(&q.status).ok();
    let org = scope
        .draft
        .iter()
        .chain(&scope.review)
        .find(|o| o.code.eq_ignore_ascii_case(q.org.trim()));
    let org_ids = match org {
        Some(o) => vec![o.id],
        None => scope.ids(),
    };
    let page = q.page.parse::<i64>().unwrap_or(1).clamp(1, 10_000);
    let filter = RowFilter {
        site_id: scope.site_id,
        type_code: schema.code.clone(),
        status,
        org_ids: Some(org_ids),
        query: Some(q.q.chars().take(100).collect()),
        ..RowFilter::default()
    };
    let (rows, total) = typed_lists::list(&desk.state.store, &filter, page, ROWS_PER_PAGE).await?;
    let lines: Vec<Value> = rows
        .iter()
        .map(|r| {
            context! {
                id => r.id, title => r.title.clone(), org_name => r.org_name.clone(),
                status => r.status.label(), validity => r.validity.label(),
                gongshi_until => shown(r.gongshi_until),
                updated => shown(Some(r.updated_at)),
                missing => missing_labels(&schema, r),
            }
        })
        .collect();
    let pages = (total + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE;
    let mut orgs: Vec<&Organisation> = scope.draft.iter().chain(&scope.review).collect();
    orgs.sort_by_key(|o| o.id);
    orgs.dedup_by_key(|o| o.id);
    let orgs: Vec<Value> = orgs
        .iter()
        .map(|o| context! { code => o.code.clone(), name => o.name.clone() })
        .collect();
    let query = |p: i64| {
        format!(
            "?status={}&org={}&q={}&page={p}",
            crate::view::urls::urlencode(&q.status),
            crate::view::urls::urlencode(&q.org),
            crate::view::urls::urlencode(&q.q),
        )
    };
    desk.page(
        StatusCode::OK,
        "admin/list_rows.html",
        context! {
            list => context! { code => schema.code, name => schema.name, gongshi_days => schema.gongshi_days,
                               elements => !schema.publication_elements.is_empty() },
            rows => lines, total, page, pages,
            prev => (page > 1).then(|| query(page - 1)),
            next => (page < pages).then(|| query(page + 1)),
            statuses => ser(&code_labels!(RowStatus::ALL)),
            orgs => orgs,
            filter => context! { status => status.map(|s| s.code()), org => org.map(|o| o.code.clone()), q => q.q },
            can_draft => !scope.draft.is_empty(),
        },
    )
    .await
}

/// A row a handler acts on: the desk, the member of staff's scope, the row (of the list the
/// address names, in their site) and its schema, checked for what the step needs.
pub(crate) struct OnRow {
    /// The request's desk.
    pub desk: Desk,
    /// The member of staff's scope.
    pub scope: ListScope,
    /// The row.
    pub row: ListRow,
    /// Its list's schema.
    pub schema: Schema,
}

impl OnRow {
    /// The row, if it is of list `code` in the staff member's site (404 otherwise) and of one of
    /// the organisations where they draft or review (403 otherwise).
    pub async fn visible(desk: Desk, code: &str, id: i64) -> Result<Self, WebError> {
        let scope = ListScope::of(&desk).await?;
        let row = typed_lists::get(&desk.state.store, scope.site_id, id).await?;
        if row.type_code != code {
            return Err(gongkai_store::StoreError::NotFound {
                what: "该清单条目".into(),
            }
            .into());
        }
        if !scope.ids().contains(&row.org_id) {
            return Err(WebError::Forbidden("查看该清单条目"));
        }
        let schema = schema_of(&desk, scope.site_id, code).await?;
        Ok(Self { desk, scope, row, schema })
    }

    /// The row, if the staff member holds `permission` in its organisation (403 otherwise).
    pub async fn open(
        desk: Desk,
        code: &str,
        id: i64,
        permission: Permission,
    ) -> Result<Self, WebError> {
        let on = Self::visible(desk, code, id).await?;
        let allowed = match permission {
            Permission::ReviewRecords => on.scope.reviews_in(on.row.org_id),
            _ => on.scope.drafts_in(on.row.org_id),
        };
        if !allowed {
            return Err(WebError::Forbidden(permission.label()));
        }
        Ok(on)
    }

    /// The row's address.
    pub fn url(&self) -> String {
        format!("/admin/lists/{}/{}", self.schema.code, self.row.id)
    }

    /// Answers a step: back to the row when it succeeded, else the row page with the reason
    /// (409) and what the reviewer typed.
    pub async fn after(
        &self,
        result: Result<(), gongkai_store::StoreError>,
        note: &str,
    ) -> Result<Response, WebError> {
        respond_step(
            result,
            RefusalStatus::STEP,
            |()| self.url(),
            async |no| self.show(no.status, Some(no.message), note).await,
        )
        .await
    }

    /// The row page: its cells, state, validity, 公示 end, missing statutory elements, what
    /// screening finds in its public cells, its history and the steps the viewer may take.
    pub async fn show(
        &self,
        status: StatusCode,
        error: Option<String>,
        note: &str,
    ) -> Result<Response, WebError> {
        let Self { desk, scope, row, schema } = self;
        let store = &desk.state.store;
        let negatives = gongkai_store::screening::negative_terms(store, scope.site_id).await?;
        let findings = schema.screen(&row.cells, &negatives);
        let cells: Vec<Value> = schema
            .fields
            .iter()
            .map(|f| {
                let value = row
                    .cells
                    .get(&f.key)
                    .map(|v| typed_list::display(f, v))
                    .unwrap_or_default();
                let masked = (f.masking != typed_list::Masking::None && !value.is_empty())
                    .then(|| typed_list::mask(f.masking, &value));
                let attachment = (f.kind == typed_list::FieldKind::Attachment && !value.is_empty())
                    .then(|| format!("/admin/lists/{}/{}/files/{}", schema.code, row.id, f.key));
                context! {
                    label => f.label.clone(), value => value, public => f.public, masked => masked,
                    attachment => attachment,
                    long => f.kind == typed_list::FieldKind::RichText,
                }
            })
            .collect();
        let history: Vec<Value> =
            gongkai_store::audit::recent(store, 50, Some(("list_row", &row.id.to_string())))
                .await?
                .into_iter()
                .map(|e| {
                    let reason = serde_json::from_str::<serde_json::Value>(&e.detail)
                        .ok()
                        .and_then(|d| d["reason"].as_str().map(str::to_owned))
                        .filter(|r| !r.is_empty());
                    context! {
                        at => parse_storage_timestamp(&e.at).map(display_minute),
                        actor => e.actor, action => gongkai_domain::audit::action_label(&e.action),
                        reason => reason,
                    }
                })
                .collect();
        let is_author = row.author_id == Some(desk.staff.id);
        let can_draft = scope.drafts_in(row.org_id);
        let can_review = scope.reviews_in(row.org_id);
        let editable = match row.status {
            RowStatus::Draft => is_author,
            RowStatus::Published | RowStatus::Withdrawn => true,
            RowStatus::Pending => false,
        };
        desk.page(
            status,
            "admin/list_row.html",
            context! {
                list => context! { code => schema.code.clone(), name => schema.name.clone() },
                row => context! {
                    id => row.id, title => row.title.clone(), org_name => row.org_name.clone(),
                    status => row.status.label(), validity => row.validity.label(),
                    published_at => shown(row.published_at), gongshi_until => shown(row.gongshi_until),
                    gongshi_ended => row.gongshi_ended, return_reason => row.return_reason.clone(),
                    screening_note => row.screening_note.clone(), version => row.version,
                    updated => shown(Some(row.updated_at)),
                },
                cells => cells,
                missing => missing_labels(schema, row),
                findings => ser(&findings), history => history, error => error, note => note,
                can_edit => can_draft && editable,
                can_submit => can_draft && is_author && row.status == RowStatus::Draft,
                can_review => can_review && !is_author && row.status == RowStatus::Pending,
                author_waiting => is_author && row.status == RowStatus::Pending,
                can_withdraw => can_review && row.status == RowStatus::Published,
                public_now => row.is_public(chrono::Utc::now()),
                enforcement => schema.code == builtin::ENFORCEMENT,
            },
        )
        .await
    }
}

/// `GET /admin/lists/{type}/{id}`: one row with its history and the steps the viewer may take.
pub async fn show(desk: Desk, Path((code, id)): Path<(String, i64)>) -> Result<Response, WebError> {
    let on = OnRow::visible(desk, &code, id).await?;
    on.show(StatusCode::OK, None, "").await
}

/// `GET /admin/lists/{type}/{id}/files/{key}`: the file an attachment cell of a row names, for
/// staff who may see the row (never cached).
pub async fn file(
    desk: Desk,
    Path((code, id, key)): Path<(String, i64, String)>,
) -> Result<Response, WebError> {
    let on = OnRow::visible(desk, &code, id).await?;
    let field = on
        .schema
        .field(&key)
        .filter(|f| f.kind == typed_list::FieldKind::Attachment);
    let (Some(field), Some(sha)) = (field, on.row.cells.get(&key)) else {
        return Err(gongkai_store::StoreError::NotFound { what: "该附件".into() }.into());
    };
    crate::download::send_blob(&on.desk.state, sha, "", &field.label).await
}
