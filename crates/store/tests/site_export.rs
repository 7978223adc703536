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
            // The datastore's per-resource tables (`datastore_r<id>`, made by
            // `datastore::ingest` at run time) are data rebuilt from a resource's file, not
            // schema; the registry `datastore_tables` is classified like any table.
            .filter(|n| !n.starts_with("datastore_r"))
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

/// Every column of a moved table that holds another row's id — a foreign key, or an integer
/// column named `…_id` (some, like `consultations.author_id`, have no key) — is rewritten on
/// import: listed in the table's `refs`. A new one that is not would be copied with its old id
/// and point at another site's row.
#[tokio::test]
async fn every_id_column_of_a_moved_table_is_rewritten() {
    let db = TestDb::new(gongkai_store::Engine::Sqlite).await;
    let store = must(Store::open(&db.url).await);
    let mut missing = Vec::new();
    for table in TABLES {
        let keys: Vec<String> = must(
            sqlx::query_scalar(r#"SELECT "from" FROM pragma_foreign_key_list($1)"#)
                .bind(table.name)
                .fetch_all(store.pool())
                .await,
        );
        let columns: Vec<(String, String)> = must(
            sqlx::query_as("SELECT name, type FROM pragma_table_info($1)")
                .bind(table.name)
                .fetch_all(store.pool())
                .await,
        );
        for (name, kind) in columns {
            let id_like = kind.to_ascii_uppercase().contains("INT") && name.ends_with("_id");
            let is_ref = keys.contains(&name) || id_like;
            if is_ref
                && Some(name.as_str()) != table.id
                && !table.refs.iter().any(|(c, _)| *c == name)
            {
                missing.push(format!("{}.{name}", table.name));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add to the table's refs in site_export::TABLES: {missing:?}"
    );
    store.close().await;
}
