//! Which site a request is for, decided once per request: by the host name (`www.wuqia.gov.cn`)
//! or, for deployments on one host, by a path prefix (`/site/ATS001/xxgk/list`), which is taken
//! off before routing and put back on every link of the answer. The default site (the first
//! root organisation) answers every host not listed.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use gongkai_domain::site::{PATH_PREFIX, split_prefixed_path};
use gongkai_store::{orgs, sites};

use super::SiteKey;
pub use super::kept::{KeptDirectory, RequestSite, SiteDirectory};
use crate::state::AppState;

async fn load(state: &AppState) -> Result<Arc<SiteDirectory>, gongkai_store::StoreError> {
    let roots = orgs::sites(&state.store).await?;
    let hosts = sites::hosts(&state.store).await?;
    Ok(Arc::new(SiteDirectory::new(
        hosts.into_iter().map(|h| (h.host, h.site_id)).collect(),
        roots.iter().map(|r| (r.code.clone(), r.id)).collect(),
        roots.first().map(|r| r.id),
    )))
}

/// The directory, from memory unless the change feed moved.
pub async fn directory(state: &AppState) -> Result<Arc<SiteDirectory>, gongkai_store::StoreError> {
    let generation = state.cache.generation();
    state
        .directory
        .get_or_load((), generation, load(state))
        .await
}

/// The middleware, outside routing: resolves the site, takes a `/site/{code}` prefix off the path
/// (an unknown code is left on, so nothing routes and the answer is 404), and puts the prefix
/// back on a redirect's `Location`. When the database cannot be read the default site is assumed
/// and the pages say what they can.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let directory = match directory(&state).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "site directory unreadable; the default site is assumed");
            Arc::default()
        }
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host());
    let mut site = RequestSite {
        key: directory.for_host(host),
        prefix: String::new(),
    };
    if req.uri().path().starts_with(PATH_PREFIX)
        && let Some((code, rest)) = split_prefixed_path(req.uri().path())
        && let Some(id) = directory.by_code(code.as_str())
    {
        let rest = match req.uri().query() {
            Some(q) => format!("{rest}?{q}"),
            None => rest.to_owned(),
        };
        if let Ok(uri) = rest.parse::<Uri>() {
            site = RequestSite {
                key: SiteKey::Site(id),
                prefix: format!("{PATH_PREFIX}{code}"),
            };
            *req.uri_mut() = uri;
        }
    }
    req.extensions_mut().insert(site.clone());
    let mut resp = next.run(req).await;
    if !site.prefix.is_empty()
        && let Some(location) = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
        && location.starts_with('/')
        && !location.starts_with("//")
        && let Ok(v) = HeaderValue::from_str(&format!("{}{location}", site.prefix))
    {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Puts a site's path prefix on every root-relative link, form action and source of a rendered
/// page (shared assets under `/static/` keep theirs), so a visitor who came by `/site/ATS001/`
/// stays on that site.
pub fn prefix_links(html: String, prefix: &str) -> String {
    if prefix.is_empty() {
        return html;
    }
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html.as_str();
    while let Some(at) = ["href=\"/", "action=\"/", "src=\"/"]
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, p.len())))
        .min()
    {
        let (i, len) = at;
        let (head, tail) = rest.split_at(i + len - 1);
        out.push_str(head);
        if !tail.starts_with("//") && !tail.starts_with("/static/") {
            out.push_str(prefix);
        }
        rest = tail;
        // Step past the slash so the next search starts after this attribute.
        out.push('/');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_get_the_prefix_but_assets_and_other_hosts_do_not() {
        let html = r#"<a href="/xxgk/list">x</a><form action="/search"><link href="/static/app.css"><a href="//cdn.example/x"><a href="https://a/b"><img src="/files/1/a.png">"#;
        let want = r#"<a href="/site/ATS001/xxgk/list">x</a><form action="/site/ATS001/search"><link href="/static/app.css"><a href="//cdn.example/x"><a href="https://a/b"><img src="/site/ATS001/files/1/a.png">"#;
        assert_eq!(prefix_links(html.to_owned(), "/site/ATS001"), want);
        assert_eq!(prefix_links(html.to_owned(), ""), html);
    }

    #[test]
    fn unlisted_hosts_get_the_default_site() {
        let d = SiteDirectory::new(
            std::collections::HashMap::from([("ats.example".to_owned(), 7)]),
            std::collections::HashMap::new(),
            Some(1),
        );
        assert_eq!(d.for_host(Some("ATS.example:8080")), SiteKey::Site(7));
        assert_eq!(d.for_host(Some("other.example")), SiteKey::Site(1));
        assert_eq!(d.for_host(Some("bad host")), SiteKey::Site(1));
        assert_eq!(d.for_host(None), SiteKey::Site(1));
        assert_eq!(SiteDirectory::default().for_host(None), SiteKey::Primary);
    }
}
