"""The copy of their personal information a person takes away (PIPL Arts. 45, 47): one ZIP file.

A person asking for a copy wants two things at once: to read it (so CSV files
that Excel or WPS open correctly in China, and a README in Chinese and
English saying what every file and column means) and to take it elsewhere (so
JSON with stable identifiers and a manifest another processor can check).
Both are built here from one ``ExportBundle``, which the service layer fills
from the vault, the consent ledger, the access log, the provision records and
the rights requests; nothing in this module reads a database or a clock.

Each column is declared once (``_Column``) and drives the JSON records, the
CSV header, the manifest's schema and the README's tables, so the four cannot
disagree about what a column is called or means.

The archive is reproducible: every entry carries the bundle's own
``generated_at`` as its timestamp and fixed permissions, and records are
sorted, so the same bundle always gives the same bytes and a copy can be
verified by building it again. ``read_export`` checks every file against the
manifest's SHA-256 before trusting any of it.

Derived information (a field with ``derived: true``, inferred by the
operator) is part of the person's copy but not of what they can move to
another processor: it appears in ``pi.json`` with ``"portable": false`` and is
left out of ``pi.csv``, and the README says why.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from yinsi.core.i18n import Msg
from yinsi.core.policy import labels as L
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import Category, LegalBasis, RecipientKind, Sensitivity

__all__ = [
    "EXPORT_FORMAT",
    "ExportAccess",
    "ExportBundle",
    "ExportConsent",
    "ExportProvision",
    "ExportRequest",
    "ExportValue",
    "bench_export",
    "build_export",
    "read_export",
]

EXPORT_FORMAT = "yinsi-export/1"
"""The format name and version in every manifest; a reader refuses any other."""

MAX_ENTRY_BYTES = 256 * 1024 * 1024
"""The largest file ``read_export`` will unpack: a copy is never this big, a ZIP bomb is."""

# --------------------------------------------------------------------------- the bundle


@dataclass(frozen=True, slots=True)
class ExportValue:
    """One stored value, whole: this is the person's own copy, so nothing is masked."""

    field: str
    value: str = dataclasses.field(repr=False)  # PI: never in a repr, a log or a failing test's output
    collected_at: datetime
    source: str
    purposes: list[str]
    retain_until: datetime | None


@dataclass(frozen=True, slots=True)
class ExportConsent:
    id: int | str
    kind: str
    scope: str
    action: str
    given_by: str
    channel: str
    policy_version: str
    text_hash: str
    language: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ExportAccess:
    """One login session (network access log, kept under Cybersecurity Law Art. 21)."""

    login_at: datetime
    logout_at: datetime | None
    method: str
    address: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class ExportProvision:
    """A record that the person's PI was provided to a recipient (PIPL Art. 23 lets them know who)."""

    recipient: str
    purpose: str
    fields: list[str]
    at: datetime
    actor: str  # the system or role that provided it, never a staff member's name: that is their PI, not yours
    basis: str | None = None  # the purpose's legal basis, or separate_consent
    region: str | None = None  # where the recipient is
    transfer_mechanism: str | None = None  # for a transfer abroad (PIPL Art. 38-39 let the person know)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    id: int | str
    type: str
    state: str
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportBundle:
    """Everything one person's copy holds; ``spec`` is the policy that names and explains the fields."""

    subject_id: str
    generated_at: datetime
    policy_version: str
    spec: PolicySpec
    values: list[ExportValue] = field(default_factory=list)
    consents: list[ExportConsent] = field(default_factory=list)
    access_log: list[ExportAccess] = field(default_factory=list)
    provisions: list[ExportProvision] = field(default_factory=list)
    requests: list[ExportRequest] = field(default_factory=list)


# --------------------------------------------------------------------------- columns

Kind = Literal["string", "boolean", "array", "date-time", "id"]


@dataclass(frozen=True, slots=True)
class _Column:
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


_PI_COLUMNS = (
    _Column("field", "string", Msg("字段标识，与隐私政策中的个人信息项对应", "Field id, as in the privacy policy")),
    _Column("label_zh", "string", Msg("个人信息名称（中文）", "Name of the information, in Chinese"), nullable=True),
    _Column("label_en", "string", Msg("个人信息名称（英文）", "Name of the information, in English"), nullable=True),
    _Column(
        "type", "string", Msg("值的类型，如 mobile、email", "Kind of value, such as mobile or email"), nullable=True
    ),
    _Column(
        "category", "string", Msg("个人信息类别（见下文词汇表）", "Category (see the glossary below)"), nullable=True
    ),
    _Column(
        "sensitivity",
        "string",
        Msg("general 为一般个人信息，sensitive 为敏感个人信息", "general, or sensitive personal information"),
        nullable=True,
    ),
    _Column("value", "string", Msg("我们保存的值，完整而未经遮盖", "The value we hold, whole and unmasked")),
    _Column(
        "purposes",
        "array",
        Msg("收集这项信息的处理目的（目的标识）", "The purposes it was collected for (purpose ids)"),
    ),
    _Column(
        "legal_bases",
        "array",
        Msg("这些目的的合法性基础（见下文词汇表）", "The legal bases of those purposes (see the glossary)"),
    ),
    _Column("collected_at", "date-time", Msg("收集时间（UTC）", "When it was collected (UTC)")),
    _Column("source", "string", Msg("来源，如 user 为您本人提供", "Where it came from, such as user: you provided it")),
    _Column(
        "retain_until",
        "date-time",
        Msg(
            "保存期限届满的时间（UTC）；为空表示保存至您注销账号",
            "When it must be deleted (UTC); empty: until you cancel your account",
        ),
        nullable=True,
    ),
    _Column(
        "portable",
        "boolean",
        Msg(
            "是否可转移；false 表示由我们推断得出，不在 pi.csv 中",
            "Whether it can be transferred; false: inferred by us, and left out of pi.csv",
        ),
        in_csv=False,
    ),
)

_CONSENT_COLUMNS = (
    _Column("id", "id", Msg("记录编号", "Record number")),
    _Column("kind", "string", Msg("同意的种类，如 purpose（处理目的）", "What kind of consent, such as purpose")),
    _Column("scope", "string", Msg("同意针对的对象，如某个处理目的的标识", "What it covers, such as a purpose id")),
    _Column("action", "string", Msg("grant 同意、refuse 拒绝、withdraw 撤回", "grant, refuse or withdraw")),
    _Column(
        "given_by",
        "string",
        Msg("由谁作出：subject 为您本人，guardian 为监护人", "Who acted: subject (you) or guardian"),
    ),
    _Column("channel", "string", Msg("作出的渠道，如 app、web", "Where, such as app or web")),
    _Column("policy_version", "string", Msg("当时适用的隐私政策版本", "The privacy policy version in force")),
    _Column(
        "text_hash",
        "string",
        Msg("当时向您展示的文本的 SHA-256，可用于核对", "SHA-256 of the text you were shown, to check it against"),
    ),
    _Column("language", "string", Msg("展示文本的语言", "Language of that text")),
    _Column("at", "date-time", Msg("时间（UTC）", "When (UTC)")),
)

_ACCESS_COLUMNS = (
    _Column("login_at", "date-time", Msg("登录时间（UTC）", "Login time (UTC)")),
    _Column(
        "logout_at",
        "date-time",
        Msg("退出时间（UTC）；为空表示未退出或未记录", "Logout time (UTC); empty: not logged out or not recorded"),
        nullable=True,
    ),
    _Column("method", "string", Msg("登录方式，如 sms_code（短信验证码）", "How you logged in, such as sms_code")),
    _Column("address", "string", Msg("您登录时的网络地址（IP 地址）", "The network (IP) address you logged in from")),
)

_PROVISION_COLUMNS = (
    _Column("recipient", "string", Msg("接收方标识", "Recipient id")),
    _Column("recipient_zh", "string", Msg("接收方名称（中文）", "Recipient's name, in Chinese"), nullable=True),
    _Column("recipient_en", "string", Msg("接收方名称（英文）", "Recipient's name, in English"), nullable=True),
    _Column(
        "recipient_kind",
        "string",
        Msg("接收方类型（见下文词汇表）", "Kind of recipient (see the glossary)"),
        nullable=True,
    ),
    _Column("purpose", "string", Msg("提供的目的（目的标识）", "Purpose of the provision (purpose id)")),
    _Column("fields", "array", Msg("提供的个人信息（字段标识）", "The information provided (field ids)")),
    _Column("at", "date-time", Msg("提供时间（UTC）", "When (UTC)")),
    _Column("actor", "string", Msg("执行提供的系统或角色", "The system or role that provided it")),
    _Column(
        "basis",
        "string",
        Msg(
            "提供所依据的合法性基础，或 separate_consent（您的单独同意）",
            "What it rested on: a legal basis, or separate_consent",
        ),
        nullable=True,
    ),
    _Column("region", "string", Msg("接收方所在国家或地区", "Where the recipient is"), nullable=True),
    _Column(
        "transfer_mechanism",
        "string",
        Msg("向境外提供时所依据的法定条件", "For a transfer abroad: its legal mechanism"),
        nullable=True,
    ),
)

_REQUEST_COLUMNS = (
    _Column("id", "id", Msg("请求编号", "Request number")),
    _Column(
        "type", "string", Msg("请求类型，如 access（查阅）、copy（复制）", "Kind of request, such as access or copy")
    ),
    _Column("state", "string", Msg("处理状态，如 completed（已完成）", "Its state, such as completed")),
    _Column("created_at", "date-time", Msg("提出时间（UTC）", "When you made it (UTC)")),
    _Column(
        "closed_at",
        "date-time",
        Msg("办结时间（UTC）；为空表示尚未办结", "When it was closed (UTC); empty: still open"),
        nullable=True,
    ),
)


@dataclass(frozen=True, slots=True)
class _File:
    name: str
    description: Msg
    columns: tuple[_Column, ...] = ()  # empty: not a table (README.md)


_README = _File("README.md", Msg("本说明", "This explanation"))
_PI_JSON = _File(
    "pi.json",
    Msg(
        "我们保存的您的全部个人信息，包括推断得出的信息",
        "All the personal information we hold about you, derived included",
    ),
    _PI_COLUMNS,
)
_PI_CSV = _File(
    "pi.csv",
    Msg(
        "可以转移的个人信息，每个值一行，不含推断得出的信息",
        "Your portable personal information, one row per value; derived information is left out",
    ),
    tuple(c for c in _PI_COLUMNS if c.in_csv),
)
_CONSENTS_JSON = _File(
    "consents.json", Msg("您作出的同意、拒绝和撤回", "The consents you gave, refused and withdrew"), _CONSENT_COLUMNS
)
_CONSENTS_CSV = _File("consents.csv", _CONSENTS_JSON.description, _CONSENT_COLUMNS)
_ACCESS_JSON = _File(
    "access_log.json", Msg("您的登录记录（网络访问日志）", "Your logins (network access log)"), _ACCESS_COLUMNS
)
_ACCESS_CSV = _File("access_log.csv", _ACCESS_JSON.description, _ACCESS_COLUMNS)
_PROVISIONS_JSON = _File(
    "provisions.json",
    Msg("我们向第三方提供您个人信息的记录", "Records of your personal information provided to third parties"),
    _PROVISION_COLUMNS,
)
_PROVISIONS_CSV = _File("provisions.csv", _PROVISIONS_JSON.description, _PROVISION_COLUMNS)
_REQUESTS_JSON = _File("requests.json", Msg("您提出的权利请求", "The rights requests you made"), _REQUEST_COLUMNS)

_DATA_FILES = (
    _PI_JSON,
    _PI_CSV,
    _CONSENTS_JSON,
    _CONSENTS_CSV,
    _ACCESS_JSON,
    _ACCESS_CSV,
    _PROVISIONS_JSON,
    _PROVISIONS_CSV,
    _REQUESTS_JSON,
)
MANIFEST = "manifest.json"
FILES: tuple[str, ...] = (_README.name, MANIFEST, *(f.name for f in _DATA_FILES))
"""Every file of an export, in archive order: the README first, for whoever opens the ZIP by hand."""

# --------------------------------------------------------------------------- building


def build_export(bundle: ExportBundle) -> bytes:
    """The ZIP archive of ``bundle``: the same bundle always gives the same bytes.

    Raises ValueError for a naive datetime anywhere in the bundle: a time
    without a zone cannot be written as UTC without guessing.
    """
    generated = _iso(bundle.generated_at, "generated_at")
    spec = bundle.spec
    pi = _pi_records(bundle)
    tables: dict[str, list[dict[str, Any]]] = {
        _PI_JSON.name: pi,
        _CONSENTS_JSON.name: [_consent_record(c) for c in _by_time(bundle.consents, lambda c: c.at)],
        _ACCESS_JSON.name: [_access_record(a) for a in _by_time(bundle.access_log, lambda a: a.login_at)],
        _PROVISIONS_JSON.name: [_provision_record(spec, p) for p in _by_time(bundle.provisions, lambda p: p.at)],
        _REQUESTS_JSON.name: [_request_record(r) for r in _by_time(bundle.requests, lambda r: r.created_at)],
    }
    portable = [record for record in pi if record["portable"]]
    contents: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for file in _DATA_FILES:
        if file.name.endswith(".json"):
            records = tables[file.name]
            contents[file.name] = _json_lines(records)
        else:
            records = portable if file is _PI_CSV else tables[file.name.removesuffix(".csv") + ".json"]
            contents[file.name] = _csv(file.columns, records)
        counts[file.name] = len(records)
    contents[_README.name] = _readme(bundle, generated, counts).encode()

    manifest = {
        "format": EXPORT_FORMAT,
        "subject_id": bundle.subject_id,
        "generated_at": generated,
        "policy_id": spec.policy.id,
        "policy_version": bundle.policy_version,
        "not_portable_fields": [fid for fid, f in spec.fields.items() if f.derived],
        "files": [
            _manifest_entry(file, contents[file.name], counts.get(file.name)) for file in (_README, *_DATA_FILES)
        ],
    }
    contents[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    return _zip(contents, bundle.generated_at)


def read_export(data: bytes) -> dict[str, Any]:
    """The JSON documents of an export, by file name (``manifest.json`` included), once every file is verified.

    Every file must be listed in the manifest and match its SHA-256, and every
    listed file must be present; otherwise ValueError names the file. Nothing
    is parsed before it is verified.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ValueError("not a ZIP archive") from exc
    with archive:
        names = archive.namelist()
        if len(set(names)) != len(names):
            raise ValueError("the archive holds the same file name twice")
        if MANIFEST not in names:
            raise ValueError(f"{MANIFEST} is missing")
        try:
            manifest = json.loads(_unpack(archive, MANIFEST))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{MANIFEST} is not valid JSON") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
            raise ValueError(f"{MANIFEST} does not describe a {EXPORT_FORMAT} export")
        listed: dict[str, str] = {}
        for entry in manifest.get("files", []):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ValueError(f"{MANIFEST} lists a file without a name")
            listed[entry["name"]] = str(entry.get("sha256", ""))
        for name in names:
            if name != MANIFEST and name not in listed:
                raise ValueError(f"{name} is not listed in {MANIFEST}")
        documents: dict[str, Any] = {MANIFEST: manifest}
        for name, digest in listed.items():
            if name not in names:
                raise ValueError(f"{name} is listed in {MANIFEST} but missing from the archive")
            content = _unpack(archive, name)
            if hashlib.sha256(content).hexdigest() != digest:
                raise ValueError(f"{name} does not match its SHA-256 in {MANIFEST}: it was changed or damaged")
            if name.endswith(".json"):
                try:
                    documents[name] = json.loads(content)
                except json.JSONDecodeError as exc:  # verified yet unparsable: written by something else
                    raise ValueError(f"{name} is not valid JSON") from exc
        return documents


def bench_export(n: int) -> float:
    """Seconds to build the export of one person holding ``n`` values (a small built-in policy, fixed data)."""
    spec = PolicySpec.model_validate(_BENCH_SPEC)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    fields = list(spec.fields)
    values = [
        ExportValue(
            field=fields[i % len(fields)],
            value=f"值 {i:08d} value",
            collected_at=start + timedelta(seconds=i),
            source="user",
            purposes=["service"],
            retain_until=None,
        )
        for i in range(n)
    ]
    bundle = ExportBundle("bench-subject", start, spec.policy.version, spec, values)
    began = time.perf_counter()
    build_export(bundle)
    return time.perf_counter() - began


_BENCH_SPEC: dict[str, Any] = {
    "policy": {"id": "bench", "version": "1", "title": {"zh-CN": "基准测试", "en": "Benchmark"}},
    "operator": {},
    "contact": {},
    "storage": {"region": "CN", "cross_border": {"rule": "prohibited"}},
    "fields": {
        "mobile": {
            "type": "mobile",
            "label": {"zh-CN": "手机号码", "en": "Mobile number"},
            "category": "online_identity",
        },
        "name": {"type": "name", "label": {"zh-CN": "姓名", "en": "Name"}, "category": "basic"},
        "interests": {
            "type": "free_text",
            "label": {"zh-CN": "兴趣标签", "en": "Interest tags"},
            "category": "other",
            "derived": True,
            "sources": ["generated"],
        },
    },
    "purposes": {
        "service": {
            "label": {"zh-CN": "服务", "en": "Service"},
            "function": "basic",
            "legal_basis": "contract",
            "fields": ["mobile", "name", "interests"],
            "retention": {"until": "account_cancellation"},
        }
    },
}

# --------------------------------------------------------------------------- records


def _utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (UTC), not a naive one")
    return moment.astimezone(UTC)


def _iso(moment: datetime, what: str) -> str:
    """ISO 8601 in UTC with a 'Z', as every time in an export is written."""
    return _utc(moment, what).isoformat().replace("+00:00", "Z")


def _iso_or_none(moment: datetime | None, what: str) -> str | None:
    return None if moment is None else _iso(moment, what)


def _by_time(items: Iterable[Any], key: Callable[[Any], datetime]) -> list[Any]:
    """Oldest first; ties keep the bundle's order, so sorting never invents a difference."""
    return sorted(items, key=lambda item: _utc(key(item), "a record's time"))


def _pi_records(bundle: ExportBundle) -> list[dict[str, Any]]:
    spec = bundle.spec
    order = {fid: i for i, fid in enumerate(spec.fields)}
    undeclared = len(order)

    def position(value: ExportValue) -> tuple[int, str, datetime]:
        # Grouped as the policy lists the fields, then oldest first; undeclared fields (from an older policy) last.
        index = order.get(value.field, undeclared)
        return index, value.field if index == undeclared else "", _utc(value.collected_at, "collected_at")

    # What the policy says about a field is the same on each of its values: worked out once per field.
    described: dict[str, dict[str, Any]] = {}
    bases_of: dict[tuple[str, ...], list[str]] = {}
    records = []
    for value in sorted(bundle.values, key=position):
        about = described.get(value.field)
        if about is None:
            about = described[value.field] = _field_columns(spec, value.field)
        purposes = tuple(value.purposes)
        bases = bases_of.get(purposes)
        if bases is None:
            bases = bases_of[purposes] = _legal_bases(spec, purposes)
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
                "collected_at": _iso(value.collected_at, "collected_at"),
                "source": value.source,
                "retain_until": None if value.retain_until is None else _iso(value.retain_until, "retain_until"),
                "portable": about["portable"],
            }
        )
    return records


def _field_columns(spec: PolicySpec, field_id: str) -> dict[str, Any]:
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


def _legal_bases(spec: PolicySpec, purposes: Sequence[str]) -> list[str]:
    """The distinct legal bases of the purposes, in their order; a purpose the policy no longer has adds none."""
    bases: list[str] = []
    for pid in purposes:
        purpose = spec.purposes.get(pid)
        if purpose is not None and purpose.legal_basis.value not in bases:
            bases.append(purpose.legal_basis.value)
    return bases


def _consent_record(c: ExportConsent) -> dict[str, Any]:
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
        "at": _iso(c.at, "a consent's time"),
    }


def _access_record(a: ExportAccess) -> dict[str, Any]:
    return {
        "login_at": _iso(a.login_at, "login_at"),
        "logout_at": _iso_or_none(a.logout_at, "logout_at"),
        "method": a.method,
        "address": a.address,
    }


def _provision_record(spec: PolicySpec, p: ExportProvision) -> dict[str, Any]:
    recipient = spec.recipients.get(p.recipient)
    return {
        "recipient": p.recipient,
        "recipient_zh": recipient.name.zh_CN if recipient is not None else None,
        "recipient_en": recipient.name.en if recipient is not None else None,
        "recipient_kind": recipient.kind.value if recipient is not None else None,
        "purpose": p.purpose,
        "fields": list(p.fields),
        "at": _iso(p.at, "a provision's time"),
        "actor": p.actor,
        "basis": p.basis,
        "region": p.region,
        "transfer_mechanism": p.transfer_mechanism,
    }


def _request_record(r: ExportRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "type": r.type,
        "state": r.state,
        "created_at": _iso(r.created_at, "a request's created_at"),
        "closed_at": _iso_or_none(r.closed_at, "a request's closed_at"),
    }


# --------------------------------------------------------------------------- serialising


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json_lines(records: Sequence[dict[str, Any]]) -> bytes:
    """A JSON array with one record per line: readable in any editor, and written by the fast C encoder."""
    if not records:
        return b"[]\n"
    encode = _ENCODER.encode
    body = ",\n".join(encode(record) for record in records)
    return f"[\n{body}\n]\n".encode()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a leading ' stops = + - @ from being read as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = ";".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(columns: Sequence[_Column], records: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark and CRLF lines: what Excel in China needs to open it without garbling."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = [c.name for c in columns]
    writer.writerow(names)
    writer.writerows([_cell(record[name]) for name in names] for record in records)
    return ("\ufeff" + out.getvalue()).encode()


def _manifest_entry(file: _File, content: bytes, records: int | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": file.name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "bytes": len(content),
        "media_type": _media_type(file.name),
        "description": {"zh-CN": file.description.zh, "en": file.description.en},
    }
    if records is not None:
        entry["records"] = records
    if file.columns:
        properties = {c.name: c.schema() for c in file.columns}
        if file.name.endswith(".json"):
            entry["schema"] = {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": properties,
                    "required": [c.name for c in file.columns],
                    "additionalProperties": False,
                },
            }
        else:
            entry["schema"] = {
                "encoding": "utf-8-sig",
                "delimiter": ",",
                "header": True,
                "list_separator": ";",
                "columns": [{"name": name, **schema} for name, schema in properties.items()],
            }
    return entry


def _media_type(name: str) -> str:
    if name.endswith(".json"):
        return "application/json"
    if name.endswith(".csv"):
        return "text/csv; charset=utf-8"
    return "text/markdown; charset=utf-8"


def _zip(contents: dict[str, bytes], generated_at: datetime) -> bytes:
    """Entries in a fixed order with a fixed time and mode: nothing of the machine or the moment leaks in."""
    moment = generated_at.astimezone(UTC)
    # ZIP stores local-time fields from 1980 to 2107 with two-second steps; the export's own time, in UTC.
    year = min(max(moment.year, 1980), 2107)
    stamp = (year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in FILES:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is built, so the bytes do not depend on the platform
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name], compresslevel=6)
    return buffer.getvalue()


def _unpack(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_ENTRY_BYTES:
        raise ValueError(f"{name} is larger than an export file can be")
    try:
        with archive.open(info) as handle:
            content = handle.read(MAX_ENTRY_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{name} is damaged: {exc}") from exc
    if len(content) > MAX_ENTRY_BYTES:
        raise ValueError(f"{name} is larger than an export file can be")
    return content


# --------------------------------------------------------------------------- the README

# The README's sentences, Chinese and English side by side.

_TITLE = Msg("您的个人信息副本", "Your copy of your personal information")
_ABOUT = Msg(
    "这是{operator}应您的请求生成的个人信息副本。它包含我们保存的您本人的全部个人信息，以及与之相关的记录。",
    "{operator} made this copy of your personal information at your request. It holds all the personal "
    "information we keep about you, and the records that go with it.",
)
_FACTS = (
    Msg("用户标识", "Your user id"),
    Msg("生成时间（UTC）", "Generated (UTC)"),
    Msg("隐私政策版本", "Privacy policy version"),
)
_FILES_TITLE = Msg("文件", "Files")
_FILES_NOTE = Msg(
    "JSON 文件便于程序读取和转移给其他个人信息处理者；CSV 文件便于用 Excel、WPS 等表格软件查看，内容与对应的 JSON 文件相同。",
    "The JSON files are for programs, and for moving your information to another processor; the CSV files hold "
    "the same records for spreadsheet programs such as Excel or WPS.",
)
_COLUMNS_TITLE = Msg("各文件的列", "Columns of each file")
_COLUMN_HEADERS = (Msg("列", "Column"), Msg("含义", "Meaning"))
_CSV_TITLE = Msg("如何打开 CSV 文件", "Opening the CSV files")
_CSV_TEXT = (
    Msg(
        "CSV 文件使用带 BOM 的 UTF-8 编码，用 Excel 或 WPS 双击即可正确显示中文。",
        "The CSV files are UTF-8 with a byte-order mark, so Excel and WPS show Chinese correctly when you "
        "double-click them.",
    ),
    Msg(
        "如果显示乱码，请在 Excel 中选择“数据 → 自文本/CSV”，文件原始格式选择“65001: Unicode (UTF-8)”。",
        'If the text looks garbled, use Data → From Text/CSV in Excel and choose "65001: Unicode (UTF-8)" as the '
        "file origin.",
    ),
    Msg(
        "身份证号码、银行卡号等较长的数字可能被表格软件显示为科学计数法；导入时将该列设为“文本”，或查看对应的 JSON 文件。",
        "Spreadsheets may show long numbers such as ID or bank card numbers in scientific notation; import that "
        "column as text, or read the JSON file.",
    ),
    Msg(
        "以 =、+、-、@ 开头的内容前加了一个单引号（'），以免表格软件把它当作公式执行；JSON 文件中是原样的内容。",
        "A value starting with =, +, - or @ has a single quote (') put in front, so that a spreadsheet does not "
        "run it as a formula; the JSON files hold it exactly as it is.",
    ),
    Msg(
        "一列中有多个值时（如 purposes），以分号（;）分隔。时间均为 UTC（北京时间减 8 小时），格式为 ISO 8601。",
        "Where a column holds several values (purposes, for example) they are separated by semicolons (;). Times "
        "are UTC (Beijing time minus 8 hours), in ISO 8601.",
    ),
)
_DERIVED_TITLE = Msg("推断得出的信息", "Derived information")
_DERIVED_TEXT = Msg(
    "推断得出的信息是我们根据您的其他信息分析得出的（例如兴趣标签），而不是您提供的或在您使用服务时直接记录的。"
    '您有权查阅和复制它，所以它在 pi.json 中，标注为 "portable": false；'
    "但它不属于可以转移给其他个人信息处理者的个人信息，所以不在用于转移的 pi.csv 中。",
    "Derived information is what we infer from your other information (interest tags, for example), rather than "
    "what you gave us or what was recorded as you used the service. You have the right to see and copy it, so it "
    'is in pi.json, marked "portable": false; it is not information you can move to another processor, so it '
    "is not in pi.csv, the file meant for moving.",
)
_DERIVED_FIELDS = Msg("本隐私政策中推断得出的信息：", "In this privacy policy, derived information is:")
_DERIVED_NONE = Msg("本隐私政策中没有推断得出的信息。", "This privacy policy declares no derived information.")
_OTHERS_TITLE = Msg("他人的个人信息", "Other people's information")
_OTHERS_TEXT = Msg(
    "本副本只包含您本人的个人信息。其他人的个人信息（例如处理您请求的工作人员的身份）不包含在内，以保护他们的权益；"
    "provisions 文件中的 actor 一列只写明执行提供的系统或角色。",
    "This copy holds only your own personal information. Other people's personal information (such as who on our "
    "staff handled your requests) is left out, to protect them; the actor column of the provisions files names "
    "only the system or role that provided your information.",
)
_VERIFY_TITLE = Msg("核对文件是否完整", "Checking the files")
_VERIFY_TEXT = Msg(
    "manifest.json 列出了每个文件的 SHA-256 校验值和各列的说明。您可以用 `sha256sum 文件名`（Linux、macOS 用 "
    "`shasum -a 256`）或 `certutil -hashfile 文件名 SHA256`（Windows）计算校验值并与之核对；不一致说明文件已被改动或损坏。",
    "manifest.json lists the SHA-256 of every file, and describes every column. Compute a file's hash with "
    "`sha256sum FILE` (`shasum -a 256` on macOS) or `certutil -hashfile FILE SHA256` (Windows) and compare; a "
    "difference means the file was changed or damaged.",
)
_GLOSSARY_TITLE = Msg("词汇表", "Glossary")
_GLOSSARY_FIELDS = Msg("个人信息项（field）", "Information (field)")
_GLOSSARY_PURPOSES = Msg("处理目的（purposes、purpose）", "Purposes (purposes, purpose)")
_GLOSSARY_RECIPIENTS = Msg("接收方（recipient）", "Recipients (recipient)")
_GLOSSARY_WORDS = Msg(
    "类别、敏感程度、合法性基础和接收方类型", "Categories, sensitivity, legal bases and recipient kinds"
)
_GLOSSARY_HEADERS = (Msg("标识", "Id"), Msg("中文", "Chinese"), Msg("英文", "English"))
_OPERATOR_FALLBACK = Msg("我们", "We")
_MANIFEST_LINE = Msg("校验值和各列的说明", "Checksums and a description of every column")
_RECORDS = Msg("（{count} 条）", " ({count} records)")
_ONE_RECORD = Msg("（1 条）", " (1 record)")


def _md(text: str) -> str:
    """Spec text made safe inside a Markdown table cell: it can neither end the cell nor the line."""
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")


def _readme(bundle: ExportBundle, generated: str, counts: dict[str, int]) -> str:
    """The README, Chinese first and then English, written from the bundle's metadata only (never its values)."""
    sections = [_readme_in(bundle, generated, counts, lang) for lang in ("zh-CN", "en")]
    sections.append(_glossary(bundle.spec))
    return "\n".join(sections)


def _readme_in(bundle: ExportBundle, generated: str, counts: dict[str, int], lang: str) -> str:
    spec = bundle.spec
    operator = spec.operator.name.get(lang) if spec.operator.name is not None else _OPERATOR_FALLBACK.get(lang)
    lines = [f"# {_TITLE.get(lang)}", "", _ABOUT.get(lang).format(operator=_md(operator)), ""]
    for label, value in zip(_FACTS, (bundle.subject_id, generated, bundle.policy_version), strict=True):
        lines.append(f"- {label.get(lang)}{L.COLON.get(lang)}`{value}`")
    lines += ["", f"## {_FILES_TITLE.get(lang)}", ""]
    for file in (_README, *_DATA_FILES):
        line = f"- `{file.name}`{L.COLON.get(lang)}{file.description.get(lang)}"
        if file.name in counts:
            count = counts[file.name]
            line += _ONE_RECORD.get(lang) if count == 1 else _RECORDS.get(lang).format(count=count)
        lines.append(line)
    lines.append(f"- `{MANIFEST}`{L.COLON.get(lang)}{_MANIFEST_LINE.get(lang)}")
    lines += ["", _FILES_NOTE.get(lang), "", f"## {_COLUMNS_TITLE.get(lang)}", ""]
    for file in (_PI_JSON, _CONSENTS_JSON, _ACCESS_JSON, _PROVISIONS_JSON, _REQUESTS_JSON):
        names = f"`{file.name}`"
        if file is _PI_JSON:
            names += f", `{_PI_CSV.name}`"
        elif file is not _REQUESTS_JSON:
            names += f", `{file.name.removesuffix('.json')}.csv`"
        lines += [
            f"### {names}",
            "",
            f"| {_COLUMN_HEADERS[0].get(lang)} | {_COLUMN_HEADERS[1].get(lang)} |",
            "| --- | --- |",
        ]
        lines += [f"| `{c.name}` | {c.description.get(lang)} |" for c in file.columns]
        lines.append("")
    lines += [f"## {_CSV_TITLE.get(lang)}", ""]
    lines += [f"- {msg.get(lang)}" for msg in _CSV_TEXT]
    lines += ["", f"## {_DERIVED_TITLE.get(lang)}", "", _DERIVED_TEXT.get(lang), ""]
    derived = [f for f in spec.fields.items() if f[1].derived]
    if derived:
        lines += [_DERIVED_FIELDS.get(lang), ""]
        lines += [f"- `{fid}`{L.COLON.get(lang)}{_md(f.label.get(lang))}" for fid, f in derived]
    else:
        lines.append(_DERIVED_NONE.get(lang))
    lines += ["", f"## {_OTHERS_TITLE.get(lang)}", "", _OTHERS_TEXT.get(lang), ""]
    lines += [f"## {_VERIFY_TITLE.get(lang)}", "", _VERIFY_TEXT.get(lang), ""]
    return "\n".join(lines)


def _glossary(spec: PolicySpec) -> str:
    """The ids the files use, with their words in both languages, once for both halves of the README."""
    title = f"## {_GLOSSARY_TITLE.zh} / {_GLOSSARY_TITLE.en}"
    header = " | ".join(f"{h.zh} / {h.en}" for h in _GLOSSARY_HEADERS)
    lines = [title, ""]

    def table(caption: Msg, rows: Iterable[tuple[str, str, str]]) -> None:
        lines.extend([f"### {caption.zh} / {caption.en}", "", f"| {header} |", "| --- | --- | --- |"])
        lines.extend(f"| `{key}` | {_md(zh)} | {_md(en)} |" for key, zh, en in rows)
        lines.append("")

    table(_GLOSSARY_FIELDS, ((fid, f.label.zh_CN, f.label.get("en")) for fid, f in spec.fields.items()))
    table(_GLOSSARY_PURPOSES, ((pid, p.label.zh_CN, p.label.get("en")) for pid, p in spec.purposes.items()))
    if spec.recipients:
        table(_GLOSSARY_RECIPIENTS, ((rid, r.name.zh_CN, r.name.get("en")) for rid, r in spec.recipients.items()))
    words: list[tuple[str, str, str]] = []
    for vocabulary in (Category, Sensitivity, LegalBasis, RecipientKind):
        for member in vocabulary:
            msg = L.ENUM_LABELS[vocabulary][member]
            words.append((member.value, msg.zh, msg.en))
    table(_GLOSSARY_WORDS, words)
    return "\n".join(lines)
