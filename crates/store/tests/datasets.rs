//! Open-data datasets on both engines: a draft hidden from the public until a reviewer other
//! than its author approves it; a taken name refused; search by words and `field:value` terms
//! with facets that equal a count made here; resources (a file and a link) with download counts;
//! an edit sends a published dataset back to review; API tokens kept only as hashes, revoked;
//! every change audited and on the change feed.

use gongkai_domain::ErrorCode;
use gongkai_domain::dataset::{DatasetDraft, DatasetStatus, NewDataset, ReviewStep};
use gongkai_domain::role::Role;
use gongkai_store::datasets::{
    self, Author, DatasetQuery, Field, NewResource, Sort, Source, Visibility,
};
use gongkai_store::testing::{ENGINES, add_orgs, add_staff};
use gongkai_store::{Actor, Store, StoreError, feed};

use crate::support::{count, county_on, must};

/// A checked dataset named `name` with `tags` and `groups`.
pub fn dataset(name: &str, title: &str, tags: &[&str], groups: &[&str]) -> NewDataset {
    must(
        DatasetDraft {
            name: name.into(),
            title: title.into(),
            notes: format!("{title}的说明"),
            license_id: "cc-by".into(),
            frequency: "yearly".into(),
            openness: "unconditional".into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            spatial: "乌恰县".into(),
            ..DatasetDraft::default()
        }
        .check()
        .map_err(|e| format!("{e:?}")),
    )
}

async fn org_id(store: &Store, code: &str) -> i64 {
    must(
        sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1")
            .bind(code)
            .fetch_one(store.pool())
            .await,
    )
}

fn query(site_id: i64) -> DatasetQuery {
    DatasetQuery {
        site_id,
        rows: 10,
        ..DatasetQuery::default()
    }
}

#[tokio::test]
async fn a_dataset_is_reviewed_searched_and_faceted() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        add_orgs(
            &store,
            &[
                ("WQX004", "乌恰县财政局", Some("WQX001")),
                ("WQX010", "乌恰县民政局", Some("WQX001")),
            ],
        )
        .await;
        let editor_id = add_staff(&store, "editor", "编辑", "WQX004", vec![Role::Editor]).await;
        let reviewer_id =
            add_staff(&store, "reviewer", "审核", "WQX004", vec![Role::Reviewer]).await;
        let (finance, civil) = (
            org_id(&store, "WQX004").await,
            org_id(&store, "WQX010").await,
        );
        let (editor, reviewer) = (Actor::user("editor", "::1"), Actor::user("reviewer", "::1"));
        let author = Author {
            id: editor_id,
            name: "editor".into(),
        };
        let feed_before = count(&store, "SELECT COUNT(*) FROM change_feed").await;

        let budget = dataset(
            "wqx-budget-2026",
            "2026年一般公共预算收支表",
            &["预算", "财政"],
            &["finance"],
        );
        let d = must(
            datasets::create(&store, &editor, &author, county.id, finance, &budget, false).await,
        );
        assert_eq!(d.status, DatasetStatus::Draft);
        assert_eq!(d.org_code, "WQX004");
        assert_eq!(d.tags, vec!["财政".to_owned(), "预算".to_owned()]);
        assert_eq!(d.uuid.len(), 36);

        // A taken name is refused on the same site.
        let again =
            datasets::create(&store, &editor, &author, county.id, finance, &budget, false).await;
        assert!(
            matches!(&again, Err(StoreError::Conflict(r)) if r.code == ErrorCode::DatasetNameTaken),
            "{again:?}"
        );

        // Resources: an uploaded file (its blob) and a link.
        let file = must(
            datasets::add_resource(
                &store,
                &editor,
                d.id,
                &NewResource {
                    name: "收支表".into(),
                    description: String::new(),
                    format: "CSV".into(),
                    source: Source::File {
                        sha256: "ab".repeat(32),
                        file_name: "budget.csv".into(),
                        size: 120,
                    },
                },
            )
            .await,
        );
        let link = must(
            datasets::add_resource(
                &store,
                &editor,
                d.id,
                &NewResource {
                    name: "财政局网站".into(),
                    description: "预算公开栏目".into(),
                    format: "HTML".into(),
                    source: Source::Link("https://example.gov.cn/ys".into()),
                },
            )
            .await,
        );
        assert_eq!((file.position, link.position), (0, 1));
        assert_eq!(file.sha256.as_deref(), Some("ab".repeat(32).as_str()));

        // Not public while a draft; the staff of its organisation see it.
        assert_eq!(
            must(datasets::search(&store, &query(county.id)).await).count,
            0
        );
        let staff_view = DatasetQuery {
            visibility: Visibility::Staff(vec![finance]),
            ..query(county.id)
        };
        assert_eq!(must(datasets::search(&store, &staff_view).await).count, 1);

        // Its author cannot approve it; a reviewer can, once it is submitted.
        let early = datasets::step(
            &store,
            &reviewer,
            reviewer_id,
            d.id,
            ReviewStep::Approve,
            "",
        )
        .await;
        assert!(early.is_err());
        must(datasets::step(&store, &editor, editor_id, d.id, ReviewStep::Submit, "").await);
        let own = datasets::step(&store, &editor, editor_id, d.id, ReviewStep::Approve, "").await;
        assert!(
            matches!(&own, Err(StoreError::Domain(e)) if e.error_code() == ErrorCode::DatasetReviewerIsAuthor)
        );
        let returned = must(
            datasets::step(
                &store,
                &reviewer,
                reviewer_id,
                d.id,
                ReviewStep::Return,
                "请补充字段说明",
            )
            .await,
        );
        assert_eq!(returned, DatasetStatus::Returned);
        must(datasets::step(&store, &editor, editor_id, d.id, ReviewStep::Submit, "").await);
        let published = must(
            datasets::step(
                &store,
                &reviewer,
                reviewer_id,
                d.id,
                ReviewStep::Approve,
                "",
            )
            .await,
        );
        assert_eq!(published, DatasetStatus::Published);

        // Two more, one of another organisation, both published.
        for (name, title, tags, groups, org) in [
            (
                "wqx-dibao-2025",
                "2025年各乡镇低保人数统计",
                &["低保", "民生"][..],
                &["social-security", "livelihood"][..],
                civil,
            ),
            (
                "wqx-budget-2025",
                "2025年一般公共预算收支表",
                &["预算"][..],
                &["finance"][..],
                finance,
            ),
        ] {
            let x = must(
                datasets::create(
                    &store,
                    &editor,
                    &author,
                    county.id,
                    org,
                    &dataset(name, title, tags, groups),
                    true,
                )
                .await,
            );
            assert_eq!(x.status, DatasetStatus::Submitted);
            must(
                datasets::step(
                    &store,
                    &reviewer,
                    reviewer_id,
                    x.id,
                    ReviewStep::Approve,
                    "",
                )
                .await,
            );
        }

        let all = must(datasets::search(&store, &query(county.id)).await);
        assert_eq!(all.count, 3);
        let found = must(
            datasets::search(
                &store,
                &DatasetQuery {
                    words: vec!["预算".into()],
                    sort: Sort::NameAsc,
                    ..query(county.id)
                },
            )
            .await,
        );
        let names: Vec<&str> = found.datasets.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["wqx-budget-2025", "wqx-budget-2026"]);
        assert_eq!(found.datasets[1].resources.len(), 2);

        // A wildcard typed by the public is a character, not a pattern.
        let none = must(
            datasets::search(
                &store,
                &DatasetQuery {
                    words: vec!["%".into()],
                    ..query(county.id)
                },
            )
            .await,
        );
        assert_eq!(none.count, 0);

        let by_terms = DatasetQuery {
            terms: vec![
                (Field::Organization, "wqx004".into()),
                (Field::ResFormat, "csv".into()),
            ],
            ..query(county.id)
        };
        let found = must(datasets::search(&store, &by_terms).await);
        assert_eq!(found.count, 1);
        assert_eq!(found.datasets[0].name, "wqx-budget-2026");

        // Facets equal a count of the rows.
        let orgs = must(datasets::facet(&store, &query(county.id), Field::Organization, 50).await);
        let pairs: Vec<(&str, i64)> = orgs.iter().map(|f| (f.value.as_str(), f.count)).collect();
        assert_eq!(pairs, vec![("WQX004", 2), ("WQX010", 1)]);
        let tags = must(datasets::facet(&store, &query(county.id), Field::Tags, 50).await);
        let pairs: Vec<(&str, i64)> = tags.iter().map(|f| (f.value.as_str(), f.count)).collect();
        assert_eq!(
            pairs,
            vec![("预算", 2), ("低保", 1), ("民生", 1), ("财政", 1)]
        );
        let formats = must(datasets::facet(&store, &query(county.id), Field::ResFormat, 50).await);
        let pairs: Vec<(&str, i64)> = formats
            .iter()
            .map(|f| (f.value.as_str(), f.count))
            .collect();
        assert_eq!(pairs, vec![("CSV", 1), ("HTML", 1)]);
        let groups = must(datasets::facet(&store, &by_terms, Field::Groups, 50).await);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].value, "finance");

        assert_eq!(
            must(datasets::published_names(&store, county.id, 100, 0).await),
            vec!["wqx-budget-2025", "wqx-budget-2026", "wqx-dibao-2025"]
        );
        let by_uuid = must(datasets::find(&store, county.id, &d.uuid).await);
        assert_eq!(by_uuid.map(|x| x.id), Some(d.id));
        assert!(must(datasets::find(&store, county.id + 999, &d.name).await).is_none());

        // Downloads are counted per resource.
        must(datasets::count_download(&store, file.id).await);
        must(datasets::count_download(&store, file.id).await);
        let again = must(datasets::resource(&store, &file.uuid).await);
        assert_eq!(again.map(|r| r.downloads), Some(2));

        // An edit sends a published dataset back to review: it leaves the catalogue.
        let mut changed = budget.clone();
        changed.title = "2026年一般公共预算收支表（调整）".into();
        let edited = must(datasets::update(&store, &editor, d.id, finance, &changed).await);
        assert_eq!(edited.status, DatasetStatus::Submitted);
        assert_eq!(
            must(datasets::search(&store, &query(county.id)).await).count,
            2
        );

        // Every change is audited and on the change feed.
        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'dataset.%'",
        )
        .await;
        assert!(audited >= 14, "{audited}");
        let fed = count(&store, "SELECT COUNT(*) FROM change_feed").await - feed_before;
        assert!(fed >= 12, "{fed}");
        let last = must(feed::since(&store, 0, 10_000).await);
        assert!(
            last.iter()
                .any(|f| f.object_type == "dataset" && f.change == "dataset.update")
        );
    }
}

#[tokio::test]
async fn api_tokens_are_kept_as_hashes_and_can_be_revoked() {
    for engine in ENGINES {
        let (_db, store, _county) = county_on(engine).await;
        add_orgs(&store, &[("WQX004", "乌恰县财政局", Some("WQX001"))]).await;
        let editor_id = add_staff(&store, "editor", "编辑", "WQX004", vec![Role::Editor]).await;
        let admin = Actor::user("admin", "::1");
        let token = must(datasets::create_token(&store, &admin, editor_id, "数据同步脚本").await);
        assert!(token.starts_with("gk_") && token.len() > 60);
        let stored = count(&store, "SELECT COUNT(*) FROM api_tokens").await;
        assert_eq!(stored, 1);
        let hash: String = must(
            sqlx::query_scalar("SELECT token_hash FROM api_tokens")
                .fetch_one(store.pool())
                .await,
        );
        assert!(!hash.contains(&token[3..]));
        assert_eq!(
            must(datasets::token_user(&store, &token).await),
            Some(editor_id)
        );
        assert_eq!(must(datasets::token_user(&store, "gk_wrong").await), None);
        let empty = datasets::create_token(&store, &admin, editor_id, "  ").await;
        assert!(
            matches!(&empty, Err(StoreError::Conflict(r)) if r.code == ErrorCode::ApiTokenNameRequired)
        );

        let listed = must(datasets::tokens_of(&store, editor_id).await);
        must(datasets::revoke_token(&store, &admin, editor_id, listed[0].id).await);
        assert_eq!(must(datasets::token_user(&store, &token).await), None);
        assert!(
            datasets::revoke_token(&store, &admin, editor_id, listed[0].id)
                .await
                .is_err()
        );
        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'api_token.%'",
        )
        .await;
        assert_eq!(audited, 2);
    }
}
