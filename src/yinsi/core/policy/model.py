"""The policy spec: one operator's privacy policy, as data.

Every run-time decision in yinsi derives from a ``PolicySpec``, and the
published policy text is rendered from it. The classes mirror the chapters a
Chinese privacy policy has (GB/T 35273-2020 Appendix D order) so that a
privacy officer can map each promise of their text to one place here.

Where a policy is silent on something, the spec says so (``unstated``) rather
than inventing a promise; ``policy check`` then warns.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from yinsi.core.policy.types import Duration, Identifier, LocalText, Strict
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
    Offered,
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

# A signature sits between 【 and 】: no brackets, no line breaks, no space at either end.
SMS_SIGNATURE_PATTERN = r"^[^\s【】\[\]()（）][^【】\[\]()（）\r\n\t]*[^\s【】\[\]()（）]$"
SMS_SIGNATURE_MAX = 20
SMS_SIGNATURE_RULE = (
    "an SMS signature is 2 to 20 characters, written without its brackets: no 【】, [], () or （）, "
    "no line break and no space at either end"
)
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|〔[^〔〕]*〕")
_OPENERS = "（(【[〔"
_LOOSE_ENDS = " \u3000、，,；;：:。.·-—/"


def derive_sms_signature(name: str) -> str:
    """A signature from a product or company name: never cut inside brackets.

    Bracketed asides (``我们的产品与/或服务（自有品牌智能硬件、…）``) are dropped whole rather than cut in the
    middle; what is left is cut at 20 characters, and loose punctuation at its ends goes. Empty when nothing
    usable is left.
    """
    text = name.strip()
    while True:
        stripped = _BRACKETED.sub("", text)
        if stripped == text:
            break
        text = stripped
    for opener in _OPENERS:  # an aside left open: drop everything from it on
        text = text.split(opener, 1)[0]
    text = "".join(ch for ch in text if ch not in "）)】]〕\r\n\t")
    return text.strip(_LOOSE_ENDS)[:SMS_SIGNATURE_MAX].strip(_LOOSE_ENDS)


# --------------------------------------------------------------------------- the notice itself
#
# A yes/no promise that a policy may simply not make is ``bool | None``: None
# means "the policy does not say", so a silent policy is never rendered, or
# enforced, as if it had promised something.


class PolicyInfo(Strict):
    """Identity and dates of this version of the policy (A, M: effective, updated, previous)."""

    added_later: ClassVar[frozenset[str]] = frozenset({"app_type"})

    id: str = Field(min_length=1, max_length=80, description="A stable identifier for this policy.")
    version: str = Field(min_length=1, max_length=40, description="The operator's version label.")
    title: LocalText
    product: LocalText | None = None
    effective_date: date | None = None
    updated_date: date | None = None
    previous_version_date: date | None = None
    view_in_product: LocalText | None = Field(
        default=None, description="Where the person finds the policy inside the product, e.g. 我的 → 隐私政策."
    )
    introduction: LocalText | None = None
    app_type: AppType | None = Field(
        default=None,
        description="The app type of the 2021 必要个人信息范围规定, where the operator states it: yinsi check then "
        "applies that type's necessary-PI rule (MIN-02).",
    )


class Operator(Strict):
    """Who processes the PI: the company (主体公司) and the app operator (应用运营方)."""

    added_later: ClassVar[frozenset[str]] = frozenset({"sms_signature"})

    name: LocalText | None = Field(default=None, description="The company; null where the policy omits it.")
    app_operator: LocalText | None = None
    includes_affiliates: bool = False
    address: LocalText | None = None
    sms_signature: str | None = Field(
        default=None,
        description="The SMS signature (短信签名) registered with the carriers, without brackets: every SMS starts "
        "【signature】. Left out, it is derived from the product or operator name.",
        json_schema_extra={"minLength": 2, "maxLength": SMS_SIGNATURE_MAX, "pattern": SMS_SIGNATURE_PATTERN},
    )

    @field_validator("sms_signature")
    @classmethod
    def _signature_fits_the_brackets(cls, value: str | None) -> str | None:
        # One plain message for every way it can be wrong (pydantic's pattern error would call it an identifier).
        if value is not None and not (
            2 <= len(value) <= SMS_SIGNATURE_MAX and re.fullmatch(SMS_SIGNATURE_PATTERN, value)
        ):
            raise ValueError(SMS_SIGNATURE_RULE)
        return value


class ContactChannel(Strict):
    kind: ContactKind
    value: str | None = Field(default=None, max_length=200)
    label: LocalText | None = None
    uses: list[ContactUse] = Field(default_factory=lambda: [ContactUse.GENERAL], min_length=1)


class Dpo(Strict):
    """The department or person responsible for PI protection (PIPL Art. 52)."""

    department: LocalText
    contact: str | None = Field(default=None, max_length=200)


class Contact(Strict):
    channels: list[ContactChannel] = Field(default_factory=list)
    dpo: Dpo | None = None
    response: Duration | None = Field(default=None, description="How quickly a question or request is answered.")
    response_after: Literal["receipt", "identity_verified"] = "identity_verified"


class SupplementaryNotice(Strict):
    """A product-specific notice that prevails over the general policy within its scope (H)."""

    id: Identifier
    product: LocalText
    prevails: bool = True
    text: LocalText | None = None


class Scope(Strict):
    channels: list[ScopeChannel] = Field(default_factory=list)
    visitors: bool = False
    registered_users: bool | None = None
    third_party_services_excluded: bool | None = None
    excluded: list[LocalText] = Field(default_factory=list, description="What else the policy says it does not cover.")
    supplementary_notices: list[SupplementaryNotice] = Field(default_factory=list)


# --------------------------------------------------------------------------- collection and use


class PiField(Strict):
    """One kind of personal information the operator holds."""

    added_later: ClassVar[frozenset[str]] = frozenset({"public_place"})

    type: FieldType
    label: LocalText
    category: Category
    sensitivity: Sensitivity = Sensitivity.GENERAL
    lookup: bool = Field(default=False, description="Findable by exact value through a blind index.")
    immutable: bool = Field(default=False, description="Cannot be changed after registration.")
    sources: list[FieldSource] = Field(default_factory=lambda: [FieldSource.USER], min_length=1)
    derived: bool = Field(default=False, description="Inferred by the operator (not portable).")
    necessity: LocalText | None = Field(default=None, description="Why a sensitive field is necessary (PIPL Art. 30).")
    impact: LocalText | None = Field(default=None, description="Its impact on the person (PIPL Art. 30).")
    public_place: bool = Field(
        default=False,
        description="Images or identification data collected in public places: any use but public security needs "
        "a separate consent (PIPL Art. 26).",
    )


class Retention(Strict):
    """How long PI collected for a purpose is kept: a period, or until the account is cancelled.

    ``retention: unstated`` (short for ``{until: unstated}``) says the policy gives no retention: nothing is then
    rendered as a period or as a promise to delete, and ``yinsi check`` fails the purpose (PIPL Art. 17)."""

    added_later: ClassVar[frozenset[str]] = frozenset({"after"})

    period: Duration | None = None
    until: RetentionEnd | None = None
    on_expiry: OnExpiry = OnExpiry.DELETE
    legal_minimum: Duration | None = Field(default=None, description="A law requires keeping it at least this long.")
    legal_minimum_source: LocalText | None = None
    note: LocalText | None = None
    after: RetentionStart | None = Field(
        default=None,
        description="From when 'period' counts: collection (the default), the end of the purpose, the account's "
        "cancellation, or the end of the contract ('3 years after the transaction is completed').",
    )

    @model_validator(mode="before")
    @classmethod
    def _unstated_shorthand(cls, value: Any) -> Any:
        if value == "unstated":
            return {"until": "unstated"}
        return value

    @property
    def stated(self) -> bool:
        return self.until is not RetentionEnd.UNSTATED

    @model_validator(mode="after")
    def _one_end(self) -> Retention:
        if (self.period is None) == (self.until is None):
            raise ValueError("a retention needs exactly one of 'period' (such as '6 months') or 'until'")
        if self.after is not None and self.period is None:
            raise ValueError("'after' says from when a 'period' counts: give the period too")
        return self


class Purpose(Strict):
    """A purpose of processing: the function it serves, its legal basis, its fields and retention."""

    added_later: ClassVar[frozenset[str]] = frozenset({"non_personalised_alternative"})

    label: LocalText
    description: LocalText | None = None
    function: FunctionKind
    legal_basis: LegalBasis
    legal_basis_note: LocalText | None = None
    separate_consent: bool = Field(
        default=False,
        description="The policy asks a separate consent (单独同意). Where the law requires one (sensitive PI, "
        "public-place images) it is required whatever this says, and 'false' there is an error.",
    )
    fields: list[Identifier] = Field(min_length=1)
    retention: Retention
    permissions: list[Identifier] = Field(default_factory=list)
    cookies: list[Identifier] = Field(default_factory=list)
    personalisation: bool = Field(default=False, description="Profiles the person for recommendations or ads.")
    automated_decision: bool = False
    deidentified_only: bool = Field(default=False, description="Only de-identified or anonymised data is used.")
    others_pi: bool = Field(
        default=False, description="The person may enter other people's PI (needs their authorisation)."
    )
    # -- sharing (issue 11): additive, left out of the dump while unset
    non_personalised_alternative: Identifier | None = Field(
        default=None,
        description="For a personalised purpose: the purpose served instead once the person switches "
        "personalisation off (one that does not profile them).",
    )


class Permission(Strict):
    """A device permission behind an additional function, asked by pop-up at first use."""

    kind: PermissionKind
    label: LocalText
    prompt: Literal["first_use", "install", "settings"] = "first_use"
    description: LocalText | None = None


class Cookie(Strict):
    category: CookieCategory | None = None
    label: LocalText
    description: LocalText | None = None
    technologies: list[Technology] = Field(default_factory=lambda: [Technology.COOKIE], min_length=1)
    expiry: Duration | Literal["session"] | None = None
    third_party: bool = False


class Personalisation(Strict):
    """Personalised recommendations and ads, and the person's switch to turn them off."""

    offered: bool = True
    opt_out: LocalText | None = Field(default=None, description="How the person switches personalisation off.")
    non_personalised_alternative: bool | None = None
    algorithm_disclosure: LocalText | None = None
    profile_deletion: bool = False


class Role(Strict):
    """Who may see which field, whole or masked, for which purposes, and do what."""

    label: LocalText
    kind: RoleKind = RoleKind.SERVICE
    purposes: list[Identifier] = Field(min_length=1)
    fields: dict[Identifier, Visibility] = Field(default_factory=dict)
    operations: list[Operation] = Field(default_factory=lambda: [Operation.READ])


class Recipient(Strict):
    """Someone PI is entrusted to, shared with or disclosed to (an affiliate, processor, SDK, partner, authority)."""

    added_later: ClassVar[frozenset[str]] = frozenset({"uses", "deidentify", "transfer_mechanism"})

    kind: RecipientKind
    name: LocalText
    description: LocalText | None = None
    contact: str | None = Field(default=None, max_length=200)
    fields: list[Identifier] = Field(default_factory=list)
    purposes: list[Identifier] = Field(default_factory=list)
    region: str | None = Field(
        default=None,
        pattern=r"^([A-Z]{2}|abroad|worldwide)$",
        description="ISO 3166 code, 'abroad', or 'worldwide' (a supplier anywhere); null: where the operator stores "
        "PI (storage.region).",
    )
    agreement: bool = Field(
        default=False, description="A written agreement binds it (purpose, term, method, PI, protection)."
    )
    deidentified: bool = False
    separate_consent: bool = Field(
        default=False,
        description="The policy asks a separate consent before provision. Where the law requires one (another "
        "processor, sensitive PI, abroad) it is required whatever this says, and 'false' there is an error.",
    )
    cross_border_consent: bool = False
    delete_on_end: bool = Field(default=False, description="It deletes the PI when the entrustment ends.")
    deletion_channel: str | None = Field(
        default=None, max_length=300, description="Where to tell it to delete a person's PI (URL or address)."
    )
    sdk_provider: LocalText | None = None
    uses: dict[Identifier, LocalText] = Field(
        default_factory=dict,
        description="What the recipient itself uses the PI for, one entry each (e.g. underwriting: 核保和理赔风险评估). "
        "Adding or rewording one is a material change: people are asked again (PIPL Art. 22, 23).",
    )

    # -- sharing (issue 11): additive, left out of the dump while unset
    deidentify: dict[Identifier, Deidentification] = Field(
        default_factory=dict,
        description="How each of its fields is de-identified before it is provided: 'pseudonym' (a keyed "
        "pseudonym of this recipient's own), 'age_band', 'birth_year' or 'city'. A field left out goes whole.",
    )
    transfer_mechanism: TransferMechanism | None = Field(
        default=None,
        description="For a recipient outside mainland China: the legal condition of the transfer (PIPL Art. 38): "
        "'security_assessment', 'certification' or 'standard_contract'. Without it nothing is sent abroad.",
    )


class PublicDisclosure(Strict):
    """PI the operator makes public (公开): what, to whom, on which basis, on or off by default, how to opt out.

    Public disclosure needs a separate consent (PIPL Art. 25; Art. 29 for sensitive PI) unless a law requires it;
    a disclosure that is on unless the person opts out is no consent at all, and ``yinsi check`` fails it."""

    label: LocalText
    description: LocalText | None = None
    fields: list[Identifier] = Field(min_length=1)
    audience: LocalText | None = Field(default=None, description="To whom, e.g. 网站的所有访问者.")
    legal_basis: LegalBasis = LegalBasis.CONSENT
    default_on: bool | None = Field(default=None, description="Disclosed unless the person opts out; null: unstated.")
    opt_out: LocalText | None = Field(default=None, description="How the person stops it.")
    opt_out_via_third_party: bool = Field(default=False, description="Only through someone else (not the operator).")
    deidentified: bool = Field(default=False, description="Only after de-identification (still PI: PIPL Art. 73).")
    separate_consent: bool = Field(default=False, description="The policy asks a separate consent first.")


class OpenList(Strict):
    """A list the policy leaves open ("including but not limited to", "any other disclosure we find appropriate",
    an SDK list published only as an image): said as what it is, and warned about (NOT-02)."""

    what: OpenListKind
    how: OpenHow
    quote: LocalText | None = Field(default=None, description="The policy's words.")


class Minors(Strict):
    rule: MinorsRule
    guardian_consent_under: Literal[14, 18] | None = None
    delete_on_discovery: bool | None = None
    guardian_may: list[Literal["access", "correct", "delete"]] = Field(default_factory=list)
    contact: str | None = Field(default=None, max_length=200)
    note: LocalText | None = None

    @model_validator(mode="after")
    def _age_for_guardian_rule(self) -> Minors:
        if self.rule is MinorsRule.GUARDIAN_CONSENT and self.guardian_consent_under is None:
            raise ValueError("the guardian-consent rule needs 'guardian_consent_under' (14 or 18)")
        return self


class CrossBorder(Strict):
    added_later: ClassVar[frozenset[str]] = frozenset({"mechanism"})

    rule: CrossBorderRule = Field(description="'unstated' where the policy does not say whether PI goes abroad.")
    destinations: list[str] = Field(default_factory=list, description="Countries, or empty when unspecified.")
    note: LocalText | None = None
    # -- sharing (issue 11): additive, left out of the dump while unset
    mechanism: TransferMechanism | None = Field(
        default=None,
        description="Where PI is stored outside mainland China: the legal condition of that transfer (PIPL Art. "
        "38). Without it nothing is collected into storage abroad.",
    )


class Certification(Strict):
    """A certification the policy cites, such as 等保三级 (kind: mlps, level: 3)."""

    kind: CertificationKind
    level: int | None = Field(default=None, ge=1, le=5, description="The MLPS (等保) level.")
    label: LocalText | None = None


class Storage(Strict):
    added_later: ClassVar[frozenset[str]] = frozenset({"certifications"})

    region: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="Where PI is stored; null: unstated.")
    region_note: LocalText | None = None
    cross_border: CrossBorder = Field(
        default_factory=lambda: CrossBorder(rule=CrossBorderRule.UNSTATED),
        description="Transfers abroad; left out: the policy does not say (rule: unstated).",
    )
    security_measures: list[SecurityMeasure] = Field(default_factory=list)
    certifications: list[Certification] = Field(default_factory=list)
    backup_deletion: LocalText | None = Field(default=None, description="When deletions reach backups.")


# --------------------------------------------------------------------------- rights


class RightSpec(Strict):
    offered: Offered = "yes"
    how: LocalText | None = None
    self_service: bool = False
    path: LocalText | None = Field(default=None, description="Where in the product, e.g. 我的 → 注销账户.")
    deadline: Duration | None = Field(default=None, description="Overrides the general request deadline.")
    note: LocalText | None = None


class Excessive(Strict):
    added_later: ClassVar[frozenset[str]] = frozenset({"fee"})

    max_requests: int = Field(ge=1, le=1000)
    window_days: int = Field(default=30, ge=1, le=366)
    action: ExcessiveAction = ExcessiveAction.FEE
    fee: LocalText | None = Field(default=None, description="The fee the policy states, e.g. 按成本收取工本费.")


class Cancellation(Strict):
    blockers: list[LocalText] = Field(default_factory=list, description="What must be settled first.")
    review_deadline: Duration | None = None
    third_party_login_release: bool = False
    after: OnExpiry = OnExpiry.DELETE


class Requests(Strict):
    """How rights requests and complaints are handled: deadlines, verification, fees, refusals, remedies."""

    deadline: Duration | None = Field(default=None, description="Answer within this, e.g. '15 working days'.")
    complaints_deadline: Duration | None = None
    identity_verification: bool | None = None
    written_request_may_be_required: bool = False
    free: bool | None = None
    excessive: Excessive | None = None
    refusal_grounds: list[RefusalGround] = Field(default_factory=list)
    may_refuse_unreasonable: bool = False
    external_remedies: list[ExternalRemedy] = Field(default_factory=list)
    court: LocalText | None = None


# --------------------------------------------------------------------------- sharing, security, lifecycle


class Sharing(Strict):
    """The general rules for sharing, transfer and public disclosure beyond the recipients list."""

    transfer_on_merger: bool | None = None
    merger_notice_recipient: bool = Field(
        default=False, description="People are told the new holder's name and contact."
    )
    merger_reconsent: bool | None = None
    transfer_with_explicit_consent: bool | None = None
    public_disclosure_with_consent: bool | None = None
    public_disclosure_on_compulsion: bool | None = None
    checks_legal_documents: bool = False
    deidentified_without_notice: bool = False
    anonymised_statistics: bool = False
    exceptions: list[NoConsentCase] = Field(default_factory=list)
    note: LocalText | None = None


class Incidents(Strict):
    channels: list[Channel] = Field(default_factory=list)
    public_announcement_fallback: bool | None = None
    report_to_regulators: bool | None = None
    notice_contents: list[IncidentNoticeContent] = Field(default_factory=list)


class Shutdown(Strict):
    notice: Duration | None = Field(default=None, description="How long before shutdown people are told.")
    channels: list[Channel] = Field(default_factory=list)
    stop_collection: bool | None = None
    after: OnExpiry | None = None


class PrivacyBudget(Strict):
    """The total ε noisy counts may spend in one calendar period (China time). The ε of each query adds up
    (sequential composition), so without a total the guarantee thins with every query; once the period's
    budget is spent, noisy counts are refused until the next period."""

    epsilon: float = Field(gt=0, le=100, description="The total ε all noisy counts may spend in one period.")
    period: Literal["day", "month", "year"] = Field(default="month", description="The calendar period, China time.")


class Statistics(Strict):
    """Anonymous counts the operator may produce (PIPL Art. 73(4)): only over these dimensions, and never a
    group smaller than ``min_group_size`` people, so no count can single anyone out."""

    dimensions: list[StatisticsDimension] = Field(default_factory=list, description="What counts may be grouped by.")
    min_group_size: int = Field(default=10, ge=2, le=1000, description="Smaller groups are suppressed.")
    noise_epsilon: float | None = Field(
        default=None,
        gt=0,
        le=10,
        description="Adds calibrated noise to every count (differential privacy, OpenDP) with this budget per query.",
    )
    privacy_budget: PrivacyBudget | None = Field(
        default=None, description="The total ε noisy counts may spend per period; null: no total (warned)."
    )


class Changes(Strict):
    added_later: ClassVar[frozenset[str]] = frozenset({"effective_after_confirmation", "without_notice", "archive"})

    channels: list[Channel] = Field(default_factory=list, description="How material changes are announced.")
    notice_before_effect: bool | None = None
    no_rights_reduction_without_consent: bool = False
    no_settings_change: bool = False
    material_kinds: list[MaterialChange] = Field(default_factory=list)
    effective_after_confirmation: bool | None = Field(
        default=None, description="A change applies to a person only after they confirm it."
    )
    without_notice: bool = Field(
        default=False, description="The policy says it may change at any time without notice (flagged: PIPL Art. 17)."
    )
    archive: LocalText | None = Field(default=None, description="Where earlier versions can be read.")


class ConsentRules(Strict):
    added_later: ClassVar[frozenset[str]] = frozenset({"bundled_with_terms"})

    refusal_cooldown: Duration = Field(
        default_factory=lambda: Duration.parse("48 hours"),
        description="After a refusal, the same consent is not asked again within this period.",
    )
    new_purpose_opt_in: bool | None = None
    how_to_withdraw: LocalText | None = None
    bundled_with_terms: bool = Field(
        default=False,
        description="Agreeing to the terms of service counts as agreeing to the policy (认定方法 §3.4: no consent).",
    )


class ImpactAssessment(Strict):
    last_assessed: date | None = None
    risk: Risk = Risk.LOW
    note: LocalText | None = None


class AccessLogs(Strict):
    """Network access logs (client address, login and logout time) the operator keeps."""

    kept: bool = True
    retention: Duration = Field(default_factory=lambda: Duration.parse("6 months"))


# --------------------------------------------------------------------------- the spec


class PolicySpec(Strict):
    """A complete privacy policy as data (spec_version 1)."""

    added_later: ClassVar[frozenset[str]] = frozenset({"public_disclosures", "open_lists", "statistics"})

    spec_version: Literal[1] = 1
    policy: PolicyInfo
    operator: Operator
    contact: Contact
    scope: Scope = Field(default_factory=Scope)
    principles: list[Principle] = Field(default_factory=list)
    fields: dict[Identifier, PiField] = Field(min_length=1)
    purposes: dict[Identifier, Purpose] = Field(min_length=1)
    permissions: dict[Identifier, Permission] = Field(default_factory=dict)
    cookies: dict[Identifier, Cookie] = Field(default_factory=dict)
    personalisation: Personalisation | None = None
    roles: dict[Identifier, Role] = Field(default_factory=dict)
    recipients: dict[Identifier, Recipient] = Field(default_factory=dict)
    public_disclosures: dict[Identifier, PublicDisclosure] = Field(
        default_factory=dict, description="PI made public, each with its basis, default and opt-out (PIPL Art. 25)."
    )
    open_lists: list[OpenList] = Field(default_factory=list, description="Lists the policy leaves open.")
    sharing: Sharing = Field(default_factory=Sharing)
    storage: Storage
    access_logs: AccessLogs | None = None
    rights: dict[Right, RightSpec] = Field(
        default_factory=dict,
        description="Each right and how to exercise it; a right left out is one the policy does not mention "
        "(as 'offered: unstated'), and policy check warns about it.",
    )
    requests: Requests = Field(default_factory=Requests)
    cancellation: Cancellation | None = None
    minors: Minors | None = None
    consent: ConsentRules = Field(default_factory=ConsentRules)
    incidents: Incidents = Field(default_factory=Incidents)
    shutdown: Shutdown = Field(default_factory=Shutdown)
    statistics: Statistics | None = Field(
        default=None, description="Anonymous statistics: left out, yinsi produces none."
    )
    changes: Changes = Field(default_factory=Changes)
    impact_assessment: ImpactAssessment = Field(default_factory=ImpactAssessment)
    unstated: list[LocalText] = Field(
        default_factory=list, description="Things the source policy is silent on, said plainly rather than invented."
    )

    def sms_signature(self) -> str:
        """What every SMS starts with, in 【】: ``operator.sms_signature``, else derived from the first of the
        product, the app operator, the company and the title that leaves a usable name (never cut in a bracket)."""
        if self.operator.sms_signature:
            return self.operator.sms_signature
        for name in (self.policy.product, self.operator.app_operator, self.operator.name, self.policy.title):
            derived = derive_sms_signature(name.zh_CN) if name is not None else ""
            if len(derived) >= 2:
                return derived
        return "yinsi"
