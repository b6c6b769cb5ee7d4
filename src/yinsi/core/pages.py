"""Opaque cursors for keyset pagination: where the last page ended, as the caller hands it back.

A cursor is the sort key of the last item of a page, encoded; a list is read
from just after it, so a page never skips or repeats an item when items are
added meanwhile (as an offset would). Callers must treat it as opaque: its
form may change, and one that does not decode is refused by name.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from yinsi.core.errors import BadRequest
from yinsi.core.i18n import Msg

T = TypeVar("T")
Key = Sequence[str | int]

BAD_CURSOR = Msg(
    "cursor 无效：请原样传回上一页返回的 next_cursor。",
    "The cursor is not valid: pass back the next_cursor of the previous page unchanged.",
)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, arity: int) -> list[str | int] | None:
    """The key a cursor holds, or None for the first page; a cursor of another shape is ``bad_request``."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise BadRequest(BAD_CURSOR, field="cursor") from None
    if (
        not isinstance(key, list)
        or len(key) != arity
        or not all(isinstance(k, str | int) and not isinstance(k, bool) for k in key)
    ):
        raise BadRequest(BAD_CURSOR, field="cursor")
    return key


def cut(rows: list[T], limit: int, key_of: Callable[[T], Key]) -> Page[T]:
    """A page from ``limit + 1`` rows read: the extra one only says that there is a next page."""
    if len(rows) <= limit:
        return Page(rows, None)
    kept = rows[:limit]
    return Page(kept, encode(key_of(kept[-1])))


def number(part: str | int) -> int:
    """A part of a key that must be a number (an id, a sequence number)."""
    if not isinstance(part, int):
        raise BadRequest(BAD_CURSOR, field="cursor")
    return part


def int_key(key: list[str | int]) -> int:
    """The one integer a cursor of a list ordered by id holds; anything else is ``bad_request``."""
    if len(key) != 1 or not isinstance(key[0], int):
        raise BadRequest(BAD_CURSOR, field="cursor")
    return key[0]
