//! Throwaway databases for tests, on both engines (feature `testing`).
//!
//! SQLite gets a fresh folder under the system temp directory; PostgreSQL gets a fresh database
//! named by UUID on the server at `GONGKAI_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), dropped again when the handle is dropped.
//! PostgreSQL is never skipped silently: if it cannot be reached the test fails.

use std::path::PathBuf;

use sqlx::{Connection, Executor};

use crate::{Engine, sqlite_url_for_dir};

/// The admin URL of the test PostgreSQL server.
pub fn pg_admin_url() -> String {
    std::env::var("GONGKAI_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    /// Engine of the database.
    pub engine: Engine,
    /// URL to pass to `Store::open` or `--database-url`.
    pub url: String,
    /// A fresh data folder (also holds the SQLite file).
    pub dir: PathBuf,
    pg_name: Option<String>,
}

impl TestDb {
    /// Creates a fresh database on `engine`.
    pub async fn new(engine: Engine) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("gongkai-test-{id}"));
        if let Err(e) = std::fs::create_dir_all(&dir) {
            panic!("cannot create {}: {e}", dir.display());
        }
        match engine {
            Engine::Sqlite => Self {
                engine,
                url: sqlite_url_for_dir(&dir),
                dir,
                pg_name: None,
            },
            Engine::Postgres => {
                sqlx::any::install_default_drivers();
                let admin = pg_admin_url();
                let name = format!("gongkai_test_{id}");
                let mut conn = match sqlx::AnyConnection::connect(&admin).await {
                    Ok(c) => c,
                    Err(e) => panic!(
                        "PostgreSQL for tests is not reachable at {admin}: {e}. Start it or set GONGKAI_TEST_PG_URL."
                    ),
                };
                if let Err(e) = conn
                    .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                {
                    panic!("cannot create test database {name}: {e}");
                }
                let _ = conn.close().await;
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(b, _)| b)
                    .to_owned();
                Self {
                    engine,
                    url: format!("{base}/{name}"),
                    dir,
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.pg_name.take() {
            // Drop runs outside async code paths; use a short-lived runtime on its own thread.
            let admin = pg_admin_url();
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(mut conn) = sqlx::AnyConnection::connect(&admin).await {
                        let _ = conn
                            .execute(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            )))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

/// Both engines, for tests that run once per engine.
pub const ENGINES: [Engine; 2] = [Engine::Sqlite, Engine::Postgres];

/// Creates organisations `(code, name, parent code)` in order, as the command line would.
pub async fn add_orgs(store: &crate::Store, list: &[(&str, &str, Option<&str>)]) {
    use gongkai_domain::org::{OrgCode, OrgName};
    let code = |c: &str| OrgCode::parse(c).unwrap_or_else(|e| panic!("{e}"));
    for (c, name, parent) in list {
        let new = crate::orgs::NewOrganisation {
            code: code(c),
            name: OrgName::parse(name).unwrap_or_else(|e| panic!("{e}")),
            short_name: None,
            kind: None,
            parent: parent.map(code),
        };
        crate::orgs::create(store, &crate::Actor::system(), new)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

/// The password of every account [`add_staff`] creates.
pub const STAFF_PASSWORD: &str = "Test-2026-pass";

/// Creates an account `name` shown as `display_name` in the organisation `org` with `roles`
/// and the password [`STAFF_PASSWORD`]; returns its id.
pub async fn add_staff(
    store: &crate::Store,
    name: &str,
    display_name: &str,
    org: &str,
    roles: Vec<gongkai_domain::role::Role>,
) -> i64 {
    use gongkai_domain::org::OrgCode;
    use gongkai_domain::user::{DisplayName, NewPassword, Username};
    let username = Username::parse(name).unwrap_or_else(|e| panic!("{e}"));
    let new = crate::users::NewStaff {
        username: username.clone(),
        display_name: DisplayName::parse(display_name).unwrap_or_else(|e| panic!("{e}")),
        org: OrgCode::parse(org).unwrap_or_else(|e| panic!("{e}")),
        roles,
        password: NewPassword::parse(STAFF_PASSWORD).unwrap_or_else(|e| panic!("{e}")),
    };
    crate::users::create(store, &crate::Actor::system(), new)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    crate::users::by_username(store, &username)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .id
}

/// An application from 李四 (a natural person with a valid ID number and mobile) to
/// organisation `org_id` asking for `description`, by download, with the secret `chaxun-123`
/// and no files; a test changes what it needs with `..application(..)`.
pub fn application(org_id: i64, description: &str) -> crate::applications::NewApplication {
    use gongkai_domain::application::{ApplicantKind, DeliveryForm};
    crate::applications::NewApplication {
        submission_key: crate::sessions::random_token(),
        org_id,
        applicant_kind: ApplicantKind::Natural,
        name: "李四".into(),
        id_number: "11010519491231002X".into(),
        phone: "13912345678".into(),
        description: description.into(),
        delivery: DeliveryForm::Download,
        secret: "chaxun-123".into(),
        // What an application may leave empty.
        credit_code: String::new(),
        contact_person: String::new(),
        email: String::new(),
        address: String::new(),
        postcode: String::new(),
        doc_hint: String::new(),
        files: Vec::new(),
    }
}

/// Marks the application `tracking_code` replied on `on` with `outcome`, as if staff had
/// answered then (tests plant past replies this way instead of walking the clock).
pub async fn plant_reply(
    store: &crate::Store,
    tracking_code: &str,
    outcome: gongkai_domain::application::Outcome,
    on: chrono::NaiveDate,
) {
    sqlx::query(
        "UPDATE applications SET status = 'replied', outcome = $1, replied_on = $2
         WHERE tracking_code = $3",
    )
    .bind(outcome.code())
    .bind(on.to_string())
    .bind(tracking_code)
    .execute(store.pool())
    .await
    .unwrap_or_else(|e| panic!("{e}"));
}
