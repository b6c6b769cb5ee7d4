"""Where the operator stands against the law, requirement by requirement: the report of ``yinsi check``.

Each finding names a numbered requirement of the project's checklist
(``CON-01`` …, see docs/spec.md), the requirement in one line, the clause of
law or standard behind it, a status (pass, warn, fail, not applicable) and the
evidence: the spec line, or what was found in the store. A requirement that a
spec can violate is checked from the spec here, as pure code over the checks
of ``check``; what only the running system can show is checked by
``services.compliance`` and added to the same report.

The report is plain data (``ComplianceReport.to_dict``) so that the console
can show the same thing the command prints; ``to_sarif`` gives SARIF 2.1.0
for code-scanning tools, and ``to_text`` the terminal's lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from yinsi.core.i18n import Msg
from yinsi.core.policy.check import STATUTORY_RIGHTS
from yinsi.core.policy.load import LoadResult
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.problems import Problem, Severity
from yinsi.core.policy.vocabulary import (
    AppType,
    ContactKind,
    MinorsRule,
    RecipientKind,
    Right,
    Sensitivity,
)


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a status, not a password
    WARN = "warn"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    title: Msg
    source: str


def _req(rid: str, zh: str, en: str, source: str) -> Requirement:
    return Requirement(rid, Msg(zh, en), source)


REQUIREMENTS: dict[str, Requirement] = {
    r.id: r
    for r in (
        _req(
            "CON-01",
            "每项处理都有个人信息保护法第十三条的合法性基础",
            "Every processing has a PIPL Art. 13 legal basis",
            "PIPL Art. 13",
        ),
        _req(
            "CON-02",
            "同意须在充分知情的前提下自愿、明确作出",
            "Consent is informed, voluntary and explicit",
            "PIPL Art. 14; 认定方法 §3.4",
        ),
        _req("CON-04", "敏感个人信息的处理须取得单独同意", "Sensitive PI needs a separate consent", "PIPL Art. 26, 29"),
        _req("CON-06", "提供便捷的撤回同意的方式", "An easy way to withdraw consent", "PIPL Art. 15; 认定方法 §3.8"),
        _req(
            "CON-07",
            "不得因拒绝非必要处理而拒绝提供服务",
            "No 'consent or no service' for non-necessary PI",
            "PIPL Art. 16",
        ),
        _req(
            "CON-09",
            "不满十四周岁未成年人的个人信息须取得监护人同意",
            "Guardian consent for children under 14",
            "PIPL Art. 31",
        ),
        _req(
            "CON-11",
            "个性化推荐提供便捷的拒绝方式",
            "Personalisation can be switched off easily",
            "PIPL Art. 24(2); 算法推荐规定 Art. 17",
        ),
        _req(
            "CON-12",
            "自动化决策：说明并可拒绝仅由自动化决策作出的决定",
            "Automated decisions: explanation and refusal",
            "PIPL Art. 24(3)",
        ),
        _req(
            "NOT-01",
            "告知处理者名称和联系方式、目的、方式、种类、保存期限和行使权利的方式",
            "The policy states who, how to reach them, purposes, retention and how to exercise rights",
            "PIPL Art. 17(1); 网数条例 Art. 21",
        ),
        _req(
            "NOT-02",
            "以清单形式逐项列明收集和提供的个人信息",
            "Collection and provision are itemised in lists",
            "网数条例 Art. 21(2); 认定方法 §2.1",
        ),
        _req(
            "NOT-03",
            "告知处理敏感个人信息的必要性和对个人权益的影响",
            "Necessity and impact of sensitive PI are stated",
            "PIPL Art. 30",
        ),
        _req("NOT-04", "未成年人个人信息有专门的处理规则", "Separate rules for minors' PI", "PIPL Art. 31(2)"),
        _req(
            "NOT-05",
            "规则变更的，将变更部分告知个人；注明生效日期",
            "Changes are told to people; the version is dated",
            "PIPL Art. 17(2); 认定方法 §2.2",
        ),
        _req(
            "NOT-09",
            "公布投诉、举报渠道",
            "A complaint and report channel is published",
            "PIPL Art. 52(2); CSL Art. 49",
        ),
        _req(
            "MIN-01",
            "每项个人信息都服务于一个声明的目的",
            "Every field serves a declared purpose",
            "PIPL Art. 6; 认定方法 §4.1",
        ),
        _req(
            "MIN-02",
            "常见类型 App 的必要个人信息范围",
            "The necessary PI of the common app types",
            "必要个人信息范围规定 (2021) Art. 4-5",
        ),
        _req(
            "SEC-06",
            "网络日志保存不少于六个月；审计记录防篡改",
            "Logs are kept at least six months; the audit trail is tamper-evident",
            "CSL Art. 21(3); PIPL Art. 51",
        ),
        _req("SEC-08", "说明个人信息的存储地点", "Where PI is stored is stated", "PIPL Art. 40; CSL Art. 37"),
        _req(
            "SHR-01",
            "向其他处理者提供个人信息须告知并取得单独同意",
            "Provision to another processor needs a separate consent",
            "PIPL Art. 23",
        ),
        _req(
            "SHR-02",
            "委托处理须以合同约定目的、期限、方式、种类和保护措施",
            "Entrusted processing is bound by a written agreement",
            "PIPL Art. 21",
        ),
        _req("SHR-06", "公开个人信息须取得单独同意", "Public disclosure needs a separate consent", "PIPL Art. 25"),
        _req(
            "SHR-07",
            "向境外提供个人信息须告知、取得单独同意并具备法定条件",
            "Transfer abroad: notice, separate consent and a legal mechanism",
            "PIPL Art. 38, 39",
        ),
        _req(
            "RGT-01",
            "说明每项权利及其行使方式",
            "Each right and how to exercise it is stated",
            "PIPL Art. 17(1)(3), 44-50",
        ),
        _req(
            "RGT-03",
            "在承诺且不超过十五个工作日的期限内答复请求",
            "Requests answered within a promised deadline of at most 15 working days",
            "认定方法 §6.3, §6.5",
        ),
        _req(
            "RGT-07", "删除：到期、撤回或请求后删除", "Deletion after expiry, withdrawal or a request", "PIPL Art. 47"
        ),
        _req("RGT-08", "提供注销账号的途径", "A way to cancel the account", "网数条例 Art. 23; 认定方法 §6.2"),
        _req("RET-01", "每项目的声明保存期限", "A retention period is declared for each purpose", "PIPL Art. 17, 19"),
        _req("RET-02", "保存期限届满自动删除或匿名化", "Retention is enforced automatically", "PIPL Art. 19, 47"),
        _req("RET-03", "保存期限不短于法定最短期限", "Retention is not shorter than a legal minimum", "PIPL Art. 19"),
        _req(
            "RET-06", "已要求接收方删除的，已通知其删除", "Recipients told to delete have been told", "PIPL Art. 21, 47"
        ),
        _req("INC-04", "说明安全事件的通知方式", "How people are told of an incident is stated", "PIPL Art. 57"),
        _req("GOV-01", "公开个人信息保护负责人的联系方式", "The PI protection officer is published", "PIPL Art. 52"),
        _req(
            "GOV-04",
            "高风险处理前进行个人信息保护影响评估",
            "A PI impact assessment before high-risk processing",
            "PIPL Art. 55-56",
        ),
        _req("GOV-09", "公示推荐算法的基本原理", "The recommendation algorithm is explained", "算法推荐规定 Art. 16"),
        _req(
            "SEC-01",
            "密钥与数据分离保存，备份及时，文件不被他人读取",
            "Keys are kept apart, backed up, and unreadable by others",
            "PIPL Art. 51(3); 网数条例 Art. 9",
        ),
        _req(
            "CON-03",
            "政策发生重大变更后重新征得同意",
            "People are asked again after a material change",
            "PIPL Art. 14(2)",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class ComplianceFinding:
    """One requirement's verdict with its evidence; ``line`` is the spec line the evidence points at."""

    requirement: Requirement
    status: Status
    evidence: Msg
    check: str
    line: int | None = None
    column: int | None = None


_ORDER = {s: i for i, s in enumerate((Status.FAIL, Status.WARN, Status.PASS, Status.NOT_APPLICABLE))}


@dataclass(frozen=True)
class ComplianceReport:
    """Every finding for one spec and, when a store was checked, for the running system."""

    file: str
    policy_id: str | None
    version: str | None
    findings: tuple[ComplianceFinding, ...]
    store_checked: bool = False

    @property
    def failed(self) -> bool:
        return any(f.status is Status.FAIL for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for f in self.findings if f.status is s) for s in Status}

    def sorted(self) -> list[ComplianceFinding]:
        """By requirement id (CON, NOT, MIN, …, in checklist order), then the worst status first."""
        ids = list(REQUIREMENTS)
        return sorted(
            self.findings,
            key=lambda f: (ids.index(f.requirement.id) if f.requirement.id in ids else 99, _ORDER[f.status]),
        )

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (JSON-ready), both languages, for the console and ``--format json``."""
        return {
            "file": self.file,
            "policy": {"id": self.policy_id, "version": self.version},
            "store_checked": self.store_checked,
            "counts": self.counts(),
            "findings": [
                {
                    "requirement": f.requirement.id,
                    "title": {"zh-CN": f.requirement.title.zh, "en": f.requirement.title.en},
                    "source": f.requirement.source,
                    "status": f.status.value,
                    "check": f.check,
                    "evidence": {"zh-CN": f.evidence.zh, "en": f.evidence.en},
                    "line": f.line,
                }
                for f in self.sorted()
            ],
        }

    def to_text(self, lang: str) -> list[str]:
        zh = lang != "en"
        names = {
            Status.PASS: ("通过", "pass"),
            Status.WARN: ("警告", "warn"),
            Status.FAIL: ("不符合", "FAIL"),
            Status.NOT_APPLICABLE: ("不适用", "n/a"),
        }
        lines = []
        for f in self.sorted():
            where = f" [{self.file}:{f.line}]" if f.line is not None else ""
            lines.append(
                f"{f.requirement.id} {names[f.status][0 if zh else 1]}: {f.requirement.title.get(lang)} "
                f"({f.requirement.source}){where}"
            )
            lines.append(f"    {' '.join(f.evidence.get(lang).split())}")
        c = self.counts()
        lines.append(
            f"{c['fail']} 项不符合，{c['warn']} 项警告，{c['pass']} 项通过，{c['not_applicable']} 项不适用"
            if zh
            else f"{c['fail']} failed, {c['warn']} warnings, {c['pass']} passed, {c['not_applicable']} not applicable"
        )
        return lines

    def to_sarif(self) -> dict[str, Any]:
        """SARIF 2.1.0: one rule per requirement, one result per finding that is not a pass."""
        used = sorted({f.requirement.id for f in self.findings})
        level = {Status.FAIL: "error", Status.WARN: "warning"}
        results = []
        for f in self.sorted():
            if f.status not in level:
                continue
            result: dict[str, Any] = {
                "ruleId": f.requirement.id,
                "level": level[f.status],
                "message": {"text": " ".join(f.evidence.en.split())},
                "properties": {"check": f.check, "message_zh": f.evidence.zh},
            }
            if f.line is not None:
                result["locations"] = [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": self.file},
                            "region": {"startLine": f.line, "startColumn": f.column or 1},
                        }
                    }
                ]
            results.append(result)
        return {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "yinsi check",
                            "informationUri": "https://yinsi.invalid/docs/spec.md",
                            "rules": [
                                {
                                    "id": rid,
                                    "shortDescription": {"text": REQUIREMENTS[rid].title.en},
                                    "fullDescription": {
                                        "text": f"{REQUIREMENTS[rid].title.zh} ({REQUIREMENTS[rid].source})"
                                    },
                                }
                                for rid in used
                            ],
                        }
                    },
                    "results": results,
                }
            ],
        }


# --------------------------------------------------------------------------- spec checks

# Which requirement each problem of ``check`` bears on, and how bad it is there. A problem code not named here
# (no_english, for one) is no legal requirement.
_CODES: dict[str, tuple[str, Status]] = {
    "sensitive_without_separate_consent": ("CON-04", Status.FAIL),
    "separate_consent_contradicts_law": ("CON-04", Status.FAIL),
    "provision_without_separate_consent": ("SHR-01", Status.FAIL),
    "recipient_abroad_without_consent": ("SHR-07", Status.FAIL),
    "cross_border_without_consent": ("SHR-07", Status.FAIL),
    "no_cross_border_rule": ("SHR-07", Status.WARN),
    "disclosure_on_by_default": ("SHR-06", Status.FAIL),
    "disclosure_without_separate_consent": ("SHR-06", Status.FAIL),
    "disclosure_contradicts_consent": ("SHR-06", Status.WARN),
    "disclosure_opt_out_not_direct": ("CON-06", Status.WARN),
    "open_list": ("NOT-02", Status.WARN),
    "sensitive_without_necessity": ("NOT-03", Status.FAIL),
    "right_not_offered": ("RGT-01", Status.WARN),
    "no_request_deadline": ("RGT-03", Status.WARN),
    "request_deadline_too_long": ("RGT-03", Status.FAIL),
    "complaint_deadline_too_long": ("RGT-03", Status.FAIL),
    "cancellation_deadline_too_long": ("RGT-03", Status.FAIL),
    "no_operator_name": ("NOT-01", Status.FAIL),
    "contact_without_value": ("NOT-09", Status.WARN),
    "no_dpo": ("GOV-01", Status.WARN),
    "no_complaint_channel": ("NOT-09", Status.FAIL),
    "no_retention": ("RET-01", Status.FAIL),
    "retention_not_concrete": ("RET-01", Status.WARN),
    "retention_below_legal_minimum": ("RET-03", Status.FAIL),
    "additional_without_consent": ("CON-07", Status.WARN),
    "access_logs_too_short": ("SEC-06", Status.FAIL),
    "access_logs_period_unstated": ("SEC-06", Status.WARN),
    "personalisation_without_opt_out": ("CON-11", Status.FAIL),
    "no_algorithm_disclosure": ("GOV-09", Status.WARN),
    "no_incident_channels": ("INC-04", Status.WARN),
    "high_risk_assessment": ("GOV-04", Status.WARN),
    "no_effective_date": ("NOT-05", Status.WARN),
    "dates_out_of_order": ("NOT-05", Status.WARN),
    "change_without_notice": ("NOT-05", Status.FAIL),
    "consent_bundled": ("CON-02", Status.FAIL),
    "no_minors_rule": ("NOT-04", Status.WARN),
    "exception_beyond_law": ("CON-01", Status.WARN),
    "entrustment_without_agreement": ("SHR-02", Status.WARN),
    "basic_function_needs_no_pi": ("MIN-02", Status.FAIL),
    "no_storage_region": ("SEC-08", Status.WARN),
    "permission_unused": ("MIN-01", Status.WARN),
}

# Requirements a spec shows: what "pass" means for each, and when one does not apply.
_PASS: dict[str, Msg] = {
    "CON-01": Msg("每个目的都声明了合法性基础。", "Every purpose declares a legal basis."),
    "CON-02": Msg("政策没有把同意与服务协议捆绑。", "Consent is not bundled with the terms of service."),
    "CON-04": Msg(
        "依法需要单独同意的目的都声明会征求单独同意。", "Every purpose that needs a separate consent by law asks it."
    ),
    "CON-06": Msg("政策说明了如何撤回同意。", "The policy says how to withdraw consent."),
    "CON-07": Msg("附加功能都以同意为基础，可以拒绝。", "Additional functions rest on consent and can be refused."),
    "CON-11": Msg("个性化推荐可以关闭。", "Personalisation can be switched off."),
    "CON-12": Msg("政策说明了自动化决策相关的权利。", "The policy offers the automated-decision right."),
    "NOT-01": Msg(
        "政策写明了处理者、联系方式和权利的行使方式。",
        "The policy names the processor, a contact and how to exercise rights.",
    ),
    "NOT-02": Msg("没有未列全的清单。", "No list is left open."),
    "NOT-03": Msg("每项敏感个人信息都说明了必要性和影响。", "Each sensitive field states its necessity and impact."),
    "NOT-04": Msg("政策有未成年人个人信息的规则。", "The policy has rules for minors' PI."),
    "NOT-05": Msg(
        "政策写明了生效日期，没有“不经通知变更”的条款。",
        "The policy is dated and does not claim to change without notice.",
    ),
    "NOT-09": Msg("政策公布了投诉、举报渠道。", "The policy publishes a complaint channel."),
    "MIN-01": Msg("每项个人信息都由一个声明的目的收集。", "Every field is collected by a declared purpose."),
    "MIN-02": Msg("基本功能符合该类型 App 的必要个人信息范围。", "Basic functions fit the app type's necessary PI."),
    "SEC-06": Msg("网络日志保存期限不少于六个月。", "Network logs are kept at least six months."),
    "SEC-08": Msg("政策说明了存储地点。", "The policy says where PI is stored."),
    "SHR-01": Msg(
        "向其他处理者提供都声明会征求单独同意。", "Every provision to another processor asks a separate consent."
    ),
    "SHR-02": Msg("每个受托方都有书面协议。", "Every processor is bound by a written agreement."),
    "SHR-06": Msg(
        "公开个人信息都取得单独同意且默认不公开。",
        "Every public disclosure asks a separate consent and is off by default.",
    ),
    "SHR-07": Msg("政策不允许未经单独同意的出境。", "The policy allows no transfer abroad without a separate consent."),
    "RGT-01": Msg(
        "政策说明了每项法定权利及其行使方式。", "The policy states every statutory right and how to exercise it."
    ),
    "RGT-03": Msg("政策承诺在十五个工作日内答复。", "The policy promises answers within 15 working days."),
    "RGT-08": Msg("政策提供注销账号的途径。", "The policy offers a way to cancel the account."),
    "RET-01": Msg("每个目的都声明了保存期限。", "Every purpose declares a retention."),
    "RET-03": Msg("保存期限不短于声明的法定最短期限。", "No retention is shorter than its legal minimum."),
    "INC-04": Msg("政策说明了安全事件的通知方式。", "The policy says how incidents are notified."),
    "GOV-01": Msg("政策公布了个人信息保护负责人。", "The policy publishes a PI protection officer."),
    "GOV-04": Msg("影响评估没有显示高风险。", "No impact assessment shows high risk."),
    "GOV-09": Msg("推荐算法的原理已公示。", "The recommendation algorithm is explained."),
}

_NOT_APPLICABLE: dict[str, Callable[[PolicySpec], Msg | None]] = {
    "CON-11": lambda s: (
        None
        if any(p.personalisation for p in s.purposes.values())
        else Msg("没有个性化推荐。", "No purpose personalises.")
    ),
    "GOV-09": lambda s: (
        None
        if any(p.personalisation for p in s.purposes.values())
        else Msg("没有个性化推荐。", "No purpose personalises.")
    ),
    "CON-12": lambda s: (
        None
        if any(p.automated_decision for p in s.purposes.values())
        else Msg("没有自动化决策。", "No purpose makes automated decisions.")
    ),
    "NOT-03": lambda s: (
        None
        if any(f.sensitivity is Sensitivity.SENSITIVE for f in s.fields.values())
        else Msg("没有敏感个人信息。", "No sensitive field.")
    ),
    "MIN-02": lambda s: (
        None
        if s.policy.app_type not in (None, AppType.OTHER)
        else Msg(
            "规范没有说明 App 类型（policy.app_type）。", "The spec does not state the app type (policy.app_type)."
        )
    ),
    "SHR-01": lambda s: (
        None
        if any(r.kind in (RecipientKind.AFFILIATE, RecipientKind.PARTNER) for r in s.recipients.values())
        else Msg("没有向其他处理者提供。", "No provision to another processor.")
    ),
    "SHR-02": lambda s: (
        None
        if any(r.kind in (RecipientKind.PROCESSOR, RecipientKind.SDK) for r in s.recipients.values())
        else Msg("没有受托方。", "No processor.")
    ),
    "SHR-06": lambda s: (
        None
        if s.public_disclosures or s.sharing.public_disclosure_with_consent
        else Msg("政策不公开个人信息。", "The policy makes no PI public.")
    ),
    "SEC-06": lambda s: (
        None
        if s.access_logs is not None and s.access_logs.kept
        else Msg("政策没有说明保存网络日志。", "The policy keeps no network logs.")
    ),
}


def _finding(rid: str, status: Status, evidence: Msg, check: str, problem: Problem | None = None) -> ComplianceFinding:
    return ComplianceFinding(
        REQUIREMENTS[rid],
        status,
        evidence,
        check,
        problem.line if problem is not None else None,
        problem.column if problem is not None else None,
    )


def check_spec_compliance(result: LoadResult) -> list[ComplianceFinding]:
    """The spec's findings: each problem of ``check`` under its requirement, a pass where none was found."""
    if result.spec is None:
        first = result.errors[0] if result.errors else None
        text = first.message if first is not None else Msg("规范无法读取。", "The spec cannot be read.")
        return [_finding("NOT-01", Status.FAIL, text, "spec:invalid", first)]
    spec = result.spec
    findings: list[ComplianceFinding] = []
    for problem in result.problems:
        mapped = _CODES.get(problem.code)
        if mapped is None:
            continue
        rid, status = mapped
        if problem.severity is Severity.ERROR:
            status = Status.FAIL
        findings.append(_finding(rid, status, problem.message, f"spec:{problem.code}", problem))
    findings += _derived(spec, result)
    reported = {f.requirement.id for f in findings}
    for rid, passed in _PASS.items():
        if rid in reported:
            continue
        applies = _NOT_APPLICABLE.get(rid)
        not_applicable = applies(spec) if applies is not None else None
        if not_applicable is not None:
            findings.append(_finding(rid, Status.NOT_APPLICABLE, not_applicable, "spec"))
        else:
            findings.append(_finding(rid, Status.PASS, passed, "spec"))
    return findings


def _line_of(result: LoadResult, code: str) -> Problem | None:
    return next((p for p in result.problems if p.code == code), None)


def _derived(spec: PolicySpec, result: LoadResult) -> Iterable[ComplianceFinding]:
    """The 认定方法 items a spec shows that no single warning of ``check`` stands for."""
    offered = [r for r in STATUTORY_RIGHTS if (d := spec.rights.get(r)) is not None and d.offered == "yes"]
    if not offered:
        yield _finding(
            "NOT-01",
            Status.FAIL,
            Msg(
                "政策没有说明任何一项权利及其行使方式：缺少“您的权利”一章（个人信息保护法第十七条第一款第三项）。",
                "The policy states no right and no way to exercise one: the chapter on your rights is missing "
                "(PIPL Art. 17(1)(3)).",
            ),
            "spec:no_rights",
            _line_of(result, "right_not_offered"),
        )
    reachable = any(c.value for c in spec.contact.channels if c.kind is not ContactKind.ONLINE_SERVICE) or (
        spec.contact.dpo is not None and spec.contact.dpo.contact is not None
    )
    if not reachable:
        yield _finding(
            "NOT-01",
            Status.FAIL,
            Msg(
                "政策没有给出任何可用的联系方式（电话、邮箱、地址或表单）（个人信息保护法第十七条）。",
                "The policy gives no usable contact (phone, e-mail, address or form) (PIPL Art. 17).",
            ),
            "spec:no_contact",
        )
    withdraw = spec.rights.get(Right.WITHDRAW)
    if (withdraw is None or withdraw.offered != "yes") and spec.consent.how_to_withdraw is None:
        yield _finding(
            "CON-06",
            Status.FAIL,
            Msg(
                "政策没有说明如何撤回同意（认定方法 §3.8）。",
                "The policy gives no way to withdraw consent (认定方法 §3.8).",
            ),
            "spec:no_withdrawal",
        )
    cancel = spec.rights.get(Right.CANCEL_ACCOUNT)
    if cancel is None or cancel.offered != "yes":
        yield _finding(
            "RGT-08",
            Status.FAIL,
            Msg(
                "政策没有提供注销账号的途径（网络数据安全管理条例第二十三条，认定方法 §6.2）。",
                "The policy offers no way to cancel the account (网数条例 Art. 23, 认定方法 §6.2).",
            ),
            "spec:no_cancellation",
        )
    minors = spec.minors
    if minors is None:
        yield _finding(
            "CON-09",
            Status.WARN,
            Msg("政策没有说明如何处理儿童的个人信息。", "The policy does not say how children's PI is handled."),
            "spec:no_minors_rule",
        )
    elif minors.rule is MinorsRule.ADULTS_ONLY:
        yield _finding(
            "CON-09", Status.NOT_APPLICABLE, Msg("政策只面向成年人。", "The policy is for adults only."), "spec"
        )
    else:
        yield _finding(
            "CON-09",
            Status.PASS,
            Msg(
                f"未满 {minors.guardian_consent_under} 周岁须取得监护人同意。",
                f"Under {minors.guardian_consent_under}, a guardian's consent is required.",
            ),
            "spec",
        )


def compliance_report(
    result: LoadResult, store: Iterable[ComplianceFinding] = (), *, store_checked: bool = False
) -> ComplianceReport:
    """The report of one spec, with the store's findings when a store was checked."""
    spec = result.spec
    return ComplianceReport(
        result.file,
        spec.policy.id if spec is not None else None,
        spec.policy.version if spec is not None else None,
        (*check_spec_compliance(result), *store),
        store_checked,
    )


__all__ = [
    "REQUIREMENTS",
    "ComplianceFinding",
    "ComplianceReport",
    "Requirement",
    "Status",
    "check_spec_compliance",
    "compliance_report",
]
