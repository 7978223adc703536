//! A throwaway database with a county, a department and two members of staff.

use gongkai_domain::application::{ApplicantKind, DeliveryForm};
use gongkai_domain::org::OrgCode;
use gongkai_domain::role::Role;
use gongkai_store::testing::{TestDb, add_orgs, add_staff};
use gongkai_store::{Engine, Store, applications, orgs};

pub fn must<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

pub struct Setup {
    pub db: TestDb,
    /// Writes mail to the outbox (as with SMTP configured).
    pub store: Store,
    /// The department.
    pub org_id: i64,
    pub editor_id: i64,
    pub reviewer_id: i64,
}

pub async fn setup(engine: Engine) -> Setup {
    let db = TestDb::new(engine).await;
    let store = must(Store::open(&db.url).await).with_outbox(true);
    let county = [
        ("WQX001", "乌恰县人民政府", None),
        ("WQX004", "乌恰县财政局", Some("WQX001")),
    ];
    add_orgs(&store, &county).await;
    let editor_id = add_staff(&store, "editor", "editor", "WQX004", vec![Role::Editor]).await;
    let reviewer_id = add_staff(
        &store,
        "reviewer",
        "reviewer",
        "WQX004",
        vec![Role::Reviewer],
    )
    .await;
    let org_id = must(orgs::by_code(&store, &must(OrgCode::parse("WQX004"))).await).id;
    Setup {
        db,
        store,
        org_id,
        editor_id,
        reviewer_id,
    }
}

/// Submits an application from `email`; its receipt goes to the outbox. Returns the
/// tracking code.
pub async fn apply(s: &Setup, email: &str) -> String {
    let new = applications::NewApplication {
        submission_key: gongkai_store::sessions::random_token(),
        org_id: s.org_id,
        applicant_kind: ApplicantKind::Natural,
        name: "张三".into(),
        id_number: "11010519491231002X".into(),
        credit_code: String::new(),
        contact_person: String::new(),
        phone: "13912345678".into(),
        email: email.into(),
        address: String::new(),
        postcode: String::new(),
        description: "申请公开2025年乌恰县财政局部门预算执行情况".into(),
        doc_hint: String::new(),
        delivery: DeliveryForm::Email,
        secret: "chaxun-123".into(),
        files: Vec::new(),
    };
    must(applications::submit(&s.store, &new, chrono::Utc::now(), "").await).tracking_code
}
