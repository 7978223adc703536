//! The public portal.

pub mod assets;
pub mod data;
pub mod dcat;
pub mod feeds;
pub mod files;
pub mod home;
pub mod hudong;
pub mod mode;
pub mod mulu;
pub mod orgs;
pub mod pingyi;
pub mod popular;
pub mod qingdan;
pub mod renwu;
pub mod search;
pub mod sjkf;
pub mod xxgk;
pub mod ysqgk;
pub mod zhenggai;
pub mod zhengji;

/// The fallback for unknown paths: a bare 404, which `render_errors` answers with the Chinese
/// page or the JSON body `not_found`, as for every other path nothing serves.
pub async fn not_found() -> axum::http::StatusCode {
    axum::http::StatusCode::NOT_FOUND
}
