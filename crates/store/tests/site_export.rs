//! Every table of the schema is either taken along when a site moves to another deployment
//! (`site_export::TABLES`) or deliberately left behind (`site_export::NOT_MOVED`): a new table
//! that is in neither fails here, on both engines, until its author decides. The move itself is
//! tested end to end in the command line's `site_move` tests.

use gongkai_store::Store;
use gongkai_store::site_export::{NOT_MOVED, TABLES, table_names};
use gongkai_store::testing::{ENGINES, TestDb};

use crate::support::must;

#[tokio::test]
async fn every_table_is_moved_with_its_site_or_left_behind_on_purpose() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        let store = must(Store::open(&db.url).await);
        let names = must(table_names(&store).await);
        assert!(names.iter().any(|n| n == "records"), "{names:?}");
        let unclassified: Vec<&String> = names
            .iter()
            .filter(|n| !TABLES.iter().any(|t| t.name == n.as_str()))
            .filter(|n| !NOT_MOVED.contains(&n.as_str()))
            .filter(|n| !n.starts_with("sqlite_"))
            .collect();
        assert!(
            unclassified.is_empty(),
            "{engine:?}: add these tables to site_export::TABLES (with the rows a site owns and \
             the ids they point at) or to NOT_MOVED: {unclassified:?}"
        );
        // And nothing listed is missing from the schema.
        for t in TABLES {
            assert!(
                names.iter().any(|n| n == t.name),
                "{} is not a table",
                t.name
            );
        }
        store.close().await;
    }
}
