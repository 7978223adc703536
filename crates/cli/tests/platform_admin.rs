//! A fresh deployment gets its deployment administrator (平台管理员) from the command line, on
//! both engines: the account is created with a generated password, holds the platform grant
//! and no role in its organisation, and is listed with its role.

use gongkai_domain::role::Permission;
use gongkai_domain::user::Username;
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Store, users};

use crate::support::{add_county, assert_says_all, gongkai, must, stdout, succeeds};

#[tokio::test]
async fn user_add_makes_a_platform_admin_who_acts_in_no_county() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        add_county(&db);
        let added = succeeds(
            &db,
            &[
                "user",
                "add",
                "--username",
                "platform",
                "--name",
                "平台管理员",
                "--org",
                "WQX001",
                "--role",
                "platform_admin",
            ],
        );
        assert_says_all(
            &stdout(&added),
            &["已添加账号：platform", "平台管理员", "初始密码："],
        );
        let list = gongkai(&db, &["user", "list", "--json"]);
        let list: serde_json::Value = must(serde_json::from_slice(&list.stdout));
        assert_eq!(
            list[0]["roles"],
            serde_json::json!(["platform_admin"]),
            "{engine:?}"
        );

        let store = must(Store::open(&db.url).await);
        let platform = must(users::by_username(&store, &must(Username::parse("platform"))).await);
        assert!(platform.is_platform(), "{engine:?}");
        assert!(platform.grants.allows(Permission::ManageSites, &[]));
        assert!(
            !platform
                .grants
                .allows(Permission::ManageUsers, &[platform.org_id])
        );
        assert!(!platform.grants.allows(Permission::DraftRecords, &[]));
    }
}
