//! Demo data for `gongkai serve --demo`: 乌恰县人民政府 with the departments named in the county
//! plan and its townships, one account per role, and the site footer. Later content (records,
//! applications, messages) is added to this same loader.

use gongkai_domain::DomainError;
use gongkai_domain::org::{OrgCode, OrgKind, OrgName};
use gongkai_domain::role::Role;
use gongkai_domain::user::{DisplayName, NewPassword, Username};
use gongkai_store::orgs::NewOrganisation;
use gongkai_store::users::NewStaff;
use gongkai_store::{Actor, Store, orgs, settings, users};

use crate::CliError;

/// The county government: the root of the demo site.
pub const COUNTY: (&str, &str, &str) = ("WQX001", "乌恰县人民政府", "县政府");

/// Departments named in the county plan: (organ code, full name, short name).
pub const DEPARTMENTS: &[(&str, &str, &str)] = &[
    ("WQX002", "乌恰县人民政府办公室", "县政府办公室"),
    ("WQX003", "乌恰县发展和改革委员会", "县发改委"),
    ("WQX004", "乌恰县财政局", "县财政局"),
    ("WQX005", "乌恰县审计局", "县审计局"),
    ("WQX006", "乌恰县机构编制委员会办公室", "县编办"),
    ("WQX007", "乌恰县人民政府法制办公室", "县政府法制办"),
    ("WQX008", "乌恰县行政服务中心", "县行政服务中心"),
    ("WQX009", "乌恰县扶贫开发领导小组办公室", "县扶贫办"),
    ("WQX010", "乌恰县人力资源和社会保障局", "县人社局"),
    ("WQX011", "乌恰县市场监督管理局", "县市场监督管理局"),
    ("WQX012", "乌恰县经济和信息化委员会", "县经信委"),
    ("WQX013", "乌恰县国土资源局", "县国土资源局"),
    ("WQX014", "乌恰县环境保护局", "县环保局"),
    ("WQX015", "乌恰县住房和城乡建设局", "县住建局"),
    ("WQX016", "乌恰县交通运输局", "县交通运输局"),
    ("WQX017", "乌恰县卫生和计划生育委员会", "县卫计委"),
    ("WQX018", "乌恰县安全生产监督管理局", "县安监局"),
    ("WQX019", "乌恰县旅游局", "县旅游局"),
    ("WQX020", "乌恰县公安局", "县公安局"),
];

/// Townships of the county: (organ code, name).
pub const TOWNSHIPS: &[(&str, &str)] = &[
    ("WQX101", "乌恰镇"),
    ("WQX102", "康苏镇"),
    ("WQX103", "黑孜苇乡"),
    ("WQX104", "吉根乡"),
    ("WQX105", "托云乡"),
    ("WQX106", "波斯坦铁列克乡"),
    ("WQX107", "乌鲁克恰提乡"),
    ("WQX108", "巴音库鲁提乡"),
    ("WQX109", "膘尔托阔依乡"),
    ("WQX110", "吾合沙鲁乡"),
    ("WQX111", "铁列克乡"),
];

/// One demo account per role: (user name, 姓名, organ code, role).
pub const ACCOUNTS: &[(&str, &str, &str, Role)] = &[
    ("demo-editor", "演示编辑", "WQX004", Role::Editor),
    ("demo-reviewer", "演示审核", "WQX004", Role::Reviewer),
    ("demo-handler", "演示办理", "WQX002", Role::Handler),
    // The openness office acts for the whole county, so its roles are granted at the government.
    ("demo-supervisor", "演示公开办", "WQX001", Role::Supervisor),
    (
        "demo-office-head",
        "演示公开办负责人",
        "WQX001",
        Role::OfficeHead,
    ),
    ("demo-admin", "演示管理员", "WQX001", Role::Admin),
];

/// A demo account as printed to the console.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Login name.
    pub username: String,
    /// Role label.
    pub role: &'static str,
    /// Organisation.
    pub org: &'static str,
}

fn org(
    code: &str,
    name: &str,
    short: &str,
    kind: OrgKind,
    parent: Option<&str>,
) -> Result<NewOrganisation, DomainError> {
    Ok(NewOrganisation {
        code: OrgCode::parse(code)?,
        name: OrgName::parse(name)?,
        short_name: Some(OrgName::parse(short)?),
        kind: Some(kind),
        parent: parent.map(OrgCode::parse).transpose()?,
    })
}

/// Loads the demo into an empty database; `password` is used for every demo account.
pub async fn load(
    store: &Store,
    password: &NewPassword,
) -> Result<(Vec<DemoAccount>, DemoContent), CliError> {
    let actor = Actor::system();
    let (code, name, short) = COUNTY;
    orgs::create(
        store,
        &actor,
        org(code, name, short, OrgKind::Government, None)?,
    )
    .await?;
    for (c, n, s) in DEPARTMENTS {
        orgs::create(
            store,
            &actor,
            org(c, n, s, OrgKind::Department, Some(code))?,
        )
        .await?;
    }
    for (c, n) in TOWNSHIPS {
        orgs::create(store, &actor, org(c, n, n, OrgKind::Township, Some(code))?).await?;
    }
    for (key, value) in [
        ("site_name", "乌恰县人民政府"),
        ("host_org", "乌恰县人民政府办公室"),
        ("site_code", "（演示站点，未登记）"),
        ("icp", "（演示站点，未备案）"),
        ("address", "新疆克孜勒苏柯尔克孜自治州乌恰县"),
    ] {
        settings::set(store, &actor, key, value).await?;
    }
    let mut out = Vec::new();
    let mut ids = std::collections::HashMap::new();
    for (username, display, org_code, role) in ACCOUNTS {
        let staff = users::create(
            store,
            &actor,
            NewStaff {
                username: Username::parse(username)?,
                display_name: DisplayName::parse(display)?,
                org: OrgCode::parse(org_code)?,
                roles: vec![*role],
                password: password.clone(),
            },
        )
        .await?;
        ids.insert(*username, staff.id);
        let org_name = DEPARTMENTS
            .iter()
            .find(|d| d.0 == *org_code)
            .map_or(COUNTY.2, |d| d.2);
        out.push(DemoAccount {
            username: (*username).to_owned(),
            role: role.label(),
            org: org_name,
        });
    }
    let editor = ids.get("demo-editor").copied().unwrap_or_default();
    let reviewer = ids.get("demo-reviewer").copied().unwrap_or_default();
    let content = load_content(store, (editor, reviewer)).await?;
    load_applications(store).await?;
    load_messages(store).await?;
    load_consultations(store).await?;
    load_opinion_events(store).await?;
    Ok((out, content))
}

/// The seed document's body: the county's 2017 implementation plan, the document this project
/// comes from, published in the demo with its real metadata.
const SEED_BODY: &str = include_str!("../demo/seed-wqx001-2018-000060.txt");

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
pub async fn load_content(
    store: &Store,
    password_holder_ids: (i64, i64),
) -> Result<DemoContent, CliError> {
    use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
    use gongkai_domain::record::{
        Disclosure, InterpretationForm, RecordInput, RecordKind, RecordMeta, Validity,
    };
    use gongkai_domain::time::{beijing, beijing_date};
    use gongkai_store::records::{self, Approval, Content, Imported};

    let (editor_id, reviewer_id) = password_holder_ids;
    let system = Actor::system();
    let today = beijing_date(Utc::now());
    let county = orgs::by_code(store, &OrgCode::parse(COUNTY.0)?).await?;
    let finance = orgs::by_code(store, &OrgCode::parse("WQX004")?).await?;
    let at = |y: i32, m: u32, d: u32, h: u32, min: u32| {
        beijing()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now)
    };
    let meta =
        |title: &str, kind: RecordKind, doc: &str, written: &str, theme: &str, source: &str| {
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
        };

    // The seed document, exactly as the county published it.
    let seed = Imported {
        source_key: "demo:seed".into(),
        meta: meta(
            "乌恰县2017年政府政务公开实施方案",
            RecordKind::Policy,
            "",
            "2018-05-22",
            "综合政务\\政务公开",
            "乌恰县人民政府",
        )?,
        body_html: gongkai_content::text_to_html(SEED_BODY),
        body_text: SEED_BODY.to_owned(),
        published_at: at(2018, 5, 22, 18, 41),
        columns: vec!["zd".into()],
        index_no: Some(gongkai_domain::index_no::IndexNo::parse(
            "WQX001-2018-000060",
        )?),
    };
    records::import_batch(store, &system, county.id, &[seed]).await?;
    let mut published = 1;

    // A policy and its interpretation, through draft → review → publication.
    let editor = Actor::user("demo-editor", "");
    let reviewer = Actor::user("demo-reviewer", "");
    let policy_text = "为进一步规范财政资金管理，提高资金使用效益，结合我县实际，制定本办法。\n\n第一条 本办法适用于县级财政专项资金的分配、使用和监督。\n\n第二条 专项资金实行预算管理，按照公开、公平、公正的原则分配。\n\n第三条 资金分配结果应当在县人民政府门户网站政务公开栏目公开，接受社会监督。\n\n第四条 本办法自发布之日起施行。";
    let policy = records::create_draft(
        store,
        &editor,
        editor_id,
        finance.id,
        &Content {
            meta: meta(
                "乌恰县县级财政专项资金管理办法",
                RecordKind::Normative,
                "乌财发〔2026〕3号",
                "2026-03-02",
                "财政、金融、审计\\财政",
                "乌恰县财政局",
            )?,
            body_html: gongkai_content::text_to_html(policy_text),
            body_text: policy_text.into(),
            columns: vec!["gfxwj".into(), "czyjs".into()],
            interprets_id: None,
            interpretation_form: None,
        },
    )
    .await?;
    records::submit(store, &editor, editor_id, policy.id, 0).await?;
    let approval = Approval {
        disclosure: Disclosure::Proactive,
        exemption: None,
        publish_at: at(2026, 3, 5, 10, 0),
        screening_note: String::new(),
        findings: 0,
    };
    records::approve(store, &reviewer, reviewer_id, policy.id, &approval).await?;
    let interp_text = "一、出台背景\n\n为贯彻落实预算法和政府信息公开条例，规范县级财政专项资金管理，县财政局起草了本办法。\n\n二、主要内容\n\n办法明确了专项资金的适用范围、分配原则和公开要求。\n\n三、公开要求\n\n资金分配结果须在门户网站公开，群众可通过政务公开栏目查询。";
    let interp = records::create_draft(
        store,
        &editor,
        editor_id,
        finance.id,
        &Content {
            meta: meta(
                "《乌恰县县级财政专项资金管理办法》政策解读",
                RecordKind::Interpretation,
                "",
                "2026-03-05",
                "财政、金融、审计\\财政",
                "乌恰县财政局",
            )?,
            body_html: gongkai_content::text_to_html(interp_text),
            body_text: interp_text.into(),
            columns: vec!["zcjd".into()],
            interprets_id: Some(policy.id),
            interpretation_form: Some(InterpretationForm::Text),
        },
    )
    .await?;
    records::submit(store, &editor, editor_id, interp.id, 0).await?;
    records::approve(
        store,
        &reviewer,
        reviewer_id,
        interp.id,
        &Approval {
            publish_at: at(2026, 3, 6, 9, 30),
            ..approval.clone()
        },
    )
    .await?;
    published += 2;

    // A draft waiting for review, with a planted phone number for the screening demo.
    let pending_text = "为做好2026年度城乡居民医疗保险缴费工作，现将有关事项通知如下。\n\n一、缴费时间：2026年9月1日至12月31日。\n\n二、咨询电话：联系人李某，13912345678。";
    let pending = records::create_draft(
        store,
        &editor,
        editor_id,
        finance.id,
        &Content {
            meta: meta(
                "关于做好2026年度城乡居民医疗保险缴费工作的通知",
                RecordKind::Notice,
                "",
                "2026-08-20",
                "劳动、人事、监察\\社会保障",
                "",
            )?,
            body_html: gongkai_content::text_to_html(pending_text),
            body_text: pending_text.into(),
            columns: vec!["tzgg".into()],
            interprets_id: None,
            interpretation_form: None,
        },
    )
    .await?;
    records::submit(store, &editor, editor_id, pending.id, 1).await?;

    // The county's 政府信息公开指南.
    let guide_text = "一、主动公开\n\n（一）公开范围：本机关依照《中华人民共和国政府信息公开条例》第十九条、第二十条、第二十一条规定主动公开政府信息。\n\n（二）公开方式：主要通过乌恰县人民政府门户网站“政务公开”栏目公开，并辅以政府公报、新闻发布会、公共查阅点等方式。\n\n（三）公开时限：属于主动公开范围的政府信息，自形成或者变更之日起20个工作日内予以公开。\n\n二、依申请公开\n\n公民、法人或者其他组织可以通过门户网站在线申请、信函、当面提交等方式向本机关申请获取政府信息。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复。\n\n三、监督和救济\n\n公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。";
    gongkai_store::guides::save(
        store,
        &system,
        &gongkai_store::guides::Guide {
            org_id: county.id,
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

    // Real texts from the corpus, spread over departments, themes, kinds and years.
    let Some(path) = corpus_path() else {
        return Ok(DemoContent {
            published,
            corpus: false,
        });
    };
    let rows = crate::import::read_rows(&path)?;
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
        let org = DEPARTMENTS[((h >> 8) % DEPARTMENTS.len() as u64) as usize].0;
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
        let published_at = at(
            day.year(),
            day.month(),
            day.day(),
            9 + (h % 8) as u32,
            (h % 60) as u32,
        );
        by_org.entry(org).or_default().push(Imported {
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
        let org = orgs::by_code(store, &OrgCode::parse(code)?).await?;
        published += records::import_batch(store, &system, org.id, &batch)
            .await?
            .len();
    }
    // One superseded policy pointing at its successor, to show 有效性 on the page.
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
    Ok(DemoContent {
        published,
        corpus: true,
    })
}

/// A few applications for disclosure in different states, so the workbench and the status page
/// show something: new, registered, waiting for correction, answered, and one overdue.
pub async fn load_applications(store: &Store) -> Result<usize, CliError> {
    use chrono::{Duration, Utc};
    use gongkai_domain::application::{ApplicantKind, ClockEvent, DeliveryForm, Outcome};
    use gongkai_domain::time::beijing_date;
    use gongkai_store::applications::{self, NewApplication};

    let office = orgs::by_code(store, &OrgCode::parse("WQX002")?).await?;
    let finance = orgs::by_code(store, &OrgCode::parse("WQX004")?).await?;
    let handler = Actor::user("demo-handler", "");
    let cases: [(&str, i64, &str, i64); 5] = [
        (
            "申请公开2025年乌恰县政府常务会议研究决定的重大事项清单",
            office.id,
            "new",
            0,
        ),
        (
            "申请公开乌恰县2026年城乡居民最低生活保障标准调整文件",
            office.id,
            "registered",
            3,
        ),
        (
            "申请公开某乡镇2025年涉农补贴发放名单（不含个人身份信息）",
            office.id,
            "correction",
            5,
        ),
        (
            "申请公开乌恰县财政局2025年部门决算",
            finance.id,
            "replied",
            12,
        ),
        (
            "申请公开乌恰县2025年政府集中采购项目目录",
            office.id,
            "overdue",
            40,
        ),
    ];
    for (i, (description, org_id, state, days_ago)) in cases.into_iter().enumerate() {
        let new = NewApplication {
            submission_key: format!("demo-application-{i}"),
            org_id,
            applicant_kind: if i % 2 == 0 {
                ApplicantKind::Natural
            } else {
                ApplicantKind::Commercial
            },
            name: if i % 2 == 0 {
                "演示申请人".into()
            } else {
                "乌恰县演示商贸有限公司".into()
            },
            id_number: if i % 2 == 0 {
                "11010519491231002X".into()
            } else {
                String::new()
            },
            credit_code: if i % 2 == 0 {
                String::new()
            } else {
                "91350100M000100Y43".into()
            },
            contact_person: if i % 2 == 0 {
                String::new()
            } else {
                "王某".into()
            },
            phone: "13900000000".into(),
            email: String::new(),
            address: String::new(),
            postcode: String::new(),
            description: description.into(),
            doc_hint: String::new(),
            delivery: DeliveryForm::Download,
            secret: "demo-chaxun".into(),
            files: Vec::new(),
        };
        let received = Utc::now() - Duration::days(days_ago);
        let receipt = applications::submit(store, &new, received, "").await?;
        let app = applications::by_tracking_code(store, &receipt.tracking_code).await?;
        let received_on = beijing_date(received);
        if state == "new" {
            continue;
        }
        applications::record_event(
            store,
            &handler,
            app.id,
            &ClockEvent::Registered { on: received_on },
            None,
        )
        .await?;
        match state {
            "correction" => {
                let on = received_on + Duration::days(1);
                let deadline = on + Duration::days(14);
                let what = "请写明所需补贴的项目名称和发放年度";
                let (title, body) = gongkai_web::letters::correction(&app, on, deadline, what);
                let letter = ("correction".to_owned(), title, body);
                applications::record_event(
                    store,
                    &handler,
                    app.id,
                    &ClockEvent::CorrectionRequested {
                        on,
                        deadline,
                        what: what.into(),
                    },
                    Some(letter),
                )
                .await?;
            }
            "replied" => {
                let on = received_on + Duration::days(7);
                let (title, body) = gongkai_web::letters::reply(&app, Outcome::Disclosed, on);
                let letter = ("reply".to_owned(), title, body);
                applications::record_event(
                    store,
                    &handler,
                    app.id,
                    &ClockEvent::Replied {
                        on,
                        outcome: Outcome::Disclosed,
                    },
                    Some(letter),
                )
                .await?;
            }
            _ => {}
        }
    }
    Ok(cases.len())
}

/// Demo messages (政民互动): a realistic spread over the last four months across departments,
/// kinds and states — waiting, assigned, returned, supervised, answered and published, rated
/// (one bad rating rectified, one still open), refused — so the lists, the watch list and the
/// statistics show something. Every demo message's query password is `demo-chaxun`.
pub async fn load_messages(store: &Store) -> Result<usize, CliError> {
    use chrono::{Duration, Utc};
    use gongkai_domain::message::{MessageEvent, NewMessageInput, Rating};
    use gongkai_domain::time::beijing_date;
    use gongkai_store::messages::{self, NewMessage};

    let county = orgs::by_code(store, &OrgCode::parse(COUNTY.0)?).await?;
    let handler = Actor::user("demo-handler", "");
    let office = Actor::user("demo-supervisor", "");
    // (to, kind, title, content, days ago, state, department)
    let cases: &[(&str, &str, &str, &str, i64, &str, &str)] = &[
        (
            "head",
            "suggest",
            "建议在县人民医院门口增设公交站点",
            "县人民医院门口没有公交站点，老人看病要走很远。我是城北社区居民李建国，电话13912345678，建议在医院门口增设站点。",
            110,
            "closed_good",
            "WQX016",
        ),
        (
            "head",
            "consult",
            "城乡居民医保缴费时间咨询",
            "请问2026年度城乡居民基本医疗保险的缴费时间和缴费标准是多少？在哪里可以缴纳？",
            100,
            "closed_good",
            "WQX010",
        ),
        (
            "WQX004",
            "consult",
            "惠民惠农补贴发放时间咨询",
            "今年的耕地地力保护补贴什么时候发放到一卡通？我家的补贴还没有收到。",
            96,
            "closed_bad_fixed",
            "WQX004",
        ),
        (
            "head",
            "complaint",
            "小区周边夜间施工噪音扰民",
            "某工地连续多日夜间施工到凌晨，严重影响居民休息，请有关部门查处。联系人王秀英，手机13800001111。",
            90,
            "closed_good",
            "WQX014",
        ),
        (
            "WQX011",
            "complaint",
            "超市销售过期食品",
            "在县城某超市购买的牛奶已过保质期，向商家反映未处理，请市场监管部门处理。",
            84,
            "closed_good",
            "WQX011",
        ),
        (
            "head",
            "help",
            "农村危房改造申请咨询",
            "我家房屋年久失修，属于低保户，请问如何申请农村危房改造补助？",
            80,
            "replied_bad_open",
            "WQX015",
        ),
        (
            "head",
            "suggest",
            "建议延长政务服务大厅周末办理时间",
            "上班族工作日无法办理业务，建议政务服务大厅周六上午开放。",
            75,
            "closed_good",
            "WQX008",
        ),
        (
            "WQX010",
            "consult",
            "灵活就业人员社保补贴申领条件",
            "请问就业困难人员灵活就业社会保险补贴的申领条件和所需材料有哪些？",
            70,
            "closed_good",
            "WQX010",
        ),
        (
            "head",
            "consult",
            "幼儿园入园报名时间",
            "请问今年县城公办幼儿园秋季入园报名时间和需要准备的材料？",
            66,
            "closed_good",
            "WQX002",
        ),
        (
            "head",
            "other",
            "感谢道路维修及时",
            "城南路段坑洼路面已经修好，感谢相关部门，为你们点赞。",
            60,
            "closed_good",
            "WQX016",
        ),
        (
            "head",
            "disclosure_complaint",
            "依申请公开答复超期的投诉",
            "本人于今年向某部门申请公开项目资金使用情况，至今超过二十个工作日未收到答复，特此投诉。",
            58,
            "closed_good",
            "",
        ),
        (
            "WQX017",
            "consult",
            "家庭医生签约服务咨询",
            "老年人如何签约家庭医生？签约后有哪些免费服务？",
            55,
            "closed_good",
            "WQX017",
        ),
        (
            "head",
            "suggest",
            "建议增设老年人助餐点",
            "社区老年人较多，建议在社区增设老年助餐点，方便独居老人就餐。",
            50,
            "closed_good",
            "WQX002",
        ),
        (
            "WQX015",
            "complaint",
            "物业服务收费不合理",
            "小区物业未经业主大会同意上调物业费，请主管部门核查。",
            47,
            "closed_good",
            "WQX015",
        ),
        (
            "head",
            "consult",
            "营业执照变更办理流程",
            "个体工商户经营场所变更，需要到哪里办理营业执照变更？能否网上办理？",
            44,
            "closed_good",
            "WQX011",
        ),
        (
            "head",
            "help",
            "冬季供暖不热求助",
            "我家所在小区暖气一直不热，室温只有十几度，家里有老人孩子，请帮助协调。",
            40,
            "replied",
            "WQX015",
        ),
        (
            "WQX020",
            "consult",
            "户口迁移办理材料",
            "大学毕业后户口迁回原籍需要准备哪些材料？",
            38,
            "closed_good",
            "WQX020",
        ),
        (
            "head",
            "suggest",
            "建议在旅游景区增设无障碍设施",
            "部分景区步道没有无障碍通道，轮椅通行困难，建议改造。",
            35,
            "replied",
            "WQX019",
        ),
        (
            "head",
            "complaint",
            "出租车不打表议价",
            "在县城打车，司机不按计价器收费，要求一口价，请交通部门规范。",
            30,
            "replied",
            "WQX016",
        ),
        (
            "WQX004",
            "consult",
            "政府采购供应商注册咨询",
            "本公司想参与县政府采购项目，请问如何注册成为供应商？",
            26,
            "replied",
            "WQX004",
        ),
        (
            "head",
            "consult",
            "高龄津贴申领条件",
            "请问八十岁以上老人高龄津贴的申领条件和发放标准？",
            21,
            "assigned_supervised",
            "WQX010",
        ),
        (
            "head",
            "complaint",
            "农贸市场占道经营",
            "农贸市场周边商贩占道经营，早晚高峰交通拥堵，请城管部门治理。",
            18,
            "returned",
            "WQX011",
        ),
        (
            "head",
            "help",
            "残疾人两项补贴未到账",
            "我是二级肢体残疾，残疾人生活补贴已经两个月没有到账，请帮忙查询。",
            15,
            "assigned",
            "WQX002",
        ),
        (
            "WQX013",
            "consult",
            "宅基地确权登记咨询",
            "农村宅基地使用权确权登记需要提供哪些材料？办理时限多长？",
            12,
            "reply_review",
            "WQX013",
        ),
        (
            "head",
            "suggest",
            "建议增加城区公共停车位",
            "城区停车难问题突出，建议利用闲置地块建设公共停车场。",
            9,
            "assigned",
            "WQX015",
        ),
        (
            "head",
            "consult",
            "新生儿医保办理",
            "新生儿出生后如何办理城乡居民医保？需要在多长时间内办理？",
            6,
            "accepted",
            "",
        ),
        (
            "WQX018",
            "complaint",
            "加油站安全隐患",
            "某加油站旁边有人堆放易燃杂物，存在安全隐患，请安监部门检查。",
            4,
            "received",
            "",
        ),
        (
            "head",
            "other",
            "重复广告内容",
            "低价代办各类证件，加微信，广告推广。",
            3,
            "not_accepted",
            "",
        ),
        (
            "head",
            "consult",
            "公租房申请条件",
            "请问县城公共租赁住房的申请条件、申请流程和租金标准？",
            2,
            "received",
            "",
        ),
        (
            "head",
            "suggest",
            "建议公布公交实时到站信息",
            "建议在公交站台和微信公众号提供公交实时到站信息，方便群众出行。",
            1,
            "received",
            "",
        ),
    ];
    let mut n = 0;
    for (i, (to, kind, title, content, days_ago, state, dept)) in cases.iter().enumerate() {
        let to_head = *to == "head";
        let org = if to_head {
            county.clone()
        } else {
            orgs::by_code(store, &OrgCode::parse(to)?).await?
        };
        let valid = NewMessageInput {
            kind: (*kind).into(),
            title: (*title).into(),
            content: (*content).into(),
            name: ["李建国", "王秀英", "张伟", "阿依古丽", "马明"][i % 5].into(),
            phone: format!("1390000{:04}", 1000 + i),
            email: String::new(),
        }
        .validate()
        .map_err(|e| CliError::Config(format!("演示留言有误：{e:?}")))?;
        let new = NewMessage {
            submission_key: format!("{:064x}", 0xd0_0000 + i),
            org_id: org.id,
            to_head_mailbox: to_head,
            message: valid,
            allow_publish: i % 4 != 3,
            secret: "demo-chaxun".into(),
            files: Vec::new(),
        };
        let received = Utc::now() - Duration::days(*days_ago);
        let receipt = messages::submit(store, &new, received, "").await?;
        let m = messages::by_tracking_code(store, &receipt.tracking_code).await?;
        n += 1;
        let day0 = beijing_date(received);
        let day = |d: i64| day0 + Duration::days(d);
        let step = |actor: &Actor, event: MessageEvent, on| {
            let actor = actor.clone();
            async move { messages::record_event(store, &actor, m.id, &event, on).await }
        };
        if *state == "received" {
            continue;
        }
        if *state == "not_accepted" {
            step(
                &office,
                MessageEvent::NotAccept {
                    reason: "留言内容为商业广告，与政府工作无关。".into(),
                },
                day(1),
            )
            .await?;
            continue;
        }
        step(&office, MessageEvent::Accept, day(1)).await?;
        if *state == "accepted" {
            continue;
        }
        if !dept.is_empty() {
            let d = orgs::by_code(store, &OrgCode::parse(dept)?).await?;
            if d.id != m.org_id || to_head {
                step(
                    &office,
                    MessageEvent::Assign {
                        org_id: d.id,
                        org_name: d.name.clone(),
                    },
                    day(1),
                )
                .await?;
            }
        }
        match *state {
            "assigned" => continue,
            "assigned_supervised" => {
                step(
                    &office,
                    MessageEvent::Supervise {
                        note: "请于 3 个工作日内答复留言人。".into(),
                    },
                    day(14),
                )
                .await?;
                continue;
            }
            "returned" => {
                step(
                    &handler,
                    MessageEvent::Return {
                        reason: "占道经营由城市管理部门负责，建议改派县住建局（城管）。".into(),
                    },
                    day(2),
                )
                .await?;
                continue;
            }
            _ => {}
        }
        let reply = format!(
            "您好！您反映的“{title}”已收悉。经核实，我单位已安排专人办理，现将有关情况答复如下：相关政策和办理流程已在县政府门户网站公开，您也可以拨打咨询电话了解。感谢您对我县工作的关心和支持！"
        );
        step(&handler, MessageEvent::DraftReply { text: reply }, day(5)).await?;
        if *state == "reply_review" {
            continue;
        }
        step(
            &office,
            MessageEvent::ApproveReply { publish: true },
            day(6),
        )
        .await?;
        let rated_on = day(8).min(beijing_date(Utc::now()));
        match *state {
            "closed_good" => {
                messages::rate(
                    store,
                    m.id,
                    [Rating::VerySatisfied, Rating::Satisfied, Rating::Basic][i % 3],
                    "",
                    rated_on,
                    "",
                )
                .await?;
                step(&office, MessageEvent::Close, day(9)).await?;
            }
            "closed_bad_fixed" => {
                messages::rate(
                    store,
                    m.id,
                    Rating::Unsatisfied,
                    "补贴仍未到账。",
                    rated_on,
                    "",
                )
                .await?;
                step(
                    &handler,
                    MessageEvent::RectifyDone {
                        outcome: "经核查，因银行账户信息有误导致发放失败，已协助更正账户并于次日补发到位。".into(),
                    },
                    day(12),
                )
                .await?;
                step(
                    &office,
                    MessageEvent::RectifyCheck {
                        note: "已电话回访，留言人确认补贴已到账。".into(),
                    },
                    day(13),
                )
                .await?;
                step(&office, MessageEvent::Close, day(13)).await?;
            }
            "replied_bad_open" => {
                messages::rate(
                    store,
                    m.id,
                    Rating::VeryUnsatisfied,
                    "答复没有说明具体办理流程。",
                    rated_on,
                    "",
                )
                .await?;
            }
            _ => {}
        }
    }
    Ok(n)
}

/// Two consultations: one open with comments (published and waiting for moderation), one closed
/// with its feedback report published and linked to the policy it became. Times are planted
/// through the store's `now` arguments, so the states are reached by the real rules.
pub async fn load_consultations(store: &Store) -> Result<usize, CliError> {
    use chrono::{Duration, TimeZone, Utc};
    use gongkai_domain::consultation::{
        Adoption, ConsultationAction, FeedbackRow, Moderation, Period,
    };
    use gongkai_domain::time::beijing;
    use gongkai_store::consultations::{self, NewComment, NewConsultation};

    let editor = Actor::user("demo-editor", "");
    let reviewer = Actor::user("demo-reviewer", "");
    let finance = orgs::by_code(store, &OrgCode::parse("WQX004")?).await?;
    let at = |y: i32, m: u32, d: u32, h: u32| {
        beijing()
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now)
    };
    let comment = |key: &str, article: u32, body: &str| NewComment {
        submission_key: format!("demo-comment-{key}"),
        article,
        body: body.into(),
        name: String::new(),
        contact: String::new(),
    };

    // Closed, with feedback: the draft of the policy the demo publishes in March 2026.
    let (opens, closes) = (at(2026, 1, 5, 10), at(2026, 2, 5, 10));
    let closed = consultations::create(
        store,
        &editor,
        None,
        &NewConsultation {
            org_id: finance.id,
            title: "乌恰县县级财政专项资金管理办法（征求意见稿）".into(),
            draft_text: "为进一步规范财政资金管理，提高资金使用效益，结合我县实际，制定本办法。\n第一条　本办法适用于县级财政专项资金的分配、使用和监督。\n第二条　专项资金实行预算管理，按照公开、公平、公正的原则分配。\n第三条　资金分配结果应当公开，接受社会监督。\n第四条　本办法自发布之日起施行。".into(),
            background: "县级财政专项资金规模逐年增加，分配和监督的规则散见于多个文件，需要统一规范。".into(),
            basis: "《中华人民共和国预算法》《中华人民共和国政府信息公开条例》。".into(),
            main_content: "明确专项资金的适用范围、分配原则和公开要求。".into(),
            contact: "信函请寄乌恰县财政局预算股。".into(),
            period: Period::parse(opens, closes, "")?,
        },
    )
    .await?;
    consultations::transition(store, &reviewer, closed, ConsultationAction::Open, opens).await?;
    let texts = [
        ("c1", 3, "建议明确公开的具体栏目和时限。"),
        ("c2", 3, "建议明确公开的具体栏目和时限"),
        ("c3", 2, "建议对乡镇使用的专项资金也作出规定。"),
        ("c4", 0, "希望尽快出台。"),
        ("c5", 1, "此处广告内容已隐去"),
    ];
    for (i, (key, article, body)) in texts.iter().enumerate() {
        let when = opens + Duration::days(2 + i as i64);
        consultations::comment(store, closed, &comment(key, *article, body), when, "").await?;
    }
    let ids: Vec<i64> = consultations::comments(store, closed)
        .await?
        .iter()
        .map(|c| c.id)
        .collect();
    for (n, id) in ids.iter().enumerate() {
        let (decision, reason) = if n == 4 {
            (Moderation::Rejected, "含有商业广告")
        } else {
            (Moderation::Approved, "")
        };
        consultations::moderate(store, &reviewer, closed, *id, decision, reason).await?;
    }
    consultations::transition(store, &reviewer, closed, ConsultationAction::Close, closes).await?;
    let row = |ids: Vec<i64>, a: Adoption, r: &str| FeedbackRow {
        comment_ids: ids,
        adoption: Some(a),
        reason: r.into(),
    };
    let rows = [
        row(
            ids[..2].to_vec(),
            Adoption::Adopted,
            "已在第三条中明确在县人民政府门户网站政务公开栏目公开。",
        ),
        row(
            vec![ids[2]],
            Adoption::PartlyAdopted,
            "乡镇使用的专项资金纳入本办法适用范围，具体管理另行规定。",
        ),
        row(
            vec![ids[3]],
            Adoption::NotAdopted,
            "属于工作建议，不涉及条文修改，将按程序加快办理。",
        ),
    ];
    consultations::save_feedback(
        store,
        &reviewer,
        closed,
        "本次征求意见共收到意见 5 条，经审核公开 4 条。逐条采纳情况如下。",
        &rows,
        true,
        at(2026, 2, 20, 10),
    )
    .await?;
    let filter = gongkai_store::records::PublicFilter {
        org_id: Some(finance.id),
        kind: Some(gongkai_domain::record::RecordKind::Normative.code().into()),
        ..Default::default()
    };
    let (found, _) =
        gongkai_store::records::list_public(store, &filter, Utc::now(), 1, 100).await?;
    let policy = found
        .iter()
        .find(|r| r.title == "乌恰县县级财政专项资金管理办法")
        .map(|r| r.id);
    if policy.is_some() {
        consultations::link_decision(store, &reviewer, closed, policy).await?;
    }

    // Open: a draft read article by article, with comments published and one waiting.
    let now = Utc::now();
    let opens = now - Duration::days(5);
    let open = consultations::create(
        store,
        &editor,
        None,
        &NewConsultation {
            org_id: finance.id,
            title: "乌恰县惠民惠农财政补贴资金“一卡通”管理办法（征求意见稿）".into(),
            draft_text: "乌恰县惠民惠农财政补贴资金“一卡通”管理办法（征求意见稿）\n第一章　总则\n第一条　为了规范惠民惠农财政补贴资金“一卡通”发放管理，保障群众及时足额领取补贴，制定本办法。\n第二条　本办法适用于通过“一卡通”发放的各类惠民惠农财政补贴资金。\n第三条　县财政局负责“一卡通”发放的统筹管理，各主管部门负责补贴对象的审核。\n第二章　发放和公开\n第四条　补贴资金原则上在审核确认后十五日内发放到位。\n第五条　补贴政策、发放对象和标准应当在村（社区）和县人民政府门户网站公开，个人身份证号码等信息应当隐去。\n第三章　附则\n第六条　本办法自发布之日起施行。".into(),
            background: "我县惠民惠农补贴项目多、发放渠道分散，群众反映查询不便、到账时间不一，需要统一规范。".into(),
            basis: "《中华人民共和国预算法》《关于进一步加强惠民惠农财政补贴资金“一卡通”管理的指导意见》。".into(),
            main_content: "共三章六条，明确管理职责、发放时限和公开要求。".into(),
            contact: "信函请寄乌恰县财政局农业农村股，信封上请注明“一卡通办法意见”。".into(),
            period: Period::parse(opens, Period::default_closing(opens), "")?,
        },
    )
    .await?;
    consultations::transition(store, &reviewer, open, ConsultationAction::Open, opens).await?;
    for (i, (key, article, body)) in [
        (
            "o1",
            4u32,
            "建议写明超过十五日未发放的，群众可以向哪个部门反映。",
        ),
        ("o2", 5, "建议同时公开咨询电话和投诉渠道。"),
        ("o3", 0, "支持出台，建议为行动不便的老年人提供代办服务。"),
        ("o4", 2, "建议附上适用的补贴项目清单。"),
    ]
    .iter()
    .enumerate()
    {
        let when = opens + Duration::days(1) + Duration::hours(i as i64);
        consultations::comment(store, open, &comment(key, *article, body), when, "").await?;
    }
    for c in consultations::comments(store, open).await?.iter().take(3) {
        consultations::moderate(store, &reviewer, open, c.id, Moderation::Approved, "").await?;
    }
    Ok(2)
}

/// A few public-opinion events (the county government office responsible): one 重大 with its 5-hour clock met and the press conference
/// still to come, one overdue, one due soon, one closed with its evaluation.
pub async fn load_opinion_events(store: &Store) -> Result<usize, CliError> {
    use chrono::{Duration, Utc};
    use gongkai_domain::opinion::{ResponseKind, Severity};
    use gongkai_store::opinions::{self, NewEvent, NewResponse};

    let office = Actor::user("demo-supervisor", "");
    let now = Utc::now();
    // The county government office answers for these in the demo, so that the demo
    // supervisor (granted there) sees them; grants reach down the tree, not across.
    let office_org = orgs::by_code(store, &OrgCode::parse("WQX002")?).await?;
    let event =
        |org_id: i64, title: &str, source: &str, summary: &str, hours_ago: i64, severity| {
            NewEvent {
                org_id,
                title: title.into(),
                source: source.into(),
                summary: summary.into(),
                first_seen: now - Duration::hours(hours_ago),
                severity,
            }
        };
    let heating = opinions::register(
        store,
        &office,
        &event(
            office_org.id,
            "城区部分小区供暖温度不达标",
            "本地网络论坛",
            "多名网民反映城区部分小区室温低于 18 摄氏度。",
            10,
            Severity::Major,
        ),
        now,
    )
    .await?;
    opinions::respond(
        store,
        &office,
        heating,
        &NewResponse {
            kind: ResponseKind::Statement,
            at: now - Duration::hours(7),
            note: "县住建局发布供暖情况通报，说明原因和整改时限。".into(),
            record_id: None,
        },
        now,
    )
    .await?;
    opinions::register(
        store,
        &office,
        &event(
            office_org.id,
            "网传农贸市场销售过期食品",
            "短视频平台",
            "一段视频称某农贸市场销售过期食品，转发量较大。",
            7,
            Severity::Major,
        ),
        now,
    )
    .await?;
    opinions::register(
        store,
        &office,
        &event(
            office_org.id,
            "县城公交线路调整引发讨论",
            "政务微博留言",
            "群众对 3 路公交线路调整有不同意见。",
            40,
            Severity::General,
        ),
        now,
    )
    .await?;
    let closed = opinions::register(
        store,
        &office,
        &event(
            office_org.id,
            "国道临时封闭通行信息不清",
            "新闻客户端",
            "网民反映国道临时封闭的绕行信息发布不及时。",
            120,
            Severity::Large,
        ),
        now,
    )
    .await?;
    opinions::respond(
        store,
        &office,
        closed,
        &NewResponse {
            kind: ResponseKind::Other,
            at: now - Duration::hours(100),
            note: "县交通运输局通过政务新媒体发布绕行路线。".into(),
            record_id: None,
        },
        now,
    )
    .await?;
    opinions::close(
        store,
        &office,
        closed,
        "20 小时内回应，绕行信息发布后相关讨论明显减少；今后封闭前提前发布通告。",
    )
    .await?;
    Ok(4)
}
