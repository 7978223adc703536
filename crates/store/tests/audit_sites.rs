//! Each audit entry's site (集约化), on both engines: the site `store::audit` gives a new entry,
//! and the same site given by migration 0019 to entries written before the column existed.

use gongkai_domain::role::Role;
use gongkai_store::testing::{ENGINES, add_orgs, add_staff, application};
use gongkai_store::{Actor, Store, applications, audit, screening, settings};

use crate::support::{county_on, must};

/// A second site beside the county: 阿图什市人民政府 and its 财政局.
const ATUSHI: &[(&str, &str, Option<&str>)] = &[
    ("ATS001", "阿图什市人民政府", None),
    ("ATS002", "阿图什市财政局", Some("ATS001")),
];

/// `(action, object id, site)` of every entry, in order.
async fn sites_of_entries(store: &Store) -> Vec<(String, String, Option<i64>)> {
    let rows: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT action, object_id, site_id FROM audit_log ORDER BY seq")
            .fetch_all(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    rows
}

/// Runs the statements of migration 0019 that fill `site_id`, on a log whose column is empty.
async fn backfill(store: &Store) {
    let migration = include_str!("../migrations/0019_audit_site.sql");
    for statement in migration.split(';') {
        let code: String = statement
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let code = code.trim();
        if code.starts_with("UPDATE") {
            must(
                sqlx::query(sqlx::AssertSqlSafe(code.to_owned()))
                    .execute(store.pool())
                    .await,
            );
        }
    }
}

#[tokio::test]
async fn an_entry_belongs_to_the_site_of_what_it_changed_before_and_after_the_migration() {
    for engine in ENGINES {
        let (_db, store, wqx) = county_on(engine).await;
        add_orgs(&store, ATUSHI).await;
        add_staff(
            &store,
            "ats_editor",
            "阿图什编辑",
            "ATS002",
            vec![Role::Editor],
        )
        .await;
        let code = |c: &str| must(gongkai_domain::org::OrgCode::parse(c));
        let ats = must(gongkai_store::orgs::by_code(&store, &code("ATS001")).await);
        let ats_dept = must(gongkai_store::orgs::by_code(&store, &code("ATS002")).await);
        let cli = Actor::cli();
        must(settings::set(&store, &cli, "icp.ATS001", "新ICP备00000002号").await);
        must(
            settings::set(
                &store,
                &cli,
                "upper_government",
                "克孜勒苏柯尔克孜自治州人民政府",
            )
            .await,
        );
        // A setting that names no site, changed by 阿图什's staff: 阿图什's.
        let staff = Actor::user("ats_editor", "10.0.0.1");
        must(settings::set(&store, &staff, "hudong.limit.suggest", "9").await);
        // The negative list names its site by id.
        must(screening::add_negative_term(&store, &cli, ats.id, "某词", "测试").await);
        let new = application(ats_dept.id, "申请公开2025年部门预算");
        let receipt =
            must(applications::submit(&store, &new, chrono::Utc::now(), "10.0.0.9").await);

        let written = sites_of_entries(&store).await;
        let site = |action: &str, object: &str| {
            written
                .iter()
                .find(|(a, o, _)| a == action && o == object)
                .map(|(_, _, s)| *s)
                .unwrap_or_else(|| panic!("no {action} {object}"))
        };
        let ats_entries = [
            ("org.create", "ATS001"),
            ("org.create", "ATS002"),
            ("user.create", "ats_editor"),
            ("setting.set", "icp.ATS001"),
            ("setting.set", "hudong.limit.suggest"),
            ("negative_term.add", &ats.id.to_string()),
            ("application.submit", &receipt.tracking_code),
        ];
        for (action, object) in ats_entries {
            assert_eq!(
                site(action, object),
                Some(ats.id),
                "{engine:?} {action} {object}"
            );
        }
        assert_eq!(site("org.create", "WQX001"), Some(wqx.id), "{engine:?}");
        assert_eq!(
            site("setting.set", "upper_government"),
            None,
            "{engine:?}: the platform's"
        );

        // Entries from before the column: the migration gives each the same site.
        must(
            sqlx::query("UPDATE audit_log SET site_id = NULL")
                .execute(store.pool())
                .await,
        );
        backfill(&store).await;
        assert_eq!(sites_of_entries(&store).await, written, "{engine:?}");
        // The site is outside the hash chain.
        let verified = must(audit::verify(&store).await);
        assert!(
            matches!(verified, audit::Verification::Intact(_)),
            "{engine:?}: {verified:?}"
        );
        // Reading by site: 阿图什's entries, and the platform's only when asked for.
        let ats_only = must(audit::recent_in_sites(&store, 100, &[ats.id], false).await);
        assert_eq!(ats_only.len(), ats_entries.len(), "{engine:?}");
        let with_platform = must(audit::recent_in_sites(&store, 100, &[ats.id], true).await);
        assert!(
            with_platform
                .iter()
                .any(|e| e.object_id == "upper_government")
        );
        assert!(must(audit::recent_in_sites(&store, 100, &[], false).await).is_empty());
    }
}
