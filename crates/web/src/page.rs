//! Rendering a full page: what every page needs to know about the request (elder-friendly mode,
//! CSRF token, current path, signed-in staff) joined with the site's header and footer.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicBool, Ordering};

use minijinja::{Value, context};

use crate::WebError;
use crate::csrf::CsrfToken;
use crate::state::AppState;
use crate::templates::ser;

/// Name of the cookie that remembers the elder-friendly mode (关怀版).
pub const CARE_COOKIE: &str = "gk_care";

/// Whether the request asks for the elder-friendly mode.
pub fn care_mode_from_headers(headers: &HeaderMap) -> bool {
    crate::csrf::cookie(headers, CARE_COOKIE).is_some_and(|v| v == "1")
}

/// What every page needs to know about the request: the elder-friendly flag, the CSRF token
/// for forms, the current path (for the mode switch) and the signed-in staff member, if any.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// Elder-friendly mode.
    pub care: bool,
    /// Token to put in forms.
    pub csrf_token: String,
    /// Path and query of the current page.
    pub path: String,
    /// The signed-in staff member, when the route is a back-office one.
    pub staff: Option<gongkai_store::users::Staff>,
    /// The site the request is for.
    pub site: crate::site::RequestSite,
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let staff = parts
            .extensions
            .get::<crate::auth::CurrentStaff>()
            .map(|c| c.0.clone());
        Ok(Self {
            care: care_mode_from_headers(&parts.headers),
            csrf_token: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
            staff,
            site: parts
                .extensions
                .get::<crate::site::RequestSite>()
                .cloned()
                .unwrap_or_default(),
        })
    }
}

/// A portal page's request: the state and the page context, with the request's site looked up
/// on demand. Public handlers take this one value instead of `State` and `PageCtx` apart.
pub struct Visit {
    /// The application's state.
    pub state: AppState,
    /// What the page needs to know about the request.
    pub ctx: PageCtx,
}

impl<S: Send + Sync> FromRequestParts<S> for Visit
where
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = PageCtx::from_request_parts(parts, state).await?;
        Ok(Self {
            state: AppState::from_ref(state),
            ctx,
        })
    }
}

impl Visit {
    /// The organisation heading the request's site; 404 (网站尚未初始化) while there is none.
    pub async fn site(&self) -> Result<gongkai_store::orgs::Organisation, WebError> {
        crate::site::require_site(&self.state, &self.ctx.site).await
    }

    /// The portal page `template` with `extra` in its context.
    pub async fn page(&self, template: &str, extra: Value) -> Result<Response, WebError> {
        self.state.page(&self.ctx, template, extra).await
    }
}

impl AppState {
    /// Renders a full page: the common context (site, mode, CSRF token, staff) plus `extra`.
    pub async fn page(
        &self,
        ctx: &PageCtx,
        name: &str,
        extra: Value,
    ) -> Result<Response, WebError> {
        self.page_with_status(ctx, axum::http::StatusCode::OK, name, extra)
            .await
    }

    /// Renders a full page with a status other than 200 (a form shown again with errors).
    pub async fn page_with_status(
        &self,
        ctx: &PageCtx,
        status: axum::http::StatusCode,
        name: &str,
        extra: Value,
    ) -> Result<Response, WebError> {
        self.render_page(ctx, status, name, extra, None).await
    }

    /// Renders a full page whose `extra` shows [`late_body_marker`] where `body` (safe HTML, a
    /// record's body) goes: the body is put in once the rest is rendered, in one copy.
    ///
    /// The template engine writes into a buffer that grows by doubling, copying all it holds
    /// each time; a 17 KB body written through it was copied three more times and was a tenth
    /// of an uncached record page.
    pub async fn page_with_body(
        &self,
        ctx: &PageCtx,
        name: &str,
        extra: Value,
        body: String,
    ) -> Result<Response, WebError> {
        self.render_page(ctx, axum::http::StatusCode::OK, name, extra, Some(body))
            .await
    }

    async fn render_page(
        &self,
        ctx: &PageCtx,
        status: axum::http::StatusCode,
        name: &str,
        extra: Value,
        body: Option<String>,
    ) -> Result<Response, WebError> {
        let staff = ctx.staff.as_ref().map(|s| {
            context! {
                username => &s.username,
                display_name => &s.display_name,
                org_name => &s.org_name,
                org_code => &s.org_code,
                roles => s.role_labels(),
                can => ser(&crate::auth::capabilities(s)),
            }
        });
        let site = crate::site::context_of(self, ctx.site.key).await;
        let context = Value::from_object(PageContext {
            extra,
            site: site.value,
            care: Value::from(ctx.care),
            csrf_token: Value::from(ctx.csrf_token.as_str()),
            current_path: Value::from(ctx.path.as_str()),
            staff: Value::from(staff),
            token_read: AtomicBool::new(false),
        });
        let code = site.org.as_ref().map(|o| o.code.as_str());
        let mut html = self.templates.render_for(code, name, context.clone())?;
        if let Some(body) = body {
            html = spliced(html, late_body_marker(), &body);
        }
        let html = crate::site::resolve::prefix_links(html, &ctx.site.prefix);
        let mut resp = (
            status,
            [(header::CACHE_CONTROL, "no-cache")],
            axum::response::Html(html),
        )
            .into_response();
        // A page that never read the token cannot show it: the CSRF guard need not look for
        // it in the body. (One that read it is looked through, as any other answer is.)
        let token_read = context
            .downcast_object_ref::<PageContext>()
            .is_none_or(|c| c.token_read.load(Ordering::Relaxed));
        if !token_read {
            resp.extensions_mut().insert(crate::csrf::TokenShown(false));
        }
        Ok(resp)
    }
}

/// What a template shows where [`AppState::page_with_body`] puts the body in: an HTML comment
/// with a random part chosen at start-up, so no stored text can stand for it.
pub fn late_body_marker() -> &'static str {
    static MARKER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "<!--gk-body-{}-->",
            &gongkai_store::sessions::random_token()[..16]
        )
    });
    &MARKER
}

/// `html` with every `marker` in it replaced by `body`, written into a buffer of the final
/// size.
fn spliced(html: String, marker: &str, body: &str) -> String {
    let at: Vec<usize> = memchr::memmem::find_iter(html.as_bytes(), marker).collect();
    if at.is_empty() {
        return html;
    }
    let mut out =
        String::with_capacity(html.len() - at.len() * marker.len() + at.len() * body.len());
    let mut from = 0;
    for i in at {
        out.push_str(&html[from..i]);
        out.push_str(body);
        from = i + marker.len();
    }
    out.push_str(&html[from..]);
    out
}

/// The context a full page renders with: the handler's values (`extra`), then what every page
/// has. One object instead of a merge of two maps: each name a template looks up is found with
/// one scan of the handler's values and one `match`, where the merge scanned both maps for every
/// name the page has in common.
#[derive(Debug)]
struct PageContext {
    /// The handler's values; they win over the common ones of the same name.
    extra: Value,
    site: Value,
    care: Value,
    csrf_token: Value,
    current_path: Value,
    staff: Value,
    /// Whether the template looked the CSRF token up (only then can the page show it).
    token_read: AtomicBool,
}

impl PageContext {
    /// The common values by name.
    const COMMON: [&'static str; 5] = ["site", "care", "csrf_token", "current_path", "staff"];

    fn common(&self, key: &str) -> Option<&Value> {
        match key {
            "site" => Some(&self.site),
            "care" => Some(&self.care),
            "csrf_token" => Some(&self.csrf_token),
            "current_path" => Some(&self.current_path),
            "staff" => Some(&self.staff),
            _ => None,
        }
    }
}

impl minijinja::value::Object for PageContext {
    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<Value> {
        if key == "csrf_token" {
            self.token_read.store(true, Ordering::Relaxed);
        }
        let own = match self.extra.as_object() {
            Some(extra) => extra.get_value_by_str(key),
            None => self.extra.get_attr(key).ok(),
        };
        own.filter(|v| !v.is_undefined())
            .or_else(|| self.common(key).cloned())
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        let mut keys: Vec<Value> = self
            .extra
            .try_iter()
            .map(Iterator::collect)
            .unwrap_or_default();
        for key in Self::COMMON.map(Value::from) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        minijinja::value::Enumerator::Values(keys)
    }
}

/// What a feed or the sitemap needs to know about the request: the state, the site it is for and
/// its headers, whose `Host` the documents' absolute URLs are built from.
#[derive(Clone)]
pub struct FeedCtx {
    /// Everything a handler may need.
    pub state: AppState,
    /// The site the request is for.
    pub site: crate::site::RequestSite,
    /// The request's headers.
    pub headers: HeaderMap,
}

impl<S> FromRequestParts<S> for FeedCtx
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            state: AppState::from_ref(state),
            site: parts
                .extensions
                .get::<crate::site::RequestSite>()
                .cloned()
                .unwrap_or_default(),
            headers: parts.headers.clone(),
        })
    }
}

impl FeedCtx {
    /// An Atom feed by the site: `feed.xml` with `feed` (title, self_path, alternate, updated,
    /// entries) and the site's name as its author.
    pub async fn atom(&self, feed: Value) -> Result<Response, WebError> {
        let site = crate::site::context_of(&self.state, self.site.key).await;
        self.xml(
            "feed.xml",
            "application/atom+xml; charset=utf-8",
            context! { author => &site.info.name, ..feed },
        )
        .await
    }

    /// `template` rendered with `extra` and the site's absolute `base` URL, answered as
    /// `content_type`; from the site's own theme folder when it has one, like its pages.
    pub async fn xml(
        &self,
        template: &str,
        content_type: &'static str,
        extra: Value,
    ) -> Result<Response, WebError> {
        let base = crate::site::site_base_url(&self.headers, &self.site);
        let site = crate::site::context_of(&self.state, self.site.key).await;
        let code = site.org.as_ref().map(|o| o.code.as_str());
        let xml =
            self.state
                .templates
                .render_for(code, template, context! { base => base, ..extra })?;
        Ok(([(header::CONTENT_TYPE, content_type)], xml).into_response())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(template: &str, context: PageContext) -> String {
        let mut env = minijinja::Environment::new();
        env.add_global("asset", "global");
        env.render_str(template, Value::from_object(context))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn page_context(extra: Value) -> PageContext {
        PageContext {
            extra,
            site: context! { name => "某某县人民政府" },
            care: Value::from(true),
            csrf_token: Value::from("token"),
            current_path: Value::from("/xxgk/"),
            staff: Value::from(()),
            token_read: AtomicBool::new(false),
        }
    }

    #[test]
    fn a_page_sees_its_own_values_the_common_ones_and_the_globals() {
        let html = rendered(
            "{{ title }}|{{ site.name }}|{{ care }}|{{ csrf_token }}|{{ current_path }}|{{ staff is none }}|{{ asset }}|{{ missing is undefined }}",
            page_context(context! { title => "政务公开" }),
        );
        assert_eq!(
            html,
            "政务公开|某某县人民政府|True|token|/xxgk/|True|global|True"
        );
    }

    #[test]
    fn the_handler_s_value_wins_over_the_common_one_of_the_same_name() {
        let html = rendered(
            "{{ site.name }}|{{ care }}",
            page_context(
                context! { site => context! { name => "某某镇" }, care => Value::UNDEFINED },
            ),
        );
        assert_eq!(
            html, "某某镇|True",
            "an undefined value of its own falls back"
        );
    }

    #[test]
    fn the_context_knows_whether_the_token_was_read() {
        for (template, read) in [
            ("{{ site.name }}", false),
            ("<input value=\"{{ csrf_token }}\">", true),
        ] {
            let context = Value::from_object(page_context(context! {}));
            let env = minijinja::Environment::new();
            let _ = env.render_str(template, context.clone());
            let seen = context
                .downcast_object_ref::<PageContext>()
                .map(|c| c.token_read.load(Ordering::Relaxed));
            assert_eq!(seen, Some(read), "{template}");
        }
    }

    #[test]
    fn the_body_goes_where_each_marker_is_and_nowhere_else() {
        let marker = late_body_marker();
        assert!(marker.starts_with("<!--gk-body-") && marker.len() > 24);
        let html = format!("<h1>标题</h1>{marker}<p>尾</p>{marker}");
        assert_eq!(
            spliced(html, marker, "<p>正文</p>"),
            "<h1>标题</h1><p>正文</p><p>尾</p><p>正文</p>"
        );
        assert_eq!(
            spliced("<p>没有正文</p>".into(), marker, "x"),
            "<p>没有正文</p>"
        );
    }

    #[test]
    fn the_context_lists_every_name_once() {
        let context = Value::from_object(page_context(context! { title => "x", site => "y" }));
        let mut names: Vec<String> = context
            .try_iter()
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|k| k.to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "care",
                "csrf_token",
                "current_path",
                "site",
                "staff",
                "title"
            ]
        );
    }
}
