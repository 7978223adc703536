//! Typed public lists on both engines: a row from draft to the public side (a guide missing a
//! statutory element refused at approval, a stale edit refused, no self-review), the public
//! rule in SQL and in memory alike over every case, a 公示 row leaving the public side at the
//! end of its period (the leaving audited once), an ID number in a free-text cell needing a
//! written justification, enum filters and search over masked text only, a defined list type,
//! and the 行政许可 / 行政处罚 counts of an organisation subtree with their timeliness.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::calendar::Calendar;
use gongkai_domain::role::Role;
use gongkai_domain::screening::Justification;
use gongkai_domain::typed_list::{self, RowStatus, Schema, Validity, builtin};
use gongkai_store::testing::{ENGINES, add_orgs, add_staff};
use gongkai_store::typed_lists::{self, RowFilter, RowInput};
use gongkai_store::{Actor, Store, StoreError, reports};

use crate::support::{count, county_on, must};

fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn list(code: &str) -> Schema {
    builtin::by_code(code).unwrap_or_else(|| panic!("no list {code}"))
}

fn refusal<T: std::fmt::Debug>(r: Result<T, StoreError>) -> ErrorCode {
    match r {
        Err(StoreError::Domain(e)) => e.error_code(),
        Err(StoreError::Conflict(r)) => r.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const NO_NOTE: Justification<'static> = Justification {
    note: "",
    secret_ground: None,
};

/// Staff of the county's 民政局 (WQX002): an editor and a reviewer, with their ids.
async fn staff(store: &Store) -> (i64, i64, i64) {
    add_orgs(
        store,
        &[
            ("WQX002", "乌恰县民政局", Some("WQX001")),
            ("WQX003", "乌恰县市场监督管理局", Some("WQX001")),
        ],
    )
    .await;
    let editor = add_staff(store, "editor", "editor", "WQX002", vec![Role::Editor]).await;
    let reviewer = add_staff(
        store,
        "reviewer",
        "reviewer",
        "WQX002",
        vec![Role::Reviewer],
    )
    .await;
    let org: i64 = must(
        sqlx::query_scalar("SELECT id FROM organisations WHERE code = 'WQX002'")
            .fetch_one(store.pool())
            .await,
    );
    (editor, reviewer, org)
}

/// Adds a row of `schema` typed as `pairs` as `author`'s draft.
async fn draft(
    store: &Store,
    site: i64,
    author: i64,
    org: i64,
    schema: &Schema,
    pairs: &[(&str, &str)],
) -> i64 {
    let cells = must(
        schema
            .check_row(&typed(pairs))
            .map_err(|e| format!("{e:?}")),
    );
    let input = RowInput {
        schema,
        cells: &cells,
        validity: Validity::Valid,
        default_org: org,
        scope: None,
    };
    must(
        typed_lists::create(
            store,
            &Actor::user("editor", "::1"),
            Some(author),
            site,
            &input,
        )
        .await,
    )
}

/// Submits and approves the row (author `editor`, reviewer `reviewer`).
async fn publish(store: &Store, site: i64, id: i64, editor: i64, reviewer: i64) {
    let (e, r) = (Actor::user("editor", "::1"), Actor::user("reviewer", "::1"));
    must(typed_lists::submit(store, &e, editor, site, id).await);
    must(typed_lists::approve(store, &r, reviewer, site, id, NO_NOTE).await);
}

fn guide(missing: &str) -> Vec<(&'static str, &'static str)> {
    builtin::GUIDE_ELEMENTS
        .iter()
        .copied()
        .filter(|k| *k != missing)
        .map(|k| {
            (
                k,
                if k == "name" {
                    "最低生活保障申请"
                } else {
                    "见说明"
                },
            )
        })
        .collect()
}

#[tokio::test]
async fn a_guide_goes_from_draft_to_the_public_side_once_its_elements_are_complete() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let (editor, reviewer, org) = staff(&store).await;
        let (e, r) = (Actor::user("editor", "::1"), Actor::user("reviewer", "::1"));
        let s = list("banshi");
        let id = draft(&store, county.id, editor, org, &s, &guide("fee")).await;
        let row = must(typed_lists::get(&store, county.id, id).await);
        assert_eq!(
            (row.status, row.version, row.org_id),
            (RowStatus::Draft, 1, org)
        );
        assert_eq!(s.missing_elements(&row.cells).len(), 1, "flagged");

        must(typed_lists::submit(&store, &e, editor, county.id, id).await);
        let approved = typed_lists::approve(&store, &e, editor, county.id, id, NO_NOTE).await;
        assert_eq!(refusal(approved), ErrorCode::ListRowSelfReview);
        let approved = typed_lists::approve(&store, &r, reviewer, county.id, id, NO_NOTE).await;
        assert_eq!(refusal(approved), ErrorCode::ListMissingElements);
        must(typed_lists::return_row(&store, &r, reviewer, county.id, id, "缺收费标准").await);

        // Two edits on the version both read: the second is refused, not overwritten.
        let row = must(typed_lists::get(&store, county.id, id).await);
        let cells = must(
            s.check_row(&typed(&guide("")))
                .map_err(|e| format!("{e:?}")),
        );
        let input = RowInput {
            schema: &s,
            cells: &cells,
            validity: Validity::Valid,
            default_org: org,
            scope: Some(&[org]),
        };
        must(typed_lists::update(&store, &e, editor, county.id, id, row.version, &input).await);
        let stale = typed_lists::update(&store, &e, editor, county.id, id, row.version, &input);
        assert_eq!(refusal(stale.await), ErrorCode::ListRowStale);
        let other_org = RowInput {
            scope: Some(&[county.id]),
            ..input.clone()
        };
        let row = must(typed_lists::get(&store, county.id, id).await);
        let out_of_scope =
            typed_lists::update(&store, &e, editor, county.id, id, row.version, &other_org);
        assert_eq!(refusal(out_of_scope.await), ErrorCode::ListOrgOutOfScope);

        let at = Utc::now();
        assert!(must(typed_lists::public_row(&store, county.id, "banshi", id, at).await).is_none());
        publish(&store, county.id, id, editor, reviewer).await;
        let shown =
            must(typed_lists::public_row(&store, county.id, "banshi", id, Utc::now()).await);
        assert!(shown.is_some_and(|r| r.gongshi_until.is_none()));
        let other_list = typed_lists::public_row(&store, county.id, "quanli", id, Utc::now());
        assert!(must(other_list.await).is_none());

        // An edit of a published row takes it off the public side until approved again.
        let row = must(typed_lists::get(&store, county.id, id).await);
        must(typed_lists::update(&store, &r, reviewer, county.id, id, row.version, &input).await);
        let row = must(typed_lists::get(&store, county.id, id).await);
        assert_eq!(
            (row.status, row.author_id),
            (RowStatus::Draft, Some(reviewer))
        );
        assert!(!row.is_public(Utc::now()));

        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'list.%'",
        );
        assert_eq!(
            audited.await,
            7,
            "create, submit, return, save, submit, approve, save"
        );
        let fed = count(
            &store,
            "SELECT COUNT(*) FROM change_feed WHERE object_type = 'list_row'",
        );
        assert_eq!(fed.await, 7, "refused edits write nothing");
        let sited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'list.%' AND site_id IS NULL",
        );
        assert_eq!(sited.await, 0, "every entry in the county's site");
    }
}

#[tokio::test]
async fn the_public_rule_is_the_same_in_sql_and_in_memory() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let (editor, _, org) = staff(&store).await;
        let s = list("minsheng");
        let now = Utc::now();
        let mut ids = Vec::new();
        for status in RowStatus::ALL {
            for until in [
                None,
                Some(now - Duration::hours(1)),
                Some(now + Duration::hours(1)),
            ] {
                let pairs = [
                    ("project", "农村危房改造补助"),
                    ("year", "2026"),
                    ("org", "WQX002"),
                    ("recipient", "城关镇"),
                    ("amount", "1000"),
                ];
                let id = draft(&store, county.id, editor, org, &s, &pairs).await;
                must(
                    sqlx::query(
                        "UPDATE list_rows SET status = $1, gongshi_until = $2 WHERE id = $3",
                    )
                    .bind(status.code())
                    .bind(until.map(gongkai_store::ts))
                    .bind(id)
                    .execute(store.pool())
                    .await,
                );
                ids.push(id);
            }
        }
        let filter = RowFilter {
            site_id: county.id,
            type_code: "minsheng".into(),
            public_at: Some(now),
            ..RowFilter::default()
        };
        let (public, total) = must(typed_lists::list(&store, &filter, 1, 100).await);
        let in_sql: Vec<i64> = public.iter().map(|r| r.id).collect();
        let mut in_memory = Vec::new();
        for id in ids.iter().rev() {
            let row = must(typed_lists::get(&store, county.id, *id).await);
            if typed_list::is_public(row.status, row.gongshi_until, now) {
                in_memory.push(*id);
            }
        }
        assert_eq!(in_sql, in_memory);
        assert_eq!(
            (total, in_sql.len()),
            (2, 2),
            "published: no end, or an end to come"
        );
    }
}

#[tokio::test]
async fn a_gongshi_row_leaves_the_public_side_when_its_period_ends() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let (editor, reviewer, org) = staff(&store).await;
        let s = list("jiuzhu");
        let pairs = [
            ("kind", "农村低保"),
            ("name", "李四明"),
            ("id_number", "11010519491231002X"),
            ("village", "东村"),
        ];
        let id = draft(&store, county.id, editor, org, &s, &pairs).await;
        publish(&store, county.id, id, editor, reviewer).await;
        let row = must(typed_lists::get(&store, county.id, id).await);
        let (Some(published), Some(until)) = (row.published_at, row.gongshi_until) else {
            panic!("a 公示 row has its period: {row:?}");
        };
        assert_eq!(until - published, Duration::days(7));
        let public = |at| typed_lists::public_row(&store, county.id, "jiuzhu", id, at);
        assert!(must(public(until - Duration::seconds(1)).await).is_some());
        assert!(must(public(until).await).is_none(), "gone at its end");
        let filter = RowFilter {
            site_id: county.id,
            type_code: "jiuzhu".into(),
            public_at: Some(until),
            ..RowFilter::default()
        };
        assert_eq!(must(typed_lists::list(&store, &filter, 1, 20).await).1, 0);

        assert!(
            must(typed_lists::end_gongshi(&store, until - Duration::seconds(1), 50).await)
                .is_empty()
        );
        assert_eq!(
            must(typed_lists::end_gongshi(&store, until, 50).await),
            [id]
        );
        assert!(
            must(typed_lists::end_gongshi(&store, until, 50).await).is_empty(),
            "once"
        );
        let audited = count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'list.gongshi_end'",
        );
        assert_eq!(audited.await, 1);
        let fed = count(
            &store,
            "SELECT COUNT(*) FROM change_feed WHERE object_type = 'list_row' AND change = 'gongshi_end'",
        );
        assert_eq!(fed.await, 1);
        // Staff still see it.
        assert_eq!(
            must(typed_lists::get(&store, county.id, id).await).status,
            RowStatus::Published
        );
    }
}

#[tokio::test]
async fn an_id_number_in_a_free_text_cell_needs_a_justification_and_search_sees_masked_text() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let (editor, reviewer, org) = staff(&store).await;
        let (e, r) = (Actor::user("editor", "::1"), Actor::user("reviewer", "::1"));
        let s = list("jiuzhu");
        let pairs = [
            ("kind", "临时救助"),
            ("name", "王五一"),
            ("village", "西村"),
            ("note", "身份证 11010519491231002X"),
        ];
        let id = draft(&store, county.id, editor, org, &s, &pairs).await;
        must(typed_lists::submit(&store, &e, editor, county.id, id).await);
        let bare = typed_lists::approve(&store, &r, reviewer, county.id, id, NO_NOTE).await;
        assert_eq!(refusal(bare), ErrorCode::ScreeningJustificationRequired);
        let note = Justification {
            note: "经核实为公开公示必需的内容，已征得本人同意",
            secret_ground: None,
        };
        let findings = must(typed_lists::approve(&store, &r, reviewer, county.id, id, note).await);
        assert_eq!(findings.len(), 1);

        let other = [("kind", "城市低保"), ("name", "赵六"), ("village", "东村")];
        let other = draft(&store, county.id, editor, org, &s, &other).await;
        publish(&store, county.id, other, editor, reviewer).await;
        let filter = |choices: Vec<(String, String)>, query: Option<&str>| RowFilter {
            site_id: county.id,
            type_code: "jiuzhu".into(),
            public_at: Some(Utc::now()),
            choices,
            query: query.map(str::to_owned),
            ..RowFilter::default()
        };
        let ids = |f: RowFilter| {
            let store = store.clone();
            async move {
                let (rows, _) = must(typed_lists::list(&store, &f, 1, 20).await);
                rows.iter().map(|r| r.id).collect::<Vec<_>>()
            }
        };
        let kind = vec![("kind".to_owned(), "城市低保".to_owned())];
        assert_eq!(ids(filter(kind, None)).await, [other]);
        assert_eq!(ids(filter(vec![], Some("西村"))).await, [id]);
        assert_eq!(ids(filter(vec![], Some("王**"))).await, [id]);
        assert!(
            ids(filter(vec![], Some("王五一"))).await.is_empty(),
            "the name is masked"
        );
        assert_eq!(ids(filter(vec![], Some("100%"))).await, Vec::<i64>::new());
    }
}

#[tokio::test]
async fn an_admin_defines_a_list_type_once() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let admin = Actor::user("admin", "::1");
        let mut s = list("minsheng");
        s.code = "nongji".into();
        s.name = "农机购置补贴".into();
        must(typed_lists::define(&store, &admin, county.id, &s).await);
        assert_eq!(
            refusal(typed_lists::define(&store, &admin, county.id, &s).await),
            ErrorCode::ListCodeTaken
        );
        s.code = "banshi".into();
        assert_eq!(
            refusal(typed_lists::define(&store, &admin, county.id, &s).await),
            ErrorCode::ListCodeBuiltin
        );
        let types = must(typed_lists::types(&store, county.id).await);
        assert_eq!(types.len(), builtin::all().len() + 1);
        let kept = must(typed_lists::schema(&store, county.id, "nongji").await);
        assert_eq!(kept.name, "农机购置补贴");
        assert!(
            typed_lists::schema(&store, county.id, "nothing")
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn decisions_of_a_subtree_are_counted_with_their_timeliness() {
    for engine in ENGINES {
        let (_db, store, county) = county_on(engine).await;
        let (editor, reviewer, org) = staff(&store).await;
        let s = list(builtin::ENFORCEMENT);
        let mut rows = Vec::new();
        // (kind, enforcer, decided, published Beijing noon of)
        let cases = [
            ("行政许可", "WQX002", "2025-12-01", "2025-12-10"),
            ("行政许可", "WQX002", "2025-12-01", "2025-12-11"),
            ("行政处罚", "WQX003", "2025-09-30", "2025-10-16"),
            ("行政处罚", "WQX003", "2024-12-30", "2025-01-02"),
            ("行政检查", "WQX002", "2025-05-06", "2025-05-06"),
        ];
        for (kind, enforcer, decided, published) in cases {
            let pairs = [
                ("stage", "事后公示"),
                ("title", "行政决定公示"),
                ("org", enforcer),
                ("decision_kind", kind),
                ("decision_date", decided),
            ];
            let id = draft(&store, county.id, editor, org, &s, &pairs).await;
            publish(&store, county.id, id, editor, reviewer).await;
            must(
                sqlx::query("UPDATE list_rows SET published_at = $1 WHERE id = $2")
                    .bind(format!("{published}T04:00:00.000000Z"))
                    .bind(id)
                    .execute(store.pool())
                    .await,
            );
            rows.push(id);
        }
        let calendar = Calendar::national();
        let subtree = must(reports::subtree(&store, county.id).await);
        let all = must(typed_lists::decisions(&store, &subtree, 2025, &calendar, None).await);
        assert_eq!(
            (all.licences.total, all.licences.on_time, all.licences.late),
            (2, 1, 1)
        );
        assert_eq!(
            (
                all.penalties.total,
                all.penalties.on_time,
                all.penalties.late
            ),
            (1, 1, 0)
        );
        let only = must(typed_lists::decisions(&store, &[org], 2025, &calendar, None).await);
        assert_eq!((only.licences.total, only.penalties.total), (2, 0));
        let earlier = must(typed_lists::decisions(&store, &subtree, 2024, &calendar, None).await);
        assert_eq!((earlier.penalties.total, earlier.penalties.on_time), (1, 1));
    }
}
