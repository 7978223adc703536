//! The catalogue in DCAT-AP on both engines: `/catalog.jsonld` parses as JSON-LD and holds every
//! published dataset of the site once (no draft), with its paging links; `/catalog.ttl` names
//! each dataset's IRI and escapes quotes, backslashes and newlines; a dataset alone as
//! `/data/{name}.jsonld` and `.ttl`, a draft's 404; the catalogue page links both.

use reqwest::StatusCode;
use serde_json::Value;

use crate::data::{add_link, dataset};
use crate::support::{App, assert_has_all, header, must, spawn_app};
use gongkai_store::testing::ENGINES;

async fn get(url: String) -> reqwest::Response {
    must(reqwest::get(url).await)
}

/// The nodes of a JSON-LD document's `@graph` whose `@type` is `kind`.
fn nodes<'a>(doc: &'a Value, kind: &str) -> Vec<&'a Value> {
    doc["@graph"]
        .as_array()
        .map(|g| g.iter().filter(|n| n["@type"] == kind).collect())
        .unwrap_or_default()
}

async fn json_ld(app: &App, path: &str) -> Value {
    let r = get(format!("{}{path}", app.base)).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    assert_eq!(header(&r, "content-type"), "application/ld+json");
    must(serde_json::from_str(&must(r.text().await)))
}

#[tokio::test]
async fn the_catalogue_is_dcat_in_json_ld_and_turtle_with_paging() {
    for engine in ENGINES {
        let app = spawn_app(engine, 1024 * 1024).await;
        dataset(
            &app,
            "wqx-dibao",
            "各乡镇低保人数统计",
            "unconditional",
            true,
        )
        .await;
        let quote_id = dataset(
            &app,
            "wqx-quote",
            "标题含\"引号\"与\\反斜杠",
            "conditional",
            true,
        )
        .await;
        add_link(
            &app,
            quote_id,
            "https://data.example.gov.cn/secret-link.html",
        )
        .await;
        dataset(&app, "wqx-draft", "未发布的数据集", "unconditional", false).await;
        must(
            sqlx::query("UPDATE datasets SET notes = $1 WHERE name = $2")
                .bind("第一行\n第二行\t\"说明\"")
                .bind("wqx-quote")
                .execute(app.store.pool())
                .await,
        );

        let doc = json_ld(&app, "/catalog.jsonld").await;
        assert_eq!(doc["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
        let datasets = nodes(&doc, "dcat:Dataset");
        let mut ids: Vec<&str> = datasets.iter().filter_map(|d| d["@id"].as_str()).collect();
        ids.sort_unstable();
        assert_eq!(
            ids,
            vec![
                format!("{}/data/wqx-dibao", app.base),
                format!("{}/data/wqx-quote", app.base)
            ],
            "{engine:?}: every published dataset once, no draft"
        );
        let catalog = nodes(&doc, "dcat:Catalog");
        assert_eq!(catalog.len(), 1);
        assert_eq!(catalog[0]["dcat:dataset"].as_array().map(Vec::len), Some(2));
        let paging = nodes(&doc, "hydra:PagedCollection");
        assert_eq!(paging.len(), 1);
        assert_eq!(paging[0]["hydra:totalItems"]["@value"], "2");
        assert_eq!(paging[0]["hydra:itemsPerPage"]["@value"], "100");
        assert_eq!(
            paging[0]["hydra:lastPage"],
            format!("{}/catalog.jsonld?page=1", app.base)
        );
        assert!(paging[0].get("hydra:nextPage").is_none());

        // The open dataset: publisher, licence, keyword, theme, frequency, a distribution
        // with its download address, media type, size and checksum.
        let dibao = datasets
            .iter()
            .find(|d| d["@id"] == format!("{}/data/wqx-dibao", app.base))
            .copied()
            .unwrap_or(&Value::Null);
        assert_eq!(dibao["dct:title"], "各乡镇低保人数统计");
        assert_eq!(dibao["dct:publisher"]["foaf:name"], "乌恰县财政局");
        assert_eq!(dibao["dcat:keyword"], "低保");
        assert_eq!(dibao["dcat:theme"]["skos:prefLabel"], "社会保障");
        assert_eq!(
            dibao["dct:accrualPeriodicity"]["@id"],
            "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
        );
        assert!(dibao["dct:license"]["@id"].as_str().is_some());
        let dist = &dibao["dcat:distribution"];
        assert_eq!(dist["@type"], "dcat:Distribution");
        assert!(
            dist["dcat:downloadURL"]["@id"]
                .as_str()
                .is_some_and(|u| u.ends_with("/download"))
        );
        assert_eq!(
            dist["dcat:mediaType"]["@id"],
            "http://www.iana.org/assignments/media-types/text/csv"
        );
        assert!(dist["dcat:byteSize"]["@value"].as_str().is_some());
        assert_eq!(
            dist["spdx:checksum"]["spdx:algorithm"]["@id"],
            "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
        );
        // A conditional dataset's file is not offered for download.
        let quote = datasets
            .iter()
            .find(|d| d["@id"] == format!("{}/data/wqx-quote", app.base))
            .copied()
            .unwrap_or(&Value::Null);
        // Nor its link, nor any checksum (the page hides them alike).
        let dists = quote["dcat:distribution"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(dists.len(), 2, "{engine:?}: a file and a link");
        for dist in &dists {
            assert!(dist.get("dcat:downloadURL").is_none(), "{dist}");
            assert!(dist.get("spdx:checksum").is_none(), "{dist}");
            assert_eq!(
                dist["dcat:accessURL"]["@id"],
                format!("{}/data/wqx-quote", app.base),
                "{dist}"
            );
        }
        let ttl_one = must(
            get(format!("{}/data/wqx-quote.ttl", app.base))
                .await
                .text()
                .await,
        );
        assert!(!ttl_one.contains("secret-link"), "{ttl_one}");
        assert!(!ttl_one.contains("spdx:checksum"), "{ttl_one}");
        assert_eq!(quote["dct:description"], "第一行\n第二行\t\"说明\"");

        // A page past the last: no datasets, a link back.
        let second = json_ld(&app, "/catalog.jsonld?page=2").await;
        assert!(nodes(&second, "dcat:Dataset").is_empty());
        assert_eq!(
            nodes(&second, "hydra:PagedCollection")[0]["hydra:previousPage"],
            format!("{}/catalog.jsonld?page=1", app.base)
        );

        let r = get(format!("{}/catalog.ttl", app.base)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(header(&r, "content-type").starts_with("text/turtle"));
        let ttl = must(r.text().await);
        assert_has_all(
            &ttl,
            &[
                "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
                &format!("<{}/data/wqx-dibao> a dcat:Dataset", app.base),
                &format!("<{}/data/wqx-quote> a dcat:Dataset", app.base),
                "dct:title \"标题含\\\"引号\\\"与\\\\反斜杠\"",
                "dct:description \"第一行\\n第二行\\t\\\"说明\\\"\"",
                "a hydra:PagedCollection",
                "hydra:totalItems \"2\"^^xsd:integer",
            ],
        );
        assert!(!ttl.contains("wqx-draft"));
        assert!(!ttl.contains("第一行\n"), "a raw newline inside a literal");

        // One dataset alone.
        let one = json_ld(&app, "/data/wqx-dibao.jsonld").await;
        assert_eq!(nodes(&one, "dcat:Dataset").len(), 1);
        let r = get(format!("{}/data/wqx-dibao.ttl", app.base)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(must(r.text().await).contains("a dcat:Distribution"));
        for path in [
            "/data/wqx-draft.jsonld",
            "/data/wqx-draft.ttl",
            "/data/nope.jsonld",
        ] {
            assert_eq!(
                get(format!("{}{path}", app.base)).await.status(),
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }

        let list = must(get(format!("{}/data/", app.base)).await.text().await);
        assert_has_all(
            &list,
            &[
                "<link rel=\"alternate\" type=\"application/ld+json\" href=\"/catalog.jsonld\"",
                "<link rel=\"alternate\" type=\"text/turtle\" href=\"/catalog.ttl\"",
            ],
        );
        let page = must(
            get(format!("{}/data/wqx-dibao", app.base))
                .await
                .text()
                .await,
        );
        assert!(page.contains("href=\"/data/wqx-dibao.jsonld\""));
    }
}
