//! Shared fixtures for the web crate's HTTP tests: a real server on a random port against a
//! throwaway database with a county, a department and staff in every role, and a signed-in
//! HTTP session that carries the CSRF token.

#![allow(dead_code)]

use std::net::SocketAddr;

pub mod records;

use gongkai_domain::role::Role;
use gongkai_store::testing::{TestDb, add_staff};
use gongkai_store::{Actor, Engine, Store};
use gongkai_web::{AppState, WebConfig};
use reqwest::StatusCode;
use reqwest::redirect::Policy;

pub const PASSWORD: &str = gongkai_store::testing::STAFF_PASSWORD;

pub struct App {
    pub base: String,
    pub store: Store,
    pub db: TestDb,
    pub state: AppState,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

pub use gongkai_store::testing::add_orgs;

impl App {
    /// Stores the site setting `key` as `actor` would.
    pub async fn set_setting(&self, actor: &Actor, key: &str, value: &str) {
        must(gongkai_store::settings::set(&self.store, actor, key, value).await);
    }

    /// The page at `path` as a visitor without cookies sees it.
    pub async fn page(&self, path: &str) -> String {
        must(
            must(reqwest::get(format!("{}{path}", self.base)).await)
                .text()
                .await,
        )
    }

    /// The JSON answer at `path` for a visitor without cookies.
    pub async fn json(&self, path: &str) -> serde_json::Value {
        must(
            must(reqwest::get(format!("{}{path}", self.base)).await)
                .json()
                .await,
        )
    }
}

/// The value of the answer's header `name` (empty when it has none or it is not text).
pub fn header(r: &reqwest::Response, name: impl reqwest::header::AsHeaderName) -> String {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

pub async fn spawn_app(engine: Engine, max_upload: usize) -> App {
    spawn_app_with(engine, |c| c.max_upload_bytes = max_upload).await
}

/// A test app whose calendar has no data for 2027 yet (the harness imports a 2027 fixture;
/// this deployment has not had it), so deadlines across the new year are provisional.
pub async fn spawn_app_without_2027(engine: Engine) -> App {
    let app = spawn_app(engine, 1024 * 1024).await;
    must(
        sqlx::query("DELETE FROM calendar_years WHERE year = 2027")
            .execute(app.store.pool())
            .await,
    );
    app
}

/// The instant `hour`:00 UTC on the given day.
pub fn utc_at(year: i32, month: u32, day: u32, hour: u32) -> chrono::DateTime<chrono::Utc> {
    must(
        chrono::NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_opt(hour, 0, 0))
            .ok_or("date"),
    )
    .and_utc()
}

/// The administrator imports 2027 with 元旦 (1 January) off, through the calendar page.
pub async fn import_2027_new_year(app: &App) {
    let admin = Session::login(app, "admin").await;
    let json =
        r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#;
    let r = admin
        .post("/admin/calendar", &[("region", ""), ("json", json)])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        app.store.engine()
    );
}

/// Asserts that a recent audit entry `action` recorded the case `code`'s deadline as final.
pub async fn assert_recomputed_final(app: &App, action: &str, code: &str) {
    let audit = must(gongkai_store::audit::recent(&app.store, 5, None).await);
    assert!(
        audit.iter().any(|e| e.action == action
            && e.detail.contains(code)
            && e.detail.contains("\"provisional\":false")),
        "{audit:?}"
    );
}

/// A fresh database on `engine` with the county (WQX001) and its finance bureau (WQX004).
pub async fn county_db(engine: Engine) -> (TestDb, Store) {
    let db = TestDb::new(engine).await;
    let store = must(Store::open(&db.url).await);
    add_orgs(
        &store,
        &[
            ("WQX001", "乌恰县人民政府", None),
            ("WQX004", "乌恰县财政局", Some("WQX001")),
        ],
    )
    .await;
    (db, store)
}

/// Serves `state` on a random local port until the returned [`App`] is dropped.
pub async fn serve(db: TestDb, store: Store, state: AppState) -> App {
    let listener = must(tokio::net::TcpListener::bind("127.0.0.1:0").await);
    let addr: SocketAddr = must(listener.local_addr());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(gongkai_web::serve(listener, state.clone(), async {
        let _ = rx.await;
    }));
    App {
        base: format!("http://{addr}"),
        state,
        store,
        db,
        shutdown: Some(tx),
    }
}

/// Starts the app with a configuration adjusted by `adjust`.
pub async fn spawn_app_with(engine: Engine, adjust: impl FnOnce(&mut WebConfig)) -> App {
    let (db, store) = county_db(engine).await;
    for (name, display_name, org, roles) in [
        ("editor", "editor", "WQX004", vec![Role::Editor]),
        ("editor2", "editor2", "WQX004", vec![Role::Editor]),
        ("reviewer", "reviewer", "WQX004", vec![Role::Reviewer]),
        ("handler", "handler", "WQX004", vec![Role::Handler]),
        (
            "office",
            "公开办",
            "WQX001",
            vec![Role::Supervisor, Role::OfficeHead],
        ),
        ("admin", "管理员", "WQX001", vec![Role::Admin]),
        // A reviewer who is also an editor, to prove the author-is-never-reviewer rule.
        ("both", "both", "WQX004", vec![Role::Editor, Role::Reviewer]),
    ] {
        add_staff(&store, name, display_name, org, roles).await;
    }
    // Test fixture, not official data: deadlines of applications received in late 2026 run
    // into 2027, whose schedule the State Council had not published when this was written.
    must(
        gongkai_store::calendar::import_year(
            &store,
            &Actor::system(),
            None,
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#,
        )
        .await,
    );
    let mut config = WebConfig {
        data_dir: db.dir.clone(),
        ..WebConfig::default()
    };
    adjust(&mut config);
    let state = must(AppState::new(store.clone(), config));
    serve(db, store, state).await
}

pub struct Session {
    pub c: reqwest::Client,
    pub base: String,
    pub token: String,
}

/// An editor and a reviewer of the finance bureau, signed in (the two people every record
/// needs: the author never reviews).
/// A fresh county on `engine` (1 MiB uploads) with its editor and reviewer signed in.
pub async fn county_with_editor_and_reviewer(engine: Engine) -> (App, Session, Session) {
    let app = spawn_app(engine, 1024 * 1024).await;
    let (editor, reviewer) = editor_and_reviewer(&app).await;
    (app, editor, reviewer)
}

pub async fn editor_and_reviewer(app: &App) -> (Session, Session) {
    (
        Session::login(app, "editor").await,
        Session::login(app, "reviewer").await,
    )
}

impl Session {
    pub async fn login(app: &App, user: &str) -> Self {
        let s = Self::anonymous(app).await;
        let r = must(
            s.c.post(format!("{}/admin/login", s.base))
                .form(&[
                    ("username", user),
                    ("password", PASSWORD),
                    ("csrf_token", &s.token),
                    ("next", "/admin"),
                ])
                .send()
                .await,
        );
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "login {user}");
        s
    }

    /// A visitor without an account, with the CSRF cookie and token of the home page.
    pub async fn anonymous(app: &App) -> Self {
        let c = must(
            reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build(),
        );
        let mut s = Self {
            c,
            base: app.base.clone(),
            token: String::new(),
        };
        s.token = s.token_from("/admin/login").await;
        s
    }

    /// Posts a multipart form (the CSRF token goes in the query string) with text fields and
    /// `(field, file name, bytes)` files.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: Vec<(&str, &str, Vec<u8>)>,
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes) in files {
            form = form.part(
                field.to_string(),
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        must(
            self.c
                .post(format!("{}{path}{sep}csrf_token={}", self.base, self.token))
                .multipart(form)
                .send()
                .await,
        )
    }

    /// The value of a hidden field on a page.
    pub async fn field_from(&self, path: &str, name: &str) -> String {
        hidden_value(&self.get_text(path).await, name)
    }

    pub async fn token_from(&self, path: &str) -> String {
        csrf_token(&self.get_text(path).await, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        must(self.c.get(format!("{}{path}", self.base)).send().await)
    }

    pub async fn get_text(&self, path: &str) -> String {
        must(self.get(path).await.text().await)
    }

    /// The status code of the page at `path`.
    pub async fn get_status(&self, path: &str) -> StatusCode {
        self.get(path).await.status()
    }

    /// The status code [`Session::post`] of `fields` to `path` answers with.
    pub async fn post_status(&self, path: &str, fields: &[(&str, &str)]) -> StatusCode {
        self.post(path, fields).await.status()
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &self.token));
        must(
            self.c
                .post(format!("{}{path}", self.base))
                .form(&form)
                .send()
                .await,
        )
    }

    pub async fn upload(&self, id: i64, name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        must(
            self.c
                .post(format!(
                    "{}/admin/records/{id}/attachments?csrf_token={}",
                    self.base, self.token
                ))
                .multipart(form)
                .send()
                .await,
        )
    }
}

/// The value of the form field `name` in `html` (empty when there is none).
pub fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.find(&marker)
        .map(|i| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

/// The number of hits the JSON search API reports for `q`, with the whole answer.
pub async fn search_total(base: &str, q: &str) -> (u64, String) {
    let url = format!(
        "{base}/api/v1/search?q={}",
        gongkai_web::view::urls::urlencode(q)
    );
    let text = must(must(reqwest::get(url).await).text().await);
    let v: serde_json::Value = must(serde_json::from_str(&text));
    (v["total"].as_u64().unwrap_or(0), text)
}

/// Waits (up to five seconds) until the search API reports `want` hits for `q`; returns how
/// long it took and the last answer.
pub async fn until_found(base: &str, q: &str, want: u64) -> (std::time::Duration, String) {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(5) {
        let (total, text) = search_total(base, q).await;
        if total == want {
            return (started.elapsed(), text);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("search for {q} never reached {want}");
}

/// The CSRF token in the hidden field of `html`, the page at `path`.
pub fn csrf_token(html: &str, path: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no csrf field on {path}"));
    html[start..start + 64].to_owned()
}

/// Asserts that `text` contains every one of `needles`, naming the first one missing.
#[track_caller]
pub fn assert_has_all(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} missing in {text}");
    }
}

/// Asserts that `text` does not contain `needle`; `why` says why it must not.
#[track_caller]
pub fn assert_lacks(text: &str, needle: &str, why: &str) {
    assert!(!text.contains(needle), "{why}: {needle:?} in {text}");
}

/// The tracking code a receipt page shows (empty when there is none).
pub fn code_in(html: &str) -> String {
    html.split("class=\"code\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .unwrap_or_default()
        .to_owned()
}

/// Waits until `done` holds, asking every 50 ms; fails with `what` once `within` has passed.
pub async fn wait_until(
    what: &str,
    within: std::time::Duration,
    mut done: impl AsyncFnMut() -> bool,
) {
    let started = std::time::Instant::now();
    while !done().await {
        assert!(started.elapsed() < within, "{what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A suggestion to the head's mailbox written by 赵六 on the site at `prefix` (`""` or
/// `/site/ATS001`), with its own submission key; the answer is the form's.
pub async fn write_suggestion(
    citizen: &Session,
    prefix: &str,
    title: &str,
    content: &str,
    phone: &str,
) -> reqwest::Response {
    let key = gongkai_store::sessions::random_token();
    let fields = [
        ("submission_key", key.as_str()),
        ("secret", "chaxun-456"),
        ("secret_again", "chaxun-456"),
        ("to", "head"),
        ("kind", "suggest"),
        ("title", title),
        ("name", "赵六"),
        ("content", content),
        ("phone", phone),
    ];
    citizen
        .post_multipart(&format!("{prefix}/hudong/write"), &fields, Vec::new())
        .await
}
