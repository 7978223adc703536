//! The demo site: the county government, its departments and townships, the site footer, and
//! one account per role.

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

/// The county government office: the openness office, and the publisher of reprinted laws.
pub const COUNTY_OFFICE: &str = "WQX002";

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

/// One organisation of the demo, ready to create.
fn new_org(
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

/// The accounts the demo created: what to print, and the two that write and review records.
pub struct DemoStaff {
    /// Every demo account, in the order of `ACCOUNTS`.
    pub accounts: Vec<DemoAccount>,
    /// The editor's user id.
    pub editor_id: i64,
    /// The reviewer's user id.
    pub reviewer_id: i64,
}

/// Creates the organisations, the site settings and the accounts.
pub async fn load(store: &Store, password: &NewPassword) -> Result<DemoStaff, CliError> {
    let actor = Actor::system();
    let (county, name, short) = COUNTY;
    let all = std::iter::once((county, name, short, OrgKind::Government, None))
        .chain(
            DEPARTMENTS
                .iter()
                .map(|&(c, n, s)| (c, n, s, OrgKind::Department, Some(county))),
        )
        .chain(
            TOWNSHIPS
                .iter()
                .map(|&(c, n)| (c, n, n, OrgKind::Township, Some(county))),
        );
    for (code, name, short, kind, parent) in all {
        orgs::create(store, &actor, new_org(code, name, short, kind, parent)?).await?;
    }
    for (key, value) in [
        ("site_name", "乌恰县人民政府"),
        ("host_org", "乌恰县人民政府办公室"),
        ("site_code", "（演示站点，未登记）"),
        ("icp", "（演示站点，未备案）"),
        ("address", "新疆克孜勒苏柯尔克孜自治州乌恰县"),
        // Hears 行政复议 against the county government's own acts (行政复议法 第二十四条).
        ("upper_government", "克孜勒苏柯尔克孜自治州人民政府"),
    ] {
        settings::set(store, &actor, key, value).await?;
    }
    // Letters to the 县长信箱 go to the county government office, as its form says.
    gongkai_store::mailbox::set_handler(store, &actor, Some(COUNTY.0), COUNTY_OFFICE).await?;
    let mut accounts = Vec::new();
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
        accounts.push(DemoAccount {
            username: (*username).to_owned(),
            role: role.label(),
            org: org_name,
        });
    }
    Ok(DemoStaff {
        accounts,
        editor_id: ids.get("demo-editor").copied().unwrap_or_default(),
        reviewer_id: ids.get("demo-reviewer").copied().unwrap_or_default(),
    })
}
