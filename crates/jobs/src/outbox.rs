//! The outbox sender: claims the mails that are due, sends each with a bounded timeout and
//! records the outcome — sent, or due again after the backoff, or `failed` after the last
//! attempt (`gongkai_domain::outbox`). Several nodes may run it on one database: a row is
//! claimed by one sender only (`gongkai_store::outbox::claim_due`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use gongkai_domain::outbox::MailStatus;
use gongkai_store::{Store, outbox};

use crate::JobsError;
use crate::mail::Mailer;

/// Mails claimed at once.
const BATCH: i64 = 10;

/// What one round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Mails the server accepted.
    pub sent: usize,
    /// Mails that failed and will be tried again.
    pub retrying: usize,
    /// Mails given up after their last attempt.
    pub failed: usize,
}

/// A sender: the mailer and the claim token that marks the rows it holds.
#[derive(Debug, Clone)]
pub struct Sender {
    store: Store,
    mailer: Mailer,
    claim: String,
}

impl Sender {
    /// A sender with a fresh claim token (unique per sender, so per node).
    pub fn new(store: Store, mailer: Mailer) -> Self {
        Self {
            store,
            mailer,
            claim: gongkai_store::sessions::random_token(),
        }
    }

    /// Sends every mail due at `now`, a batch at a time, until none is left.
    pub async fn send_due(&self, now: DateTime<Utc>) -> Result<Round, JobsError> {
        let mut round = Round::default();
        loop {
            // A claim outlasts the longest batch (each send is bounded), so a row a live
            // sender holds never becomes due to another one.
            let hold = chrono::Duration::from_std(self.mailer_timeout() * (BATCH as u32 + 1))
                .unwrap_or_else(|_| chrono::Duration::minutes(10));
            let batch = outbox::claim_due(&self.store, &self.claim, now, now + hold, BATCH).await?;
            if batch.is_empty() {
                return Ok(round);
            }
            for mail in batch {
                match self
                    .mailer
                    .send(&mail.recipient, &mail.subject, &mail.body)
                    .await
                {
                    Ok(()) => {
                        outbox::record_sent(&self.store, mail.id, &self.claim, Utc::now()).await?;
                        round.sent += 1;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, id = mail.id, attempt = mail.attempts + 1, "e-mail not sent");
                        // The backoff counts from the failure (or from an injected later `now`).
                        let at = now.max(Utc::now());
                        match outbox::record_failure(&self.store, &mail, &self.claim, &e, at)
                            .await?
                        {
                            MailStatus::Failed => round.failed += 1,
                            _ => round.retrying += 1,
                        }
                    }
                }
            }
        }
    }

    fn mailer_timeout(&self) -> Duration {
        self.mailer.timeout()
    }
}
