//! "What the public may see" is one definition (`domain::record::Visibility`) applied twice:
//! in memory by `Record::visible` and as SQL by `records::push_visibility`. Every combination
//! of status, disclosure attribute and publication time goes through both, on both engines, and
//! the listings and the search follower's id list agree with them.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use gongkai_domain::record::{Disclosure, RecordStatus, Visibility};
use gongkai_store::Actor;
use gongkai_store::records::{self, Imported, PublicFilter};
use gongkai_store::sql::Sql;
use gongkai_store::testing::ENGINES;

use crate::support::{county_on, must, notice};
use sqlx::Row;

#[tokio::test]
async fn memory_and_sql_agree_on_every_state() {
    for engine in ENGINES {
        let (_db, store, org) = county_on(engine).await;
        let now = Utc::now();
        let disclosures: Vec<Option<Disclosure>> = std::iter::once(None)
            .chain(Disclosure::ALL.iter().copied().map(Some))
            .collect();
        let times = [
            None,
            Some(now - Duration::days(3)),
            Some(now + Duration::days(3)),
        ];
        let mut combos = Vec::new();
        for status in RecordStatus::ALL {
            for disclosure in &disclosures {
                for time in times {
                    combos.push((*status, *disclosure, time));
                }
            }
        }
        let rows: Vec<Imported> = (0..combos.len())
            .map(|i| {
                let published_at = now - Duration::days(10);
                notice(
                    format!("v:{i}"),
                    &format!("组合 {i}"),
                    published_at,
                    Vec::new(),
                )
            })
            .collect();
        must(records::import_batch(&store, &Actor::system(), org.id, &rows, None).await);
        let ids: Vec<i64> = must(
            sqlx::query_scalar("SELECT id FROM records ORDER BY id")
                .fetch_all(store.pool())
                .await,
        );
        assert_eq!(ids.len(), combos.len());
        for (id, (status, disclosure, time)) in ids.iter().zip(&combos) {
            must(
                sqlx::query(
                    "UPDATE records SET status = $1, disclosure = $2, published_at = $3 WHERE id = $4",
                )
                .bind(status.code())
                .bind(disclosure.map(|d| d.code()).unwrap_or_default())
                .bind(time.map(gongkai_domain::time::storage_timestamp))
                .bind(id)
                .execute(store.pool())
                .await,
            );
        }
        let mut loaded = Vec::new();
        for id in &ids {
            loaded.push(must(records::get(&store, *id).await));
        }
        for (name, visibility) in [
            ("LISTED", Visibility::LISTED),
            ("PAGE", Visibility::PAGE),
            ("SEARCHABLE", Visibility::SEARCHABLE),
        ] {
            let in_memory: BTreeSet<i64> = loaded
                .iter()
                .filter(|r| r.visible(visibility, now))
                .map(|r| r.id)
                .collect();
            let mut q = Sql::new("SELECT r.id FROM records r WHERE 1 = 1");
            records::push_visibility(&mut q, visibility, now);
            let in_sql: BTreeSet<i64> = must(q.query().fetch_all(store.pool()).await)
                .iter()
                .map(|row| must(row.try_get::<i64, _>("id")))
                .collect();
            assert_eq!(in_memory, in_sql, "{name} on {engine:?}");
            assert!(!in_memory.is_empty(), "{name} admits something");
        }
        // The rule as people know it: published, 主动公开, publication time passed.
        let listed: BTreeSet<i64> = loaded
            .iter()
            .filter(|r| {
                r.status == RecordStatus::Published
                    && r.disclosure == Some(Disclosure::Proactive)
                    && r.published_at.is_some_and(|t| t <= now)
            })
            .map(|r| r.id)
            .collect();
        assert_eq!(listed.len(), 1);
        let filter = PublicFilter {
            site_id: Some(org.id),
            ..PublicFilter::default()
        };
        let (items, total) = must(records::list_public(&store, &filter, now, 1, 100).await);
        assert_eq!(total, 1);
        assert_eq!(
            items.iter().map(|s| s.id).collect::<BTreeSet<_>>(),
            listed,
            "listing on {engine:?}"
        );
        assert_eq!(must(records::count_public(&store, org.id, now).await), 1);
        let searchable: BTreeSet<i64> = must(records::searchable_ids(&store, 0, 1000).await)
            .into_iter()
            .collect();
        let expected: BTreeSet<i64> = loaded
            .iter()
            .filter(|r| r.visible(Visibility::SEARCHABLE, now))
            .map(|r| r.id)
            .collect();
        assert_eq!(searchable, expected, "search follower on {engine:?}");
        // A withdrawn 主动公开 record keeps its page (marked) but leaves every listing.
        let page_only: Vec<_> = loaded
            .iter()
            .filter(|r| r.is_public(now) && !r.visible(Visibility::LISTED, now))
            .map(|r| r.status)
            .collect();
        assert_eq!(page_only, vec![RecordStatus::Withdrawn]);
    }
}
