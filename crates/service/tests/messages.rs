//! Writing a message through `gongkai_service::messages::submit`.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;
use gongkai_service::messages::{self, HEAD_MAILBOX, PER_CONTACT_PER_DAY, WriteForm};
use gongkai_service::{Files, Intake, ServiceError};
use gongkai_store::StoreError;

use crate::support::{
    PER_HOUR, assert_throttled, assert_wrote, assert_wrote_nothing, counted_files, counties,
    intake, must, refused_fields, written,
};

fn form(n: usize) -> WriteForm {
    WriteForm {
        to: HEAD_MAILBOX.into(),
        kind: "suggest".into(),
        title: "关于增设公交站点的建议".into(),
        content: format!("建议在县人民医院门口增设第 {n} 个公交站点，方便群众就医。"),
        name: "张三".into(),
        phone: "13812345678".into(),
        allow_publish: "1".into(),
        secret: "chaxun-123".into(),
        secret_again: "chaxun-123".into(),
        ..WriteForm::default()
    }
}

#[tokio::test]
async fn a_valid_message_is_stored_with_its_audit_and_feed() {
    for (engine, _db, store) in counties().await {
        let before = written(&store).await;
        let calls = AtomicUsize::new(0);
        let receipt =
            must(messages::submit(intake(&store), &form(1), counted_files(&calls, None)).await);
        let receipt = receipt.unwrap_or_else(|e| panic!("{engine:?}: {e:?}"));
        assert_eq!(
            receipt.org_name, "县长信箱",
            "{engine:?}: the receipt names the mailbox"
        );
        assert!(
            receipt.held_reason.is_empty() && !receipt.repeated,
            "{engine:?}"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{engine:?}");
        assert_wrote(&store, before, (1, 1), "message.submit", engine).await;
        // To an office by its organ code.
        let office = WriteForm {
            to: "WQX002".into(),
            ..form(2)
        };
        let receipt = must(messages::submit(intake(&store), &office, Files::none()).await);
        let receipt = receipt.unwrap_or_else(|e| panic!("{engine:?}: {e:?}"));
        assert_eq!(receipt.org_name, "乌恰县财政局", "{engine:?}");
        // The same content again from the same phone is refused as a duplicate.
        let again = messages::submit(intake(&store), &form(1), Files::none()).await;
        assert!(
            matches!(again, Err(ServiceError::Store(StoreError::Conflict(_)))),
            "{engine:?}: {again:?}"
        );
    }
}

#[tokio::test]
async fn an_invalid_message_writes_nothing() {
    for (engine, _db, store) in counties().await {
        let before = written(&store).await;
        let calls = AtomicUsize::new(0);
        let bad = WriteForm {
            to: "WQX999".into(),
            kind: "x".into(),
            phone: "123".into(),
            secret: "123".into(),
            ..form(1)
        };
        let refused = Some("附件不接受压缩包，请上传 PDF、图片或 Word 文档".to_owned());
        let errors =
            must(messages::submit(intake(&store), &bad, counted_files(&calls, refused)).await);
        assert_eq!(
            refused_fields(errors),
            ["attachment", "kind", "phone", "secret", "to"],
            "{engine:?}"
        );
        assert_wrote_nothing(&store, before, &calls, engine).await;
    }
}

#[tokio::test]
async fn the_address_and_the_phone_are_refused_past_their_limits() {
    for (engine, _db, store) in counties().await {
        for n in 0..PER_HOUR as usize {
            let ok = must(messages::submit(intake(&store), &form(n), Files::none()).await);
            assert!(ok.is_ok(), "{engine:?}: {ok:?}");
        }
        let refused = messages::submit(intake(&store), &form(99), Files::none()).await;
        assert_throttled(refused, "同一网络地址", engine);
        // From other addresses the phone's daily limit still holds.
        let sent = PER_HOUR as usize;
        for n in sent..PER_CONTACT_PER_DAY as usize {
            let ip = format!("10.0.1.{n}");
            let elsewhere = Intake::new(&store, &ip, Utc::now(), PER_HOUR);
            let ok = must(messages::submit(elsewhere, &form(n), Files::none()).await);
            assert!(ok.is_ok(), "{engine:?}: {ok:?}");
        }
        let elsewhere = Intake::new(&store, "10.0.2.1", Utc::now(), PER_HOUR);
        let before = written(&store).await;
        let refused = messages::submit(elsewhere, &form(100), Files::none()).await;
        assert_throttled(refused, "同一联系电话", engine);
        assert_eq!(written(&store).await, before, "{engine:?}");
    }
}
