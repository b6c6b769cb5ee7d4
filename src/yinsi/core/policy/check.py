"""Checks a structurally valid spec for broken references (errors) and compliance concerns (warnings).

Errors make the spec unusable: the running system could not decide anything
from a purpose that collects an undeclared field. Warnings are what a privacy
officer should look at before publishing: each one names the article of law
or standard behind it. The seed policies carry warnings on purpose: they
encode what the real policies say, gaps included.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from yinsi.core.i18n import Msg
from yinsi.core.policy import labels as L
from yinsi.core.policy import law
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.problems import Finding, Severity
from yinsi.core.policy.types import Duration, DurationUnit, LocalText
from yinsi.core.policy.vocabulary import (
    NO_PI_APP_TYPES,
    ContactUse,
    CrossBorderRule,
    FunctionKind,
    LegalBasis,
    NoConsentCase,
    RecipientKind,
    RetentionEnd,
    Right,
    Risk,
    Sensitivity,
)

FIFTEEN_WORKING_DAYS = Duration(15, DurationUnit.WORKING_DAYS)
SIX_MONTHS = Duration(6, DurationUnit.MONTHS)

RIGHT_NAMES: dict[Right, Msg] = {
    Right.ACCESS: Msg("查阅权", "the right of access"),
    Right.COPY: Msg("复制权", "the right to a copy"),
    Right.PORTABILITY: Msg("转移权", "the right to portability"),
    Right.CORRECT: Msg("更正、补充权", "the right to correction"),
    Right.DELETE: Msg("删除权", "the right to deletion"),
    Right.WITHDRAW: Msg("撤回同意权", "the right to withdraw consent"),
    Right.EXPLAIN: Msg("要求解释说明权", "the right to an explanation of the processing rules"),
    Right.RESTRICT: Msg("限制或拒绝处理权", "the right to restrict or refuse processing"),
    Right.CANCEL_ACCOUNT: Msg("注销账户权", "the right to cancel the account"),
    Right.NEXT_OF_KIN: Msg("近亲属对逝者个人信息的权利", "the rights of a deceased user's next of kin"),
    Right.COMPLAIN: Msg("投诉举报权", "the right to complain"),
    Right.AUTOMATED_DECISION: Msg(
        "要求说明自动化决策并拒绝仅通过自动化决策作出决定的权利",
        "the right to an explanation of automated decisions and to refuse decisions made only by automated means",
    ),
}

# Leaving a membership is no statutory right; the automated-decision right is warned about only where a purpose
# makes automated decisions.
STATUTORY_RIGHTS = tuple(r for r in Right if r not in (Right.LEAVE_MEMBERSHIP, Right.AUTOMATED_DECISION))

RIGHT_LAW: dict[Right, str] = {
    Right.ACCESS: "PIPL Art. 45",
    Right.COPY: "PIPL Art. 45",
    Right.PORTABILITY: "PIPL Art. 45(3)",
    Right.CORRECT: "PIPL Art. 46",
    Right.DELETE: "PIPL Art. 47",
    Right.WITHDRAW: "PIPL Art. 15",
    Right.EXPLAIN: "PIPL Art. 48",
    Right.RESTRICT: "PIPL Art. 44",
    Right.CANCEL_ACCOUNT: "网络数据安全管理条例 Art. 23",
    Right.NEXT_OF_KIN: "PIPL Art. 49",
    Right.COMPLAIN: "PIPL Art. 50, 网络安全法 Art. 49",
    Right.AUTOMATED_DECISION: "PIPL Art. 24",
}


def check_spec(spec: PolicySpec) -> list[Finding]:
    """Every reference problem (error) and compliance concern (warning) in ``spec``."""
    return [
        *_references(spec),
        *_lookups(spec),
        *_sensitive(spec),
        *_separate_consent(spec),
        *_cross_border(spec),
        *_recipients(spec),
        *_disclosures(spec),
        *_open_lists(spec),
        *_rights(spec),
        *_contact(spec),
        *_retention(spec),
        *_personalisation(spec),
        *_lifecycle(spec),
        *_statistics(spec),
        *_english(spec),
    ]


def _error(path: tuple[str | int, ...], code: str, zh: str, en: str, at_key: bool = False) -> Finding:
    return Finding(path, Severity.ERROR, code, Msg(zh, en), at_key)


def _warn(path: tuple[str | int, ...], code: str, zh: str, en: str, at_key: bool = False) -> Finding:
    return Finding(path, Severity.WARNING, code, Msg(zh, en), at_key)


# --------------------------------------------------------------------------- references (errors)


def _references(spec: PolicySpec) -> Iterator[Finding]:
    """Every id the spec refers to is declared, and every declared field and permission is used."""
    yield from _purpose_references(spec)
    yield from _deadlines(spec)
    yield from _unused(spec)
    yield from _role_references(spec)
    yield from _alternatives(spec)
    yield from _recipient_references(spec)


def _purpose_references(spec: PolicySpec) -> Iterator[Finding]:
    for pid, purpose in spec.purposes.items():
        for i, fid in enumerate(purpose.fields):
            if fid not in spec.fields:
                yield _error(
                    ("purposes", pid, "fields", i),
                    "field_not_declared",
                    f"目的 '{pid}' 收集字段 '{fid}'，但 fields 中没有声明这个字段。",
                    f"Purpose '{pid}' collects '{fid}', which is not declared under fields.",
                )
        for i, perm in enumerate(purpose.permissions):
            if perm not in spec.permissions:
                yield _error(
                    ("purposes", pid, "permissions", i),
                    "permission_not_declared",
                    f"目的 '{pid}' 依赖权限 '{perm}'，但 permissions 中没有声明它。",
                    f"Purpose '{pid}' relies on permission '{perm}', which is not declared under permissions.",
                )
        for i, cookie in enumerate(purpose.cookies):
            if cookie not in spec.cookies:
                yield _error(
                    ("purposes", pid, "cookies", i),
                    "cookie_not_declared",
                    f"目的 '{pid}' 使用 Cookie '{cookie}'，但 cookies 中没有声明它。",
                    f"Purpose '{pid}' uses cookie '{cookie}', which is not declared under cookies.",
                )
        if purpose.separate_consent and purpose.legal_basis is not LegalBasis.CONSENT:
            yield _error(
                ("purposes", pid, "separate_consent"),
                "separate_consent_without_consent_basis",
                f"目的 '{pid}' 要求单独同意，但其合法性基础不是同意：单独同意只对基于同意的处理有意义，"
                "请把 legal_basis 改为 consent，或删去 separate_consent。",
                f"Purpose '{pid}' asks for a separate consent but its legal basis is not consent: a separate "
                "consent only applies to processing based on consent; set legal_basis: consent or drop it.",
            )
        if purpose.retention.period is not None and purpose.retention.period.unit is DurationUnit.WORKING_DAYS:
            yield _error(
                ("purposes", pid, "retention", "period"),
                "retention_in_working_days",
                "保存期限应按自然日、月或年计算；工作日只用于答复期限。",
                "A retention is a calendar period (days, months, years); working days are for deadlines.",
            )


def _unused(spec: PolicySpec) -> Iterator[Finding]:
    collected = {fid for purpose in spec.purposes.values() for fid in purpose.fields}
    for fid in spec.fields:
        if fid not in collected:
            yield _error(
                ("fields", fid),
                "field_without_purpose",
                f"字段 '{fid}' 没有任何目的收集它：每项个人信息都必须服务于一个声明的目的（最小必要）。",
                f"No purpose collects '{fid}': every field must serve a declared purpose (minimisation).",
                at_key=True,
            )

    used_permissions = {p for purpose in spec.purposes.values() for p in purpose.permissions}
    for perm_id in spec.permissions:
        if perm_id not in used_permissions:
            yield _warn(
                ("permissions", perm_id),
                "permission_unused",
                f"权限 '{perm_id}' 没有被任何目的使用：不需要的权限不应申请。",
                f"No purpose uses permission '{perm_id}': a permission nothing needs should not be asked for.",
                at_key=True,
            )


def _role_references(spec: PolicySpec) -> Iterator[Finding]:
    for rid, role in spec.roles.items():
        for i, pid in enumerate(role.purposes):
            if pid not in spec.purposes:
                yield _error(
                    ("roles", rid, "purposes", i),
                    "purpose_not_declared",
                    f"角色 '{rid}' 使用目的 '{pid}'，但 purposes 中没有声明它。",
                    f"Role '{rid}' names purpose '{pid}', which is not declared under purposes.",
                )
        role_fields = {f for pid in role.purposes if pid in spec.purposes for f in spec.purposes[pid].fields}
        for fid in role.fields:
            if fid not in spec.fields:
                yield _error(
                    ("roles", rid, "fields", fid),
                    "field_not_declared",
                    f"角色 '{rid}' 可查看字段 '{fid}'，但 fields 中没有声明它。",
                    f"Role '{rid}' may see '{fid}', which is not declared under fields.",
                    at_key=True,
                )
            elif fid not in role_fields:
                yield _error(
                    ("roles", rid, "fields", fid),
                    "field_outside_role_purposes",
                    f"角色 '{rid}' 可查看字段 '{fid}'，但它的目的（{', '.join(role.purposes)}）都不收集这个字段。",
                    f"Role '{rid}' may see '{fid}', but none of its purposes ({', '.join(role.purposes)}) collects it.",
                    at_key=True,
                )


def _alternatives(spec: PolicySpec) -> Iterator[Finding]:
    for pid, purpose in spec.purposes.items():
        alternative = purpose.non_personalised_alternative
        if alternative is None:
            continue
        target = spec.purposes.get(alternative)
        if target is None:
            yield _error(
                ("purposes", pid, "non_personalised_alternative"),
                "purpose_not_declared",
                f"目的 '{pid}' 的非个性化替代 '{alternative}' 没有在 purposes 中声明。",
                f"Purpose '{pid}' names '{alternative}' as its non-personalised alternative, which is not declared "
                "under purposes.",
            )
        elif not purpose.personalisation or target.personalisation:
            yield _error(
                ("purposes", pid, "non_personalised_alternative"),
                "bad_non_personalised_alternative",
                f"只有个性化目的才有非个性化替代，且替代目的 '{alternative}' 本身不得用于个性化推荐。",
                f"Only a personalised purpose has a non-personalised alternative, and the alternative "
                f"'{alternative}' must not be personalised itself.",
            )


def _recipient_references(spec: PolicySpec) -> Iterator[Finding]:
    for rid, recipient in spec.recipients.items():
        for fid in recipient.deidentify:
            if fid not in recipient.fields:
                yield _error(
                    ("recipients", rid, "deidentify", fid),
                    "deidentify_field_not_provided",
                    f"接收方 '{rid}' 的 deidentify 写了字段 '{fid}'，但它的 fields 中没有这个字段。",
                    f"Recipient '{rid}' de-identifies '{fid}', which is not among its fields.",
                    at_key=True,
                )
        for i, pid in enumerate(recipient.purposes):
            if pid not in spec.purposes:
                yield _error(
                    ("recipients", rid, "purposes", i),
                    "purpose_not_declared",
                    f"接收方 '{rid}' 用于目的 '{pid}'，但 purposes 中没有声明它。",
                    f"Recipient '{rid}' names purpose '{pid}', which is not declared under purposes.",
                )
        purpose_fields = {f for pid in recipient.purposes if pid in spec.purposes for f in spec.purposes[pid].fields}
        for i, fid in enumerate(recipient.fields):
            if fid not in spec.fields:
                yield _error(
                    ("recipients", rid, "fields", i),
                    "field_not_declared",
                    f"接收方 '{rid}' 接收字段 '{fid}'，但 fields 中没有声明它。",
                    f"Recipient '{rid}' receives '{fid}', which is not declared under fields.",
                )
            elif recipient.purposes and fid not in purpose_fields:
                yield _error(
                    ("recipients", rid, "fields", i),
                    "field_outside_recipient_purposes",
                    f"接收方 '{rid}' 接收字段 '{fid}'，但它的目的都不收集这个字段。",
                    f"Recipient '{rid}' receives '{fid}', but none of its purposes collects it.",
                )


def _deadlines(spec: PolicySpec) -> Iterator[Finding]:
    """Deadlines are counted in whole days (calendar or working): hours or nothing cannot be counted."""
    places: list[tuple[tuple[str | int, ...], Duration | None]] = [
        (("requests", "deadline"), spec.requests.deadline),
        (("requests", "complaints_deadline"), spec.requests.complaints_deadline),
        (("contact", "response"), spec.contact.response),
        (("shutdown", "notice"), spec.shutdown.notice),
    ]
    if spec.cancellation is not None:
        places.append((("cancellation", "review_deadline"), spec.cancellation.review_deadline))
    places += [(("rights", right.value, "deadline"), given.deadline) for right, given in spec.rights.items()]
    for path, period in places:
        if period is not None and (period.unit is DurationUnit.HOURS or period.value < 1):
            yield _error(
                path,
                "deadline_not_countable",
                f"期限 {period} 无法计算：答复期限以整日计（如 '15 days' 或 '15 working days'），至少 1 日。",
                f"The period {period} cannot be counted: deadlines are whole days ('15 days' or "
                "'15 working days'), at least one.",
            )


# --------------------------------------------------------------------------- compliance (warnings)


def _lookups(spec: PolicySpec) -> Iterator[Finding]:
    """A look-up runs before anyone is found, so no one's consent can allow it (core.access refuses it with
    consent_required): a lookup field that only consent-based purposes collect can never be looked up."""
    if any(fid not in spec.fields for purpose in spec.purposes.values() for fid in purpose.fields):
        return  # a misspelt field (an error above) may be the very collection that makes a lookup possible
    for fid, field in spec.fields.items():
        if not field.lookup:
            continue
        collecting = [pid for pid, purpose in spec.purposes.items() if fid in purpose.fields]
        if not collecting or any(spec.purposes[pid].legal_basis is not LegalBasis.CONSENT for pid in collecting):
            continue
        names_zh, names = "、".join(collecting), ", ".join(collecting)
        yield _warn(
            ("fields", fid, "lookup"),
            "lookup_only_on_consent",
            f"查找字段 '{fid}' 只由基于同意的目的收集（{names_zh}）。按这个字段查找时还不知道是哪个人，"
            "也就无从核对谁的同意，所以每一次按它查找都会被拒绝（consent_required）。"
            "如需按它查找，请让至少一个收集它的目的采用同意以外的合法性基础（如 contract 或 legal_obligation），"
            "或为查找另设一个这样的目的；如不需要查找，请删去 lookup: true。",
            f"Lookup field '{fid}' is collected only by purposes that rest on consent ({names}). A lookup runs "
            "before anyone is found, so there is nobody whose consent could allow it: every lookup by this field "
            "will be refused (consent_required). To look people up by it, collect it for at least one purpose on "
            "another legal basis (such as contract or legal_obligation), or add such a purpose for the lookup; "
            "if no lookup is needed, remove lookup: true.",
        )


def _sensitive(spec: PolicySpec) -> Iterator[Finding]:
    for fid, field in spec.fields.items():
        if field.sensitivity is not Sensitivity.SENSITIVE:
            continue
        # Name exactly what is missing: one of the two, or both.
        missing_zh = [
            w for w, v in (("处理的必要性", field.necessity), ("对个人权益的影响", field.impact)) if v is None
        ]
        missing_en = [
            w
            for w, v in (("why it is necessary", field.necessity), ("its impact on the person", field.impact))
            if v is None
        ]
        if missing_en:
            yield _warn(
                ("fields", fid),
                "sensitive_without_necessity",
                f"敏感个人信息 '{fid}' 没有说明{'和'.join(missing_zh)}（个人信息保护法第三十条）。",
                f"Sensitive field '{fid}' does not state {' and '.join(missing_en)} (PIPL Art. 30).",
                at_key=True,
            )


def _separate_consent(spec: PolicySpec) -> Iterator[Finding]:
    """Where the law requires a separate consent (``law``), 'false' is an error and silence a warning."""
    for pid, purpose in spec.purposes.items():
        articles = law.purpose_articles(spec, pid)
        if not articles or purpose.separate_consent:
            continue
        if "separate_consent" in purpose.model_fields_set:
            yield _contradicts_law(("purposes", pid, "separate_consent"), f"目的 '{pid}'", f"Purpose '{pid}'", articles)
            continue
        fid = next(f for f in purpose.fields if f in spec.fields and _needs(spec, f))
        yield _warn(
            ("purposes", pid, "fields", purpose.fields.index(fid)),
            "sensitive_without_separate_consent",
            f"目的 '{pid}' 基于同意处理 '{fid}'，依法需要单独同意（{law.names(articles, 'zh-CN')}），"
            "政策却没有说明会征求单独同意：请写 separate_consent: true，yinsi 才会征求它。",
            f"Purpose '{pid}' processes '{fid}' on consent, which needs a separate consent by law "
            f"({law.names(articles, 'en')}), but the policy does not say it asks one: write separate_consent: true "
            "so that yinsi asks it.",
        )
    for rid, recipient in spec.recipients.items():
        articles = law.recipient_articles(spec, rid)
        if not articles or recipient.separate_consent or recipient.cross_border_consent:
            continue
        if "separate_consent" in recipient.model_fields_set:
            yield _contradicts_law(
                ("recipients", rid, "separate_consent"), f"接收方 '{rid}'", f"Recipient '{rid}'", articles
            )
    for did, disclosure in spec.public_disclosures.items():
        articles = law.disclosure_articles(spec, did)
        if articles and not disclosure.separate_consent and "separate_consent" in disclosure.model_fields_set:
            yield _contradicts_law(
                ("public_disclosures", did, "separate_consent"), f"公开 '{did}'", f"Disclosure '{did}'", articles
            )


def _needs(spec: PolicySpec, fid: str) -> bool:
    field = spec.fields[fid]
    return field.sensitivity is Sensitivity.SENSITIVE or field.public_place


def _contradicts_law(
    path: tuple[str | int, ...], who_zh: str, who_en: str, articles: tuple[law.Article, ...]
) -> Finding:
    return _error(
        path,
        "separate_consent_contradicts_law",
        f"{who_zh}写明不需要单独同意，但法律要求单独同意（{law.names(articles, 'zh-CN')}：{articles[0].reason.zh}）。"
        "这不由政策决定：请改为 separate_consent: true；如果政策没有说明，请删去这一行。",
        f"{who_en} says no separate consent is needed, but the law requires one ({law.names(articles, 'en')}: "
        f"{articles[0].reason.en}). That is not the policy's choice: write separate_consent: true, or remove the "
        "line where the policy does not say.",
    )


def _cross_border(spec: PolicySpec) -> Iterator[Finding]:
    rule = spec.storage.cross_border.rule
    if rule is CrossBorderRule.MAY_TRANSFER:
        yield _warn(
            ("storage", "cross_border", "rule"),
            "cross_border_without_consent",
            "政策称个人信息可能传输至境外，却没有说明单独同意、接收方和出境的法定条件（个人信息保护法第三十八、三十九条）。",
            "The policy says PI may be transferred abroad, without a separate consent, the recipients or a "
            "legal mechanism for the transfer (PIPL Art. 38-39).",
        )
    elif rule is CrossBorderRule.UNSTATED:
        yield _warn(
            ("storage", "cross_border", "rule"),
            "no_cross_border_rule",
            "政策没有说明个人信息是否会传输至境外（个人信息保护法第三十九条）。",
            "The policy does not say whether PI is transferred abroad (PIPL Art. 39).",
        )
    home = spec.storage.region
    if home is None:
        yield _warn(
            ("storage",),
            "no_storage_region",
            "政策没有说明个人信息存储在哪里（个人信息保护法第四十条）。",
            "The policy does not say where PI is stored (PIPL Art. 40).",
        )
    for rid, recipient in spec.recipients.items():
        if (
            law.ART_39 in law.recipient_articles(spec, rid)
            and not recipient.cross_border_consent
            and not recipient.separate_consent
        ):
            yield _warn(
                ("recipients", rid, "region"),
                "recipient_abroad_without_consent",
                f"接收方 '{rid}' 位于境外，却没有取得出境单独同意（个人信息保护法第三十九条）。",
                f"Recipient '{rid}' is abroad but no separate cross-border consent is asked (PIPL Art. 39).",
            )
        abroad = (recipient.region or home or "CN") != "CN"
        if abroad and recipient.transfer_mechanism is None and recipient.fields:
            yield _warn(
                ("recipients", rid, "region"),
                "recipient_abroad_without_mechanism",
                f"接收方 '{rid}' 位于境外，却没有写明出境的法定条件（transfer_mechanism）；yinsi 不会向其提供个人信息"
                "（个人信息保护法第三十八条）。",
                f"Recipient '{rid}' is abroad but names no legal mechanism for the transfer (transfer_mechanism); "
                "yinsi provides nothing to it (PIPL Art. 38).",
            )
    if home not in (None, "CN") and spec.storage.cross_border.mechanism is None:
        yield _warn(
            ("storage", "region"),
            "storage_abroad_without_mechanism",
            "个人信息存储于中国大陆境外，却没有写明出境的法定条件（cross_border.mechanism）；yinsi 不会收集个人信息"
            "（个人信息保护法第三十八条）。",
            "PI is stored outside mainland China but no legal mechanism for the transfer is named "
            "(cross_border.mechanism); yinsi collects nothing (PIPL Art. 38).",
        )


def _recipients(spec: PolicySpec) -> Iterator[Finding]:
    if NoConsentCase.OPERATOR_INTERESTS in spec.sharing.exceptions:
        index = spec.sharing.exceptions.index(NoConsentCase.OPERATOR_INTERESTS)
        yield _warn(
            ("sharing", "exceptions", index),
            "exception_beyond_law",
            "“为保护我们自身权益”而不经同意共享或披露，超出了个人信息保护法第十三条列举的情形。",
            "Sharing or disclosing without consent 'to protect our own interests' goes beyond the cases "
            "PIPL Art. 13 allows.",
        )
    if NoConsentCase.ACADEMIC_RESEARCH in spec.sharing.exceptions:
        index = spec.sharing.exceptions.index(NoConsentCase.ACADEMIC_RESEARCH)
        yield _warn(
            ("sharing", "exceptions", index),
            "exception_beyond_law",
            "“出于学术研究所必需”而不经同意提供或公开，不属于个人信息保护法第十三条列举的情形；去标识化的结果仍是个人信息。",
            "Providing or disclosing without consent 'for academic research' is not a case PIPL Art. 13 allows; "
            "de-identified results are still personal information.",
        )
    for rid, recipient in spec.recipients.items():
        if not recipient.fields:
            yield _warn(
                ("recipients", rid),
                "recipient_fields_not_stated",
                f"政策没有写明向接收方 '{rid}' 提供哪些个人信息：渲染的政策如实写“本政策未写明”，"
                "yinsi 也不会向其提供或披露任何个人信息，直到在 fields 中声明（个人信息保护法第十七条、第二十三条）。",
                f"The policy does not say which PI recipient '{rid}' receives: the rendered policy says 'not stated', "
                "and yinsi provides or discloses nothing to it until its fields are declared (PIPL Art. 17, 23).",
                at_key=True,
            )
        articles = law.recipient_articles(spec, rid)
        if law.ART_23 in articles and not recipient.separate_consent:
            yield _warn(
                ("recipients", rid),
                "provision_without_separate_consent",
                f"向其他个人信息处理者 '{rid}' 提供个人信息，依法需要单独同意（{law.names(articles, 'zh-CN')}），"
                "政策却没有说明会征求。",
                f"PI is provided to another processor '{rid}', which needs a separate consent by law "
                f"({law.names(articles, 'en')}), but the policy does not say it asks one.",
                at_key=True,
            )
        if recipient.kind in (RecipientKind.PROCESSOR, RecipientKind.SDK) and not recipient.agreement:
            yield _warn(
                ("recipients", rid),
                "entrustment_without_agreement",
                f"受托方 '{rid}' 没有书面协议约定目的、期限、处理方式、个人信息种类和保护措施（个人信息保护法第二十一条）。",
                f"Processor '{rid}' is not bound by a written agreement on purpose, term, method, PI types and "
                "protection (PIPL Art. 21).",
                at_key=True,
            )


def _rights(spec: PolicySpec) -> Iterator[Finding]:
    for right in STATUTORY_RIGHTS:
        declared = spec.rights.get(right)
        if declared is not None and declared.offered == "yes":
            continue
        path: tuple[str | int, ...] = ("rights", right.value) if declared is not None else ("rights",)
        how = {
            "no": ("政策明确不提供", "the policy says it does not offer"),
            "unstated": ("政策未说明", "the policy is silent on"),
        }
        reason_zh, reason_en = how["no"] if declared is not None and declared.offered == "no" else how["unstated"]
        name = RIGHT_NAMES[right]
        yield _warn(
            path,
            "right_not_offered",
            f"{reason_zh}{name.zh}及其行使方式（{RIGHT_LAW[right]}）。",
            f"{reason_en[0].upper()}{reason_en[1:]} {name.en} and how to exercise it ({RIGHT_LAW[right]}).",
        )
    automated = [pid for pid, p in spec.purposes.items() if p.automated_decision]
    declared_adm = spec.rights.get(Right.AUTOMATED_DECISION)
    if automated and (declared_adm is None or declared_adm.offered != "yes"):
        yield _warn(
            ("purposes", automated[0], "automated_decision"),
            "right_not_offered",
            f"目的 '{automated[0]}' 涉及自动化决策，政策却没有说明{RIGHT_NAMES[Right.AUTOMATED_DECISION].zh}（PIPL Art. 24）。",
            f"Purpose '{automated[0]}' makes automated decisions, but the policy does not offer "
            f"{RIGHT_NAMES[Right.AUTOMATED_DECISION].en} (PIPL Art. 24).",
        )
    req = spec.requests
    if req.deadline is None:
        yield _warn(
            ("requests",),
            "no_request_deadline",
            "政策没有承诺答复权利请求的期限（建议不超过 15 个工作日）。",
            "The policy promises no deadline for answering requests (15 working days at most is advised).",
        )
    elif _longer_than(req.deadline, FIFTEEN_WORKING_DAYS):
        yield _warn(
            ("requests", "deadline"),
            "request_deadline_too_long",
            f"答复期限 {req.deadline} 超过 15 个工作日（App违法违规收集使用个人信息行为认定方法 §6.3）。",
            f"The request deadline {req.deadline} is longer than 15 working days (认定方法 §6.3).",
        )
    if req.complaints_deadline is not None and _longer_than(req.complaints_deadline, FIFTEEN_WORKING_DAYS):
        yield _warn(
            ("requests", "complaints_deadline"),
            "complaint_deadline_too_long",
            f"投诉处理期限 {req.complaints_deadline} 超过 15 个工作日（认定方法 §6.5）。",
            f"The complaint deadline {req.complaints_deadline} is longer than 15 working days (认定方法 §6.5).",
        )
    if (
        spec.cancellation is not None
        and spec.cancellation.review_deadline is not None
        and _longer_than(spec.cancellation.review_deadline, FIFTEEN_WORKING_DAYS)
    ):
        yield _warn(
            ("cancellation", "review_deadline"),
            "cancellation_deadline_too_long",
            "人工审核注销的期限超过 15 个工作日（认定方法 §6.3）。",
            "Reviewing an account cancellation takes longer than 15 working days (认定方法 §6.3).",
        )
    if spec.minors is None:
        yield _warn(
            (),
            "no_minors_rule",
            "政策没有关于未成年人个人信息的规则（个人信息保护法第三十一条）。",
            "The policy has no rule for minors' PI (PIPL Art. 31).",
        )


def _contact(spec: PolicySpec) -> Iterator[Finding]:
    if spec.operator.name is None:
        yield _warn(
            ("operator",),
            "no_operator_name",
            "政策没有写明个人信息处理者的名称（个人信息保护法第十七条）。",
            "The policy does not name the PI processor (PIPL Art. 17).",
        )
    if spec.contact.dpo is None:
        yield _warn(
            ("contact",),
            "no_dpo",
            "政策没有公开个人信息保护负责人或专门部门的联系方式（个人信息保护法第五十二条）。",
            "The policy publishes no PI protection officer or department (PIPL Art. 52).",
        )
    if not any(ContactUse.COMPLAINTS in c.uses for c in spec.contact.channels):
        yield _warn(
            ("contact",),
            "no_complaint_channel",
            "政策没有投诉、举报渠道（网络安全法第四十九条）。",
            "The policy gives no channel for complaints and reports (Cybersecurity Law Art. 49).",
        )
    for i, channel in enumerate(spec.contact.channels):
        if channel.value is None and channel.kind.value in ("phone", "email"):
            yield _warn(
                ("contact", "channels", i),
                "contact_without_value",
                "这个联系渠道没有写出号码或地址，个人无法使用它。",
                "This contact channel gives no number or address, so nobody can use it.",
            )


def _retention(spec: PolicySpec) -> Iterator[Finding]:
    for pid, purpose in spec.purposes.items():
        ret = purpose.retention
        if ret.period is not None and ret.legal_minimum is not None and _longer_than(ret.legal_minimum, ret.period):
            yield _warn(
                ("purposes", pid, "retention"),
                "retention_below_legal_minimum",
                f"目的 '{pid}' 的保存期限 {ret.period} 短于法定最短期限 {ret.legal_minimum}。",
                f"Purpose '{pid}' keeps PI for {ret.period}, less than the legal minimum {ret.legal_minimum}.",
            )
        if ret.until is RetentionEnd.UNSTATED:
            yield _warn(
                ("purposes", pid, "retention"),
                "no_retention",
                f"政策没有说明目的 '{pid}' 的个人信息保存多久（个人信息保护法第十七条）。",
                f"The policy does not say how long PI for purpose '{pid}' is kept (PIPL Art. 17).",
            )
        if ret.until is RetentionEnd.PURPOSE_FULFILLED:
            yield _warn(
                ("purposes", pid, "retention", "until"),
                "retention_not_concrete",
                f"目的 '{pid}' 只说保存到“目的所必需的期限”，没有可执行的期限（个人信息保护法第十七、十九条）。",
                f"Purpose '{pid}' keeps PI only 'as long as the purpose needs', with no period the system "
                "can enforce (PIPL Art. 17, 19).",
            )
        if purpose.function is FunctionKind.ADDITIONAL and purpose.legal_basis is not LegalBasis.CONSENT:
            yield _warn(
                ("purposes", pid, "legal_basis"),
                "additional_without_consent",
                f"附加功能 '{pid}' 不以同意为合法性基础：附加功能应可由个人选择（个人信息保护法第十六条）。",
                f"Additional function '{pid}' is not based on consent, although a person must be able to "
                "refuse it (PIPL Art. 16).",
            )
    logs = spec.access_logs
    if logs is not None and logs.kept and "retention" not in logs.model_fields_set:
        yield _warn(
            ("access_logs",),
            "access_logs_period_unstated",
            "政策说明会记录网络日志，却没有说明保存多久（网络安全法第二十一条要求不少于六个月）；运行时按六个月保存。",
            "The policy says network logs are kept but not for how long (the Cybersecurity Law Art. 21 requires at "
            "least six months); yinsi keeps them six months.",
        )
    if logs is not None and logs.kept and _longer_than(SIX_MONTHS, logs.retention):
        yield _warn(
            ("access_logs", "retention"),
            "access_logs_too_short",
            "网络日志应保存不少于六个月（网络安全法第二十一条）。",
            "Network logs must be kept for at least six months (Cybersecurity Law Art. 21).",
        )


def _personalisation(spec: PolicySpec) -> Iterator[Finding]:
    profiled = [pid for pid, p in spec.purposes.items() if p.personalisation]
    if not profiled:
        return
    pers = spec.personalisation
    if pers is None or pers.opt_out is None:
        yield _warn(
            ("purposes", profiled[0], "personalisation"),
            "personalisation_without_opt_out",
            "个性化推荐没有提供便捷的关闭方式（个人信息保护法第二十四条）。",
            "Personalised recommendations offer no easy way to switch them off (PIPL Art. 24).",
        )
    if pers is None or pers.algorithm_disclosure is None:
        yield _warn(
            ("purposes", profiled[0], "personalisation"),
            "no_algorithm_disclosure",
            "没有公示推荐算法的基本原理、目的意图和主要运行机制（互联网信息服务算法推荐管理规定第十六条）。",
            "The basic principles and purpose of the recommendation algorithm are not published "
            "(算法推荐管理规定 Art. 16).",
        )


def _lifecycle(spec: PolicySpec) -> Iterator[Finding]:
    if not spec.incidents.channels:
        yield _warn(
            ("incidents",),
            "no_incident_channels",
            "政策没有说明发生安全事件时如何通知个人（个人信息保护法第五十七条）。",
            "The policy does not say how people are told of a security incident (PIPL Art. 57).",
        )
    if spec.impact_assessment.risk is Risk.HIGH:
        yield _warn(
            ("impact_assessment", "risk"),
            "high_risk_assessment",
            "个人信息保护影响评估显示高风险：这属于重大变更，需要显著告知。",
            "A PI impact assessment shows high risk: that is a material change that needs prominent notice.",
        )
    if spec.changes.without_notice:
        yield _warn(
            ("changes", "without_notice"),
            "change_without_notice",
            "政策称可以随时修改而不另行通知：处理规则变更的，应当将变更部分告知个人（个人信息保护法第十七条第二款）。",
            "The policy says it may change at any time without notice, but changes to the processing rules must be "
            "told to people (PIPL Art. 17(2)).",
        )
    if spec.consent.bundled_with_terms:
        yield _warn(
            ("consent", "bundled_with_terms"),
            "consent_bundled",
            "同意服务协议即被视为同意隐私政策：这不是在充分知情的前提下自愿、明确作出的同意"
            "（个人信息保护法第十四条，认定方法 §3.4）。",
            "Agreeing to the terms of service is taken as agreeing to the policy: that is no informed, voluntary "
            "and explicit consent (PIPL Art. 14, 认定方法 §3.4).",
        )
    app_type = spec.policy.app_type
    if app_type in NO_PI_APP_TYPES:
        basic = [pid for pid, p in spec.purposes.items() if p.function is FunctionKind.BASIC]
        if basic:
            yield _warn(
                ("purposes", basic[0], "function"),
                "basic_function_needs_no_pi",
                f"这类 App（{app_type.value}）的基本功能不需要任何个人信息，目的 '{basic[0]}' 却被列为基本功能"
                "（常见类型移动互联网应用程序必要个人信息范围规定第五条）。",
                f"The basic functions of this app type ({app_type.value}) need no personal information, yet "
                f"purpose '{basic[0]}' is a basic function (必要个人信息范围规定 Art. 5).",
            )
    info = spec.policy
    if info.effective_date is None:
        yield _warn(("policy",), "no_effective_date", "政策没有写明生效日期。", "The policy states no effective date.")
    elif info.previous_version_date is not None and info.previous_version_date > info.effective_date:
        yield _warn(
            ("policy", "previous_version_date"),
            "dates_out_of_order",
            "上一版本的日期晚于本版本的生效日期。",
            "The previous version's date is later than this version's effective date.",
        )


def _statistics(spec: PolicySpec) -> Iterator[Finding]:
    """Noisy counts spend ε with every query: without a total, enough queries undo the noise."""
    rules = spec.statistics
    if rules is None or rules.noise_epsilon is None:
        return
    budget = rules.privacy_budget
    if budget is None:
        yield _warn(
            ("statistics", "noise_epsilon"),
            "noise_without_budget",
            "统计加噪但没有隐私预算总额（privacy_budget）：每次查询都消耗 ε，查询足够多次即可抵消噪声。",
            "Counts carry noise but no total privacy budget (privacy_budget) is set: each query spends ε, and "
            "enough queries undo the noise.",
        )
    elif budget.epsilon < rules.noise_epsilon:
        yield _error(
            ("statistics", "privacy_budget", "epsilon"),
            "privacy_budget_below_query",
            f"隐私预算总额 {budget.epsilon} 小于每次查询消耗的 ε {rules.noise_epsilon}：一次统计也无法进行。",
            f"The total privacy budget {budget.epsilon} is below the ε one query spends ({rules.noise_epsilon}): "
            "no count could ever be produced.",
        )


def _english(spec: PolicySpec) -> Iterator[Finding]:
    missing = list(_texts_without_english(spec, ()))
    if missing:
        yield _warn(
            missing[0],
            "no_english",
            f"有 {len(missing)} 处文字没有英文，英文版将以中文显示这些内容（第一处在此）。",
            f"{len(missing)} texts have no English; the English rendering shows them in Chinese (the first is here).",
        )


def _texts_without_english(node: object, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(node, LocalText):
        if node.en is None:
            yield path
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts_without_english(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts_without_english(value, (*path, i))
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from _texts_without_english(getattr(node, name), (*path, info.alias or name))


def _longer_than(a: Duration, b: Duration) -> bool:
    """Whether period ``a`` is longer than ``b``; exact when the units agree, approximate otherwise."""
    if a.unit is b.unit:
        return a.value > b.value
    return a.approx_days() > b.approx_days() + 1e-9


def _disclosures(spec: PolicySpec) -> Iterator[Finding]:
    """Public disclosure (PIPL Art. 25): declared fields, a separate consent, never on by default."""
    for did, disclosure in spec.public_disclosures.items():
        for i, fid in enumerate(disclosure.fields):
            if fid not in spec.fields:
                yield _error(
                    ("public_disclosures", did, "fields", i),
                    "field_not_declared",
                    f"公开 '{did}' 涉及字段 '{fid}'，但 fields 中没有声明它。",
                    f"Disclosure '{did}' makes '{fid}' public, which is not declared under fields.",
                )
        articles = law.disclosure_articles(spec, did)
        if disclosure.default_on is True and disclosure.legal_basis is LegalBasis.CONSENT:
            yield _warn(
                ("public_disclosures", did, "default_on"),
                "disclosure_on_by_default",
                f"公开 '{did}' 默认开启、需个人退出：默认同意不是单独同意（{law.names(articles, 'zh-CN')}）。",
                f"Disclosure '{did}' is on unless the person opts out: a default is no separate consent "
                f"({law.names(articles, 'en')}).",
            )
        elif articles and not disclosure.separate_consent:
            yield _warn(
                ("public_disclosures", did),
                "disclosure_without_separate_consent",
                f"公开 '{did}' 依法需要单独同意（{law.names(articles, 'zh-CN')}），政策却没有说明会征求。",
                f"Disclosure '{did}' needs a separate consent by law ({law.names(articles, 'en')}), but the policy "
                "does not say it asks one.",
                at_key=True,
            )
        if disclosure.opt_out_via_third_party or (disclosure.default_on and disclosure.opt_out is None):
            yield _warn(
                ("public_disclosures", did, "opt_out"),
                "disclosure_opt_out_not_direct",
                f"公开 '{did}' 不能直接向我们撤回（个人信息保护法第十五条：应当提供便捷的撤回同意的方式）。",
                f"Disclosure '{did}' cannot be stopped directly with the operator (PIPL Art. 15: withdrawing must be "
                "easy).",
                at_key=True,
            )
    if spec.sharing.public_disclosure_with_consent is True and any(
        d.default_on for d in spec.public_disclosures.values()
    ):
        yield _warn(
            ("sharing", "public_disclosure_with_consent"),
            "disclosure_contradicts_consent",
            "政策称只在取得同意后公开个人信息，却同时默认公开部分个人信息；渲染时不会再写“仅在取得同意后公开”。",
            "The policy says PI is made public only with consent, yet makes some public by default; the rendering "
            "no longer says 'only with your consent'.",
        )


def _open_lists(spec: PolicySpec) -> Iterator[Finding]:
    for i, open_list in enumerate(spec.open_lists):
        yield _warn(
            ("open_lists", i),
            "open_list",
            f"政策所列的{L.label(open_list.what, 'zh-CN')}没有列全（{L.label(open_list.how, 'zh-CN')}）："
            "应当以清单等形式逐项列明（网络数据安全管理条例第二十一条，认定方法 §2.1）。",
            f"The policy's list of {L.label(open_list.what, 'en')} is left open ({L.label(open_list.how, 'en')}): "
            "it must be itemised (网络数据安全管理条例 Art. 21, 认定方法 §2.1).",
        )
