//! What a public listing counts over every record it could show — its total and the years the
//! site published in — kept per filter like the site context ([`super::memo`]): both change only
//! when the change feed moves (a publication, a withdrawal, a scheduled record's time coming is
//! announced on the feed), so a listing page reads just its own page of rows. At 100,000 records
//! the two counts were most of an uncached list page's work.

use std::sync::Arc;

use chrono::Utc;
use gongkai_store::records::{self, PublicFilter};
use gongkai_store::{Store, StoreError};

use super::memo::Memo;

/// How many filters' totals are kept at once (past that the memo starts afresh).
const MAX_FILTERS: usize = 4096;
/// How many sites' year lists are kept at once.
const MAX_SITES: usize = 1024;

/// Listing totals and year lists, dropped when the change feed moves.
#[derive(Debug)]
pub struct ListingCounts {
    totals: Memo<PublicFilter, i64>,
    years: Memo<i64, Arc<Vec<i32>>>,
}

impl Default for ListingCounts {
    fn default() -> Self {
        Self {
            totals: Memo::new(MAX_FILTERS),
            years: Memo::new(MAX_SITES),
        }
    }
}

impl ListingCounts {
    /// How many times a total or a year list was counted in the database (the rest came from
    /// memory).
    pub fn loads(&self) -> u64 {
        self.totals.loads() + self.years.loads()
    }

    /// How many public records match `filter`, counted once per feed `generation`.
    pub async fn total(
        &self,
        store: &Store,
        generation: u64,
        filter: &PublicFilter,
    ) -> Result<i64, StoreError> {
        self.totals
            .get_or_load(
                filter.clone(),
                generation,
                records::count_listed(store, filter, Utc::now()),
            )
            .await
    }

    /// One page of the public records matching `filter` and their total (kept as in
    /// [`Self::total`]).
    pub async fn page(
        &self,
        store: &Store,
        generation: u64,
        filter: &PublicFilter,
        page: i64,
        per_page: i64,
    ) -> Result<(Vec<records::Summary>, i64), StoreError> {
        let items = records::page_public(store, filter, Utc::now(), page, per_page).await?;
        Ok((items, self.total(store, generation, filter).await?))
    }

    /// The Beijing years in which the site published something, newest first, counted once
    /// per feed `generation`.
    pub async fn years(
        &self,
        store: &Store,
        generation: u64,
        site_id: i64,
    ) -> Result<Arc<Vec<i32>>, StoreError> {
        self.years
            .get_or_load(site_id, generation, async {
                Ok(Arc::new(
                    records::public_years(store, site_id, Utc::now()).await?,
                ))
            })
            .await
    }
}
