//! 有条件开放 grants as the web layer meets them: the data-access token a request carries (the
//! `Authorization` header, as CKAN's clients send a token) and whether it lets its holder use a
//! dataset today. The dataset download, the status page's downloads and `datastore_search` all
//! judge a token here, so they refuse alike: a token of another dataset, an expired one and an
//! unknown one each with its own Chinese wording (403).

use axum::http::{HeaderMap, header};
use chrono::Utc;
use gongkai_domain::data_access::grant_usable;
use gongkai_domain::dataset::{DatasetStatus, Openness};
use gongkai_domain::time::beijing_date;
use gongkai_domain::{ErrorCode, Refusal};
use gongkai_store::data_access::{self, DataAccessRequest, TOKEN_PREFIX};
use gongkai_store::datasets::Dataset;
use gongkai_store::{Store, StoreError};

/// The data-access token in a request's `Authorization` header (bare or `Bearer …`), if it
/// carries one (an API token of staff is not one).
pub fn token_in(headers: &HeaderMap) -> Option<String> {
    // CKAN clients send the key as `Authorization` or as `X-CKAN-API-Key`; both are read alike.
    let raw = headers
        .get(header::AUTHORIZATION)
        .or_else(|| headers.get("x-ckan-api-key"))?
        .to_str()
        .ok()?
        .trim();
    let token = raw.strip_prefix("Bearer ").unwrap_or(raw).trim();
    token.starts_with(TOKEN_PREFIX).then(|| token.to_owned())
}

/// Whether `request` lets its holder use `dataset` today: the same dataset, still published and
/// still 有条件开放 (a dataset withdrawn, or reclassified, ends every grant on it), and within the
/// period granted; otherwise the refusal to show. The status session, the token on a download
/// and `datastore_search` all ask here.
pub fn judge(request: &DataAccessRequest, dataset: &Dataset) -> Result<(), Refusal> {
    if dataset.status != DatasetStatus::Published || dataset.openness != Openness::Conditional {
        return Err(ErrorCode::DatasetNotFound.into());
    }
    if request.dataset_id != dataset.id {
        return Err(
            ErrorCode::DataAccessTokenOtherDataset.refusal(&[("title", &request.dataset_title)])
        );
    }
    grant_usable(
        request.status,
        request.granted_from,
        request.granted_to,
        beijing_date(Utc::now()),
    )
}

/// The grant `token` names for `dataset`, or the refusal (an unknown token, another dataset's,
/// one outside its period).
pub async fn usable(
    store: &Store,
    token: &str,
    dataset: &Dataset,
) -> Result<Result<DataAccessRequest, Refusal>, StoreError> {
    let Some(request) = data_access::by_token(store, token).await? else {
        return Ok(Err(ErrorCode::DataAccessTokenInvalid.into()));
    };
    Ok(judge(&request, dataset).map(|()| request))
}
