//! `gongkai token`: CKAN API tokens made, listed and revoked from the command line, on both
//! engines — shown once, stored as a hash that the API accepts, audited, refused once revoked.

use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Store, datasets};

use crate::support::{add_county, assert_says, gongkai, must, stderr, stdout, succeeds};

/// The token a `token create` printed on its `令牌：` line.
fn printed_token(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("令牌："))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// How many audit entries with `action` there are.
async fn audited(store: &Store, action: &str) -> i64 {
    must(
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(store.pool())
            .await,
    )
}

#[tokio::test]
async fn api_tokens_are_created_listed_and_revoked_from_the_command_line() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        succeeds(&db, &["init"]);
        add_county(&db);
        succeeds(
            &db,
            &[
                "user",
                "add",
                "--username",
                "shuju",
                "--name",
                "数据专员",
                "--org",
                "WQX001",
                "--role",
                "editor",
            ],
        );

        let made = succeeds(
            &db,
            &[
                "token",
                "create",
                "--user",
                "shuju",
                "--name",
                "ckanapi 同步脚本",
            ],
        );
        let token = printed_token(&stdout(&made));
        assert!(
            token.starts_with("gk_") && token.len() > 40,
            "{}",
            stdout(&made)
        );
        assert_says(&stdout(&made), "只显示这一次");

        let store = must(Store::connect(&db.url).await);
        let owner = must(datasets::token_user(&store, &token).await);
        assert!(
            owner.is_some(),
            "{engine:?}: the printed token is the one stored"
        );
        assert_eq!(audited(&store, "api_token.create").await, 1);

        let listed = stdout(&succeeds(&db, &["token", "list", "--user", "shuju"]));
        assert_says(&listed, "ckanapi 同步脚本");
        assert_says(&listed, "有效");
        assert!(!listed.contains(&token), "a listing never shows the token");
        let json = stdout(&succeeds(
            &db,
            &["token", "list", "--user", "shuju", "--json"],
        ));
        let rows: serde_json::Value = must(serde_json::from_str(&json));
        let id = rows[0]["id"].as_i64().unwrap_or_default();
        assert!(id > 0, "{json}");

        let revoked = succeeds(
            &db,
            &["token", "revoke", "--user", "shuju", &id.to_string()],
        );
        assert_says(&stdout(&revoked), "已吊销");
        assert_eq!(must(datasets::token_user(&store, &token).await), None);
        assert_eq!(audited(&store, "api_token.revoke").await, 1);
        assert_says(
            &stdout(&succeeds(&db, &["token", "list", "--user", "shuju"])),
            "已吊销",
        );

        // Revoking twice, an unknown account, a disabled account: one clear line, non-zero exit.
        let again = gongkai(
            &db,
            &["token", "revoke", "--user", "shuju", &id.to_string()],
        );
        assert!(!again.status.success());
        assert_says(&stderr(&again), "令牌");
        let nobody = gongkai(&db, &["token", "create", "--user", "nobody"]);
        assert!(!nobody.status.success());
        assert_eq!(
            stderr(&nobody).trim().lines().count(),
            1,
            "{}",
            stderr(&nobody)
        );
        succeeds(&db, &["user", "disable", "shuju"]);
        let disabled = gongkai(&db, &["token", "create", "--user", "shuju"]);
        assert!(!disabled.status.success());
        assert_says(&stderr(&disabled), "已停用");
        assert_eq!(audited(&store, "api_token.create").await, 1);
    }
}
