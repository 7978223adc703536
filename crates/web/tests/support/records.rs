//! Records through the back office: a draft with the usual fields, its submission and a
//! reviewer's approval as 主动公开, for the tests that need published records.

use reqwest::StatusCode;

use super::{App, Session, must};

/// The id of the record a create form redirected to.
pub fn record_id(resp: &reqwest::Response) -> i64 {
    let loc = resp.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    must(loc.trim_start_matches("/admin/records/").parse::<i64>())
}

/// Posts a new draft titled `title` with the usual fields, `extra` replacing or adding some
/// (`disclosure_method` may repeat); the answer is the create form's.
pub async fn draft(s: &Session, title: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut fields = vec![
        ("title", title),
        ("kind", "notice"),
        ("org", "WQX004"),
        ("written_on", "2026-11-20"),
        ("theme", "综合政务\\政务公开"),
        (
            "body",
            "<p class=MsoNormal style='margin:0'>为做好政务公开工作，现通知如下。<o:p></o:p></p><script>alert(1)</script>",
        ),
        ("columns", "tzgg"),
    ];
    for (k, v) in extra {
        if *k == "disclosure_method" {
            fields.push((k, v));
            continue;
        }
        match fields.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v,
            None => fields.push((k, v)),
        }
    }
    s.post("/admin/records/new", &fields).await
}

/// Drafts, submits and approves a record over HTTP; returns it as stored.
pub async fn publish_via(
    app: &App,
    editor: &Session,
    reviewer: &Session,
    title: &str,
    extra: Vec<(&'static str, String)>,
) -> gongkai_store::records::Record {
    let fields: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = draft(editor, title, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{title}");
    let id = record_id(&r);
    submit(editor, id).await;
    approve(reviewer, id).await;
    must(gongkai_store::records::get(&app.store, id).await)
}

/// The editor submits draft `id` for review.
pub async fn submit(editor: &Session, id: i64) {
    let path = format!("/admin/records/{id}/submit");
    assert_eq!(
        editor.post_status(&path, &[]).await,
        StatusCode::SEE_OTHER,
        "{path}"
    );
}

/// The reviewer approves submitted record `id` as 主动公开 (with a screening note, so records
/// with findings go out too).
pub async fn approve(reviewer: &Session, id: i64) {
    let path = format!("/admin/records/{id}/review");
    let fields = [
        ("decision", "approve"),
        ("disclosure", "proactive"),
        ("screening_note", "已逐项核实，可以公开"),
    ];
    assert_eq!(
        reviewer.post_status(&path, &fields).await,
        StatusCode::SEE_OTHER,
        "{path}"
    );
}

/// The public page of a published record, `/xxgk/{索引号}`.
pub fn public_path(record: &gongkai_store::records::Record) -> String {
    format!("/xxgk/{}", record.index_no.as_deref().unwrap_or_default())
}
