//! When a mail that could not be sent is tried again: after 1 minute, 5 minutes, 30 minutes,
//! 2 hours and 12 hours; a mail that fails once more is given up (`failed`) and shown in the
//! back office, where staff may send it again.

use chrono::{DateTime, Duration, Utc};

use crate::DomainError;

coded! {
    /// Where a mail in the outbox stands.
    MailStatus {
        /// Waiting for its (next) attempt.
        Pending => ("pending", "待发送"),
        /// Accepted by the mail server.
        Sent => ("sent", "已发送"),
        /// Given up after the last attempt; staff may send it again.
        Failed => ("failed", "发送失败"),
    }
}

/// Waits after the 1st, 2nd, … failed attempt, in minutes.
pub const RETRY_MINUTES: [i64; 5] = [1, 5, 30, 120, 720];

/// Attempts made before a mail is given up.
pub const MAX_ATTEMPTS: i64 = RETRY_MINUTES.len() as i64 + 1;

/// The next attempt after `attempts` failed ones (counting the one that just failed), or
/// `None` when the mail is given up.
pub fn next_attempt(attempts: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let i = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_MINUTES.get(i).map(|m| now + Duration::minutes(*m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_gives_up() {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let waits: Vec<i64> = (1..=MAX_ATTEMPTS)
            .map(|a| next_attempt(a, now).map_or(-1, |t| (t - now).num_minutes()))
            .collect();
        assert_eq!(waits, [1, 5, 30, 120, 720, -1]);
        assert_eq!(next_attempt(0, now), None);
    }
}
