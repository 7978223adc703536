//! Staff roles and the one authorisation rule.
//!
//! Every back-office route asks [`Grants::allows`]; no handler decides access on its own.
//! A role is granted *in an organisation* and reaches that organisation and everything below
//! it, so an administrator of 乌恰县人民政府 may act for 县财政局 but not for another county.
//!
//! One role stands above the sites: the deployment administrator (平台管理员,
//! [`Role::PlatformAdmin`]). It is granted to the platform, not in an organisation
//! ([`Grant::platform`]), carries only the platform's permissions ([`Permission::ManageSites`],
//! [`Permission::ViewPlatformHealth`]) and reaches into no organisation: a platform
//! administrator manages sites and their first administrators, never a county's content.
//! No organisation role carries a platform permission, so a county administrator never does.

use serde::Serialize;

use crate::{DomainError, ErrorCode};

/// A staff role (岗位角色).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 编辑: drafts records, attaches files, keeps lists current.
    Editor,
    /// 审核: reviews before anything goes out (先审查后公开); never the author.
    Reviewer,
    /// 办理: answers applications and messages within their clocks.
    Handler,
    /// 政务公开办: the openness office; supervises, assigns, watches deadlines.
    Supervisor,
    /// 公开办负责人: the head of the disclosure office; approves extensions (第三十三条).
    OfficeHead,
    /// 管理员: manages organisations, accounts and site settings.
    Admin,
    /// 平台管理员: the deployment's administrator, above the sites; adds sites and their first
    /// administrators and watches the platform's health. Granted to the platform only.
    PlatformAdmin,
}

impl Role {
    /// The roles granted in an organisation, in the order they are listed to people (the
    /// choices of the back office's account form).
    pub const ALL: [Role; 6] = [
        Role::Editor,
        Role::Reviewer,
        Role::Handler,
        Role::Supervisor,
        Role::OfficeHead,
        Role::Admin,
    ];

    /// The roles granted to the platform as a whole, not in an organisation.
    pub const PLATFORM: [Role; 1] = [Role::PlatformAdmin];

    /// Whether this role is granted to the platform (above the sites) rather than in an
    /// organisation.
    pub fn is_platform(self) -> bool {
        Self::PLATFORM.contains(&self)
    }

    /// Stable code as stored and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Self::Editor => "editor",
            Self::Reviewer => "reviewer",
            Self::Handler => "handler",
            Self::Supervisor => "supervisor",
            Self::OfficeHead => "office_head",
            Self::Admin => "admin",
            Self::PlatformAdmin => "platform_admin",
        }
    }

    /// Chinese label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Editor => "编辑",
            Self::Reviewer => "审核",
            Self::Handler => "办理",
            Self::Supervisor => "政务公开办",
            Self::OfficeHead => "公开办负责人",
            Self::Admin => "管理员",
            Self::PlatformAdmin => "平台管理员",
        }
    }

    /// Parses a code (`editor`) or a Chinese label (`编辑`).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .chain(Self::PLATFORM)
            .find(|r| r.code() == raw || r.label() == raw)
            .ok_or_else(|| DomainError::with("role", ErrorCode::UserRoleUnknown, &[("role", &raw)]))
    }

    /// Whether this role carries `permission`. The single table of who may do what.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission as P;
        match permission {
            P::EnterBackOffice => true,
            P::DraftRecords => matches!(self, Self::Editor | Self::Admin),
            P::ReviewRecords => matches!(self, Self::Reviewer | Self::Supervisor | Self::Admin),
            P::HandleCases => matches!(
                self,
                Self::Handler | Self::Supervisor | Self::OfficeHead | Self::Admin
            ),
            P::ApproveExtensions => matches!(self, Self::OfficeHead),
            P::Supervise => matches!(self, Self::Supervisor | Self::Admin),
            P::ViewAudit => matches!(self, Self::Supervisor | Self::Admin),
            P::ManageOrganisations | P::ManageUsers | P::ManageSite => matches!(self, Self::Admin),
            P::ManageSites | P::ViewPlatformHealth => matches!(self, Self::PlatformAdmin),
        }
    }
}

/// Something a staff member may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Open the back office at all.
    EnterBackOffice,
    /// Draft and submit records.
    DraftRecords,
    /// Review and publish records.
    ReviewRecords,
    /// Handle applications and messages.
    HandleCases,
    /// Supervise (督办) and watch deadlines across departments.
    Supervise,
    /// Approve extending an application's time limit (第三十三条: the office head only).
    ApproveExtensions,
    /// Read the audit log.
    ViewAudit,
    /// Add and change organisations.
    ManageOrganisations,
    /// Add, change and disable staff accounts.
    ManageUsers,
    /// Change site settings.
    ManageSite,
    /// Add sites, their host names and their first administrators (the platform's, above the
    /// sites).
    ManageSites,
    /// See the platform's health: every site's counts, the database, the followers' lag.
    ViewPlatformHealth,
}

impl Permission {
    /// Chinese description used in "you may not do this" messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::EnterBackOffice => "进入管理后台",
            Self::DraftRecords => "起草信息",
            Self::ReviewRecords => "审核发布信息",
            Self::HandleCases => "办理申请和留言",
            Self::Supervise => "督查督办",
            Self::ApproveExtensions => "批准延期答复",
            Self::ViewAudit => "查看审计日志",
            Self::ManageOrganisations => "管理机构",
            Self::ManageUsers => "管理用户",
            Self::ManageSite => "管理站点设置",
            Self::ManageSites => "管理平台站点",
            Self::ViewPlatformHealth => "查看平台运行状况",
        }
    }
}

/// One role granted in one organisation (identified by its database id), or to the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The organisation it is granted in; `None` for a platform grant (above the sites).
    pub org_id: Option<i64>,
}

impl Grant {
    /// `role` granted in the organisation `org_id`.
    pub fn in_org(role: Role, org_id: i64) -> Self {
        Self {
            role,
            org_id: Some(org_id),
        }
    }

    /// `role` granted to the platform as a whole.
    pub fn platform(role: Role) -> Self {
        Self { role, org_id: None }
    }

    /// Whether this grant carries `permission` for an object of the organisation whose chain up
    /// to its root is `org_chain` (empty: "anywhere"). An organisation grant reaches its
    /// organisation and everything below; a platform grant answers only "anywhere" and reaches
    /// into no organisation. A grant whose kind does not match its role (a platform role in an
    /// organisation, an organisation role on the platform) carries nothing.
    fn allows(&self, permission: Permission, org_chain: &[i64]) -> bool {
        if !self.role.allows(permission) {
            return false;
        }
        match self.org_id {
            None => self.role.is_platform() && org_chain.is_empty(),
            Some(org) => {
                !self.role.is_platform() && (org_chain.is_empty() || org_chain.contains(&org))
            }
        }
    }
}

/// All grants of one staff member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Grants(pub Vec<Grant>);

impl Grants {
    /// Whether some grant carries `permission` for an object of the organisation whose
    /// chain from itself up to its root is `org_chain` (itself first). With an empty chain the
    /// question is "anywhere", as for opening a page that lists only what the user may see.
    pub fn allows(&self, permission: Permission, org_chain: &[i64]) -> bool {
        self.0.iter().any(|g| g.allows(permission, org_chain))
    }

    /// Whether any grant is of `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.0.iter().any(|g| g.role == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_code_and_label() {
        assert_eq!(Role::parse("editor"), Ok(Role::Editor));
        assert_eq!(Role::parse("政务公开办"), Ok(Role::Supervisor));
        assert!(Role::parse("boss").is_err());
    }

    #[test]
    fn an_editor_cannot_manage_users() {
        assert!(!Role::Editor.allows(Permission::ManageUsers));
        assert!(Role::Admin.allows(Permission::ManageUsers));
        assert!(!Role::Reviewer.allows(Permission::DraftRecords));
    }

    #[test]
    fn a_grant_reaches_down_the_tree_but_not_across() {
        let county = 1;
        let finance = 2;
        let other_county = 9;
        let grants = Grants(vec![Grant::in_org(Role::Admin, county)]);
        assert!(grants.allows(Permission::ManageUsers, &[finance, county]));
        assert!(!grants.allows(Permission::ManageUsers, &[other_county]));
        assert!(grants.allows(Permission::ManageUsers, &[]));
    }

    #[test]
    fn only_the_platform_grant_carries_platform_permissions_and_it_reaches_no_organisation() {
        let county = 1;
        let platform = [Permission::ManageSites, Permission::ViewPlatformHealth];
        let county_admin = Grants(vec![Grant::in_org(Role::Admin, county)]);
        let platform_admin = Grants(vec![Grant::platform(Role::PlatformAdmin)]);
        for p in platform {
            assert!(!county_admin.allows(p, &[]), "{p:?}");
            assert!(platform_admin.allows(p, &[]), "{p:?}");
            for role in Role::ALL {
                assert!(!role.allows(p), "{role:?} {p:?}");
            }
        }
        // The platform administrator enters the back office but acts in no county.
        assert!(platform_admin.allows(Permission::EnterBackOffice, &[]));
        for p in [
            Permission::EnterBackOffice,
            Permission::DraftRecords,
            Permission::ReviewRecords,
            Permission::ManageUsers,
        ] {
            assert!(!platform_admin.allows(p, &[county]), "{p:?}");
        }
        assert!(!platform_admin.allows(Permission::DraftRecords, &[]));
        // A mismatched row carries nothing: a platform role tied to an organisation, or a
        // county role granted to the platform.
        let odd = Grants(vec![
            Grant::in_org(Role::PlatformAdmin, county),
            Grant::platform(Role::Admin),
        ]);
        assert!(!odd.allows(Permission::ManageSites, &[]));
        assert!(!odd.allows(Permission::ManageUsers, &[]));
        assert_eq!(Role::parse("platform_admin"), Ok(Role::PlatformAdmin));
        assert_eq!(Role::parse("平台管理员"), Ok(Role::PlatformAdmin));
    }
}
