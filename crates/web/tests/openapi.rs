//! The API contract. The OpenAPI document generated from the handlers is held by a reviewed
//! snapshot, so any change to an API type shows in review; and every operation the served document
//! lists is called on both engines with a valid example, its answer validated against the schema
//! the document declares for that status, and every POST operation is also called with an empty
//! body and its 400 answer validated.

use crate::support;

use std::time::{Duration, Instant};

use gongkai_store::testing::ENGINES;
use gongkai_web::api::ApiDoc;
use serde_json::{Value, json};
use support::{App, Session, must, spawn_app};
use utoipa::OpenApi;

#[test]
fn the_document_is_the_reviewed_snapshot() {
    insta::assert_snapshot!("openapi", must(ApiDoc::openapi().to_pretty_json()));
}

/// A valid call of one documented operation.
struct Example {
    /// Values of the path's `{parameters}`.
    path: Vec<(&'static str, String)>,
    /// The query string's pairs.
    query: Vec<(&'static str, &'static str)>,
    /// The JSON body of a POST.
    body: Option<Value>,
    /// The status a valid call answers with.
    status: u16,
}

impl Example {
    fn get(path: Vec<(&'static str, String)>, query: Vec<(&'static str, &'static str)>) -> Self {
        Self {
            path,
            query,
            body: None,
            status: 200,
        }
    }

    fn post(body: Value) -> Self {
        Self {
            path: Vec::new(),
            query: Vec::new(),
            body: Some(body),
            status: 201,
        }
    }
}

/// The title of the published policy every read operation finds.
const TITLE: &str = "乌恰县政务公开工作规范";

/// A search that finds the policy and its interpretation.
const QUERY: &str = "政务公开工作规范";

/// A valid example for each operation, by `operationId`. A new operation in the document fails
/// the conformance test until it has one here.
fn example(operation: &str, index_no: &str) -> Option<Example> {
    Some(match operation {
        "health" | "list_organisations" => Example::get(Vec::new(), Vec::new()),
        "list_records" => Example::get(Vec::new(), vec![("org", "WQX004"), ("per_page", "5")]),
        "get_record" => Example::get(vec![("index_no", index_no.to_owned())], Vec::new()),
        "search" => Example::get(Vec::new(), vec![("q", QUERY)]),
        "submit_application" => Example::post(json!({
            "org": "WQX004", "applicant_kind": "natural", "name": "张三",
            "id_number": "11010519491231002X", "phone": "13912345678",
            "email": "zhangsan@example.com", "description": "2025年度专项资金使用情况",
            "delivery": "email", "secret": "chaxun-123",
        })),
        "submit_message" => Example::post(json!({
            "to": "WQX004", "kind": "suggest", "title": "建议公开专项资金使用情况",
            "content": "建议按季度公开专项资金的使用情况。", "name": "王五",
            "phone": "13911112222", "secret": "chaxun-789",
        })),
        _ => return None,
    })
}

/// Every object schema with properties is closed (`additionalProperties: false`) unless it says
/// otherwise, so a field the handler writes but the document does not name fails as well as a
/// named field the handler leaves out.
fn closed(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(closed);
        }
        Value::Array(items) => items.iter_mut().for_each(closed),
        _ => {}
    }
}

/// Checks `body` against the schema `operation` declares for `status`; `$ref`s resolve into the
/// document's `components`. Returns every problem found.
fn check(doc: &Value, operation: &Value, status: u16, body: &Value) -> Vec<String> {
    let response = &operation["responses"][status.to_string()];
    let Some(schema) = response["content"]["application/json"]["schema"].as_object() else {
        return vec![format!("the document declares no JSON body for {status}")];
    };
    let mut root = Value::Object(schema.clone());
    root["components"] = doc["components"].clone();
    closed(&mut root);
    validate(&root, body)
}

/// Checks a request `body` against the schema `operation` declares for its request body (left
/// open: the server ignores fields it does not know).
fn check_request(doc: &Value, operation: &Value, body: &Value) -> Vec<String> {
    let Some(schema) =
        operation["requestBody"]["content"]["application/json"]["schema"].as_object()
    else {
        return vec!["the document declares no JSON request body".to_owned()];
    };
    let mut root = Value::Object(schema.clone());
    root["components"] = doc["components"].clone();
    validate(&root, body)
}

fn validate(root: &Value, body: &Value) -> Vec<String> {
    let validator = must(
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(root),
    );
    validator
        .iter_errors(body)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Sends one call; returns the status and the JSON body.
async fn call(
    c: &reqwest::Client,
    method: &str,
    url: &str,
    query: &[(&str, &str)],
    body: Option<&Value>,
) -> (u16, Value) {
    let url = format!("{url}?{}", must(serde_urlencoded::to_string(query)));
    let request = match (method, body) {
        ("get", _) => c.get(&url),
        ("post", Some(body)) => c.post(&url).json(body),
        _ => panic!("{method} {url}: no way to call it"),
    };
    let r = must(request.send().await);
    let status = r.status().as_u16();
    let text: String = must(r.text().await);
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{method} {url} answered {status} without JSON ({e}): {text}"));
    (status, json)
}

/// Publishes a policy and its interpretation; returns the policy's 索引号 once search finds both.
async fn published(app: &App) -> String {
    let editor = Session::login(app, "editor").await;
    let reviewer = Session::login(app, "reviewer").await;
    let policy = crate::support::records::publish_via(
        app,
        &editor,
        &reviewer,
        TITLE,
        vec![("kind", "policy".into())],
    )
    .await;
    let index_no = policy.index_no.unwrap_or_default();
    crate::support::records::publish_via(
        app,
        &editor,
        &reviewer,
        &format!("{TITLE}解读"),
        vec![
            ("kind", "interpretation".into()),
            ("interprets", index_no.clone()),
        ],
    )
    .await;
    let url = format!("{}/api/v1/search", app.base);
    let started = Instant::now();
    loop {
        let (_, found) = call(&reqwest::Client::new(), "get", &url, &[("q", QUERY)], None).await;
        if found["total"] == 2 {
            return index_no;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "search never found both records: {found}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_documented_operation_answers_as_its_schema_says() {
    let generated = must(serde_json::to_value(ApiDoc::openapi()));
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let index_no = published(&app).await;
        let c = reqwest::Client::new();
        let (status, doc) = call(
            &c,
            "get",
            &format!("{}/api/v1/openapi.json", app.base),
            &[],
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(doc, generated, "the served document is the generated one");
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        assert!(paths.len() >= 7, "{engine:?}: {paths:?}");
        let mut problems = Vec::new();
        let mut called = 0;
        for (template, item) in &paths {
            for (method, operation) in item.as_object().cloned().unwrap_or_default() {
                let id = operation["operationId"].as_str().unwrap_or_default();
                let ex = example(id, &index_no).unwrap_or_else(|| {
                    panic!("{method} {template} ({id:?}) has no example in tests/openapi.rs")
                });
                let mut path = template.clone();
                for (name, value) in &ex.path {
                    path = path.replace(&format!("{{{name}}}"), value);
                }
                assert!(
                    !path.contains('{'),
                    "{id}: no value for a parameter of {path}"
                );
                let url = format!("{}{path}", app.base);
                if let Some(body) = &ex.body {
                    problems.extend(
                        check_request(&doc, &operation, body)
                            .into_iter()
                            .map(|p| format!("{id} request: {p}")),
                    );
                }
                let (status, body) = call(&c, &method, &url, &ex.query, ex.body.as_ref()).await;
                called += 1;
                if status != ex.status {
                    problems.push(format!("{id}: {status}, not {}: {body}", ex.status));
                    continue;
                }
                problems.extend(
                    check(&doc, &operation, status, &body)
                        .into_iter()
                        .map(|p| format!("{id} {status}: {p}")),
                );
                if method == "post" {
                    let (status, body) = call(&c, &method, &url, &[], Some(&json!({}))).await;
                    assert_eq!(status, 400, "{id} with an empty body: {body}");
                    assert_eq!(body["error"]["code"], "invalid_input", "{id}");
                    assert!(
                        body["error"]["fields"]
                            .as_object()
                            .is_some_and(|f| !f.is_empty()),
                        "{id}: {body}"
                    );
                    problems.extend(
                        check(&doc, &operation, status, &body)
                            .into_iter()
                            .map(|p| format!("{id} {status}: {p}")),
                    );
                }
            }
        }
        assert!(called >= 7, "{engine:?}: only {called} operations");
        assert!(problems.is_empty(), "{engine:?}:\n{}", problems.join("\n"));

        // Search takes the same kind codes as the list (the index holds the labels).
        let url = format!("{}/api/v1/search", app.base);
        let (status, found) = call(
            &c,
            "get",
            &url,
            &[("q", QUERY), ("kind", "policy"), ("sort", "date")],
            None,
        )
        .await;
        assert_eq!(status, 200, "{found}");
        assert_eq!(found["total"], 1, "{engine:?}: {found}");
        assert_eq!(found["hits"][0]["index_no"], index_no.as_str(), "{found}");

        // A refusal the middleware writes (an unknown 索引号) has the declared error shape too.
        let show = &doc["paths"]["/api/v1/records/{index_no}"]["get"];
        let url = format!("{}/api/v1/records/WQX004-2026-999999", app.base);
        let (status, body) = call(&c, "get", &url, &[], None).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(check(&doc, show, status, &body), Vec::<String>::new());
    }
}

#[tokio::test]
async fn parameters_out_of_range_or_outside_their_set_answer_400_with_their_code() {
    let doc = must(serde_json::to_value(ApiDoc::openapi()));
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let c = reqwest::Client::new();
        #[rustfmt::skip]
        let cases = [
            ("/api/v1/records", ("per_page", "101"), "api.per_page_invalid"),
            ("/api/v1/records", ("per_page", "0"), "api.per_page_invalid"),
            ("/api/v1/records", ("page", "0"), "api.page_invalid"),
            ("/api/v1/records", ("page", "100001"), "page.number_too_large"),
            ("/api/v1/records", ("year", "26"), "api.year_invalid"),
            ("/api/v1/records", ("year", "最近"), "api.year_invalid"),
            ("/api/v1/records", ("kind", "政策文件"), "api.kind_invalid"),
            ("/api/v1/records", ("column", "nosuch"), "column.unknown"),
            ("/api/v1/search", ("per_page", "500"), "api.per_page_invalid"),
            ("/api/v1/search", ("page", "-1"), "api.page_invalid"),
            ("/api/v1/search", ("year", "abc"), "api.year_invalid"),
            ("/api/v1/search", ("sort", "newest"), "api.sort_invalid"),
            ("/api/v1/search", ("kind", "政策文件"), "api.kind_invalid"),
            ("/api/v1/search", ("validity", "有效"), "api.validity_invalid"),
            ("/api/v1/search", ("scope", "body"), "api.scope_invalid"),
        ];
        for (path, pair, code) in cases {
            let (status, body) =
                call(&c, "get", &format!("{}{path}", app.base), &[pair], None).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (400, Some(code)),
                "{engine:?} {path}?{}={}: {body}",
                pair.0,
                pair.1
            );
            let operation = &doc["paths"][path]["get"];
            assert_eq!(check(&doc, operation, 400, &body), Vec::<String>::new());
        }
        // The edges of the ranges and the codes of the sets are accepted.
        for (path, pair) in [
            ("/api/v1/records", ("per_page", "100")),
            ("/api/v1/records", ("kind", "policy")),
            ("/api/v1/records", ("year", "2026")),
            ("/api/v1/search", ("per_page", "1")),
            ("/api/v1/search", ("validity", "valid")),
            ("/api/v1/search", ("scope", "title")),
            ("/api/v1/search", ("sort", "relevance")),
        ] {
            let (status, body) =
                call(&c, "get", &format!("{}{path}", app.base), &[pair], None).await;
            assert_eq!(
                status, 200,
                "{engine:?} {path}?{}={}: {body}",
                pair.0, pair.1
            );
        }
    }
}

#[test]
fn the_request_schemas_state_the_rules_the_handlers_enforce() {
    let doc = must(serde_json::to_value(ApiDoc::openapi()));
    let apply = &doc["paths"]["/api/v1/applications"]["post"];
    let write = &doc["paths"]["/api/v1/messages"]["post"];
    let Some(Example {
        body: Some(application), ..
    }) = example("submit_application", "")
    else {
        panic!("no application example");
    };
    let Some(Example { body: Some(message), .. }) = example("submit_message", "") else {
        panic!("no message example");
    };
    assert_eq!(
        check_request(&doc, apply, &application),
        Vec::<String>::new()
    );
    assert_eq!(check_request(&doc, write, &message), Vec::<String>::new());
    let with = |body: &Value, field: &str, value: Value| {
        let mut body = body.clone();
        body[field] = value;
        body
    };
    let without = |body: &Value, field: &str| {
        let mut body = body.clone();
        body.as_object_mut().map(|o| o.remove(field));
        body
    };
    // Each of these is refused by the handler with 400 (a label where a code goes and an unknown
    // field are read or ignored, but the document promises codes and names every field), so the
    // document must not call it valid.
    #[rustfmt::skip]
    let refused_applications = [
        ("an ID number with a 31st of February", with(&application, "id_number", json!("110105194902310021"))),
        ("a natural person without an ID number", without(&application, "id_number")),
        ("delivery by e-mail without an e-mail address", without(&application, "email")),
        ("delivery by post without an address", with(&application, "delivery", json!("post"))),
        ("an organisation without a credit code", with(&application, "applicant_kind", json!("commercial"))),
        ("a label for a code", with(&application, "delivery", json!("电子邮件"))),
        ("a short phone", with(&application, "phone", json!("123"))),
        ("a blank name", with(&application, "name", json!(" \u{3000}"))),
        ("four characters of description", with(&application, "description", json!("  专项资金\n"))),
        ("a NUL in a name", with(&application, "name", json!("张\u{0}三"))),
        ("a five-character password", with(&application, "secret", json!("12345"))),
        ("an unknown field", with(&application, "extra", json!("x"))),
    ];
    #[rustfmt::skip]
    let refused_messages = [
        ("no recipient", without(&message, "to")),
        ("an unknown kind", with(&message, "kind", json!("praise"))),
        ("a title of 101 characters", with(&message, "title", json!("题".repeat(101)))),
        ("content of four characters", with(&message, "content", json!("建议公开"))),
        ("a malformed e-mail", with(&message, "email", json!("wang@localhost"))),
    ];
    let refused = (refused_applications.map(|(what, body)| (apply, "application", what, body)))
        .into_iter()
        .chain(refused_messages.map(|(what, body)| (write, "message", what, body)));
    for (operation, kind, what, body) in refused {
        assert!(
            !check_request(&doc, operation, &body).is_empty(),
            "{kind} with {what}"
        );
    }
    // And what the handler accepts beyond the example stays valid.
    for body in [
        with(&application, "phone", json!("0908-1234567")),
        with(&application, "description", json!(" 五个字的描述 ")),
        with(
            &with(&application, "delivery", json!("post")),
            "address",
            json!("乌恰县人民路 1 号"),
        ),
    ] {
        assert_eq!(
            check_request(&doc, apply, &body),
            Vec::<String>::new(),
            "{body}"
        );
    }
    let head = with(&message, "to", json!("head"));
    assert_eq!(check_request(&doc, write, &head), Vec::<String>::new());
}
