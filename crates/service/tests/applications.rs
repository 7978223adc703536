//! Submitting an application through `gongkai_service::applications::submit`.

use std::sync::atomic::{AtomicUsize, Ordering};

use gongkai_service::Files;
use gongkai_service::applications::{self, ApplyForm};
use gongkai_store::applications as stored;

use crate::support::{
    PER_HOUR, assert_throttled, assert_wrote, assert_wrote_nothing, counted_files, counties,
    intake, must, refused_fields, written,
};

fn form() -> ApplyForm {
    ApplyForm {
        org: "WQX002".into(),
        applicant_kind: "natural".into(),
        name: "李四".into(),
        id_number: "11010519491231002X".into(),
        phone: "13900000000".into(),
        description: "申请公开某项目的批复文件".into(),
        delivery: "download".into(),
        secret: "chaxun-123".into(),
        secret_again: "chaxun-123".into(),
        ..ApplyForm::default()
    }
}

#[tokio::test]
async fn a_valid_application_is_stored_with_its_files_audit_and_feed() {
    for (engine, _db, store) in counties().await {
        let before = written(&store).await;
        let calls = AtomicUsize::new(0);
        let submitted =
            must(applications::submit(intake(&store), &form(), counted_files(&calls, None)).await);
        let submitted = submitted.unwrap_or_else(|e| panic!("{engine:?}: {e:?}"));
        assert_eq!(submitted.org_name, "乌恰县财政局", "{engine:?}");
        assert!(!submitted.receipt.repeated, "{engine:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{engine:?}");
        let app = must(stored::by_tracking_code(&store, &submitted.receipt.tracking_code).await);
        assert_eq!(app.name, "李四", "{engine:?}");
        assert_eq!(
            must(stored::files(&store, app.id).await).len(),
            1,
            "{engine:?}"
        );
        assert_wrote(&store, before, (1, 1), "application.submit", engine).await;
    }
}

#[tokio::test]
async fn an_invalid_application_writes_nothing() {
    for (engine, _db, store) in counties().await {
        let before = written(&store).await;
        let calls = AtomicUsize::new(0);
        let bad = ApplyForm {
            org: "WQX999".into(),
            description: "批复".into(),
            secret_again: "another".into(),
            ..form()
        };
        let errors =
            must(applications::submit(intake(&store), &bad, counted_files(&calls, None)).await);
        assert_eq!(
            refused_fields(errors),
            ["description", "org", "secret_again"],
            "{engine:?}"
        );
        // A refused proof file refuses an otherwise valid form.
        let refused = Some("最多上传 3 个证明文件".to_owned());
        let errors = must(
            applications::submit(intake(&store), &form(), counted_files(&calls, refused)).await,
        );
        assert_eq!(refused_fields(errors), ["proof"], "{engine:?}");
        assert_wrote_nothing(&store, before, &calls, engine).await;
        let key = format!("apply:{}", crate::support::IP);
        let counted = gongkai_store::throttle::count(&store, &key, chrono::Duration::hours(1));
        assert_eq!(
            must(counted.await),
            0,
            "{engine:?}: refused forms are not counted"
        );
    }
}

#[tokio::test]
async fn a_repeated_form_returns_its_receipt_and_is_counted_once() {
    for (engine, _db, store) in counties().await {
        let repeated = ApplyForm {
            submission_key: "a1".repeat(32),
            ..form()
        };
        let mut codes = Vec::new();
        for _ in 0..PER_HOUR + 1 {
            let receipt = must(
                applications::submit(intake(&store), &repeated, Files::none())
                    .await
                    .map_err(|e| e.to_string()),
            );
            codes.push(
                must(receipt.map_err(|e| format!("{e:?}")))
                    .receipt
                    .tracking_code,
            );
        }
        assert!(
            codes.windows(2).all(|w| w[0] == w[1]),
            "{engine:?}: {codes:?}"
        );
        // Counted in the transaction that stored it: once, whatever the repeats.
        let counted = must(
            gongkai_store::throttle::count(&store, "apply:10.0.0.7", chrono::Duration::hours(1))
                .await,
        );
        assert_eq!(counted, 1, "{engine:?}");
        // The limit still holds for new forms: PER_HOUR − 1 more, then refused.
        for _ in 1..PER_HOUR {
            let ok = must(applications::submit(intake(&store), &form(), Files::none()).await);
            assert!(ok.is_ok(), "{engine:?}: {ok:?}");
        }
        let refused = applications::submit(intake(&store), &form(), Files::none()).await;
        assert_throttled(refused, &format!("最多提交 {PER_HOUR} 件申请"), engine);
    }
}

#[tokio::test]
async fn the_address_is_refused_past_its_hourly_limit() {
    for (engine, _db, store) in counties().await {
        for _ in 0..PER_HOUR {
            let ok = must(applications::submit(intake(&store), &form(), Files::none()).await);
            assert!(ok.is_ok(), "{engine:?}: {ok:?}");
        }
        let before = written(&store).await;
        let calls = AtomicUsize::new(0);
        let refused =
            applications::submit(intake(&store), &form(), counted_files(&calls, None)).await;
        assert_throttled(refused, &format!("最多提交 {PER_HOUR} 件申请"), engine);
        assert_wrote_nothing(&store, before, &calls, engine).await;
    }
}
