//! Helpers shared by the storage tests.

use chrono::{DateTime, Utc};
use gongkai_domain::org::{OrgCode, OrgName};
use gongkai_domain::record::{RecordInput, RecordMeta};
use gongkai_store::records::Imported;
use gongkai_store::testing::TestDb;
use gongkai_store::{Actor, Engine, Store, orgs};

/// The value, or the test fails with the error's text.
pub fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The number `sql` (a `SELECT COUNT(*) …` without parameters) answers.
pub async fn count(store: &Store, sql: &'static str) -> i64 {
    must(sqlx::query_scalar(sql).fetch_one(store.pool()).await)
}

/// A new organisation `code` named `name` under `parent`, without a short name or kind.
pub fn new_org(code: &str, name: &str, parent: Option<&str>) -> orgs::NewOrganisation {
    orgs::NewOrganisation {
        code: must(OrgCode::parse(code)),
        name: must(OrgName::parse(name)),
        short_name: None,
        kind: None,
        parent: parent.map(|p| must(OrgCode::parse(p))),
    }
}

/// A site to file things under: 乌恰县人民政府 (WQX001), created by the system.
pub async fn county(store: &Store) -> orgs::Organisation {
    let new = new_org("WQX001", "乌恰县人民政府", None);
    must(orgs::create(store, &Actor::system(), new).await)
}

/// A fresh database on `engine`, opened, with [`county`] in it; keep the [`TestDb`] alive while
/// the store is used.
pub async fn county_on(engine: Engine) -> (TestDb, Store, orgs::Organisation) {
    let db = TestDb::new(engine).await;
    let store = must(Store::open(&db.url).await);
    let org = county(&store).await;
    (db, store, org)
}

/// A notice to import, keyed `source_key`, titled `title`, with a one-word body, published at
/// `published_at` in `columns`.
pub fn notice(
    source_key: String,
    title: &str,
    published_at: DateTime<Utc>,
    columns: Vec<String>,
) -> Imported {
    let input = RecordInput {
        title,
        kind: "notice",
        ..RecordInput::default()
    };
    Imported {
        source_key,
        meta: must(
            RecordMeta::parse(&input, Utc::now().date_naive()).map_err(|e| format!("{e:?}")),
        ),
        body_html: "<p>正文</p>".into(),
        body_text: "正文".into(),
        published_at,
        columns,
        index_no: None,
    }
}
