//! The storage contract, walked once per engine: the same story on SQLite and PostgreSQL.

use gongkai_domain::org::{OrgCode, OrgName};
use gongkai_domain::role::{Permission, Role};
use gongkai_domain::throttle::LoginPolicy;
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use gongkai_store::audit::{self, Verification};
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::users::{LoginOutcome, NewStaff};
use gongkai_store::{Actor, Engine, Store, feed, migrate, orgs, sessions, settings, users};

use crate::support::new_org;

fn code(s: &str) -> OrgCode {
    OrgCode::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn name(s: &str) -> OrgName {
    OrgName::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

async fn open(db: &TestDb) -> Store {
    Store::open(&db.url).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn story(engine: Engine) {
    let db = TestDb::new(engine).await;
    let store = open(&db).await;
    assert_eq!(store.engine(), engine);
    assert!(store.is_empty().await.unwrap_or(false));
    // Migrating again applies nothing.
    assert_eq!(migrate::run(&store).await.ok(), Some(vec![]));

    let admin = Actor::cli();
    let county = orgs::create(
        &store,
        &admin,
        orgs::NewOrganisation {
            short_name: Some(name("县政府")),
            ..new_org("WQX001", "乌恰县人民政府", None)
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(county.kind, "government");
    let finance = orgs::create(
        &store,
        &admin,
        new_org("wqx003", "乌恰县财政局", Some("WQX001")),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(finance.parent_code.as_deref(), Some("WQX001"));
    assert_eq!(finance.kind, "department");

    // A taken code and an unknown parent are refused with Chinese messages.
    let dup = orgs::create(&store, &admin, new_org("WQX003", "重复机构", None)).await;
    assert!(dup.is_err_and(|e| e.to_string().contains("已被使用")));
    let orphan = orgs::create(&store, &admin, new_org("X1", "无主机构", Some("NOPE"))).await;
    assert!(orphan.is_err_and(|e| e.to_string().contains("上级机构")));

    let list = orgs::list(&store).await.unwrap_or_default();
    assert_eq!(
        list.iter().map(|o| o.code.as_str()).collect::<Vec<_>>(),
        ["WQX001", "WQX003"]
    );
    assert_eq!(
        orgs::chain(&store, finance.id).await.ok(),
        Some(vec![finance.id, county.id])
    );

    // Accounts and roles.
    let editor = users::create(
        &store,
        &admin,
        NewStaff {
            username: Username::parse("editor").unwrap_or_else(|e| panic!("{e}")),
            display_name: DisplayName::parse("编辑员").unwrap_or_else(|e| panic!("{e}")),
            org: code("WQX003"),
            roles: vec![Role::Editor],
            password: NewPassword::parse("Editor-2026-pass").unwrap_or_else(|e| panic!("{e}")),
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        editor
            .grants
            .allows(Permission::DraftRecords, &[finance.id, county.id])
    );
    assert!(!editor.grants.allows(Permission::ManageUsers, &[]));

    // Failures from one address lock that address for every account, whichever names were
    // tried; the same account from another address is not affected.
    let strict = LoginPolicy {
        max_address_failures: 3,
        ..LoginPolicy::default()
    };
    for guess in ["guess-1", "guess-2"] {
        let r = users::authenticate(&store, &strict, guess, "wrong", "10.0.0.9").await;
        assert_eq!(r.ok(), Some(LoginOutcome::BadCredentials), "{guess}");
    }
    let third = users::authenticate(&store, &strict, "guess-3", "wrong", "10.0.0.9").await;
    assert!(matches!(third, Ok(LoginOutcome::Locked(_))));
    let from_there =
        users::authenticate(&store, &strict, "editor", "Editor-2026-pass", "10.0.0.9").await;
    assert!(
        matches!(from_there, Ok(LoginOutcome::Locked(_))),
        "the address is locked even for the right password"
    );
    let elsewhere =
        users::authenticate(&store, &strict, "editor", "Editor-2026-pass", "10.0.0.8").await;
    assert!(matches!(elsewhere, Ok(LoginOutcome::Success(_))));

    // Login: success, failure, lockout after five failures.
    let policy = LoginPolicy::default();
    let ok = users::authenticate(&store, &policy, "Editor", "Editor-2026-pass", "10.0.0.1").await;
    assert!(matches!(ok, Ok(LoginOutcome::Success(_))));
    for i in 0..4 {
        let r = users::authenticate(&store, &policy, "editor", "wrong", "10.0.0.1").await;
        assert_eq!(r.ok(), Some(LoginOutcome::BadCredentials), "attempt {i}");
    }
    let fifth = users::authenticate(&store, &policy, "editor", "wrong", "10.0.0.1").await;
    assert!(matches!(fifth, Ok(LoginOutcome::Locked(_))));
    // Even the right password is refused while locked.
    let locked =
        users::authenticate(&store, &policy, "editor", "Editor-2026-pass", "10.0.0.2").await;
    assert!(matches!(locked, Ok(LoginOutcome::Locked(_))));

    // Sessions are shared through the database.
    let token = sessions::create(&store, &editor, "10.0.0.1")
        .await
        .unwrap_or_default();
    let again = open(&db).await; // a second "node"
    let seen = sessions::lookup(&again, &token).await.ok().flatten();
    assert_eq!(seen.map(|s| s.username), Some("editor".to_owned()));
    assert_eq!(
        sessions::lookup(&again, "not-a-token").await.ok().flatten(),
        None
    );

    // Disabling ends sessions.
    let uname = Username::parse("editor").unwrap_or_else(|e| panic!("{e}"));
    users::set_disabled(&store, &admin, &uname, true)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sessions::lookup(&store, &token).await.ok().flatten(), None);

    settings::set(&store, &admin, "site_name", "乌恰县人民政府")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        settings::get(&store, "site_name")
            .await
            .ok()
            .flatten()
            .as_deref(),
        Some("乌恰县人民政府")
    );

    let mut tx = store.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
    feed::emit(&mut tx, "record", "WQX001-2018-000060", "created")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    let items = feed::since(&store, 0, 10).await.unwrap_or_default();
    // The setting written above announced itself too, so nodes drop the footer they keep.
    assert!(
        items
            .iter()
            .any(|i| i.object_type == "setting" && i.object_id == "site_name")
    );
    let records: Vec<_> = items.iter().filter(|i| i.object_type == "record").collect();
    assert_eq!(records.len(), 1);
    assert!(
        feed::since(&store, records[0].id, 10)
            .await
            .unwrap_or_default()
            .is_empty()
    );

    // The audit chain is intact, then tampering is caught at the edited row.
    let n = match audit::verify(&store).await {
        Ok(Verification::Intact(n)) => n,
        other => panic!("expected an intact chain, got {other:?}"),
    };
    assert!(n >= 10, "every change was audited: {n}");
    sqlx::query("UPDATE audit_log SET actor = 'intruder' WHERE seq = 3")
        .execute(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    match audit::verify(&store).await {
        Ok(Verification::Broken(b)) => assert_eq!(b.seq(), 3),
        other => panic!("tampering not caught: {other:?}"),
    }
    store.close().await;
    again.close().await;
}

#[tokio::test]
async fn storage_story_on_both_engines() {
    for engine in ENGINES {
        story(engine).await;
    }
}

#[tokio::test]
async fn an_unknown_url_scheme_is_refused_clearly() {
    let err = Store::connect("mysql://localhost/x")
        .await
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("不支持的数据库地址")));
}

#[tokio::test]
async fn concurrent_audited_writes_keep_one_chain() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = open(&db).await;
        let mut tasks = Vec::new();
        for i in 0..16 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                settings::set(&store, &Actor::system(), &format!("k{i}"), "v").await
            }));
        }
        for t in tasks {
            assert!(matches!(t.await, Ok(Ok(()))));
        }
        assert_eq!(
            audit::verify(&store).await.ok(),
            Some(Verification::Intact(16))
        );
    }
}
