//! Scheduled publication: a record approved for a later time is announced on the change feed
//! once, when its time has passed (time injected).

use chrono::{Duration, Utc};
use gongkai_domain::record::{Disclosure, RecordInput, RecordMeta};
use gongkai_jobs::schedule::publish_due;
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, Store, feed, records};

use crate::support::{Setup, must, setup};

async fn approved(s: &Setup, title: &str, publish_at: chrono::DateTime<Utc>) -> i64 {
    let input = RecordInput {
        title,
        kind: "notice",
        ..Default::default()
    };
    let meta = RecordMeta::parse(&input, Utc::now().date_naive()).map_err(|e| format!("{e:?}"));
    let (body_html, body_text) = ("<p>正文</p>".to_owned(), "正文".to_owned());
    let content = records::Content {
        meta: must(meta),
        body_html,
        body_text,
        columns: vec!["tzgg".into()],
        interprets_id: None,
        interpretation_form: None,
    };
    let r = must(
        records::create_draft(&s.store, &Actor::system(), s.editor_id, s.org_id, &content).await,
    );
    must(records::submit(&s.store, &Actor::system(), s.editor_id, r.id).await);
    let approval = records::Approval {
        disclosure: Disclosure::Proactive,
        exemption: None,
        publish_at,
        screening_note: String::new(),
        secret_ground: None,
    };
    must(records::approve(&s.store, &Actor::system(), s.reviewer_id, r.id, &approval).await);
    r.id
}

async fn published_rows(store: &Store) -> Vec<String> {
    must(feed::since(store, 0, 10_000).await)
        .into_iter()
        .filter(|i| i.change == "published")
        .map(|i| format!("{}:{}", i.object_type, i.object_id))
        .collect()
}

#[tokio::test]
async fn a_scheduled_record_is_announced_once_when_its_time_passes() {
    for engine in ENGINES {
        let s = setup(engine).await;
        let t0 = Utc::now();
        let later = approved(&s, "定时发布的通知", t0 + Duration::hours(1)).await;
        approved(&s, "立即发布的通知", t0).await;
        // Before its time nothing is announced; the one published at once needs no announcement
        // (its approval already wrote to the feed).
        assert_eq!(must(publish_due(&s.store, t0).await), 0, "{engine:?}");
        assert_eq!(
            must(publish_due(&s.store, t0 + Duration::minutes(59)).await),
            0
        );
        assert!(published_rows(&s.store).await.is_empty());

        // When the time has passed, two nodes at once announce it once between them.
        let other = must(Store::open(&s.db.url).await);
        let now = t0 + Duration::hours(2);
        let (a, b) = tokio::join!(publish_due(&s.store, now), publish_due(&other, now));
        assert_eq!(must(a) + must(b), 1, "{engine:?}");
        assert_eq!(
            published_rows(&s.store).await,
            vec![format!("record:{later}")]
        );
        assert_eq!(
            must(publish_due(&s.store, now + Duration::days(1)).await),
            0
        );
        assert_eq!(published_rows(&s.store).await.len(), 1);
    }
}
