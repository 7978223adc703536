//! Commenting on a consultation through `gongkai_service::comments::submit`.

use chrono::{Duration, Utc};
use gongkai_domain::consultation::{ConsultationAction, Period};
use gongkai_service::comments::{self, CommentForm};
use gongkai_store::consultations::{self, Consultation, NewConsultation};
use gongkai_store::{Actor, Store, orgs};

use crate::support::{
    PER_HOUR, assert_throttled, counties, intake, last_actions, must, refused_fields, written,
};

const DRAFT: &str = "第一章 总则\n第一条 为了规范补贴发放，制定本办法。\n第二条 本办法适用于本县。";

/// An open consultation on [`DRAFT`].
async fn open_consultation(store: &Store) -> Consultation {
    let site = must(orgs::sites(store).await).remove(0);
    let opens = Utc::now() - Duration::hours(1);
    let period = must(Period::parse(opens, Period::default_closing(opens), ""));
    let new = NewConsultation {
        org_id: site.id,
        title: "乌恰县惠民补贴发放办法（征求意见稿）".into(),
        draft_text: DRAFT.into(),
        background: "背景".into(),
        basis: "依据".into(),
        main_content: "主要内容".into(),
        contact: "电话 0908-1234567".into(),
        period,
    };
    let id = must(consultations::create(store, &Actor::system(), None, &new).await);
    must(
        consultations::transition(
            store,
            &Actor::system(),
            id,
            ConsultationAction::Open,
            Utc::now(),
        )
        .await,
    );
    must(consultations::get(store, id).await)
}

fn form(article: &str) -> CommentForm {
    CommentForm {
        article: article.into(),
        body: "建议明确补贴的发放标准和时限。".into(),
        ..CommentForm::default()
    }
}

#[tokio::test]
async fn a_valid_comment_is_stored_for_moderation_and_audited() {
    for (engine, _db, store) in counties().await {
        let c = open_consultation(&store).await;
        let before = written(&store).await;
        let submitted = must(comments::submit(intake(&store), &c, &form("2")).await);
        let submitted = submitted.unwrap_or_else(|e| panic!("{engine:?}: {e:?}"));
        assert_eq!(submitted.article, "第二条", "{engine:?}");
        assert!(!submitted.receipt.repeated, "{engine:?}");
        let stored = must(consultations::comments(&store, c.id).await);
        assert_eq!(stored.len(), 1, "{engine:?}");
        assert_eq!(stored[0].article_no, 2, "{engine:?}");
        assert_eq!(written(&store).await.0, before.0 + 1, "{engine:?}");
        assert_eq!(
            last_actions(&store, 1).await,
            ["consultation.comment"],
            "{engine:?}"
        );
        let whole = must(comments::submit(intake(&store), &c, &form("0")).await);
        assert_eq!(
            whole.map(|s| s.article),
            Ok("全文".to_owned()),
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn an_invalid_comment_writes_nothing() {
    for (engine, _db, store) in counties().await {
        let c = open_consultation(&store).await;
        let before = written(&store).await;
        let bad = CommentForm {
            body: "好".into(),
            ..form("9")
        };
        let errors = must(comments::submit(intake(&store), &c, &bad).await);
        assert_eq!(refused_fields(errors), ["body"], "{engine:?}");
        // After closing only that is said.
        let late = gongkai_service::Intake {
            now: c.closes_at,
            ..intake(&store)
        };
        let errors = must(comments::submit(late, &c, &form("2")).await);
        let errors = errors.err().unwrap_or_default();
        assert!(
            errors.get("body").is_some_and(|m| m.contains("截止")),
            "{engine:?}: {errors:?}"
        );
        assert_eq!(written(&store).await, before, "{engine:?}");
        assert!(
            must(consultations::comments(&store, c.id).await).is_empty(),
            "{engine:?}"
        );
    }
}

#[tokio::test]
async fn the_address_is_refused_past_its_hourly_limit() {
    for (engine, _db, store) in counties().await {
        let c = open_consultation(&store).await;
        for _ in 0..PER_HOUR {
            let ok = must(comments::submit(intake(&store), &c, &form("1")).await);
            assert!(ok.is_ok(), "{engine:?}: {ok:?}");
        }
        let refused = comments::submit(intake(&store), &c, &form("1")).await;
        assert_throttled(refused, "条意见", engine);
        let stored = must(consultations::comments(&store, c.id).await);
        assert_eq!(stored.len() as i64, PER_HOUR, "{engine:?}");
    }
}
