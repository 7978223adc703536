//! The statutory annual report (年度报告) as use cases: open the draft of an organisation's
//! report for a year (section 三 counted from the applications of the organisation and every
//! organisation below it, so the county government's report aggregates its departments; the
//! hand entries; every broken identity), save the hand entries, and publish.
//!
//! Publication is refused while an identity fails (`report.identity_broken`) and, after the
//! report's due date (第四十九条: a government's by 31 March, every other office's by 31 January),
//! without a recorded reason (`report.late_reason_required`). A published report keeps section 三
//! as it was counted then. Publishing also publishes, in the same transaction, the report as a
//! record of 政府信息公开年报 of the organisation: every section rendered as HTML with the tables
//! of the format ([`report::Document`]), through the content sanitiser, screened like any
//! submission.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_domain::org::OrgKind;
use gongkai_domain::record::{DEFAULT_DISCLOSURE_METHOD, RecordKind, RecordMeta, Validity};
use gongkai_domain::report::{
    self, ApplicationsTable, CountedDocuments, Document, Format, HandEntries, OLDEST_YEAR,
    OverviewFacts, ProactiveTables, ReviewLitigation, Violation,
};
use gongkai_domain::{ErrorCode, Refusal};
use gongkai_store::orgs::{self, Organisation};
use gongkai_store::{Actor, Store, records, reports, typed_lists};
use serde::Serialize;

use crate::{Outcome, ServiceError};

/// The most characters a late-publication reason may hold.
pub const LATE_REASON_MAX_CHARS: usize = 500;

/// An organisation's report of a year as the back office shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The organisation.
    pub org: Organisation,
    /// The report year.
    pub year: i32,
    /// The format it follows: for 2019 and 2020 the older one, typed in by hand (section 三 and
    /// the older section 二 are in [`HandEntries::past`]).
    pub format: Format,
    /// How many organisations section 三 counts (the organisation and those below it).
    pub orgs_counted: usize,
    /// Section 三: as published, or counted now for a draft.
    pub table: ApplicationsTable,
    /// Everything but section 三: what staff entered, with section 四 being the challenges
    /// recorded on the applications counted ([`Report::recorded_review`]) plus those entered
    /// by hand ([`Report::hand_review`]); frozen as such once published.
    pub entries: HandEntries,
    /// Section 四 as counted from the 行政复议 and 行政诉讼 recorded on the applications the
    /// report counts (all 0 once published: the sum is frozen in `entries`).
    pub recorded_review: ReviewLitigation,
    /// Section 四 as entered by hand (cases the platform does not hold).
    pub hand_review: ReviewLitigation,
    /// Last year's section 二, which 现行有效 carries over from (none without a saved report).
    pub last_year: Option<ProactiveTables>,
    /// Section 二's 行政规范性文件 row as counted from the records the organisation and those
    /// below it published, offered to staff beside their entries (none once published): a
    /// draft they confirm or override, since documents made before the platform are missing.
    pub counted_documents: Option<CountedDocuments>,
    /// Every broken identity, each with its cell.
    pub violations: Vec<Violation>,
    /// The day the report is due.
    pub due_on: Option<NaiveDate>,
    /// Whether publishing today is late (and so needs a reason).
    pub overdue: bool,
    /// When it was published, if it was.
    pub published_at: Option<DateTime<Utc>>,
    /// Who published it.
    pub published_by: String,
    /// Why it was published late (empty when on time).
    pub late_reason: String,
    /// The 索引号 of the record in 政府信息公开年报 its publication made (its public page is
    /// `/xxgk/<index_no>`).
    pub record_index_no: Option<String>,
}

impl Report {
    /// Whether it is published.
    pub fn is_published(&self) -> bool {
        self.published_at.is_some()
    }
}

/// One year of the list of reports.
#[derive(Debug, Clone, Serialize)]
pub struct YearEntry {
    /// The year.
    pub year: i32,
    /// Whether a draft was saved.
    pub saved: bool,
    /// Whether it is published.
    pub published: bool,
    /// The day it is due.
    pub due_on: Option<NaiveDate>,
    /// The format it follows (2019 and 2020: the older one).
    pub format: Format,
}

/// The kind of organisation the due date depends on: a site's root or a government is a
/// government, every other office is a department.
fn kind_of(org: &Organisation) -> OrgKind {
    if org.parent_id.is_none() || org.kind == OrgKind::Government.code() {
        OrgKind::Government
    } else {
        OrgKind::Department
    }
}

fn check_year(year: i32, today: NaiveDate) -> Result<(), ServiceError> {
    if (OLDEST_YEAR..=today.year()).contains(&year) {
        Ok(())
    } else {
        Err(ServiceError::Refused(
            ErrorCode::ReportYearOutOfRange.refusal(&[("max", &today.year())]),
        ))
    }
}

/// The years an organisation can report on (2019, the first year of the older format, to this
/// year; 2019 and 2020 are imported history in their own format), newest first, with what is
/// saved.
pub async fn years(
    store: &Store,
    org_id: i64,
    today: NaiveDate,
) -> Result<Vec<YearEntry>, ServiceError> {
    let org = orgs::by_id(store, org_id).await?;
    let saved = reports::years(store, org_id).await?;
    Ok((OLDEST_YEAR..=today.year())
        .rev()
        .map(|year| {
            let stored = saved.iter().find(|(y, _)| *y == year);
            YearEntry {
                year,
                saved: stored.is_some(),
                published: stored.is_some_and(|(_, p)| *p),
                due_on: report::due_on(kind_of(&org), year),
                format: Format::of(year),
            }
        })
        .collect())
}

/// The 行政许可 and 行政处罚 decisions of the year the organisations `counted` published on the
/// 执法公示 list, by the calendar and region of `org`'s site.
async fn enforcement_decisions(
    store: &Store,
    org: &Organisation,
    counted: &[i64],
    year: i32,
) -> Result<typed_lists::Decisions, ServiceError> {
    let calendar = gongkai_store::calendar::load(store).await?;
    let site = orgs::by_id(store, org.site_id).await?;
    let region = gongkai_store::applications::region_of_site(store, &site.code).await?;
    Ok(typed_lists::decisions(store, counted, year, &calendar, region.as_ref()).await?)
}

/// The report of an organisation and year: the published one, or the draft with section 三
/// counted now, and every broken identity.
pub async fn open(
    store: &Store,
    org_id: i64,
    year: i32,
    today: NaiveDate,
) -> Result<Report, ServiceError> {
    check_year(year, today)?;
    let org = orgs::by_id(store, org_id).await?;
    let stored = reports::get(store, org_id, year).await?;
    let format = Format::of(year);
    // 现行有效 carries over from a report in the 2021 format only: the older one has no such
    // column (对外公开总数量 counts something else).
    let last_year = if Format::of(year - 1) == Format::Y2021 {
        reports::get(store, org_id, year - 1)
            .await?
            .map(|r| r.entries.proactive)
    } else {
        None
    };
    let counted = reports::subtree(store, org_id).await?;
    let mut entries = stored
        .as_ref()
        .map(|r| r.entries.clone())
        .unwrap_or_default();
    if format == Format::Y2019 && entries.past.is_none() {
        entries.past = Some(report::PastReport::default());
    }
    let table = match stored.as_ref().and_then(|r| r.published_table.clone()) {
        Some(t) => t,
        // An older report is history typed in, not counted.
        None => match &entries.past {
            Some(past) => past.applications.clone(),
            None => reports::count_applications(store, &counted, year).await?,
        },
    };
    let hand_review = entries.review.clone();
    let published = stored.as_ref().is_some_and(|r| r.published_at.is_some());
    let recorded_review = if published || format == Format::Y2019 {
        ReviewLitigation::default()
    } else {
        let challenges = gongkai_store::challenges::filed_in(store, &counted, year).await?;
        ReviewLitigation::counted(&challenges, year)
    };
    if !recorded_review.is_empty() {
        entries.review = recorded_review.plus(&hand_review);
    }
    let mut violations = report::violations(&table, &entries, last_year.as_ref());
    // Reports typed in from history: 上年结转 is the report before's 结转下年度, when that one is
    // here too (counted tables agree by construction).
    if format == Format::Y2019
        && let Some(before) = reports::get(store, org_id, year - 1).await?
    {
        let last_table = before
            .published_table
            .or_else(|| before.entries.past.map(|p| p.applications));
        if let Some(last_table) = last_table {
            violations.extend(table.carried_in_violations(&last_table));
        }
    }
    let counted_documents = if published || format == Format::Y2019 {
        None
    } else {
        let docs = reports::document_facts(store, &counted, Utc::now()).await?;
        let decisions = enforcement_decisions(store, &org, &counted, year).await?;
        Some(CountedDocuments::count(year, &docs).with_decisions(
            i64::from(decisions.licences.total),
            i64::from(decisions.penalties.total),
        ))
    };
    let kind = kind_of(&org);
    let record_index_no = match stored.as_ref().and_then(|r| r.record_id) {
        Some(id) => records::get(store, id).await?.index_no,
        None => None,
    };
    Ok(Report {
        record_index_no,
        year,
        format,
        orgs_counted: counted.len(),
        table,
        entries,
        recorded_review,
        hand_review,
        last_year,
        counted_documents,
        violations,
        due_on: report::due_on(kind, year),
        overdue: report::is_late(kind, year, today),
        published_at: stored.as_ref().and_then(|r| r.published_at),
        published_by: stored
            .as_ref()
            .map(|r| r.published_by.clone())
            .unwrap_or_default(),
        late_reason: stored.map(|r| r.late_reason).unwrap_or_default(),
        org,
    })
}

/// The year's figures for the first draft of section 一 ([`report::overview_draft`]): the
/// records the office and those below it published, section 三's and section 四's totals, the
/// site's training sessions and meetings on openness work.
pub async fn overview_facts(store: &Store, r: &Report) -> Result<OverviewFacts, ServiceError> {
    use report::{Column, Row};
    let counted = reports::subtree(store, r.org.id).await?;
    let (published, interpretations, normative) =
        reports::published_counts(store, &counted, r.year, Utc::now()).await?;
    let site = orgs::site_of(store, r.org.id).await?;
    // The sessions and meetings held by the office or one below it.
    let work: Vec<_> = gongkai_store::work_records::list(store, site, r.year)
        .await?
        .into_iter()
        .filter(|w| counted.contains(&w.org_id))
        .collect();
    let trainings = work
        .iter()
        .filter(|w| w.kind == gongkai_domain::work_record::WorkKind::Training);
    let groups = r.entries.review.groups();
    Ok(OverviewFacts {
        org_name: r.org.name.clone(),
        year: r.year,
        published,
        interpretations,
        normative,
        applications_new: i64::try_from(r.table.get(Row::New, Column::Total)).unwrap_or(i64::MAX),
        applications_carried_in: i64::try_from(r.table.get(Row::CarriedIn, Column::Total))
            .unwrap_or(i64::MAX),
        applications_answered: i64::try_from(r.table.get(Row::Total, Column::Total))
            .unwrap_or(i64::MAX),
        applications_carried: i64::try_from(r.table.get(Row::CarriedOut, Column::Total))
            .unwrap_or(i64::MAX),
        challenges: groups.iter().map(|g| g.total).sum(),
        corrected: groups.iter().map(|g| g.corrected).sum(),
        trainings: trainings.clone().count() as i64,
        attendees: trainings.map(|w| w.attendees).sum(),
        meetings: work
            .iter()
            .filter(|w| w.kind == gongkai_domain::work_record::WorkKind::Meeting)
            .count() as i64,
    })
}

/// A first draft of section 六 from the 信息处理费 the office and those below it collected in
/// the year ([`report::other_matters_draft`]).
pub async fn other_matters_draft(store: &Store, r: &Report) -> Result<String, ServiceError> {
    let counted = reports::subtree(store, r.org.id).await?;
    let fees = reports::fees_collected(store, &counted, r.year).await?;
    Ok(report::other_matters_draft(r.year, fees))
}

/// Saves the hand entries read from a form (`get` answers a field's raw text); the form's
/// problems come back by field and nothing is saved. Refused once published.
pub async fn save<'a>(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    year: i32,
    today: NaiveDate,
    get: impl Fn(&str) -> Option<&'a str>,
) -> Result<Outcome<Report>, ServiceError> {
    check_year(year, today)?;
    let entries = match HandEntries::parse_for(year, get) {
        Ok(e) => e,
        Err(errors) => return Ok(Err(errors)),
    };
    reports::save_entries(store, actor, org_id, year, &entries).await?;
    Ok(Ok(open(store, org_id, year, today).await?))
}

/// Publishes the report, with `files` (its PDF and workbook, stored by the caller from the same
/// draft) attached to the record it becomes: refused while an identity fails, and after the
/// due date without a reason (`late_reason`, at most [`LATE_REASON_MAX_CHARS`]).
pub async fn publish(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    year: i32,
    today: NaiveDate,
    late_reason: &str,
    files: &[gongkai_store::attachments::NewAttachment],
) -> Result<Report, ServiceError> {
    let draft = open(store, org_id, year, today).await?;
    if draft.is_published() {
        return Err(refused(ErrorCode::ReportAlreadyPublished.into()));
    }
    if !draft.violations.is_empty() {
        return Err(refused(
            ErrorCode::ReportIdentityBroken.refusal(&[("count", &draft.violations.len())]),
        ));
    }
    let reason = late_reason.trim();
    if draft.overdue {
        let due = draft.due_on.map(|d| d.to_string()).unwrap_or_default();
        if reason.is_empty() {
            return Err(refused(
                ErrorCode::ReportLateReasonRequired.refusal(&[("due", &due)]),
            ));
        }
        if reason.chars().count() > LATE_REASON_MAX_CHARS {
            return Err(refused(ErrorCode::ReportTextTooLong.refusal(&[
                ("field", &"逾期发布原因"),
                ("max", &LATE_REASON_MAX_CHARS),
            ])));
        }
    }
    let reason = if draft.overdue { reason } else { "" };
    let record = record_of(&draft, today);
    let frozen = (&draft.table, &draft.entries);
    match reports::publish(store, actor, org_id, year, frozen, reason, (&record, files)).await {
        Ok(_) => {}
        // Screening found something in the text: the staff member edits it, as any refusal.
        Err(gongkai_store::StoreError::Conflict(r)) => return Err(refused(r)),
        Err(e) => return Err(e.into()),
    }
    open(store, org_id, year, today).await
}

/// The report's HTML body: every section, with the tables of the format, as the content
/// sanitiser keeps it.
pub fn body_html(table: &ApplicationsTable, entries: &HandEntries) -> String {
    gongkai_content::sanitize_html(&Document::build(table, entries).to_html())
}

/// The record of 政府信息公开年报 a report becomes: titled as the format names it, written on
/// the day it is published, by its organisation.
fn record_of(r: &Report, today: NaiveDate) -> records::Content {
    let title = report::title(&r.org.name, r.year);
    let body_html = body_html(&r.table, &r.entries);
    records::Content {
        meta: RecordMeta {
            summary: format!(
                "{title}：总体情况，主动公开、依申请公开政府信息情况，行政复议、行政诉讼情况，存在的主要问题及改进情况，其他需要报告的事项。"
            ),
            title,
            kind: RecordKind::Other,
            doc_number: String::new(),
            written_on: Some(today),
            theme: REPORT_THEME.to_owned(),
            genre: "报告".to_owned(),
            keywords: "政府信息公开 年度报告".to_owned(),
            source: r.org.name.clone(),
            validity: Validity::Valid,
            disclosure_method: DEFAULT_DISCLOSURE_METHOD.to_owned(),
        },
        body_text: gongkai_content::html_to_text(&body_html),
        body_html,
        columns: vec![REPORT_COLUMN.to_owned()],
        interprets_id: None,
        interpretation_form: None,
    }
}

/// The column a published report appears in (政府信息公开年报).
pub const REPORT_COLUMN: &str = "nb";
/// The 主题分类 of a published report.
pub const REPORT_THEME: &str = "综合政务\\政务公开";

fn refused(r: Refusal) -> ServiceError {
    ServiceError::Refused(r)
}
