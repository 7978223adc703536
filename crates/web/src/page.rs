//! Rendering a full page: what every page needs to know about the request (elder-friendly mode,
//! CSRF token, current path, signed-in staff) joined with the site's header and footer.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
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
        let base = context! {
            site => site.value,
            care => ctx.care,
            csrf_token => &ctx.csrf_token,
            current_path => &ctx.path,
            staff => staff,
        };
        let code = site.org.as_ref().map(|o| o.code.as_str());
        let html = self
            .templates
            .render_for(code, name, context! { ..extra, ..base })?;
        let html = crate::site::resolve::prefix_links(html, &ctx.site.prefix);
        Ok((
            status,
            [(header::CACHE_CONTROL, "no-cache")],
            axum::response::Html(html),
        )
            .into_response())
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
