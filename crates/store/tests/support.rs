//! Helpers shared by the storage tests.

use gongkai_domain::org::{OrgCode, OrgName};
use gongkai_store::{Actor, Store, orgs};

/// The value, or the test fails with the error's text.
pub fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// A site to file things under: 乌恰县人民政府 (WQX001), created by the system.
pub async fn county(store: &Store) -> orgs::Organisation {
    must(
        orgs::create(
            store,
            &Actor::system(),
            orgs::NewOrganisation {
                code: must(OrgCode::parse("WQX001")),
                name: must(OrgName::parse("乌恰县人民政府")),
                short_name: None,
                kind: None,
                parent: None,
            },
        )
        .await,
    )
}
