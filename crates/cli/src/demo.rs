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
    ("demo-supervisor", "演示公开办", "WQX002", Role::Supervisor),
    (
        "demo-office-head",
        "演示公开办负责人",
        "WQX002",
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
                let (title, body) = gongkai_web::letters::reply(&app, Outcome::Disclosed, on, "");
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
