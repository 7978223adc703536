//! Values derived from the database that every page needs (the site's header and footer) and
//! that change only when the change feed moves: kept per key and stamped with the page cache's
//! generation ([`super::PageCache::generation`]), which rises whenever this node sees a new feed
//! row (at once after its own writes, within [`super::FOLLOW_EVERY`] after another node's). A
//! value kept under an older generation, or older than [`super::MAX_AGE`], is loaded again; a
//! load that fails is never kept.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

/// One kept value and the generation it was loaded under.
#[derive(Debug)]
struct Kept<V> {
    generation: u64,
    at: Instant,
    value: V,
}

/// A bounded map of derived values, dropped when the change feed moves.
#[derive(Debug)]
pub struct Memo<K, V> {
    kept: Mutex<HashMap<K, Kept<V>>>,
    max_entries: usize,
    loads: AtomicU64,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// A memo holding at most `max_entries` keys (past that it starts afresh).
    pub fn new(max_entries: usize) -> Self {
        Self {
            kept: Mutex::new(HashMap::new()),
            max_entries: max_entries.max(1),
            loads: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<K, Kept<V>>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value kept for `key` under `generation`, or what `load` returns, kept under the
    /// generation the load began in (so a change seen during the load makes the next call load
    /// again). A failed load is passed on and not kept.
    pub async fn get_or_load<E, F>(&self, key: K, generation: u64, load: F) -> Result<V, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if let Some(k) = self.lock().get(&key)
            && k.generation == generation
            && k.at.elapsed() <= super::MAX_AGE
        {
            return Ok(k.value.clone());
        }
        self.loads.fetch_add(1, Ordering::Relaxed);
        let value = load.await?;
        let mut kept = self.lock();
        if kept.len() >= self.max_entries {
            kept.clear();
        }
        kept.insert(
            key,
            Kept {
                generation,
                at: Instant::now(),
                value: value.clone(),
            },
        );
        Ok(value)
    }

    /// How many times a value was loaded (the rest were answered from memory).
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn load(memo: &Memo<&'static str, String>, key: &'static str, generation: u64) -> String {
        let r: Result<String, ()> = memo
            .get_or_load(key, generation, async { Ok(format!("{key}@{generation}")) })
            .await;
        r.unwrap_or_default()
    }

    #[tokio::test]
    async fn a_value_is_loaded_once_per_generation_and_key() {
        let memo = Memo::new(8);
        assert_eq!(load(&memo, "县", 1).await, "县@1");
        assert_eq!(load(&memo, "县", 1).await, "县@1");
        assert_eq!(memo.loads(), 1, "the second call is answered from memory");
        assert_eq!(load(&memo, "镇", 1).await, "镇@1");
        assert_eq!(memo.loads(), 2, "each key is kept on its own");
        assert_eq!(load(&memo, "县", 2).await, "县@2", "the feed moved");
        assert_eq!(memo.loads(), 3);
    }

    #[tokio::test]
    async fn a_failed_load_is_not_kept() {
        let memo: Memo<&str, String> = Memo::new(8);
        let failed: Result<String, &str> = memo.get_or_load("县", 1, async { Err("断开") }).await;
        assert_eq!(failed, Err("断开"));
        assert_eq!(load(&memo, "县", 1).await, "县@1");
        assert_eq!(memo.loads(), 2);
    }

    #[tokio::test]
    async fn the_number_of_keys_is_bounded() {
        let memo = Memo::new(2);
        for key in ["一", "二", "三"] {
            load(&memo, key, 1).await;
        }
        assert!(memo.lock().len() <= 2);
    }
}
