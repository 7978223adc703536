//! `datastore_search`: the rows of a resource's table, CKAN's way. The resource is named by its
//! public id (a UUID, as CKAN's); the rows are served only where the file itself may be
//! downloaded — a published 无条件开放 dataset, a 有条件开放 one with a data-access token of it in
//! its period, or one the caller drafts or reviews — so the
//! datastore never shows what the download refuses.

use gongkai_domain::dataset::Openness;
use gongkai_store::StoreError;
use gongkai_store::datastore::{self as ds, DatastoreQuery};
use serde_json::Value;

use super::read::{not_found, visible};
use super::{CkanError, Ctx, Params};

/// `datastore_search` (resource_id, filters, q, sort, fields, limit, offset, include_total,
/// records_format).
pub async fn datastore_search(ctx: &Ctx<'_>, params: &Params) -> Result<Value, CkanError> {
    let uuid = params
        .text("resource_id")?
        .or(params.text("id")?)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| CkanError::field("resource_id", "Missing value"))?;
    let store = &ctx.state.store;
    let missing = || not_found("未找到该数据资源的数据表");
    let resource = gongkai_store::datasets::resource(store, uuid.trim())
        .await?
        .ok_or_else(missing)?;
    let dataset = gongkai_store::datasets::get(store, resource.dataset_id).await?;
    if !visible(ctx, &dataset) {
        return Err(missing());
    }
    let own = ctx.caller.read_orgs.contains(&dataset.org_id);
    if dataset.openness == Openness::Conditional
        && !own
        && let Some(token) = &ctx.caller.access_token
    {
        // A 有条件开放 dataset's rows with a data-access token of that dataset, in its period.
        let grant = crate::grants::usable(store, token, &dataset)
            .await?
            .map_err(|r| CkanError::Forbidden(r.message))?;
        gongkai_store::data_access::record_use(
            store,
            &grant,
            &resource.uuid,
            "datastore_search",
            &ctx.ip,
        )
        .await?;
    } else if dataset.openness != Openness::Unconditional && !own {
        return Err(CkanError::Forbidden(
            "该数据集不是无条件开放，数据表不能公开查询".into(),
        ));
    }
    let mut raw = params.map().clone();
    raw.insert("resource_id".into(), Value::from(resource.id));
    raw.remove("id");
    let query = DatastoreQuery::from_params(&raw).map_err(datastore_error)?;
    let found = ds::search(store, &query).await.map_err(datastore_error)?;
    let mut result = serde_json::to_value(&found).map_err(|_| CkanError::Internal)?;
    // The answer names the resource as the client did, and its links page by that name.
    if let Value::Object(map) = &mut result {
        map.insert("resource_id".into(), Value::String(resource.uuid.clone()));
        let base = format!(
            "/api/3/action/datastore_search?resource_id={}",
            resource.uuid
        );
        let next = query.offset.saturating_add(found.limit);
        map.insert(
            "_links".into(),
            serde_json::json!({ "start": base, "next": format!("{base}&offset={next}") }),
        );
    }
    Ok(result)
}

/// A datastore refusal as CKAN's: a bad parameter is a `Validation Error` naming it, a missing
/// table `Not Found Error`.
fn datastore_error(e: StoreError) -> CkanError {
    match e {
        StoreError::DatastoreValidation(errors) => CkanError::Validation(
            errors
                .0
                .into_iter()
                .flat_map(|(field, messages)| messages.into_iter().map(move |m| (field.clone(), m)))
                .collect(),
        ),
        StoreError::NotFound { .. } => not_found("未找到该数据资源的数据表"),
        other => other.into(),
    }
}
