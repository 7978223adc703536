//! The JSON API under `/api/v1` and the health check.
//!
//! [`ApiDoc`] is the API's OpenAPI 3.1 document, generated from the `#[utoipa::path]`
//! annotations on the handlers and the types they read and answer with, so the contract cannot
//! drift from the code; it is served at `GET /api/v1/openapi.json`.

pub mod applications;
pub mod envelope;
pub mod health;
pub mod messages;
pub mod orgs;
pub mod records;

use std::sync::LazyLock;

use axum::Json;
use utoipa::OpenApi;

/// The OpenAPI document of every JSON operation (see the module documentation).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai 政务公开平台 API",
        version = "1",
        description = "公开目录、站内搜索、机构、健康检查，以及依申请公开申请和政民互动留言的提交接口。时间为北京时间（RFC 3339，+08:00）。错误以 {\"error\": {\"code\", \"message\"}} 返回；内容有误时另有 fields 按字段说明。"
    ),
    paths(
        health::show,
        orgs::list,
        records::list,
        records::show,
        crate::public::search::api,
        applications::create,
        messages::create,
    )
)]
pub struct ApiDoc;

/// The document, generated once.
static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the API.
pub async fn openapi() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(LazyLock::force(&DOCUMENT))
}
