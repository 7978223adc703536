//! Atom feeds per column and per organisation, and `sitemap.xml`.

use axum::extract::Path;
use axum::response::Response;
use chrono::Utc;
use gongkai_domain::ErrorCode;
use gongkai_domain::catalogue;
use gongkai_store::records::{self, PublicFilter};
use minijinja::context;

use crate::WebError;
use crate::page::FeedCtx;
use crate::site::{org_in_site, require_site};
use crate::view::urls::record_url;

/// What a records feed follows.
enum Subject<'a> {
    /// A column with its sub-columns.
    Column(&'static catalogue::Column),
    /// An organisation of the site, by the organ code the path names.
    Organisation(&'a str),
}

/// The latest 50 public records of `subject` on the request's site as Atom.
async fn records_feed(feed: &FeedCtx, subject: Subject<'_>) -> Result<Response, WebError> {
    let state = &feed.state;
    let site = require_site(state, &feed.site).await?;
    let mut filter = PublicFilter {
        site_id: Some(site.id),
        ..PublicFilter::default()
    };
    let (title, self_path, alternate) = match subject {
        Subject::Column(col) => {
            filter.columns = std::iter::once(col.slug.to_owned())
                .chain(catalogue::children(col.slug).map(|c| c.slug.to_owned()))
                .collect();
            (
                format!("{} - {}", col.name, site.name),
                format!("/feeds/lanmu/{}.xml", col.slug),
                format!("/xxgk/lanmu/{}", col.slug),
            )
        }
        Subject::Organisation(code) => {
            let org = org_in_site(state, &site, code).await?;
            filter.org_id = Some(org.id);
            (
                format!("{} 公开信息", org.name),
                format!("/feeds/org/{}.xml", org.code),
                format!("/xxgk/list?org={}", org.code),
            )
        }
    };
    let items = records::page_public(&state.store, &filter, Utc::now(), 1, 50).await?;
    let updated = items
        .first()
        .map(|i| i.published_at.to_rfc3339())
        .unwrap_or_else(|| Utc::now().to_rfc3339());
    let entries: Vec<_> = items
        .iter()
        .map(|i| {
            context! {
                title => &i.title, url => record_url(&i.index_no), updated => i.published_at.to_rfc3339(),
                org_name => &i.org_name, summary => &i.summary,
            }
        })
        .collect();
    feed.atom(context! {
        title => title, self_path => self_path, alternate => alternate,
        updated => updated, entries => entries,
    })
    .await
}

/// The name a feed's path gives, without its `.xml`.
fn stem(file: &str) -> &str {
    file.strip_suffix(".xml").unwrap_or(file)
}

/// `GET /feeds/lanmu/{slug}.xml`.
pub async fn column(feed: FeedCtx, Path(file): Path<String>) -> Result<Response, WebError> {
    let col = catalogue::column(stem(&file))
        .ok_or_else(|| WebError::NotFound(ErrorCode::ColumnNotFound.into()))?;
    records_feed(&feed, Subject::Column(col)).await
}

/// `GET /feeds/org/{code}.xml`.
pub async fn organisation(feed: FeedCtx, Path(file): Path<String>) -> Result<Response, WebError> {
    records_feed(&feed, Subject::Organisation(stem(&file))).await
}

/// `GET /sitemap.xml`: the section's pages and every public record.
pub async fn sitemap(feed: FeedCtx) -> Result<Response, WebError> {
    let state = &feed.state;
    let mut urls = vec![
        context! { loc => "/" },
        context! { loc => "/xxgk/" },
        context! { loc => "/jigou" },
        context! { loc => "/zhengji/" },
        context! { loc => "/renwu/" },
        context! { loc => "/zhenggai/" },
    ];
    for c in catalogue::COLUMNS {
        urls.push(context! { loc => format!("/xxgk/lanmu/{}", c.slug) });
    }
    if let Some(site) = crate::site::site_org(state, &feed.site).await? {
        for c in
            gongkai_store::consultations::list_public(&state.store, site.id, Utc::now()).await?
        {
            urls.push(context! { loc => crate::view::urls::consultation_url(c.id) });
        }
        let tasks = gongkai_store::tasks::TaskFilter {
            site_id: site.id,
            ..Default::default()
        };
        for t in gongkai_store::tasks::list(&state.store, &tasks).await? {
            let lastmod = gongkai_domain::time::beijing_date(t.updated_at).to_string();
            urls.push(context! { loc => gongkai_domain::urls::task(t.id), lastmod => lastmod });
        }
        for r in gongkai_store::findings::list_reports(&state.store, site.id, None).await? {
            let lastmod = gongkai_domain::time::beijing_date(r.updated_at).to_string();
            urls.push(
                context! { loc => gongkai_domain::urls::audit_report(r.id), lastmod => lastmod },
            );
        }
        let filter = PublicFilter {
            site_id: Some(site.id),
            ..PublicFilter::default()
        };
        let mut page = 1;
        loop {
            let (items, total) =
                records::list_public(&state.store, &filter, Utc::now(), page, 100).await?;
            for i in &items {
                let lastmod = gongkai_domain::time::beijing_date(i.published_at).to_string();
                urls.push(context! { loc => record_url(&i.index_no), lastmod => lastmod });
            }
            if items.is_empty() || page * 100 >= total || page >= 500 {
                break;
            }
            page += 1;
        }
    }
    feed.xml(
        "sitemap.xml",
        "application/xml; charset=utf-8",
        context! { urls => urls },
    )
    .await
}
