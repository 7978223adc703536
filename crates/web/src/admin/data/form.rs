//! The dataset form (new and edit): every field of `domain::dataset::DatasetDraft`, checked by
//! `DatasetDraft::check` with each refusal on the field it names (有条件开放 needs its
//! conditions, 不予开放 its legal ground), the providing organisation within the member's
//! `DraftRecords` scope and the 主题分类 among the site's. An edit of a submitted or published
//! dataset sends it (back) to review (`store::datasets::update`).

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::dataset::{DatasetDraft, Frequency, LICENCES, OpenTheme, Openness};
use gongkai_domain::error::record_field_error;
use gongkai_domain::role::Permission;
use gongkai_domain::{ErrorCode, FieldErrors};
use gongkai_store::datasets::{self, Author, Dataset};
use minijinja::context;
use serde::Serialize;

use super::OnDataset;
use crate::WebError;
use crate::admin::desk::Desk;
use crate::admin::forms::{field, org_named, parse_pairs, repeated};
use crate::forms::{FieldRefusals, saved};
use crate::templates::ser;
use crate::view::code_labels;

/// The dataset form as typed, so it can be shown again with its errors.
#[derive(Debug, Default, Clone, Serialize)]
pub struct DatasetForm {
    name: String,
    title: String,
    notes: String,
    org: String,
    theme: String,
    groups: Vec<String>,
    tags: String,
    license_id: String,
    frequency: String,
    temporal_start: String,
    temporal_end: String,
    spatial: String,
    contact_name: String,
    contact: String,
    version: String,
    openness: String,
    conditions: String,
    legal_ground: String,
}

impl DatasetForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |name: &str| field(pairs, name).to_owned();
        Self {
            name: get("name"),
            title: get("title"),
            notes: get("notes"),
            org: get("org"),
            theme: get("theme"),
            groups: repeated(pairs, "groups"),
            tags: get("tags"),
            license_id: get("license_id"),
            frequency: get("frequency"),
            temporal_start: get("temporal_start"),
            temporal_end: get("temporal_end"),
            spatial: get("spatial"),
            contact_name: get("contact_name"),
            contact: get("contact"),
            version: get("version"),
            openness: get("openness"),
            conditions: get("conditions"),
            legal_ground: get("legal_ground"),
        }
    }

    fn from_dataset(d: &Dataset) -> Self {
        Self {
            name: d.name.clone(),
            title: d.title.clone(),
            notes: d.notes.clone(),
            org: d.org_code.clone(),
            theme: d.theme.clone(),
            groups: d.groups.clone(),
            tags: d.tags.join(", "),
            license_id: d.license_id.clone(),
            frequency: d.frequency.code().to_owned(),
            temporal_start: d.temporal_start.map(|x| x.to_string()).unwrap_or_default(),
            temporal_end: d.temporal_end.map(|x| x.to_string()).unwrap_or_default(),
            spatial: d.spatial.clone(),
            contact_name: d.contact_name.clone(),
            contact: d.contact.clone(),
            version: d.version.clone(),
            openness: d.openness.code().to_owned(),
            conditions: d.conditions.clone(),
            legal_ground: d.legal_ground.clone(),
        }
    }

    /// A new dataset's starting values.
    fn fresh() -> Self {
        Self {
            license_id: "cc-by".into(),
            frequency: Frequency::Irregular.code().into(),
            openness: Openness::Unconditional.code().into(),
            ..Self::default()
        }
    }

    fn draft(&self) -> DatasetDraft {
        DatasetDraft {
            name: self.name.clone(),
            title: self.title.clone(),
            notes: self.notes.clone(),
            theme: self.theme.clone(),
            groups: self.groups.clone(),
            tags: self
                .tags
                .split([',', '，', '、'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            license_id: self.license_id.clone(),
            frequency: self.frequency.clone(),
            temporal_start: self.temporal_start.clone(),
            temporal_end: self.temporal_end.clone(),
            spatial: self.spatial.clone(),
            contact_name: self.contact_name.clone(),
            contact: self.contact.clone(),
            version: self.version.clone(),
            openness: self.openness.clone(),
            conditions: self.conditions.clone(),
            legal_ground: self.legal_ground.clone(),
        }
    }
}

/// Where the form posts and what it is called.
struct Target {
    action: String,
    heading: &'static str,
}

/// The form page, with the errors of a refused save.
async fn form_page(
    desk: &Desk,
    status: StatusCode,
    target: Target,
    form: &DatasetForm,
    errors: &FieldErrors,
) -> Result<Response, WebError> {
    let orgs = desk.scope(Permission::DraftRecords).await?;
    let site = desk.home_site().await?;
    let themes: Vec<(String, String)> = gongkai_store::themes::list(&desk.state.store, site.id)
        .await?
        .into_iter()
        .map(|t| {
            let name = if t.parent.is_some() {
                format!("　└ {}", t.name)
            } else {
                t.name
            };
            (t.code, name)
        })
        .collect();
    let licences: Vec<(&str, &str)> = LICENCES.iter().map(|l| (l.id, l.title)).collect();
    let groups = code_labels!(OpenTheme::ALL);
    let frequencies = code_labels!(Frequency::ALL);
    let openness = code_labels!(Openness::ALL);
    desk.page(
        status,
        "admin/data_form.html",
        context! {
            action => target.action, heading => target.heading,
            form => ser(form), errors => ser(errors), orgs => ser(&orgs),
            themes_flat => ser(&themes), licences => ser(&licences), groups => ser(&groups),
            frequencies => ser(&frequencies), openness_choices => ser(&openness),
        },
    )
    .await
}

/// The form checked: the organisation it names (within scope) and the checked dataset, or
/// the refusals recorded in `errors`.
async fn checked(
    desk: &Desk,
    form: &DatasetForm,
    errors: &mut FieldErrors,
) -> Result<Option<(i64, i64, gongkai_domain::dataset::NewDataset)>, WebError> {
    let org = org_named(
        &desk.state,
        &desk.staff,
        Permission::DraftRecords,
        &form.org,
    )
    .await?;
    if org.is_none() {
        errors.insert("org", ErrorCode::DatasetOrgRequired);
    }
    let theme = form.theme.trim();
    if let Some(o) = &org
        && !theme.is_empty()
    {
        let themes = gongkai_store::themes::list(&desk.state.store, o.site_id).await?;
        if !themes.iter().any(|t| t.code == theme) {
            errors.insert(
                "theme",
                ErrorCode::DatasetThemeUnknown.refusal(&[("theme", &theme)]),
            );
        }
    }
    let new = match form.draft().check() {
        Ok(new) => Some(new),
        Err(refusals) => {
            for e in refusals {
                record_field_error(errors, e);
            }
            None
        }
    };
    Ok(match (org, new) {
        (Some(o), Some(new)) if errors.is_empty() => Some((o.site_id, o.id, new)),
        _ => None,
    })
}

/// `GET /admin/data/new`: the form for a new dataset.
pub async fn new_form(desk: Desk) -> Result<Response, WebError> {
    let target = Target {
        action: "/admin/data/new".into(),
        heading: "新建数据集",
    };
    let mut form = DatasetForm::fresh();
    if let Some(o) = desk.scope(Permission::DraftRecords).await?.first() {
        form.org = o.code.clone();
    }
    form_page(
        &desk,
        StatusCode::OK,
        target,
        &form,
        &FieldErrors::default(),
    )
    .await
}

/// `POST /admin/data/new`: records a new dataset as a draft, or shows the form again.
pub async fn create(desk: Desk, body: Bytes) -> Result<Response, WebError> {
    let form = DatasetForm::from_pairs(&parse_pairs(&body));
    let mut errors = FieldErrors::default();
    let target = Target {
        action: "/admin/data/new".into(),
        heading: "新建数据集",
    };
    if let Some((site_id, org_id, new)) = checked(&desk, &form, &mut errors).await? {
        let author = Author {
            id: desk.staff.id,
            name: desk.staff.username.clone(),
        };
        let result = datasets::create(
            &desk.state.store,
            &desk.actor(),
            &author,
            site_id,
            org_id,
            &new,
            false,
        )
        .await;
        if let Some(d) = saved(result, &mut errors, FieldRefusals::conflict("name"))? {
            return Ok(Redirect::to(&format!("/admin/data/{}", d.id)).into_response());
        }
    }
    form_page(&desk, StatusCode::BAD_REQUEST, target, &form, &errors).await
}

/// `GET /admin/data/{id}/edit`: the form with the dataset's values.
pub async fn edit_form(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    let on = OnDataset::open(desk, id, Permission::DraftRecords).await?;
    let target = Target {
        action: format!("/admin/data/{id}/edit"),
        heading: "修改数据集",
    };
    let form = DatasetForm::from_dataset(&on.d);
    form_page(
        &on.desk,
        StatusCode::OK,
        target,
        &form,
        &FieldErrors::default(),
    )
    .await
}

/// `POST /admin/data/{id}/edit`: saves the changes (a submitted or published dataset goes
/// back to review), or shows the form again.
pub async fn update(desk: Desk, Path(id): Path<i64>, body: Bytes) -> Result<Response, WebError> {
    let on = OnDataset::open(desk, id, Permission::DraftRecords).await?;
    let form = DatasetForm::from_pairs(&parse_pairs(&body));
    let mut errors = FieldErrors::default();
    let target = Target {
        action: format!("/admin/data/{id}/edit"),
        heading: "修改数据集",
    };
    if let Some((site_id, org_id, new)) = checked(&on.desk, &form, &mut errors).await? {
        if site_id != on.d.site_id {
            errors.insert("org", ErrorCode::DatasetOrgRequired);
        } else {
            let result =
                datasets::update(&on.desk.state.store, &on.desk.actor(), id, org_id, &new).await;
            if saved(result, &mut errors, FieldRefusals::conflict("name"))?.is_some() {
                return Ok(Redirect::to(&format!("/admin/data/{id}")).into_response());
            }
        }
    }
    form_page(&on.desk, StatusCode::BAD_REQUEST, target, &form, &errors).await
}
