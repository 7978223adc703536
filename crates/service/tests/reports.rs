//! The annual report's use cases on both engines: the county's draft aggregates its offices'
//! applications, hand entries are read from a form with their sources, publication is refused
//! while an identity fails and, after the due date, without a reason; a published report keeps
//! section 三 as it was counted.

use chrono::{NaiveDate, TimeZone, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::Outcome;
use gongkai_domain::report::{Column, Row};
use gongkai_service::{ServiceError, reports};
use gongkai_store::testing::{application, plant_reply};
use gongkai_store::{Actor, Store, applications, orgs};

use crate::support::{counties, must};

fn day(s: &str) -> NaiveDate {
    must(NaiveDate::parse_from_str(s, "%Y-%m-%d"))
}

async fn org_id(store: &Store, code: &str) -> i64 {
    let code = must(gongkai_domain::org::OrgCode::parse(code));
    must(orgs::by_code(store, &code).await).id
}

/// An application to `org` received on `received` (noon Beijing time), replied with `reply`.
async fn applied(store: &Store, org: i64, received: &str, reply: Option<(&str, Outcome)>) {
    let at = day(received)
        .and_hms_opt(4, 0, 0)
        .map(|t| Utc.from_utc_datetime(&t));
    let at = at.unwrap_or_else(|| panic!("a valid time"));
    let r =
        must(applications::submit(store, &application(org, "申请公开预算"), at, "10.0.0.7").await);
    if let Some((on, outcome)) = reply {
        plant_reply(store, &r.tracking_code, outcome, day(on)).await;
    }
}

/// A report form holding `pairs`, read the way the handler reads its posted fields.
fn form<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
    move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
}

/// The section 四 form with `total` administrative reviews, one of them upheld.
fn reviews(total: &str) -> [(&str, &str); 4] {
    [
        ("overview", "本年度，县政府坚持以公开为常态、不公开为例外。"),
        ("review.upheld", "1"),
        ("review.total", total),
        ("review.source", "县司法局行政复议台账"),
    ]
}

fn refusal_code(r: Result<reports::Report, ServiceError>) -> ErrorCode {
    match r {
        Err(ServiceError::Refused(r)) => r.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_county_report_is_counted_checked_and_published_once() {
    for (engine, _db, store) in counties().await {
        let county = org_id(&store, "WQX001").await;
        let finance = org_id(&store, "WQX002").await;
        #[rustfmt::skip]
        let planted = [
            (county, "2025-02-01", Some(("2025-02-10", Outcome::Disclosed))),
            (finance, "2024-12-20", Some(("2025-01-08", Outcome::NotHeld))),
            (finance, "2025-12-25", None),
        ];
        for (org, received, reply) in planted {
            applied(&store, org, received, reply).await;
        }
        let actor = Actor::user("demo-supervisor", "10.0.0.7");
        let today = day("2026-03-01");

        let draft = must(reports::open(&store, county, 2025, today).await);
        assert_eq!(draft.orgs_counted, 2, "{engine:?}");
        assert_eq!(draft.table.get(Row::New, Column::Total), 2, "{engine:?}");
        assert_eq!(draft.table.get(Row::CarriedIn, Column::Total), 1);
        assert_eq!(draft.table.get(Row::Total, Column::Total), 2);
        assert_eq!(draft.table.get(Row::CarriedOut, Column::Total), 1);
        assert!(
            draft.violations.is_empty(),
            "{engine:?}: {:?}",
            draft.violations
        );
        let dept = must(reports::open(&store, finance, 2025, today).await);
        assert_eq!(dept.table.get(Row::New, Column::Total), 1, "{engine:?}");
        assert!(
            dept.overdue,
            "{engine:?}: a department's report was due on 31 January"
        );

        // A form with a figure without its source is refused by field, nothing saved.
        let bad = [("licensing", "3")];
        let answer = must(reports::save(&store, &actor, county, 2025, today, form(&bad)).await);
        let errors = answer
            .err()
            .unwrap_or_else(|| panic!("{engine:?}: refused"));
        assert_eq!(
            errors.codes().get("licensing.source"),
            Some(&"report.source_required")
        );

        // Section 四 whose total is not the sum of its results blocks publication.
        let unbalanced = reviews("2");
        let saved =
            must(reports::save(&store, &actor, county, 2025, today, form(&unbalanced)).await)
                .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(saved.entries.review.review.total, 2);
        let keys: Vec<_> = saved.violations.iter().map(|v| v.key()).collect();
        assert_eq!(keys, ["四:review.total"], "{engine:?}");
        let refused = reports::publish(&store, &actor, county, 2025, today, "", &[]).await;
        assert_eq!(
            refusal_code(refused),
            ErrorCode::ReportIdentityBroken,
            "{engine:?}"
        );

        let fixed = reviews("1");
        let saved = must(reports::save(&store, &actor, county, 2025, today, form(&fixed)).await)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(saved.violations.is_empty(), "{engine:?}");

        // After 31 March the county's report needs a reason.
        let late = day("2026-04-02");
        let refused = reports::publish(&store, &actor, county, 2025, late, "  ", &[]).await;
        assert_eq!(
            refusal_code(refused),
            ErrorCode::ReportLateReasonRequired,
            "{engine:?}"
        );
        let published = must(
            reports::publish(
                &store,
                &actor,
                county,
                2025,
                late,
                "等待县司法局复议数据",
                &[],
            )
            .await,
        );
        assert!(published.is_published());
        assert_eq!(published.late_reason, "等待县司法局复议数据");

        // Section 三 stays as published when later replies change the count.
        applied(
            &store,
            finance,
            "2025-06-01",
            Some(("2025-06-20", Outcome::Repeated)),
        )
        .await;
        let reopened = must(reports::open(&store, county, 2025, late).await);
        assert_eq!(reopened.table, published.table, "{engine:?}");
        assert_eq!(reopened.table.get(Row::New, Column::Total), 2);
        let again = reports::publish(&store, &actor, county, 2025, late, "再次", &[]).await;
        assert_eq!(refusal_code(again), ErrorCode::ReportAlreadyPublished);

        // The list of years, and a year before the oldest format (2019) a report can be entered in.
        let years = must(reports::years(&store, county, late).await);
        assert_eq!(years.first().map(|y| y.year), Some(2026));
        assert!(years.iter().any(|y| y.year == 2025 && y.published));
        let too_early = reports::open(&store, county, 2018, late).await;
        assert_eq!(refusal_code(too_early), ErrorCode::ReportYearOutOfRange);
    }
}

/// Section 四 counted from the 行政复议 and 行政诉讼 recorded on the applications a report counts:
/// each in its group under its result at the end of the year, added to the cases entered by
/// hand, and frozen as the sum when the report is published (a result recorded later changes
/// nothing).
#[tokio::test]
async fn section_4_counts_the_challenges_recorded_on_applications() {
    use gongkai_domain::application::Challenge;
    use gongkai_store::challenges;
    for (engine, _db, store) in counties().await {
        let county = org_id(&store, "WQX001").await;
        let finance = org_id(&store, "WQX002").await;
        let at = Utc.with_ymd_and_hms(2025, 2, 1, 4, 0, 0).single();
        let at = at.unwrap_or_else(|| panic!("a valid time"));
        let r = must(
            applications::submit(
                &store,
                &application(finance, "申请公开预算"),
                at,
                "10.0.0.7",
            )
            .await,
        );
        plant_reply(
            &store,
            &r.tracking_code,
            Outcome::NotHeld,
            day("2025-02-10"),
        )
        .await;
        let app = must(applications::by_tracking_code(&store, &r.tracking_code).await);
        let actor = Actor::user("demo-handler", "10.0.0.7");
        let today = day("2026-03-01");
        let review = must(Challenge::filed(
            "review",
            "2025-03-01",
            app.received_on,
            today,
        ));
        let id = must(challenges::add(&store, &actor, app.id, &r.tracking_code, &review).await);
        let corrected = must(review.decide("corrected", "2025-05-20", today));
        must(challenges::decide(&store, &actor, app.id, &r.tracking_code, id, &corrected).await);
        let suit = must(Challenge::filed(
            "direct_suit",
            "2025-11-01",
            app.received_on,
            today,
        ));
        let suit_id = must(challenges::add(&store, &actor, app.id, &r.tracking_code, &suit).await);
        // Refusals: filed before the application arrived, decided before it was filed.
        assert!(Challenge::filed("review", "2025-01-01", app.received_on, today).is_err());
        assert!(review.decide("upheld", "2025-02-01", today).is_err());

        let draft = must(reports::open(&store, county, 2025, today).await);
        assert_eq!(
            draft.recorded_review.review.values(),
            [0, 1, 0, 0, 1],
            "{engine:?}"
        );
        assert_eq!(draft.recorded_review.direct_suit.values(), [0, 0, 0, 1, 1]);
        assert_eq!(draft.entries.review.review.values(), [0, 1, 0, 0, 1]);
        // One upheld case entered by hand (the platform does not hold it) is added.
        let supervisor = Actor::user("demo-supervisor", "10.0.0.7");
        let saved = must(
            reports::save(
                &store,
                &supervisor,
                county,
                2025,
                today,
                form(&reviews("1")),
            )
            .await,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            saved.hand_review.review.values(),
            [1, 0, 0, 0, 1],
            "{engine:?}"
        );
        assert_eq!(saved.entries.review.review.values(), [1, 1, 0, 0, 2]);
        assert!(
            saved.violations.is_empty(),
            "{engine:?}: {:?}",
            saved.violations
        );
        assert!(saved.entries.review.source.contains("依申请公开办件中登记"));

        let published =
            must(reports::publish(&store, &supervisor, county, 2025, today, "", &[]).await);
        assert_eq!(published.entries.review.review.values(), [1, 1, 0, 0, 2]);
        // The suit decided afterwards does not change the published report.
        let decided = must(suit.decide("upheld", "2026-02-01", today));
        must(challenges::decide(&store, &actor, app.id, &r.tracking_code, suit_id, &decided).await);
        let reopened = must(reports::open(&store, county, 2025, today).await);
        assert_eq!(
            reopened.entries.review, published.entries.review,
            "{engine:?}"
        );
        assert_eq!(
            reopened.entries.review.direct_suit.values(),
            [0, 0, 0, 1, 1]
        );
    }
}
