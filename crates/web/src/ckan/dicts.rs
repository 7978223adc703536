//! Our datasets, resources, organisations, themes and licences as CKAN's dictionaries, with
//! CKAN's field names. What CKAN has no field for (开放属性, its conditions or legal ground, the
//! update frequency, coverage, contact, the 主题分类 and the review status) is in `extras` as
//! `{key, value}` pairs under the keys `package_create` reads back.

use chrono::{DateTime, Utc};
use gongkai_domain::dataset::{self as rules, OpenTheme};
use gongkai_store::datasets::{Dataset, Resource};
use serde_json::{Value, json};

/// An instant as CKAN writes it: ISO 8601 without a zone, in UTC, with microseconds.
pub fn ckan_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// An organisation's CKAN name (and id): its organ code in lower case.
pub fn org_name(code: &str) -> String {
    code.to_ascii_lowercase()
}

/// The CKAN organisation dictionary of the organisation `code` named `title`, holding
/// `package_count` datasets.
pub fn organization(code: &str, title: &str, package_count: Option<i64>) -> Value {
    let mut d = json!({
        "id": org_name(code),
        "name": org_name(code),
        "title": title,
        "display_name": title,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "is_organization": true,
        "type": "organization",
        "state": "active",
        "approval_status": "approved",
        "num_followers": 0,
    });
    if let (Some(n), Some(map)) = (package_count, d.as_object_mut()) {
        map.insert("package_count".into(), json!(n));
    }
    d
}

/// The CKAN group dictionary of an open-data theme holding `package_count` datasets.
pub fn group(theme: OpenTheme, package_count: Option<i64>) -> Value {
    let mut d = json!({
        "id": theme.code(),
        "name": theme.code(),
        "title": theme.label(),
        "display_name": theme.label(),
        "description": theme.description(),
        "image_url": "",
        "image_display_url": "",
        "is_organization": false,
        "type": "group",
        "state": "active",
        "approval_status": "approved",
        "num_followers": 0,
    });
    if let (Some(n), Some(map)) = (package_count, d.as_object_mut()) {
        map.insert("package_count".into(), json!(n));
    }
    d
}

/// CKAN's `license_list`: every licence a dataset may carry.
pub fn license_list() -> Value {
    Value::Array(
        rules::LICENCES
            .iter()
            .map(|l| {
                json!({
                    "id": l.id,
                    "title": l.title,
                    "url": l.url,
                    "status": "active",
                    "maintainer": "",
                    "family": "",
                    "domain_content": true,
                    "domain_data": true,
                    "domain_software": false,
                    "is_generic": l.url.is_empty(),
                    "od_conformance": if l.open { "approved" } else { "not reviewed" },
                    "osd_conformance": "not reviewed",
                    "is_okd_compliant": l.open,
                    "is_osi_compliant": false,
                })
            })
            .collect(),
    )
}

/// The CKAN resource dictionary of `r` in dataset `d`, its address absolute under `base`.
pub fn resource(base: &str, d: &Dataset, r: &Resource) -> Value {
    let uploaded = r.sha256.is_some();
    let public = d.public_resource(r);
    let url = match (public.link, &public.download) {
        (Some(link), _) => link.to_owned(),
        (None, Some(download)) => format!("{base}{download}"),
        (None, None) => String::new(),
    };
    let mimetype = rules::UploadFormat::parse(&r.format)
        .ok()
        .filter(|_| uploaded)
        .map(|f| f.mime());
    json!({
        "id": r.uuid,
        "package_id": d.uuid,
        "name": r.name,
        "description": r.description,
        "format": r.format,
        "url": url,
        "url_type": if uploaded { Value::String("upload".into()) } else { Value::Null },
        "mimetype": mimetype,
        "size": r.size,
        "hash": public.sha256.unwrap_or_default(),
        "position": r.position,
        "created": ckan_time(r.created_at),
        "last_modified": ckan_time(r.last_modified),
        "metadata_modified": ckan_time(r.last_modified),
        "state": "active",
        "datastore_active": r.datastore_active,
        "download_count": r.downloads,
    })
}

/// The `extras` of `d`: our fields CKAN has no name for.
fn extras(d: &Dataset) -> Vec<(&'static str, String)> {
    let date = |x: Option<chrono::NaiveDate>| x.map(|x| x.to_string()).unwrap_or_default();
    vec![
        ("open_condition", d.openness.code().to_owned()),
        ("open_condition_label", d.openness.label().to_owned()),
        ("conditions", d.conditions.clone()),
        ("legal_ground", d.legal_ground.clone()),
        ("frequency", d.frequency.code().to_owned()),
        ("temporal_start", date(d.temporal_start)),
        ("temporal_end", date(d.temporal_end)),
        ("spatial", d.spatial.clone()),
        ("contact_name", d.contact_name.clone()),
        ("contact", d.contact.clone()),
        ("theme", d.theme.clone()),
        ("review_status", d.status.code().to_owned()),
    ]
}

/// The keys of `extras` a write reads back (the rest are shown only).
pub const WRITABLE_EXTRAS: &[&str] = &[
    "open_condition",
    "conditions",
    "legal_ground",
    "frequency",
    "temporal_start",
    "temporal_end",
    "spatial",
    "contact_name",
    "contact",
    "theme",
];

/// The value of extra `key` of `d`, as shown.
pub fn extra(d: &Dataset, key: &str) -> String {
    extras(d)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// The CKAN package dictionary of `d`, its addresses absolute under `base`.
pub fn package(base: &str, d: &Dataset) -> Value {
    let licence = rules::licence(&d.license_id);
    let published = d.status == rules::DatasetStatus::Published;
    let groups: Vec<Value> = d
        .groups
        .iter()
        .filter_map(|g| OpenTheme::parse(g).ok())
        .map(|g| group(g, None))
        .collect();
    let tags: Vec<Value> = d
        .tags
        .iter()
        .map(|t| json!({ "name": t, "display_name": t, "state": "active", "vocabulary_id": null }))
        .collect();
    let resources: Vec<Value> = d.resources.iter().map(|r| resource(base, d, r)).collect();
    let extras: Vec<Value> = extras(d)
        .into_iter()
        .map(|(k, v)| json!({ "key": k, "value": v }))
        .collect();
    let email = d.contact.contains('@').then(|| d.contact.clone());
    json!({
        "id": d.uuid,
        "name": d.name,
        "title": d.title,
        "notes": d.notes,
        "url": format!("{base}{}", gongkai_domain::urls::dataset(&d.name)),
        "version": d.version,
        "type": "dataset",
        "state": if published { "active" } else { "draft" },
        "private": !published,
        "author": d.org_name,
        "author_email": null,
        "maintainer": d.contact_name,
        "maintainer_email": email,
        "license_id": d.license_id,
        "license_title": licence.map_or(d.license_id.as_str(), |l| l.title),
        "license_url": licence.map_or("", |l| l.url),
        "isopen": licence.is_some_and(|l| l.open),
        "metadata_created": ckan_time(d.created_at),
        "metadata_modified": ckan_time(d.updated_at),
        "owner_org": org_name(&d.org_code),
        "organization": organization(&d.org_code, &d.org_name, None),
        "groups": groups,
        "tags": tags,
        "num_tags": d.tags.len(),
        "resources": resources,
        "num_resources": d.resources.len(),
        "extras": extras,
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "creator_user_id": null,
    })
}
