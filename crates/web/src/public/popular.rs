//! 热门搜索 without a write per search: each search that found something is counted in memory, per
//! site (each site lists what its own visitors search for),
//! and [`flush`] adds the counts to the database every [`FLUSH_EVERY`] in one transaction (and
//! once more when the server stops), so a search request never waits for a write. The list the
//! search page shows is read again at most every [`crate::cache::MAX_AGE`] (or when the change
//! feed moves).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use gongkai_store::Store;

/// How often the counts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// Distinct queries counted between two writes; further new ones wait for the next period
/// (queries already counted keep counting).
pub const MAX_PENDING: usize = 10_000;
/// The longest query counted, in characters.
pub const MAX_QUERY_CHARS: usize = 20;
/// Queries the search page lists.
pub const SHOWN: i64 = 10;
/// Sites whose list is kept in memory at once (a deployment hosting more reads the rest again).
pub const SITES_KEPT: usize = 64;

/// This node's search counts not yet written, and the list last read.
#[derive(Debug)]
pub struct PopularSearches {
    pending: Mutex<HashMap<(i64, String), i64>>,
    shown: crate::cache::memo::Memo<i64, Arc<Vec<String>>>,
}

impl Default for PopularSearches {
    fn default() -> Self {
        Self {
            pending: Mutex::new(HashMap::new()),
            shown: crate::cache::memo::Memo::new(SITES_KEPT),
        }
    }
}

impl PopularSearches {
    fn lock(&self) -> MutexGuard<'_, HashMap<(i64, String), i64>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a query on the site `site_id` that found `total` documents: trimmed, only when it
    /// found something and is at most [`MAX_QUERY_CHARS`] long.
    pub fn note(&self, site_id: i64, query: &str, total: usize) {
        let q = query.trim();
        if total == 0 || q.is_empty() || q.chars().count() > MAX_QUERY_CHARS {
            return;
        }
        let key = (site_id, q.to_owned());
        let mut pending = self.lock();
        if let Some(n) = pending.get_mut(&key) {
            *n += 1;
        } else if pending.len() < MAX_PENDING {
            pending.insert(key, 1);
        }
    }

    /// How many searches for `query` on the site `site_id` wait to be written.
    pub fn pending(&self, site_id: i64, query: &str) -> i64 {
        let key = (site_id, query.trim().to_owned());
        self.lock().get(&key).copied().unwrap_or(0)
    }

    /// Takes the counts gathered so far.
    fn take(&self) -> Vec<((i64, String), i64)> {
        std::mem::take(&mut *self.lock()).into_iter().collect()
    }

    /// Writes the counts gathered so far; on failure they are counted again for the next try.
    pub async fn write(&self, store: &Store) -> Result<(), gongkai_store::StoreError> {
        let counted = self.take();
        if let Err(e) = gongkai_store::records::count_searches(store, &counted).await {
            let mut pending = self.lock();
            for (q, n) in counted {
                if pending.len() < MAX_PENDING || pending.contains_key(&q) {
                    *pending.entry(q).or_insert(0) += n;
                }
            }
            return Err(e);
        }
        Ok(())
    }

    /// The site's most searched queries, most frequent first.
    pub async fn shown(
        &self,
        store: &Store,
        site_id: i64,
        generation: u64,
    ) -> Result<Arc<Vec<String>>, gongkai_store::StoreError> {
        self.shown
            .get_or_load(site_id, generation, async {
                let shown = gongkai_store::records::popular_searches(store, site_id, SHOWN).await?;
                Ok(Arc::new(shown))
            })
            .await
    }
}

/// Writes this node's counts every [`FLUSH_EVERY`] until `stop` turns true, then once more.
pub async fn flush(
    store: Store,
    popular: Arc<PopularSearches>,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    crate::cache::every(FLUSH_EVERY, stop, || async {
        if let Err(e) = popular.write(&store).await {
            tracing::warn!(error = %e, "热门搜索: counts not written; kept for the next try");
        }
    })
    .await;
    if let Err(e) = popular.write(&store).await {
        tracing::warn!(error = %e, "热门搜索: counts lost at shutdown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_queries_that_found_something_are_counted() {
        let p = PopularSearches::default();
        p.note(1, " 食品安全 ", 3);
        p.note(1, "食品安全", 1);
        p.note(1, "无结果", 0);
        p.note(1, &"长".repeat(MAX_QUERY_CHARS + 1), 5);
        p.note(1, "  ", 2);
        // Another site counts its own.
        p.note(2, "食品安全", 1);
        assert_eq!((p.pending(1, "食品安全"), p.pending(2, "食品安全")), (2, 1));
        let mut taken = p.take();
        taken.sort();
        let query = "食品安全".to_owned();
        assert_eq!(taken, vec![((1, query.clone()), 2), ((2, query), 1)]);
        assert!(p.take().is_empty(), "taken once");
    }

    #[test]
    fn new_queries_wait_when_the_map_is_full() {
        let p = PopularSearches::default();
        for i in 0..MAX_PENDING + 5 {
            p.note(1, &format!("q{i}"), 1);
        }
        p.note(1, "q0", 1);
        let taken = p.take();
        assert_eq!(taken.len(), MAX_PENDING);
        assert!(taken.contains(&((1, "q0".to_owned()), 2)));
    }
}
