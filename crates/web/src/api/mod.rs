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
pub mod params;
pub mod records;
pub mod schemas;

use std::sync::LazyLock;

use axum::Json;
use utoipa::OpenApi;

/// The OpenAPI document of every JSON operation (see the module documentation).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai 政务公开平台 API",
        version = "1",
        description = "读取公开目录、站内搜索和机构，并提交依申请公开申请和政民互动留言（两个 POST 接口写入数据，无需登录，按网络地址和联系电话限制频率）。时间为北京时间的 RFC 3339 时间（+08:00），日期为 YYYY-MM-DD。查询参数超出范围或不在列举值之内时答 400，不会被悄悄改为默认值。错误以 {\"error\": {\"code\", \"message\"}} 返回，code 为稳定代码；内容有误时另有 fields 和 field_codes 按字段说明。"
    ),
    paths(
        health::show,
        orgs::list,
        records::list,
        records::show,
        crate::public::search::api,
        applications::create,
        messages::create,
    ),
    // The closed sets the query parameters refer to (hand-built from the domain's lists, so
    // not collected from the handlers).
    components(schemas(
        schemas::ColumnSlug,
        schemas::RecordKindCode,
        schemas::SearchScope,
        schemas::SearchSort,
        schemas::ValidityCode,
    ))
)]
pub struct ApiDoc;

/// The document, generated once.
static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the API.
pub async fn openapi() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(LazyLock::force(&DOCUMENT))
}
