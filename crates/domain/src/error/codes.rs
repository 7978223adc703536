//! The one table of user-facing error codes and their Chinese messages.
//!
//! Every refusal a person or an API client can meet has a stable dotted code (`area.reason`,
//! e.g. `application.correction_window_closed`) and one Chinese wording, both written once in
//! the [`error_codes!`] invocation below. A message that needs a value names it in braces
//! (`"名称不能超过 {max} 个字"`) and [`ErrorCode::render`] fills it in.
//!
//! To add a code: add a line to the table (variant, code, wording), then refuse with
//! `DomainError::invalid(field, ErrorCode::…)` (or `DomainError::with` when the wording has
//! values). Codes are part of the JSON API: never rename or reuse one.

use std::fmt::{self, Write as _};

/// Declares [`ErrorCode`] from one table of `Variant => ("area.reason", "中文说明")` lines.
macro_rules! error_codes {
    ($($variant:ident => ($code:literal, $message:literal)),+ $(,)?) => {
        /// A user-facing refusal: its stable code and its Chinese wording live in one table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $code, "`: ", $message)]
                $variant
            ),+
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The stable dotted code API clients see, e.g. `record.title_required`, and the
            /// Chinese wording with `{name}` placeholders for its values.
            pub fn entry(self) -> (&'static str, &'static str) {
                match self {
                    $(ErrorCode::$variant => ($code, $message)),+
                }
            }
        }
    };
}

error_codes! {
    // Values typed or stored that are none of a closed set's codes or labels.
    ValueUnrecognised => ("input.value_unrecognised", "无法识别“{value}”"),
    DateFormat => ("input.date_format", "日期格式应为 YYYY-MM-DD，例如 2026-11-25"),

    // Organisations.
    OrgCodeLength => ("org.code_length", "机构代码长度应为 2 至 32 个字符"),
    OrgCodeCharacters => ("org.code_characters", "机构代码只能包含英文字母、数字和连字符“-”"),
    OrgNameLength => ("org.name_length", "机构名称长度应为 2 至 64 个字"),
    OrgNameControlCharacters => ("org.name_control_characters", "机构名称不能包含控制字符"),
    OrgKindUnknown => (
        "org.kind_unknown",
        "未知的机构类型“{kind}”，应为 government、department 或 township"
    ),

    // Staff accounts.
    UserUsernameInvalid => (
        "user.username_invalid",
        "用户名应为 3 至 32 位，以英文字母开头，只含小写字母、数字、下划线、点和连字符"
    ),
    UserPasswordTooShort => ("user.password_too_short", "密码至少需要 {min} 位"),
    UserPasswordTooLong => ("user.password_too_long", "密码不能超过 128 位"),
    UserPasswordTooSimple => (
        "user.password_too_simple",
        "密码需包含小写字母、大写字母、数字、符号中的至少三类"
    ),
    UserDisplayNameInvalid => ("user.display_name_invalid", "姓名应为 1 至 32 个字"),
    UserRoleUnknown => (
        "user.role_unknown",
        "未知的角色“{role}”，可用角色：editor（编辑）、reviewer（审核）、handler（办理）、supervisor（政务公开办）、office_head（公开办负责人）、admin（管理员）"
    ),

    // Typed public lists (权力清单, 办事指南, 执法公示, 公示 …).
    ListFieldRequired => ("list.field_required", "请填写“{label}”"),
    ListFieldTooLong => ("list.field_too_long", "“{label}”不能超过 {max} 个字"),
    ListFieldControlCharacter => ("list.field_control_character", "“{label}”含有无法识别的控制字符，请删除后重试"),
    ListDateInvalid => ("list.date_invalid", "“{label}”应为日期，例如 2026-11-25"),
    ListNumberInvalid => ("list.number_invalid", "“{label}”应为数字，例如 12 或 3.5"),
    ListMoneyInvalid => ("list.money_invalid", "“{label}”应为以元为单位的金额，最多两位小数，例如 1234.50"),
    ListOptionUnknown => ("list.option_unknown", "“{label}”应为以下之一：{options}"),
    ListOrgInvalid => ("list.org_invalid", "“{label}”应为本网站机构的机构代码"),
    ListOrgUnknown => ("list.org_unknown", "“{label}”中的机构代码“{code}”不是本网站的机构"),
    ListAttachmentInvalid => ("list.attachment_invalid", "“{label}”应为已上传的附件"),
    ListFieldUnknown => ("list.field_unknown", "本清单没有“{name}”这一栏"),
    ListSchemaCodeInvalid => ("list.schema_code_invalid", "清单代码应为 2 至 32 位，以小写英文字母开头，只含小写字母、数字和连字符"),
    ListSchemaNameInvalid => ("list.schema_name_invalid", "清单名称应为 2 至 40 个字"),
    ListSchemaFieldCount => ("list.schema_field_count", "清单应有 1 至 {max} 个字段"),
    ListSchemaKeyInvalid => ("list.schema_key_invalid", "字段代码“{key}”应以小写英文字母开头，只含小写字母、数字和下划线，不超过 32 个字符"),
    ListSchemaLabelInvalid => ("list.schema_label_invalid", "字段“{key}”的名称应为 1 至 32 个字"),
    ListSchemaKeyDuplicate => ("list.schema_key_duplicate", "字段“{key}”重复"),
    ListSchemaOptions => ("list.schema_options", "选项字段“{label}”应有 1 至 {max} 个不重复的选项，每项 1 至 32 个字"),
    ListSchemaTitleUnknown => ("list.schema_title_unknown", "标题字段和发布必备字段必须是本清单的字段"),
    ListGongshiDays => ("list.gongshi_days", "公示期应为 1 至 {max} 天"),
    ListMissingElements => ("list.missing_elements", "缺少法定要素：{elements}，补齐后才能发布"),
    ListRowAuthorOnly => ("list.row_author_only", "草稿只能由起草人修改或提交审核"),
    ListRowSelfReview => ("list.row_self_review", "审核人不能审核自己起草或修改的条目，请由其他审核人员审核"),
    ListRowActionNotAllowed => ("list.row_action_not_allowed", "“{status}”状态的条目不能“{action}”"),
    ListRowStale => ("list.row_stale", "该条目已被他人修改，请刷新后在最新内容上重新修改"),
    ListCodeTaken => ("list.code_taken", "清单代码“{code}”已被使用"),
    ListUnknown => ("list.unknown", "没有代码为“{code}”的清单"),
    ListOrgOutOfScope => ("list.org_out_of_scope", "只能为您有权限的机构填写清单条目"),
    ListCodeBuiltin => ("list.code_builtin", "“{code}”是内置清单的代码，请换一个"),
    ListWorkbookRefused => ("list.workbook_refused", "{reason}"),
    ListImportRowRefused => ("list.import_row_refused", "{place}编号为 {id} 的条目不能导入：{reason}"),
    ListRowFormInvalid => ("list.row_form_invalid", "条目未保存，请按各项旁的提示更正后重新保存"),
    ListImportEmpty => ("list.import_empty", "请选择要导入的 Excel 文件（.xlsx）"),
    ListImportExpired => ("list.import_expired", "找不到刚才上传的文件，请重新选择文件导入"),
    ListWithdrawReasonRequired => ("list.withdraw_reason_required", "撤回时请填写撤回原因"),
    ListSchemaFieldRow => ("list.schema_field_row", "第 {n} 行字段：{reason}"),

    // Records (主动公开) and their workflow.
    RecordDraftAuthorOnly => (
        "record.draft_author_only",
        "草稿只能由起草人修改、上传附件或提交审核，以免审核人审核自己改过的内容"
    ),
    RecordSelfReview => (
        "record.self_review",
        "审核人不能审核自己起草的信息，请由其他审核人员审核（先审查后公开）"
    ),
    RecordNotSubmitted => ("record.not_submitted", "信息尚未提交审核，不能发布"),
    RecordUnderReview => (
        "record.under_review",
        "信息正在审核中，不能修改；如需修改请由审核人员退回"
    ),
    RecordWithdrawn => ("record.withdrawn", "信息已撤回，不能再做此操作"),
    RecordActionNotAllowed => ("record.action_not_allowed", "“{status}”状态的信息不能“{action}”"),
    RecordPublishTimeFormat => ("record.publish_time_format", "发布时间格式应为 YYYY-MM-DD HH:MM"),
    RecordPublishTimeInvalid => ("record.publish_time_invalid", "发布时间无效"),
    RecordPublishTimePast => (
        "record.publish_time_past",
        "发布时间不能早于现在；立即发布请不填发布时间"
    ),
    RecordDisclosureMethodUnknown => (
        "record.disclosure_method_unknown",
        "无法识别公开方式“{method}”"
    ),
    RecordTitleRequired => ("record.title_required", "请填写名称"),
    RecordTitleTooLong => ("record.title_too_long", "名称不能超过 200 个字"),
    RecordKindRequired => ("record.kind_required", "请选择信息类别"),
    RecordDocNumberTooLong => ("record.doc_number_too_long", "文号不能超过 64 个字"),
    RecordWrittenOnFuture => ("record.written_on_future", "成文日期不能晚于今天"),
    RecordValidityRequired => ("record.validity_required", "请选择有效性"),
    InputTooLong => ("input.too_long", "不能超过 {max} 个字"),
    InputControlCharacter => ("input.control_character", "提交的内容含有无法识别的控制字符，请删除后重试"),
    RecordDocNumberTaken => ("record.doc_number_taken", "文号“{doc_number}”已被本机构的其他信息使用，请核对"),
    RecordExemptionGroundRequired => (
        "record.exemption_ground_required",
        "选择“不予公开”时必须注明法定依据（第十四至十六条）"
    ),
    RecordCorrectionNoteRequired => (
        "record.correction_note_required",
        "请填写更正说明，说明本次修改了什么"
    ),
    RecordWithdrawalReasonRequired => (
        "record.withdrawal_reason_required",
        "请填写撤回原因，该原因将在页面上公开"
    ),
    RecordSupersededBySelf => ("record.superseded_by_self", "信息不能被自身替代"),
    RecordCorrectionSelfReview => (
        "record.correction_self_review",
        "更正须由更正人以外的审核人员审核，您不能审核自己提交的更正（先审查后公开）"
    ),
    RecordCorrectionPending => (
        "record.correction_pending",
        "该信息已有一项更正正在审核或待修改（{author} 提交），请待其审核完成后再提交新的更正"
    ),
    RecordCorrectionMissing => ("record.correction_missing", "该信息没有待审核的更正"),
    RecordCorrectionReturnReasonRequired => (
        "record.correction_return_reason_required",
        "退回更正时请填写退回原因"
    ),
    RecordCorrectionDiscardNotAllowed => (
        "record.correction_discard_not_allowed",
        "只有更正的提交人可以放弃这项更正；已退回的更正也可由审核人员放弃"
    ),
    AttachmentNotSaved => ("attachment.not_saved", "无法保存附件：{reason}"),

    // Index numbers (索引号).
    IndexFormatUnknown => (
        "index.format_unknown",
        "未知的索引号格式“{format}”，应为 local 或 national"
    ),
    IndexSerialExhausted => (
        "index.serial_exhausted",
        "{year} 年的索引号流水号已用尽（上限 {max}）"
    ),
    IndexNumberInvalid => ("index.number_invalid", "“{value}”不是有效的索引号"),

    // The theme tree and the negative list.
    ThemeNameInvalid => ("theme.name_invalid", "主题名称应为 1 至 30 个字，且不含“\\”"),
    ThemeNameLength => ("theme.name_length", "主题名称应为 1 至 30 个字"),
    ThemeParentMissing => ("theme.parent_missing", "上级主题“{parent}”不存在"),
    ThemeTaken => ("theme.taken", "主题“{theme}”已存在"),
    ScreeningTermLength => ("screening.term_length", "词语长度应为 1 至 50 个字"),
    ScreeningTermTaken => ("screening.term_taken", "“{term}”已在负面清单中"),
    ScreeningJustificationRequired => (
        "screening.justification_required",
        "内容审查发现 {findings} 处疑似敏感信息，如确认可以公开，请填写书面说明（不少于 {min} 个字）"
    ),
    ScreeningSecretGroundRequired => (
        "screening.secret_ground_required",
        "内容含有密级标志（{marking}），须经保密审查：请从列表中选择可以公开的法定依据，并填写书面说明（不少于 {min} 个字）"
    ),

    // Contact details on public forms.
    ContactCreditCodeInvalid => (
        "contact.credit_code_invalid",
        "统一社会信用代码应为 18 位，且校验位正确"
    ),
    ContactIdNumberInvalid => (
        "contact.id_number_invalid",
        "身份证号码不正确，请核对（18 位，末位校验码可能为 X）"
    ),
    ContactPhoneInvalid => (
        "contact.phone_invalid",
        "联系电话应为 11 位手机号码或带区号的固定电话"
    ),

    // 依申请公开: the handling steps of an application.
    ApplicationAlreadyReplied => ("application.already_replied", "该申请已答复办结，不能再办理"),
    ApplicationDateBeforeReceipt => (
        "application.date_before_receipt",
        "办理日期不能早于收到申请的日期"
    ),
    ApplicationDateBeforeLastStep => (
        "application.date_before_last_step",
        "办理日期不能早于上一步“{step}”的日期 {date}"
    ),
    ApplicationNotRegistered => ("application.not_registered", "请先登记该申请"),
    ApplicationAlreadyRegistered => ("application.already_registered", "该申请已登记"),
    ApplicationCorrectionOnce => ("application.correction_once", "补正只能要求一次（第三十条）"),
    ApplicationCorrectionWindowClosed => (
        "application.correction_window_closed",
        "补正告知应在收到申请之日起 {days} 个工作日内发出（第三十条），现已过 {used} 个工作日"
    ),
    ApplicationCorrectionDeadlineEarly => (
        "application.correction_deadline_early",
        "补正期限应晚于告知日期"
    ),
    ApplicationCorrectionItemsRequired => (
        "application.correction_items_required",
        "请写明需要补正的事项"
    ),
    ApplicationConsultedPartyRequired => (
        "application.consulted_party_required",
        "请写明征求意见的对象"
    ),
    ApplicationConsultingAgency => ("application.consulting_agency", "当前征求的是其他机关的意见"),
    ApplicationConsultingThirdParty => (
        "application.consulting_third_party",
        "当前征求的是第三方的意见"
    ),
    ApplicationExtensionTooLong => (
        "application.extension_too_long",
        "延长答复期限最长不得超过 {max} 个工作日（第三十三条），已延长 {used} 个工作日"
    ),
    ApplicationExtensionReasonRequired => (
        "application.extension_reason_required",
        "请写明延期理由，该理由将告知申请人"
    ),
    ApplicationFeeNotChargeable => (
        "application.fee_not_chargeable",
        "按规定不收费的申请不能发出收费通知"
    ),
    ApplicationFeeDeadlineRequired => (
        "application.fee_deadline_required",
        "收费通知应载明缴费期限"
    ),
    ApplicationTransferTargetRequired => (
        "application.transfer_target_required",
        "请选择负责公开该信息的机构"
    ),
    ApplicationCorrectionPeriodRunning => (
        "application.correction_period_running",
        "补正期限至 {deadline} 止，期限届满前不能以“逾期不补正”办结（第三十条）"
    ),
    ApplicationCorrectionPeriodOver => (
        "application.correction_period_over",
        "补正期限已于 {deadline} 届满，不能再在线提交补正；如有正当理由，请与受理机关联系（第三十条）"
    ),
    ApplicationCorrectionTextRequired => (
        "application.correction_text_required",
        "请填写补正内容"
    ),
    ApplicationCorrectionTextTooLong => (
        "application.correction_text_too_long",
        "补正内容不能超过 {max} 个字"
    ),
    ApplicationCorrectionNotAwaited => (
        "application.correction_not_awaited",
        "该申请目前不需要补正"
    ),
    ApplicationCorrectionNotReceived => (
        "application.correction_not_received",
        "尚未收到补正，“补正后申请内容仍不明确”须在收到补正后答复"
    ),
    ApplicationPaymentPeriodRunning => (
        "application.payment_period_running",
        "缴费期限至 {deadline} 止，期限届满前不能以“逾期未缴费”办结"
    ),
    ApplicationConsultationRunning => (
        "application.consultation_running",
        "正在{consultation}，请在对方答复后，或对方的 {days} 个工作日期满（{last_day}）后再办理"
    ),
    ApplicationConsultationAnswerRequired => (
        "application.consultation_answer_required",
        "请先登记征求意见的答复"
    ),
    ApplicationNoCorrectionRequested => (
        "application.no_correction_requested",
        "申请人未被要求补正，不能以“逾期不补正”办结"
    ),
    ApplicationNoFeeNotice => (
        "application.no_fee_notice",
        "未发出收费通知，不能以“逾期未缴费”办结"
    ),
    ApplicationStillUnclearEarly => (
        "application.still_unclear_early",
        "“补正后申请内容仍不明确”只能在要求补正并收到补正后答复（第三十条）"
    ),
    ApplicationActionNotAllowed => (
        "application.action_not_allowed",
        "“{status}”状态下不能“{event}”"
    ),
    ApplicationRegionSiteOnly => (
        "application.region_site_only",
        "“{code}”不是站点（顶层机构），地区只能按站点设置"
    ),
    ApplicationRegionWithoutData => (
        "application.region_without_data",
        "日历中没有地区“{region}”的节假日数据，请先在工作日日历中导入该地区的安排"
    ),

    // 政民互动: messages, their handling steps and ratings.
    MailboxNameInvalid => ("mailbox.name_invalid", "信箱名称应为 2 至 10 个字并以“信箱”结尾，如 县长信箱、市长信箱、区长信箱"),
    MailboxOrgOutOfSite => ("mailbox.org_out_of_site", "承办机构须是该站点所属的机构"),
    MessageTextRequired => ("message.text_required", "请填写{what}"),
    MessageTextTooLong => ("message.text_too_long", "{what}不能超过 {max} 个字"),
    MessageCannotAccept => ("message.cannot_accept", "当前状态为“{status}”，不能受理"),
    MessageCannotRefuse => ("message.cannot_refuse", "当前状态为“{status}”，不能作不予受理处理"),
    MessageCannotAssign => ("message.cannot_assign", "当前状态为“{status}”，不能交办"),
    MessageReturnNotAssigned => ("message.return_not_assigned", "只有办理中的留言可以退回"),
    MessageReturnWithoutAssignment => (
        "message.return_without_assignment",
        "这条留言没有交办记录，不能退回"
    ),
    MessageReturnWindowPassed => (
        "message.return_window_passed",
        "交办已超过 {days} 个工作日，不能再退回；请办理，或与政务公开办协商改派"
    ),
    MessageCannotRecordProgress => (
        "message.cannot_record_progress",
        "当前状态为“{status}”，不能登记办理情况"
    ),
    MessageReplyUnderReview => ("message.reply_under_review", "答复正在审核中，请等待审核结果"),
    MessageCannotReply => ("message.cannot_reply", "当前状态为“{status}”，不能答复"),
    MessageNoReplyToReview => ("message.no_reply_to_review", "没有待审核的答复"),
    MessageSupervisionNotNeeded => (
        "message.supervision_not_needed",
        "当前状态为“{status}”，无需督办"
    ),
    MessageRectificationUnchecked => (
        "message.rectification_unchecked",
        "差评整改尚未完成核查，暂不能办结"
    ),
    MessageCloseBeforeReply => ("message.close_before_reply", "答复之后才能办结"),
    MessageFollowUpBeforeReply => ("message.follow_up_before_reply", "答复之后才能回访"),
    MessageRectificationRecorded => ("message.rectification_recorded", "整改情况已经登记"),
    MessageNoRectification => ("message.no_rectification", "这条留言没有需要整改的差评"),
    MessageRectificationNotDone => (
        "message.rectification_not_done",
        "承办单位尚未登记整改情况"
    ),
    MessageRectificationChecked => ("message.rectification_checked", "整改已经核查"),
    MessageAlreadyHidden => ("message.already_hidden", "这条留言已经不予公开展示"),
    MessageReplySelfReview => ("message.reply_self_review", "答复须由拟写人以外的人员审核"),
    MessageRatingBeforeReply => ("message.rating_before_reply", "收到答复之后才能评价"),
    MessageAlreadyRated => ("message.already_rated", "您已经评价过这条留言，不能重复评价"),
    MessageRatingCommentTooLong => (
        "message.rating_comment_too_long",
        "评价意见不能超过 500 个字"
    ),
    MessageKindRequired => ("message.kind_required", "请选择留言类型"),
    MessageTitleRequired => ("message.title_required", "请填写标题"),
    MessageTitleTooLong => ("message.title_too_long", "标题不能超过 {max} 个字"),
    MessageContentTooShort => ("message.content_too_short", "请填写留言内容（至少 {min} 个字）"),
    MessageContentTooLong => (
        "message.content_too_long",
        "留言内容不能超过 {max} 个字，当前 {n} 个字"
    ),
    MessageNameRequired => ("message.name_required", "请填写姓名"),
    MessageNameTooLong => ("message.name_too_long", "姓名不能超过 {max} 个字"),
    MessageDuplicate => (
        "message.duplicate",
        "您在 {days} 日内已提交过内容相同的留言（查询码 {tracking_code}），请勿重复提交；可凭查询码查询办理进度。"
    ),
    MessageAssigneeOutsideSite => (
        "message.assignee_outside_site",
        "只能交办给本级政府及其所属单位"
    ),

    // 意见征集: consultations, comments on them and the feedback report.
    ConsultationClosesBeforeOpening => (
        "consultation.closes_before_opening",
        "截止时间应晚于开始时间，请重新填写"
    ),
    ConsultationShortReasonRequired => (
        "consultation.short_reason_required",
        "征求意见期限一般不少于 {min_days} 日；期限较短的，请说明理由，理由将向社会公开（《重大行政决策程序暂行条例》第十五条）"
    ),
    ConsultationShortReasonTooLong => ("consultation.short_reason_too_long", "理由不能超过 500 个字"),
    ConsultationClosingTimePassed => (
        "consultation.closing_time_passed",
        "截止时间 {closes_at} 已过，请先修改征求意见期限"
    ),
    ConsultationPeriodNotOver => (
        "consultation.period_not_over",
        "征求意见期限尚未届满（截止于 {closes_at}），不能提前截止"
    ),
    ConsultationFeedbackBeforeClose => (
        "consultation.feedback_before_close",
        "请先截止征集，再发布反馈报告"
    ),
    ConsultationActionNotAllowed => (
        "consultation.action_not_allowed",
        "“{status}”状态下不能“{action}”"
    ),
    ConsultationPublishedDraftLocked => (
        "consultation.published_draft_locked",
        "已发布的征求意见不能再修改草稿内容"
    ),
    ConsultationPublishedAttachmentsLocked => (
        "consultation.published_attachments_locked",
        "已发布的征求意见不能再添加附件"
    ),
    ConsultationFeedbackRowsRequired => (
        "consultation.feedback_rows_required",
        "发布反馈报告须同时提交每条意见的采纳情况"
    ),
    ConsultationFeedbackTooEarly => (
        "consultation.feedback_too_early",
        "“{status}”状态下不能填写反馈，请在征集截止后填写"
    ),
    ConsultationCommentsPending => (
        "consultation.comments_pending",
        "尚有 {pending} 条意见未审核，请先审核全部意见再发布反馈报告"
    ),
    ConsultationFeedbackUnpublishedComment => (
        "consultation.feedback_unpublished_comment",
        "编号 {id} 的意见不在已公开的意见之中"
    ),
    ConsultationFeedbackForeignComment => (
        "consultation.feedback_foreign_comment",
        "编号 {id} 的意见不属于本次征求意见"
    ),
    ConsultationFeedbackDuplicate => (
        "consultation.feedback_duplicate",
        "编号 {id} 的意见重复作出了决定"
    ),
    ConsultationFeedbackReasonRequired => (
        "consultation.feedback_reason_required",
        "编号 {id} 的意见请写明采纳情况的理由"
    ),
    ConsultationFeedbackIncomplete => (
        "consultation.feedback_incomplete",
        "反馈报告不完整：第 {n} 条意见（编号 {id}）尚未作出采纳、部分采纳或不采纳的决定"
    ),
    CommentClosed => (
        "comment.closed",
        "征求意见已于 {closes_at} 截止，不再接收意见。感谢您的关注。"
    ),
    CommentNotOpenYet => ("comment.not_open_yet", "征求意见将于 {opens_at} 开始，届时欢迎提出意见"),
    CommentBodyRequired => ("comment.body_required", "请填写您的意见或建议"),
    CommentBodyTooLong => ("comment.body_too_long", "意见不能超过 {max} 个字"),
    CommentArticleUnknown => ("comment.article_unknown", "所选条款不存在，请重新选择"),
    CommentDecisionRequired => ("comment.decision_required", "请选择通过或不通过"),
    CommentRejectionReasonRequired => (
        "comment.rejection_reason_required",
        "不予公开的意见须写明理由，理由将告知提出意见的人"
    ),
    CommentFeedbackPublished => (
        "comment.feedback_published",
        "反馈报告已发布，不能再改变意见的审核结果"
    ),

    // 舆情: public-opinion events.
    OpinionTitleRequired => ("opinion.title_required", "请填写舆情名称（不超过 200 个字）"),
    OpinionSourceRequired => (
        "opinion.source_required",
        "请填写舆情来源（如网站、媒体、平台名称）"
    ),
    OpinionSummaryRequired => ("opinion.summary_required", "请填写舆情摘要"),
    OpinionFirstSeenFuture => ("opinion.first_seen_future", "首次发现时间不能晚于当前时间"),
    OpinionClosedNoResponse => ("opinion.closed_no_response", "该舆情已办结，不能再登记回应"),
    OpinionResponseBeforeFirstSeen => (
        "opinion.response_before_first_seen",
        "回应时间不能早于首次发现时间（{first_seen}）"
    ),
    OpinionResponseFuture => ("opinion.response_future", "回应时间不能晚于当前时间"),
    OpinionResponseNoteRequired => ("opinion.response_note_required", "请填写回应内容摘要"),
    OpinionAlreadyClosed => ("opinion.already_closed", "该舆情已办结"),
    OpinionEvaluationRequired => (
        "opinion.evaluation_required",
        "办结前请填写处置评估意见（回应是否及时、效果如何、有何改进）"
    ),

    // The holiday calendar and statutory clocks.
    CalendarYearMissing => (
        "calendar.year_missing",
        "尚无 {year} 年的节假日数据，请管理员导入后再计算期限"
    ),
    CalendarRegionUnknown => (
        "calendar.region_unknown",
        "尚未设置地区“{region}”的地方节假日数据，请管理员导入后再计算期限"
    ),
    CalendarRegionalYearMissing => (
        "calendar.regional_year_missing",
        "尚无地区“{region}”{year} 年的地方节假日数据，请管理员导入后再计算期限（该年没有地方节假日时导入空列表）"
    ),
    CalendarMalformed => ("calendar.malformed", "节假日数据格式错误：{detail}"),
    CalendarYearOutOfRange => (
        "calendar.year_out_of_range",
        "年份 {year} 不在可接受的范围（{min}–{max}）内"
    ),
    CalendarInvalidDate => (
        "calendar.invalid_date",
        "日期“{value}”无效，应为 YYYY-MM-DD 格式的真实日期"
    ),
    CalendarDayOutsideYear => (
        "calendar.day_outside_year",
        "{date} 不属于 {year} 年的节假日安排（只接受该年的日期，以及上一年 12 月的调休日期）"
    ),
    CalendarDuplicateDay => ("calendar.duplicate_day", "{date} 在 {year} 年的数据中出现了不止一次"),
    CalendarMissingName => ("calendar.missing_name", "{date} 缺少节日名称"),
    CalendarNameTooLong => ("calendar.name_too_long", "{date} 的节日名称过长（最多 {max} 个字）"),
    CalendarNoDaysOff => (
        "calendar.no_days_off",
        "{year} 年的全国节假日安排中没有任何放假日，请检查导入的文件"
    ),
    CalendarConflictingDay => (
        "calendar.conflicting_day",
        "{date} 在 {first_year} 年和 {second_year} 年的数据中安排不一致"
    ),
    CalendarInvalidRegion => (
        "calendar.invalid_region",
        "地区代码“{value}”无效，应为 1–16 位大写字母、数字或连字符（如 XJ）"
    ),
    ClockExtensionTooLong => (
        "clock.extension_too_long",
        "延长期限合计 {requested} 个工作日，超过上限 {max} 个工作日"
    ),
    ClockEmptyExtension => ("clock.empty_extension", "延长的工作日数必须大于 0"),
    ClockInvalidPause => (
        "clock.invalid_pause",
        "暂停计时的结束日期 {last_day} 早于开始日期 {first_day}"
    ),
    ClockRestartBeforeReceipt => (
        "clock.restart_before_receipt",
        "补正后申请的收到日期 {corrected} 早于原申请的收到日期 {received}"
    ),

    // Mail and tracking codes.
    MailNothingToResend => ("mail.nothing_to_resend", "该邮件{status}，无需重新发送"),
    CaseCodeUnavailable => ("case.code_unavailable", "暂时无法生成查询码，请稍后重新提交"),
    UserRoleRequired => ("user.role_required", "请至少指定一个角色"),
    UserUsernameTaken => ("user.username_taken", "用户名“{username}”已被使用"),
    UserEmailInvalid => ("user.email_invalid", "电子邮箱格式不正确"),
    OrgCodeTaken => ("org.code_taken", "机构代码“{code}”已被使用，请换一个代码"),
    OrgPublicPhoneInvalid => ("org.public_phone_invalid", "对外联系电话不能超过 64 个字，且不能包含控制字符"),

    // Refusals worded by a leaf crate's own error type (content, export, jobs): the code is
    // stable, the wording is that crate's.
    AttachmentRefused => ("attachment.refused", "{reason}"),
    AttachmentTextTooLarge => ("attachment.text_too_large", "附件内容过大，未能提取文字"),
    LetterExportFailed => ("letter.export_failed", "{reason}"),
    MailConfigInvalid => ("mail.config_invalid", "{reason}"),
    OrgShortNameLength => ("org.short_name_length", "简称长度应为 2 至 64 个字"),
    OrgShortNameControlCharacters => ("org.short_name_control_characters", "简称不能包含控制字符"),
    SiteOutOfScope => ("site.out_of_scope", "请选择您所管理的站点"),

    // Pages, forms, uploads and the back office's own checks.
    UploadTooMany => ("upload.too_many", "最多上传 {max} 个{what}"),
    UploadFileTooLarge => ("upload.file_too_large", "{what}不能超过 {limit}"),
    UploadArchiveNotAccepted => (
        "upload.archive_not_accepted",
        "{what}不接受压缩包，请上传 PDF、图片或 Word 文档"
    ),
    ApiKindInvalid => ("api.kind_invalid", "kind 应为信息类别代码，如 policy、notice"),
    ApiPageInvalid => ("api.page_invalid", "page 应为正整数"),
    ApiPerPageInvalid => ("api.per_page_invalid", "per_page 应为 1 至 100 的整数"),
    ApiRecordNotFound => ("api.record_not_found", "未找到该信息"),
    ApiScopeInvalid => ("api.scope_invalid", "scope 应为 all 或 title"),
    ApiSortInvalid => ("api.sort_invalid", "sort 应为 relevance 或 date"),
    ApiValidityInvalid => ("api.validity_invalid", "validity 应为 valid、expired 或 repealed"),
    ApiYearInvalid => ("api.year_invalid", "year 应为四位年份"),
    ApplicationAddressRequired => ("application.address_required", "选择邮寄方式时请填写通讯地址"),
    ApplicationApplicantKindRequired => ("application.applicant_kind_required", "请选择申请人类型"),
    ApplicationContactPersonRequired => ("application.contact_person_required", "请填写联系人"),
    ApplicationDateFuture => ("application.date_future", "办理日期 {on} 晚于今天，请填写实际办理的日期"),
    ApplicationDeliveryRequired => ("application.delivery_required", "请选择获取信息的方式"),
    ApplicationDescriptionRequired => ("application.description_required", "请描述所需政府信息的名称、文号或便于查询的其他特征（至少 5 个字）"),
    ApplicationEmailRequired => ("application.email_required", "选择电子邮件方式时请填写电子邮箱"),
    ApplicationExtensionDaysRequired => ("application.extension_days_required", "请填写延长的工作日数"),
    ApplicationFeePagesRequired => ("application.fee_pages_required", "请填写页数"),
    ApplicationLetterNeedsLookup => ("application.letter_needs_lookup", "请先在“办理进度查询”中输入查询码和查询密码"),
    ApplicationNameRequired => ("application.name_required", "请填写申请人姓名或名称"),
    ApplicationOrgRequired => ("application.org_required", "请选择受理机关"),
    ApplicationOutcomeRequired => ("application.outcome_required", "请选择答复类型"),
    ApplicationOutcomeUnknown => ("application.outcome_unknown", "未知的答复类型"),
    ApplicationRateLimited => ("application.rate_limited", "同一网络地址一小时内最多提交 {limit} 件申请，请稍后再试。如需大量申请，请与受理机关联系。"),
    AttachmentNotFound => ("attachment.not_found", "附件不存在或尚未公开"),
    CaseLookupThrottled => ("case.lookup_throttled", "查询失败次数过多，请 15 分钟后再试。"),
    CaseSecretInvalid => ("case.secret_invalid", "查询密码应为 6 至 64 位，请牢记，用于{purpose}"),
    CaseSecretMismatch => ("case.secret_mismatch", "两次输入的查询密码不一致"),
    CaseStepUnknown => ("case.step_unknown", "未知的办理操作"),
    ColumnNotFound => ("column.not_found", "该栏目不存在"),
    ColumnUnknown => ("column.unknown", "未知的栏目"),
    CommentArticleRequired => ("comment.article_required", "请选择意见针对的条款"),
    CommentContactTooLong => ("comment.contact_too_long", "联系方式不能超过 100 个字"),
    CommentNameTooLong => ("comment.name_too_long", "姓名不能超过 50 个字"),
    CommentRateLimited => ("comment.rate_limited", "同一网络地址一小时内最多提交 {limit} 条意见，请稍后再试。"),
    ConsultationActionUnknown => ("consultation.action_unknown", "未知的操作"),
    ConsultationBackgroundRequired => ("consultation.background_required", "请填写起草背景"),
    ConsultationBasisRequired => ("consultation.basis_required", "请填写起草依据"),
    ConsultationClosesAtRequired => ("consultation.closes_at_required", "请填写截止时间（年-月-日 时:分）"),
    ConsultationDecisionRecordNotFound => ("consultation.decision_record_not_found", "未找到索引号为“{index_no}”的已公开信息"),
    ConsultationDraftDecision => ("consultation.draft_cannot_link_decision", "草稿不能关联决策文件"),
    ConsultationDraftRequired => ("consultation.draft_required", "请填写草案全文"),
    ConsultationFeedbackNotPublished => ("consultation.feedback_not_published", "该征求意见的反馈报告尚未发布。"),
    ConsultationMainContentRequired => ("consultation.main_content_required", "请填写主要内容"),
    ConsultationNotFound => ("consultation.not_found", "未找到该征求意见，可能尚未发布或地址有误。"),
    ConsultationOpensAtRequired => ("consultation.opens_at_required", "请填写开始时间（年-月-日 时:分）"),
    ConsultationOrgRequired => ("consultation.org_required", "请选择您有权起草的机构"),
    ConsultationTitleRequired => ("consultation.title_required", "请填写草案名称（不超过 200 个字）"),
    ContactEmailInvalid => ("contact.email_invalid", "电子邮箱格式不正确"),
    FileNotFound => ("file.not_found", "文件不存在"),
    FormEncodingInvalid => ("form.encoding_invalid", "提交的文字编码不正确，请重试"),
    FormFieldTooLarge => ("form.field_too_large", "填写的内容过长（单项不能超过 {kb} KB），申请未保存。请精简后重新提交。"),
    FormIncomplete => ("form.incomplete", "提交的数据不完整，请重试"),
    FormTooLarge => ("form.too_large", "填写的内容合计过长（不能超过 {kb} KB），未保存。请精简后重新提交。"),
    FormTooManyFields => ("form.too_many_fields", "提交的项目过多，未保存。请使用本页表单重新填写。"),
    FormMalformed => ("form.malformed", "提交的数据格式不正确"),
    GuideBodyRequired => ("guide.body_required", "请填写指南正文（信息分类、编排体系、获取方式等）"),
    InputNotFound => ("input.not_found", "未找到{what}"),
    LetterFontMissing => ("letter.font_missing", "服务器未安装中文字体，暂不能生成 PDF（请管理员安装 fonts-wqy-microhei）"),
    LetterNotFound => ("letter.not_found", "文书不存在"),
    LetterPdfFailed => ("letter.pdf_failed", "生成 PDF 失败"),
    LetterTemplateNotFound => ("letter.template_not_found", "没有这种答复类型"),
    MessageAssigneeRequired => ("message.assignee_required", "请选择交办单位"),
    MessageFileNotFound => ("message.file_not_found", "未找到该附件"),
    MessageNotFound => ("message.not_found", "您访问的留言不存在或未公开"),
    MessagePhoneRateLimited => ("message.phone_rate_limited", "同一联系电话一天内最多提交 {limit} 条留言；如有紧急事项，请拨打 12345 政务服务便民热线。"),
    MessageRateLimited => ("message.rate_limited", "同一网络地址一小时内最多提交 {limit} 条留言，请稍后再试。"),
    MessageRatingNeedsLookup => ("message.rating_needs_lookup", "请先在“留言查询”中输入查询码和查询密码，再进行评价"),
    MessageRatingRequired => ("message.rating_required", "请选择评价等级"),
    MessageRecipientRequired => ("message.recipient_required", "请选择留言对象"),
    OpinionFirstSeenRequired => ("opinion.first_seen_required", "请填写首次发现时间（年-月-日 时:分）"),
    OpinionOrgRequired => ("opinion.org_required", "请选择责任单位"),
    OpinionRecordNotFound => ("opinion.record_not_found", "未找到该索引号对应的已公开信息"),
    OpinionResponseKindRequired => ("opinion.response_kind_required", "请选择回应方式"),
    OpinionResponseTimeRequired => ("opinion.response_time_required", "请填写回应时间（年-月-日 时:分）"),
    OpinionSeverityRequired => ("opinion.severity_required", "请选择舆情级别"),
    OrgNotFound => ("org.not_found", "该机构不存在"),
    OrgParentOutOfScope => ("org.parent_out_of_scope", "只能在您所管理的机构下添加"),
    OrgParentRequired => ("org.parent_required", "请选择上级机构"),
    PageKindInvalid => ("page.kind_invalid", "信息类别不正确"),
    PageNumberInvalid => ("page.number_invalid", "页码格式不正确"),
    PageNumberTooLarge => ("page.number_too_large", "页码超出范围"),
    PageOutOfRange => ("page.out_of_range", "没有这一页"),
    PageYearInvalid => ("page.year_invalid", "年份格式不正确"),
    RecordBodyRequired => ("record.body_required", "请填写正文"),
    RecordChangeNoteRequired => ("record.change_note_required", "请填写更正说明，该说明将在页面上公开"),
    RecordColumnsRequired => ("record.columns_required", "请至少选择一个栏目"),
    RecordInterpretedNotFound => ("record.interpreted_not_found", "未找到该索引号对应的已发布政策文件"),
    RecordInterpretedRequired => ("record.interpreted_required", "政策解读须填写所解读政策文件的索引号"),
    RecordNotFound => ("record.not_found", "未找到该信息，可能尚未公开或索引号有误。"),
    RecordOrgRequired => ("record.org_required", "请选择您有权发布信息的机构"),
    RecordRejectionReasonRequired => ("record.rejection_reason_required", "退回时请填写退回原因"),
    RecordAttachmentDraftOnly => ("record.attachment_draft_only", "只能为草稿添加附件"),
    RecordZipRefused => ("record.zip_refused", "不接受压缩包（ZIP）附件，请直接上传文档"),
    RecordDisclosureRequired => ("record.disclosure_required", "请选择公开属性"),
    RecordExemptionGroundUnselected => (
        "record.exemption_ground_unselected",
        "选择“不予公开”时请选择法定依据（第十四至十六条）"
    ),
    LoginCredentialsRequired => ("login.credentials_required", "请输入用户名和密码"),
    LoginBadCredentials => ("login.bad_credentials", "用户名或密码不正确，请重新输入"),
    LoginAccountDisabled => ("login.account_disabled", "该账号已停用，请联系管理员"),
    LoginLocked => (
        "login.locked",
        "登录失败次数过多，账号已被暂时锁定，请于 {until} 后再试（约 {minutes} 分钟）"
    ),
    MessageTimeLimitRange => ("message.time_limit_range", "“{kind}”的办理时限应为 1 至 60 个工作日"),
    RecordThemeRequired => ("record.theme_required", "请从列表中选择主题分类"),
    ScreeningCategoryRequired => ("screening.category_required", "请填写类别，如 敏感表述、过时机构名称"),
    SearchIndexUnreadable => ("search.index_unreadable", "无法打开搜索索引：{reason}"),
    SearchUnavailable => ("search.unavailable", "站内搜索暂不可用"),
    SiteNotInitialised => ("site.not_initialised", "站点尚未初始化"),
    SiteNotFound => ("site.not_found", "该站点不存在"),
    SiteHostInvalid => (
        "site.host_invalid",
        "主机名“{host}”不正确，请填写如 www.wuqia.gov.cn 的域名（不含 http:// 和路径）"
    ),
    SiteHostTaken => ("site.host_taken", "主机名“{host}”已由{site}使用，一个主机名只能对应一个站点"),
    SiteRequired => ("site.required", "请选择站点"),
    SiteWithoutOrgs => ("site.without_orgs", "本站尚未设置机构"),
    UploadArchiveRefused => ("upload.archive_refused", "不接受压缩包"),
    UploadFileRequired => ("upload.file_required", "请选择要上传的文件"),
    UploadIncomplete => ("upload.incomplete", "上传的数据不完整，请重试"),
    UploadTooLarge => ("upload.too_large", "附件不能超过 {limit}"),
    UserCannotDisableSelf => ("user.cannot_disable_self", "不能停用自己的账号"),
    UserOrgOutOfScope => ("user.org_out_of_scope", "只能在您所管理的机构中添加账号"),
    UserOrgRequired => ("user.org_required", "请选择所属机构"),
    UserRolesRequired => ("user.roles_required", "请至少选择一个角色"),

    // The statutory annual report (年度报告).
    ReportIdentityBroken => (
        "report.identity_broken",
        "年度报告有 {count} 处数据不符合勾稽关系，请按表格旁的提示核对后再发布"
    ),
    ReportLateReasonRequired => (
        "report.late_reason_required",
        "本年度报告已超过法定发布时限（{due}），请填写逾期发布的原因"
    ),
    ReportAlreadyPublished => ("report.already_published", "该年度报告已发布，不能再修改"),
    ReportYearOutOfRange => ("report.year_out_of_range", "年度应为 2019 年至 {max} 年"),
    ReportPastFigureInvalid => (
        "report.past_figure_invalid",
        "“{field}”应按原报告填写数字（可带负号或小数）"
    ),
    ReportNumberInvalid => ("report.number_invalid", "“{field}”应填写不小于 0 的整数"),
    ReportSourceRequired => ("report.source_required", "请注明“{field}”的数据来源"),
    ReportTextTooLong => ("report.text_too_long", "“{field}”不能超过 {max} 个字"),
    ReportExportFailed => ("report.export_failed", "{reason}"),
    ReportScreeningFindings => (
        "report.screening_findings",
        "年度报告内容审查发现疑似敏感信息：{findings}；请修改后再发布"
    ),
    ChallengeDateInvalid => (
        "application.challenge_date_invalid",
        "请填写提起日期（年-月-日，不早于申请收到之日，不晚于今天）"
    ),
    ChallengeDecisionDateInvalid => (
        "application.challenge_decision_date_invalid",
        "请填写审结日期（年-月-日，不早于提起之日，不晚于今天）；尚未审结的不填"
    ),
    CatalogueFieldInvalid => (
        "catalogue.field_invalid",
        "请填写公开事项（一级、二级各不超过 60 个字）、公开内容和公开主体；各项内容不超过 1000 个字"
    ),
    CatalogueLimitInvalid => (
        "catalogue.limit_invalid",
        "公开时限请填写 1 至 250 之间的工作日数（如 20，即信息形成之日起 20 个工作日内）"
    ),
    CatalogueRecordUnknown => (
        "catalogue.record_unknown",
        "未找到索引号为“{index_no}”的本站已主动公开的信息"
    ),
    CatalogueItemExists => (
        "catalogue.item_exists",
        "本站基本目录中已有这个一级、二级事项，请修改已有事项或换用其他名称"
    ),
    WorkRecordTopicRequired => ("ledger.topic_required", "请填写主题（不超过 200 个字）"),
    WorkRecordDateInvalid => (
        "ledger.date_invalid",
        "请填写举办日期（年-月-日，2000 年以后，不晚于今天）"
    ),
    WorkRecordChairRequired => (
        "ledger.chair_required",
        "专题会议请填写主持人（不超过 50 个字）和议定事项（不超过 2000 个字）"
    ),
    WorkRecordAttendanceRequired => (
        "ledger.attendance_required",
        "业务培训请至少为一个机构填写参训人数（每个机构 1 至 10000 人）"
    ),
    WorkRecordFileRequired => (
        "ledger.file_required",
        "请上传培训通知、签到表或会议纪要等材料（一个文件）"
    ),

    // Key tasks (重点工作 / 重大项目 / 民生实事) and their progress.
    TaskKindRequired => ("task.kind_required", "请选择任务类型（重点工作、重大项目或民生实事）"),
    TaskTitleRequired => ("task.title_required", "请填写任务名称（不超过 200 个字）"),
    TaskYearInvalid => ("task.year_invalid", "年度应为 2000 年至 2100 年之间的四位数字"),
    TaskStartInvalid => ("task.start_invalid", "请填写开始日期（年-月-日）"),
    TaskMeasuresRequired => ("task.measures_required", "请填写工作措施（不超过 5000 个字）"),
    TaskLeadOrgRequired => ("task.lead_org_required", "请选择牵头单位"),
    TaskOrgOutOfScope => (
        "task.org_out_of_scope",
        "“{org}”不在您的管理范围内，只能为您所在机构及下属机构登记任务、审计报告和整改事项"
    ),
    TaskClosed => ("task.closed", "该任务已办结，不能再添加节点、提交进展或修改"),
    TaskMilestoneTitleRequired => ("task.milestone_title_required", "请填写节点名称（不超过 200 个字）"),
    TaskMilestoneDueInvalid => ("task.milestone_due_invalid", "请填写节点的完成时限（年-月-日）"),
    TaskMilestoneBeforeStart => (
        "task.milestone_before_start",
        "节点完成时限不能早于任务开始日期（{start}）"
    ),
    TaskReportTextRequired => ("task.report_text_required", "请填写工作进展（不超过 5000 个字）"),
    TaskReportStepNotAllowed => ("task.report_step_not_allowed", "该进展当前为“{state}”，不能进行此操作"),
    TaskReviewerIsAuthor => ("task.reviewer_is_author", "不能审核自己撰写的工作进展，请由其他审核人员审核"),
    TaskReturnReasonRequired => ("task.return_reason_required", "退回时请填写退回理由"),
    TaskResultRequired => ("task.result_required", "请填写完成情况（不超过 5000 个字）"),
    TaskEvaluatorRequired => (
        "task.evaluator_required",
        "请选择评估方式并填写评估或调查单位（不超过 200 个字）"
    ),
    TaskEvaluationDateInvalid => (
        "task.evaluation_date_invalid",
        "请填写评估完成日期（年-月-日，不晚于今天）"
    ),
    TaskEvaluationConclusionRequired => (
        "task.evaluation_conclusion_required",
        "请填写评估结论（不超过 5000 个字）"
    ),
    TaskRecordNotPublic => ("task.record_not_public", "未找到索引号为“{index_no}”的已公开信息"),

    // Audit results and 督查 findings with their rectification.
    FindingSourceRequired => ("finding.source_required", "请选择来源（审计或督查）"),
    FindingTitleRequired => ("finding.title_required", "请填写标题或问题（不超过 200 个字）"),
    FindingDeadlineInvalid => ("finding.deadline_invalid", "请填写整改期限（年-月-日）"),
    FindingStatusRequired => ("finding.status_required", "请选择整改状态（未整改、整改中或已整改）"),
    FindingTextTooLong => ("finding.text_too_long", "内容不能超过 {max} 个字"),
    FindingRectifiedWithoutMeasures => (
        "finding.rectified_without_measures",
        "标记为“已整改”前请填写整改措施"
    ),
    FindingRectifiedWithoutEvidence => (
        "finding.rectified_without_evidence",
        "标记为“已整改”前请填写整改佐证材料，或关联已公开的整改信息"
    ),

    // 考核 scorecards and 社会评议.
    ScorecardWeightInvalid => ("scorecard.weight_invalid", "“{name}”的分值应为 0 至 {max} 之间的整数"),
    ScorecardPeriodInvalid => (
        "scorecard.period_invalid",
        "考核期间应为年份（如 2026）或季度（如 2026Q3）"
    ),
    ScorecardExportFailed => ("scorecard.export_failed", "{reason}"),
    EvaluationNotFound => ("evaluation.not_found", "未找到该次社会评议，可能尚未发布或地址有误。"),
    EvaluationRatingRequired => ("evaluation.rating_required", "请为“{item}”评分（1 至 5 分）"),
    EvaluationCommentTooLong => ("evaluation.comment_too_long", "意见建议不能超过 {max} 个字"),
    EvaluationOrgUnknown => ("evaluation.org_unknown", "请选择本次评议中的被评议单位"),
    EvaluationClosed => ("evaluation.closed", "本次社会评议已结束，不再接受评议"),
    EvaluationRateLimited => (
        "evaluation.rate_limited",
        "同一网络地址一小时内最多提交 {limit} 份评议，请稍后再试。"
    ),
    EvaluationAlreadyPublished => ("evaluation.already_published", "该期间的社会评议已经发布"),

    // Open government data (政府数据开放): datasets, their resources and API tokens.
    DatasetNameInvalid => (
        "dataset.name_invalid",
        "标识名应为 2 至 100 个小写英文字母、数字、连字符（-）或下划线（_）"
    ),
    DatasetNameTaken => ("dataset.name_taken", "标识名“{name}”已被其他数据集使用"),
    DatasetTitleRequired => ("dataset.title_required", "请填写数据集名称（不超过 200 个字）"),
    DatasetTextTooLong => ("dataset.text_too_long", "内容不能超过 {max} 个字，且不能含有控制字符"),
    DatasetDateInvalid => ("dataset.date_invalid", "请按“年-月-日”填写日期"),
    DatasetCoverageReversed => ("dataset.coverage_reversed", "时间范围的结束日期不能早于开始日期"),
    DatasetGroupUnknown => ("dataset.group_unknown", "无法识别开放主题“{group}”"),
    DatasetTooManyGroups => ("dataset.too_many_groups", "开放主题不能超过 {max} 个"),
    DatasetTagInvalid => (
        "dataset.tag_invalid",
        "标签“{tag}”不符合要求：应为 1 至 100 个文字、数字、空格、连字符、下划线或点"
    ),
    DatasetTooManyTags => ("dataset.too_many_tags", "标签不能超过 {max} 个"),
    DatasetLicenceUnknown => ("dataset.licence_unknown", "请从许可协议列表中选择许可协议"),
    DatasetFrequencyRequired => ("dataset.frequency_required", "请选择更新频率"),
    DatasetOpennessRequired => (
        "dataset.openness_required",
        "请选择开放属性（无条件开放、有条件开放或不予开放）"
    ),
    DatasetConditionsRequired => ("dataset.conditions_required", "有条件开放的数据集请写明开放条件"),
    DatasetLegalGroundRequired => ("dataset.legal_ground_required", "不予开放的数据集请写明法律依据"),
    DatasetThemeUnknown => ("dataset.theme_unknown", "无法识别主题分类“{theme}”"),
    DatasetOrgRequired => ("dataset.org_required", "请选择数据提供单位"),
    DatasetStepNotAllowed => ("dataset.step_not_allowed", "该数据集当前为“{state}”，不能进行此操作"),
    DatasetReviewerIsAuthor => (
        "dataset.reviewer_is_author",
        "不能审核自己提交的数据集，请由其他审核人员审核"
    ),
    DatasetReturnReasonRequired => ("dataset.return_reason_required", "退回时请填写退回理由"),
    DatasetNotFound => ("dataset.not_found", "未找到该数据集，可能尚未发布或地址有误。"),
    DatasetLinkInvalid => ("dataset.link_invalid", "链接应为以 http:// 或 https:// 开头的网址"),
    DatasetFormatInvalid => ("dataset.format_invalid", "格式应为不超过 20 个字符的英文字母或数字"),
    DatasetResourceNameRequired => ("dataset.resource_name_required", "请填写资源名称（不超过 200 个字）"),
    DatasetResourceTypeRefused => (
        "dataset.resource_type_refused",
        "数据资源只接受 CSV、XLSX、JSON 或 PDF 文件：{reason}"
    ),
    DatasetUploadTooLarge => (
        "dataset.upload_too_large",
        "数据文件不能超过 {limit}，本次上传未保存任何内容"
    ),
    DatasetXlsxTooLarge => (
        "dataset.xlsx_too_large",
        "XLSX 文件不能超过 {limit}；更大的表格请另存为 CSV 后上传"
    ),
    DatasetTooManyResources => ("dataset.too_many_resources", "一个数据集最多包含 {max} 个资源"),
    DatasetResourceNotFound => ("dataset.resource_not_found", "未找到该数据资源"),
    DatasetDumpQueryInvalid => ("dataset.dump_query_invalid", "下载条件有误：{reason}"),
    DatasetDumpTooManyRows => (
        "dataset.dump_too_many_rows",
        "该表共 {rows} 行，超过 Excel 单个工作表的上限（{max} 行），请下载 CSV 格式的全表"
    ),
    ApiTokenNameRequired => ("token.name_required", "请填写令牌用途（不超过 100 个字）"),
    ApiTokenInvalid => ("token.invalid", "API 令牌无效或已撤销"),

    // 有条件开放: requests for access to a conditionally open dataset.
    DataAccessNotConditional => ("access.not_conditional", "只有“有条件开放”的数据集需要申请使用"),
    DataAccessPurposeRequired => ("access.purpose_required", "请写明数据用途（至少 {min} 个字）"),
    DataAccessUseRequired => ("access.use_required", "请写明使用方式和使用范围（至少 {min} 个字）"),
    DataAccessPeriodInvalid => ("access.period_invalid", "请按“年-月-日”填写使用期限的起止日期"),
    DataAccessPeriodReversed => ("access.period_reversed", "使用期限的结束日期不能早于开始日期"),
    DataAccessPeriodPast => ("access.period_past", "使用期限的结束日期不能早于今天"),
    DataAccessPeriodTooLong => ("access.period_too_long", "使用期限最长为 {days} 天，如需更长期限请到期后再次申请"),
    DataAccessRateLimited => ("access.rate_limited", "同一网络地址一小时内最多提交 {limit} 份数据使用申请，请稍后再试。"),
    DataAccessAlreadyDecided => ("access.already_decided", "该申请当前为“{status}”，不能再作决定"),
    DataAccessReasonRequired => ("access.reason_required", "不予同意时请写明理由"),
    DataAccessTokenExpired => ("access.token_expired", "该数据使用凭证不在批准的使用期限内（{from} 至 {to}），不能下载数据；如需继续使用，请重新申请。"),
    DataAccessTokenOtherDataset => ("access.token_other_dataset", "该数据使用凭证只能用于批准使用的数据集“{title}”，不能用于本数据集。"),
    DataAccessTokenInvalid => ("access.token_invalid", "数据使用凭证无效，请核对后重试；凭证可在申请进度查询页面重新生成。"),
    DataAccessNeedsGrant => ("access.needs_grant", "该数据集为有条件开放，请先提出使用申请，获批后凭数据使用凭证下载。"),
    DataAccessLimitRange => ("access.limit_range", "数据使用申请的答复时限应为 1 至 60 个工作日"),
}

/// A value named in a message: `("max", &200)` fills `{max}`.
pub type Arg<'a> = (&'a str, &'a (dyn fmt::Display + Sync));

impl ErrorCode {
    /// The stable dotted code API clients see, e.g. `record.title_required`.
    pub fn code(self) -> &'static str {
        self.entry().0
    }

    /// The Chinese wording as the table holds it, placeholders unfilled.
    pub fn template(self) -> &'static str {
        self.entry().1
    }

    /// The Chinese message with each `{name}` replaced by the value `args` gives for it
    /// (a placeholder without a value is left as written, so a mistake shows in tests).
    pub fn render(self, args: &[Arg<'_>]) -> String {
        let template = self.template();
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            let name = &after[..close];
            match args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => {
                    let _ = write!(out, "{value}");
                }
                None => out.push_str(&rest[open..open + close + 2]),
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// This refusal with `args` filling its wording.
    pub fn refusal(self, args: &[Arg<'_>]) -> super::Refusal {
        super::Refusal {
            code: self,
            message: self.render(args),
        }
    }

    /// The message of a code whose wording has no values.
    pub fn message(self) -> String {
        self.render(&[])
    }

    /// The names of the values the wording asks for, in order.
    pub fn placeholders(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut rest = self.template();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            names.push(&after[..close]);
            rest = &after[close + 1..];
        }
        names
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `^[a-z]+(\.[a-z_]+)+$`, written out (the domain has no regex engine).
    fn well_formed(code: &str) -> bool {
        let mut parts = code.split('.');
        let area_ok = parts
            .next()
            .is_some_and(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_lowercase()));
        let rest: Vec<&str> = parts.collect();
        area_ok
            && !rest.is_empty()
            && rest
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    }

    #[test]
    fn every_code_is_unique_and_dotted() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(well_formed(code.code()), "{code:?}: {}", code.code());
            assert!(seen.insert(code.code()), "{} twice", code.code());
        }
        assert!(!well_formed("invalid_input") && !well_formed("a.") && !well_formed("A.b"));
    }

    #[test]
    fn every_message_is_chinese_with_named_values() {
        for code in ErrorCode::ALL {
            let text = code.template();
            if text == "{reason}" {
                // Worded by a leaf crate's own error type.
                continue;
            }
            assert!(
                text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
                "{}: {text}",
                code.code()
            );
            for name in code.placeholders() {
                assert!(
                    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                    "{}: placeholder {{{name}}}",
                    code.code()
                );
            }
        }
    }

    #[test]
    fn values_fill_their_placeholders() {
        assert_eq!(
            ErrorCode::InputTooLong.render(&[("max", &64)]),
            "不能超过 64 个字"
        );
        assert_eq!(
            ErrorCode::MessageTextTooLong.render(&[("what", &"答复"), ("max", &2000)]),
            "答复不能超过 2000 个字"
        );
        assert_eq!(ErrorCode::InputTooLong.message(), "不能超过 {max} 个字");
        assert_eq!(
            ErrorCode::RecordTitleRequired.to_string(),
            "record.title_required"
        );
    }
}
