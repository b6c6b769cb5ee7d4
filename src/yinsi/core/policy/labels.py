"""The words people read for every vocabulary value, and the fixed sentences of the published policy.

A spec stores identifiers (``legal_obligation``, ``15 working days``); what a
person reads is decided here, in Simplified Chinese and English side by side,
so that a label can be reworded without touching any spec and a translator
finds every word of the rendered policy in one file. Traditional Chinese is
never written here: the renderer derives it from the Simplified text with
OpenCC, so the two Chinese texts cannot drift apart.

The wording follows the sources a Chinese reader expects: the legal bases use
PIPL Art. 13, the refusal grounds and no-consent cases GB/T 35273-2020, the
PI categories its Appendix A, and the section titles its Appendix D template.
English texts are plain ASCII words (no Chinese), so an English policy whose
spec has English texts contains no Chinese at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from yinsi.core.i18n import Msg
from yinsi.core.policy.types import Duration, DurationUnit
from yinsi.core.policy.vocabulary import (
    AppType,
    Category,
    CertificationKind,
    Channel,
    ContactKind,
    ContactUse,
    CookieCategory,
    CrossBorderRule,
    Deidentification,
    ExcessiveAction,
    ExternalRemedy,
    FieldSource,
    FieldType,
    FunctionKind,
    IncidentNoticeContent,
    LegalBasis,
    MaterialChange,
    MinorsRule,
    NoConsentCase,
    OnExpiry,
    OpenHow,
    OpenListKind,
    Operation,
    PermissionKind,
    Principle,
    RecipientKind,
    RefusalGround,
    RetentionEnd,
    RetentionStart,
    Right,
    Risk,
    RoleKind,
    ScopeChannel,
    SecurityMeasure,
    Sensitivity,
    StatisticsDimension,
    Technology,
    TransferMechanism,
    Visibility,
)

# --------------------------------------------------------------------------- vocabulary

FIELD_TYPE: dict[FieldType, Msg] = {
    FieldType.MOBILE: Msg("手机号码", "mobile number"),
    FieldType.ID_NUMBER: Msg("身份证件号码", "ID number"),
    FieldType.NAME: Msg("姓名", "name"),
    FieldType.BANK_CARD: Msg("银行卡号", "bank card number"),
    FieldType.EMAIL: Msg("电子邮箱地址", "email address"),
    FieldType.IP: Msg("IP 地址", "IP address"),
    FieldType.DEVICE_ID: Msg("设备标识符", "device identifier"),
    FieldType.LOCATION: Msg("位置", "location"),
    FieldType.FREE_TEXT: Msg("文本", "text"),
    FieldType.DATE: Msg("日期或时间", "date or time"),
    FieldType.INTEGER: Msg("数字", "number"),
    FieldType.ADDRESS: Msg("地址", "address"),
    FieldType.ACCOUNT: Msg("账号", "account"),
    FieldType.CREDENTIAL: Msg("登录凭证", "login credential"),
    FieldType.MEDIA: Msg("图片、音频或视频", "image, audio or video"),
}

CATEGORY: dict[Category, Msg] = {
    Category.BASIC: Msg("个人基本资料", "Basic personal data"),
    Category.IDENTITY: Msg("个人身份信息", "Identity information"),
    Category.BIOMETRIC: Msg("个人生物识别信息", "Biometric information"),
    Category.ONLINE_IDENTITY: Msg("网络身份标识信息", "Online identifiers"),
    Category.HEALTH: Msg("个人健康生理信息", "Health information"),
    Category.EDUCATION_WORK: Msg("个人教育工作信息", "Education and work information"),
    Category.PROPERTY: Msg("个人财产信息", "Property and financial information"),
    Category.COMMUNICATION: Msg("个人通信信息", "Communications"),
    Category.CONTACTS: Msg("联系人信息", "Contacts"),
    Category.BROWSING: Msg("个人上网记录", "Online activity records"),
    Category.DEVICE: Msg("个人常用设备信息", "Device information"),
    Category.LOCATION: Msg("个人位置信息", "Location information"),
    Category.OTHER: Msg("其他信息", "Other information"),
}

SENSITIVITY: dict[Sensitivity, Msg] = {
    Sensitivity.GENERAL: Msg("一般个人信息", "General"),
    Sensitivity.SENSITIVE: Msg("敏感个人信息", "Sensitive"),
}

FIELD_SOURCE: dict[FieldSource, Msg] = {
    FieldSource.USER: Msg("您主动提供", "You provide it"),
    FieldSource.DEVICE: Msg("从您的设备获取", "Read from your device"),
    FieldSource.PARTNER: Msg("从合作方获取", "Received from a business partner"),
    FieldSource.GENERATED: Msg("在您使用服务时产生", "Generated as you use the service"),
}

FUNCTION_KIND: dict[FunctionKind, Msg] = {
    FunctionKind.BASIC: Msg("基本业务功能", "Basic function"),
    FunctionKind.ADDITIONAL: Msg("扩展业务功能", "Additional function"),
}

LEGAL_BASIS: dict[LegalBasis, Msg] = {
    # The wording of PIPL Art. 13(1) items 1-7, addressed to the reader.
    LegalBasis.CONSENT: Msg("取得您的同意", "Your consent"),
    LegalBasis.CONTRACT: Msg(
        "为订立、履行您作为一方当事人的合同所必需",
        "Necessary to conclude or perform a contract to which you are a party",
    ),
    LegalBasis.LEGAL_OBLIGATION: Msg(
        "为履行法定职责或者法定义务所必需", "Necessary to fulfil statutory duties or obligations"
    ),
    LegalBasis.PUBLIC_HEALTH_EMERGENCY: Msg(
        "为应对突发公共卫生事件，或者紧急情况下为保护自然人的生命健康和财产安全所必需",
        "Necessary to respond to a public health emergency, or to protect people's life, health and property "
        "in an emergency",
    ),
    LegalBasis.NEWS_REPORTING: Msg(
        "为公共利益实施新闻报道、舆论监督等行为，在合理的范围内处理",
        "News reporting and public-opinion supervision in the public interest, within a reasonable scope",
    ),
    LegalBasis.PUBLIC_INFORMATION: Msg(
        "在合理的范围内处理您自行公开或者其他已经合法公开的个人信息",
        "Personal information you have made public, or that has otherwise been lawfully made public, "
        "processed within a reasonable scope",
    ),
    LegalBasis.OTHER_LAW: Msg(
        "法律、行政法规规定的其他情形", "Other circumstances provided by laws and administrative regulations"
    ),
}

RETENTION_END: dict[RetentionEnd, Msg] = {
    RetentionEnd.ACCOUNT_CANCELLATION: Msg("至您注销账号", "until you cancel your account"),
    RetentionEnd.PURPOSE_FULFILLED: Msg("至实现处理目的所必需的期限届满", "as long as the purpose needs"),
    RetentionEnd.UNSTATED: Msg("本政策未写明保存期限", "not stated in this policy"),
}

RETENTION_START: dict[RetentionStart, Msg] = {
    RetentionStart.COLLECTION: Msg("自收集之日起", "from collection"),
    RetentionStart.PURPOSE_END: Msg("自处理目的结束之日起", "from the end of the purpose"),
    RetentionStart.ACCOUNT_CANCELLATION: Msg("自您注销账号之日起", "from the cancellation of your account"),
    RetentionStart.CONTRACT_END: Msg("自交易完成（合同终止）之日起", "from the end of the contract"),
}

STATISTICS_DIMENSION: dict[StatisticsDimension, Msg] = {
    StatisticsDimension.AGE_BAND: Msg("年龄段", "age band"),
    StatisticsDimension.CITY: Msg("城市", "city"),
    StatisticsDimension.PURPOSE: Msg("处理目的", "purpose"),
    StatisticsDimension.CONSENT_STATE: Msg("同意状态", "consent state"),
    StatisticsDimension.REQUEST_TYPE: Msg("权利请求类型", "type of rights request"),
}

ON_EXPIRY: dict[OnExpiry, Msg] = {
    OnExpiry.DELETE: Msg("删除", "delete"),
    OnExpiry.ANONYMISE: Msg("匿名化处理", "anonymise"),
    OnExpiry.DELETE_OR_ANONYMISE: Msg("删除或匿名化处理", "delete or anonymise"),
}

VISIBILITY: dict[Visibility, Msg] = {
    Visibility.WHOLE: Msg("完整显示", "shown in full"),
    Visibility.MASKED: Msg("去标识化显示", "shown masked"),
}

ROLE_KIND: dict[RoleKind, Msg] = {
    RoleKind.SERVICE: Msg("业务系统", "service"),
    RoleKind.STAFF: Msg("工作人员", "staff"),
}

OPERATION: dict[Operation, Msg] = {
    Operation.READ: Msg("读取", "read"),
    Operation.WRITE: Msg("写入", "write"),
    Operation.LOOKUP: Msg("按值查找", "look up"),
    Operation.ERASE: Msg("删除", "erase"),
    Operation.PROVIDE: Msg("对外提供", "provide to a recipient"),
    Operation.MANAGE_BLOCKERS: Msg("管理注销前待办事项", "manage cancellation blockers"),
    Operation.VIEW_REQUESTS: Msg("查看权利请求", "view rights requests"),
    Operation.HANDLE_REQUESTS: Msg("处理权利请求", "handle rights requests"),
    Operation.DECIDE_NEXT_OF_KIN: Msg("审核近亲属请求", "decide next-of-kin requests"),
    Operation.VIEW_AUDIT: Msg("查看审计日志", "view the audit log"),
    Operation.PUBLISH_POLICY: Msg("发布隐私政策", "publish the privacy policy"),
    Operation.APPROVE_DISCLOSURE: Msg("批准向国家机关披露", "approve a disclosure to an authority"),
    Operation.MANAGE_INCIDENTS: Msg("处置个人信息安全事件", "handle security incidents"),
    Operation.VIEW_STATISTICS: Msg("查看匿名统计", "view anonymous statistics"),
}

RECIPIENT_KIND: dict[RecipientKind, Msg] = {
    RecipientKind.AFFILIATE: Msg("关联公司", "Affiliate"),
    RecipientKind.PROCESSOR: Msg("受托处理者", "Entrusted processor"),
    RecipientKind.SDK: Msg("第三方 SDK", "Third-party SDK"),
    RecipientKind.PARTNER: Msg("合作伙伴（其他个人信息处理者）", "Partner (another processor)"),
    RecipientKind.AUTHORITY: Msg("国家机关", "Public authority"),
}

PERMISSION_KIND: dict[PermissionKind, Msg] = {
    PermissionKind.LOCATION: Msg("位置信息", "Location"),
    PermissionKind.CAMERA: Msg("相机（摄像头）", "Camera"),
    PermissionKind.PHOTOS: Msg("相册（照片）", "Photos"),
    PermissionKind.MICROPHONE: Msg("麦克风", "Microphone"),
    PermissionKind.CONTACTS: Msg("通讯录", "Contacts"),
    PermissionKind.PHONE_STATE: Msg("电话状态（设备信息）", "Phone state"),
    PermissionKind.ACCOUNTS: Msg("设备上的账户", "Accounts on the device"),
    PermissionKind.PHONE_NUMBER: Msg("本机号码", "Phone number"),
    PermissionKind.STORAGE: Msg("存储", "Storage"),
    PermissionKind.BLUETOOTH: Msg("蓝牙", "Bluetooth"),
    PermissionKind.NOTIFICATIONS: Msg("通知", "Notifications"),
    PermissionKind.CLIPBOARD: Msg("剪贴板", "Clipboard"),
    PermissionKind.CALENDAR: Msg("日历", "Calendar"),
    PermissionKind.SMS: Msg("短信", "SMS"),
}

PERMISSION_PROMPT: dict[str, Msg] = {
    "first_use": Msg(
        "首次使用相关功能时，以系统弹窗征求您的授权", "By a system pop-up the first time you use the feature"
    ),
    "install": Msg("安装时申请", "When you install the app"),
    "settings": Msg("仅在您于系统设置中主动开启时获取", "Only if you turn it on in the system settings"),
}

COOKIE_CATEGORY: dict[CookieCategory, Msg] = {
    CookieCategory.ESSENTIAL: Msg("必要", "Essential"),
    CookieCategory.PREFERENCES: Msg("偏好设置", "Preferences"),
    CookieCategory.ANALYTICS: Msg("统计分析", "Analytics"),
    CookieCategory.ADVERTISING: Msg("广告", "Advertising"),
}

TECHNOLOGY: dict[Technology, Msg] = {
    Technology.COOKIE: Msg("Cookie", "Cookie"),
    Technology.WEB_BEACON: Msg("网络信标", "Web beacon"),
    Technology.PIXEL_TAG: Msg("像素标签", "Pixel tag"),
    Technology.LOCAL_STORAGE: Msg("本地存储", "Local storage"),
    Technology.SDK_STORAGE: Msg("SDK 本地缓存", "SDK storage"),
}

CHANNEL: dict[Channel, Msg] = {
    # The English words are noun phrases that read after "through".
    Channel.POPUP: Msg("弹窗", "a pop-up"),
    Channel.PUSH: Msg("推送通知", "a push notification"),
    Channel.SMS: Msg("短信", "SMS"),
    Channel.EMAIL: Msg("电子邮件", "email"),
    Channel.PHONE: Msg("电话", "a phone call"),
    Channel.LETTER: Msg("信函", "a letter"),
    Channel.IN_APP_MESSAGE: Msg("站内信", "an in-app message"),
    Channel.IM: Msg("即时通讯工具", "instant messaging"),
    Channel.WEBSITE: Msg("网站公告", "a notice on our website"),
    Channel.ANNOUNCEMENT: Msg("公告", "a public announcement"),
    Channel.HOMEPAGE: Msg("首页显著位置提示", "a prominent notice on our home page"),
}

SCOPE_CHANNEL: dict[ScopeChannel, Msg] = {
    ScopeChannel.APP: Msg("移动应用程序（App）", "our mobile app"),
    ScopeChannel.H5: Msg("H5 页面", "our H5 pages"),
    ScopeChannel.WECHAT_MINI_PROGRAM: Msg("微信小程序", "our WeChat mini program"),
    ScopeChannel.ALIPAY_MINI_PROGRAM: Msg("支付宝小程序", "our Alipay mini program"),
    ScopeChannel.WECHAT_OFFICIAL_ACCOUNT: Msg("微信公众号", "our WeChat official account"),
    ScopeChannel.WEB: Msg("网站", "our website"),
    ScopeChannel.HARDWARE: Msg("智能硬件设备", "our smart hardware devices"),
}

PRINCIPLE: dict[Principle, Msg] = {
    Principle.ACCOUNTABILITY: Msg("权责一致", "Accountability"),
    Principle.PURPOSE_SPECIFICATION: Msg("目的明确", "Clear purposes"),
    Principle.CHOICE_AND_CONSENT: Msg("选择同意", "Choice and consent"),
    Principle.MINIMISATION: Msg("最少够用", "Minimisation"),
    Principle.SECURITY: Msg("确保安全", "Security"),
    Principle.SUBJECT_PARTICIPATION: Msg("主体参与", "Your participation"),
    Principle.TRANSPARENCY: Msg("公开透明", "Openness and transparency"),
    Principle.LAWFULNESS: Msg("合法、正当、必要和诚信", "Lawfulness, legitimacy, necessity and good faith"),
}

RIGHT: dict[Right, Msg] = {
    Right.ACCESS: Msg("查阅您的个人信息", "Access your personal information"),
    Right.COPY: Msg("复制您的个人信息", "Get a copy of your personal information"),
    Right.PORTABILITY: Msg("转移您的个人信息", "Transfer your personal information to another processor"),
    Right.CORRECT: Msg("更正、补充您的个人信息", "Correct or complete your personal information"),
    Right.DELETE: Msg("删除您的个人信息", "Delete your personal information"),
    Right.WITHDRAW: Msg("撤回您的同意", "Withdraw your consent"),
    Right.EXPLAIN: Msg("要求我们解释说明个人信息处理规则", "Ask us to explain how we process personal information"),
    Right.RESTRICT: Msg("限制或者拒绝个人信息处理", "Restrict or refuse processing"),
    Right.CANCEL_ACCOUNT: Msg("注销账号", "Cancel your account"),
    Right.NEXT_OF_KIN: Msg("近亲属对逝者个人信息的权利", "Rights of a deceased user's next of kin"),
    Right.COMPLAIN: Msg("投诉、举报", "Complain or report"),
    Right.LEAVE_MEMBERSHIP: Msg("退出会员", "Leave membership"),
    Right.AUTOMATED_DECISION: Msg(
        "要求说明自动化决策，拒绝仅通过自动化决策作出的决定",
        "Ask for an explanation of automated decisions and refuse decisions made only by automated means",
    ),
}

REFUSAL_GROUND: dict[RefusalGround, Msg] = {
    # GB/T 35273-2020 §8.7.
    RefusalGround.NATIONAL_SECURITY: Msg(
        "与国家安全、国防安全直接相关的", "It directly concerns national security or defence"
    ),
    RefusalGround.PUBLIC_SAFETY_HEALTH: Msg(
        "与公共安全、公共卫生、重大公共利益直接相关的",
        "It directly concerns public safety, public health or a major public interest",
    ),
    RefusalGround.CRIMINAL_JUSTICE: Msg(
        "与刑事侦查、起诉、审判和执行判决等直接相关的",
        "It directly concerns a criminal investigation, prosecution, trial or the enforcement of a judgment",
    ),
    RefusalGround.ABUSE_OF_RIGHTS: Msg(
        "有充分证据表明您存在主观恶意或滥用权利的",
        "There is sufficient evidence of bad faith or abuse of rights on your part",
    ),
    RefusalGround.SERIOUS_HARM_TO_OTHERS: Msg(
        "响应您的请求将导致您或其他个人、组织的合法权益受到严重损害的",
        "Answering the request would seriously harm the lawful rights of you or another person or organisation",
    ),
    RefusalGround.TRADE_SECRETS: Msg("涉及商业秘密的", "It involves trade secrets"),
    RefusalGround.LEGAL_OBLIGATION: Msg(
        "与我们履行法律法规规定的义务相关的", "It concerns our performance of an obligation under laws and regulations"
    ),
}

NO_CONSENT_CASE: dict[NoConsentCase, Msg] = {
    # GB/T 35273-2020 §5.6 and §9.5, with the grounds of PIPL Art. 13.
    NoConsentCase.CONTRACT: Msg(
        "根据您的要求订立和履行合同所必需的", "It is necessary to conclude or perform a contract at your request"
    ),
    NoConsentCase.LEGAL_OBLIGATION: Msg(
        "为履行法定职责或者法定义务所必需的", "It is necessary to fulfil our statutory duties or obligations"
    ),
    NoConsentCase.NATIONAL_SECURITY: Msg(
        "与国家安全、国防安全直接相关的", "It directly concerns national security or defence"
    ),
    NoConsentCase.PUBLIC_SAFETY_HEALTH: Msg(
        "与公共安全、公共卫生、重大公共利益直接相关的",
        "It directly concerns public safety, public health or a major public interest",
    ),
    NoConsentCase.CRIMINAL_JUSTICE: Msg(
        "与刑事侦查、起诉、审判和判决执行等直接相关的",
        "It directly concerns a criminal investigation, prosecution, trial or the enforcement of a judgment",
    ),
    NoConsentCase.PUBLIC_HEALTH_EMERGENCY: Msg(
        "为应对突发公共卫生事件，或者紧急情况下为保护自然人的生命健康和财产安全所必需的",
        "It is necessary to respond to a public health emergency, or to protect people's life, health and "
        "property in an emergency",
    ),
    NoConsentCase.VITAL_INTERESTS: Msg(
        "出于维护您或其他个人的生命、财产等重大合法权益但又很难得到本人同意的",
        "It protects the life, property or other major lawful interests of you or another person, and your "
        "consent is hard to obtain",
    ),
    NoConsentCase.NEWS_REPORTING: Msg(
        "为公共利益实施新闻报道、舆论监督等行为，在合理的范围内处理个人信息的",
        "It is news reporting or public-opinion supervision in the public interest, within a reasonable scope",
    ),
    NoConsentCase.SELF_DISCLOSED: Msg(
        "所涉及的个人信息是您自行向社会公众公开的", "You have made the personal information public yourself"
    ),
    NoConsentCase.LAWFULLY_PUBLIC: Msg(
        "从合法公开披露的信息中收集个人信息的，如合法的新闻报道、政府信息公开等渠道",
        "It is collected from lawfully disclosed information, such as lawful news reports or government "
        "information disclosure",
    ),
    NoConsentCase.SERVICE_SECURITY: Msg(
        "维护所提供产品或服务的安全稳定运行所必需的，例如发现、处置产品或服务的故障",
        "It is necessary to keep our products or services secure and stable, for example to find and fix faults",
    ),
    NoConsentCase.COURT_ORDER: Msg(
        "根据人民法院或其他有权机关依法作出的裁判、决定或法律文书要求的",
        "A court or another competent authority requires it by a lawful judgment, decision or legal document",
    ),
    NoConsentCase.OTHER_LAW: Msg(
        "法律、行政法规规定的其他情形", "Other circumstances provided by laws and administrative regulations"
    ),
    NoConsentCase.OPERATOR_INTERESTS: Msg(
        "为维护我们自身的合法权益所必需的", "It is necessary to protect our own lawful rights and interests"
    ),
    NoConsentCase.ACADEMIC_RESEARCH: Msg(
        "出于学术研究所必需，且对外提供学术研究或描述的结果时，对结果中所包含的个人信息进行去标识化处理的",
        "It is necessary for academic research, and the personal information in any published results is de-identified",
    ),
}

EXTERNAL_REMEDY: dict[ExternalRemedy, Msg] = {
    ExternalRemedy.CAC: Msg("向网信部门投诉、举报", "Complain to the cyberspace administration (CAC)"),
    ExternalRemedy.TELECOM: Msg("向电信主管部门投诉、举报", "Complain to the telecommunications authority"),
    ExternalRemedy.POLICE: Msg("向公安机关报案、举报", "Report to the public security authorities (police)"),
    ExternalRemedy.MARKET_REGULATION: Msg(
        "向市场监督管理部门投诉、举报", "Complain to the market regulation authority"
    ),
    ExternalRemedy.COURT: Msg("向有管辖权的人民法院提起诉讼", "Bring a lawsuit before a competent people's court"),
}

SECURITY_MEASURE: dict[SecurityMeasure, Msg] = {
    SecurityMeasure.ENCRYPTION_IN_TRANSIT: Msg(
        "使用 SSL/TLS 等加密技术保护个人信息在传输过程中的安全",
        "Personal information is encrypted in transit (SSL/TLS or similar)",
    ),
    SecurityMeasure.ENCRYPTION_AT_REST: Msg(
        "对存储的个人信息，尤其是敏感个人信息进行加密",
        "Stored personal information, above all sensitive data, is encrypted",
    ),
    SecurityMeasure.ISOLATION: Msg(
        "对个人信息进行隔离存储", "Personal information is stored in isolation from other data"
    ),
    SecurityMeasure.MASKING: Msg(
        "在展示和使用中对个人信息进行去标识化（脱敏）处理", "Personal information is masked when displayed and used"
    ),
    SecurityMeasure.ACCESS_CONTROL: Msg(
        "建立严格的访问控制机制，仅允许因工作需要的人员在授权范围内访问个人信息",
        "Strict access control: only people who need it for their work can reach personal information, within "
        "their authorisation",
    ),
    SecurityMeasure.CLASSIFICATION: Msg(
        "对个人信息进行分类分级管理", "Personal information is classified and managed by level"
    ),
    SecurityMeasure.MONITORING_AUDIT: Msg(
        "对个人信息的访问和操作进行监控和审计",
        "Access to and operations on personal information are monitored and audited",
    ),
    SecurityMeasure.CONFIDENTIALITY_AGREEMENTS: Msg(
        "与接触个人信息的人员签署保密协议", "People who handle personal information sign confidentiality agreements"
    ),
    SecurityMeasure.TRAINING: Msg(
        "定期开展个人信息保护和安全培训", "Regular training on personal information protection and security"
    ),
    SecurityMeasure.PASSWORD_HASHING: Msg(
        "以不可逆的加盐哈希方式存储账号口令", "Passwords are stored only as salted one-way hashes"
    ),
    SecurityMeasure.INCIDENT_RESPONSE_PLAN: Msg(
        "制定个人信息安全事件应急预案", "An incident response plan for personal information security incidents"
    ),
    SecurityMeasure.DEDICATED_TEAM: Msg(
        "由专门的团队负责个人信息安全", "A dedicated team is responsible for personal information security"
    ),
}

INCIDENT_NOTICE_CONTENT: dict[IncidentNoticeContent, Msg] = {
    IncidentNoticeContent.SITUATION_AND_IMPACT: Msg(
        "安全事件的基本情况和可能的影响", "What happened and its possible impact"
    ),
    IncidentNoticeContent.MEASURES_TAKEN: Msg(
        "我们已采取或将要采取的处置措施", "The measures we have taken or will take"
    ),
    IncidentNoticeContent.SELF_PROTECTION_ADVICE: Msg(
        "您可自主防范和降低风险的建议", "Advice on how you can protect yourself and reduce the risk"
    ),
    IncidentNoticeContent.REMEDIES: Msg("对您的补救措施", "The remedies available to you"),
}

MATERIAL_CHANGE: dict[MaterialChange, Msg] = {
    MaterialChange.SERVICE_MODEL: Msg(
        "我们的服务模式发生重大变化，如处理个人信息的目的、处理的个人信息类型、个人信息的使用方式等",
        "Our service model changes materially, such as the purposes of processing, the types of personal "
        "information processed or how it is used",
    ),
    MaterialChange.OWNERSHIP: Msg(
        "我们在所有权结构、组织架构等方面发生重大变化，如业务调整、破产并购等引起的所有者变更",
        "Our ownership or organisation changes materially, for example a change of owner after a restructuring, "
        "bankruptcy, merger or acquisition",
    ),
    MaterialChange.RECIPIENTS: Msg(
        "个人信息共享、转让或公开披露的主要对象发生变化",
        "The main recipients of shared, transferred or publicly disclosed personal information change",
    ),
    MaterialChange.RIGHTS: Msg(
        "您参与个人信息处理方面的权利及其行使方式发生重大变化",
        "Your rights over the processing of your personal information, or how you exercise them, change materially",
    ),
    MaterialChange.CONTACT: Msg(
        "我们负责处理个人信息安全的责任部门、联络方式及投诉渠道发生变化",
        "The department responsible for personal information security, its contact details or the complaint "
        "channel change",
    ),
    MaterialChange.IMPACT_ASSESSMENT: Msg(
        "个人信息保护影响评估报告表明存在高风险",
        "A personal information protection impact assessment shows a high risk",
    ),
}

MINORS_RULE: dict[MinorsRule, Msg] = {
    MinorsRule.ADULTS_ONLY: Msg("仅面向成年人", "Adults only"),
    MinorsRule.GUARDIAN_CONSENT: Msg("须取得监护人同意", "Guardian consent required"),
}

GUARDIAN_ACTION: dict[str, Msg] = {
    "access": Msg("查阅", "access"),
    "correct": Msg("更正", "correct"),
    "delete": Msg("删除", "delete"),
}

CROSS_BORDER_RULE: dict[CrossBorderRule, Msg] = {
    CrossBorderRule.PROHIBITED: Msg("不向境外传输", "Never transferred abroad"),
    CrossBorderRule.LAW_OR_SEPARATE_CONSENT: Msg(
        "仅依法律规定或经您单独同意向境外提供", "Abroad only as the law provides or with your separate consent"
    ),
    CrossBorderRule.MAY_TRANSFER: Msg("可能向境外传输", "May be transferred abroad"),
    CrossBorderRule.UNSTATED: Msg("本政策未说明是否向境外传输", "Not stated in this policy"),
}

CERTIFICATION_KIND: dict[CertificationKind, Msg] = {
    CertificationKind.MLPS: Msg("网络安全等级保护", "Multi-Level Protection Scheme (MLPS)"),
    CertificationKind.ISO_27001: Msg("ISO/IEC 27001 信息安全管理体系认证", "ISO/IEC 27001 certification"),
    CertificationKind.ISO_27701: Msg("ISO/IEC 27701 隐私信息管理体系认证", "ISO/IEC 27701 certification"),
    CertificationKind.ISO_27018: Msg("ISO/IEC 27018 公有云个人信息保护认证", "ISO/IEC 27018 certification"),
    CertificationKind.PI_PROTECTION: Msg("个人信息保护认证", "Personal information protection certification"),
    CertificationKind.APP_SECURITY: Msg("移动互联网应用程序（App）安全认证", "App security certification"),
    CertificationKind.OTHER: Msg("其他认证", "Other certification"),
}

OPEN_LIST_KIND: dict[OpenListKind, Msg] = {
    OpenListKind.FIELDS: Msg("收集的个人信息", "personal information collected"),
    OpenListKind.PURPOSES: Msg("处理目的", "purposes"),
    OpenListKind.PERMISSIONS: Msg("设备权限", "device permissions"),
    OpenListKind.RECIPIENTS: Msg("接收方", "recipients"),
    OpenListKind.SDKS: Msg("第三方 SDK", "third-party SDKs"),
    OpenListKind.DISCLOSURES: Msg("公开或披露的情形", "cases of disclosure"),
}

OPEN_HOW: dict[OpenHow, Msg] = {
    OpenHow.NOT_LIMITED_TO: Msg("“包括但不限于”，未列全", '"including but not limited to": not complete'),
    OpenHow.AT_DISCRETION: Msg("包括“我们认为适当的其他情形”", 'it includes "any other case we find appropriate"'),
    OpenHow.IMAGE_ONLY: Msg("仅以图片形式公布", "published only as an image"),
    OpenHow.ELSEWHERE: Msg("在本政策之外的其他页面公布", "published on another page"),
}

APP_TYPE: dict[AppType, Msg] = {
    AppType.WOMENS_HEALTH: Msg("女性健康", "Women's health"),
    AppType.LIVE_STREAMING: Msg("网络直播", "Live streaming"),
    AppType.ONLINE_VIDEO_AUDIO: Msg("在线影音", "Online video and audio"),
    AppType.SHORT_VIDEO: Msg("短视频", "Short video"),
    AppType.NEWS: Msg("新闻资讯", "News"),
    AppType.FITNESS: Msg("运动健身", "Sports and fitness"),
    AppType.BROWSER: Msg("浏览器", "Browser"),
    AppType.INPUT_METHOD: Msg("输入法", "Input method"),
    AppType.SECURITY_MANAGEMENT: Msg("安全管理", "Security management"),
    AppType.E_BOOKS: Msg("电子图书", "E-books"),
    AppType.PHOTO_EDITING: Msg("拍摄美化", "Photo and beauty"),
    AppType.APP_STORE: Msg("应用商店", "App store"),
    AppType.UTILITIES: Msg("实用工具", "Utilities"),
    AppType.OTHER: Msg("其他", "Other"),
}

CONTACT_USE: dict[ContactUse, Msg] = {
    ContactUse.GENERAL: Msg("一般咨询", "General questions"),
    ContactUse.RIGHTS: Msg("行使个人信息权利", "Exercising your rights"),
    ContactUse.COMPLAINTS: Msg("投诉举报", "Complaints and reports"),
    ContactUse.NEXT_OF_KIN: Msg("近亲属行使逝者的权利", "Next of kin of a deceased user"),
    ContactUse.SECURITY: Msg("报告安全问题", "Reporting security problems"),
    ContactUse.MINORS: Msg("未成年人个人信息", "Minors' personal information"),
}

CONTACT_KIND: dict[ContactKind, Msg] = {
    ContactKind.PHONE: Msg("电话", "Phone"),
    ContactKind.EMAIL: Msg("电子邮箱", "Email"),
    ContactKind.ONLINE_SERVICE: Msg("在线客服", "Online customer service"),
    ContactKind.ADDRESS: Msg("邮寄地址", "Postal address"),
    ContactKind.WEB_FORM: Msg("在线表单", "Web form"),
}

EXCESSIVE_ACTION: dict[ExcessiveAction, Msg] = {
    ExcessiveAction.FEE: Msg("收取一定的成本费用", "charge a fee to cover our costs"),
    ExcessiveAction.REFUSE: Msg("予以拒绝", "refuse them"),
}

RISK: dict[Risk, Msg] = {
    Risk.LOW: Msg("低", "low"),
    Risk.MEDIUM: Msg("中", "medium"),
    Risk.HIGH: Msg("高", "high"),
}

DEIDENTIFICATION: dict[Deidentification, Msg] = {
    Deidentification.PSEUDONYM: Msg("替换为该接收方专用的假名", "replaced by a pseudonym of this recipient's own"),
    Deidentification.AGE_BAND: Msg("仅提供年龄段", "an age band only"),
    Deidentification.BIRTH_YEAR: Msg("仅提供出生年份", "the year of birth only"),
    Deidentification.CITY: Msg("仅提供所在城市", "the city only"),
}

TRANSFER_MECHANISM: dict[TransferMechanism, Msg] = {
    TransferMechanism.SECURITY_ASSESSMENT: Msg("通过国家网信部门组织的安全评估", "a CAC security assessment"),
    TransferMechanism.CERTIFICATION: Msg(
        "经专业机构进行个人信息保护认证", "personal information protection certification"
    ),
    TransferMechanism.STANDARD_CONTRACT: Msg(
        "与境外接收方订立标准合同", "the standard contract with the recipient abroad"
    ),
}

ENUM_LABELS: Mapping[type[StrEnum], Mapping[Any, Msg]] = {
    FieldType: FIELD_TYPE,
    Category: CATEGORY,
    Sensitivity: SENSITIVITY,
    FieldSource: FIELD_SOURCE,
    FunctionKind: FUNCTION_KIND,
    LegalBasis: LEGAL_BASIS,
    RetentionEnd: RETENTION_END,
    RetentionStart: RETENTION_START,
    StatisticsDimension: STATISTICS_DIMENSION,
    OnExpiry: ON_EXPIRY,
    Visibility: VISIBILITY,
    RoleKind: ROLE_KIND,
    Operation: OPERATION,
    RecipientKind: RECIPIENT_KIND,
    PermissionKind: PERMISSION_KIND,
    CookieCategory: COOKIE_CATEGORY,
    Technology: TECHNOLOGY,
    Channel: CHANNEL,
    ScopeChannel: SCOPE_CHANNEL,
    Principle: PRINCIPLE,
    Right: RIGHT,
    RefusalGround: REFUSAL_GROUND,
    NoConsentCase: NO_CONSENT_CASE,
    ExternalRemedy: EXTERNAL_REMEDY,
    SecurityMeasure: SECURITY_MEASURE,
    IncidentNoticeContent: INCIDENT_NOTICE_CONTENT,
    MaterialChange: MATERIAL_CHANGE,
    MinorsRule: MINORS_RULE,
    CrossBorderRule: CROSS_BORDER_RULE,
    ContactUse: CONTACT_USE,
    ContactKind: CONTACT_KIND,
    ExcessiveAction: EXCESSIVE_ACTION,
    Risk: RISK,
    CertificationKind: CERTIFICATION_KIND,
    OpenListKind: OPEN_LIST_KIND,
    OpenHow: OPEN_HOW,
    AppType: APP_TYPE,
    Deidentification: DEIDENTIFICATION,
    TransferMechanism: TRANSFER_MECHANISM,
}
"""Every closed vocabulary and its words; a test checks that no value is missing."""


def label(value: StrEnum, lang: str) -> str:
    """The word for a vocabulary value in ``lang`` (zh-TW takes the Simplified text, converted later)."""
    return ENUM_LABELS[type(value)][value].get(lang)


# --------------------------------------------------------------------------- periods, dates, places

_UNIT_ZH: dict[DurationUnit, str] = {
    DurationUnit.HOURS: "小时",
    DurationUnit.DAYS: "天",
    DurationUnit.WORKING_DAYS: "个工作日",
    DurationUnit.MONTHS: "个月",
    DurationUnit.YEARS: "年",
}

_UNIT_EN: dict[DurationUnit, tuple[str, str]] = {
    DurationUnit.HOURS: ("hour", "hours"),
    DurationUnit.DAYS: ("day", "days"),
    DurationUnit.WORKING_DAYS: ("working day", "working days"),
    DurationUnit.MONTHS: ("month", "months"),
    DurationUnit.YEARS: ("year", "years"),
}


# --------------------------------------------------------------------------- spec texts in sentences
#
# Shared by the published policy and the explanation, so both set a spec's text the same way.

_NEWLINES = re.compile(r"\s*\n\s*")
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def one_line(text: str) -> str:
    """A text from the spec on one line (YAML folding and block scalars leave line breaks)."""
    return _NEWLINES.sub(" ", text.strip())


def prose(text: str) -> str:
    """One line, without the spaces YAML folding leaves between Chinese characters."""
    return _CJK_GAP.sub("", one_line(text))


def pad_digits(value: str) -> str:
    """Chinese typography sets a number off from the characters around it by a space ("保存 6 个月")."""
    if value[:1].isdigit():
        value = " " + value
    if value[-1:].isdigit():
        value += " "
    return value


def duration(period: Duration, lang: str) -> str:
    """``15 working days`` as a reader says it: "15 个工作日", "15 working days", "1 month"."""
    if lang == "en":
        singular, plural = _UNIT_EN[period.unit]
        return f"{period.value} {singular if period.value == 1 else plural}"
    return f"{period.value} {_UNIT_ZH[period.unit]}"


SESSION = Msg("会话期间（关闭浏览器后失效）", "For the session (until you close the browser)")

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_text(day: date, lang: str) -> str:
    """A date as Chinese and English policies print it, independent of the machine's locale."""
    if lang == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


REGION: dict[str, Msg] = {
    "CN": Msg("中华人民共和国境内", "mainland China"),
    "abroad": Msg("境外", "outside mainland China"),
    "worldwide": Msg("全球各地（供应商所在地不限）", "anywhere in the world"),
    "HK": Msg("中国香港特别行政区", "Hong Kong SAR, China"),
    "MO": Msg("中国澳门特别行政区", "Macao SAR, China"),
    "TW": Msg("中国台湾地区", "Taiwan region, China"),
    "US": Msg("美国", "the United States"),
    "SG": Msg("新加坡", "Singapore"),
    "JP": Msg("日本", "Japan"),
    "KR": Msg("韩国", "South Korea"),
    "DE": Msg("德国", "Germany"),
    "FR": Msg("法国", "France"),
    "GB": Msg("英国", "the United Kingdom"),
    "IE": Msg("爱尔兰", "Ireland"),
    "NL": Msg("荷兰", "the Netherlands"),
    "AU": Msg("澳大利亚", "Australia"),
    "CA": Msg("加拿大", "Canada"),
    "MY": Msg("马来西亚", "Malaysia"),
    "IN": Msg("印度", "India"),
}


def region(code: str, lang: str) -> str:
    """A country or region by its ISO 3166 code; an unknown code is shown as the code itself."""
    known = REGION.get(code)
    return known.get(lang) if known is not None else code


def join(items: Sequence[str], lang: str, conj: Literal["and", "or"] | None = None) -> str:
    """A list inside a sentence: "A、B或C" in Chinese, "A, B or C" in English."""
    if not items:
        return ""
    if conj is None or len(items) == 1:
        return ("、" if lang != "en" else ", ").join(items)
    if lang == "en":
        return f"{', '.join(items[:-1])} {conj} {items[-1]}"
    return f"{'、'.join(items[:-1])}{'和' if conj == 'and' else '或'}{items[-1]}"


# --------------------------------------------------------------------------- the fixed text of the policy

YES = Msg("是", "Yes")
NO = Msg("否", "No")
NEEDED = Msg("需要", "Required")
NOT_NEEDED = Msg("不需要", "Not required")
NEEDED_BY_LAW = Msg("依法需要（{law}）", "Required by law ({law})")
NEEDED_BY_LAW_UNASKED = Msg(
    "依法需要（{law}）；本政策未说明会征求", "Required by law ({law}); this policy does not say it is asked"
)
NOT_APPLICABLE_NO_CONSENT = Msg("不适用（不以同意为基础）", "Not applicable (not based on consent)")
NONE = Msg("无", "None")
NOT_STATED = Msg("本政策未写明", "Not stated in this policy")
SENSITIVE_MARK = Msg("（敏感）", " (sensitive)")
COLON = Msg("：", ": ")
SENTENCE_END = Msg("。", ".")
PRODUCT_FALLBACK = Msg("我们的产品和服务", "our products and services")

# Section titles, in the order of GB/T 35273-2020 Appendix D.
SEC_SCOPE = Msg("适用范围", "Scope")
SEC_DEFINITIONS = Msg("术语", "Definitions")
SEC_PRINCIPLES = Msg("我们遵循的原则", "Our principles")
SEC_TOC = Msg("本政策将帮助您了解以下内容", "What this policy covers")
SEC_COLLECT = Msg("我们如何收集和使用您的个人信息", "How we collect and use your personal information")
SEC_COOKIES = Msg("我们如何使用 Cookie 和同类技术", "How we use cookies and similar technologies")
SEC_SHARING = Msg(
    "我们如何委托处理、共享、转让、公开披露您的个人信息",
    "How we entrust, share, transfer and publicly disclose your personal information",
)
SEC_STORAGE = Msg("我们如何存储和保护您的个人信息", "How we store and protect your personal information")
SEC_RIGHTS = Msg("您的权利", "Your rights")
SEC_MINORS = Msg("我们如何处理未成年人的个人信息", "How we handle minors' personal information")
SEC_CROSS_BORDER = Msg("您的个人信息如何在全球范围转移", "How your personal information is transferred across borders")
SEC_CHANGES = Msg("本政策如何更新", "How this policy is updated")
SEC_CONTACT = Msg("如何联系我们", "How to contact us")
SEC_SUPPLEMENTARY = Msg("补充说明", "Supplementary notices")
SEC_UNSTATED = Msg("本政策未说明的事项", "What this policy does not state")

MAIN_SECTIONS: tuple[Msg, ...] = (
    SEC_COLLECT,
    SEC_COOKIES,
    SEC_SHARING,
    SEC_STORAGE,
    SEC_RIGHTS,
    SEC_MINORS,
    SEC_CROSS_BORDER,
    SEC_CHANGES,
    SEC_CONTACT,
)
"""The nine numbered sections, always all present and always in this order (NOT-11)."""

# Header facts.
FACT_PRODUCT = Msg("适用产品", "Product")
FACT_OPERATOR = Msg("个人信息处理者", "Personal information processor")
FACT_APP_OPERATOR = Msg("应用运营者", "App operator")
FACT_ADDRESS = Msg("地址", "Address")
FACT_VERSION = Msg("版本", "Version")
FACT_EFFECTIVE = Msg("生效日期", "Effective date")
FACT_UPDATED = Msg("更新日期", "Last updated")
FACT_PREVIOUS = Msg("上一版本日期", "Previous version")
FACT_VIEW = Msg("在产品中查看本政策", "Where to find this policy in the product")

WE_ARE = Msg("本政策中的“我们”是指{name}。", 'In this policy, "we" means {name}.')
WE_ARE_WITH_AFFILIATES = Msg(
    "本政策中的“我们”是指{name}及其关联公司。", 'In this policy, "we" means {name} and its affiliates.'
)
READ_CAREFULLY = Msg(
    "请您在使用我们的产品或服务前，仔细阅读并充分理解本政策。敏感个人信息以加粗方式标示，请您特别关注。",
    "Please read this policy carefully before you use our products or services. Sensitive personal "
    "information is shown in bold: please pay particular attention to it.",
)

# Scope.
SCOPE_CHANNELS = Msg(
    "本政策适用于您通过{channels}使用{product}。", "This policy applies when you use {product} through {channels}."
)
SCOPE_NO_CHANNELS = Msg("本政策适用于您使用{product}。", "This policy applies when you use {product}.")
SCOPE_BOTH = Msg("本政策适用于注册用户和未注册的访客。", "It covers registered users and unregistered visitors.")
SCOPE_REGISTERED = Msg("本政策适用于我们的注册用户。", "It covers our registered users.")
SCOPE_VISITORS = Msg("本政策适用于访问我们产品的访客。", "It covers visitors to our products.")
SCOPE_THIRD_PARTY = Msg(
    "本政策不适用于第三方通过我们的产品向您提供的产品或服务；这些产品或服务适用第三方自己的个人信息处理规则。",
    "It does not cover products or services that third parties provide to you through ours; their own "
    "personal information rules apply to those.",
)
SCOPE_EXCLUDED = Msg("本政策同样不适用于：", "Nor does this policy cover:")
SCOPE_SUPPLEMENTARY = Msg(
    "对于{products}，我们另行制定了补充说明，见本政策末尾的“{title}”。",
    'For {products} we publish supplementary notices: see "{title}" at the end of this policy.',
)

# Definitions (PIPL Art. 4, 28 and 73).
TERM_PI = Msg("个人信息", "Personal information")
TERM_PI_TEXT = Msg(
    "以电子或者其他方式记录的与已识别或者可识别的自然人有关的各种信息，不包括匿名化处理后的信息（《个人信息保护法》第四条）。",
    "Any information, recorded electronically or otherwise, relating to an identified or identifiable natural "
    "person, excluding information that has been anonymised (PIPL Art. 4).",
)
TERM_SENSITIVE = Msg("敏感个人信息", "Sensitive personal information")
TERM_SENSITIVE_TEXT = Msg(
    "一旦泄露或者非法使用，容易导致自然人的人格尊严受到侵害或者人身、财产安全受到危害的个人信息，包括生物识别、宗教信仰、"
    "特定身份、医疗健康、金融账户、行踪轨迹等信息，以及不满十四周岁未成年人的个人信息（《个人信息保护法》第二十八条）。",
    "Personal information that, once leaked or unlawfully used, can easily harm a person's dignity or endanger "
    "their personal or property safety, including biometrics, religious belief, specific identity, medical "
    "health, financial accounts and whereabouts, and the personal information of minors under 14 (PIPL Art. 28).",
)
TERM_DEIDENTIFIED = Msg("去标识化", "De-identification")
TERM_DEIDENTIFIED_TEXT = Msg(
    "个人信息经过处理，使其在不借助额外信息的情况下无法识别特定自然人的过程（《个人信息保护法》第七十三条）。",
    "Processing personal information so that it cannot identify a specific person without additional "
    "information (PIPL Art. 73).",
)
TERM_ANONYMISED = Msg("匿名化", "Anonymisation")
TERM_ANONYMISED_TEXT = Msg(
    "个人信息经过处理无法识别特定自然人且不能复原的过程（《个人信息保护法》第七十三条）。",
    "Processing personal information so that it cannot identify a specific person and cannot be restored "
    "(PIPL Art. 73).",
)
PRINCIPLES_INTRO = Msg(
    "我们按照以下原则处理您的个人信息：", "We process your personal information according to these principles:"
)

# 1 Collection and use.
COLLECT_INTRO = Msg(
    "我们仅为实现下列目的收集和使用您的个人信息，并仅收集实现各项目的所必需的个人信息。",
    "We collect and use your personal information only for the purposes below, and only what each purpose needs.",
)
BASIC_ADDITIONAL = Msg(
    "基本业务功能是我们提供产品或服务的核心功能，您需要提供其所必需的个人信息，否则无法使用该功能；"
    "扩展业务功能由您选择是否使用，您拒绝提供扩展业务功能所需的个人信息，不会影响您使用基本业务功能。",
    "Basic functions are the core of our service: without the personal information they need you cannot use "
    "them. Additional functions are your choice: refusing the personal information they need does not stop you "
    "using the basic functions.",
)
SUB_INVENTORY = Msg("个人信息处理清单", "What we collect, and why")
INVENTORY_INTRO = Msg(
    "下表逐项列出各项业务功能处理的个人信息、合法性基础和保存期限。加粗并标注“敏感”的为敏感个人信息；"
    "“合法性基础”一栏对应《个人信息保护法》第十三条第一款规定的情形。",
    "The table lists, function by function, the personal information processed, the legal basis and how long "
    'it is kept. Sensitive personal information is in bold and marked "sensitive"; the legal bases are those '
    "of Article 13(1) of the Personal Information Protection Law (PIPL).",
)
INVENTORY_HEADERS = (
    Msg("业务功能（处理目的）", "Function (purpose)"),
    Msg("功能类型", "Type"),
    Msg("处理的个人信息", "Personal information"),
    Msg("合法性基础", "Legal basis"),
    Msg("保存期限", "Retention"),
    Msg("设备权限", "Device permissions"),
    Msg("单独同意", "Separate consent"),
)
RETENTION_THEN: dict[OnExpiry, Msg] = {
    OnExpiry.DELETE: Msg("{period}，之后删除", "{period}, then deleted"),
    OnExpiry.ANONYMISE: Msg("{period}，之后匿名化处理", "{period}, then anonymised"),
    OnExpiry.DELETE_OR_ANONYMISE: Msg("{period}，之后删除或匿名化处理", "{period}, then deleted or anonymised"),
}
RETENTION_AFTER = Msg("{start}{period}", "{period} {start}")
LEGAL_MINIMUM = Msg("法律规定至少保存{period}", "the law requires at least {period}")
LEGAL_MINIMUM_SOURCE = Msg("法律规定至少保存{period}（{source}）", "the law requires at least {period} ({source})")
CLAUSE_SEP = Msg("；", "; ")
SUB_FUNCTIONS = Msg("各项业务功能的说明", "The functions in detail")
PURPOSE_PERSONALISATION = Msg(
    "该功能基于您的个人信息进行个性化推荐。", "This function personalises what you see from your personal information."
)
PURPOSE_AUTOMATED = Msg("该功能涉及自动化决策。", "This function involves automated decision-making.")
PURPOSE_DEIDENTIFIED = Msg(
    "该功能仅使用去标识化或匿名化处理后的信息。", "This function uses only de-identified or anonymised information."
)
PURPOSE_OTHERS = Msg("该功能可能涉及他人的个人信息。", "This function may involve other people's personal information.")
PURPOSE_COOKIES = Msg(
    "该功能使用以下 Cookie 或同类技术：{cookies}。",
    "This function uses these cookies or similar technologies: {cookies}.",
)
SUB_FIELDS = Msg("个人信息的类别和来源", "Categories and sources")
FIELDS_HEADERS = (
    Msg("个人信息", "Personal information"),
    Msg("类别", "Category"),
    Msg("敏感程度", "Sensitivity"),
    Msg("来源", "Source"),
    Msg("说明", "Notes"),
)
FIELD_IMMUTABLE = Msg("注册后不可更改", "Cannot be changed after registration")
FIELD_DERIVED = Msg("由我们推断得出", "Inferred by us")
SUB_SENSITIVE = Msg("敏感个人信息", "Sensitive personal information")
SENSITIVE_INTRO = Msg(
    "处理下列敏感个人信息对您的个人权益影响较大。我们仅在具有特定的目的和充分的必要性时处理，并向您说明处理的必要性以及对您个人权益的影响：",
    "Processing the following sensitive personal information can significantly affect your rights. We process "
    "it only for a specific purpose and where it is sufficiently necessary; here is why, and how it affects you:",
)
SENSITIVE_HEADERS = (
    Msg("敏感个人信息", "Sensitive personal information"),
    Msg("处理的必要性", "Why it is necessary"),
    Msg("对您个人权益的影响", "Impact on you"),
)
NO_SENSITIVE = Msg("本政策未声明处理任何敏感个人信息。", "This policy declares no sensitive personal information.")
SUB_PERMISSIONS = Msg("设备权限", "Device permissions")
PERMISSIONS_INTRO = Msg(
    "下列功能需要调用您设备的系统权限。您可以随时在设备的系统设置中关闭权限；关闭后，我们将停止基于该权限收集相应的个人信息，"
    "但不影响此前基于您的授权已进行的处理。",
    "The functions below need permissions on your device. You can turn a permission off at any time in your "
    "device's system settings; we then stop collecting the personal information it gives access to, which does "
    "not affect processing already done on the basis of your earlier authorisation.",
)
PERMISSIONS_HEADERS = (
    Msg("权限", "Permission"),
    Msg("权限类型", "Kind"),
    Msg("用于", "Used for"),
    Msg("何时申请", "When we ask"),
    Msg("说明", "Notes"),
)
NO_PERMISSIONS = Msg("本政策未声明需要调用的设备权限。", "This policy declares no device permissions.")
SUB_PERSONALISATION = Msg("个性化推荐与自动化决策", "Personalisation and automated decisions")
PERS_PURPOSES = Msg(
    "我们在以下业务功能中基于您的个人信息进行个性化推荐：{purposes}。",
    "We personalise recommendations from your personal information in these functions: {purposes}.",
)
PERS_NOT_OFFERED = Msg(
    "我们不向您提供个性化推荐或定向推送。", "We do not offer you personalised recommendations or targeted messages."
)
PERS_OPT_OUT = Msg("如何关闭", "How to switch it off")
PERS_NO_OPT_OUT = Msg("本政策未说明如何关闭个性化推荐。", "This policy does not say how to switch personalisation off.")
PERS_ALTERNATIVE = Msg(
    "我们同时提供不针对您个人特征的选项。",
    "We also offer an option that is not based on your personal characteristics.",
)
PERS_ALGORITHM = Msg("推荐算法说明", "How the recommendation algorithm works")
PERS_PROFILE_DELETION = Msg(
    "您可以要求删除我们为个性化推荐建立的用户标签（用户画像）。",
    "You can ask us to delete the profile tags we use for personalisation.",
)
AUTO_PURPOSES = Msg(
    "以下业务功能涉及自动化决策：{purposes}。", "These functions involve automated decision-making: {purposes}."
)
NO_PERSONALISATION = Msg(
    "本政策未声明基于您的个人信息进行个性化推荐或自动化决策的业务功能。",
    "This policy declares no function that uses your personal information for personalisation or automated decisions.",
)
SUB_OTHERS = Msg("他人的个人信息", "Other people's personal information")
OTHERS_TEXT = Msg(
    "在{purposes}中，您可能需要向我们提供他人（例如家人、收件人）的个人信息。请您在提供前确保已取得其授权同意。",
    "In {purposes} you may give us other people's personal information (family members or recipients, for "
    "example). Please make sure they have authorised you before you do.",
)
SUB_CONSENT = Msg("征得您的同意", "Your consent")
CONSENT_NEW_PURPOSE = Msg(
    "如我们要将您的个人信息用于本政策未载明的其他目的，会事先征求您的同意。",
    "Before we use your personal information for a purpose this policy does not state, we ask for your consent.",
)
CONSENT_COOLDOWN = Msg(
    "您拒绝授权后，我们在{period}内不会就同一事项再次征求您的同意。",
    "After you refuse, we do not ask again for the same consent within {period}.",
)
CONSENT_WITHDRAW = Msg("撤回同意的方式", "How to withdraw consent")
CONSENT_WITHDRAW_EFFECT = Msg(
    "撤回同意不影响撤回前基于您的同意已进行的个人信息处理活动的效力。",
    "Withdrawing consent does not affect processing carried out on the basis of your consent before you withdrew it.",
)
SUB_NO_CONSENT = Msg("征得同意的例外", "When we do not need your consent")
NO_CONSENT_INTRO = Msg(
    "根据相关法律法规，在以下情形中，我们收集、使用您的个人信息无需征得您的授权同意：",
    "Under the applicable laws and regulations, we may collect and use your personal information without your "
    "consent where:",
)
NO_CONSENT_NONE = Msg(
    "本政策未列举无需征得您同意即可处理个人信息的具体情形；各项业务功能的合法性基础见上文的个人信息处理清单。",
    "This policy lists no specific cases in which your personal information is processed without consent; the "
    "legal basis of each function is in the table above.",
)

# 2 Cookies.
COOKIE_INTRO = Msg(
    "我们使用 Cookie 和同类技术在您的设备上存储少量数据，用途如下表所列。",
    "We use cookies and similar technologies to store small amounts of data on your device, for the uses below.",
)
COOKIE_HEADERS = (
    Msg("名称", "Name"),
    Msg("类别", "Category"),
    Msg("技术", "Technology"),
    Msg("用途", "Use"),
    Msg("有效期", "Expiry"),
    Msg("设置方", "Set by"),
    Msg("相关业务功能", "Used by"),
)
COOKIE_FIRST_PARTY = Msg("我们", "Us")
COOKIE_THIRD_PARTY = Msg("第三方", "A third party")
COOKIE_MANAGE = Msg(
    "您可以通过浏览器或设备设置管理、清除 Cookie 和同类技术保存的数据。清除后，依赖这些技术的功能可能无法正常使用。",
    "You can manage or clear the data kept by cookies and similar technologies in your browser or device "
    "settings. After that, features that rely on them may not work.",
)
NO_COOKIES = Msg("本政策未声明使用 Cookie 或同类技术。", "This policy declares no cookies or similar technologies.")

# 3 Sharing.
SUB_RECIPIENTS = Msg("接收方清单", "Who receives your personal information")
RECIPIENTS_INTRO = Msg(
    "我们仅为实现本政策所述目的，向下列接收方提供实现该目的所必需的个人信息。",
    "We provide personal information to the recipients below only for the purposes of this policy, and only "
    "what each purpose needs.",
)
RECIPIENTS_SDK = Msg(
    "第三方 SDK 嵌入在我们的产品中，由其提供方处理相应的个人信息。",
    "Third-party SDKs are embedded in our products; their providers process the personal information listed.",
)
RECIPIENT_HEADERS = (
    Msg("接收方", "Recipient"),
    Msg("类型", "Kind"),
    Msg("处理目的", "Purposes"),
    Msg("个人信息", "Personal information"),
    Msg("所在地", "Location"),
    Msg("书面协议", "Written agreement"),
    Msg("去标识化", "De-identified"),
    Msg("单独同意", "Separate consent"),
)
AGREEMENT_EXPLAIN = Msg(
    "已签署书面协议的接收方，协议约定了处理的目的、期限、处理方式、个人信息的种类和保护措施。",
    "Where a written agreement is marked, it sets the purpose, term and method of processing, the types of "
    "personal information and the protection measures.",
)
NO_RECIPIENTS = Msg(
    "本政策未声明向第三方委托处理、共享或提供您的个人信息。",
    "This policy declares no recipient to whom your personal information is entrusted, shared or provided.",
)
SUB_RECIPIENT_DETAILS = Msg("接收方说明", "About each recipient")
RECIPIENT_SDK_PROVIDER = Msg("SDK 提供方：{provider}", "SDK provider: {provider}")
RECIPIENT_CONTACT = Msg("联系方式：{contact}", "Contact: {contact}")
RECIPIENT_DELETE_ON_END = Msg(
    "委托关系结束后删除个人信息", "Deletes the personal information when the entrustment ends"
)
RECIPIENT_DELETION_CHANNEL = Msg(
    "要求其删除您的个人信息：{channel}", "To ask it to delete your personal information: {channel}"
)
RECIPIENT_CROSS_BORDER = Msg(
    "向其出境提供个人信息时取得您的单独同意",
    "Your separate consent is asked before it receives your personal information abroad",
)
RECIPIENT_DEIDENTIFIED = Msg("提供前去标识化：{methods}", "De-identified before it is provided: {methods}")
RECIPIENT_DEIDENTIFIED_ONE = Msg("{field}{method}", "{field}, {method}")
RECIPIENT_MECHANISM = Msg("出境提供的法定条件：{mechanism}", "Legal basis of the transfer abroad: {mechanism}")
SUB_TRANSFER = Msg("转让", "Transfer")
TRANSFER_CONSENT = Msg(
    "我们不会将您的个人信息转让给任何公司、组织和个人，但获得您的明确同意的除外。",
    "We do not transfer your personal information to any company, organisation or person unless you "
    "explicitly consent.",
)
TRANSFER_MERGER = Msg(
    "因合并、分立、解散、被宣告破产等原因需要转移您的个人信息时：",
    "If your personal information has to be transferred because of a merger, division, dissolution or bankruptcy:",
)
TRANSFER_MERGER_NOTICE = Msg(
    "我们会向您告知接收方的名称或者姓名和联系方式", "we tell you the recipient's name and contact details"
)
TRANSFER_MERGER_BOUND = Msg(
    "接收方将继续受本政策约束；变更原先的处理目的、处理方式的，将重新取得您的同意。",
    "the recipient remains bound by this policy, and asks for your consent again if it changes the purpose or "
    "method of processing.",
)
TRANSFER_MERGER_BARE = Msg(
    "在合并、分立、解散、被宣告破产等情形下，我们可能需要转移您的个人信息。",
    "We may have to transfer your personal information in a merger, division, dissolution or bankruptcy.",
)
TRANSFER_MERGER_UNSTATED = Msg(
    "本政策未说明在合并、分立、解散、被宣告破产等情形下如何处理您的个人信息。",
    "This policy does not say what happens to your personal information in a merger, division, dissolution or "
    "bankruptcy.",
)
SUB_DISCLOSURE = Msg("公开披露", "Public disclosure")
DISCLOSURE_INTRO = Msg(
    "我们仅会在以下情形公开披露您的个人信息：", "We publicly disclose your personal information only:"
)
DISCLOSURE_CONSENT = Msg("获得您的明确同意后", "with your explicit consent")
DISCLOSURE_COMPULSION = Msg(
    "在法律、法律程序、诉讼或政府主管部门强制性要求的情况下。",
    "where laws, legal proceedings, litigation or the competent authorities compel us.",
)
DISCLOSURE_DOCUMENTS = Msg(
    "对于依法提出的披露请求，我们会要求对方出具相应的法律文件，如传票或调查函，并审查其合法性。",
    "When disclosure is demanded under law, we require the relevant legal documents, such as a subpoena or a "
    "letter of investigation, and check that they are lawful.",
)
DISCLOSURE_DECLARED = Msg("我们会公开以下个人信息：", "We make the following personal information public:")
DISCLOSURE_HEADERS = (
    Msg("公开的内容", "What"),
    Msg("个人信息", "Personal information"),
    Msg("公开对象", "To whom"),
    Msg("默认", "By default"),
    Msg("如何停止", "How to stop it"),
    Msg("单独同意", "Separate consent"),
)
EXCEPTIONS_INTRO_OTHER = Msg(
    "此外，我们会在以下情形公开披露您的个人信息：", "We also disclose personal information publicly:"
)
DISCLOSURE_DEFAULT_ON = Msg("默认公开，除非您选择退出", "Public unless you opt out")
DISCLOSURE_DEFAULT_OFF = Msg("仅在您选择后公开", "Only if you choose it")
DISCLOSURE_DEIDENTIFIED = Msg("（去标识化后）", " (de-identified)")
DISCLOSURE_VIA_THIRD_PARTY = Msg("只能通过第三方", "only through a third party")
OPEN_LIST = Msg("本政策所列的{what}不完整：{how}。", "This policy's list of {what} is not complete: {how}.")
RECIPIENT_USES = Msg("其自身的使用目的：{uses}", "Its own uses: {uses}")
CERTIFICATIONS = Msg("我们取得的认证：{items}。", "Our certifications: {items}.")
MLPS_LEVEL = Msg("第{level}级", "level {level}")
CHANGES_CONFIRM = Msg("变更仅在您确认后对您生效。", "A change applies to you only after you confirm it.")
CHANGES_WITHOUT_NOTICE = Msg(
    "本政策称我们可以随时修改本政策而不另行通知。",
    "This policy says we may change it at any time without notice.",
)
CHANGES_ARCHIVE = Msg("本政策的历史版本：{where}。", "Earlier versions of this policy: {where}.")
REQ_FEE = Msg("收费标准：{fee}", "The fee: {fee}")
CONSENT_BUNDLED = Msg(
    "本政策称您同意服务协议即视为同意本政策。",
    "This policy says that agreeing to the terms of service counts as agreeing to this policy.",
)
CROSS_UNSTATED = Msg(
    "本政策未说明您的个人信息是否会被传输至境外。",
    "This policy does not say whether your personal information is transferred abroad.",
)
CROSS_NEEDS_CONSENT = Msg(
    "依据{law}，向境外提供个人信息需要取得您的单独同意。",
    "Under {law}, providing your personal information abroad needs your separate consent.",
)
DISCLOSURE_UNSTATED = Msg(
    "本政策未说明公开披露您的个人信息的情形。",
    "This policy does not say when your personal information may be publicly disclosed.",
)
SUB_EXCEPTIONS = Msg("征得授权同意的例外", "Exceptions to consent")
EXCEPTIONS_INTRO = Msg(
    "在以下情形中，我们共享、转让、公开披露您的个人信息无需事先征得您的授权同意：",
    "We may share, transfer or publicly disclose your personal information without your prior consent where:",
)
EXCEPTIONS_NONE = Msg(
    "本政策未列举共享、转让、公开披露您的个人信息无需征得您同意的情形。",
    "This policy lists no case in which your personal information is shared, transferred or disclosed without "
    "your consent.",
)
SUB_DEIDENTIFIED = Msg("去标识化和匿名化信息", "De-identified and anonymised information")
DEIDENTIFIED_NO_NOTICE = Msg(
    "对于经去标识化处理且接收方无法重新识别特定个人的信息，我们共享、转让、公开披露时无需另行通知您或征得您的同意。",
    "Where information has been de-identified and the recipient cannot re-identify you, we may share, transfer "
    "or disclose it without notifying you or asking for your consent.",
)
ANONYMISED_STATISTICS = Msg(
    "我们可能对外提供或公开不包含身份识别内容的统计信息。", "We may provide or publish statistics that identify no one."
)

# 4 Storage and protection.
SUB_LOCATION = Msg("存储地点", "Where we store it")
STORAGE_REGION = Msg(
    "我们收集和产生的个人信息存储在{region}。",
    "The personal information we collect and generate is stored in {region}.",
)
STORAGE_REGION_UNSTATED = Msg(
    "本政策未说明您的个人信息存储在何处。", "This policy does not say where your personal information is stored."
)
STORAGE_SEE_CROSS_BORDER = Msg("跨境传输的情况见", "For transfers abroad, see ")
SUB_RETENTION = Msg("保存期限", "How long we keep it")
RETENTION_INTRO = Msg(
    "我们仅在实现处理目的所必需的期限内保存您的个人信息，法律、行政法规另有规定的除外。各项业务功能的保存期限如下：",
    "We keep your personal information only as long as each purpose needs, unless laws or administrative "
    "regulations require otherwise. Each function keeps it as follows:",
)
ACCESS_LOGS = Msg(
    "我们依法保存网络访问日志，保存期限为{period}。", "We keep network access logs, as the law requires, for {period}."
)
ACCESS_LOGS_PERIOD_UNSTATED = Msg(
    "我们会记录网络日志（如 IP 地址、登录和退出时间），本政策未说明其保存期限。",
    "We keep network access logs (such as IP addresses and login and logout times); this policy does not say "
    "for how long.",
)
ACCESS_LOGS_NOT_KEPT = Msg("我们不保存网络访问日志。", "We do not keep network access logs.")
RETENTION_EXPIRY = Msg(
    "超出保存期限后，我们会删除您的个人信息或对其进行匿名化处理。",
    "When a retention period ends, we delete your personal information or anonymise it.",
)
SUB_SECURITY = Msg("安全措施", "How we protect it")
SECURITY_INTRO = Msg(
    "我们采取以下安全措施保护您的个人信息：", "We protect your personal information with these measures:"
)
SECURITY_NONE = Msg("本政策未列明具体的安全措施。", "This policy lists no specific security measures.")
IMPACT_ASSESSED = Msg(
    "我们最近一次开展个人信息保护影响评估的日期为{date}。",
    "We last carried out a personal information protection impact assessment on {date}.",
)
SUB_INCIDENTS = Msg("个人信息安全事件", "Security incidents")
INCIDENT_CONTENTS = Msg(
    "发生个人信息安全事件后，我们将按照法律法规的要求及时向您告知：",
    "If a personal information security incident happens, we promptly tell you, as the law requires:",
)
INCIDENT_PLAIN = Msg(
    "发生个人信息安全事件后，我们将按照法律法规的要求及时告知您。",
    "If a personal information security incident happens, we promptly tell you, as the law requires.",
)
INCIDENT_CHANNELS = Msg("我们将通过{channels}告知您。", "We tell you through {channels}.")
INCIDENT_NO_CHANNELS = Msg(
    "本政策未说明发生安全事件时通过何种方式通知您。",
    "This policy does not say how you are told of a security incident.",
)
INCIDENT_FALLBACK = Msg(
    "难以逐一告知时，我们会采取合理、有效的方式发布公告。",
    "Where we cannot tell each person, we publish an announcement in a reasonable and effective way.",
)
INCIDENT_REGULATORS = Msg(
    "同时，我们还将按照监管部门的要求，主动上报个人信息安全事件的处置情况。",
    "We also report the incident, and how we handled it, to the regulators as they require.",
)
SUB_SHUTDOWN = Msg("停止运营", "If we stop operating")
SHUTDOWN_STOP = Msg(
    "如我们停止运营产品或服务，将及时停止收集您的个人信息。",
    "If we stop operating our products or services, we promptly stop collecting your personal information.",
)
SHUTDOWN_NOTICE = Msg(
    "我们将至少提前{period}通过{channels}通知您。", "We tell you at least {period} in advance, through {channels}."
)
SHUTDOWN_NOTICE_ONLY = Msg("我们将至少提前{period}通知您。", "We tell you at least {period} in advance.")
SHUTDOWN_CHANNELS_ONLY = Msg(
    "我们将通过{channels}通知您；本政策未写明提前通知的期限。",
    "We tell you through {channels}; this policy states no notice period.",
)
SHUTDOWN_NO_NOTICE = Msg(
    "本政策未说明停止运营时如何通知您。", "This policy does not say how you are told if we stop operating."
)
SHUTDOWN_AFTER_UNSTATED = Msg(
    "本政策未说明停止运营后如何处理您的个人信息。",
    "This policy does not say what happens to your personal information after we stop.",
)
SHUTDOWN_AFTER = Msg("停止运营后，我们将{dispose}。", "After we stop, we {dispose}.")
DISPOSE: dict[OnExpiry, Msg] = {
    OnExpiry.DELETE: Msg("删除您的个人信息", "delete your personal information"),
    OnExpiry.ANONYMISE: Msg("对您的个人信息进行匿名化处理", "anonymise your personal information"),
    OnExpiry.DELETE_OR_ANONYMISE: Msg(
        "删除您的个人信息或对其进行匿名化处理", "delete or anonymise your personal information"
    ),
}

# 5 Rights.
RIGHTS_INTRO = Msg(
    "按照中华人民共和国相关法律法规，您对自己的个人信息享有以下权利。下文逐项说明行使方式；本政策未说明行使方式的，也如实注明。",
    "Under the laws of the People's Republic of China you have the following rights over your personal "
    "information. Each is described below with how to exercise it; where this policy does not say how, that is "
    "stated plainly.",
)
RIGHT_HOW = Msg("行使方式", "How to exercise it")
RIGHT_PATH = Msg("操作路径", "Where in the product")
RIGHT_SELF_SERVICE = Msg("自助办理", "Self-service")
RIGHT_SELF_SERVICE_YES = Msg("是，您可以在产品中自行操作", "Yes, you can do it yourself in the product")
RIGHT_REQUEST_BEFORE = Msg("否，请通过", "No: send us a request through the channels in ")
RIGHT_REQUEST_AFTER = Msg("所列方式向我们提出请求", "")
RIGHT_DEADLINE = Msg("答复期限", "Deadline")
RIGHT_UNSTATED_BEFORE = Msg(
    "本政策未说明如何行使这项权利。如需行使，请通过",
    "This policy does not state how to exercise this right. To exercise it, contact us through the channels in ",
)
RIGHT_UNSTATED_AFTER = Msg("所列方式与我们联系。", ".")
RIGHT_NOT_OFFERED_BEFORE = Msg(
    "本政策声明不提供这项权利的行使途径。如有疑问，请通过",
    "This policy states that this right is not offered. If you have questions, contact us through the channels in ",
)
DEADLINE_AFTER_VERIFIED = Msg("验证您的身份后{period}内", "within {period} after we verify your identity")
DEADLINE_AFTER_RECEIPT = Msg("收到您的请求后{period}内", "within {period} of receiving your request")
DEADLINE_PLAIN = Msg("{period}内", "within {period}")
IMMUTABLE_FIELDS = Msg(
    "以下个人信息注册后无法更改：{fields}。", "The following cannot be changed after registration: {fields}."
)
COMPLAINTS_DEADLINE = Msg("投诉处理期限", "Complaints answered")
CANCEL_BLOCKERS = Msg(
    "注销账号前，您需要先处理以下事项：", "Before you cancel your account, you need to settle the following:"
)
CANCEL_REVIEW = Msg(
    "我们将在{period}内完成核验并处理您的注销申请。", "We verify and process your cancellation within {period}."
)
CANCEL_THIRD_PARTY = Msg(
    "注销账号时，我们将一并解除您通过第三方账号登录的授权。",
    "Cancelling also ends your login through third-party accounts.",
)
CANCEL_AFTER = Msg(
    "账号注销后，我们将停止为您提供产品或服务，并{dispose}，法律、行政法规另有规定的除外。",
    "Once your account is cancelled, we stop providing our products or services to you and {dispose}, unless "
    "laws or administrative regulations require otherwise.",
)
SUB_REQUESTS = Msg("响应您的请求", "How we answer your requests")
REQ_DEADLINE_VERIFIED = Msg(
    "我们将在验证您的身份后{period}内答复您的请求。",
    "We answer your request within {period} after verifying your identity.",
)
REQ_DEADLINE_RECEIPT = Msg(
    "我们将在收到您的请求后{period}内答复。", "We answer your request within {period} of receiving it."
)
REQ_DEADLINE_PLAIN = Msg("我们将在{period}内答复您的请求。", "We answer your request within {period}.")
REQ_NO_DEADLINE = Msg("本政策未承诺答复权利请求的期限。", "This policy promises no deadline for answering requests.")
REQ_IDENTITY = Msg(
    "为保障安全，我们可能会先要求您验证自己的身份，然后再处理您的请求。",
    "For security, we may ask you to verify your identity before we handle your request.",
)
REQ_WRITTEN = Msg("您可能需要提供书面请求。", "You may need to make your request in writing.")
REQ_FREE = Msg("对于您合理的请求，我们原则上不收取费用。", "We do not normally charge for reasonable requests.")
REQ_NOT_FREE = Msg("我们可能就处理您的请求收取合理费用。", "We may charge a reasonable fee for handling your request.")
REQ_EXCESSIVE = Msg(
    "对于在{days}天内超过{count}次的请求，我们将{action}。",
    "For more than {count} requests within {days} days, we {action}.",
)
REQ_UNREASONABLE = Msg(
    "对于无端重复、超出合理限度或者非常不切实际的请求，我们可能会予以拒绝。",
    "We may refuse requests that are unreasonably repetitive, excessive or clearly impractical.",
)
REQ_REFUSAL = Msg("在以下情形中，我们将无法响应您的请求：", "We cannot answer your request where:")
REQ_REFUSAL_NONE = Msg(
    "本政策未列明无法响应您请求的具体情形。", "This policy lists no specific grounds for refusing a request."
)
SUB_REMEDIES = Msg("外部救济途径", "If you are not satisfied")
REMEDIES_INTRO = Msg(
    "如果您对我们的答复不满意，特别是认为我们的个人信息处理行为损害了您的合法权益，您还可以：",
    "If you are not satisfied with our answer, in particular if you believe our processing harms your lawful "
    "rights, you can also:",
)
REMEDY_COURT = Msg("向{court}提起诉讼", "Bring a lawsuit before {court}")
REMEDIES_NONE = Msg(
    "本政策未列明外部投诉或诉讼途径。", "This policy names no outside route for complaints or lawsuits."
)

# 6 Minors.
MINORS_NONE = Msg(
    "本政策未包含处理未成年人个人信息的专门规则。",
    "This policy has no specific rules for minors' personal information.",
)
MINORS_ADULTS = Msg(
    "我们的产品和服务仅面向成年人（年满十八周岁），不面向未成年人。",
    "Our products and services are for adults (aged 18 and over) only, not for minors.",
)
MINORS_GUARDIAN = Msg(
    "如您是不满{age}周岁的未成年人，在使用我们的产品或服务前，应在您的父母或其他监护人的陪同下阅读本政策，并取得其同意。",
    "If you are under {age}, read this policy with your parent or guardian and get their consent before you "
    "use our products or services.",
)
MINORS_DELETE_ADULTS = Msg(
    "如果我们发现收集了未成年人的个人信息，会设法尽快删除相关数据。",
    "If we find we have collected a minor's personal information, we delete it as soon as we can.",
)
MINORS_DELETE_GUARDIAN = Msg(
    "如果我们发现在未事先获得监护人同意的情况下收集了未成年人的个人信息，会设法尽快删除相关数据。",
    "If we find we have collected a minor's personal information without their guardian's prior consent, we "
    "delete it as soon as we can.",
)
MINORS_GUARDIAN_MAY = Msg(
    "监护人可以{actions}其监护的未成年人的个人信息。",
    "A guardian can {actions} the personal information of the minor in their care.",
)
MINORS_CONTACT = Msg(
    "监护人对未成年人的个人信息有疑问的，可以通过以下方式与我们联系：{contact}。",
    "A guardian with questions about a minor's personal information can contact us at: {contact}.",
)

# 7 Cross-border.
CROSS_PROHIBITED = Msg("我们不会将您的个人信息传输至境外。", "We do not transfer your personal information abroad.")
CROSS_LAW_OR_CONSENT = Msg(
    "除法律、行政法规另有规定或取得您的单独同意外，我们不会向境外提供您的个人信息。"
    "如需向境外提供，我们会依法告知您境外接收方的名称、联系方式、处理目的、处理方式和个人信息的种类，并取得您的单独同意。",
    "We do not provide your personal information abroad unless laws or administrative regulations require it or "
    "you give your separate consent. Before we do, we tell you the foreign recipient's name and contact details, "
    "the purpose and method of processing and the types of personal information, and ask for your separate "
    "consent.",
)
CROSS_MAY_TRANSFER = Msg(
    "您的个人信息可能被传输至{destinations}并在当地处理。",
    "Your personal information may be transferred to and processed in {destinations}.",
)
CROSS_RECIPIENTS = Msg("以下接收方位于境外：", "These recipients are outside mainland China:")
CROSS_RECIPIENT_CONSENT = Msg("已就出境取得您的单独同意", "with your separate consent to the transfer")

# 8 Changes.
CHANGES_INTRO = Msg("我们可能适时修订本政策。", "We may revise this policy from time to time.")
CHANGES_NO_REDUCTION = Msg(
    "未经您明确同意，我们不会削减您按照本政策所应享有的权利。",
    "We do not reduce your rights under this policy without your explicit consent.",
)
CHANGES_NO_SETTINGS = Msg(
    "更新本政策不会改变您已作出的隐私设置（例如权限和同意的选择）。",
    "Updating this policy does not change the privacy settings you have made (your permission and consent "
    "choices, for example).",
)
CHANGES_NOTICE_BEFORE = Msg(
    "对于重大变更，我们会在变更生效前通过{channels}等方式向您提供显著通知。",
    "We announce material changes prominently, through {channels}, before they take effect.",
)
CHANGES_NOTICE = Msg(
    "对于重大变更，我们会通过{channels}等方式向您提供显著通知。",
    "We announce material changes prominently, through {channels}.",
)
CHANGES_NO_CHANNELS = Msg(
    "本政策未说明以何种方式通知重大变更。", "This policy does not say how material changes are announced."
)
CHANGES_KINDS = Msg("本政策所指的重大变更包括：", "Material changes include:")
CHANGES_NO_KINDS = Msg("本政策未列举重大变更的具体情形。", "This policy does not list the kinds of material change.")
CHANGES_VIEW = Msg("您可以在“{path}”查看本政策的最新版本。", 'You can read the current version under "{path}".')

# 9 Contact.
CONTACT_INTRO = Msg(
    "如您对本政策或您的个人信息有任何疑问、意见或建议，可以通过以下方式与我们联系：",
    "If you have questions, comments or suggestions about this policy or your personal information, contact us:",
)
CONTACT_HEADERS = (Msg("联系方式", "Channel"), Msg("联系信息", "Details"), Msg("适用事项", "For"))
CONTACT_NONE = Msg("本政策未提供联系方式。", "This policy gives no contact details.")
CONTACT_DPO = Msg("个人信息保护负责人（部门）", "Personal information protection officer (department)")
CONTACT_NO_DPO = Msg(
    "本政策未公布个人信息保护负责人或负责个人信息保护的部门。",
    "This policy names no personal information protection officer or department.",
)
CONTACT_RESPONSE_VERIFIED = Msg(
    "一般情况下，我们将在验证您的身份后{period}内回复。",
    "We normally reply within {period} after verifying your identity.",
)
CONTACT_RESPONSE_RECEIPT = Msg(
    "一般情况下，我们将在收到您的问题后{period}内回复。",
    "We normally reply within {period} of receiving your question.",
)
CONTACT_NO_RESPONSE = Msg("本政策未承诺回复期限。", "This policy promises no time for a reply.")

# Closing.
SUPPLEMENTARY_PREVAILS = Msg(
    "在其适用范围内，补充说明与本政策不一致的，以补充说明为准。",
    "Within its scope, where it differs from this policy, the supplementary notice prevails.",
)
SUPPLEMENTARY_SUBORDINATE = Msg(
    "补充说明与本政策不一致的，以本政策为准。", "Where it differs from this policy, this policy prevails."
)
UNSTATED_INTRO = Msg(
    "为避免误解，特此说明以下事项本政策没有作出规定：",
    "To avoid misunderstanding: this policy does not address the following.",
)
