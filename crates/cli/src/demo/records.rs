//! Published records: the seed document, a policy and its interpretation taken through review, a
//! draft waiting for review, the county's guide, and a few hundred real texts from the corpus.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use gongkai_domain::record::{
    Disclosure, InterpretationForm, RecordInput, RecordKind, RecordMeta, Validity,
};
use gongkai_domain::time::beijing_date;
use gongkai_store::records::{self, Approval, Content, Imported};
use gongkai_store::{Actor, Store};

use super::sites::{COUNTY, DEPARTMENTS, DemoStaff};
use super::{beijing_at, org, user};
use crate::CliError;

/// The written justification with which the demo publishes corpus texts that screening flags.
const CORPUS_REASON: &str = "演示数据：国家法律法规的正式文本，已公开发布，经核对可以转载";

/// The seed document's body: the county's 2017 implementation plan, the document this project
/// comes from, published in the demo with its real metadata.
const SEED_BODY: &str = include_str!("../../demo/seed-wqx001-2018-000060.txt");

/// Where the demo looks for the corpus of real official texts (not shipped with the project).
fn corpus_path() -> Option<std::path::PathBuf> {
    let candidates = [
        std::env::var("GONGKAI_DEMO_CORPUS")
            .ok()
            .map(std::path::PathBuf::from),
        Some(std::path::PathBuf::from("../shared/corpus/laws.jsonl.gz")),
        Some(std::path::PathBuf::from("shared/corpus/laws.jsonl.gz")),
        Some(std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus/laws.jsonl.gz"
        ))),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// A small deterministic hash for spreading demo documents.
fn spread(key: &str) -> u64 {
    key.bytes().fold(1469598103934665603_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

/// What the content part of the demo loaded.
#[derive(Debug, Default)]
pub struct DemoContent {
    /// Published records.
    pub published: usize,
    /// Whether the corpus was found.
    pub corpus: bool,
}

/// Publishes the seed document, a policy with its interpretation through the real workflow,
/// a draft waiting for review, a guide, and (when the corpus is available) a few hundred real
/// texts spread over departments, themes, kinds and years.
pub async fn load(store: &Store, staff: &DemoStaff) -> Result<DemoContent, CliError> {
    let today = beijing_date(Utc::now());
    let county = org(store, COUNTY.0).await?;
    publish_seed(store, county.id, today).await?;
    through_review(store, staff, today).await?;
    save_guide(store, county.id).await?;
    let published = 3;
    let Some(path) = corpus_path() else {
        return Ok(DemoContent { published, corpus: false });
    };
    let published = published + import_corpus(store, &path, today).await?;
    supersede_one_policy(store, today).await?;
    Ok(DemoContent { published, corpus: true })
}

/// Parsed metadata for a demo record; the demo's own data is expected to be valid.
fn meta(
    title: &str,
    kind: RecordKind,
    doc: &str,
    written: &str,
    theme: &str,
    source: &str,
    today: NaiveDate,
) -> Result<RecordMeta, CliError> {
    RecordMeta::parse(
        &RecordInput {
            title,
            kind: kind.code(),
            doc_number: doc,
            written_on: written,
            theme,
            source,
            ..RecordInput::default()
        },
        today,
    )
    .map_err(|e| CliError::Config(format!("演示数据有误：{e:?}")))
}

/// A record's content from its metadata, plain text and columns.
fn content(meta: RecordMeta, text: &str, columns: &[&str]) -> Content {
    Content {
        meta,
        body_html: gongkai_content::text_to_html(text),
        body_text: text.into(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        interprets_id: None,
        interpretation_form: None,
    }
}

/// The seed document, exactly as the county published it.
async fn publish_seed(store: &Store, county_id: i64, today: NaiveDate) -> Result<(), CliError> {
    let seed = Imported {
        source_key: "demo:seed".into(),
        meta: meta(
            "乌恰县2017年政府政务公开实施方案",
            RecordKind::Policy,
            "",
            "2018-05-22",
            "综合政务\\政务公开",
            "乌恰县人民政府",
            today,
        )?,
        body_html: gongkai_content::text_to_html(SEED_BODY),
        body_text: SEED_BODY.to_owned(),
        published_at: beijing_at(2018, 5, 22, 18, 41),
        columns: vec!["zd".into()],
        index_no: Some(gongkai_domain::index_no::IndexNo::parse(
            "WQX001-2018-000060",
        )?),
    };
    records::import_batch(store, &Actor::system(), county_id, &[seed], None).await?;
    Ok(())
}

/// Writes `content` as a draft of `org_id` by the demo editor and submits it for review
/// (screening runs on submission); returns the record's id.
async fn submit_draft(
    store: &Store,
    staff: &DemoStaff,
    org_id: i64,
    content: &Content,
) -> Result<i64, CliError> {
    let editor = user("demo-editor");
    let draft = records::create_draft(store, &editor, staff.editor_id, org_id, content).await?;
    records::submit(store, &editor, staff.editor_id, draft.id).await?;
    Ok(draft.id)
}

/// The demo reviewer approves record `id` for proactive publication at `publish_at`.
async fn approve(
    store: &Store,
    staff: &DemoStaff,
    id: i64,
    publish_at: chrono::DateTime<Utc>,
) -> Result<(), CliError> {
    let approval = Approval {
        disclosure: Disclosure::Proactive,
        exemption: None,
        publish_at,
        screening_note: String::new(),
    };
    records::approve(
        store,
        &user("demo-reviewer"),
        staff.reviewer_id,
        id,
        &approval,
    )
    .await?;
    Ok(())
}

/// A policy and its interpretation, through draft → review → publication, and a draft waiting
/// for review with a planted phone number for the screening demo.
async fn through_review(
    store: &Store,
    staff: &DemoStaff,
    today: NaiveDate,
) -> Result<(), CliError> {
    let finance = org(store, "WQX004").await?;
    let policy_text = "为进一步规范财政资金管理，提高资金使用效益，结合我县实际，制定本办法。\n\n第一条 本办法适用于县级财政专项资金的分配、使用和监督。\n\n第二条 专项资金实行预算管理，按照公开、公平、公正的原则分配。\n\n第三条 资金分配结果应当在县人民政府门户网站政务公开栏目公开，接受社会监督。\n\n第四条 本办法自发布之日起施行。";
    let policy = content(
        meta(
            "乌恰县县级财政专项资金管理办法",
            RecordKind::Normative,
            "乌财发〔2026〕3号",
            "2026-03-02",
            "财政、金融、审计\\财政",
            "乌恰县财政局",
            today,
        )?,
        policy_text,
        &["gfxwj", "czyjs"],
    );
    let policy = submit_draft(store, staff, finance.id, &policy).await?;
    approve(store, staff, policy, beijing_at(2026, 3, 5, 10, 0)).await?;
    let interp_text = "一、出台背景\n\n为贯彻落实预算法和政府信息公开条例，规范县级财政专项资金管理，县财政局起草了本办法。\n\n二、主要内容\n\n办法明确了专项资金的适用范围、分配原则和公开要求。\n\n三、公开要求\n\n资金分配结果须在门户网站公开，群众可通过政务公开栏目查询。";
    let interp = Content {
        interprets_id: Some(policy),
        interpretation_form: Some(InterpretationForm::Text),
        ..content(
            meta(
                "《乌恰县县级财政专项资金管理办法》政策解读",
                RecordKind::Interpretation,
                "",
                "2026-03-05",
                "财政、金融、审计\\财政",
                "乌恰县财政局",
                today,
            )?,
            interp_text,
            &["zcjd"],
        )
    };
    let interp = submit_draft(store, staff, finance.id, &interp).await?;
    approve(store, staff, interp, beijing_at(2026, 3, 6, 9, 30)).await?;

    let pending_text = "为做好2026年度城乡居民医疗保险缴费工作，现将有关事项通知如下。\n\n一、缴费时间：2026年9月1日至12月31日。\n\n二、咨询电话：联系人李某，13912345678。";
    let pending = content(
        meta(
            "关于做好2026年度城乡居民医疗保险缴费工作的通知",
            RecordKind::Notice,
            "",
            "2026-08-20",
            "劳动、人事、监察\\社会保障",
            "",
            today,
        )?,
        pending_text,
        &["tzgg"],
    );
    submit_draft(store, staff, finance.id, &pending).await?;
    Ok(())
}

/// The county's 政府信息公开指南.
async fn save_guide(store: &Store, county_id: i64) -> Result<(), CliError> {
    let guide_text = "一、主动公开\n\n（一）公开范围：本机关依照《中华人民共和国政府信息公开条例》第十九条、第二十条、第二十一条规定主动公开政府信息。\n\n（二）公开方式：主要通过乌恰县人民政府门户网站“政务公开”栏目公开，并辅以政府公报、新闻发布会、公共查阅点等方式。\n\n（三）公开时限：属于主动公开范围的政府信息，自形成或者变更之日起20个工作日内予以公开。\n\n二、依申请公开\n\n公民、法人或者其他组织可以通过门户网站在线申请、信函、当面提交等方式向本机关申请获取政府信息。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。\n\n三、监督和救济\n\n公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。";
    gongkai_store::guides::save(
        store,
        &Actor::system(),
        &gongkai_store::guides::Guide {
            org_id: county_id,
            body_html: gongkai_content::text_to_html(guide_text),
            office_name: "乌恰县人民政府办公室（政务公开办公室）".into(),
            address: "新疆克孜勒苏柯尔克孜自治州乌恰县（演示地址）".into(),
            hours: "工作日 北京时间 10:00—14:00，16:00—19:30".into(),
            phone: "0908-0000000（演示号码）".into(),
            fax: "0908-0000001（演示号码）".into(),
            email: "gongkai@example.invalid".into(),
            postcode: "845450".into(),
            updated_at: String::new(),
        },
    )
    .await?;
    Ok(())
}

/// Real texts from the corpus at `path`, spread over departments, themes, kinds and years;
/// returns how many were published.
async fn import_corpus(
    store: &Store,
    path: &std::path::Path,
    today: NaiveDate,
) -> Result<usize, CliError> {
    let system = Actor::system();
    let mut published = 0;
    let rows = crate::import::read_rows(path)?;
    let themes: Vec<String> = gongkai_domain::catalogue::default_themes()
        .into_iter()
        .filter(|t| t.parent.is_some())
        .map(|t| t.code)
        .collect();
    let kinds = [
        (RecordKind::Policy, "gfxwj"),
        (RecordKind::Normative, "gfxwj"),
        (RecordKind::Notice, "tzgg"),
        (RecordKind::News, "gzdt"),
        (RecordKind::Plan, "ghjh"),
        (RecordKind::Statistics, "tjxx"),
        (RecordKind::Budget, "czyjs"),
        (RecordKind::Audit, "qtfd"),
        (RecordKind::Law, "flfg"),
    ];
    let mut by_org: std::collections::BTreeMap<&str, Vec<Imported>> =
        std::collections::BTreeMap::new();
    let start = NaiveDate::from_ymd_opt(2019, 1, 2).unwrap_or(today);
    let span = (today - start).num_days().max(1) as u64;
    for row in rows.into_iter().flatten().step_by(11).take(320) {
        let (Some(id), Some(title), Some(body)) =
            (row.get("id"), row.get("title"), row.get("body"))
        else {
            continue;
        };
        let h = spread(id);
        let (kind, column) = kinds[(h % kinds.len() as u64) as usize];
        let department = DEPARTMENTS[((h >> 8) % DEPARTMENTS.len() as u64) as usize].0;
        let theme = &themes[((h >> 16) % themes.len() as u64) as usize];
        let day = start + Duration::days(((h >> 24) % span) as i64);
        let doc = row
            .get("doc_number")
            .map(String::as_str)
            .unwrap_or_default();
        let Ok(m) = RecordMeta::parse(
            &RecordInput {
                title: title.as_str(),
                kind: kind.code(),
                doc_number: doc,
                written_on: &day.to_string(),
                theme,
                keywords: row.get("category").map(String::as_str).unwrap_or_default(),
                summary: row
                    .get("issuer_line")
                    .map(String::as_str)
                    .unwrap_or_default(),
                ..RecordInput::default()
            },
            today,
        ) else {
            continue;
        };
        let published_at = beijing_at(
            day.year(),
            day.month(),
            day.day(),
            9 + (h % 8) as u32,
            (h % 60) as u32,
        );
        by_org.entry(department).or_default().push(Imported {
            source_key: format!("demo-laws:{id}"),
            meta: m,
            body_html: gongkai_content::text_to_html(body),
            body_text: body.clone(),
            published_at,
            columns: vec![column.to_owned()],
            index_no: None,
        });
    }
    for (code, batch) in by_org {
        let department = org(store, code).await?;
        // The corpus is national laws as published; some name secrecy levels in their text,
        // which screening flags: the demo imports them with the reason an operator would give.
        published +=
            records::import_batch(store, &system, department.id, &batch, Some(CORPUS_REASON))
                .await?
                .iter()
                .filter(|o| **o == records::ImportOutcome::Created)
                .count();
    }
    Ok(published)
}

/// One superseded policy pointing at its successor, to show 有效性 on the page.
async fn supersede_one_policy(store: &Store, today: NaiveDate) -> Result<(), CliError> {
    let system = Actor::system();
    let old = records::list_public(
        store,
        &records::PublicFilter {
            kind: Some(RecordKind::Policy.code().into()),
            ..records::PublicFilter::default()
        },
        Utc::now(),
        1,
        2,
    )
    .await?
    .0;
    if let [newer, older] = old.as_slice() {
        records::set_validity(
            store,
            &system,
            older.id,
            Validity::Repealed,
            today,
            Some(newer.id),
        )
        .await?;
    }
    Ok(())
}
