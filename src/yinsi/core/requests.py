"""Rights requests as a state machine, with the deadlines and limits the spec sets.

PIPL Arts. 44-50 give the rights; the spec says how fast they are answered
(days or Chinese working days) and what happens to excessive repeats. The
workflow is small on purpose: received → verified (identity checked) → in
progress → completed, or refused with a ground, or withdrawn by the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from yinsi.core.deadlines import Deadline, due_date
from yinsi.core.i18n import Msg
from yinsi.core.policy.check import FIFTEEN_WORKING_DAYS
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.types import Duration
from yinsi.core.policy.vocabulary import ExcessiveAction, Right


class RequestType(StrEnum):
    ACCESS = "access"
    COPY = "copy"
    CORRECT = "correct"
    DELETE = "delete"
    WITHDRAW = "withdraw"
    EXPLAIN = "explain"
    RESTRICT = "restrict"
    CANCEL_ACCOUNT = "cancel_account"
    NEXT_OF_KIN = "next_of_kin"
    COMPLAIN = "complain"


class State(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


FINAL = frozenset({State.COMPLETED, State.REFUSED, State.WITHDRAWN})
TRANSITIONS: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.VERIFIED, State.REFUSED, State.WITHDRAWN}),
    State.VERIFIED: frozenset({State.IN_PROGRESS, State.COMPLETED, State.REFUSED, State.WITHDRAWN}),
    State.IN_PROGRESS: frozenset({State.COMPLETED, State.REFUSED, State.WITHDRAWN}),
}

RIGHT_OF: dict[RequestType, Right] = {
    RequestType.ACCESS: Right.ACCESS,
    RequestType.COPY: Right.COPY,
    RequestType.CORRECT: Right.CORRECT,
    RequestType.DELETE: Right.DELETE,
    RequestType.WITHDRAW: Right.WITHDRAW,
    RequestType.EXPLAIN: Right.EXPLAIN,
    RequestType.RESTRICT: Right.RESTRICT,
    RequestType.CANCEL_ACCOUNT: Right.CANCEL_ACCOUNT,
    RequestType.NEXT_OF_KIN: Right.NEXT_OF_KIN,
    RequestType.COMPLAIN: Right.COMPLAIN,
}

DEFAULT_DEADLINE = FIFTEEN_WORKING_DAYS
"""When a spec promises nothing: the ceiling of 认定方法 §6.3, recommended for every type (requirements RGT-03)."""

# What a person can do themselves, answered at once; the rest waits for the privacy officer.
AUTOMATIC = frozenset(
    {
        RequestType.ACCESS,
        RequestType.COPY,
        RequestType.CORRECT,
        RequestType.DELETE,
        RequestType.WITHDRAW,
        RequestType.EXPLAIN,
    }
)

SYSTEM_REASONS: dict[str, Msg] = {
    "field_immutable": Msg("该字段注册后不能更改。", "This field cannot be changed after registration."),
    "legal_retention_applies": Msg(
        "依法需要保存，暂不能删除。", "The law requires keeping it, so it cannot be deleted now."
    ),
    "excessive_requests": Msg(
        "同类请求在短时间内过多，超出合理范围。",
        "Too many requests of this kind in a short time, beyond what is reasonable.",
    ),
    "deceased_arranged_otherwise": Msg("逝者生前另有安排。", "The deceased arranged otherwise while alive."),
    "not_applicable": Msg(
        "这项请求不适用于您的个人信息。", "This request does not apply to your personal information."
    ),
}


class TransitionRefused(ValueError):
    """A move the workflow does not allow (e.g. completing a withdrawn request)."""


def check_transition(current: State, target: State) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(f"a request that is {current.value} cannot become {target.value}")


def deadline_period(spec: PolicySpec, kind: RequestType, *, needs_review: bool = False) -> Duration:
    """The period the spec promises for ``kind``: the right's own, then the general one, then 15 working days."""
    own = spec.rights.get(RIGHT_OF[kind])
    if kind is RequestType.CANCEL_ACCOUNT and needs_review and spec.cancellation and spec.cancellation.review_deadline:
        return spec.cancellation.review_deadline
    if own is not None and own.deadline is not None:
        return own.deadline
    if kind is RequestType.COMPLAIN and spec.requests.complaints_deadline is not None:
        return spec.requests.complaints_deadline
    return spec.requests.deadline or DEFAULT_DEADLINE


def due(spec: PolicySpec, kind: RequestType, received: date, *, needs_review: bool = False) -> tuple[Deadline, str]:
    period = deadline_period(spec, kind, needs_review=needs_review)  # never in hours: the checker refuses those
    return due_date(received, period), str(period)


@dataclass(frozen=True, slots=True)
class Excess:
    """What the spec's excessive-request rule says about one more request of a kind."""

    exceeded: bool
    action: ExcessiveAction | None
    limit: int
    window_days: int


def excess(spec: PolicySpec, earlier_in_window: int) -> Excess:
    rule = spec.requests.excessive
    if rule is None:
        return Excess(False, None, 0, 0)
    return Excess(earlier_in_window >= rule.max_requests, rule.action, rule.max_requests, rule.window_days)
