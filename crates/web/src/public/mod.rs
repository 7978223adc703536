//! The public portal.

pub mod assets;
pub mod feeds;
pub mod files;
pub mod home;
pub mod hudong;
pub mod mode;
pub mod orgs;
pub mod search;
pub mod xxgk;
pub mod ysqgk;
pub mod zhengji;

use crate::WebError;

/// The fallback for unknown paths.
pub async fn not_found() -> WebError {
    WebError::NotFound("您访问的页面不存在，可能已被移动或删除。".into())
}
