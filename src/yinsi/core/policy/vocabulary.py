"""The closed vocabularies of the spec: every enum a privacy officer chooses from.

Each value is an English identifier; the Chinese and English words shown to
people live with the renderer, so that a label can be reworded without
changing any spec.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class FieldType(StrEnum):
    """What kind of value a PI field holds; drives validation, masking and lookup normalisation."""

    MOBILE = "mobile"
    ID_NUMBER = "id_number"
    NAME = "name"
    BANK_CARD = "bank_card"
    EMAIL = "email"
    IP = "ip"
    DEVICE_ID = "device_id"
    LOCATION = "location"
    FREE_TEXT = "free_text"
    DATE = "date"
    INTEGER = "integer"
    ADDRESS = "address"
    ACCOUNT = "account"
    CREDENTIAL = "credential"
    MEDIA = "media"


class Category(StrEnum):
    """PI categories after GB/T 35273-2020 Appendix A/B."""

    BASIC = "basic"  # 个人基本资料
    IDENTITY = "identity"  # 个人身份信息
    BIOMETRIC = "biometric"  # 个人生物识别信息
    ONLINE_IDENTITY = "online_identity"  # 网络身份标识信息
    HEALTH = "health"  # 个人健康生理信息
    EDUCATION_WORK = "education_work"  # 个人教育工作信息
    PROPERTY = "property"  # 个人财产信息
    COMMUNICATION = "communication"  # 个人通信信息
    CONTACTS = "contacts"  # 联系人信息
    BROWSING = "browsing"  # 个人上网记录
    DEVICE = "device"  # 个人常用设备信息
    LOCATION = "location"  # 个人位置信息
    OTHER = "other"  # 其他信息


class Sensitivity(StrEnum):
    GENERAL = "general"
    SENSITIVE = "sensitive"


class FieldSource(StrEnum):
    USER = "user"  # the person provides it
    DEVICE = "device"  # read from the device through a permission or automatically
    PARTNER = "partner"  # received from a business partner
    GENERATED = "generated"  # produced by the service (logs, derived data)


class FunctionKind(StrEnum):
    """Basic functions may require their PI; refusing an additional one must never break a basic one."""

    BASIC = "basic"
    ADDITIONAL = "additional"


class LegalBasis(StrEnum):
    """The grounds of PIPL Art. 13: consent, or one of the six that need none."""

    CONSENT = "consent"
    CONTRACT = "contract"  # 订立、履行合同或人力资源管理所必需
    LEGAL_OBLIGATION = "legal_obligation"  # 履行法定职责或者法定义务所必需
    PUBLIC_HEALTH_EMERGENCY = "public_health_emergency"  # 突发公共卫生事件或紧急情况
    NEWS_REPORTING = "news_reporting"  # 新闻报道、舆论监督
    PUBLIC_INFORMATION = "public_information"  # 自行公开或者已经合法公开
    OTHER_LAW = "other_law"  # 法律、行政法规规定的其他情形


class RetentionEnd(StrEnum):
    ACCOUNT_CANCELLATION = "account_cancellation"
    # "As long as the purpose needs": no date the system can enforce; ``policy check`` warns.
    PURPOSE_FULFILLED = "purpose_fulfilled"
    # The policy says nothing about how long: rendered as not stated, never as a period; ``yinsi check`` fails it.
    UNSTATED = "unstated"


class RetentionStart(StrEnum):
    """From when a retention period counts (``retention.after``)."""

    COLLECTION = "collection"  # the default: from when the value was collected
    PURPOSE_END = "purpose_end"  # from when the purpose ends for the person (recorded by the operator)
    ACCOUNT_CANCELLATION = "account_cancellation"  # kept this long after the account is cancelled
    CONTRACT_END = "contract_end"  # "N years after the contract ends": records a law keeps (电子商务法 Art. 31)


class StatisticsDimension(StrEnum):
    """What anonymous counts may be grouped by (``statistics.dimensions``)."""

    AGE_BAND = "age_band"
    CITY = "city"
    PURPOSE = "purpose"
    CONSENT_STATE = "consent_state"
    REQUEST_TYPE = "request_type"


class OnExpiry(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    DELETE_OR_ANONYMISE = "delete_or_anonymise"


class Visibility(StrEnum):
    WHOLE = "whole"
    MASKED = "masked"


class RoleKind(StrEnum):
    SERVICE = "service"  # an operator's service calling the API with a key
    STAFF = "staff"  # a person logging in to the console


class Operation(StrEnum):
    """What a role may do besides reading the fields it sees."""

    READ = "read"
    WRITE = "write"
    LOOKUP = "lookup"
    ERASE = "erase"
    PROVIDE = "provide"
    MANAGE_BLOCKERS = "manage_blockers"
    VIEW_REQUESTS = "view_requests"
    HANDLE_REQUESTS = "handle_requests"
    DECIDE_NEXT_OF_KIN = "decide_next_of_kin"
    VIEW_AUDIT = "view_audit"
    PUBLISH_POLICY = "publish_policy"
    APPROVE_DISCLOSURE = "approve_disclosure"  # a privacy officer approves a disclosure to an authority
    MANAGE_INCIDENTS = "manage_incidents"
    VIEW_STATISTICS = "view_statistics"


class RecipientKind(StrEnum):
    AFFILIATE = "affiliate"  # 关联公司
    PROCESSOR = "processor"  # 受托方 (entrusted processing)
    SDK = "sdk"  # embedded third-party code
    PARTNER = "partner"  # another processor (共享)
    AUTHORITY = "authority"  # a public authority under legal compulsion


class Deidentification(StrEnum):
    """How one field is de-identified before it is provided (GB/T 37964): a keyed pseudonym per recipient, or
    a generalisation that keeps what the recipient needs and drops what singles the person out."""

    PSEUDONYM = "pseudonym"  # HMAC under a key of this recipient: stable for it, unjoinable across recipients
    AGE_BAND = "age_band"  # an age (or a birth date) as a ten-year band: 30-39
    BIRTH_YEAR = "birth_year"  # a birth date (or an ID number's) as its year only
    CITY = "city"  # an address cut to its province and city


class TransferMechanism(StrEnum):
    """The legal condition of a transfer out of mainland China (PIPL Art. 38)."""

    SECURITY_ASSESSMENT = "security_assessment"  # 安全评估 by the CAC
    CERTIFICATION = "certification"  # 个人信息保护认证
    STANDARD_CONTRACT = "standard_contract"  # 标准合同


class PermissionKind(StrEnum):
    LOCATION = "location"
    CAMERA = "camera"
    PHOTOS = "photos"
    MICROPHONE = "microphone"
    CONTACTS = "contacts"
    PHONE_STATE = "phone_state"
    ACCOUNTS = "accounts"
    PHONE_NUMBER = "phone_number"
    STORAGE = "storage"
    BLUETOOTH = "bluetooth"
    NOTIFICATIONS = "notifications"
    CLIPBOARD = "clipboard"
    CALENDAR = "calendar"
    SMS = "sms"


class CookieCategory(StrEnum):
    ESSENTIAL = "essential"
    PREFERENCES = "preferences"
    ANALYTICS = "analytics"
    ADVERTISING = "advertising"


class Technology(StrEnum):
    COOKIE = "cookie"
    WEB_BEACON = "web_beacon"
    PIXEL_TAG = "pixel_tag"
    LOCAL_STORAGE = "local_storage"
    SDK_STORAGE = "sdk_storage"


class Channel(StrEnum):
    """Ways the operator reaches a person (notices, incidents, shutdown, request updates)."""

    POPUP = "popup"
    PUSH = "push"
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    IN_APP_MESSAGE = "in_app_message"
    IM = "im"
    WEBSITE = "website"
    ANNOUNCEMENT = "announcement"
    HOMEPAGE = "homepage"


class ScopeChannel(StrEnum):
    APP = "app"
    H5 = "h5"
    WECHAT_MINI_PROGRAM = "wechat_mini_program"
    ALIPAY_MINI_PROGRAM = "alipay_mini_program"
    WECHAT_OFFICIAL_ACCOUNT = "wechat_official_account"
    WEB = "web"
    HARDWARE = "hardware"


class Principle(StrEnum):
    ACCOUNTABILITY = "accountability"  # 权责一致
    PURPOSE_SPECIFICATION = "purpose_specification"  # 目的明确
    CHOICE_AND_CONSENT = "choice_and_consent"  # 选择同意
    MINIMISATION = "minimisation"  # 最少够用
    SECURITY = "security"  # 确保安全
    SUBJECT_PARTICIPATION = "subject_participation"  # 主体参与
    TRANSPARENCY = "transparency"  # 公开透明
    LAWFULNESS = "lawfulness"  # 合法、正当、必要、诚信


class Right(StrEnum):
    ACCESS = "access"
    COPY = "copy"
    PORTABILITY = "portability"
    CORRECT = "correct"
    DELETE = "delete"
    WITHDRAW = "withdraw"
    EXPLAIN = "explain"
    RESTRICT = "restrict"
    CANCEL_ACCOUNT = "cancel_account"
    NEXT_OF_KIN = "next_of_kin"
    COMPLAIN = "complain"
    LEAVE_MEMBERSHIP = "leave_membership"  # 退出会员 (M); not a statutory right, so never warned about
    # PIPL Art. 24(3): an explanation of, and the refusal of, decisions made only by automated means. Shown (and
    # warned about) only where a purpose makes automated decisions.
    AUTOMATED_DECISION = "automated_decision"


class RefusalGround(StrEnum):
    """Grounds to refuse a rights request (GB/T 35273-2020 §8.7 as the seeds list them)."""

    NATIONAL_SECURITY = "national_security"
    PUBLIC_SAFETY_HEALTH = "public_safety_health"
    CRIMINAL_JUSTICE = "criminal_justice"
    ABUSE_OF_RIGHTS = "abuse_of_rights"
    SERIOUS_HARM_TO_OTHERS = "serious_harm_to_others"
    TRADE_SECRETS = "trade_secrets"
    LEGAL_OBLIGATION = "legal_obligation"


class NoConsentCase(StrEnum):
    """Situations in which a policy says PI is processed or disclosed without consent."""

    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    NATIONAL_SECURITY = "national_security"
    PUBLIC_SAFETY_HEALTH = "public_safety_health"
    CRIMINAL_JUSTICE = "criminal_justice"
    PUBLIC_HEALTH_EMERGENCY = "public_health_emergency"
    VITAL_INTERESTS = "vital_interests"
    NEWS_REPORTING = "news_reporting"
    SELF_DISCLOSED = "self_disclosed"
    LAWFULLY_PUBLIC = "lawfully_public"
    SERVICE_SECURITY = "service_security"
    COURT_ORDER = "court_order"
    OTHER_LAW = "other_law"
    # "To protect our own rights and interests": broader than any PIPL ground; ``policy check`` warns.
    OPERATOR_INTERESTS = "operator_interests"
    # Academic research with de-identified results (GB/T 35273-2020 §5.6): not a ground of PIPL Art. 13; warned.
    ACADEMIC_RESEARCH = "academic_research"


class ExternalRemedy(StrEnum):
    CAC = "cac"  # 网信部门
    TELECOM = "telecom"  # 电信主管部门
    POLICE = "police"  # 公安机关
    MARKET_REGULATION = "market_regulation"  # 市场监管 (工商)
    COURT = "court"  # 人民法院


class SecurityMeasure(StrEnum):
    ENCRYPTION_IN_TRANSIT = "encryption_in_transit"
    ENCRYPTION_AT_REST = "encryption_at_rest"
    ISOLATION = "isolation"
    MASKING = "masking"
    ACCESS_CONTROL = "access_control"
    CLASSIFICATION = "classification"
    MONITORING_AUDIT = "monitoring_audit"
    CONFIDENTIALITY_AGREEMENTS = "confidentiality_agreements"
    TRAINING = "training"
    PASSWORD_HASHING = "password_hashing"  # noqa: S105 - the name of a security measure, not a password
    INCIDENT_RESPONSE_PLAN = "incident_response_plan"
    DEDICATED_TEAM = "dedicated_team"


class IncidentNoticeContent(StrEnum):
    SITUATION_AND_IMPACT = "situation_and_impact"
    MEASURES_TAKEN = "measures_taken"
    SELF_PROTECTION_ADVICE = "self_protection_advice"
    REMEDIES = "remedies"


class MaterialChange(StrEnum):
    """The six kinds of major change the seeds name (D, H); each needs prominent notice."""

    SERVICE_MODEL = "service_model"  # purposes, PI types, use
    OWNERSHIP = "ownership"  # ownership structure, organisation
    RECIPIENTS = "recipients"  # main recipients of sharing, transfer, disclosure
    RIGHTS = "rights"  # the person's rights and how to exercise them
    CONTACT = "contact"  # responsible department, contact, complaint channel
    IMPACT_ASSESSMENT = "impact_assessment"  # a PIA shows high risk


class MinorsRule(StrEnum):
    ADULTS_ONLY = "adults_only"
    GUARDIAN_CONSENT = "guardian_consent"


class CrossBorderRule(StrEnum):
    PROHIBITED = "prohibited"  # stored in China, never transferred
    LAW_OR_SEPARATE_CONSENT = "law_or_separate_consent"  # only by law or with separate consent
    MAY_TRANSFER = "may_transfer"  # the policy says PI may go abroad (without asking)
    UNSTATED = "unstated"  # the policy does not say whether PI goes abroad: nothing is rendered as a promise


class ContactUse(StrEnum):
    GENERAL = "general"
    RIGHTS = "rights"
    COMPLAINTS = "complaints"
    NEXT_OF_KIN = "next_of_kin"
    SECURITY = "security"
    MINORS = "minors"


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ONLINE_SERVICE = "online_service"
    ADDRESS = "address"
    WEB_FORM = "web_form"


class ExcessiveAction(StrEnum):
    FEE = "fee"
    REFUSE = "refuse"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


Offered = Literal["yes", "no", "unstated"]


class CertificationKind(StrEnum):
    """Certifications and assessments a policy cites for its security (the level goes in ``level``)."""

    MLPS = "mlps"  # 网络安全等级保护（等保）, with a level 1-5
    ISO_27001 = "iso_27001"
    ISO_27701 = "iso_27701"
    ISO_27018 = "iso_27018"
    PI_PROTECTION = "pi_protection"  # 个人信息保护认证
    APP_SECURITY = "app_security"  # 移动互联网应用程序（App）安全认证
    OTHER = "other"


class OpenListKind(StrEnum):
    """A list in the policy that is not exhaustive: what it lists."""

    FIELDS = "fields"
    PURPOSES = "purposes"
    PERMISSIONS = "permissions"
    RECIPIENTS = "recipients"
    SDKS = "sdks"
    DISCLOSURES = "disclosures"


class OpenHow(StrEnum):
    """How a list is left open."""

    NOT_LIMITED_TO = "not_limited_to"  # 包括但不限于 / 等
    AT_DISCRETION = "at_discretion"  # 其他我们认为适当的
    IMAGE_ONLY = "image_only"  # published only as an image (not searchable or readable by assistive tools)
    ELSEWHERE = "elsewhere"  # kept on another page the policy refers to


class AppType(StrEnum):
    """App types of the 2021 必要个人信息范围规定 that yinsi checks (MIN-02); ``other`` checks nothing."""

    # The 13 types whose basic functions need no PI at all (Art. 5 list).
    WOMENS_HEALTH = "womens_health"  # 女性健康
    LIVE_STREAMING = "live_streaming"  # 网络直播
    ONLINE_VIDEO_AUDIO = "online_video_audio"  # 在线影音
    SHORT_VIDEO = "short_video"  # 短视频
    NEWS = "news"  # 新闻资讯
    FITNESS = "fitness"  # 运动健身
    BROWSER = "browser"  # 浏览器
    INPUT_METHOD = "input_method"  # 输入法
    SECURITY_MANAGEMENT = "security_management"  # 安全管理
    E_BOOKS = "e_books"  # 电子图书
    PHOTO_EDITING = "photo_editing"  # 拍摄美化
    APP_STORE = "app_store"  # 应用商店
    UTILITIES = "utilities"  # 实用工具
    OTHER = "other"


NO_PI_APP_TYPES = frozenset(t for t in AppType if t is not AppType.OTHER)
"""The app types whose basic functions need no personal information (必要个人信息范围规定 2021)."""
