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
from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, field_validator, model_serializer, model_validator

from yinsi.core.policy.types import Duration, Identifier, LocalText, Strict
from yinsi.core.policy.vocabulary import (
    Category,
    Channel,
    ContactKind,
    ContactUse,
    CookieCategory,
    CrossBorderRule,
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


class Operator(Strict):
    """Who processes the PI: the company (主体公司) and the app operator (应用运营方)."""

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

    @model_serializer(mode="wrap")
    def _without_absent_signature(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # sms_signature came after policies were published: a spec without it dumps (and so digests) as before,
        # so publishing the same file again stays "unchanged".
        data: dict[str, Any] = handler(self)
        if data.get("sms_signature") is None:
            data.pop("sms_signature", None)
        return data


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


class Retention(Strict):
    """How long PI collected for a purpose is kept: a period, or until the account is cancelled."""

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

    @model_validator(mode="after")
    def _one_end(self) -> Retention:
        if (self.period is None) == (self.until is None):
            raise ValueError("a retention needs exactly one of 'period' (such as '6 months') or 'until'")
        if self.after is not None and self.period is None:
            raise ValueError("'after' says from when a 'period' counts: give the period too")
        return self

    @model_serializer(mode="wrap")
    def _without_absent_start(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # 'after' came after policies were published: a spec without it digests as before.
        data: dict[str, Any] = handler(self)
        if data.get("after") is None:
            data.pop("after", None)
        return data


class Purpose(Strict):
    """A purpose of processing: the function it serves, its legal basis, its fields and retention."""

    label: LocalText
    description: LocalText | None = None
    function: FunctionKind
    legal_basis: LegalBasis
    legal_basis_note: LocalText | None = None
    separate_consent: bool = Field(default=False, description="Needs a separate consent (单独同意).")
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

    kind: RecipientKind
    name: LocalText
    description: LocalText | None = None
    contact: str | None = Field(default=None, max_length=200)
    fields: list[Identifier] = Field(default_factory=list)
    purposes: list[Identifier] = Field(default_factory=list)
    region: str | None = Field(
        default=None,
        pattern=r"^([A-Z]{2}|abroad)$",
        description="ISO 3166 code, or 'abroad'; null: where the operator stores PI (storage.region).",
    )
    agreement: bool = Field(
        default=False, description="A written agreement binds it (purpose, term, method, PI, protection)."
    )
    deidentified: bool = False
    separate_consent: bool = Field(default=False, description="Provision needs the person's separate consent.")
    cross_border_consent: bool = False
    delete_on_end: bool = Field(default=False, description="It deletes the PI when the entrustment ends.")
    deletion_channel: str | None = Field(
        default=None, max_length=300, description="Where to tell it to delete a person's PI (URL or address)."
    )
    sdk_provider: LocalText | None = None


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
    rule: CrossBorderRule
    destinations: list[str] = Field(default_factory=list, description="Countries, or empty when unspecified.")
    note: LocalText | None = None


class Storage(Strict):
    region: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="Where PI is stored; null: unstated.")
    region_note: LocalText | None = None
    cross_border: CrossBorder
    security_measures: list[SecurityMeasure] = Field(default_factory=list)
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
    max_requests: int = Field(ge=1, le=1000)
    window_days: int = Field(default=30, ge=1, le=366)
    action: ExcessiveAction = ExcessiveAction.FEE


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


class Changes(Strict):
    channels: list[Channel] = Field(default_factory=list, description="How material changes are announced.")
    notice_before_effect: bool | None = None
    no_rights_reduction_without_consent: bool = False
    no_settings_change: bool = False
    material_kinds: list[MaterialChange] = Field(default_factory=list)


class ConsentRules(Strict):
    refusal_cooldown: Duration = Field(
        default_factory=lambda: Duration.parse("48 hours"),
        description="After a refusal, the same consent is not asked again within this period.",
    )
    new_purpose_opt_in: bool | None = None
    how_to_withdraw: LocalText | None = None


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

    @model_serializer(mode="wrap")
    def _without_absent_statistics(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # 'statistics' came after policies were published: a spec without it digests as before.
        data: dict[str, Any] = handler(self)
        if data.get("statistics") is None:
            data.pop("statistics", None)
        return data

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
