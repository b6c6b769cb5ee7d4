"""Small value types shared by the spec model: localised text, durations, identifiers.

They are written so that a privacy officer can type them naturally in YAML
(``retention: {period: 6 months}``, ``label: {zh-CN: 手机号码, en: Mobile number}``)
while the code gets structured values.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic_core import core_schema

Lang = Literal["zh-CN", "en"]
"""Languages a spec is written in. zh-TW is never written: it is derived with OpenCC."""

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="A short identifier: lower-case letters, digits and underscores, starting with a letter.",
    ),
]


class Strict(BaseModel):
    """Base of every spec object: unknown keys are errors, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    added_later: ClassVar[frozenset[str]] = frozenset()
    """Keys that came after policies were published: left at their default, they are not dumped, so a spec
    that does not use them dumps (and so digests) as before and publishing the same file again stays unchanged."""

    @model_serializer(mode="wrap")
    def _without_new_defaults(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if self.added_later and isinstance(data, dict):
            fields = type(self).model_fields
            for name in self.added_later:
                info = fields[name]
                if getattr(self, name) == info.get_default(call_default_factory=True):
                    data.pop(info.alias or name, None)
                    data.pop(name, None)
        return data


def _text_or_string(schema: dict[str, Any]) -> None:
    mapping = {k: schema.pop(k) for k in list(schema) if k not in ("title", "description")}
    schema["anyOf"] = [{"type": "string", "minLength": 1, "description": "Simplified Chinese only"}, mapping]


class LocalText(Strict):
    """Text in Simplified Chinese and English.

    A plain string in YAML is taken as Simplified Chinese only; ``policy check``
    then warns that the English rendering has no text of its own.
    """

    zh_CN: str = Field(alias="zh-CN", min_length=1)
    en: str | None = Field(default=None, min_length=1)

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        # Editors see what the loader accepts: a plain Chinese string, or both languages.
        json_schema_extra=_text_or_string,
    )

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"zh-CN": value}
        return value

    def get(self, lang: str) -> str:
        """The text for ``lang``; English falls back to Chinese, zh-TW uses the Chinese source."""
        if lang == "en" and self.en:
            return self.en
        return self.zh_CN


_DURATION_RE = re.compile(r"^\s*(\d{1,5})\s*(hours?|days?|working[ _]days?|months?|years?)\s*$")


class DurationUnit(StrEnum):
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


class Duration:
    """A period such as ``6 months``, ``15 working days`` or ``48 hours``.

    Working days are only meaningful for deadlines (they need the Chinese
    holiday calendar, see ``core.deadlines``); months and years are calendar
    months and years, clamped to the end of a shorter month.
    """

    __slots__ = ("unit", "value")

    def __init__(self, value: int, unit: DurationUnit) -> None:
        self.value = value
        self.unit = unit

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION_RE.match(text)
        if not match:
            raise ValueError(
                "a period is written as a number and a unit, for example '6 months', "
                "'15 working days', '180 days', '3 years' or '48 hours'"
            )
        number, unit = int(match.group(1)), match.group(2).replace(" ", "_")
        if not unit.endswith("s"):
            unit += "s"
        return cls(number, DurationUnit(unit))

    def __str__(self) -> str:
        unit = self.unit.value.replace("_", " ")
        return f"{self.value} {unit[:-1] if self.value == 1 else unit}"

    def __repr__(self) -> str:
        return f"Duration({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and (self.value, self.unit) == (other.value, other.unit)

    def __hash__(self) -> int:
        return hash((self.value, self.unit))

    def approx_days(self) -> float:
        """A rough length in days, to compare periods of different units (never for deadlines)."""
        factor = {
            DurationUnit.HOURS: 1 / 24,
            DurationUnit.DAYS: 1.0,
            DurationUnit.WORKING_DAYS: 7 / 5,
            DurationUnit.MONTHS: 30.44,
            DurationUnit.YEARS: 365.25,
        }[self.unit]
        return self.value * factor

    def add_to(self, start: date) -> date:
        """The calendar date this period after ``start`` (a month ends on the same day of the month, or the
        month's last day). Hours need a time of day (use ``after``); working days the holiday calendar."""
        return self._shift(start, 1)

    def after(self, moment: datetime) -> datetime:
        """The moment this period after ``moment``, to the minute: what is kept "six months" from 23:30 on
        3 March is kept until 23:30 on 3 September, not midnight before it."""
        return self._move(moment, 1)

    def before(self, moment: datetime) -> datetime:
        """The moment this period before ``moment`` (for "older than" cut-offs)."""
        return self._move(moment, -1)

    def _move(self, moment: datetime, sign: int) -> datetime:
        if self.unit is DurationUnit.HOURS:
            return moment + sign * timedelta(hours=self.value)
        return datetime.combine(self._shift(moment.date(), sign), moment.timetz())

    def _shift(self, day: date, sign: int) -> date:
        if self.unit is DurationUnit.DAYS:
            return day + sign * timedelta(days=self.value)
        if self.unit in (DurationUnit.MONTHS, DurationUnit.YEARS):
            return add_months(day, sign * self.value * (12 if self.unit is DurationUnit.YEARS else 1))
        if self.unit is DurationUnit.HOURS:
            raise ValueError("a period in hours needs a time of day: use after() or before()")
        raise ValueError("working days need the holiday calendar: use core.deadlines")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> Duration:
            if isinstance(value, Duration):
                return value
            if not isinstance(value, str):
                raise ValueError("a period must be text such as '6 months' or '15 working days'")
            return cls.parse(value)

        return core_schema.json_or_python_schema(
            json_schema=core_schema.str_schema(pattern=_DURATION_RE.pattern),
            python_schema=core_schema.no_info_plain_validator_function(validate),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, clamped to the last day of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in range(start.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, min(start.day, 28))
