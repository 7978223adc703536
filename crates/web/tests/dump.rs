//! CKAN's datastore dump on both engines: a loaded CSV whose cells start with `=`, `+`, `-` and
//! `@` comes back as CSV (BOM, `'` before each such cell) and as an Excel workbook with the same
//! text; `fields`, `sort` and `limit` are honoured; a conditional dataset's table is refused
//! (403) and an unknown resource is not found (404).

use std::io::Cursor;
use std::time::Duration;

use calamine::{Data, Reader, Xlsx};
use gongkai_store::datasets;
use gongkai_store::testing::ENGINES;
use reqwest::StatusCode;

use crate::data::dataset_with_csv;
use crate::data_open::resource_uuid;
use crate::support::{must, spawn_app, wait_until};

const CSV: &str = "名称,金额,备注\n=1+1,10,@SUM(A1)\n+86,30,-5 项\n普通,20,正常\n";

#[tokio::test]
async fn a_loaded_table_dumps_as_csv_and_xlsx_with_formulas_neutralised() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        dataset_with_csv(&app, "wqx-zhichu", "支出明细", "unconditional", true, CSV).await;
        dataset_with_csv(&app, "wqx-cond", "低保对象明细", "conditional", true, CSV).await;
        let open = resource_uuid(&app.store, "wqx-zhichu").await;
        let closed = resource_uuid(&app.store, "wqx-cond").await;
        for uuid in [&open, &closed] {
            let store = app.store.clone();
            let uuid = uuid.clone();
            wait_until(
                &format!("{engine:?}: the CSV was not loaded"),
                Duration::from_secs(20),
                async || {
                    datasets::resource(&store, &uuid)
                        .await
                        .ok()
                        .flatten()
                        .is_some_and(|r| r.datastore_active)
                },
            )
            .await;
        }
        let get = async |path: &str| {
            let r = must(reqwest::get(format!("{}{path}", app.base)).await);
            let status = r.status();
            let headers = r.headers().clone();
            (status, headers, must(r.bytes().await).to_vec())
        };

        let (status, headers, body) = get(&format!("/datastore/dump/{open}")).await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        let text = must(String::from_utf8(body));
        assert!(text.starts_with('\u{feff}'), "{engine:?}: a BOM");
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines,
            [
                "_id,名称,金额,备注",
                "1,'=1+1,10,'@SUM(A1)",
                "2,'+86,30,'-5 项",
                "3,普通,20,正常"
            ],
            "{engine:?}"
        );
        let kind = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(kind.starts_with("text/csv"), "{kind}");
        let disposition = headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        assert!(disposition.contains(".csv"), "{disposition}");

        // fields, sort and limit.
        let (status, _, body) = get(&format!(
            "/datastore/dump/{open}?fields=%E5%90%8D%E7%A7%B0,%E9%87%91%E9%A2%9D&sort=%E9%87%91%E9%A2%9D%20desc&limit=2"
        ))
        .await;
        assert_eq!(status, StatusCode::OK);
        let text = must(String::from_utf8(body));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines, ["名称,金额", "'+86,30", "普通,20"], "{engine:?}");

        // The same table as a workbook.
        let (status, headers, body) = get(&format!("/datastore/dump/{open}?format=xlsx")).await;
        assert_eq!(status, StatusCode::OK, "{engine:?}");
        let disposition = headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(disposition.contains(".xlsx"), "{disposition}");
        let mut book = must(Xlsx::new(Cursor::new(body)));
        let range = must(book.worksheet_range("支出明细"));
        let cell = |r: u32, c: u32| match range.get_value((r, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(cell(0, 1), "名称");
        assert_eq!(cell(1, 1), "'=1+1");
        assert_eq!(cell(1, 3), "'@SUM(A1)");
        assert_eq!(cell(2, 1), "'+86");
        assert_eq!(cell(2, 3), "'-5 项");
        assert_eq!(cell(2, 2), "30");
        assert_eq!(range.height(), 4, "{engine:?}: heading and three rows");

        // The dataset's page links both.
        let (_, _, page) = get("/data/wqx-zhichu").await;
        let page = String::from_utf8_lossy(&page);
        assert!(
            page.contains(&format!(
                "href=\"/datastore/dump/{open}\" download>下载全表（CSV）"
            )),
            "{page}"
        );
        assert!(page.contains(&format!(
            "href=\"/datastore/dump/{open}?format=xlsx\" download>下载全表（Excel）"
        )));

        // Refusals.
        let (status, _, body) = get(&format!("/datastore/dump/{closed}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{engine:?}");
        assert!(String::from_utf8_lossy(&body).contains("非无条件开放"));
        let (status, _, _) = get("/datastore/dump/00000000-0000-0000-0000-000000000000").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{engine:?}");
        let (status, _, body) = get(&format!("/datastore/dump/{open}?fields=nope")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{engine:?}");
        assert!(String::from_utf8_lossy(&body).contains("下载条件有误"));
    }
}

#[tokio::test]
async fn a_datasets_search_document_masks_personal_numbers_but_the_sites_public_phone() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        let id = dataset_with_csv(&app, "wqx-mask", "联系人名单", "unconditional", true, CSV).await;
        must(
            sqlx::query("UPDATE datasets SET notes = $1, title = $2 WHERE id = $3")
                .bind("咨询请致电 13912345678 或 0908-4520000，身份证 650102198001011234")
                .bind("联系人 13912345678")
                .bind(id)
                .execute(app.store.pool())
                .await,
        );
        let d = must(datasets::get(&app.store, id).await);
        let public = gongkai_domain::pii::PublicNumbers::from_texts(["0908-4520000"]);
        let doc = gongkai_jobs::search::datasets::doc(&d, &public);
        for text in [&doc.title, &doc.body] {
            assert!(!text.contains("13912345678"), "{engine:?}: {text}");
            assert!(!text.contains("650102198001011234"), "{engine:?}: {text}");
        }
        assert!(
            doc.body.contains("0908-4520000"),
            "{engine:?}: {}",
            doc.body
        );
        assert!(doc.body.contains("咨询请致电"), "{}", doc.body);
    }
}
