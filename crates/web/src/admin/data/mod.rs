//! `/admin/data`: open data in the back office. The datasets of the organisations where the
//! member of staff drafts or reviews, with their review status, 开放属性, resources and each
//! uploaded table's load state; a dataset's page (its metadata, resources, the loader's progress
//! bar until the preview, its history and the steps its status allows); the dataset form
//! (`form`), the review steps (`workflow`), resources — large uploaded tables and links —
//! (`files`) and the member's own CKAN API tokens (`tokens`).

pub mod files;
pub mod form;
pub mod tokens;
pub mod workflow;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use gongkai_domain::dataset::{DatasetStatus, OpenTheme};
use gongkai_domain::role::Permission;
use gongkai_domain::time::{display_minute, parse_storage_timestamp};
use gongkai_store::datasets::{self, Dataset, Resource};
use gongkai_store::{StoreError, orgs};
use minijinja::{Value, context};

use crate::WebError;
use crate::admin::desk::Desk;
use crate::auth::check_in;
use crate::forms::{RefusalStatus, respond_step};
use crate::templates::ser;
use crate::view::format::human_size;

/// Whether a resource is an uploaded table the loader reads (CSV or XLSX).
fn is_table(r: &Resource) -> bool {
    r.sha256.is_some() && matches!(r.format.to_ascii_uppercase().as_str(), "CSV" | "XLSX")
}

/// Where the load of an uploaded table stands: loading (with its per cent and rows so far),
/// loaded (with its rows), failed (with the reason) or waiting for the loader.
async fn load_state(store: &gongkai_store::Store, r: &Resource) -> Result<Value, WebError> {
    use gongkai_store::datastore as ds;
    if let Some(p) = ds::load_progress(store, r.id).await? {
        return Ok(context! {
            state => "loading", label => "载入中", percent => p.percent(), rows => p.rows_done,
        });
    }
    Ok(match ds::info(store, r.id).await? {
        Some(i) if !i.error.is_empty() => context! {
            state => "failed", label => "载入失败", reason => i.error,
            rows => (i.status == "active").then_some(i.row_count),
        },
        Some(i) if i.status == "active" && r.datastore_active => context! {
            state => "loaded", label => "已载入", rows => i.row_count,
        },
        _ => context! { state => "waiting", label => "等待载入" },
    })
}

/// A resource as the back office lists it, with its table's load state.
async fn resource_view(store: &gongkai_store::Store, r: &Resource) -> Result<Value, WebError> {
    let load = if is_table(r) {
        Some(load_state(store, r).await?)
    } else {
        None
    };
    Ok(context! {
        name => &r.name, description => &r.description, format => &r.format,
        size => r.size.map(human_size), link => r.sha256.is_none(), url => &r.url,
        file_name => &r.file_name, downloads => r.downloads,
        modified => crate::view::format::day_of(r.last_modified), load,
    })
}

/// The organisations (ids) where the member of staff drafts or reviews.
async fn visible_orgs(desk: &Desk) -> Result<Vec<i64>, WebError> {
    let mut ids: Vec<i64> = desk
        .scope(Permission::DraftRecords)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    ids.extend(
        desk.scope(Permission::ReviewRecords)
            .await?
            .iter()
            .map(|o| o.id),
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// `GET /admin/data`: the datasets of the member's organisations.
pub async fn list(desk: Desk) -> Result<Response, WebError> {
    let ids = visible_orgs(&desk).await?;
    let site = desk.home_site().await?;
    let store = &desk.state.store;
    let mut rows = Vec::new();
    for d in datasets::of_orgs(store, site.id, &ids).await? {
        let mut tables = Vec::new();
        for r in d.resources.iter().filter(|r| is_table(r)) {
            tables.push(context! { name => &r.name, load => load_state(store, r).await? });
        }
        rows.push(context! {
            id => d.id, title => &d.title, name => &d.name, org_name => &d.org_name,
            status => d.status.label(), openness => d.openness.label(),
            resources => d.resources.len(), tables,
            updated => crate::view::format::day_of(d.updated_at),
        });
    }
    let can_draft = !desk.scope(Permission::DraftRecords).await?.is_empty();
    desk.page(
        StatusCode::OK,
        "admin/data_list.html",
        context! { rows, can_draft },
    )
    .await
}

/// A dataset a back-office handler acts on: the request's desk, the dataset and the chain of
/// its organisation, loaded once and checked for what the step needs.
pub(crate) struct OnDataset {
    desk: Desk,
    d: Dataset,
    chain: Vec<i64>,
}

impl OnDataset {
    /// The dataset, if the member of staff drafts or reviews in its organisation.
    async fn visible(desk: Desk, id: i64) -> Result<Self, WebError> {
        let d = datasets::get(&desk.state.store, id).await?;
        let chain = orgs::chain(&desk.state.store, d.org_id).await?;
        let staff = &desk.staff;
        if !(staff.grants.allows(Permission::DraftRecords, &chain)
            || staff.grants.allows(Permission::ReviewRecords, &chain))
        {
            return Err(WebError::Forbidden("查看该数据集"));
        }
        Ok(Self { desk, d, chain })
    }

    /// The dataset, if the member of staff holds `permission` in its organisation.
    async fn open(desk: Desk, id: i64, permission: Permission) -> Result<Self, WebError> {
        let on = Self::visible(desk, id).await?;
        check_in(&on.desk.staff, permission, &on.chain)?;
        Ok(on)
    }

    /// The dataset's page with `error` said on it, answering with `status`.
    async fn show(&self, status: StatusCode, error: Option<String>) -> Result<Response, WebError> {
        let Desk { state, staff, .. } = &self.desk;
        let d = &self.d;
        let store = &state.store;
        let mut resources = Vec::new();
        for r in &d.resources {
            resources.push(resource_view(store, r).await?);
        }
        let previews = crate::view::tables::previews(store, d, false).await?;
        let history: Vec<Value> =
            gongkai_store::audit::recent(store, 50, Some(("dataset", &d.id.to_string())))
                .await?
                .into_iter()
                .map(|e| {
                    let reason = (e.action == "dataset.return")
                        .then(|| serde_json::from_str::<serde_json::Value>(&e.detail).ok())
                        .flatten()
                        .and_then(|v| v["reason"].as_str().map(str::to_owned));
                    context! {
                        at => parse_storage_timestamp(&e.at).map(display_minute),
                        actor => e.actor,
                        action => gongkai_domain::audit::action_label(&e.action),
                        reason,
                    }
                })
                .collect();
        let themes: Vec<&str> = d
            .groups
            .iter()
            .filter_map(|g| OpenTheme::parse(g).ok())
            .map(|t| t.label())
            .collect();
        let can_draft = staff.grants.allows(Permission::DraftRecords, &self.chain);
        let can_review = staff.grants.allows(Permission::ReviewRecords, &self.chain);
        let is_author = d.author_id == staff.id;
        self.desk
            .page(
                status,
                "admin/data_dataset.html",
                context! {
                    d => ser(d), error, resources, previews, history, themes,
                    status_label => d.status.label(), openness => d.openness.label(),
                    frequency => d.frequency.label(),
                    licence => gongkai_domain::dataset::licence(&d.license_id).map(|l| l.title),
                    can_edit => can_draft,
                    can_submit => can_draft
                        && matches!(d.status, DatasetStatus::Draft | DatasetStatus::Returned),
                    can_review => can_review && !is_author && d.status == DatasetStatus::Submitted,
                    author_waiting => is_author && d.status == DatasetStatus::Submitted,
                    public_url => (d.status == DatasetStatus::Published)
                        .then(|| format!("/data/{}", d.name)),
                    upload_limit => human_size(state.config.max_dataset_upload_bytes as i64),
                },
            )
            .await
    }

    /// Answers a step on the dataset: back to its page when it succeeded, otherwise the page
    /// saying why (409 for a workflow rule, `refused` for input the store turned down).
    async fn after<T>(
        &self,
        result: Result<T, StoreError>,
        refused: StatusCode,
    ) -> Result<Response, WebError> {
        let statuses = RefusalStatus {
            rule: StatusCode::CONFLICT,
            conflict: refused,
        };
        respond_step(
            result,
            statuses,
            |_| format!("/admin/data/{}", self.d.id),
            async |no| self.show(no.status, Some(no.message)).await,
        )
        .await
    }
}

/// `GET /admin/data/{id}`: a dataset with the steps its status and the viewer allow.
pub async fn show(desk: Desk, Path(id): Path<i64>) -> Result<Response, WebError> {
    OnDataset::visible(desk, id)
        .await?
        .show(StatusCode::OK, None)
        .await
}
