//! The letters an office sends an applicant: the reply (答复书) per outcome, the correction
//! notice (补正告知书), the extension notice (延期答复告知书), the fee notice (收费通知书) and
//! the transfer notice. Each is prefilled from the outcome's legal ground and the applicant's
//! rights of review and litigation; staff may edit the text before sending, and the stored text
//! is what the applicant sees and downloads as PDF.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use gongkai_domain::ErrorCode;
use gongkai_domain::application::Outcome;
use gongkai_store::applications::{Application, Letter};

use crate::WebError;
use crate::state::AppState;

/// Chinese date as letters write it: `2026年11月25日`.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn addressee(app: &Application) -> String {
    format!("{}：", app.name)
}

/// A notice to the applicant, titled `title`: the addressee, the `body` paragraphs, then the
/// office's name and the date `on`, paragraphs apart.
fn notice<const N: usize>(
    title: &str,
    app: &Application,
    on: NaiveDate,
    body: [String; N],
) -> (String, String) {
    let mut paras = vec![addressee(app)];
    paras.extend(body);
    paras.push(format!("{}\n{}", app.org_name, chinese_date(on)));
    (title.to_owned(), paras.join("\n\n"))
}

/// The applicant's remedies (第五十一条): 行政复议 within sixty days before the one body that
/// hears it (`reviewer`, from [`reviewing_body`]; 行政复议法 第二十条、第二十四条), or 行政诉讼
/// within six months (行政诉讼法 第四十六条).
fn rights(reviewer: &str) -> String {
    format!(
        "如对本答复不服，可以自收到本答复之日起六十日内向{reviewer}申请行政复议，也可以自收到本答复之日起六个月内依法向人民法院提起行政诉讼。"
    )
}

/// The body that hears a 行政复议 against the acts of the organisation an application is
/// addressed to: the domain's rule (`gongkai_domain::org::reviewing_body`) over the stored
/// organisation and site settings.
pub async fn reviewing_body(state: &AppState, app: &Application) -> Result<String, WebError> {
    Ok(gongkai_store::applications::reviewing_body(&state.store, app.org_id).await?)
}

/// A letter body with the list of the files released with it (附件), before the seal line
/// (the last paragraph) so the PDF keeps its signature at the end; unchanged without files.
pub fn with_attachments(body: &str, names: &[String]) -> String {
    if names.is_empty() {
        return body.to_owned();
    }
    let list = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{}. {n}", i + 1))
        .collect::<Vec<_>>()
        .join("\n");
    let attachments = format!("附件：\n{list}");
    match body.rsplit_once("\n\n") {
        Some((main, seal)) if seal.contains('\n') => format!("{main}\n\n{attachments}\n\n{seal}"),
        _ => format!("{body}\n\n{attachments}"),
    }
}

/// The placeholders a reply template may use, with what each stands for. `{名称}` in a
/// template is replaced by the value; any other `{…}` is refused when the template is saved.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("申请人", "申请人姓名或名称"),
    ("收到日期", "收到申请的日期，如 2026年11月2日"),
    ("查询码", "申请的查询码"),
    ("申请内容", "申请人所需信息的描述"),
    ("获取方式", "申请人选择的获取方式，如 电子邮件"),
    ("答复类型", "答复类型，即年度报告的统计项"),
    ("法律依据", "该答复类型的法律依据"),
    ("救济途径", "申请行政复议、提起行政诉讼的权利告知"),
    ("机关", "答复机关名称（落款）"),
    ("日期", "答复日期（落款）"),
];

/// Longest reply template an office may store, in characters.
pub const MAX_TEMPLATE_CHARS: usize = 10_000;

/// The built-in reply template for an outcome: the decision, the legal ground, the
/// applicant's rights of review and litigation, and the seal line, with placeholders.
pub fn default_reply_template(outcome: Outcome) -> String {
    use Outcome as O;
    let decision = match outcome {
        O::Disclosed => "经审查，您申请获取的政府信息属于公开范围，本机关予以公开，现按“{获取方式}”方式提供。".to_owned(),
        O::PartlyDisclosed => "经审查，您申请获取的政府信息中含有依法不应当公开的内容，本机关对能够区分处理的部分予以提供，对不应当公开的部分作了区分处理。".into(),
        O::StateSecret
        | O::ProhibitedByLaw
        | O::Security
        | O::ThirdPartyRights
        | O::InternalAffairs
        | O::ProcessInformation
        | O::EnforcementFile
        | O::AdministrativeQuery => format!("经审查，您申请获取的政府信息{}，本机关不予公开。", outcome.label()),
        O::NotHeld => "经检索查找，本机关未制作或者获取您申请的政府信息，该政府信息不存在。".into(),
        O::NeedsCreating => "您申请获取的信息需要本机关对现有政府信息进行加工、分析后另行制作，本机关不予提供。".into(),
        O::StillUnclear => "您补正后的申请内容仍不明确，本机关无法确定您所需要的政府信息，无法提供。".into(),
        O::Petition => "您提出的申请属于信访、投诉、举报等事项，不属于政府信息公开申请，请通过相应渠道提出。".into(),
        O::Repeated => "您提出的申请属于重复申请，本机关此前已作出答复，不再重复处理。".into(),
        O::Publication => "您申请获取的是公开出版物，可以通过公开渠道获取，本机关不予处理。".into(),
        O::Excessive => "您在一定期限内申请的数量、频次明显超过合理范围，且未能说明理由或者理由不合理，本机关不予处理。".into(),
        O::Confirmation => "您要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请，本机关不予处理。".into(),
        O::NoCorrection => "本机关已向您发出补正告知，您无正当理由逾期未补正，视为放弃申请，本机关不再处理您的政府信息公开申请。".into(),
        O::FeeNotPaid => "本机关已向您发出收费通知，您逾期未按收费通知的要求缴纳费用，本机关不再处理您的政府信息公开申请。".into(),
        O::OtherHandling => "本机关对您的申请作如下处理：".into(),
    };
    [
        "{申请人}：".to_owned(),
        "本机关于{收到日期}收到您提出的政府信息公开申请（查询码 {查询码}），您申请获取：“{申请内容}”。".into(),
        decision,
        "依据：{法律依据}。".into(),
        "{救济途径}".into(),
        "{机关}\n{日期}".into(),
    ]
    .join("\n\n")
}

/// Checks a template an office wants to store: not empty, not too long, and every `{…}` one
/// of [`PLACEHOLDERS`]. The message says what is wrong, in Chinese.
pub fn check_template(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("模板不能为空；如需恢复内置文本，请选择“恢复内置文本”".into());
    }
    if text.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(format!("模板不能超过 {MAX_TEMPLATE_CHARS} 个字"));
    }
    for piece in pieces(text) {
        match piece {
            Piece::Placeholder(name) if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) => {
                return Err(format!("未知的占位符“{{{name}}}”"));
            }
            Piece::Unclosed(_) => return Err("模板中有未闭合的“{”".into()),
            _ => {}
        }
    }
    Ok(())
}

/// A part of a template: plain text, a `{名称}`, or a `{` never closed (with the rest).
enum Piece<'a> {
    Text(&'a str),
    Placeholder(&'a str),
    Unclosed(&'a str),
}

/// Splits a template into its parts, in order: the one reading of the placeholder syntax,
/// shared by the check on saving and the filling of a letter.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push(Piece::Placeholder(&after[..close]));
                rest = &after[close + 1..];
            }
            None => {
                out.push(Piece::Unclosed(&rest[open..]));
                rest = "";
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Fills a reply template for an application, an outcome and the reply date; `reviewer` is the
/// body that hears a 行政复议 ([`reviewing_body`]).
pub fn render_reply(
    template: &str,
    app: &Application,
    outcome: Outcome,
    on: NaiveDate,
    reviewer: &str,
) -> String {
    let delivery = app.delivery.label();
    let values: [(&str, String); 10] = [
        ("申请人", app.name.clone()),
        ("收到日期", chinese_date(app.received_on)),
        ("查询码", app.tracking_code.clone()),
        ("申请内容", app.description.clone()),
        ("获取方式", delivery.to_owned()),
        ("答复类型", outcome.display()),
        ("法律依据", outcome.legal_ground().to_owned()),
        ("救济途径", rights(reviewer)),
        ("机关", app.org_name.clone()),
        ("日期", chinese_date(on)),
    ];
    // One pass, so a value that happens to contain "{…}" is never replaced again; anything
    // that is not a known placeholder stays as written.
    let mut out = String::with_capacity(template.len() + 256);
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) | Piece::Unclosed(text) => out.push_str(text),
            Piece::Placeholder(name) => match values.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// The title of every reply letter.
pub const REPLY_TITLE: &str = "政府信息公开申请答复书";

/// The reply letter for an outcome from the built-in template: `(title, body)`; `reviewer`
/// as for [`render_reply`].
pub fn reply(
    app: &Application,
    outcome: Outcome,
    on: NaiveDate,
    reviewer: &str,
) -> (String, String) {
    (
        REPLY_TITLE.into(),
        render_reply(&default_reply_template(outcome), app, outcome, on, reviewer),
    )
}

/// The settings key of a site's reply template for an outcome.
pub fn template_key(site_code: &str, outcome: Outcome) -> String {
    format!("letter_template.{site_code}.reply.{}", outcome.code())
}

/// The reply template an office stored for its site and an outcome, if any (an empty value
/// means the built-in text).
pub async fn stored_template(
    state: &AppState,
    site_code: &str,
    outcome: Outcome,
) -> Result<Option<String>, WebError> {
    Ok(
        gongkai_store::settings::get(&state.store, &template_key(site_code, outcome))
            .await?
            .filter(|t| !t.trim().is_empty()),
    )
}

/// The reply draft for an application: the site's template for the outcome, or the built-in
/// one, filled in.
pub async fn reply_draft(
    state: &AppState,
    app: &Application,
    outcome: Outcome,
    on: NaiveDate,
) -> Result<String, WebError> {
    let site = gongkai_store::orgs::by_id(&state.store, app.site_id).await?;
    let template = stored_template(state, &site.code, outcome)
        .await?
        .unwrap_or_else(|| default_reply_template(outcome));
    let reviewer = reviewing_body(state, app).await?;
    Ok(render_reply(&template, app, outcome, on, &reviewer))
}

/// The correction notice (第三十条).
pub fn correction(
    app: &Application,
    on: NaiveDate,
    deadline: NaiveDate,
    what: &str,
) -> (String, String) {
    let body = [
        format!(
            "本机关于{}收到您提出的政府信息公开申请（查询码 {}）。经审查，您的申请内容不够明确，请于{}前补正以下内容：",
            chinese_date(app.received_on),
            app.tracking_code,
            chinese_date(deadline)
        ),
        what.trim().to_owned(),
        "答复期限自本机关收到补正后的申请之日起重新计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。".into(),
        "依据：《中华人民共和国政府信息公开条例》第三十条。".into(),
    ];
    notice("政府信息公开申请补正告知书", app, on, body)
}

/// The extension notice (第三十三条).
pub fn extension(
    app: &Application,
    on: NaiveDate,
    days: u32,
    reason: &str,
    due: Option<(NaiveDate, bool)>,
) -> (String, String) {
    let due = match due {
        Some((date, false)) => chinese_date(date),
        Some((date, true)) => format!(
            "{}（暂定：相关年度的节假日安排尚未发布，暂按周六、周日休息推算，发布后据实重新计算）",
            chinese_date(date)
        ),
        None => "另行告知".into(),
    };
    let body = [
        format!(
            "您于{}提出的政府信息公开申请（查询码 {}），因{}，不能在规定期限内答复。经本机关政府信息公开工作机构负责人同意，答复期限延长 {days} 个工作日，延长后的答复期限为{due}。",
            chinese_date(app.received_on),
            app.tracking_code,
            reason.trim().trim_end_matches('。')
        ),
        "依据：《中华人民共和国政府信息公开条例》第三十三条第二款。".into(),
    ];
    notice("政府信息公开申请延期答复告知书", app, on, body)
}

/// The fee notice (国办函〔2020〕109号).
pub fn fee(
    app: &Application,
    on: NaiveDate,
    amount: i64,
    basis: &str,
    pay_by: NaiveDate,
) -> (String, String) {
    let body = [
        format!(
            "您提出的政府信息公开申请（查询码 {}）申请数量、频次明显超过合理范围，依据《政府信息公开信息处理费管理办法》，本机关收取信息处理费 {amount} 元。计收方式：{basis}。",
            app.tracking_code
        ),
        format!(
            "请自收到本通知之日起 {} 个工作日内，即{}前缴纳。自发出收费通知之日起至缴纳费用之日止的时间不计算在答复期限内；逾期未缴纳的，视为放弃申请，本机关不再处理该申请。",
            gongkai_domain::application::FEE_PAYMENT_WORKING_DAYS,
            chinese_date(pay_by)
        ),
    ];
    notice("政府信息公开信息处理费收费通知书", app, on, body)
}

/// The transfer notice (第三十六条第（五）项); `reviewer` as for [`render_reply`].
pub fn transfer(
    app: &Application,
    on: NaiveDate,
    to_name: &str,
    to_contact: &str,
    reviewer: &str,
) -> (String, String) {
    let contact = if to_contact.trim().is_empty() {
        String::new()
    } else {
        format!("（联系方式：{}）", to_contact.trim())
    };
    let body = [
        format!(
            "您于{}提出的政府信息公开申请（查询码 {}）所申请的信息不属于本机关负责公开的范围。经确认，该政府信息由{to_name}负责公开{contact}，本机关已将您的申请转送该机关，您也可以直接向该机关提出申请。",
            chinese_date(app.received_on),
            app.tracking_code
        ),
        "依据：《中华人民共和国政府信息公开条例》第三十六条第（五）项。".into(),
        rights(reviewer),
    ];
    notice("政府信息公开申请告知书", app, on, body)
}

/// Splits a stored letter into the parts the PDF layout needs.
fn to_export(letter: &Letter, app: &Application) -> gongkai_export::Letter {
    let mut paras: Vec<String> = letter
        .body
        .split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let addressee = if paras.first().is_some_and(|p| p.ends_with('：')) {
        paras.remove(0)
    } else {
        format!("{}：", app.name)
    };
    let (signature_org, date) = match paras.last().and_then(|p| p.split_once('\n')) {
        Some((org, date)) => {
            let out = (org.to_owned(), date.to_owned());
            paras.pop();
            out
        }
        None => (app.org_name.clone(), String::new()),
    };
    gongkai_export::Letter {
        title: letter.title.clone(),
        reference: Some(format!("查询码：{}", app.tracking_code)),
        addressee,
        paragraphs: paras,
        signature_org,
        date,
        footer_note: None,
    }
}

/// Renders a stored letter as a PDF download.
pub async fn pdf_response(
    state: &AppState,
    app: &Application,
    letter: &Letter,
) -> Result<Response, WebError> {
    let doc = to_export(letter, app);
    let fonts = state
        .fonts
        .clone()
        .ok_or_else(|| WebError::Conflict(ErrorCode::LetterFontMissing.into()))?;
    let bytes =
        tokio::task::spawn_blocking(move || gongkai_export::render_letter_pdf(&doc, &fonts))
            .await
            .map_err(|_| WebError::Conflict(ErrorCode::LetterPdfFailed.into()))?
            .map_err(|e| {
                WebError::Conflict(ErrorCode::LetterExportFailed.refusal(&[("reason", &e)]))
            })?;
    let name = format!("{}-{}.pdf", app.tracking_code, letter.id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_checked_by_the_same_reading_that_fills_them() {
        assert_eq!(check_template("{申请人}：您好。{日期}"), Ok(()));
        assert_eq!(
            check_template("{申请人}：{姓名}"),
            Err("未知的占位符“{姓名}”".to_owned())
        );
        assert_eq!(
            check_template("{申请人}：{日期"),
            Err("模板中有未闭合的“{”".to_owned())
        );
        for outcome in Outcome::ALL {
            assert_eq!(check_template(&default_reply_template(*outcome)), Ok(()));
        }
        let parts: Vec<String> = pieces("甲{申请人}乙{未知}丙{")
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => format!("T:{t}"),
                Piece::Placeholder(n) => format!("P:{n}"),
                Piece::Unclosed(t) => format!("U:{t}"),
            })
            .collect();
        assert_eq!(parts, ["T:甲", "P:申请人", "T:乙", "P:未知", "T:丙", "U:{"]);
    }

    #[test]
    fn released_files_are_listed_before_the_seal_line() {
        let body = "张三：\n\n予以公开。\n\n乌恰县财政局\n2026年12月3日";
        assert_eq!(with_attachments(body, &[]), body);
        assert_eq!(
            with_attachments(body, &["预算.pdf".into(), "说明.docx".into()]),
            "张三：\n\n予以公开。\n\n附件：\n1. 预算.pdf\n2. 说明.docx\n\n乌恰县财政局\n2026年12月3日"
        );
        assert_eq!(
            with_attachments("予以公开。", &["a.pdf".into()]),
            "予以公开。\n\n附件：\n1. a.pdf"
        );
    }
}
