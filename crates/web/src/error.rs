//! The web layer's one error type and how errors reach people.
//!
//! Use [`WebError`] in every handler. Store and domain errors convert into it with `?`.
//! Turning it into a response only attaches an [`ErrorInfo`] and a status; the
//! [`render_errors`] middleware then renders the Chinese error page for HTML routes or a JSON
//! body `{"error": {"code", "message"}}` for `/api/` routes, and gives bare error statuses from
//! the framework (404, 405, 413 …) the same treatment.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use gongkai_domain::{DomainError, ErrorCode, Refusal};
use gongkai_service::ServiceError;
use gongkai_store::StoreError;

use crate::state::AppState;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Input was refused (400).
    #[error("{0}")]
    BadRequest(Refusal),
    /// Not signed in (redirects HTML requests to the login page).
    #[error("请先登录")]
    Unauthenticated,
    /// Signed in but not allowed (403).
    #[error("您没有{0}的权限")]
    Forbidden(&'static str),
    /// Refused for a reason of its own (403), e.g. a data-access token outside its period.
    #[error("{0}")]
    Denied(Refusal),
    /// A form failed the CSRF check (403).
    #[error("页面已过期或请求来源无法确认，请返回上一页刷新后重新提交")]
    Csrf,
    /// Nothing here (404).
    #[error("{0}")]
    NotFound(Refusal),
    /// The request conflicts with current state (409).
    #[error("{0}")]
    Conflict(Refusal),
    /// Too many attempts (429).
    #[error("{0}")]
    TooManyRequests(Refusal),
    /// The request is larger than the form allows (413).
    #[error("{0}")]
    TooLarge(Refusal),
    /// A template failed to render (500).
    #[error("页面渲染失败：{0}")]
    Template(#[from] minijinja::Error),
    /// A theme's template does not parse: the server does not start with it.
    #[error("主题模板 {name} 有误，请修改后重新启动：{reason}")]
    Theme {
        /// The template's name, as under the theme's `templates/` folder.
        name: String,
        /// What the template engine reported.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DomainError> for WebError {
    fn from(e: DomainError) -> Self {
        Self::BadRequest(e.into())
    }
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Throttled(message) => Self::TooManyRequests(message),
            ServiceError::NoSite => Self::NotFound(ErrorCode::SiteWithoutOrgs.into()),
            ServiceError::Refused(r) if r.code == ErrorCode::ReportYearOutOfRange => {
                Self::NotFound(r)
            }
            ServiceError::Refused(r) => Self::Conflict(r),
            ServiceError::Store(e) => Self::Store(e),
        }
    }
}

impl WebError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::Denied(_) | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Template(_) | Self::Theme { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Store(e) => match e {
                StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
                StoreError::Conflict(_) => StatusCode::CONFLICT,
                StoreError::Domain(_) => StatusCode::BAD_REQUEST,
                e if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    /// Stable code for API clients: a refusal's dotted code from the domain's table
    /// (`org.code_taken`); a coarse snake_case one where the status says it all (`forbidden`,
    /// `csrf_failed`, `database_error` …).
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(r)
            | Self::NotFound(r)
            | Self::Conflict(r)
            | Self::TooManyRequests(r)
            | Self::TooLarge(r)
            | Self::Denied(r) => r.code.code(),
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::Csrf => "csrf_failed",
            Self::Template(_) => "template_error",
            Self::Theme { .. } => "theme_error",
            Self::Store(e) if e.is_unavailable() => "database_unavailable",
            Self::Store(e) => e.code(),
        }
    }

    /// The message people see. Internal failures get a general message; details go to the log.
    pub fn public_message(&self) -> String {
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            UNAVAILABLE_MESSAGE.to_owned()
        } else if self.status().is_server_error() {
            "系统暂时无法处理您的请求，请稍后再试。如问题持续，请联系网站管理员。".to_owned()
        } else {
            self.to_string()
        }
    }
}

/// What people read while the database cannot be reached or is saturated (503): nothing they
/// did was wrong.
pub const UNAVAILABLE_MESSAGE: &str =
    "系统繁忙或暂时无法连接数据库，请稍后刷新重试。您此前提交的内容不受影响。";

/// What the error page needs, carried from the handler to [`render_errors`].
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Stable code.
    pub code: &'static str,
    /// Chinese message.
    pub message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let mut resp = status.into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
        }
        resp.extensions_mut().insert(ErrorInfo {
            code: self.code(),
            message: self.public_message(),
        });
        resp
    }
}

fn default_message(status: StatusCode) -> Option<(&'static str, &'static str)> {
    Some(match status {
        StatusCode::NOT_FOUND => ("not_found", "您访问的页面不存在，可能已被移动或删除。"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "不支持此请求方式。"),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "提交的内容过大，已被拒绝。请缩短内容或减小附件后重试。",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "提交的数据格式不正确。"),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
            ("bad_request", "提交的内容格式不正确，请检查后重试。")
        }
        StatusCode::REQUEST_TIMEOUT => ("timeout", "请求超时，请稍后再试。"),
        StatusCode::SERVICE_UNAVAILABLE => ("unavailable", UNAVAILABLE_MESSAGE),
        s if s.is_server_error() => (
            "internal_error",
            "系统暂时无法处理您的请求，请稍后再试。如问题持续，请联系网站管理员。",
        ),
        _ => return None,
    })
}

/// Renders error responses: Chinese HTML page, or JSON under `/api/`.
pub async fn render_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let care = crate::page::care_mode_from_headers(req.headers());
    let path = req.uri().path().to_owned();
    let site = req
        .extensions()
        .get::<crate::site::RequestSite>()
        .cloned()
        .unwrap_or_default();
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let info = match resp.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        // A page or JSON body the handler rendered itself (a form shown again with its errors).
        None if has_own_body(&resp) => return resp,
        None => {
            // A framework rejection (404 fallback, 413, 422 …): keep JSON APIs' own bodies only
            // when we have nothing better to say.
            match default_message(status) {
                Some((code, message)) => ErrorInfo {
                    code,
                    message: message.to_owned(),
                },
                None => return resp,
            }
        }
    };
    if status == StatusCode::UNAUTHORIZED && !is_api {
        let next = crate::view::urls::urlencode(&path);
        return axum::response::Redirect::to(&format!("/admin/login?next={next}")).into_response();
    }
    if is_api {
        let body = serde_json::json!({ "error": { "code": info.code, "message": info.message } });
        return (status, axum::Json(body)).into_response();
    }
    let context = crate::site::context_of(&state, site.key).await;
    let html = state
        .templates
        .render_for(
            context.org.as_ref().map(|o| o.code.as_str()),
            "error.html",
            minijinja::context! {
                status => status.as_u16(),
                message => info.message,
                care => care,
                site => context.value,
            },
        )
        .map(|html| crate::site::resolve::prefix_links(html, &site.prefix))
        .unwrap_or_else(|_| {
            format!(
                "<!doctype html><html lang=\"zh-CN\"><title>出错了</title><p>{}</p></html>",
                status.as_u16()
            )
        });
    let mut out = (status, Html(html)).into_response();
    if let Some(v) = resp.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    out
}

fn has_own_body(resp: &Response) -> bool {
    resp.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/json"))
}
