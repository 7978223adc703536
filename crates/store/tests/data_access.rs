//! 有条件开放 requests on both engines, beside the case kernel's tests: submitted with a tracking
//! code `SJ…` and a due date in working days (idempotent on the form's key), looked up with code
//! and password, decided once (a refusal needs its reason), the token kept only as its hash and
//! replaced when issued again, the granted count, the list with the pending first by due date,
//! and every step audited in the dataset's organisation's site.

use chrono::{NaiveDate, Utc};
use gongkai_domain::application::ApplicantKind;
use gongkai_domain::data_access::{AccessStatus, Decision, ValidAccess};
use gongkai_domain::dataset::{DatasetDraft, ReviewStep};
use gongkai_domain::role::Role;
use gongkai_domain::time::beijing_date;
use gongkai_store::cases;
use gongkai_store::data_access::{self, DataAccessRequest, NewDataAccess};
use gongkai_store::datasets::{self, Author};
use gongkai_store::testing::{ENGINES, add_orgs, add_staff};
use gongkai_store::throttle::Admission;
use gongkai_store::{Actor, Store, StoreError};

use crate::support::{count, county_on, must};

fn request(from: NaiveDate, to: NaiveDate) -> ValidAccess {
    ValidAccess {
        applicant_kind: ApplicantKind::Natural,
        name: "张三".into(),
        id_number: "11010519491231002X".into(),
        credit_code: String::new(),
        contact_person: String::new(),
        phone: "13800138000".into(),
        email: String::new(),
        purpose: "研究低保救助覆盖情况".into(),
        intended_use: "仅用于内部统计分析".into(),
        period_from: from,
        period_to: to,
    }
}

async fn submit(
    store: &Store,
    dataset_id: i64,
    key: &str,
    today: NaiveDate,
) -> data_access::Receipt {
    let new = NewDataAccess {
        submission_key: key.into(),
        dataset_id,
        request: request(today, today + chrono::Days::new(30)),
        secret: "chaxun-mima".into(),
    };
    match must(data_access::submit_within(store, &new, Utc::now(), "10.0.0.1", &[]).await) {
        Admission::Stored(r) => r,
        Admission::OverLimit(_) => panic!("no limits were given"),
    }
}

#[tokio::test]
async fn a_request_is_received_decided_and_its_token_kept_as_a_hash() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        add_orgs(&store, &[("WQX004", "乌恰县财政局", Some("WQX001"))]).await;
        let editor_id = add_staff(&store, "editor", "编辑", "WQX004", vec![Role::Editor]).await;
        let reviewer_id =
            add_staff(&store, "reviewer", "审核", "WQX004", vec![Role::Reviewer]).await;
        let finance: i64 = must(
            sqlx::query_scalar("SELECT id FROM organisations WHERE code = 'WQX004'")
                .fetch_one(store.pool())
                .await,
        );
        let new = must(
            DatasetDraft {
                name: "wqx-cond".into(),
                title: "低保对象明细".into(),
                license_id: "cc-by".into(),
                frequency: "monthly".into(),
                openness: "conditional".into(),
                conditions: "仅向科研机构开放".into(),
                ..DatasetDraft::default()
            }
            .check()
            .map_err(|e| format!("{e:?}")),
        );
        let editor = Actor::user("editor", "::1");
        let author = Author {
            id: editor_id,
            name: "editor".into(),
        };
        let d =
            must(datasets::create(&store, &editor, &author, county.id, finance, &new, true).await);
        let reviewer = Actor::user("reviewer", "::1");
        must(
            datasets::step(
                &store,
                &reviewer,
                reviewer_id,
                d.id,
                ReviewStep::Approve,
                "",
            )
            .await,
        );

        let today = beijing_date(Utc::now());
        let first = submit(&store, d.id, &"a".repeat(64), today).await;
        assert!(first.tracking_code.starts_with("SJ"), "{engine:?}");
        assert_eq!(first.limit_working_days, 10);
        let calendar = must(gongkai_store::calendar::load(&store).await);
        let due = calendar
            .due_date_or_provisional(today, 10, None)
            .ok()
            .map(|d| d.0);
        assert_eq!(first.due_on, due);
        // The same form again: the first receipt, nothing stored twice.
        let again = submit(&store, d.id, &"a".repeat(64), today).await;
        assert!(again.repeated);
        assert_eq!(again.tracking_code, first.tracking_code);
        assert_eq!(
            count(&store, "SELECT COUNT(*) FROM data_access_requests").await,
            1
        );

        // Lookup by code and password through the case kernel.
        let found: Option<DataAccessRequest> =
            must(cases::lookup(&store, &first.tracking_code, "chaxun-mima").await);
        let r = found.unwrap_or_else(|| panic!("{engine:?}: not found"));
        assert_eq!(
            (r.status, r.dataset_title.as_str()),
            (AccessStatus::Pending, "低保对象明细")
        );
        let wrong: Option<DataAccessRequest> =
            must(cases::lookup(&store, &first.tracking_code, "wrong-pass").await);
        assert!(wrong.is_none());

        // A second request, due later: the pending list is by due date.
        let second = submit(&store, d.id, &"b".repeat(64), today).await;
        let listed = must(data_access::for_orgs(&store, &[finance]).await);
        assert_eq!(listed.len(), 2);

        // A token is only for an approved request.
        assert!(data_access::issue_token(&store, r.id, "::1").await.is_err());

        // A refusal needs its reason; an approval is decided once.
        let handler = Actor::user("handler", "::1");
        let blank = data_access::decide(
            &store,
            &handler,
            r.id,
            &Decision::Refuse { reason: " ".into() },
            today,
        )
        .await;
        assert!(matches!(blank, Err(StoreError::Domain(_))), "{blank:?}");
        let until = today + chrono::Days::new(60);
        let approved = must(
            data_access::decide(
                &store,
                &handler,
                r.id,
                &Decision::Approve { from: today, to: until },
                today,
            )
            .await,
        );
        assert_eq!(approved.status, AccessStatus::Approved);
        assert_eq!(approved.granted_to, Some(until));
        let twice = data_access::decide(
            &store,
            &handler,
            r.id,
            &Decision::Refuse {
                reason: "迟到的理由".into(),
            },
            today,
        )
        .await;
        assert!(matches!(twice, Err(StoreError::Domain(_))), "{twice:?}");
        assert_eq!(must(data_access::granted_count(&store, d.id).await), 1);

        // The token: stored only as its hash, found by it, replaced when issued again.
        let token = must(data_access::issue_token(&store, r.id, "::1").await);
        assert!(token.starts_with("sj_"));
        let stored: String = must(
            sqlx::query_scalar("SELECT token_hash FROM data_access_requests WHERE id = $1")
                .bind(r.id)
                .fetch_one(store.pool())
                .await,
        );
        assert_ne!(stored, token);
        assert_eq!(stored.len(), 64);
        let holder = must(data_access::by_token(&store, &token).await);
        assert_eq!(holder.map(|h| h.id), Some(r.id));
        let newer = must(data_access::issue_token(&store, r.id, "::1").await);
        assert!(must(data_access::by_token(&store, &token).await).is_none());
        assert!(must(data_access::by_token(&store, &newer).await).is_some());

        // Refused with its reason.
        let other =
            must(cases::by_tracking_code::<DataAccessRequest>(&store, &second.tracking_code).await);
        let refused = must(
            data_access::decide(
                &store,
                &handler,
                other.id,
                &Decision::Refuse {
                    reason: "不符合开放条件".into(),
                },
                today,
            )
            .await,
        );
        assert_eq!(
            (refused.status, refused.refusal_reason.as_str()),
            (AccessStatus::Refused, "不符合开放条件")
        );
        assert_eq!(must(data_access::granted_count(&store, d.id).await), 1);

        // Every step audited in the county's site.
        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'data_access.%' AND site_id IS NOT NULL",
        )
        .await;
        assert_eq!(
            audited, 6,
            "{engine:?}: 2 submissions, 2 decisions, 2 tokens"
        );
    }
}
