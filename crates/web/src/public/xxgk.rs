//! The 政务公开 section: the section index, listings by column, organisation, theme and year,
//! the record page at `/xxgk/<索引号>`, and each organisation's 政府信息公开指南.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use gongkai_domain::ErrorCode;
use gongkai_domain::catalogue;
use gongkai_domain::index_no::IndexNo;
use gongkai_domain::record::{InterpretationForm, RecordKind};
use gongkai_domain::time::{display_minute, parse_storage_timestamp, storage_timestamp};
use gongkai_store::records::{self, PublicFilter, Record, Summary};
use gongkai_store::{attachments, guides, orgs};
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};

use crate::WebError;
use crate::page::PageCtx;
use crate::page::Visit;
use crate::site::{org_in_site, require_site, site_org};
use crate::state::AppState;
use crate::templates::ser;
use crate::view::format::{date_of, day_of, file_line};
use crate::view::urls::record_url;

/// The longest theme a listing filters by (主题分类 codes are a few dozen characters).
const MAX_THEME_CHARS: usize = 100;

/// Records per listing page.
pub const PER_PAGE: i64 = 20;

/// Listing filters as query parameters (all optional).
#[derive(Debug, Default, Deserialize, Serialize, Clone)]
#[serde(default)]
pub struct ListQuery {
    /// Column slug.
    pub column: String,
    /// Organ code.
    pub org: String,
    /// Theme code.
    pub theme: String,
    /// Year.
    pub year: String,
    /// Kind code.
    pub kind: String,
    /// Page number, from 1.
    pub page: String,
}

/// A listing line ready for a template.
#[derive(Debug, Serialize)]
pub struct Line {
    index_no: String,
    url: String,
    title: String,
    doc_number: String,
    org_name: String,
    date: String,
    kind: String,
    validity: String,
    summary: String,
}

/// A summary as a listing line.
pub fn line(s: Summary) -> Line {
    Line {
        url: record_url(&s.index_no),
        date: day_of(s.published_at),
        kind: s.kind.label().to_owned(),
        validity: s.validity.label().to_owned(),
        summary: s.summary.chars().take(90).collect(),
        index_no: s.index_no,
        title: s.title,
        doc_number: s.doc_number,
        org_name: s.org_name,
    }
}

/// Resolves listing filters (and the name of the organisation filtered by); unknown values are
/// reported, not ignored silently.
async fn resolve_filter(
    state: &AppState,
    q: &ListQuery,
    site: &orgs::Organisation,
) -> Result<(PublicFilter, i64, Option<String>), WebError> {
    let mut f = PublicFilter {
        site_id: Some(site.id),
        ..PublicFilter::default()
    };
    if !q.column.is_empty() {
        let col = catalogue::column(&q.column)
            .ok_or_else(|| WebError::NotFound(ErrorCode::ColumnNotFound.into()))?;
        f.columns = std::iter::once(col.slug.to_owned())
            .chain(catalogue::children(col.slug).map(|c| c.slug.to_owned()))
            .collect();
    }
    let mut org_name = None;
    if !q.org.is_empty() {
        let org = org_in_site(state, site, &q.org).await?;
        f.org_id = Some(org.id);
        org_name = Some(org.name);
    }
    if !q.theme.is_empty() {
        // A theme code is short; a long one names nothing, and would only grow the kept totals.
        if q.theme.chars().count() > MAX_THEME_CHARS {
            return Err(WebError::NotFound(ErrorCode::PageOutOfRange.into()));
        }
        f.theme = Some(q.theme.clone());
    }
    if !q.year.is_empty() {
        f.year = Some(
            q.year
                .parse()
                .map_err(|_| WebError::BadRequest(ErrorCode::PageYearInvalid.into()))?,
        );
    }
    if !q.kind.is_empty() {
        f.kind = Some(
            RecordKind::parse(&q.kind)
                .map_err(|_| WebError::BadRequest(ErrorCode::PageKindInvalid.into()))?
                .code()
                .to_owned(),
        );
    }
    let page = gongkai_domain::paging::parse_page(&q.page)
        .map_err(|e| WebError::BadRequest(e.code().into()))?;
    Ok((f, page, org_name))
}

/// Page links: `(number, url)` plus previous/next.
fn pagination(q: &ListQuery, base: &str, page: i64, total: i64) -> Value {
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let url = |p: i64| {
        let mut qq = q.clone();
        qq.page = p.to_string();
        let query = serde_urlencoded::to_string(&qq).unwrap_or_default();
        let query: Vec<&str> = query.split('&').filter(|kv| !kv.ends_with('=')).collect();
        format!("{base}?{}", query.join("&"))
    };
    let window: Vec<(i64, String)> = (1..=pages)
        .filter(|p| *p == 1 || *p == pages || (*p - page).abs() <= 2)
        .map(|p| (p, url(p)))
        .collect();
    context! {
        page => page, pages => pages, total => total,
        prev => (page > 1).then(|| url(page - 1)),
        next => (page < pages).then(|| url(page + 1)),
        window => ser(&window),
    }
}

/// `GET /xxgk/`: the section index: required columns, statutory sub-columns, latest records.
pub async fn index(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let Some(site) = site_org(&state, &ctx.site).await? else {
        return state
            .page(&ctx, "xxgk/index.html", context! { empty => true })
            .await;
    };
    let filter = PublicFilter {
        site_id: Some(site.id),
        ..PublicFilter::default()
    };
    let (latest, total) = state
        .listings
        .page(&state.store, state.cache.generation(), &filter, 1, 10)
        .await?;
    let roots: Vec<_> = catalogue::roots().collect();
    let statutory: Vec<_> = catalogue::children(catalogue::STATUTORY).collect();
    let orgs_list: Vec<_> = orgs::list(&state.store)
        .await?
        .into_iter()
        .filter(|o| o.site_id == site.id)
        .collect();
    let years = state
        .listings
        .years(&state.store, state.cache.generation(), site.id)
        .await?;
    state
        .page(
            &ctx,
            "xxgk/index.html",
            context! {
                site_org => ser(&site), latest => ser(&latest.into_iter().map(line).collect::<Vec<_>>()), total => total,
                roots => ser(&roots), statutory => ser(&statutory), orgs => ser(&orgs_list), years => years.to_vec(),
                themes => ser(&crate::site::themes_of(&state, site.id).await?.iter().filter(|t| t.parent.is_none()).collect::<Vec<_>>()),
            },
        )
        .await
}

/// `GET /xxgk/list?column=&org=&theme=&year=&kind=&page=`: a filtered listing.
pub async fn list(visit: Visit, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let (filter, page, org_name) = resolve_filter(&visit.state, &q, &site).await?;
    let (items, total) = visit
        .state
        .listings
        .page(
            &visit.state.store,
            visit.state.cache.generation(),
            &filter,
            page,
            PER_PAGE,
        )
        .await?;
    if page > 1 && items.is_empty() {
        return Err(WebError::NotFound(ErrorCode::PageOutOfRange.into()));
    }
    let column = catalogue::column(&q.column);
    let mut heading: Vec<String> = Vec::new();
    if let Some(c) = column {
        heading.push(c.name.to_owned());
    }
    if let Some(n) = &org_name {
        heading.push(n.clone());
    }
    if !q.theme.is_empty() {
        let themes = crate::site::themes_of(&visit.state, site.id).await?;
        heading.push(format!(
            "主题：{}",
            catalogue::theme_label(&themes, &q.theme)
        ));
    }
    if !q.year.is_empty() {
        heading.push(format!("{} 年", q.year));
    }
    if let Some(k) = &filter.kind {
        heading.push(
            RecordKind::parse(k)
                .map(|k| k.label())
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let title = if heading.is_empty() {
        "全部信息".to_owned()
    } else {
        heading.join(" · ")
    };
    let sub_columns: Vec<_> = column
        .map(|c| catalogue::children(c.slug).collect())
        .unwrap_or_default();
    visit.page("xxgk/list.html",
            context! {
                heading => title, items => ser(&items.into_iter().map(line).collect::<Vec<_>>()),
                pagination => pagination(&q, "/xxgk/list", page, total), query => ser(&q),
                column => ser(&column), sub_columns => ser(&sub_columns),
                feed => column.map(|c| format!("/feeds/lanmu/{}.xml", c.slug))
                    .or_else(|| (!q.org.is_empty()).then(|| format!("/feeds/org/{}.xml", q.org.to_ascii_uppercase()))),
            },
        )
        .await
}

/// `GET /xxgk/lanmu/{slug}`: a column's listing (same as the filtered list).
pub async fn column(
    visit: Visit,
    Path(slug): Path<String>,
    Query(mut q): Query<ListQuery>,
) -> Result<Response, WebError> {
    q.column = slug;
    list(visit, Query(q)).await
}

/// The record a link (替代, 解读) names, when there is one and the public may see it now; a
/// link that cannot be read is left off the page rather than failing it.
async fn linked_public(state: &AppState, id: Option<i64>, now: DateTime<Utc>) -> Option<Record> {
    records::get(&state.store, id?)
        .await
        .ok()
        .filter(|r| r.is_public(now))
}

fn meta_rows(r: &Record, theme: &str, superseded: Option<&Record>) -> Value {
    context! {
        index_no => r.index_no.clone().unwrap_or_default(),
        theme => theme,
        org_name => &r.org_name,
        published => r.published_at.map(display_minute).unwrap_or_default(),
        title => &r.title,
        doc_number => &r.doc_number,
        validity => r.validity.label(),
        validity_code => r.validity.code(),
        validity_changed_on => r.validity_changed_on.map(|d| d.to_string()),
        source => if r.source.is_empty() { r.org_name.clone() } else { r.source.clone() },
        written_on => r.written_on.map(|d| d.to_string()),
        keywords => &r.keywords,
        genre => &r.genre,
        disclosure_method => &r.disclosure_method,
        kind => r.kind.label(),
        reprint => r.kind.is_reprint(),
        superseded_url => superseded.and_then(|s| s.index_no.as_deref().map(record_url)),
        superseded_title => superseded.map(|s| s.title.clone()),
    }
}

/// What a record page shows besides the record itself: when any of it changes, so must the
/// page's validators, or a browser would keep a stale page after a 304.
struct PageSources<'a> {
    record: &'a Record,
    related: Vec<&'a Record>,
    consultation: Option<(i64, &'a str)>,
    theme: &'a str,
    care: bool,
}

impl PageSources<'_> {
    /// A weak validator over the record, every related record shown (interpretations, the
    /// policy interpreted, the successor), the consultation link, the theme's name and the
    /// page mode.
    fn etag(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for r in std::iter::once(self.record).chain(self.related.iter().copied()) {
            h.update(r.id.to_be_bytes());
            h.update(r.revision.to_be_bytes());
            h.update(r.updated_at.as_bytes());
            h.update(
                r.published_at
                    .map(storage_timestamp)
                    .unwrap_or_default()
                    .as_bytes(),
            );
            h.update([0]);
        }
        if let Some((id, updated)) = self.consultation {
            h.update(id.to_be_bytes());
            h.update(updated.as_bytes());
        }
        h.update(self.theme.as_bytes());
        h.update([u8::from(self.care)]);
        format!("W/\"{}\"", &hex::encode(h.finalize())[..20])
    }

    /// The latest change among the record and what it shows: its update time or, for a
    /// scheduled record, the moment it went public.
    fn last_modified(&self) -> Option<DateTime<Utc>> {
        std::iter::once(self.record)
            .chain(self.related.iter().copied())
            .flat_map(|r| [parse_storage_timestamp(&r.updated_at), r.published_at])
            .flatten()
            .chain(
                self.consultation
                    .and_then(|(_, updated)| parse_storage_timestamp(updated)),
            )
            .filter(|t| *t <= Utc::now())
            .max()
    }
}

/// Whether the client's cached copy is still current: `If-None-Match` decides when sent,
/// otherwise `If-Modified-Since` (HTTP dates have whole seconds).
fn not_modified(headers: &HeaderMap, etag: &str, last_modified: Option<DateTime<Utc>>) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags.split(',').any(|t| t.trim() == etag || t.trim() == "*");
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok());
    match (since, last_modified) {
        (Some(since), Some(lm)) => lm.timestamp() <= since.timestamp(),
        _ => false,
    }
}

/// What the record page reads of the record's own rows, in one read transaction.
struct RecordReads {
    r: Record,
    consultation: Option<gongkai_store::consultations::Consultation>,
    interpreting: Vec<Record>,
    files: Vec<attachments::Attachment>,
    revisions: Vec<records::Revision>,
}

/// `GET /xxgk/{索引号}`: the record page with its metadata table, body, attachments and
/// interpretations; a 失效/废止 record says so at the top and links its successor.
pub async fn record(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound(ErrorCode::RecordNotFound.into());
    let index_no = IndexNo::parse(&raw).map_err(|_| not_found())?;
    let now = Utc::now();
    let site = require_site(&state, &ctx.site).await?;
    // The record's own rows in one read transaction (on SQLite): one snapshot of them, and one
    // lock of the database instead of one a statement. Only lane reads go inside: the scope
    // holds its connection until it ends. The record's statement counts what links to it, so
    // only the lists it has are read.
    let reads = state.store.read_together(async {
        let records::PageRead { record: r, links } =
            match records::page_read(&state.store, &index_no).await {
                Ok(read) => read,
                Err(gongkai_store::StoreError::NotFound { .. }) => return Err(not_found()),
                Err(e) => return Err(e.into()),
            };
        if !r.is_public(now) || r.site_id != site.id {
            return Err(not_found());
        }
        Ok(RecordReads {
            // The consultation whose feedback report names this record as its final decision.
            consultation: match links.consultations {
                0 => None,
                _ => gongkai_store::consultations::by_decision_record(&state.store, r.id).await?,
            },
            interpreting: match links.interpretations {
                0 => Vec::new(),
                _ => records::interpretations(&state.store, r.id, now).await?,
            },
            files: match links.files {
                0 => Vec::new(),
                _ => attachments::listed(&state.store, r.id).await?,
            },
            revisions: records::revisions(&state.store, &r).await?,
            r,
        })
    });
    let RecordReads {
        mut r,
        consultation,
        interpreting,
        files,
        revisions,
    } = reads.await?;
    let superseded = linked_public(&state, r.superseded_by, now).await;
    let policy = linked_public(&state, r.interprets_id, now).await;
    let themes = crate::site::themes_of(&state, r.site_id).await?;
    let consultation_updated = consultation.as_ref().map(|c| {
        (
            c.id,
            gongkai_store::ts(c.feedback_at.unwrap_or(c.created_at)),
        )
    });
    let theme = catalogue::theme_label(&themes, &r.theme);
    let sources = PageSources {
        record: &r,
        related: interpreting
            .iter()
            .chain(superseded.as_ref())
            .chain(policy.as_ref())
            .collect(),
        consultation: consultation_updated
            .as_ref()
            .map(|(id, at)| (*id, at.as_str())),
        theme: &theme,
        care: ctx.care,
    };
    let tag = sources.etag();
    let modified = sources.last_modified();
    let last_modified = modified.map(|t| httpdate::fmt_http_date(t.into()));
    if not_modified(&headers, &tag, modified) {
        let mut resp = (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
        if let Some(lm) = last_modified.and_then(|s| HeaderValue::from_str(&s).ok()) {
            resp.headers_mut().insert(header::LAST_MODIFIED, lm);
        }
        return Ok(resp);
    }
    // The body goes into the page as it was read, after the rest is rendered.
    let body_html = std::mem::take(&mut r.body_html);
    let interpretations: Vec<Value> = interpreting
        .iter()
        .map(|i| {
            context! {
                title => &i.title, url => i.index_no.as_deref().map(record_url),
                form => i.interpretation_form.map_or("文字解读", InterpretationForm::label),
                date => i.published_at.map(day_of),
            }
        })
        .collect();
    let files: Vec<Value> = files
        .into_iter()
        .map(|a| {
            file_line(
                &a.file_name,
                crate::view::urls::attachment_url(a.id, &a.file_name),
                &a.kind,
                a.size_bytes,
            )
        })
        .collect();
    let columns: Vec<_> = r
        .columns
        .iter()
        .filter_map(|c| catalogue::column(c))
        .collect();
    let mut resp = state
        .page_with_body(
            &ctx,
            "xxgk/record.html",
            context! {
                r => context! {
                    title => &r.title, body_html => Value::from_safe_string(crate::page::late_body_marker().to_owned()),
                    status => r.status.code(), withdrawn_reason => &r.withdrawn_reason, change_note => &r.change_note,
                    revision => r.revision, summary => &r.summary,
                },
                meta => meta_rows(&r, &theme, superseded.as_ref()),
                interpretations => interpretations,
                policy => policy.as_ref().map(|p| context! { title => &p.title, url => p.index_no.as_deref().map(record_url) }),
                files => files,
                consultation => consultation.map(|c| context! {
                    title => c.title, url => crate::view::urls::consultation_url(c.id),
                    feedback_url => format!("/zhengji/{}/feedback", c.id),
                }),
                revisions => ser(&revisions),
                columns => ser(&columns),
            },
            body_html,
        )
        .await?;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    if let Some(lm) = last_modified.and_then(|s| HeaderValue::from_str(&s).ok()) {
        h.insert(header::LAST_MODIFIED, lm);
    }
    h.insert(header::VARY, HeaderValue::from_static("Cookie"));
    Ok(resp)
}

/// `GET /xxgk/zhinan/{code}`: an organisation's 政府信息公开指南 with the contact fields of 第十二条.
pub async fn guide(visit: Visit, Path(code): Path<String>) -> Result<Response, WebError> {
    let site = visit.site().await?;
    let org = org_in_site(&visit.state, &site, &code).await?;
    let guide = guides::get(&visit.state.store, org.id).await?;
    visit.page("xxgk/guide.html",
            context! {
                org => ser(&org),
                guide => guide.as_ref().map(|g| context! {
                    body_html => Value::from_safe_string(g.body_html.clone()),
                    office_name => &g.office_name, address => &g.address, hours => &g.hours, phone => &g.phone,
                    fax => &g.fax, email => &g.email, postcode => &g.postcode, updated => date_of(&g.updated_at),
                }),
            },
        )
        .await
}
