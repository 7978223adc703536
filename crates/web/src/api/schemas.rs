//! Schemas the OpenAPI document states that derives cannot: the closed sets of the query
//! parameters (taken from the domain's own lists) and the two request bodies with every rule the
//! submit handlers enforce — lengths, patterns, enums and the fields one choice makes required
//! (each combination of applicant kind and delivery form is one `oneOf` branch).
//!
//! Patterns describe values the server accepts; the few rules JSON Schema cannot say (the check
//! characters of ID numbers and 统一社会信用代码, that an organ code names an existing
//! organisation) are stated in the descriptions. Text never holds C0 control characters other
//! than tab, LF and CR, nor DEL: the edge refuses them (`input.control_character`).

use std::borrow::Cow;

use gongkai_domain::application::{
    ADDRESS_CHARS, ApplicantKind, CONTACT_CHARS, DESCRIPTION_CHARS, DOC_HINT_CHARS, DeliveryForm,
    EMAIL_CHARS, MIN_DESCRIPTION_CHARS, NAME_CHARS, POSTCODE_CHARS,
};
use gongkai_domain::case::SECRET_CHARS;
use gongkai_domain::message::{
    MAX_CONTENT_CHARS, MAX_NAME_CHARS, MAX_TITLE_CHARS, MIN_CONTENT_CHARS, MessageKind,
};
use gongkai_domain::record::{RecordKind, Validity};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::api::params::{SCOPES, SORTS};

/// Text without the control characters the edge refuses.
pub const TEXT: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$";
/// An organ code as typed (case does not matter).
pub const ORG_CODE: &str = r"^[A-Za-z0-9-]{2,32}$";
/// White space that is trimmed (Unicode `White_Space` less the refused controls).
const SPACE: &str = r"[\t\n\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// A character that is neither white space nor a control character (`\s` is ECMA-262's, which
/// lacks U+0085; Rust's `trim` removes it).
const SOLID: &str = r"[^\s\x00-\x1F\x7F\x85]";
/// Any character the edge lets through.
const ANY: &str = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]";
/// An 18-character ID number with a real birth date from 1900 to 2099 (the check character, the
/// last, follows GB 11643 and is not expressible here).
const ID_NUMBER: &str = concat!(
    r"^[1-9][0-9]{5}(",
    r"(19|20)[0-9]{2}((0[13578]|1[02])(0[1-9]|[12][0-9]|3[01])|(0[469]|11)(0[1-9]|[12][0-9]|30)|02(0[1-9]|1[0-9]|2[0-8]))",
    r"|(19([02468][48]|[13579][26]|[2468]0)|20([02468][048]|[13579][26]))0229",
    r")[0-9]{3}[0-9X]$"
);
/// A 统一社会信用代码 (the check character, the last, follows GB 32100).
const CREDIT_CODE: &str = r"^[0-9A-HJ-NPQRTUWXY]{18}$";
/// An 11-digit mobile number or a landline with its area code.
const PHONE: &str = r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})$";
/// An e-mail address.
const EMAIL: &str = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$";
/// An idempotency key.
const SUBMISSION_KEY: &str = r"^[0-9a-fA-F]{64}$";

/// Text that is not blank once trimmed and holds at least `min` characters from its first to its
/// last non-space character.
fn filled(min: usize) -> String {
    match min {
        0 | 1 => format!("^{SPACE}*{SOLID}{ANY}*$"),
        n => format!("^{SPACE}*{SOLID}{ANY}{{{},}}{SOLID}{SPACE}*$", n - 2),
    }
}

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

fn text(description: &str, max: usize) -> ObjectBuilder {
    string(description)
        .pattern(Some(TEXT))
        .max_length(Some(max))
}

fn required_text(description: &str, min: usize, max: usize) -> ObjectBuilder {
    string(description)
        .pattern(Some(filled(min)))
        .min_length(Some(min.max(1)))
        .max_length(Some(max))
}

/// `label`'s text, required (non-blank, the description saying `when` in brackets) where the
/// branch sets `required`, else optional.
fn text_required_if(required: bool, label: &str, when: &str, max: usize) -> ObjectBuilder {
    if required {
        required_text(&format!("{label}（{when}）"), 1, max)
    } else {
        text(label, max)
    }
}

/// An object that names every field it takes (the server ignores others, but any text in them
/// still passes the control-character check, so the document does not invite them).
fn closed_object() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
}

fn codes<'a>(description: &str, codes: impl IntoIterator<Item = &'a str>) -> ObjectBuilder {
    string(description).enum_values(Some(codes))
}

/// Declares a marker type whose schema is a string enum built from a list.
macro_rules! code_set {
    ($(#[$meta:meta])* $name:ident, $description:literal, $codes:expr) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                codes($description, $codes).into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

code_set!(
    /// The record kinds' codes (`kind` of the list and of search).
    RecordKindCode,
    "信息类别代码（只接受代码，不接受中文名称）",
    RecordKind::ALL.iter().map(|k| k.code())
);
code_set!(
    /// The validity codes (`validity` of search).
    ValidityCode,
    "有效性代码",
    Validity::ALL.iter().map(|v| v.code())
);
code_set!(
    /// The catalogue's column slugs (`column` of the list).
    ColumnSlug,
    "栏目代码（含其下级栏目）",
    gongkai_domain::catalogue::COLUMNS.iter().map(|c| c.slug)
);
code_set!(
    /// The orders of search results.
    SearchSort,
    "排序：relevance 按相关度（默认），date 按发布时间从新到旧",
    SORTS.iter().map(|s| s.0)
);
code_set!(
    /// Where search text must occur.
    SearchScope,
    "范围：all 标题、正文、附件和文号（默认），title 仅标题",
    SCOPES.iter().map(|s| s.0)
);

fn submission_key() -> ObjectBuilder {
    string("幂等键：64 位十六进制；同一键再次提交时返回第一次的回执（repeated 为 true）。不填则每次提交都是新的。")
        .pattern(Some(SUBMISSION_KEY))
}

fn phone() -> ObjectBuilder {
    string("联系电话：11 位手机号码，或带区号的固定电话（如 0908-1234567）").pattern(Some(PHONE))
}

fn email(description: &str) -> ObjectBuilder {
    string(description)
        .pattern(Some(EMAIL))
        .max_length(Some(EMAIL_CHARS))
}

fn secret() -> ObjectBuilder {
    string("查询密码，用于查询办理进度（6 至 64 个字符）")
        .pattern(Some(TEXT))
        .min_length(Some(*SECRET_CHARS.start()))
        .max_length(Some(*SECRET_CHARS.end()))
}

/// The body of `POST /api/v1/applications` (read as
/// [`ApplyForm`](gongkai_service::applications::ApplyForm)).
#[derive(Debug)]
pub struct ApplicationRequest;

impl PartialSchema for ApplicationRequest {
    fn schema() -> RefOr<Schema> {
        let natural = [ApplicantKind::Natural.code()];
        let organisations: Vec<&str> = ApplicantKind::ALL
            .iter()
            .filter(|k| k.is_organisation())
            .map(|k| k.code())
            .collect();
        let others: Vec<&str> = DeliveryForm::ALL
            .iter()
            .filter(|d| !matches!(d, DeliveryForm::Email | DeliveryForm::Post))
            .map(|d| d.code())
            .collect();
        let mut branches = OneOfBuilder::new().description(Some(
            "按申请人类型（自然人需身份证号；法人或其他组织需统一社会信用代码和联系人）与获取方式（电子邮件需邮箱；纸质邮寄需地址）分支，每个分支列出其必填项。",
        ));
        for organisation in [false, true] {
            for delivery in [
                vec![DeliveryForm::Email.code()],
                vec![DeliveryForm::Post.code()],
                others.clone(),
            ] {
                let kinds: Vec<&str> = if organisation {
                    organisations.clone()
                } else {
                    natural.to_vec()
                };
                branches = branches.item(application_branch(&kinds, &delivery));
            }
        }
        branches.into()
    }
}

impl ToSchema for ApplicationRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ApplicationRequest")
    }
}

fn application_branch(kinds: &[&str], delivery: &[&str]) -> ObjectBuilder {
    let organisation = kinds != [ApplicantKind::Natural.code()];
    let by_email = delivery == [DeliveryForm::Email.code()];
    let by_post = delivery == [DeliveryForm::Post.code()];
    let mut o = closed_object()
        .property("submission_key", submission_key())
        .property(
            "org",
            string("受理机关的机构代码：须为 GET /api/v1/organisations 列出的机构，否则答 400（fields.org）")
                .pattern(Some(ORG_CODE)),
        )
        .property(
            "applicant_kind",
            codes("申请人类型代码", kinds.iter().copied()),
        )
        .property(
            "name",
            required_text("申请人姓名或名称", 1, NAME_CHARS),
        )
        .property(
            "id_number",
            string("公民身份号码（自然人必填）：18 位，出生日期真实，末位为 GB 11643 校验码（X 大写）")
                .pattern(Some(ID_NUMBER)),
        )
        .property(
            "credit_code",
            string("统一社会信用代码（法人或其他组织必填）：18 位，末位为 GB 32100 校验码")
                .pattern(Some(CREDIT_CODE)),
        )
        .property(
            "contact_person",
            text_required_if(organisation, "联系人", "法人或其他组织必填", CONTACT_CHARS),
        )
        .property("phone", phone())
        .property("email", email("电子邮箱（选择电子邮件方式时必填）"))
        .property(
            "address",
            text_required_if(by_post, "通讯地址", "选择纸质邮寄时必填", ADDRESS_CHARS),
        )
        .property("postcode", text("邮政编码", POSTCODE_CHARS))
        .property(
            "description",
            required_text(
                "所需政府信息的名称、文号或便于查询的其他特征（去掉首尾空白后至少 5 个字）",
                MIN_DESCRIPTION_CHARS,
                DESCRIPTION_CHARS,
            ),
        )
        .property("doc_hint", text("信息标题或文号（如知道）", DOC_HINT_CHARS))
        .property(
            "delivery",
            codes("获取信息的方式代码", delivery.iter().copied()),
        )
        .property("secret", secret());
    for field in [
        "org",
        "applicant_kind",
        "name",
        "phone",
        "description",
        "delivery",
        "secret",
    ] {
        o = o.required(field);
    }
    if organisation {
        o = o.required("credit_code").required("contact_person");
    } else {
        o = o.required("id_number");
    }
    if by_email {
        o = o.required("email");
    }
    if by_post {
        o = o.required("address");
    }
    o
}

/// The body of `POST /api/v1/messages` (read as
/// [`WriteForm`](gongkai_service::messages::WriteForm)).
#[derive(Debug)]
pub struct MessageRequest;

impl PartialSchema for MessageRequest {
    fn schema() -> RefOr<Schema> {
        let mut o = closed_object()
            .property("submission_key", submission_key())
            .property(
                "to",
                string("head 为县长信箱；否则为 GET /api/v1/organisations 列出的机构代码，未列出的代码答 400（fields.to）")
                    .pattern(Some(r"^(head|[A-Za-z0-9-]{2,32})$")),
            )
            .property(
                "kind",
                codes("留言类型代码", MessageKind::ALL.iter().map(|k| k.code())),
            )
            .property("title", required_text("标题", 1, MAX_TITLE_CHARS))
            .property(
                "content",
                required_text(
                    "留言内容（去掉首尾空白后至少 5 个字）",
                    MIN_CONTENT_CHARS,
                    MAX_CONTENT_CHARS,
                ),
            )
            .property("name", required_text("姓名", 1, MAX_NAME_CHARS))
            .property("phone", phone())
            .property(
                "email",
                email("电子邮箱（选填；答复也发送到此邮箱）"),
            )
            .property(
                "allow_publish",
                string("1、true、on 或 yes 表示同意公开留言和答复；其他值或不填为不同意")
                    .pattern(Some(TEXT))
                    .max_length(Some(8)),
            )
            .property("secret", secret());
        for field in ["to", "kind", "title", "content", "name", "phone", "secret"] {
            o = o.required(field);
        }
        o.into()
    }
}

impl ToSchema for MessageRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("MessageRequest")
    }
}
