//! The outbox sender: backoff and giving up, sending again, two senders on one database.

use std::time::Duration;

use chrono::{DateTime, Utc};
use gongkai_domain::org::OrgCode;
use gongkai_domain::outbox::MailStatus;
use gongkai_domain::time::parse_storage_timestamp;
use gongkai_jobs::outbox::{Round, Sender};
use gongkai_jobs::testing::{SmtpSink, free_port};
use gongkai_jobs::{Mailer, SmtpConfig};
use gongkai_store::outbox::{self, OutboxMail};
use gongkai_store::testing::ENGINES;
use gongkai_store::{Actor, Store, StoreError, orgs};

use crate::support::{Setup, apply, must, setup};

fn mailer(port: u16) -> Mailer {
    let cfg = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "乌恰县人民政府办公室 <gongkai@example.gov.cn>".into(),
        security: "none".into(),
        ..SmtpConfig::default()
    };
    must(Mailer::from_config(&cfg))
        .unwrap_or_else(|| panic!("no mailer"))
        .with_timeout(Duration::from_secs(5))
}

async fn site(s: &Setup) -> i64 {
    must(orgs::by_code(&s.store, &must(OrgCode::parse("WQX001"))).await).id
}

async fn unsent(s: &Setup) -> Vec<OutboxMail> {
    must(outbox::unsent(&s.store, &[site(s).await]).await)
}

/// A round that sent, will retry and gave up on so many mails.
fn round(sent: usize, retrying: usize, failed: usize) -> Round {
    Round { sent, retrying, failed }
}

fn at(stamp: &str) -> DateTime<Utc> {
    parse_storage_timestamp(stamp).unwrap_or_else(|| panic!("bad timestamp {stamp}"))
}

#[tokio::test]
async fn a_failing_server_is_retried_with_backoff_then_given_up_and_sent_again() {
    for engine in ENGINES {
        let s = setup(engine).await;
        let code = apply(&s, "zhangsan@example.com").await;
        let [mail] = &unsent(&s).await[..] else {
            panic!("{engine:?}: one receipt in the outbox");
        };
        assert_eq!((mail.status, mail.attempts), (MailStatus::Pending, 0));
        assert!(mail.subject.contains(&code) && mail.recipient == "zhangsan@example.com");

        // Nothing listens on this port: every attempt fails at once.
        let sender = Sender::new(s.store.clone(), mailer(free_port()));
        let t0 = Utc::now();
        assert_eq!(must(sender.send_due(t0).await), round(0, 1, 0));
        let after_first = must(outbox::get(&s.store, mail.id).await);
        assert_eq!(after_first.status, MailStatus::Pending, "{engine:?}");
        assert_eq!(after_first.attempts, 1);
        assert!(!after_first.last_error.is_empty());
        let wait = at(&after_first.next_attempt_at) - t0;
        assert!(
            wait >= chrono::Duration::minutes(1) && wait < chrono::Duration::minutes(2),
            "{wait:?}"
        );
        // Not due yet: nothing is tried.
        assert_eq!(must(sender.send_due(t0).await), Round::default());

        // Each later attempt waits longer: 5 min, 30 min, 2 h, 12 h.
        let mut current = after_first;
        for minutes in [5, 30, 120, 720] {
            let now = at(&current.next_attempt_at);
            assert_eq!(must(sender.send_due(now).await), round(0, 1, 0));
            current = must(outbox::get(&s.store, mail.id).await);
            assert_eq!(
                at(&current.next_attempt_at) - now,
                chrono::Duration::minutes(minutes),
                "{engine:?}"
            );
        }
        // The sixth failure gives up.
        let now = at(&current.next_attempt_at);
        assert_eq!(must(sender.send_due(now).await), round(0, 0, 1));
        let failed = must(outbox::get(&s.store, mail.id).await);
        assert_eq!((failed.status, failed.attempts), (MailStatus::Failed, 6));
        assert!(!failed.last_error.is_empty());
        assert_eq!(
            must(sender.send_due(now + chrono::Duration::days(30)).await),
            Round::default()
        );

        // Sent again from the back office: pending, counted afresh, and out with a working server.
        let site_id = site(&s).await;
        assert!(matches!(
            outbox::resend(&s.store, &Actor::system(), mail.id, &[site_id + 1000]).await,
            Err(StoreError::NotFound { .. })
        ));
        must(outbox::resend(&s.store, &Actor::system(), mail.id, &[site_id]).await);
        assert!(matches!(
            outbox::resend(&s.store, &Actor::system(), mail.id, &[site_id]).await,
            Err(StoreError::Conflict(_))
        ));
        let again = must(outbox::get(&s.store, mail.id).await);
        assert_eq!((again.status, again.attempts), (MailStatus::Pending, 0));
        let sink = SmtpSink::start();
        let sender = Sender::new(s.store.clone(), mailer(sink.port));
        assert_eq!(must(sender.send_due(Utc::now()).await), round(1, 0, 0));
        let received = sink.wait_for(&code).await;
        assert!(received.starts_with("zhangsan@example.com|政府信息公开申请已收到"));
        let sent = must(outbox::get(&s.store, mail.id).await);
        assert_eq!(sent.status, MailStatus::Sent);
        assert!(sent.sent_at.is_some() && unsent(&s).await.is_empty());
    }
}

#[tokio::test]
async fn two_senders_on_one_database_never_send_the_same_mail() {
    for engine in ENGINES {
        let s = setup(engine).await;
        let total = 24;
        for i in 0..total {
            apply(&s, &format!("applicant{i}@example.com")).await;
        }
        let sink = SmtpSink::start();
        // Two nodes: two pools on the same database.
        let other = must(Store::open(&s.db.url).await);
        let a = Sender::new(s.store.clone(), mailer(sink.port));
        let b = Sender::new(other, mailer(sink.port));
        let now = Utc::now();
        let (ra, rb) = tokio::join!(a.send_due(now), b.send_due(now));
        let (ra, rb) = (must(ra), must(rb));
        assert_eq!(ra.sent + rb.sent, total, "{engine:?}: {ra:?} {rb:?}");
        for _ in 0..100 {
            if sink.mails().len() >= total {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut to: Vec<String> = sink
            .mails()
            .iter()
            .filter_map(|m| m.split('|').next().map(str::to_owned))
            .collect();
        assert_eq!(to.len(), total, "{engine:?}: {to:?}");
        to.sort();
        to.dedup();
        assert_eq!(to.len(), total, "{engine:?}: a mail went out twice");
        assert!(unsent(&s).await.is_empty());
    }
}

#[tokio::test]
async fn without_smtp_or_an_address_nothing_is_written() {
    for engine in ENGINES {
        let mut s = setup(engine).await;
        apply(&s, "").await;
        assert!(
            unsent(&s).await.is_empty(),
            "{engine:?}: no address, no mail"
        );
        s.store = s.store.with_outbox(false);
        apply(&s, "zhangsan@example.com").await;
        assert!(unsent(&s).await.is_empty(), "{engine:?}: no SMTP, no mail");
    }
}
