//! Refusals through the JSON API carry the stable code of the domain's error-code table.

use crate::support;

use gongkai_store::testing::ENGINES;
use reqwest::StatusCode;
use support::{must, spawn_app};

#[tokio::test]
async fn api_refusals_carry_their_specific_codes() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let c = reqwest::Client::new();
        let post = |body: serde_json::Value| {
            c.post(format!("{}/api/v1/messages", app.base))
                .json(&body)
                .send()
        };

        // A refused form: `invalid_input` at the top, each field's own code beside its message.
        let r = must(
            post(serde_json::json!({
                "to": "WQX004", "kind": "建议", "title": "",
                "content": "建议按季度公开专项资金的使用情况。", "name": "王五",
                "phone": "123", "secret": "chaxun-789",
            }))
            .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{engine:?}");
        let json: serde_json::Value = must(r.json().await);
        let error = &json["error"];
        assert_eq!(error["code"], "invalid_input", "{json}");
        assert_eq!(error["fields"]["title"], "请填写标题");
        assert_eq!(error["field_codes"]["title"], "message.title_required");
        assert_eq!(error["field_codes"]["phone"], "contact.phone_invalid");
        assert_eq!(
            error["fields"]["phone"],
            "联系电话应为 11 位手机号码或带区号的固定电话"
        );

        // A conflict: the same message again from the same phone within the window.
        let good = serde_json::json!({
            "to": "WQX004", "kind": "建议", "title": "建议公开专项资金使用情况",
            "content": "建议按季度公开专项资金的使用情况。", "name": "王五",
            "phone": "13911112222", "secret": "chaxun-789",
        });
        let r = must(post(good.clone()).await);
        assert_eq!(r.status(), StatusCode::CREATED, "{engine:?}");
        let r = must(post(good).await);
        assert_eq!(r.status(), StatusCode::CONFLICT, "{engine:?}");
        let json: serde_json::Value = must(r.json().await);
        assert_eq!(json["error"]["code"], "message.duplicate", "{json}");
        assert!(
            json["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("请勿重复提交")),
            "{json}"
        );
        assert!(json["error"].get("field_codes").is_none(), "{json}");

        // A bad query parameter: its own code, not a bare `bad_request`.
        let r = must(
            c.get(format!("{}/api/v1/records?per_page=many", app.base))
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let json: serde_json::Value = must(r.json().await);
        assert_eq!(json["error"]["code"], "api.per_page_invalid", "{json}");
        assert_eq!(json["error"]["message"], "per_page 应为 1 至 100 的整数");
    }
}
