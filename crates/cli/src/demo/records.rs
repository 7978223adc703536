//! Published records: the seed document, a policy and its interpretation taken through review, a
//! draft waiting for review and the county's guide; then the county's own documents (`county`)
//! and the laws it republishes (`reprints`).

use chrono::{NaiveDate, Utc};
use gongkai_domain::record::{Disclosure, InterpretationForm, RecordInput, RecordKind, RecordMeta};
use gongkai_domain::time::beijing_date;
use gongkai_store::records::{self, Approval, Content, Imported};
use gongkai_store::{Actor, Store};

use super::sites::{COUNTY, DemoStaff};
use super::{beijing_at, org, user};
use crate::CliError;

/// The seed document's body: the county's 2017 implementation plan, the document this project
/// comes from, published in the demo with its real metadata.
const SEED_BODY: &str = include_str!("../../demo/seed-wqx001-2018-000060.txt");

/// What the content part of the demo loaded.
#[derive(Debug, Default)]
pub struct DemoContent {
    /// Published records.
    pub published: usize,
    /// Whether the corpus was found.
    pub corpus: bool,
}

/// Publishes the seed document, a policy with its interpretation through the real workflow,
/// a draft waiting for review, the guide, the county's own documents (two with generated
/// attachments) and the laws it republishes (转载).
pub async fn load(
    store: &Store,
    staff: &DemoStaff,
    data_dir: &std::path::Path,
) -> Result<DemoContent, CliError> {
    let today = beijing_date(Utc::now());
    let county = org(store, COUNTY.0).await?;
    publish_seed(store, county.id, today).await?;
    through_review(store, staff, today).await?;
    save_guide(store, county.id).await?;
    let own = super::county::load(store, staff, data_dir, today).await?;
    super::county::supersede(store, today).await?;
    let (reprints, corpus) = super::reprints::load(store, today).await?;
    Ok(DemoContent {
        published: 3 + own + reprints,
        corpus,
    })
}

/// Parsed metadata for a demo record; the demo's own data is expected to be valid.
pub(super) fn meta(
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
pub(super) fn content(meta: RecordMeta, text: &str, columns: &[&str]) -> Content {
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
pub(super) async fn approve(
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
        secret_ground: None,
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

/// The text of the county's 政府信息公开指南.
pub(super) const GUIDE_TEXT: &str = "一、主动公开\n\n（一）公开范围：本机关依照《中华人民共和国政府信息公开条例》第十九条、第二十条、第二十一条规定主动公开政府信息。\n\n（二）公开方式：主要通过乌恰县人民政府门户网站“政务公开”栏目公开，并辅以政府公报、新闻发布会、公共查阅点等方式。\n\n（三）公开时限：属于主动公开范围的政府信息，自形成或者变更之日起20个工作日内予以公开。\n\n二、依申请公开\n\n公民、法人或者其他组织可以通过门户网站在线申请、信函、当面提交等方式向本机关申请获取政府信息。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。\n\n三、监督和救济\n\n公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。";

/// The county's 政府信息公开指南.
async fn save_guide(store: &Store, county_id: i64) -> Result<(), CliError> {
    gongkai_store::guides::save(
        store,
        &Actor::system(),
        &gongkai_store::guides::Guide {
            org_id: county_id,
            body_html: gongkai_content::text_to_html(GUIDE_TEXT),
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
