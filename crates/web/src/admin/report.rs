//! `/admin/report`: the statutory annual report (政府信息公开工作年度报告) in the back office — the
//! list of years, and each year's report with section 三 counted from the applications, the hand
//! entries of sections 一, 二, 四, 五 and 六, every broken identity beside its cell, and the
//! publish button. The openness office (`Permission::Supervise`) works on the report of an
//! organisation in its scope (`?org=CODE`, by default its own). The rules are the use cases'
//! (`gongkai_service::reports`); this file only shows them.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use gongkai_domain::ErrorCode;
use gongkai_domain::org::OrgCode;
use gongkai_domain::report::{
    self, Column, FORMAT_2021_FROM, Format, HandEntries, PROACTIVE_FIELDS, RESULT_LABELS,
    REVIEW_FIELDS, REVIEW_SOURCE_FIELD, SECTION2_TABLES, SECTION4_GROUPS, Violation,
};
use gongkai_domain::role::Permission;
use gongkai_domain::time::{beijing_date, display_minute};
use gongkai_domain::{FieldErrors, Refusal};
use gongkai_service::ServiceError;
use gongkai_service::reports::{self as usecase, Report};
use gongkai_store::attachments::NewAttachment;
use gongkai_store::blobs;
use gongkai_store::orgs::{self, Organisation};
use minijinja::{Value, context};
use serde::Deserialize;

use crate::WebError;
use crate::admin::desk::Desk;
use crate::auth::{check_org, scope};
use crate::download::private_file;
use crate::state::AppState;
use crate::templates::ser;

/// Which organisation's report (`?org=CODE`; the member of staff's own by default).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
}

/// The publish form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishForm {
    late_reason: String,
}

fn today() -> chrono::NaiveDate {
    beijing_date(chrono::Utc::now())
}

/// The organisation of the query, within the staff member's scope.
async fn org_of(desk: &Desk, q: &OrgQuery) -> Result<Organisation, WebError> {
    let Desk { state, staff, .. } = desk;
    let org = if q.org.trim().is_empty() {
        orgs::by_id(&state.store, staff.org_id).await?
    } else {
        let code = OrgCode::parse(&q.org)
            .map_err(|_| WebError::NotFound(ErrorCode::OrgNotFound.into()))?;
        orgs::by_code(&state.store, &code).await?
    };
    check_org(state, staff, Permission::Supervise, org.id).await?;
    Ok(org)
}

/// `GET /admin/report`: the years an organisation reports on, with their state and due date.
pub async fn years(desk: Desk, Query(q): Query<OrgQuery>) -> Result<Response, WebError> {
    let org = org_of(&desk, &q).await?;
    let years = usecase::years(&desk.state.store, org.id, today()).await?;
    let orgs = scope(&desk.state, &desk.staff, Permission::Supervise).await?;
    desk.state
        .page(
            &desk.ctx,
            "admin/report_years.html",
            context! { org => ser(&org), years => ser(&years), orgs => ser(&orgs) },
        )
        .await
}

/// A request for the report of the path's year of the query's organisation, opened: what the
/// report page and its downloads are given.
pub struct Opened {
    desk: Desk,
    r: Report,
}

impl FromRequestParts<AppState> for Opened {
    /// The refusal of the desk, the path or the query as each answers it, or why the report
    /// could not be opened.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let desk = Desk::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(year) = Path::<i32>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(q) = Query::<OrgQuery>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let open = async {
            let org = org_of(&desk, &q).await?;
            Ok::<_, WebError>(usecase::open(&state.store, org.id, year, today()).await?)
        };
        let r = open.await.map_err(IntoResponse::into_response)?;
        Ok(Self { desk, r })
    }
}

/// `GET /admin/report/{year}`: the report page.
pub async fn show(Opened { desk, r }: Opened) -> Result<Response, WebError> {
    render(&desk, StatusCode::OK, &r, None, &FieldErrors::new(), None).await
}

/// `GET /admin/report/{year}/overview-draft`: the report page with first drafts of sections 一
/// and 六 written from the year's figures (六: the 信息处理费 collected) into their fields, for
/// staff to edit and save (nothing is saved until they do).
pub async fn overview_draft(Opened { desk, r }: Opened) -> Result<Response, WebError> {
    let facts = usecase::overview_facts(&desk.state.store, &r).await?;
    let mut typed = BTreeMap::new();
    typed.insert("overview".to_owned(), report::overview_draft(&facts));
    typed.insert(
        "other_matters".to_owned(),
        usecase::other_matters_draft(&desk.state.store, &r).await?,
    );
    render(
        &desk,
        StatusCode::OK,
        &r,
        Some(typed),
        &FieldErrors::new(),
        None,
    )
    .await
}

/// `POST /admin/report/{year}`: saves the hand entries; a form with problems is shown again
/// with what was typed.
pub async fn save(
    desk: Desk,
    Path(year): Path<i32>,
    Query(q): Query<OrgQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let org = org_of(&desk, &q).await?;
    let mut fields = fields;
    // "采用" beside a computed figure: the form is saved with that figure and its source.
    let take = fields
        .iter()
        .find(|(n, _)| n == "take")
        .map(|(_, v)| v.clone());
    if let Some(take) = take.as_deref() {
        let r = usecase::open(&desk.state.store, org.id, year, today()).await?;
        if let Some(figure) = r.counted_documents.and_then(|c| c.figure(take)) {
            fields.retain(|(n, _)| n != take && *n != format!("{take}.source"));
            fields.push((take.to_owned(), figure.value.to_string()));
            fields.push((format!("{take}.source"), figure.source));
        }
    }
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let answer =
        usecase::save(&desk.state.store, &desk.actor(), org.id, year, today(), get).await?;
    match answer {
        Ok(_) => Ok(Redirect::to(&page_url(&org, year)).into_response()),
        Err(errors) => {
            let r = usecase::open(&desk.state.store, org.id, year, today()).await?;
            let typed: BTreeMap<String, String> = fields.into_iter().collect();
            render(
                &desk,
                StatusCode::BAD_REQUEST,
                &r,
                Some(typed),
                &errors,
                None,
            )
            .await
        }
    }
}

/// `POST /admin/report/{year}/publish`: publishes the report, or shows it again with why not
/// (an identity fails; late without a reason).
pub async fn publish(
    desk: Desk,
    Path(year): Path<i32>,
    Query(q): Query<OrgQuery>,
    Form(form): Form<PublishForm>,
) -> Result<Response, WebError> {
    let org = org_of(&desk, &q).await?;
    let store = &desk.state.store;
    // The PDF and the workbook, made from the same draft the service publishes (a refusal
    // leaves them unused in the content-addressed store, named by no row).
    let draft = usecase::open(store, org.id, year, today()).await?;
    let refused = draft.is_published()
        || !draft.violations.is_empty()
        || (draft.overdue && form.late_reason.trim().is_empty());
    let files = if refused {
        Vec::new()
    } else {
        report_files(&desk.state, &draft).await?
    };
    let answer = usecase::publish(
        store,
        &desk.actor(),
        org.id,
        year,
        today(),
        &form.late_reason,
        &files,
    )
    .await;
    match answer {
        Ok(_) => Ok(Redirect::to(&page_url(&org, year)).into_response()),
        Err(ServiceError::Refused(refusal)) => {
            let r = usecase::open(store, org.id, year, today()).await?;
            render(
                &desk,
                StatusCode::CONFLICT,
                &r,
                None,
                &FieldErrors::new(),
                Some(refusal),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The report's tagged PDF (when the CJK font is installed) and its workbook, stored as files to
/// attach to the record its publication makes.
async fn report_files(state: &AppState, r: &Report) -> Result<Vec<NewAttachment>, WebError> {
    let title = report::title(&r.org.name, r.year);
    let mut made: Vec<(String, &'static str, Vec<u8>)> = Vec::new();
    if let Some(fonts) = state.fonts.clone() {
        let doc = report::Document::build(&r.table, &r.entries);
        let (heading, author) = (title.clone(), r.org.name.clone());
        let pdf = tokio::task::spawn_blocking(move || {
            gongkai_export::render_report_pdf(&heading, &author, &doc, &fonts)
        })
        .await
        .map_err(|_| WebError::Conflict(ErrorCode::LetterPdfFailed.into()))?
        .map_err(export_failed)?;
        made.push((format!("{title}.pdf"), "pdf", pdf));
    }
    let xlsx = workbook_of(&title, r)?;
    made.push((format!("{title}.xlsx"), "xlsx", xlsx));
    let mut out = Vec::new();
    for (file_name, kind, bytes) in made {
        let sha256 = blobs::put(&state.store, &state.config.data_dir, &bytes).await?;
        out.push(NewAttachment {
            sha256,
            file_name,
            kind: kind.to_owned(),
            size_bytes: bytes.len() as i64,
            text: String::new(),
        });
    }
    Ok(out)
}

/// `GET /admin/report/{year}/xlsx`: the report's tables as an Excel workbook in the official
/// layout (section 三 as published, or as counted now for a draft).
pub async fn workbook(Opened { r, .. }: Opened) -> Result<Response, WebError> {
    let title = report::title(&r.org.name, r.year);
    let bytes = workbook_of(&title, &r)?;
    Ok(private_file(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{title}.xlsx"),
        bytes,
    ))
}

/// `GET /admin/report/{year}/pdf`: the report (published, or the draft as it stands) as a
/// tagged A4 PDF with its tables ruled.
pub async fn pdf(Opened { desk, r }: Opened) -> Result<Response, WebError> {
    let title = report::title(&r.org.name, r.year);
    let doc = report::Document::build(&r.table, &r.entries);
    let fonts = desk
        .state
        .fonts
        .clone()
        .ok_or_else(|| WebError::Conflict(ErrorCode::LetterFontMissing.into()))?;
    let (heading, author) = (title.clone(), r.org.name.clone());
    let bytes = tokio::task::spawn_blocking(move || {
        gongkai_export::render_report_pdf(&heading, &author, &doc, &fonts)
    })
    .await
    .map_err(|_| WebError::Conflict(ErrorCode::LetterPdfFailed.into()))?
    .map_err(export_failed)?;
    Ok(private_file(
        "application/pdf",
        &format!("{title}.pdf"),
        bytes,
    ))
}

/// The report's workbook: the 2021 format's official layout, or an older report's own tables.
fn workbook_of(title: &str, r: &Report) -> Result<Vec<u8>, WebError> {
    match r.format {
        Format::Y2021 => gongkai_export::annual_report_xlsx(
            title,
            &r.entries.proactive,
            &r.table,
            &r.entries.review,
        ),
        Format::Y2019 => {
            gongkai_export::document_xlsx(title, &report::Document::build(&r.table, &r.entries))
        }
    }
    .map_err(export_failed)
}

/// Why a download of the report could not be made.
fn export_failed(reason: gongkai_export::ExportError) -> WebError {
    WebError::Conflict(ErrorCode::ReportExportFailed.refusal(&[("reason", &reason)]))
}

fn page_url(org: &Organisation, year: i32) -> String {
    format!("/admin/report/{year}?org={}", org.code)
}

/// The messages of the violations at `key`, joined.
fn notes_at(violations: &[Violation], key: &str) -> Vec<String> {
    violations
        .iter()
        .filter(|v| v.key() == key)
        .map(Violation::message)
        .collect()
}

/// The section 三 table as the template draws it: the header rows and, per row, the label cells
/// that start on it and the seven counts, each with the broken identities at that cell.
///
/// For a report in the older format the rows are its own (（六）其他处理 as one row) and each
/// count is an input (`t3.<row>.<column>`) holding what was typed or stored.
pub fn section3_view(
    table: &report::ApplicationsTable,
    violations: &[Violation],
    format: Format,
) -> Value {
    let layout = match format {
        Format::Y2019 => report::past::section3_layout_2019(),
        Format::Y2021 => report::section3_layout(),
    };
    let rows: Vec<Value> = layout
        .into_iter()
        .map(|(row, heads)| {
            let cells: Vec<Value> = Column::ALL
                .iter()
                .map(|c| {
                    let key = format!("三:{}:{}", row.code(), c.code());
                    let label = format!("{} {}", report::past::row_label_2019(row), c.label());
                    context! { value => table.get(row, *c), notes => notes_at(violations, &key), id => format!("c-{}-{}", row.code(), c.code()), field => format!("t3.{}.{}", row.code(), c.code()), label => label }
                })
                .collect();
            context! { code => row.code(), heads => ser(&heads), cells => cells }
        })
        .collect();
    context! { header => ser(&report::section3_header()), rows => rows }
}

/// Every hand-entered field's text: as typed when the form is shown again, else as stored.
fn field_values(
    entries: &HandEntries,
    hand_review: &report::ReviewLitigation,
    typed: Option<BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    for ((field, source_field, _), (_, figure)) in
        PROACTIVE_FIELDS.iter().zip(entries.proactive.fields())
    {
        values.insert((*field).to_owned(), figure.value.to_string());
        values.insert((*source_field).to_owned(), figure.source.clone());
    }
    for (field, value) in REVIEW_FIELDS.iter().zip(hand_review.values()) {
        values.insert((*field).to_owned(), value.to_string());
    }
    values.insert(REVIEW_SOURCE_FIELD.to_owned(), hand_review.source.clone());
    values.insert("overview".to_owned(), entries.prose.overview.clone());
    values.insert("problems".to_owned(), entries.prose.problems.clone());
    values.insert(
        "other_matters".to_owned(),
        entries.prose.other_matters.clone(),
    );
    if let Some(typed) = typed {
        for (k, v) in typed {
            if values.contains_key(&k) {
                values.insert(k, v);
            }
        }
    }
    values
}

/// An older report's section 二 as the template draws it (each table with its inputs: field,
/// label, value as typed or stored) and section 三's typed cells.
fn past_view(past: &report::PastReport, typed: Option<&BTreeMap<String, String>>) -> Value {
    let value =
        |field: &str, stored: String| typed.and_then(|t| t.get(field).cloned()).unwrap_or(stored);
    let fields = &*report::past::SECTION2_FIELDS_2019;
    let mut next = 0usize;
    let tables: Vec<Value> = report::past::SECTION2_TABLES_2019
        .iter()
        .map(|(heading, columns, rows)| {
            let rows: Vec<Value> = rows
                .iter()
                .map(|label| {
                    let cells: Vec<Value> = columns[1..]
                        .iter()
                        .filter_map(|_| {
                            let f = fields.get(next)?;
                            let v = value(f.field, past.figure(next).to_owned());
                            next += 1;
                            Some(context! { field => f.field, label => &f.label, value => v })
                        })
                        .collect();
                    context! { label => *label, cells => cells }
                })
                .collect();
            context! { heading => *heading, columns => ser(columns), rows => rows }
        })
        .collect();
    let cells: BTreeMap<String, String> = report::past::SECTION3_FIELDS_2019
        .iter()
        .map(|c| {
            let stored = past.applications.get(c.row, c.column).to_string();
            (c.field.to_owned(), value(c.field, stored))
        })
        .collect();
    context! {
        tables => tables,
        source => value(report::past::SECTION2_SOURCE_FIELD_2019, past.source.clone()),
        cells => cells,
    }
}

async fn render(
    desk: &Desk,
    status: StatusCode,
    r: &Report,
    typed: Option<BTreeMap<String, String>>,
    errors: &FieldErrors,
    refusal: Option<Refusal>,
) -> Result<Response, WebError> {
    let typed_ref = typed.clone();
    let notes: BTreeMap<String, Vec<String>> = r
        .violations
        .iter()
        .filter(|v| !v.key().starts_with("三:"))
        .map(|v| (v.key(), notes_at(&r.violations, &v.key())))
        .collect();
    let section2: Vec<Value> = SECTION2_TABLES
        .iter()
        .map(|(heading, columns, rows)| context! { heading => *heading, columns => ser(columns), rows => ser(rows) })
        .collect();
    let page = context! {
        org => ser(&r.org),
        year => r.year,
        url => page_url(&r.org, r.year),
        titles => report::SECTION_TITLES,
        section3 => section3_view(&r.table, &r.violations, r.format),
        past => r.entries.past.as_ref().map(|p| past_view(p, typed_ref.as_ref())),
        past_source_field => report::past::SECTION2_SOURCE_FIELD_2019,
        section2 => section2,
        proactive_fields => ser(&PROACTIVE_FIELDS.iter().map(|(f, s, l)| (f, s, l)).collect::<Vec<_>>()),
        groups => ser(&SECTION4_GROUPS),
        litigation_label => report::LITIGATION_LABEL,
        result_labels => RESULT_LABELS,
        review_fields => REVIEW_FIELDS,
        review_source_field => REVIEW_SOURCE_FIELD,
        fees_wan_yuan => report::wan_yuan(r.entries.proactive.fees_yuan.value),
        computed => r.counted_documents.map(|c| {
            report::COMPUTED_FIELDS
                .iter()
                .filter_map(|f| c.figure(f).map(|fig| ((*f).to_owned(), fig.value)))
                .collect::<BTreeMap<_, _>>()
        }),
        computed_undated => r.counted_documents.map_or(0, |c| c.undated),
        computed_sources => r.counted_documents.map(|c| {
            report::COMPUTED_FIELDS
                .iter()
                .filter_map(|f| c.figure(f).map(|fig| ((*f).to_owned(), fig.source)))
                .collect::<BTreeMap<_, _>>()
        }),
        values => ser(&field_values(&r.entries, &r.hand_review, typed)),
        recorded_review => (!r.recorded_review.is_empty()).then(|| r.recorded_review.values()),
        total_review => r.entries.review.values(),
        notes => ser(&notes),
        violations => r.violations.iter().map(|v| context! { key => v.key(), message => v.message() }).collect::<Vec<_>>(),
        errors => ser(errors),
        refusal => refusal.map(|x| x.message),
        published => r.is_published(),
        published_at => r.published_at.map(display_minute),
        published_by => &r.published_by,
        late_reason => &r.late_reason,
        record_url => r.record_index_no.as_ref().map(|n| format!("/xxgk/{n}")),
        due_on => r.due_on.map(|d| d.to_string()),
        overdue => r.overdue,
        orgs_counted => r.orgs_counted,
        first_year => FORMAT_2021_FROM,
        older_format => r.format == Format::Y2019,
    };
    desk.page(status, "admin/report.html", page).await
}
