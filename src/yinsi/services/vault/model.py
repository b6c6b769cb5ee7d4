"""What the vault hands back and refuses with: plain data its callers keep or show."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from yinsi.core.access import Deny
from yinsi.core.errors import BadRequest, YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Visibility

SOURCE_MAX = 64


class InvalidInput(YinsiError):
    code = "invalid_value"


class ImmutableField(YinsiError):
    code = "field_immutable"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: an API key, a staff member, the person themselves, or the system; and in which role."""

    id: str
    role: str

    @classmethod
    def system(cls) -> Actor:
        return cls("system", "system")


@dataclass(frozen=True, slots=True)
class ReadResult:
    subject_id: str
    purpose: str
    values: dict[str, str] = field(repr=False)  # PI: never in a repr, a log or a failing test's output
    forms: dict[str, Visibility]
    denied: dict[str, Deny]
    absent: list[str]
    instead_of: str | None = None  # the personalised purpose asked for, when its non-personalised one was served


@dataclass(frozen=True, slots=True)
class WriteResult:
    subject_id: str
    written: list[str]
    retain_until: dict[str, datetime | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoredValue:
    """A decrypted value with its metadata, for the rights workflows (access, copy, explain)."""

    field: str
    value: str = dataclasses.field(repr=False)
    collected_at: datetime
    source: str
    purposes: list[str]
    retain_until: datetime | None


def check_source(source: str) -> None:
    """The source is stored beside every value and shown in a person's copy: a short identifier, no prose."""
    if not source or len(source) > SOURCE_MAX or not all(c.isalnum() or c in "-_.:" for c in source):
        raise BadRequest(
            Msg(
                "来源（source）应是一个简短的标识，如 booking-app，只能用字母、数字和 - _ . :",
                "The source must be a short identifier such as booking-app (letters, digits, - _ . :).",
            ),
            field="source",
        )
