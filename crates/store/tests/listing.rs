//! Public listings page through every record exactly once, on both engines, whatever the page
//! size and however many columns a filter spans. (The browser suite's column page-2 check covers
//! the demo data, where one SQL form once skipped a row between pages on the bundled SQLite.)

use chrono::{Duration, Utc};
use gongkai_store::Actor;
use gongkai_store::records::{self, Imported, PublicFilter};
use gongkai_store::testing::ENGINES;

use crate::support::{county_on, must, notice};

#[tokio::test]
async fn pages_cover_every_record_once() {
    for engine in ENGINES {
        let (_db, store, org) = county_on(engine).await;
        let statutory: Vec<String> =
            gongkai_domain::catalogue::children(gongkai_domain::catalogue::STATUTORY)
                .map(|c| c.slug.to_owned())
                .collect();
        let rows: Vec<Imported> = (0..300)
            .map(|i| {
                let column = gongkai_domain::catalogue::COLUMNS
                    [(i as usize * 7) % gongkai_domain::catalogue::COLUMNS.len()]
                .slug
                .to_owned();
                // Some records share a publication time, to exercise the tie-break too.
                let published_at = Utc::now() - Duration::hours((i * 37) % 1000 / 3);
                notice(
                    format!("t:{i}"),
                    &format!("第 {i} 条"),
                    published_at,
                    vec![column],
                )
            })
            .collect();
        must(records::import_batch(&store, &Actor::system(), org.id, &rows, None).await);
        let filter = PublicFilter {
            site_id: Some(org.id),
            columns: std::iter::once(gongkai_domain::catalogue::STATUTORY.to_owned())
                .chain(statutory)
                .collect(),
            ..PublicFilter::default()
        };
        let (_, expected) = must(records::list_public(&store, &filter, Utc::now(), 1, 1).await);
        assert!(expected > 100, "{expected}");
        for per_page in [7, 17, 18, 20, 25] {
            let mut seen = Vec::new();
            for page in 1..=60 {
                let (items, total) =
                    must(records::list_public(&store, &filter, Utc::now(), page, per_page).await);
                assert_eq!(total, expected);
                seen.extend(items.into_iter().map(|s| s.id));
            }
            let mut unique = seen.clone();
            unique.sort_unstable();
            unique.dedup();
            let expected = usize::try_from(expected).unwrap_or_default();
            assert_eq!(
                (seen.len(), unique.len()),
                (expected, expected),
                "{engine:?} per_page {per_page}"
            );
        }
    }
}

#[tokio::test]
async fn public_years_are_beijing_years_read_in_one_query() {
    use chrono::TimeZone;
    for engine in ENGINES {
        let (_db, store, org) = county_on(engine).await;
        let at = |y, m, d, h| {
            must(
                Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
                    .single()
                    .ok_or("time"),
            )
        };
        let rows: Vec<Imported> = [
            // 23:00 on 31 December in Beijing: still 2023.
            ("关于年末事项的通知", at(2023, 12, 31, 15)),
            // 01:00 on 1 January in Beijing: 2025, though 2024 in UTC.
            ("关于元旦事项的通知", at(2024, 12, 31, 17)),
            ("关于年中事项的通知", at(2021, 6, 1, 8)),
        ]
        .into_iter()
        .map(|(title, published_at)| notice(format!("y:{title}"), title, published_at, vec![]))
        .collect();
        must(records::import_batch(&store, &Actor::system(), org.id, &rows, None).await);
        assert_eq!(
            must(records::public_years(&store, org.id, Utc::now()).await),
            vec![2025, 2023, 2021],
            "{engine:?}"
        );
        // The same years a filtered listing finds.
        for year in [2025, 2023, 2021] {
            let filter = PublicFilter {
                site_id: Some(org.id),
                year: Some(year),
                ..PublicFilter::default()
            };
            let (_, n) = must(records::list_public(&store, &filter, Utc::now(), 1, 1).await);
            assert_eq!(n, 1, "{engine:?} {year}");
        }
    }
}
