"""Every column of the copy, declared once, and the records built from the bundle.

Each column (``Column``) drives the JSON records, the CSV header, the
manifest's schema and the README's tables, so the four cannot disagree about
what a column is called or means.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from yinsi.core.export.bundle import (
    ExportAccess,
    ExportBundle,
    ExportConsent,
    ExportProvision,
    ExportRequest,
    ExportValue,
)
from yinsi.core.i18n import Msg
from yinsi.core.policy.model import PolicySpec

# --------------------------------------------------------------------------- columns

Kind = Literal["string", "boolean", "array", "date-time", "id"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    description: Msg
    nullable: bool = False
    in_csv: bool = True

    def schema(self) -> dict[str, Any]:
        base: dict[str, Any]
        if self.kind == "date-time":
            base = {"type": "string", "format": "date-time"}
        elif self.kind == "array":
            base = {"type": "array", "items": {"type": "string"}}
        elif self.kind == "id":
            base = {"type": ["string", "integer"]}
        else:
            base = {"type": self.kind}
        if self.nullable:
            kinds = base["type"] if isinstance(base["type"], list) else [base["type"]]
            base["type"] = [*kinds, "null"]
        return {**base, "description": {"zh-CN": self.description.zh, "en": self.description.en}}


PI_COLUMNS = (
    Column("field", "string", Msg("字段标识，与隐私政策中的个人信息项对应", "Field id, as in the privacy policy")),
    Column("label_zh", "string", Msg("个人信息名称（中文）", "Name of the information, in Chinese"), nullable=True),
    Column("label_en", "string", Msg("个人信息名称（英文）", "Name of the information, in English"), nullable=True),
    Column(
        "type", "string", Msg("值的类型，如 mobile、email", "Kind of value, such as mobile or email"), nullable=True
    ),
    Column(
        "category", "string", Msg("个人信息类别（见下文词汇表）", "Category (see the glossary below)"), nullable=True
    ),
    Column(
        "sensitivity",
        "string",
        Msg("general 为一般个人信息，sensitive 为敏感个人信息", "general, or sensitive personal information"),
        nullable=True,
    ),
    Column("value", "string", Msg("我们保存的值，完整而未经遮盖", "The value we hold, whole and unmasked")),
    Column(
        "purposes",
        "array",
        Msg("收集这项信息的处理目的（目的标识）", "The purposes it was collected for (purpose ids)"),
    ),
    Column(
        "legal_bases",
        "array",
        Msg("这些目的的合法性基础（见下文词汇表）", "The legal bases of those purposes (see the glossary)"),
    ),
    Column("collected_at", "date-time", Msg("收集时间（UTC）", "When it was collected (UTC)")),
    Column("source", "string", Msg("来源，如 user 为您本人提供", "Where it came from, such as user: you provided it")),
    Column(
        "retain_until",
        "date-time",
        Msg(
            "保存期限届满的时间（UTC）；为空表示保存至您注销账号",
            "When it must be deleted (UTC); empty: until you cancel your account",
        ),
        nullable=True,
    ),
    Column(
        "portable",
        "boolean",
        Msg(
            "是否可转移；false 表示由我们推断得出，不在 pi.csv 中",
            "Whether it can be transferred; false: inferred by us, and left out of pi.csv",
        ),
        in_csv=False,
    ),
)

CONSENT_COLUMNS = (
    Column("id", "id", Msg("记录编号", "Record number")),
    Column("kind", "string", Msg("同意的种类，如 purpose（处理目的）", "What kind of consent, such as purpose")),
    Column("scope", "string", Msg("同意针对的对象，如某个处理目的的标识", "What it covers, such as a purpose id")),
    Column("action", "string", Msg("grant 同意、refuse 拒绝、withdraw 撤回", "grant, refuse or withdraw")),
    Column(
        "given_by",
        "string",
        Msg("由谁作出：subject 为您本人，guardian 为监护人", "Who acted: subject (you) or guardian"),
    ),
    Column("channel", "string", Msg("作出的渠道，如 app、web", "Where, such as app or web")),
    Column("policy_version", "string", Msg("当时适用的隐私政策版本", "The privacy policy version in force")),
    Column(
        "text_hash",
        "string",
        Msg("当时向您展示的文本的 SHA-256，可用于核对", "SHA-256 of the text you were shown, to check it against"),
    ),
    Column("language", "string", Msg("展示文本的语言", "Language of that text")),
    Column("at", "date-time", Msg("时间（UTC）", "When (UTC)")),
)

ACCESS_COLUMNS = (
    Column("login_at", "date-time", Msg("登录时间（UTC）", "Login time (UTC)")),
    Column(
        "logout_at",
        "date-time",
        Msg("退出时间（UTC）；为空表示未退出或未记录", "Logout time (UTC); empty: not logged out or not recorded"),
        nullable=True,
    ),
    Column("method", "string", Msg("登录方式，如 sms_code（短信验证码）", "How you logged in, such as sms_code")),
    Column("address", "string", Msg("您登录时的网络地址（IP 地址）", "The network (IP) address you logged in from")),
)

PROVISION_COLUMNS = (
    Column("recipient", "string", Msg("接收方标识", "Recipient id")),
    Column("recipient_zh", "string", Msg("接收方名称（中文）", "Recipient's name, in Chinese"), nullable=True),
    Column("recipient_en", "string", Msg("接收方名称（英文）", "Recipient's name, in English"), nullable=True),
    Column(
        "recipient_kind",
        "string",
        Msg("接收方类型（见下文词汇表）", "Kind of recipient (see the glossary)"),
        nullable=True,
    ),
    Column("purpose", "string", Msg("提供的目的（目的标识）", "Purpose of the provision (purpose id)")),
    Column("fields", "array", Msg("提供的个人信息（字段标识）", "The information provided (field ids)")),
    Column("at", "date-time", Msg("提供时间（UTC）", "When (UTC)")),
    Column("actor", "string", Msg("执行提供的系统或角色", "The system or role that provided it")),
    Column(
        "basis",
        "string",
        Msg(
            "提供所依据的合法性基础，或 separate_consent（您的单独同意）",
            "What it rested on: a legal basis, or separate_consent",
        ),
        nullable=True,
    ),
    Column("region", "string", Msg("接收方所在国家或地区", "Where the recipient is"), nullable=True),
    Column(
        "transfer_mechanism",
        "string",
        Msg("向境外提供时所依据的法定条件", "For a transfer abroad: its legal mechanism"),
        nullable=True,
    ),
)

REQUEST_COLUMNS = (
    Column("id", "id", Msg("请求编号", "Request number")),
    Column(
        "type", "string", Msg("请求类型，如 access（查阅）、copy（复制）", "Kind of request, such as access or copy")
    ),
    Column("state", "string", Msg("处理状态，如 completed（已完成）", "Its state, such as completed")),
    Column("created_at", "date-time", Msg("提出时间（UTC）", "When you made it (UTC)")),
    Column(
        "closed_at",
        "date-time",
        Msg("办结时间（UTC）；为空表示尚未办结", "When it was closed (UTC); empty: still open"),
        nullable=True,
    ),
)


@dataclass(frozen=True, slots=True)
class File:
    name: str
    description: Msg
    columns: tuple[Column, ...] = ()  # empty: not a table (README.md)


README = File("README.md", Msg("本说明", "This explanation"))
PI_JSON = File(
    "pi.json",
    Msg(
        "我们保存的您的全部个人信息，包括推断得出的信息",
        "All the personal information we hold about you, derived included",
    ),
    PI_COLUMNS,
)
PI_CSV = File(
    "pi.csv",
    Msg(
        "可以转移的个人信息，每个值一行，不含推断得出的信息",
        "Your portable personal information, one row per value; derived information is left out",
    ),
    tuple(c for c in PI_COLUMNS if c.in_csv),
)
CONSENTS_JSON = File(
    "consents.json", Msg("您作出的同意、拒绝和撤回", "The consents you gave, refused and withdrew"), CONSENT_COLUMNS
)
CONSENTS_CSV = File("consents.csv", CONSENTS_JSON.description, CONSENT_COLUMNS)
ACCESS_JSON = File(
    "access_log.json", Msg("您的登录记录（网络访问日志）", "Your logins (network access log)"), ACCESS_COLUMNS
)
ACCESS_CSV = File("access_log.csv", ACCESS_JSON.description, ACCESS_COLUMNS)
PROVISIONS_JSON = File(
    "provisions.json",
    Msg("我们向第三方提供您个人信息的记录", "Records of your personal information provided to third parties"),
    PROVISION_COLUMNS,
)
PROVISIONS_CSV = File("provisions.csv", PROVISIONS_JSON.description, PROVISION_COLUMNS)
REQUESTS_JSON = File("requests.json", Msg("您提出的权利请求", "The rights requests you made"), REQUEST_COLUMNS)

DATA_FILES = (
    PI_JSON,
    PI_CSV,
    CONSENTS_JSON,
    CONSENTS_CSV,
    ACCESS_JSON,
    ACCESS_CSV,
    PROVISIONS_JSON,
    PROVISIONS_CSV,
    REQUESTS_JSON,
)
MANIFEST = "manifest.json"
FILES: tuple[str, ...] = (README.name, MANIFEST, *(f.name for f in DATA_FILES))
"""Every file of an export, in archive order: the README first, for whoever opens the ZIP by hand."""

# --------------------------------------------------------------------------- records


def utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (UTC), not a naive one")
    return moment.astimezone(UTC)


def iso(moment: datetime, what: str) -> str:
    """ISO 8601 in UTC with a 'Z', as every time in an export is written."""
    return utc(moment, what).isoformat().replace("+00:00", "Z")


def iso_or_none(moment: datetime | None, what: str) -> str | None:
    return None if moment is None else iso(moment, what)


def by_time(items: Iterable[Any], key: Callable[[Any], datetime]) -> list[Any]:
    """Oldest first; ties keep the bundle's order, so sorting never invents a difference."""
    return sorted(items, key=lambda item: utc(key(item), "a record's time"))


def pi_records(bundle: ExportBundle) -> list[dict[str, Any]]:
    spec = bundle.spec
    order = {fid: i for i, fid in enumerate(spec.fields)}
    undeclared = len(order)

    def position(value: ExportValue) -> tuple[int, str, datetime]:
        # Grouped as the policy lists the fields, then oldest first; undeclared fields (from an older policy) last.
        index = order.get(value.field, undeclared)
        return index, value.field if index == undeclared else "", utc(value.collected_at, "collected_at")

    # What the policy says about a field is the same on each of its values: worked out once per field.
    described: dict[str, dict[str, Any]] = {}
    bases_of: dict[tuple[str, ...], list[str]] = {}
    records = []
    for value in sorted(bundle.values, key=position):
        about = described.get(value.field)
        if about is None:
            about = described[value.field] = field_columns(spec, value.field)
        purposes = tuple(value.purposes)
        bases = bases_of.get(purposes)
        if bases is None:
            bases = bases_of[purposes] = legal_bases(spec, purposes)
        records.append(
            {
                "field": value.field,
                "label_zh": about["label_zh"],
                "label_en": about["label_en"],
                "type": about["type"],
                "category": about["category"],
                "sensitivity": about["sensitivity"],
                "value": value.value,
                "purposes": list(purposes),
                "legal_bases": list(bases),
                "collected_at": iso(value.collected_at, "collected_at"),
                "source": value.source,
                "retain_until": None if value.retain_until is None else iso(value.retain_until, "retain_until"),
                "portable": about["portable"],
            }
        )
    return records


def field_columns(spec: PolicySpec, field_id: str) -> dict[str, Any]:
    declared = spec.fields.get(field_id)
    if declared is None:
        # A field the policy no longer declares cannot be known to be derived: it goes with the person.
        return dict.fromkeys(("label_zh", "label_en", "type", "category", "sensitivity")) | {"portable": True}
    return {
        "label_zh": declared.label.zh_CN,
        "label_en": declared.label.en,
        "type": declared.type.value,
        "category": declared.category.value,
        "sensitivity": declared.sensitivity.value,
        "portable": not declared.derived,
    }


def legal_bases(spec: PolicySpec, purposes: Sequence[str]) -> list[str]:
    """The distinct legal bases of the purposes, in their order; a purpose the policy no longer has adds none."""
    bases: list[str] = []
    for pid in purposes:
        purpose = spec.purposes.get(pid)
        if purpose is not None and purpose.legal_basis.value not in bases:
            bases.append(purpose.legal_basis.value)
    return bases


def consent_record(c: ExportConsent) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "scope": c.scope,
        "action": c.action,
        "given_by": c.given_by,
        "channel": c.channel,
        "policy_version": c.policy_version,
        "text_hash": c.text_hash,
        "language": c.language,
        "at": iso(c.at, "a consent's time"),
    }


def access_record(a: ExportAccess) -> dict[str, Any]:
    return {
        "login_at": iso(a.login_at, "login_at"),
        "logout_at": iso_or_none(a.logout_at, "logout_at"),
        "method": a.method,
        "address": a.address,
    }


def provision_record(spec: PolicySpec, p: ExportProvision) -> dict[str, Any]:
    recipient = spec.recipients.get(p.recipient)
    # PI made public is listed as provided to "public.<disclosure>", named by the disclosure's label.
    public = spec.public_disclosures.get(p.recipient.removeprefix("public.")) if p.recipient[:7] == "public." else None
    name = recipient.name if recipient is not None else public.label if public is not None else None
    kind = recipient.kind.value if recipient is not None else "public" if public is not None else None
    return {
        "recipient": p.recipient,
        "recipient_zh": name.zh_CN if name is not None else None,
        "recipient_en": name.en if name is not None else None,
        "recipient_kind": kind,
        "purpose": p.purpose,
        "fields": list(p.fields),
        "at": iso(p.at, "a provision's time"),
        "actor": p.actor,
        "basis": p.basis,
        "region": p.region,
        "transfer_mechanism": p.transfer_mechanism,
    }


def request_record(r: ExportRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "type": r.type,
        "state": r.state,
        "created_at": iso(r.created_at, "a request's created_at"),
        "closed_at": iso_or_none(r.closed_at, "a request's closed_at"),
    }
