"""Errors a caller can act on, each with a stable machine-readable code and a bilingual message.

The code is the contract (API clients switch on it); the message is for
people. No message ever contains a PI value: errors name fields, purposes,
roles and reasons.
"""

from __future__ import annotations

from yinsi.core.access import Decision, Deny
from yinsi.core.i18n import Msg

DENY_MESSAGES: dict[Deny, Msg] = {
    Deny.ROLE_NOT_DECLARED: Msg("这个角色没有在隐私政策规范中声明。", "This role is not declared in the policy spec."),
    Deny.PURPOSE_NOT_DECLARED: Msg(
        "这个处理目的没有在隐私政策中声明：未声明的目的一律不得处理个人信息。",
        "This purpose is not declared in the privacy policy: no PI is processed for an undeclared purpose.",
    ),
    Deny.PURPOSE_NOT_PERMITTED: Msg(
        "这个角色不能为该目的处理个人信息。", "This role may not process PI for this purpose."
    ),
    Deny.OPERATION_NOT_PERMITTED: Msg("这个角色不能执行这项操作。", "This role may not perform this operation."),
    Deny.FIELD_NOT_DECLARED: Msg(
        "这个字段没有在隐私政策中声明：未声明的个人信息一律不得收集或读取。",
        "This field is not declared in the privacy policy: undeclared PI is never collected or read.",
    ),
    Deny.FIELD_NOT_IN_PURPOSE: Msg(
        "隐私政策没有声明为该目的收集这个字段。", "The privacy policy does not collect this field for this purpose."
    ),
    Deny.FIELD_NOT_VISIBLE: Msg("这个角色无权查看这个字段。", "This role may not see this field."),
    Deny.FIELD_NOT_LOOKUP: Msg("这个字段不能用于查找个人。", "This field cannot be used to look a person up."),
    Deny.CONSENT_REQUIRED: Msg(
        "该目的需要个人的同意，而个人尚未同意。", "This purpose needs the person's consent, which they have not given."
    ),
    Deny.SEPARATE_CONSENT_REQUIRED: Msg(
        "该目的需要个人的单独同意；同意隐私政策不能代替单独同意。",
        "This purpose needs the person's separate consent; accepting the policy is not enough.",
    ),
    Deny.CONSENT_WITHDRAWN: Msg(
        "个人已撤回对该目的的同意，撤回后不得再据此处理。",
        "The person withdrew consent for this purpose; no processing relies on it any more.",
    ),
    Deny.PERMISSION_NOT_GRANTED: Msg(
        "个人没有开启（或已关闭）该功能所需的设备权限，不得继续收集。",
        "The person has not granted (or turned off) the device permission this collection needs.",
    ),
    Deny.RECONSENT_REQUIRED: Msg(
        "隐私政策发生了重大变更，个人同意新版本之前，基于同意的处理暂停。",
        "The privacy policy changed materially; processing based on consent waits until the person accepts it.",
    ),
    Deny.PERSONALISATION_OFF: Msg(
        "个人已关闭个性化推荐，不得为该目的处理其个人信息。",
        "The person switched personalisation off; their PI is not processed for this purpose.",
    ),
    Deny.SUBJECT_ERASED: Msg(
        "这个人的个人信息已被删除（密钥已销毁），任何角色都无法再读取。",
        "This person's PI has been erased (its key destroyed); no role can read it any more.",
    ),
    Deny.CROSS_BORDER_NOT_ALLOWED: Msg(
        "接收方位于中国大陆境外：隐私政策没有允许向其出境提供，或没有写明出境的法定条件（个人信息保护法第三十八条）。",
        "The recipient is outside mainland China: the policy does not allow providing PI to it abroad, or names no "
        "legal mechanism for the transfer (PIPL Art. 38).",
    ),
    Deny.ENTRUSTMENT_ENDED: Msg(
        "对这个受托方的委托处理已经结束，不再向其提供个人信息。",
        "The entrustment of this processor has ended; no PI is provided to it any more.",
    ),
    Deny.DISCLOSURE_NOT_DECLARED: Msg(
        "隐私政策没有声明这项公开：未声明的个人信息一律不得公开（个人信息保护法第二十五条）。",
        "The privacy policy declares no such public disclosure: undeclared PI is never made public (PIPL Art. 25).",
    ),
    Deny.FIELD_NOT_IN_DISCLOSURE: Msg(
        "隐私政策没有声明在这项公开中公开这个字段。",
        "The privacy policy does not declare this field as made public by this disclosure.",
    ),
    Deny.AUTHORITY_NOT_DECLARED: Msg(
        "隐私政策规范没有声明这个国家机关：只向规范的 recipients 中声明的国家机关（kind: authority）提供个人信息。",
        "The policy spec declares no such authority: PI is disclosed only to an authority its recipients declare "
        "(kind: authority).",
    ),
    Deny.PURPOSE_NOT_FOR_AUTHORITY: Msg(
        "规范没有为这个国家机关声明这个目的。", "The spec does not declare this purpose for this authority."
    ),
    Deny.FIELD_NOT_FOR_AUTHORITY: Msg(
        "规范没有声明向这个国家机关提供这个字段。", "The spec does not declare this field for this authority."
    ),
    Deny.RECIPIENT_NOT_DECLARED: Msg(
        "隐私政策规范没有声明这个接收方：只向规范的 recipients 中声明的第三方提供个人信息（向国家机关提供是依法披露，另有流程）。",
        "The policy spec declares no such recipient: PI is provided only to a third party its recipients declare "
        "(what an authority gets is a disclosure, with a workflow of its own).",
    ),
    Deny.PURPOSE_NOT_FOR_RECIPIENT: Msg(
        "规范没有为这个接收方声明这个目的。", "The spec does not declare this purpose for this recipient."
    ),
    Deny.FIELD_NOT_FOR_RECIPIENT: Msg(
        "规范没有声明向这个接收方提供这个字段。", "The spec does not declare this field for this recipient."
    ),
}


class YinsiError(Exception):
    """Base of errors callers act on.

    ``audited`` errors roll the transaction back but keep its audit events (an access denial);
    ``keep_changes`` errors commit the transaction before refusing (a wrong login code must still
    count as an attempt, or guessing would be free).
    """

    code = "error"
    audited = False
    keep_changes = False

    def __init__(self, message: Msg, *, field: str | None = None) -> None:
        super().__init__(message.en)
        self.message = message
        self.field = field


class AccessDenied(YinsiError):
    """The access decision refused the request; the decision says why, per field."""

    audited = True

    def __init__(self, decision: Decision) -> None:
        reason = decision.first_reason or Deny.FIELD_NOT_DECLARED
        super().__init__(DENY_MESSAGES[reason])
        self.decision = decision
        self.code = reason.value


class NotFound(YinsiError):
    code = "not_found"


class Conflict(YinsiError):
    code = "conflict"


class PrivacyBudgetExhausted(Conflict):
    """A noisy count would spend more ε than the period's privacy budget has left; refused, and audited."""

    code = "privacy_budget_exhausted"
    audited = True


class CancellationBlocked(Conflict):
    """A cancellation waits on open blockers; they are named (kind, and the service's own words), never PI."""

    code = "cancellation_blocked"

    def __init__(self, message: Msg, *, blockers: list[dict[str, object]]) -> None:
        super().__init__(message)
        self.blockers = blockers


class BadRequest(YinsiError):
    code = "bad_request"


class PurposeRequired(BadRequest):
    code = "purpose_required"


class Unauthenticated(YinsiError):
    code = "unauthenticated"


class Forbidden(YinsiError):
    code = "forbidden"


class RateLimited(YinsiError):
    code = "rate_limited"

    def __init__(self, message: Msg, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


BUSY = Msg(
    "系统繁忙，请求没有完成，也没有改动任何数据。请稍后重试。",
    "The service is busy; the request was not carried out and nothing was changed. Please try again shortly.",
)


class Busy(RateLimited):
    """The store could not be had in time (a lock or a connection): nothing was done, and trying again is safe.

    Raised instead of waiting on: a request that waits longer than a client would is worse than a clear
    "try again in a second".
    """

    code = "busy"

    def __init__(self, message: Msg = BUSY, *, retry_after: int = 1) -> None:
        super().__init__(message, retry_after=retry_after)


def not_found(what_zh: str, what_en: str) -> NotFound:
    return NotFound(Msg(f"找不到{what_zh}。", f"No such {what_en}."))
