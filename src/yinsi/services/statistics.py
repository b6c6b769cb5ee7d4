"""Statistics without identities: counts of people over the spec's declared dimensions, never a small group.

Only the dimensions the spec's ``statistics`` section declares can be used, alone or two at a time, always
over everyone (no filter a query could narrow the population with). A cell of fewer than
``min_group_size`` people is suppressed. That alone would not do: the total minus the cells shown would
give the suppressed cell away, as would a one-dimension count minus its row in a two-dimension table (a
differencing attack through overlapping queries). So suppression is completed until, in every line of a
table (the whole of a one-dimension table; each row and each column of a two-dimension one), the cells
suppressed add up to none or to at least ``min_group_size`` people; the only total released is the number of
people, itself never below ``min_group_size``. What any released count, or any difference of released
counts, can reveal is then a group of at least that size.

Values are opened in batches only to put each person in a coarse cell (an age band, a city); no identifier,
value or subject id leaves this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, select

from yinsi.adapters.db.rows import ConsentStateRow, PiValueRow, RightsRequestRow, SubjectRow, table_of
from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import BadRequest, Conflict
from yinsi.core.generalise import UNKNOWN, age_band, birth_date, city
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import FieldType, StatisticsDimension
from yinsi.services.audit import AuditEvent
from yinsi.services.vault import Actor, Vault

_subjects = table_of(SubjectRow)
_values = table_of(PiValueRow)
_consents = table_of(ConsentStateRow)
_requests = table_of(RightsRequestRow)

SUPPRESSED = None  # a suppressed cell's count
BATCH = 1000
# Dimensions where each person is in exactly one cell ("unknown" included): their lines partition everyone.
PARTITIONS = frozenset({StatisticsDimension.AGE_BAND, StatisticsDimension.CITY})
NONE = "none"


@dataclass(frozen=True, slots=True)
class Table:
    dimensions: tuple[str, ...]
    cells: list[dict[str, Any]]  # {"age_band": "25-34", "count": 12} or {..., "count": None} when suppressed
    people: int | None  # everyone counted; None when fewer than the minimum group
    min_group_size: int

    def as_json(self) -> dict[str, Any]:
        return {
            "dimensions": list(self.dimensions),
            "cells": self.cells,
            "people": self.people,
            "min_group_size": self.min_group_size,
        }


def allowed_queries(vault: Vault) -> list[tuple[str, ...]]:
    """Every query the spec allows: each declared dimension alone, and each pair."""
    rules = vault.policy.spec.statistics
    if rules is None:
        return []
    dims = [d.value for d in rules.dimensions]
    return [(d,) for d in dims] + [tuple(p) for p in combinations(dims, 2)]


def counts(vault: Vault, *, dimensions: Sequence[str], actor: Actor) -> Table:
    """Counts of people by ``dimensions`` (one or two declared ones), small groups suppressed; audited."""
    rules = vault.policy.spec.statistics
    if rules is None:
        raise Conflict(
            Msg(
                "规范没有 statistics 一节：不提供统计。",
                "The spec has no 'statistics' section: no statistics are produced.",
            )
        )
    if rules.noise_epsilon is not None:
        raise Conflict(
            Msg(
                "规范要求加噪统计（noise_epsilon），这个版本的 yinsi 尚不支持；什么也没有统计。",
                "The spec asks for noisy counts (noise_epsilon), which this version of yinsi does not produce; "
                "nothing was counted.",
            )
        )
    wanted = tuple(dimensions)
    order = [d.value for d in rules.dimensions]
    allowed = set(allowed_queries(vault))
    allowed |= {(q[1], q[0]) for q in allowed if len(q) == 2}
    if wanted not in allowed:
        raise BadRequest(
            Msg(
                f"只能按规范声明的一个或两个维度统计：{', '.join(order) or '（无）'}。",
                f"Counts are by one or two of the dimensions the spec declares: {', '.join(order) or '(none)'}.",
            ),
            field="dimensions",
        )
    k = rules.min_group_size
    with vault.engine.connect() as connection:
        people = list(connection.execute(select(_subjects.c.id).where(_subjects.c.status == "active")).scalars())
        cells_of = {d: _cells(vault, connection, StatisticsDimension(d), people) for d in wanted}
    tally: Counter[tuple[str, ...]] = Counter()
    for person in people:
        for combo in _product([cells_of[d].get(person, [NONE]) for d in wanted]):
            tally[combo] += 1
    shown = _suppress(tally, wanted, k)
    cells = [{**dict(zip(wanted, combo, strict=True)), "count": shown.get(combo)} for combo in sorted(tally)]
    table = Table(wanted, cells, len(people) if len(people) >= k else None, k)
    with vault.unit() as uow:
        uow.record(
            AuditEvent(
                "statistics-produced",
                actor.id,
                role=actor.role,
                details={
                    "dimensions": list(wanted),
                    "cells": len(cells),
                    "suppressed": sum(1 for c in cells if c["count"] is None),
                },
            )
        )
    return table


def _product(lists: Sequence[Sequence[str]]) -> Iterable[tuple[str, ...]]:
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for rest in _product(lists[1:]):
            yield (head, *rest)


def _suppress(tally: Counter[tuple[str, ...]], dims: tuple[str, ...], k: int) -> dict[tuple[str, ...], int]:
    """Primary suppression (cells below ``k``), then complementary suppression until, in every line, the
    suppressed cells hold none or at least ``k`` people (the smallest cell shown in the line goes next)."""
    hidden = {combo for combo, n in tally.items() if n < k}
    lines: list[list[tuple[str, ...]]] = []
    if len(dims) == 1:
        lines.append(list(tally))
    else:
        for axis in range(len(dims)):
            groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
            for combo in tally:
                groups.setdefault(combo[:axis] + combo[axis + 1 :], []).append(combo)
            lines.extend(groups.values())
    changed = True
    while changed:
        changed = False
        for line in lines:
            gone = sum(tally[c] for c in line if c in hidden)
            if 0 < gone < k:
                rest = sorted((c for c in line if c not in hidden), key=lambda c: (tally[c], c))
                if rest:
                    hidden.add(rest[0])
                    changed = True
                # With nothing left to hide, the whole line is already hidden: its sum reveals nothing shown.
    return {combo: n for combo, n in tally.items() if combo not in hidden}


def _cells(
    vault: Vault, connection: Connection, dimension: StatisticsDimension, people: list[str]
) -> dict[str, list[str]]:
    """Each person's cells in one dimension (one for a partition; any number for the others)."""
    if dimension in PARTITIONS:
        return _generalised(vault, connection, dimension, people)
    found: dict[str, set[str]] = {}
    if dimension is StatisticsDimension.PURPOSE:
        for subject, purposes in connection.execute(select(_values.c.subject_id, _values.c.purposes)):
            found.setdefault(subject, set()).update(purposes)
    elif dimension is StatisticsDimension.CONSENT_STATE:
        for row in connection.execute(
            select(_consents.c.subject_id, _consents.c.kind, _consents.c.scope, _consents.c.status)
        ):
            found.setdefault(row.subject_id, set()).add(f"{row.kind}:{row.scope}:{row.status}")
    else:
        for subject, kind in connection.execute(select(_requests.c.subject_id, _requests.c.type)):
            found.setdefault(subject, set()).add(kind)
    return {s: sorted(v) for s, v in found.items()}


def _generalised(
    vault: Vault, connection: Connection, dimension: StatisticsDimension, people: list[str]
) -> dict[str, list[str]]:
    policy = vault.policy
    if dimension is StatisticsDimension.AGE_BAND:
        sources = [
            f
            for f, t in policy.field_types.items()
            if t is FieldType.ID_NUMBER
            or (t is FieldType.DATE and "birth" in f)
            or (t is FieldType.INTEGER and "age" in f)
        ]
    else:
        sources = [f for f, t in policy.field_types.items() if t is FieldType.ADDRESS]
    today = today_in_china(vault.now())
    result: dict[str, list[str]] = {}
    for start in range(0, len(people), BATCH):
        chunk = people[start : start + BATCH]
        opened = vault.open_fields_of(connection, chunk, sources) if sources else {}
        for person in chunk:
            result[person] = [_cell(dimension, policy.field_types, opened.get(person, {}), sources, today)]
    return result


def _cell(
    dimension: StatisticsDimension, types: dict[str, FieldType], values: dict[str, str], sources: list[str], today: Any
) -> str:
    for field_id in sources:
        value = values.get(field_id)
        if value is None:
            continue
        if dimension is StatisticsDimension.CITY:
            return city(value)
        if types[field_id] is FieldType.INTEGER:
            try:
                return age_band(today.replace(year=today.year - int(value)), today)
            except ValueError:
                continue
        born = birth_date(types[field_id], field_id, value)
        if born is not None:
            return age_band(born, today)
    return UNKNOWN
