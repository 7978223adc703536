//! Calendar data and a site's region from the command line, on both engines: a region is
//! refused until its days are imported, then setting it moves open deadlines (audited); a new
//! national year imported from a file is answered by `calendar is-working-day`.

use chrono::{Datelike, Duration, Utc};
use gongkai_domain::org::OrgCode;
use gongkai_store::applications;
use gongkai_store::testing::{ENGINES, TestDb};
use gongkai_store::{Store, audit, orgs};

use crate::support::{add_county, assert_says, gongkai, must, succeeds};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn import(db: &TestDb, name: &str, json: &str, region: Option<&str>) {
    let file = db.dir.join(name);
    must(std::fs::write(&file, json));
    let path = file.to_str().unwrap_or_default().to_owned();
    let mut args = vec!["calendar", "import"];
    if let Some(r) = region {
        args.extend(["--region", r]);
    }
    args.push(&path);
    succeeds(db, &args);
}

#[tokio::test]
async fn a_sites_region_is_set_from_the_command_line_and_moves_open_deadlines() {
    for engine in ENGINES {
        let db = TestDb::new(engine).await;
        succeeds(&db, &["init"]);
        add_county(&db);
        // Deadlines of late-year applications run into next year: a test fixture for it.
        let this_year = gongkai_domain::time::beijing_date(Utc::now()).year();
        let next = this_year + 1;
        if next > 2026 {
            import(
                &db,
                "next.json",
                &format!(
                    "{{\"year\": {next}, \"days\": [{{\"name\": \"元旦\", \"date\": \"{next}-01-01\", \"isOffDay\": true}}]}}"
                ),
                None,
            );
        }
        let store = must(Store::open(&db.url).await);
        let org = must(orgs::by_code(&store, &must(OrgCode::parse("WQX001"))).await);
        let receipt = must(
            applications::submit(
                &store,
                &gongkai_store::testing::application(org.id, "申请公开某项目的批复文件"),
                Utc::now(),
                "",
            )
            .await,
        );
        let before = receipt.due_on.map(|d| d.to_string()).unwrap_or_default();
        let due = must(chrono::NaiveDate::parse_from_str(&before, "%Y-%m-%d"));
        let holiday = if (due - Duration::days(1)).weekday().number_from_monday() <= 5 {
            due - Duration::days(1)
        } else {
            due
        };

        // No data for XJ yet: refused in one clear line, nothing set.
        let o = gongkai(&db, &["site", "set", "region.WQX001", "XJ"]);
        assert!(!o.status.success());
        let err = text(&o.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("没有地区“XJ”"), "{err}");

        for year in [this_year, next] {
            let days = if holiday.year() == year {
                format!("[{{\"name\": \"古尔邦节\", \"date\": \"{holiday}\", \"isOffDay\": true}}]")
            } else {
                "[]".to_owned()
            };
            import(
                &db,
                &format!("xj-{year}.json"),
                &format!("{{\"year\": {year}, \"days\": {days}}}"),
                Some("XJ"),
            );
        }
        let o = succeeds(&db, &["site", "set", "region.WQX001", "XJ"]);
        assert_says(&text(&o.stdout), "重新计算了 1 件");
        let show = text(&gongkai(&db, &["site", "show"]).stdout);
        assert!(show.contains("region.WQX001\tXJ"), "{show}");
        let after = must(applications::by_tracking_code(&store, &receipt.tracking_code).await)
            .due_on
            .map(|d| d.to_string())
            .unwrap_or_default();
        assert!(after > before, "{before} → {after}");
        let entries = must(audit::recent(&store, 20, None).await);
        let audited = |action: &str, about: &dyn Fn(&gongkai_domain::audit::AuditEntry) -> bool| {
            entries.iter().any(|e| e.action == action && about(e))
        };
        assert!(audited("setting.set", &|e| e.object_id == "region.WQX001"));
        assert!(audited("application.recompute_due", &|e| e
            .detail
            .contains(&after)));

        // A national year that is not shipped: answered once imported.
        let o = gongkai(&db, &["calendar", "is-working-day", "2031-01-06"]);
        assert!(!o.status.success());
        import(
            &db,
            "2031.json",
            r#"{"year": 2031, "days": [{"name": "元旦", "date": "2031-01-01", "isOffDay": true}]}"#,
            None,
        );
        let o = succeeds(&db, &["calendar", "is-working-day", "2031-01-06"]);
        assert_eq!(text(&o.stdout).trim(), "yes");
        let o = gongkai(&db, &["calendar", "is-working-day", "2031-01-01"]);
        assert_eq!(text(&o.stdout).trim(), "no");
    }
}
