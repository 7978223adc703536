//! Defining a list type without code (`/admin/lists/types/new`, the site's administrator): its
//! code, name, optional 公示期 and its fields typed in row by row — a form without JavaScript
//! that shows more empty field rows on 增加字段行. The schema is checked by the domain
//! (`Schema::check`, every refusal naming the field) and stored, audited, by
//! `store::typed_lists::define`.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::role::Permission;
use gongkai_domain::typed_list::{Field, FieldKind, MAX_FIELDS, Masking, Schema};
use gongkai_store::typed_lists;
use minijinja::context;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::admin::forms::{field, parse_pairs};
use crate::templates::ser;
use crate::view::code_labels;

/// Empty field rows the form starts with, and how many more 增加字段行 adds.
const ROWS_STEP: usize = 5;

/// One field row as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct FieldRow {
    key: String,
    label: String,
    kind: String,
    required: bool,
    public: bool,
    masking: String,
    options: String,
    element: bool,
}

impl FieldRow {
    fn blank() -> Self {
        Self {
            public: true,
            kind: FieldKind::Text.code().to_owned(),
            masking: Masking::None.code().to_owned(),
            ..Self::default()
        }
    }

    fn is_empty(&self) -> bool {
        self.key.trim().is_empty() && self.label.trim().is_empty() && self.options.trim().is_empty()
    }
}

/// The form as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct TypeForm {
    code: String,
    name: String,
    gongshi_days: String,
    title_key: String,
    rows: Vec<FieldRow>,
}

impl TypeForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let count = field(pairs, "rows")
            .parse::<usize>()
            .unwrap_or(ROWS_STEP)
            .clamp(1, MAX_FIELDS);
        let get = |name: String| field(pairs, &name).trim().to_owned();
        let rows = (0..count)
            .map(|i| FieldRow {
                key: get(format!("key_{i}")),
                label: get(format!("label_{i}")),
                kind: get(format!("kind_{i}")),
                required: !field(pairs, &format!("required_{i}")).is_empty(),
                public: !field(pairs, &format!("public_{i}")).is_empty(),
                masking: get(format!("masking_{i}")),
                options: field(pairs, &format!("options_{i}")).to_owned(),
                element: !field(pairs, &format!("element_{i}")).is_empty(),
            })
            .collect();
        Self {
            code: get("code".into()),
            name: get("name".into()),
            gongshi_days: get("gongshi_days".into()),
            title_key: get("title_key".into()),
            rows,
        }
    }

    /// The schema typed in, or the first problem (naming the field row).
    fn schema(&self) -> Result<Schema, String> {
        let mut fields = Vec::new();
        let mut elements = Vec::new();
        for (i, row) in self.rows.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
            let n = i + 1;
            let row_refusal = |reason: String| {
                ErrorCode::ListSchemaFieldRow.render(&[("n", &n), ("reason", &reason)])
            };
            let kind = FieldKind::parse(&row.kind).map_err(|e| row_refusal(e.to_string()))?;
            let masking = Masking::parse(&row.masking).map_err(|e| row_refusal(e.to_string()))?;
            let options: Vec<String> = if kind == FieldKind::Choice {
                row.options
                    .lines()
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .take(gongkai_domain::typed_list::MAX_OPTIONS + 1)
                    .map(str::to_owned)
                    .collect()
            } else {
                Vec::new()
            };
            if row.element {
                elements.push(row.key.clone());
            }
            fields.push(Field {
                key: row.key.clone(),
                label: row.label.clone(),
                kind,
                options,
                required: row.required,
                public: row.public,
                masking,
            });
        }
        let gongshi_days = match self.gongshi_days.as_str() {
            "" => None,
            days => Some(days.parse::<u32>().map_err(|_| {
                ErrorCode::ListGongshiDays
                    .render(&[("max", &gongkai_domain::typed_list::MAX_GONGSHI_DAYS)])
            })?),
        };
        let title_key = if self.title_key.is_empty() {
            fields.first().map(|f| f.key.clone()).unwrap_or_default()
        } else {
            self.title_key.clone()
        };
        let schema = Schema {
            code: self.code.clone(),
            name: self.name.clone(),
            fields,
            gongshi_days,
            publication_elements: elements,
            title_key,
        };
        schema.check().map_err(|e| e.to_string())?;
        Ok(schema)
    }
}

async fn render(
    desk: &Desk,
    form: &TypeForm,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    desk.page(
        status,
        "admin/list_type_form.html",
        context! {
            form => ser(form), rows => form.rows.len(), error => error,
            kinds => ser(&code_labels!(FieldKind::ALL)),
            maskings => ser(&code_labels!(Masking::ALL)),
            can_add => form.rows.len() < MAX_FIELDS, max_fields => MAX_FIELDS,
        },
    )
    .await
}

/// The site where the member of staff manages settings (403 when not there).
async fn managed_site(desk: &Desk) -> Result<i64, WebError> {
    let site = desk.home_site().await?;
    if !desk.staff.grants.allows(Permission::ManageSite, &[site.id]) {
        return Err(WebError::Forbidden(Permission::ManageSite.label()));
    }
    Ok(site.id)
}

/// `GET /admin/lists/types/new`: the empty form with a few field rows.
pub async fn new_form(desk: Desk) -> Result<Response, WebError> {
    managed_site(&desk).await?;
    let form = TypeForm {
        rows: vec![FieldRow::blank(); ROWS_STEP],
        ..TypeForm::default()
    };
    render(&desk, &form, None, StatusCode::OK).await
}

/// `POST /admin/lists/types/new`: with `more`, the form again with more empty field rows;
/// otherwise the list type is checked and stored (audited `list.define`), or the form shown
/// again as typed with the refusal naming the field.
pub async fn define(desk: Desk, body: Bytes) -> Result<Response, WebError> {
    let site_id = managed_site(&desk).await?;
    let pairs = parse_pairs(&body);
    let mut form = TypeForm::from_pairs(&pairs);
    if !field(&pairs, "more").is_empty() {
        let add = ROWS_STEP.min(MAX_FIELDS.saturating_sub(form.rows.len()));
        form.rows
            .extend(std::iter::repeat_n(FieldRow::blank(), add));
        return render(&desk, &form, None, StatusCode::OK).await;
    }
    let schema = match form.schema() {
        Ok(s) => s,
        Err(msg) => return render(&desk, &form, Some(msg), StatusCode::BAD_REQUEST).await,
    };
    match typed_lists::define(&desk.state.store, &desk.actor(), site_id, &schema).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/lists/{}", schema.code)).into_response()),
        Err(gongkai_store::StoreError::Conflict(r)) => {
            render(&desk, &form, Some(r.message), StatusCode::CONFLICT).await
        }
        Err(gongkai_store::StoreError::Domain(e)) => {
            render(&desk, &form, Some(e.to_string()), StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}
