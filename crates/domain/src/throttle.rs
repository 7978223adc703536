//! Login throttling: how many failed logins lock an account or an address, and for how long.
//!
//! The counts live in the database (so several nodes share them); the rule lives here.

use chrono::{DateTime, Duration, Utc};

/// The policy for failed logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Failures of one account within [`LoginPolicy::window`] that lock it.
    pub max_account_failures: i64,
    /// Failures from one address within the window that lock the address.
    pub max_address_failures: i64,
    /// How far back failures count.
    pub window: Duration,
    /// How long a lock lasts after the failure that caused it.
    pub lockout: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            max_account_failures: 5,
            max_address_failures: 20,
            window: Duration::minutes(15),
            lockout: Duration::minutes(15),
        }
    }
}

/// Which key a throttle counter belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleScope {
    /// Failures of one account (by user name, whether or not it exists).
    Account,
    /// Failures from one client address.
    Address,
}

impl ThrottleScope {
    /// Key prefix as stored.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Account => "account:",
            Self::Address => "address:",
        }
    }
}

impl LoginPolicy {
    /// The failure count at which `scope` is locked.
    pub fn limit(&self, scope: ThrottleScope) -> i64 {
        match scope {
            ThrottleScope::Account => self.max_account_failures,
            ThrottleScope::Address => self.max_address_failures,
        }
    }

    /// Start of the window that counts at `now`.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Given the times of recent failures (any order), when the lock on this key ends,
    /// or `None` if it is not locked at `now`.
    pub fn locked_until(
        &self,
        scope: ThrottleScope,
        failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let mut recent: Vec<_> = failures
            .iter()
            .copied()
            .filter(|t| *t > self.window_start(now) - self.lockout && *t <= now)
            .collect();
        recent.sort();
        let limit = usize::try_from(self.limit(scope)).ok()?;
        // Find the latest failure that completed a burst of `limit` failures within the window.
        let mut until = None;
        for i in (limit.max(1) - 1)..recent.len() {
            let first = recent[i + 1 - limit.max(1)];
            let last = recent[i];
            if last - first <= self.window {
                until = Some(last + self.lockout);
            }
        }
        until.filter(|u| *u > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::time::testing::minutes as at;

    #[test]
    fn five_failures_lock_an_account_and_the_lock_expires() {
        let p = LoginPolicy::default();
        let fails: Vec<_> = (0..5).map(at).collect();
        assert_eq!(
            p.locked_until(ThrottleScope::Account, &fails[..4], at(4)),
            None
        );
        assert_eq!(
            p.locked_until(ThrottleScope::Account, &fails, at(5)),
            Some(at(19))
        );
        assert_eq!(p.locked_until(ThrottleScope::Account, &fails, at(19)), None);
    }

    #[test]
    fn spread_out_failures_do_not_lock() {
        let p = LoginPolicy::default();
        let fails: Vec<_> = (0..5).map(|i| at(i * 20)).collect();
        assert_eq!(p.locked_until(ThrottleScope::Account, &fails, at(81)), None);
    }

    #[test]
    fn addresses_have_a_higher_limit() {
        let p = LoginPolicy::default();
        let fails: Vec<_> = (0..10).map(at).collect();
        assert_eq!(p.locked_until(ThrottleScope::Address, &fails, at(10)), None);
        let fails: Vec<_> = (0..20).map(|i| at(0) + Duration::seconds(i * 30)).collect();
        assert!(
            p.locked_until(ThrottleScope::Address, &fails, at(10))
                .is_some()
        );
    }
}
