//! The one route table. A URL leads straight to its handler from here.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Extensions, HeaderMap, HeaderName, HeaderValue, StatusCode, Version, header};
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, any, get, post};
use gongkai_domain::role::Permission;
use gongkai_store::applications::Application;
use gongkai_store::data_access::DataAccessRequest;
use gongkai_store::messages::Message;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;
use crate::{admin, api, auth, cache, cases, ckan, csrf, edge, error, public};

/// A back-office route that requires `permission`; every staff route goes through this.
fn guarded(permission: Permission, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.route_layer(from_fn_with_state(permission, auth::authorize))
}

/// A route whose answers hold personal data: browsers and proxies must not keep them.
fn private(route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.route_layer(private_layer())
}

/// The layer that marks answers `Cache-Control: private, no-store`, replacing any other value.
fn private_layer() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static(crate::download::PRIVATE_NO_STORE),
    )
}

/// Builds the application with all routes and middleware.
pub fn build(state: AppState) -> cache::http::Front {
    admin::platform::mark_start();
    let public = Router::new()
        .route("/", get(public::home::show))
        .route("/jigou", get(public::orgs::show))
        .route("/mode", get(public::mode::switch))
        .route("/static/{name}", get(public::assets::serve))
        .route("/favicon.ico", get(public::assets::favicon))
        .route("/robots.txt", get(public::assets::robots))
        .route("/xxgk/", get(public::xxgk::index))
        .route("/xxgk", get(public::xxgk::index))
        .route("/xxgk/list", get(public::xxgk::list))
        .route("/xxgk/lanmu/{slug}", get(public::xxgk::column))
        .route("/xxgk/zhinan/{code}", get(public::xxgk::guide))
        .route("/xxgk/mulu", get(public::mulu::index))
        .route("/xxgk/mulu/{code}", get(public::mulu::org))
        .route("/xxgk/qingdan/", get(public::qingdan::index))
        .route("/xxgk/qingdan", get(public::qingdan::index))
        .route("/xxgk/qingdan/{code}", get(public::qingdan::list))
        .route("/xxgk/qingdan/{code}/{id}", get(public::qingdan::row))
        .route(
            "/xxgk/qingdan/{code}/{id}/files/{key}",
            get(public::qingdan::file),
        )
        .route("/feeds/qingdan/{file}", get(public::qingdan::atom))
        .route("/xxgk/{*index_no}", get(public::xxgk::record))
        .route("/files/{id}/{name}", get(public::files::download))
        .route("/feeds/lanmu/{file}", get(public::feeds::column))
        .route("/feeds/org/{file}", get(public::feeds::organisation))
        .route("/sitemap.xml", get(public::feeds::sitemap))
        .route("/ysqgk/", get(public::ysqgk::index))
        .route("/ysqgk", get(public::ysqgk::index))
        .route(
            "/ysqgk/apply",
            get(public::ysqgk::form)
                .post(public::ysqgk::submit)
                .layer(DefaultBodyLimit::max(
                    state.config.max_upload_bytes * public::ysqgk::MAX_PROOF_FILES + 1024 * 1024,
                )),
        )
        .route(
            "/ysqgk/status",
            private(
                get(cases::status_form::<Application>).post(cases::status_lookup::<Application>),
            ),
        )
        .route(
            "/ysqgk/letters/{file}",
            private(get(public::ysqgk::letter_pdf)),
        )
        .route(
            "/ysqgk/files/{file}/{name}",
            private(get(public::ysqgk::released_file)),
        )
        .route(
            "/ysqgk/correction",
            private(post(public::ysqgk::correction)).layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes * public::ysqgk::MAX_CORRECTION_FILES + 1024 * 1024,
            )),
        )
        .route("/hudong/", get(public::hudong::index))
        .route("/hudong", get(public::hudong::index))
        .route(
            "/hudong/write",
            get(public::hudong::form)
                .post(public::hudong::submit)
                .layer(DefaultBodyLimit::max(
                    state.config.max_upload_bytes * public::hudong::MAX_FILES + 1024 * 1024,
                )),
        )
        .route(
            "/hudong/status",
            private(get(cases::status_form::<Message>).post(cases::status_lookup::<Message>)),
        )
        .route("/hudong/rate", post(public::hudong::rate))
        .route("/hudong/stats", get(public::hudong::stats))
        .route("/hudong/{id}", get(public::hudong::show))
        .route("/zhengji/", get(public::zhengji::index))
        .route("/zhengji", get(public::zhengji::index))
        .route("/zhengji/chaxun", private(get(public::zhengji::lookup)))
        .route("/zhengji/files/{id}/{name}", get(public::zhengji::file))
        .route("/zhengji/{id}", get(public::zhengji::show))
        .route("/zhengji/{id}/comment", post(public::zhengji::comment))
        .route("/zhengji/{id}/feedback", get(public::zhengji::feedback))
        .route("/feeds/zhengji.xml", get(public::zhengji::atom))
        .route("/data/", get(public::data::index))
        .route("/data", get(public::data::index))
        .route("/data/{name}", get(public::data::show))
        .route(
            "/data/{name}/resources/{id}/download",
            private(get(public::data::download)),
        )
        .route(
            "/data/demand",
            get(public::sjkf::demand_form).post(public::sjkf::demand),
        )
        .route(
            "/data/{name}/apply",
            get(public::sjkf::form).post(public::sjkf::submit),
        )
        .route(
            "/sjkf/status",
            private(
                get(cases::status_form::<DataAccessRequest>)
                    .post(cases::status_lookup::<DataAccessRequest>),
            ),
        )
        .route("/sjkf/token", private(post(public::sjkf::token)))
        .route(
            "/sjkf/download/{resource}",
            private(get(public::sjkf::download)),
        )
        .route(
            "/data/{name}/resources/{id}/chart",
            get(public::data::chart::show),
        )
        .route("/datastore/dump/{id}", get(public::data::dump::dump))
        .route("/catalog.jsonld", get(public::dcat::json_ld))
        .route("/catalog.ttl", get(public::dcat::turtle))
        .route("/renwu/", get(public::renwu::index))
        .route("/renwu", get(public::renwu::index))
        .route("/renwu/{id}", get(public::renwu::show))
        .route("/feeds/renwu.xml", get(public::renwu::atom))
        .route("/zhenggai/", get(public::zhenggai::index))
        .route("/zhenggai", get(public::zhenggai::index))
        .route("/zhenggai/{id}", get(public::zhenggai::show))
        .route("/feeds/zhenggai.xml", get(public::zhenggai::atom))
        .route("/pingyi/", get(public::pingyi::index))
        .route("/pingyi", get(public::pingyi::index))
        .route(
            "/pingyi/{id}",
            get(public::pingyi::show).post(public::pingyi::evaluate),
        )
        .route("/search", get(public::search::page))
        .route("/search/advanced", get(public::search::advanced));

    let staff = Router::new()
        .route(
            "/admin/login",
            get(admin::login::form).post(admin::login::submit),
        )
        .route("/admin/logout", post(admin::login::logout))
        .route(
            "/admin",
            guarded(Permission::EnterBackOffice, get(admin::dashboard::show)),
        )
        .route(
            "/admin/orgs",
            guarded(
                Permission::ManageOrganisations,
                get(admin::orgs::list).post(admin::orgs::create),
            ),
        )
        .route(
            "/admin/orgs/{code}/phone",
            guarded(
                Permission::ManageOrganisations,
                post(admin::orgs::set_public_phone),
            ),
        )
        .route(
            "/admin/users",
            guarded(
                Permission::ManageUsers,
                get(admin::users::list).post(admin::users::create),
            ),
        )
        .route(
            "/admin/users/{username}/status",
            guarded(Permission::ManageUsers, post(admin::users::set_status)),
        )
        .route(
            "/admin/users/{username}/password",
            guarded(Permission::ManageUsers, post(admin::users::reset_password)),
        )
        .route(
            "/admin/audit",
            guarded(Permission::ViewAudit, get(admin::audit::show)),
        )
        .route(
            "/admin/platform",
            guarded(Permission::ViewPlatformHealth, get(admin::platform::health)),
        )
        .route(
            "/admin/platform/audit",
            guarded(Permission::ViewPlatformHealth, get(admin::audit::platform)),
        )
        .route(
            "/admin/platform/sites",
            guarded(
                Permission::ManageSites,
                get(admin::platform::sites_page).post(admin::platform::add_site),
            ),
        )
        .route(
            "/admin/platform/sites/{code}/hosts",
            guarded(Permission::ManageSites, post(admin::platform::add_host)),
        )
        .route(
            "/admin/platform/hosts/remove",
            guarded(Permission::ManageSites, post(admin::platform::remove_host)),
        )
        .route(
            "/admin/records",
            guarded(Permission::EnterBackOffice, get(admin::records::list)),
        )
        .route(
            "/admin/records/new",
            guarded(
                Permission::DraftRecords,
                get(admin::records::form::new_form).post(admin::records::form::create),
            )
            // The form may carry a Word file as the body (multipart), as large as an attachment.
            .layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes + 64 * 1024,
            )),
        )
        .route(
            "/admin/records/{id}",
            guarded(
                Permission::EnterBackOffice,
                get(admin::records::show).post(admin::records::form::update),
            )
            .layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes + 64 * 1024,
            )),
        )
        .route(
            "/admin/records/{id}/edit",
            guarded(
                Permission::DraftRecords,
                get(admin::records::form::edit_form),
            ),
        )
        .route(
            "/admin/records/{id}/submit",
            guarded(
                Permission::DraftRecords,
                post(admin::records::workflow::submit),
            ),
        )
        .route(
            "/admin/records/{id}/review",
            guarded(
                Permission::ReviewRecords,
                post(admin::records::workflow::review),
            ),
        )
        .route(
            "/admin/records/{id}/correction",
            guarded(
                Permission::ReviewRecords,
                post(admin::records::workflow::review_correction),
            ),
        )
        .route(
            "/admin/records/{id}/correction/discard",
            guarded(
                Permission::EnterBackOffice,
                post(admin::records::workflow::discard_correction),
            ),
        )
        .route(
            "/admin/records/{id}/revise",
            guarded(
                Permission::DraftRecords,
                post(admin::records::workflow::revise),
            ),
        )
        .route(
            "/admin/records/{id}/withdraw",
            guarded(
                Permission::ReviewRecords,
                post(admin::records::workflow::withdraw),
            ),
        )
        .route(
            "/admin/records/{id}/validity",
            guarded(
                Permission::DraftRecords,
                post(admin::records::workflow::set_validity),
            ),
        )
        .route(
            "/admin/records/{id}/attachments",
            guarded(
                Permission::DraftRecords,
                post(admin::records::files::upload),
            )
            .layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes + 64 * 1024,
            )),
        )
        .route(
            "/admin/records/{id}/attachments/{attachment}/delete",
            guarded(
                Permission::DraftRecords,
                post(admin::records::files::remove_attachment),
            ),
        )
        .route(
            "/admin/lists",
            guarded(Permission::EnterBackOffice, get(admin::lists::index)),
        )
        .route(
            "/admin/lists/types/new",
            guarded(
                Permission::ManageSite,
                get(admin::lists::types::new_form).post(admin::lists::types::define),
            ),
        )
        .route(
            "/admin/lists/{type}",
            guarded(Permission::EnterBackOffice, get(admin::lists::rows)),
        )
        .route(
            "/admin/lists/{type}/new",
            guarded(
                Permission::DraftRecords,
                get(admin::lists::form::new_form).post(admin::lists::form::create),
            )
            // Attachment cells are uploaded with the form, each at most an attachment's size.
            .layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes + 256 * 1024,
            )),
        )
        .route(
            "/admin/lists/{type}/export.xlsx",
            guarded(
                Permission::EnterBackOffice,
                private(get(admin::lists::excel::export)),
            ),
        )
        .route(
            "/admin/lists/{type}/import",
            guarded(
                Permission::DraftRecords,
                get(admin::lists::excel::import_form).post(admin::lists::excel::import),
            )
            // The handler refuses a workbook over 8 MB itself, in words; this only bounds the rest.
            .layer(DefaultBodyLimit::max(
                gongkai_service::lists::MAX_XLSX_BYTES + 1024 * 1024,
            )),
        )
        .route(
            "/admin/lists/{type}/{id}",
            guarded(Permission::EnterBackOffice, get(admin::lists::show)),
        )
        .route(
            "/admin/lists/{type}/{id}/edit",
            guarded(
                Permission::DraftRecords,
                get(admin::lists::form::edit_form).post(admin::lists::form::update),
            )
            .layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes + 256 * 1024,
            )),
        )
        .route(
            "/admin/lists/{type}/{id}/files/{key}",
            guarded(
                Permission::EnterBackOffice,
                private(get(admin::lists::file)),
            ),
        )
        .route(
            "/admin/lists/{type}/{id}/submit",
            guarded(
                Permission::DraftRecords,
                post(admin::lists::workflow::submit),
            ),
        )
        .route(
            "/admin/lists/{type}/{id}/review",
            guarded(
                Permission::ReviewRecords,
                post(admin::lists::workflow::review),
            ),
        )
        .route(
            "/admin/lists/{type}/{id}/withdraw",
            guarded(
                Permission::ReviewRecords,
                post(admin::lists::workflow::withdraw),
            ),
        )
        .route(
            "/admin/scan",
            guarded(Permission::ReviewRecords, get(admin::records::scan_all)),
        )
        .route(
            "/admin/monitor",
            guarded(Permission::Supervise, get(admin::monitor::show)),
        )
        .route(
            "/admin/mulu",
            guarded(Permission::Supervise, get(admin::basic_catalogue::list)),
        )
        .route(
            "/admin/mulu/seed",
            guarded(Permission::Supervise, post(admin::basic_catalogue::seed)),
        )
        .route(
            "/admin/mulu/new",
            guarded(
                Permission::Supervise,
                get(admin::basic_catalogue::new_form).post(admin::basic_catalogue::add),
            ),
        )
        .route(
            "/admin/mulu/timeliness",
            guarded(
                Permission::Supervise,
                get(admin::basic_catalogue::timeliness),
            ),
        )
        .route(
            "/admin/mulu/{id}",
            guarded(
                Permission::Supervise,
                get(admin::basic_catalogue::show).post(admin::basic_catalogue::save),
            ),
        )
        .route(
            "/admin/mulu/{id}/orgs",
            guarded(Permission::Supervise, post(admin::basic_catalogue::assign)),
        )
        .route(
            "/admin/mulu/{id}/records",
            guarded(
                Permission::Supervise,
                post(admin::basic_catalogue::file_record),
            ),
        )
        .route(
            "/admin/mulu/{id}/records/{record}/remove",
            guarded(
                Permission::Supervise,
                post(admin::basic_catalogue::unfile_record),
            ),
        )
        .route(
            "/admin/renwu",
            guarded(
                Permission::EnterBackOffice,
                get(admin::tasks::list).post(admin::tasks::create),
            ),
        )
        .route(
            "/admin/renwu/{id}",
            guarded(Permission::EnterBackOffice, get(admin::tasks::show)),
        )
        .route(
            "/admin/renwu/{id}/edit",
            guarded(Permission::DraftRecords, post(admin::tasks::edit)),
        )
        .route(
            "/admin/renwu/{id}/milestones",
            guarded(Permission::DraftRecords, post(admin::tasks::add_milestone)),
        )
        .route(
            "/admin/renwu/{id}/milestones/{milestone}/done",
            guarded(Permission::DraftRecords, post(admin::tasks::milestone_done)),
        )
        .route(
            "/admin/renwu/{id}/reports",
            guarded(Permission::DraftRecords, post(admin::tasks::add_report)),
        )
        .route(
            "/admin/renwu/{id}/reports/{report}",
            guarded(Permission::EnterBackOffice, post(admin::tasks::report_step)),
        )
        .route(
            "/admin/renwu/{id}/records",
            guarded(Permission::DraftRecords, post(admin::tasks::link_record)),
        )
        .route(
            "/admin/renwu/{id}/evaluations",
            guarded(
                Permission::EnterBackOffice,
                post(admin::tasks::add_evaluation),
            ),
        )
        .route(
            "/admin/renwu/{id}/complete",
            guarded(Permission::DraftRecords, post(admin::tasks::complete)),
        )
        .route(
            "/admin/zhenggai",
            guarded(
                Permission::EnterBackOffice,
                get(admin::findings::list).post(admin::findings::create),
            ),
        )
        .route(
            "/admin/zhenggai/{id}",
            guarded(Permission::EnterBackOffice, get(admin::findings::show)),
        )
        .route(
            "/admin/zhenggai/{id}/findings",
            guarded(Permission::Supervise, post(admin::findings::add_finding)),
        )
        .route(
            "/admin/zhenggai/{id}/findings/{finding}",
            guarded(
                Permission::EnterBackOffice,
                post(admin::findings::finding_step),
            ),
        )
        .route(
            "/admin/kaohe",
            guarded(Permission::Supervise, get(admin::scorecard::show)),
        )
        .route(
            "/admin/kaohe/xlsx",
            guarded(Permission::Supervise, get(admin::scorecard::workbook)),
        )
        .route(
            "/admin/kaohe/org/{code}",
            guarded(Permission::Supervise, get(admin::scorecard::org)),
        )
        .route(
            "/admin/kaohe/weights",
            guarded(
                Permission::Supervise,
                get(admin::scorecard::weights_form).post(admin::scorecard::save_weights),
            ),
        )
        .route(
            "/admin/kaohe/pingyi",
            guarded(
                Permission::Supervise,
                get(admin::scorecard::rounds).post(admin::scorecard::publish),
            ),
        )
        .route(
            "/admin/kaohe/pingyi/{id}",
            guarded(Permission::Supervise, get(admin::scorecard::round)),
        )
        .route(
            "/admin/kaohe/pingyi/{id}/close",
            guarded(Permission::Supervise, post(admin::scorecard::close)),
        )
        .route(
            "/admin/kaohe/pingyi/{id}/comments/{response}",
            guarded(Permission::Supervise, post(admin::scorecard::moderate)),
        )
        .route(
            "/admin/work-records",
            guarded(
                Permission::Supervise,
                get(admin::work_records::list).post(admin::work_records::add),
            ),
        )
        .route(
            "/admin/work-records/{id}",
            guarded(Permission::Supervise, get(admin::work_records::show)),
        )
        .route(
            "/admin/work-records/{id}/file",
            guarded(Permission::Supervise, get(admin::work_records::file)),
        )
        .route(
            "/admin/guides/{code}",
            guarded(
                Permission::Supervise,
                get(admin::catalogue::guide_form).post(admin::catalogue::guide_save),
            ),
        )
        .route(
            "/admin/negative",
            guarded(
                Permission::Supervise,
                get(admin::catalogue::negative).post(admin::catalogue::negative_add),
            ),
        )
        .route(
            "/admin/applications",
            guarded(Permission::HandleCases, get(admin::applications::list)),
        )
        .route(
            "/admin/applications/{id}",
            guarded(Permission::HandleCases, get(admin::applications::show)),
        )
        .route(
            "/admin/applications/{id}/events",
            guarded(
                Permission::HandleCases,
                post(admin::applications::events::event),
            ),
        )
        .route(
            "/admin/applications/{id}/reply",
            guarded(
                Permission::HandleCases,
                post(admin::applications::events::reply),
            )
            .layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes * admin::applications::events::MAX_REPLY_FILES
                    + 1024 * 1024,
            )),
        )
        .route(
            "/admin/applications/{id}/reply-draft",
            guarded(
                Permission::HandleCases,
                get(admin::applications::replies::reply_draft),
            ),
        )
        .route(
            "/admin/applications/{id}/letters/{file}",
            guarded(
                Permission::HandleCases,
                get(admin::applications::replies::letter_pdf),
            ),
        )
        .route(
            "/admin/applications/{id}/proactive",
            guarded(
                Permission::HandleCases,
                post(admin::applications::replies::propose_proactive),
            ),
        )
        .route(
            "/admin/applications/{id}/challenges",
            guarded(
                Permission::HandleCases,
                post(admin::applications::challenges::add),
            ),
        )
        .route(
            "/admin/applications/{id}/challenges/{challenge}",
            guarded(
                Permission::HandleCases,
                post(admin::applications::challenges::decide),
            ),
        )
        .route(
            "/admin/applications/{id}/challenges/{challenge}/remove",
            guarded(
                Permission::HandleCases,
                post(admin::applications::challenges::remove),
            ),
        )
        .route(
            "/admin/applications/{id}/files/{file}",
            guarded(
                Permission::HandleCases,
                get(admin::applications::proof_file),
            ),
        )
        .route(
            "/admin/messages",
            guarded(Permission::HandleCases, get(admin::messages::list)),
        )
        .route(
            "/admin/data-access",
            guarded(Permission::HandleCases, get(admin::data_access::list)),
        )
        .route(
            "/admin/data-access/limit",
            guarded(Permission::Supervise, post(admin::data_access::set_limit)),
        )
        .route(
            "/admin/data-access/{id}",
            guarded(Permission::HandleCases, get(admin::data_access::show)),
        )
        .route(
            "/admin/data-access/{id}/decide",
            guarded(Permission::HandleCases, post(admin::data_access::decide)),
        )
        .route(
            "/admin/messages/settings",
            guarded(
                Permission::Supervise,
                get(admin::messages::settings_form).post(admin::messages::settings_save),
            ),
        )
        .route(
            "/admin/messages/{id}",
            guarded(Permission::HandleCases, get(admin::messages::show)),
        )
        .route(
            "/admin/messages/{id}/events",
            guarded(Permission::HandleCases, post(admin::messages::event)),
        )
        .route(
            "/admin/messages/{id}/files/{file}",
            guarded(Permission::HandleCases, get(admin::messages::file)),
        )
        .route(
            "/admin/themes",
            guarded(
                Permission::Supervise,
                get(admin::catalogue::themes).post(admin::catalogue::themes_change),
            ),
        )
        .route(
            "/admin/calendar",
            guarded(
                Permission::ManageSite,
                get(admin::calendar::show).post(admin::calendar::import),
            ),
        )
        .route(
            "/admin/letter-templates",
            guarded(Permission::Supervise, get(admin::letter_templates::list)),
        )
        .route(
            "/admin/letter-templates/{outcome}",
            guarded(
                Permission::Supervise,
                get(admin::letter_templates::edit).post(admin::letter_templates::save),
            ),
        )
        .route(
            "/admin/report",
            guarded(Permission::Supervise, get(admin::report::years)),
        )
        .route(
            "/admin/report/{year}",
            guarded(
                Permission::Supervise,
                get(admin::report::show).post(admin::report::save),
            ),
        )
        .route(
            "/admin/report/{year}/overview-draft",
            guarded(Permission::Supervise, get(admin::report::overview_draft)),
        )
        .route(
            "/admin/report/{year}/xlsx",
            guarded(Permission::Supervise, get(admin::report::workbook)),
        )
        .route(
            "/admin/report/{year}/pdf",
            guarded(Permission::Supervise, get(admin::report::pdf)),
        )
        .route(
            "/admin/report/{year}/publish",
            guarded(Permission::Supervise, post(admin::report::publish)),
        )
        .route(
            "/admin/outbox",
            guarded(Permission::Supervise, get(admin::outbox::list)),
        )
        .route(
            "/admin/outbox/{id}/resend",
            guarded(Permission::Supervise, post(admin::outbox::resend)),
        )
        .route(
            "/admin/calendar/region",
            guarded(Permission::ManageSite, post(admin::calendar::set_region)),
        )
        .route(
            "/admin/zhengji",
            guarded(Permission::EnterBackOffice, get(admin::consultations::list)),
        )
        .route(
            "/admin/zhengji/new",
            guarded(
                Permission::DraftRecords,
                get(admin::consultations::draft::new_form)
                    .post(admin::consultations::draft::create),
            ),
        )
        .route(
            "/admin/zhengji/{id}",
            guarded(Permission::EnterBackOffice, get(admin::consultations::show)),
        )
        .route(
            "/admin/zhengji/{id}/edit",
            guarded(
                Permission::DraftRecords,
                get(admin::consultations::draft::edit_form)
                    .post(admin::consultations::draft::update),
            ),
        )
        .route(
            "/admin/zhengji/{id}/attachments",
            guarded(
                Permission::DraftRecords,
                post(admin::consultations::draft::upload),
            )
            .layer(DefaultBodyLimit::max(
                state.config.max_upload_bytes + 64 * 1024,
            )),
        )
        .route(
            "/admin/zhengji/{id}/status",
            guarded(
                Permission::ReviewRecords,
                post(admin::consultations::change_status),
            ),
        )
        .route(
            "/admin/zhengji/{id}/comments/{comment}",
            guarded(
                Permission::ReviewRecords,
                post(admin::consultations::feedback::moderate),
            ),
        )
        .route(
            "/admin/zhengji/{id}/feedback",
            guarded(
                Permission::ReviewRecords,
                get(admin::consultations::feedback::feedback_form)
                    .post(admin::consultations::feedback::feedback_save),
            ),
        )
        .route(
            "/admin/zhengji/{id}/decision",
            guarded(
                Permission::ReviewRecords,
                post(admin::consultations::feedback::link_decision),
            ),
        )
        .route(
            "/admin/data",
            guarded(Permission::EnterBackOffice, get(admin::data::list)),
        )
        .route(
            "/admin/data/new",
            guarded(
                Permission::DraftRecords,
                get(admin::data::form::new_form).post(admin::data::form::create),
            ),
        )
        .route(
            "/admin/data/tokens",
            guarded(
                Permission::EnterBackOffice,
                get(admin::data::tokens::list).post(admin::data::tokens::create),
            ),
        )
        .route(
            "/admin/data/tokens/{id}/revoke",
            guarded(
                Permission::EnterBackOffice,
                post(admin::data::tokens::revoke),
            ),
        )
        .route(
            "/admin/data/{id}",
            guarded(Permission::EnterBackOffice, get(admin::data::show)),
        )
        .route(
            "/admin/data/{id}/edit",
            guarded(
                Permission::DraftRecords,
                get(admin::data::form::edit_form).post(admin::data::form::update),
            ),
        )
        .route(
            "/admin/data/{id}/step",
            guarded(
                Permission::EnterBackOffice,
                post(admin::data::workflow::step),
            ),
        )
        .route(
            "/admin/data/{id}/links",
            guarded(Permission::DraftRecords, post(admin::data::files::add_link)),
        )
        .route(
            "/admin/data/{id}/resources",
            guarded(Permission::DraftRecords, post(admin::data::files::upload)).layer(
                DefaultBodyLimit::max(crate::forms::dataset_file::body_limit(&state)),
            ),
        )
        .route(
            "/admin/yuqing",
            guarded(Permission::Supervise, get(admin::opinions::list)),
        )
        .route(
            "/admin/yuqing/new",
            guarded(
                Permission::Supervise,
                get(admin::opinions::new_form).post(admin::opinions::create),
            ),
        )
        .route(
            "/admin/yuqing/{id}",
            guarded(Permission::Supervise, get(admin::opinions::show)),
        )
        .route(
            "/admin/yuqing/{id}/responses",
            guarded(Permission::Supervise, post(admin::opinions::respond)),
        )
        .route(
            "/admin/yuqing/{id}/close",
            guarded(Permission::Supervise, post(admin::opinions::close)),
        )
        // Every staff page may show personal data (ID and phone numbers, letters).
        .layer(private_layer())
        .layer(from_fn_with_state(state.clone(), auth::load_staff));

    let api = Router::new()
        .route("/healthz", get(api::health::show))
        .route("/metrics", get(cache::http::metrics))
        .route("/api/v1/organisations", get(api::orgs::list))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/api/v1/records", get(api::records::list))
        .route("/api/v1/records/{*index_no}", get(api::records::show))
        .route("/api/v1/applications", post(api::applications::create))
        .route("/api/v1/messages", post(api::messages::create))
        .route("/api/v1/search", get(public::search::api))
        // The CKAN Action API, at both addresses CKAN serves it.
        .route(
            "/api/3/action/{name}",
            any(ckan::action).layer(DefaultBodyLimit::max(
                crate::forms::dataset_file::body_limit(&state),
            )),
        )
        .route(
            "/api/action/{name}",
            any(ckan::action).layer(DefaultBodyLimit::max(
                crate::forms::dataset_file::body_limit(&state),
            )),
        );

    let max_body = state.config.max_body_bytes;
    // Every route's middleware, as one layer. axum boxes a route once for each `Router::layer`
    // call, and every request clones that whole chain of boxes at every level; one stack is
    // boxed once, and its levels are plain structs (an uncached page spent about a tenth of its
    // time cloning and allocating the chain). The first layer here is the outermost.
    let middleware = ServiceBuilder::new()
        .layer(TraceLayer::new_for_http())
        // Downloads (`Content-Disposition`) go out as stored: PDFs, Office files and images
        // are compressed already, and a streamed file keeps its exact length.
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
                    !headers.contains_key(header::CONTENT_DISPOSITION)
                },
            )),
        )
        // Inside compression: a kept page is answered already compressed, everything else is
        // compressed on the way out as before.
        .layer(from_fn_with_state(state.clone(), cache::http::layer))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(from_fn_with_state(state.clone(), error::render_errors))
        // The hard limit allows an attachment upload, a list workbook (the import refuses one
        // over 8 MB itself, in words) and an open-data file; every extractor is held to
        // `max_body` by `DefaultBodyLimit` except the upload routes, which set their own (the
        // CKAN API reads its JSON body to `max_body` itself).
        .layer(RequestBodyLimitLayer::new(
            max_body
                .max(state.config.max_upload_bytes + 64 * 1024)
                .max(gongkai_service::lists::MAX_XLSX_BYTES + 1024 * 1024)
                .max(crate::forms::dataset_file::body_limit(&state)),
        ))
        .map_request(|req: axum::http::Request<_>| req.map(axum::body::Body::new))
        .layer(DefaultBodyLimit::max(max_body))
        // Before anything reads a body: a throttled address's public form is refused unread.
        .layer(from_fn_with_state(
            state.clone(),
            crate::forms::gate::throttle_first,
        ))
        .layer(from_fn_with_state(state.clone(), csrf::guard))
        .layer(from_fn_with_state(
            state.clone(),
            edge::refuse_control_characters,
        ));
    let app = Router::new()
        .merge(public)
        .merge(staff)
        .merge(api)
        .fallback(public::not_found)
        .layer(middleware)
        .with_state(state.clone());
    // Outside routing, so a `/site/{code}` prefix is taken off before a route is chosen.
    let sited = Router::new()
        .fallback_service(app)
        .layer(from_fn_with_state(
            state.clone(),
            crate::site::resolve::layer,
        ));
    // Outermost: a kept page is answered before the site is resolved or anything traced.
    cache::http::Front::new(state.cache.clone(), sited)
}
