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

Which cells a table lists never depends on a small group, or the appearance of a suppressed row would say
what its count does not. Closed dimensions (age bands, purposes, consents, request types) list every
declared value, empty ones too, suppressed like any small group. Cities are an open domain: a city is
named only when its row holds at least ``min_group_size`` people (its name would otherwise tell that
someone lives there), and every smaller city is counted in one ``other`` row, always listed. With the spec's
``noise_epsilon``, counts also carry OpenDP's discrete Laplace noise, calibrated to how many cells one person
can be in (a bound from the spec, never from the data), before suppression: ε-differential privacy for the
closed dimensions, (ε, δ) for a table by city, whose rows are chosen by a noisy threshold (``_fold_cities``).

Each noisy query spends its ε from the spec's ``privacy_budget`` for the calendar period (China time): the
spend is one conditional UPDATE (``spent + ε <= total``) in the transaction that audits the query, so two
queries racing can never spend more than the total between them; a query that would is refused, and every
answer says what is left.

Values are opened in batches only to put each person in a coarse cell (an age band, a city); no identifier,
value or subject id leaves this module.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from yinsi.adapters.db.rows import (
    ConsentStateRow,
    PiValueRow,
    PrivacyBudgetRow,
    RightsRequestRow,
    SubjectRow,
    table_of,
)
from yinsi.core.access import STORAGE_SCOPE
from yinsi.core.deadlines import today_in_china
from yinsi.core.errors import BadRequest, Conflict, PrivacyBudgetExhausted
from yinsi.core.generalise import AGE_BANDS, UNKNOWN, age_band, birth_date, city
from yinsi.core.i18n import Msg
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.model import PrivacyBudget
from yinsi.core.policy.vocabulary import FieldType, LegalBasis, StatisticsDimension
from yinsi.core.requests import RequestType
from yinsi.core.sharing import consent_scope, disclosure_scope
from yinsi.services.audit import AuditEvent
from yinsi.services.consent import STATUS
from yinsi.services.consent_state import POLICY_KIND, POLICY_SCOPE
from yinsi.services.context import ServiceContext
from yinsi.services.vault import Actor, Vault

_subjects = table_of(SubjectRow)
_values = table_of(PiValueRow)
_consents = table_of(ConsentStateRow)
_requests = table_of(RightsRequestRow)
_budget = table_of(PrivacyBudgetRow)
MICRO = 1_000_000  # ε is kept in millionths: sums of integers never drift past the total

SUPPRESSED = None  # a suppressed cell's count
BATCH = 1000
# Dimensions where each person is in exactly one cell ("unknown" included): their lines partition everyone.
PARTITIONS = frozenset({StatisticsDimension.AGE_BAND, StatisticsDimension.CITY})
NONE = "none"
CITY = StatisticsDimension.CITY.value
OTHER = "other"  # the one row every city too small to be named is counted in
DELTA = 1e-6  # with noise: the most a city row's appearance may depend on one person (see ``_fold_cities``)
CONSENT_LIMIT = 20  # consent cells (kind, scope, state) one person counts in, at most
CONSENT_STATES = tuple(STATUS.values())  # granted, refused, withdrawn


@dataclass(frozen=True, slots=True)
class Budget:
    """The privacy budget of one period after a query: what it was, what is spent, what is left."""

    period: str  # "2026-12" (month), "2026-12-05" (day) or "2026" (year)
    epsilon: float
    spent: float
    remaining: float

    def as_json(self) -> dict[str, Any]:
        return {"period": self.period, "epsilon": self.epsilon, "spent": self.spent, "remaining": self.remaining}


@dataclass(frozen=True, slots=True)
class Table:
    dimensions: tuple[str, ...]
    cells: list[dict[str, Any]]  # {"age_band": "25-34", "count": 12} or {..., "count": None} when suppressed
    people: int | None  # everyone counted; None when fewer than the minimum group
    min_group_size: int
    budget: Budget | None = None  # with noise and a privacy budget: what is left of it

    def as_json(self) -> dict[str, Any]:
        return {
            "dimensions": list(self.dimensions),
            "cells": self.cells,
            "people": self.people,
            "min_group_size": self.min_group_size,
            "budget": self.budget.as_json() if self.budget is not None else None,
        }


class Statistics:
    """Counts of people without identities: the context for units, policy and clock; the vault only to open
    values in batches to put each person in a coarse cell."""

    def __init__(self, context: ServiceContext, vault: Vault) -> None:
        self._context = context
        self._vault = vault

    def allowed_queries(self) -> list[tuple[str, ...]]:
        """Every query the spec allows: each declared dimension alone, and each pair."""
        rules = self._context.policy.spec.statistics
        if rules is None:
            return []
        dims = [d.value for d in rules.dimensions]
        return [(d,) for d in dims] + [tuple(p) for p in combinations(dims, 2)]

    def counts(self, *, dimensions: Sequence[str], actor: Actor) -> Table:
        """Counts of people by ``dimensions`` (one or two declared ones), small groups suppressed; with the spec's
        ``noise_epsilon``, each count carries calibrated noise (OpenDP) before suppression. Audited."""
        policy = self._context.policy
        rules = policy.spec.statistics
        if rules is None:
            raise Conflict(
                Msg(
                    "规范没有 statistics 一节：不提供统计。",
                    "The spec has no 'statistics' section: no statistics are produced.",
                )
            )
        wanted = tuple(dimensions)
        order = [d.value for d in rules.dimensions]
        allowed = set(self.allowed_queries())
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
        with self._context.connect() as connection:
            people = list(connection.execute(select(_subjects.c.id).where(_subjects.c.status == "active")).scalars())
            cells_of = {d: self._cells(connection, StatisticsDimension(d), people) for d in wanted}
        limits = {d: _contribution_limit(policy, StatisticsDimension(d)) for d in wanted}
        domains = {d: _domain(policy, StatisticsDimension(d)) for d in wanted}
        tally: Counter[tuple[str, ...]] = Counter()
        for person in people:
            # Each person counts in at most ``limits[d]`` cells of a dimension (the first ones), so how much one
            # person can change the table is bounded whatever the data: what noisy counts are calibrated to.
            # A value outside a closed domain (a purpose a later policy dropped) is not counted at all.
            mine = [_within(cells_of[d].get(person, [NONE]), domains[d])[: limits[d]] for d in wanted]
            for combo in _product(mine):
                tally[combo] += 1
        # Every cell of a closed domain is in the grid, empty or not; an open one (cities) has the values found.
        axes = [domains[d] or sorted({combo[i] for combo in tally} | {UNKNOWN}) for i, d in enumerate(wanted)]
        grid: Counter[tuple[str, ...]] = Counter({combo: tally[combo] for combo in _product(axes)})
        epsilon = rules.noise_epsilon
        if epsilon is not None:
            grid = _noisy(grid, math.prod(limits.values()), epsilon)
        forced: set[tuple[str, ...]] = set()
        if CITY in wanted:
            dwellers = Counter(cells_of[CITY][person][0] for person in people)
            grid, forced = _fold_cities(grid, wanted, k, limits, epsilon, dwellers)
        shown = _suppress(grid, wanted, k, forced)
        # Every cell is listed, suppressed (null) or not: closed domains have every declared value, cities the
        # ones named plus "unknown" and "other"; so which rows appear never depends on a small group.
        cells = [{**dict(zip(wanted, combo, strict=True)), "count": shown.get(combo)} for combo in grid]
        total: int | None = len(people)
        if epsilon is not None:
            # Noisy: the sum of the noisy cells of one partition with a closed domain (post-processing, no further
            # ε); no total for cities (their rows depend on the data) nor for overlapping dimensions.
            total = sum(grid.values()) if wanted == (StatisticsDimension.AGE_BAND.value,) else None
        people_count = total
        budget: Budget | None = None
        with self._context.unit() as uow:
            if epsilon is not None and rules.privacy_budget is not None:
                budget = _spend(uow.connection, rules.privacy_budget, epsilon, today_in_china(self._context.now()))
                if budget is None:
                    left = _left(uow.connection, rules.privacy_budget, today_in_china(self._context.now()))
                    uow.record(
                        AuditEvent(
                            "statistics-refused",
                            actor.id,
                            role=actor.role,
                            decision="denied",
                            details={"dimensions": list(wanted), "epsilon": epsilon, "remaining": left.remaining},
                        )
                    )
                    raise PrivacyBudgetExhausted(
                        Msg(
                            f"本期（{left.period}）隐私预算只剩 ε={left.remaining:g}，这次加噪统计需要 ε={epsilon:g}："
                            "已拒绝，下一期再查询。",
                            f"The privacy budget of this period ({left.period}) has ε={left.remaining:g} left and this "
                            f"noisy count needs ε={epsilon:g}: refused until the next period.",
                        )
                    )
            table = Table(
                wanted, cells, people_count if people_count is not None and people_count >= k else None, k, budget
            )
            uow.record(
                AuditEvent(
                    "statistics-produced",
                    actor.id,
                    role=actor.role,
                    details={
                        "dimensions": list(wanted),
                        "cells": len(cells),
                        "suppressed": sum(1 for c in cells if c["count"] is None),
                        "epsilon": epsilon,
                        "budget_remaining": budget.remaining if budget is not None else None,
                    },
                )
            )
        return table

    def remaining_budget(self) -> Budget | None:
        """What is left of this period's privacy budget, for a spec that has one (nothing is spent by asking)."""
        rules = self._context.policy.spec.statistics
        if rules is None or rules.privacy_budget is None:
            return None
        with self._context.connect() as connection:
            return _left(connection, rules.privacy_budget, today_in_china(self._context.now()))

    def _cells(self, connection: Connection, dimension: StatisticsDimension, people: list[str]) -> dict[str, list[str]]:
        """Each person's cells in one dimension (one for a partition; any number for the others)."""
        if dimension in PARTITIONS:
            return self._generalised(connection, dimension, people)
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
        self, connection: Connection, dimension: StatisticsDimension, people: list[str]
    ) -> dict[str, list[str]]:
        policy = self._context.policy
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
        today = today_in_china(self._context.now())
        result: dict[str, list[str]] = {}
        for start in range(0, len(people), BATCH):
            chunk = people[start : start + BATCH]
            opened = self._vault.open_fields_of(connection, chunk, sources) if sources else {}
            for person in chunk:
                result[person] = [_cell(dimension, policy.field_types, opened.get(person, {}), sources, today)]
        return result


def _period(budget: PrivacyBudget, today: date) -> str:
    if budget.period == "day":
        return today.isoformat()
    return str(today.year) if budget.period == "year" else f"{today.year:04d}-{today.month:02d}"


def _spend(connection: Connection, budget: PrivacyBudget, epsilon: float, today: date) -> Budget | None:
    """Spends ``epsilon`` from the period's budget, or nothing when it would go over (None). One conditional
    UPDATE: on PostgreSQL a racing query waits for the row and re-checks the condition against what the first
    committed; on SQLite writers take turns. Either way the total is never exceeded."""
    period = _period(budget, today)
    # A query always costs something: an ε under half a millionth would otherwise round to a free query.
    cost, total = max(1, round(epsilon * MICRO)), round(budget.epsilon * MICRO)
    first = {"period": period, "spent_micro": 0, "queries": 0}
    fresh = pg_insert(_budget) if connection.dialect.name == "postgresql" else sqlite_insert(_budget)
    connection.execute(fresh.values(first).on_conflict_do_nothing(index_elements=["period"]))
    spent = connection.execute(
        update(_budget)
        .where(_budget.c.period == period, _budget.c.spent_micro + cost <= total)
        .values(spent_micro=_budget.c.spent_micro + cost, queries=_budget.c.queries + 1)
        .returning(_budget.c.spent_micro)
    ).scalar_one_or_none()
    if spent is None:
        return None
    return Budget(period, budget.epsilon, spent / MICRO, (total - spent) / MICRO)


def _left(connection: Connection, budget: PrivacyBudget, today: date) -> Budget:
    period = _period(budget, today)
    spent = connection.execute(select(_budget.c.spent_micro).where(_budget.c.period == period)).scalar() or 0
    total = round(budget.epsilon * MICRO)
    return Budget(period, budget.epsilon, spent / MICRO, max(0, total - spent) / MICRO)


def _within(values: list[str], domain: list[str] | None) -> list[str]:
    return values if domain is None else [v for v in values if v in domain]


def _domain(policy: CompiledPolicy, dimension: StatisticsDimension) -> list[str] | None:
    """Every value a closed dimension can take, as the spec and the code declare them (None for cities, whose
    values are whatever addresses hold)."""
    spec = policy.spec
    if dimension is StatisticsDimension.AGE_BAND:
        return [*AGE_BANDS, UNKNOWN]
    if dimension is StatisticsDimension.PURPOSE:
        return [*spec.purposes, NONE]
    if dimension is StatisticsDimension.REQUEST_TYPE:
        return [*(t.value for t in RequestType), NONE]
    if dimension is StatisticsDimension.CONSENT_STATE:
        scopes = [(POLICY_KIND, POLICY_SCOPE)]
        scopes += [
            ("purpose", p)
            for p, purpose in spec.purposes.items()
            if purpose.legal_basis is LegalBasis.CONSENT and p not in policy.separate_purposes
        ]
        scopes += [("separate", p) for p in sorted(policy.separate_purposes)]
        scopes += [("separate", consent_scope(r)) for r in sorted(policy.separate_recipients)]
        scopes += [("separate", STORAGE_SCOPE)] if policy.storage_abroad else []
        scopes += [("separate", disclosure_scope(d)) for d in sorted(policy.separate_disclosures)]
        scopes += [("permission", p) for p in spec.permissions]
        scopes += [("cookie", c) for c in spec.cookies]
        scopes += [("personalisation", "all")] if any(p.personalisation for p in spec.purposes.values()) else []
        return [f"{kind}:{scope}:{state}" for kind, scope in scopes for state in CONSENT_STATES] + [NONE]
    return None


def _fold_cities(
    grid: Counter[tuple[str, ...]],
    dims: tuple[str, ...],
    k: int,
    limits: dict[str, int],
    epsilon: float | None,
    dwellers: Counter[str],
) -> tuple[Counter[tuple[str, ...]], set[tuple[str, ...]]]:
    """Names a city only where at least ``k`` people live (``dwellers``, not the row's sum: one person held for
    three purposes is three cells of a row by purpose); every other city's cells fold into one
    row, ``other``, listed always (as ``unknown`` is), so a row never appears or vanishes with a small group.

    With noise the row sums are sums of noisy cells, but a city found in the data at all has cells to add
    noise to, and one nobody lives in has none: so the threshold is raised until a city whose row is one
    person's alone is named with probability at most ``DELTA``. Each of its ``m`` cells holds 0 or 1 people;
    a sum of ``m`` cells (each at least 0) reaching ``T`` needs one cell at ``T/m`` or more, so a discrete
    Laplace draw of scale ``b`` at ``T/m - 1`` or more, which has probability at most ``exp(-(T/m - 1)/b)``:
    ``T = m·(1 + b·ln(m/δ))`` bounds it by δ over the row (a union bound). The answer is then
    (ε, δ)-differentially private, not ε-differentially private. And with noise the ``other`` row is always
    suppressed (its cells are returned as ``forced``): its sum would add noise draws that exist only when a
    city does, which no calibration covers."""
    axis = dims.index(CITY)
    rows: Counter[str] = Counter()
    for combo, n in grid.items():
        rows[combo[axis]] += n
    rests = sorted({combo[:axis] + combo[axis + 1 :] for combo in grid})
    threshold = float(k)
    if epsilon is not None:
        m = max(1, len(rests))  # cells in a row
        threshold = max(threshold, m * (1 + _scale(dims, limits, epsilon) * math.log(m / DELTA)))
    enough = rows if epsilon is not None else dwellers  # with noise, only noisy sums may decide
    named = sorted(c for c in rows if c not in (UNKNOWN, OTHER) and enough[c] >= threshold)
    folded: Counter[tuple[str, ...]] = Counter()
    for city_value in [*named, UNKNOWN, OTHER]:  # every row, with every value of the other dimension
        for rest in rests:
            folded[(*rest[:axis], city_value, *rest[axis:])] = 0
    for combo, n in grid.items():
        where = combo[axis] if combo[axis] in named or combo[axis] == UNKNOWN else OTHER
        folded[(*combo[:axis], where, *combo[axis + 1 :])] += n
    if epsilon is None:
        return folded, set()
    forced = {key for key in folded if key[axis] == OTHER}
    for key in forced:
        folded[key] = 0
    return folded, forced


def _scale(dims: tuple[str, ...], limits: dict[str, int], epsilon: float) -> float:
    """The discrete Laplace scale each noisy cell was drawn with (see ``_noisy``)."""
    return math.prod(limits[d] for d in dims) / epsilon


def _contribution_limit(policy: CompiledPolicy, dimension: StatisticsDimension) -> int:
    """The most cells of ``dimension`` one person counts in: one for a partition; for the others a bound
    from the spec, never from the data (a bound read off the data would itself leak)."""
    if dimension in PARTITIONS:
        return 1
    spec = policy.spec
    if dimension is StatisticsDimension.PURPOSE:
        return max(1, len(spec.purposes))
    if dimension is StatisticsDimension.REQUEST_TYPE:
        return len(RequestType)
    return CONSENT_LIMIT


def _noisy(tally: Counter[tuple[str, ...]], sensitivity: int, epsilon: float) -> Counter[tuple[str, ...]]:
    """Each count with discrete Laplace noise from OpenDP, scaled so that the counts of a fixed set of cells
    are ``epsilon``-differentially private for one person's presence (sensitivity: how many cells a person
    is in); negative results become 0. The set is fixed for closed domains; for cities see ``_fold_cities``."""
    import opendp.prelude as dp  # noqa: PLC0415 - loaded only by a spec that asks for noise

    dp.enable_features("contrib")
    keys = list(tally)  # the grid's order, which is the order cells are listed in
    if not keys:
        return tally
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = dp.m.make_laplace(*space, scale=sensitivity / epsilon)
    released = measurement([tally[key] for key in keys])
    return Counter({key: max(0, int(n)) for key, n in zip(keys, released, strict=True)})


def _product(lists: Sequence[Sequence[str]]) -> Iterable[tuple[str, ...]]:
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for rest in _product(lists[1:]):
            yield (head, *rest)


def _suppress(
    tally: Counter[tuple[str, ...]],
    dims: tuple[str, ...],
    k: int,
    forced: Set[tuple[str, ...]] = frozenset(),
) -> dict[tuple[str, ...], int]:
    """Primary suppression (cells below ``k``, empty ones too, and the ``forced`` ones), then complementary
    suppression until, in every line, the suppressed cells hold none or at least ``k`` people (the smallest
    cell shown in the line goes next). A forced cell counts as ``k`` (what it holds is not known here)."""
    hidden = {combo for combo, n in tally.items() if n < k} | forced
    weight = {combo: (k if combo in forced else n) for combo, n in tally.items()}
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
            gone = sum(weight[c] for c in line if c in hidden)
            if 0 < gone < k:
                rest = sorted((c for c in line if c not in hidden), key=lambda c: (tally[c], c))
                if rest:
                    hidden.add(rest[0])
                    changed = True
                # With nothing left to hide, the whole line is already hidden: its sum reveals nothing shown.
    return {combo: n for combo, n in tally.items() if combo not in hidden}


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
        born = birth_date(types[field_id], value)
        if born is not None:
            return age_band(born, today)
    return UNKNOWN
