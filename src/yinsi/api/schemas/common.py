"""What every group of routes shares: the strict request body, the problem, a page of a list."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

IDENTIFIER = r"^[a-z][a-z0-9_]{0,63}$"


class Body(BaseModel):
    """A request body: a key the endpoint does not define is refused (``invalid_request``), never ignored."""

    model_config = ConfigDict(extra="forbid")


class ProblemOut(BaseModel):
    """An RFC 9457 problem: switch on ``code``; ``detail`` is for people (zh-CN or en)."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = Field(description="https://yinsi.invalid/problems/ followed by the code.")
    title: str
    status: int
    code: str = Field(description="Stable; see the problem codes in docs/api.md.")
    detail: str
    field: str | None = Field(default=None, description="The field or body key the problem is about.")
    reasons: dict[str, str] | None = Field(default=None, description="A refused access decision: field → reason.")
    purpose: str | None = None
    blockers: list[dict[str, Any]] | None = Field(default=None, description="What blocks a cancellation.")
    errors: list[dict[str, str]] | None = Field(
        default=None, description="For invalid_request: each offending key and the rule it broke."
    )


class PageOut(BaseModel):
    """Every list is cut into pages; pass ``next_cursor`` back as ``?cursor=`` for the next one."""

    next_cursor: str | None = Field(
        description="Opaque: give it back unchanged as ?cursor= to get the next page; null on the last page."
    )
