"""What changed between two versions of a policy, and whether the change is material.

A material change (重大变更) must be announced prominently before it takes
effect, and where it touches processing the person consented to, yinsi asks
for fresh consent at run time (PIPL Art. 14(2)). Classifying too little as
material would silently process PI on a consent that no longer covers it, so
every doubtful case here leans towards material; classifying too much only
costs the operator a pop-up.

The diff is built in two steps so that nothing can be dropped silently:

1. a generic structural walk over the pydantic models reports *every*
   difference (fields by declaration order, mappings by key, lists by value or
   by a natural identity such as a contact channel's kind and value);
2. a rule table keyed by path patterns classifies each difference into one of
   the six kinds of ``MaterialChange`` (GB/T 35273-2020 §7.4 as the seeds list
   them), or leaves it minor. A difference no rule names is minor, so the
   rules below are written for everything that can hurt the person.

Exit codes of ``policy diff`` (the CLI maps ``PolicyDiff.exit_code``):

- ``0`` (``EXIT_NO_CHANGE``): the two specs are identical;
- ``1`` (``EXIT_MINOR``): only minor changes (wording, dates, shorter periods…);
- ``2`` (``EXIT_MATERIAL``): at least one material change: announce it and
  ask for fresh consent where the change needs it;
- ``3`` (``EXIT_INVALID``): one of the specs could not be loaded; the CLI
  reports its problems instead of a diff.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from typing import Any, Literal

from pydantic import BaseModel

from yinsi.core.i18n import Msg
from yinsi.core.policy.labels import duration
from yinsi.core.policy.model import (
    AccessLogs,
    Cancellation,
    ContactChannel,
    PolicySpec,
    Retention,
    Role,
    SupplementaryNotice,
)
from yinsi.core.policy.problems import Path
from yinsi.core.policy.types import Duration, LocalText
from yinsi.core.policy.vocabulary import (
    MaterialChange,
    OnExpiry,
    RetentionEnd,
    Risk,
    Sensitivity,
    Visibility,
)

EXIT_NO_CHANGE = 0
EXIT_MINOR = 1
EXIT_MATERIAL = 2
EXIT_INVALID = 3

ChangeType = Literal["added", "removed", "changed"]

SERVICE_MODEL = MaterialChange.SERVICE_MODEL
OWNERSHIP = MaterialChange.OWNERSHIP
RECIPIENTS = MaterialChange.RECIPIENTS
RIGHTS = MaterialChange.RIGHTS
CONTACT = MaterialChange.CONTACT
IMPACT_ASSESSMENT = MaterialChange.IMPACT_ASSESSMENT


class DiffStatus(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MATERIAL = "material"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference; ``kind`` is None for a minor change.

    ``path`` points into the new spec for additions and changes and into the
    old spec for removals, so a caller can pin it to a line of either file.
    """

    path: Path
    change: ChangeType
    kind: MaterialChange | None
    summary: Msg

    @property
    def material(self) -> bool:
        return self.kind is not None


@dataclass(frozen=True)
class PolicyDiff:
    """Every change between two specs, in spec order; ``unrelated`` says why the two look like different policies
    (another operator or policy id), in which case a list of changes means little."""

    changes: list[Change] = field(default_factory=list)
    unrelated: Msg | None = None

    @property
    def material(self) -> bool:
        return any(c.kind is not None for c in self.changes)

    @property
    def material_kinds(self) -> list[MaterialChange]:
        found = {c.kind for c in self.changes if c.kind is not None}
        return [kind for kind in MaterialChange if kind in found]

    @property
    def status(self) -> DiffStatus:
        if not self.changes:
            return DiffStatus.NONE
        return DiffStatus.MATERIAL if self.material else DiffStatus.MINOR

    @property
    def exit_code(self) -> int:
        return {
            DiffStatus.NONE: EXIT_NO_CHANGE,
            DiffStatus.MINOR: EXIT_MINOR,
            DiffStatus.MATERIAL: EXIT_MATERIAL,
        }[self.status]


def diff_policies(old: PolicySpec, new: PolicySpec) -> PolicyDiff:
    """Compare two specs; every difference yields at least one ``Change``."""
    walker = _Walker()
    walker.model(old, new, _At((), (), ()))
    env = _Env(old, new)
    changes = []
    for raw in walker.out:
        kind = _classify(raw, env)
        changes.append(Change(raw.path, raw.change, kind, _summarise(raw, env)))
    return PolicyDiff(changes, _unrelated(old, new))


def _unrelated(old: PolicySpec, new: PolicySpec) -> Msg | None:
    """Two versions of one policy share the operator or the policy id; two unrelated policies share neither."""
    old_name, new_name = old.operator.name, new.operator.name
    same_operator = old_name is not None and new_name is not None and old_name.zh_CN == new_name.zh_CN
    if old.policy.id == new.policy.id or same_operator:
        return None
    return Msg(
        f"这两份规范的政策标识（{old.policy.id} 与 {new.policy.id}）和处理者都不同，看起来是两份无关的政策，"
        "而不是同一政策的两个版本：下面的变更列表意义不大。",
        f"The two specs differ in policy id ({old.policy.id} and {new.policy.id}) and in operator: they look like "
        "two unrelated policies rather than two versions of one, so the list of changes below means little.",
    )


# --------------------------------------------------------------------------- the structural walk


@dataclass(frozen=True, slots=True)
class _Raw:
    """A difference before classification.

    ``shape`` is the path with mapping keys replaced by ``*`` and list items by
    ``[]``: the rule table is keyed by it. ``owner`` names what holds the thing
    that changed and ``name`` the thing itself, for the summary.
    """

    path: Path
    shape: tuple[str, ...]
    change: ChangeType
    old: Any
    new: Any
    owner: tuple[Msg, ...]
    name: Msg
    item: bool = False
    reordered: bool = False


@dataclass(frozen=True, slots=True)
class _Env:
    old: PolicySpec
    new: PolicySpec


def _step(key: object) -> str | int:
    if isinstance(key, Enum):
        return str(key.value)
    if isinstance(key, str | int):
        return key
    return str(key)


@dataclass(frozen=True, slots=True)
class _At:
    """Where the walk is: the real path, its pattern for the rules, and the words naming the holder."""

    path: Path
    shape: tuple[str, ...]
    owner: tuple[Msg, ...]

    def down(self, step: str | int, pattern: str, owner: Msg | None = None) -> _At:
        return _At((*self.path, step), (*self.shape, pattern), self.owner if owner is None else (*self.owner, owner))


class _Walker:
    def __init__(self) -> None:
        self.out: list[_Raw] = []

    def _emit(self, at: _At, name: Msg, old: Any, new: Any) -> None:
        change: ChangeType = "added" if old is None else "removed" if new is None else "changed"
        self.out.append(_Raw(at.path, at.shape, change, old, new, at.owner, name))

    def value(self, old: Any, new: Any, at: _At, name: Msg) -> None:
        if old == new:
            return
        if _is_branch(old) and type(old) is type(new):
            self.model(old, new, _At(at.path, at.shape, (*at.owner, name)))
        else:
            self._emit(at, name, old, new)

    def model(self, old: BaseModel, new: BaseModel, at: _At) -> None:
        cls = type(old)
        skip: set[str] = set()
        if isinstance(old, Retention) and isinstance(new, Retention):
            # period and until are one choice (how long), so they are compared as one value:
            # a switch from a period to "until cancellation" is one change, not two.
            skip = {"period", "until"}
            old_end, new_end = old.period or old.until, new.period or new.until
            if old_end != new_end:
                end_step = "period" if new.period is not None else "until"
                self._emit(at.down(end_step, "period"), _label(cls, "period"), old_end, new_end)
        for attr in cls.model_fields:
            if attr in skip:
                continue
            a, b = getattr(old, attr), getattr(new, attr)
            if a == b:
                continue
            if isinstance(a, dict) and isinstance(b, dict):
                self.mapping(a, b, at.down(attr, attr), attr)
            elif isinstance(a, list) and isinstance(b, list):
                self.sequence(a, b, at.down(attr, attr), _label(cls, attr))
            else:
                self.value(a, b, at.down(attr, attr), _label(cls, attr))

    def mapping(self, old: dict[Any, Any], new: dict[Any, Any], at: _At, attr: str) -> None:
        noun = _NOUNS.get(attr, Msg(attr, attr))
        for key in [*old, *(k for k in new if k not in old)]:
            step = _step(key)
            entry = Msg(f"{noun.zh} '{step}'", f"{noun.en} '{step}'")
            here = at.down(step, "*")
            if key not in new:
                self._emit(here, entry, old[key], None)
            elif key not in old:
                self._emit(here, entry, None, new[key])
            else:
                self.value(old[key], new[key], here, entry)

    def sequence(self, old: Sequence[Any], new: Sequence[Any], at: _At, name: Msg) -> None:
        """Lists are sets of values or of identified items: order alone is reported as a minor reordering."""
        used_new: set[int] = set()
        pairs: list[tuple[int, int]] = []
        for i, a in enumerate(old):
            for j, b in enumerate(new):
                if j not in used_new and _identity(a) == _identity(b):
                    used_new.add(j)
                    pairs.append((i, j))
                    break
        matched_old = {i for i, _ in pairs}
        # Unmatched items of a pairable kind (same contact kind, any text) are read as edits, not swaps.
        removed: list[int] = []
        for i in (i for i in range(len(old)) if i not in matched_old):
            key = _pair_key(old[i])
            partner = next(
                (j for j in range(len(new)) if j not in used_new and key is not None and _pair_key(new[j]) == key),
                None,
            )
            if partner is None:
                removed.append(i)
            else:
                used_new.add(partner)
                pairs.append((i, partner))
        before = len(self.out)
        for i in removed:
            item_at = at.down(i, "[]")
            self.out.append(_Raw(item_at.path, item_at.shape, "removed", old[i], None, at.owner, name, item=True))
        for i, j in sorted(pairs, key=lambda p: p[1]):
            a, b = old[i], new[j]
            if a == b:
                continue
            if _is_branch(a) and type(a) is type(b):
                segment = Msg(f"{name.zh} {_fmt(b, 'zh')}", f"{name.en} {_fmt(b, 'en')}")
                self.model(a, b, at.down(j, "[]", segment))
            else:
                item_at = at.down(j, "[]")
                self.out.append(_Raw(item_at.path, item_at.shape, "changed", a, b, at.owner, name, item=True))
        for j in (j for j in range(len(new)) if j not in used_new):
            item_at = at.down(j, "[]")
            self.out.append(_Raw(item_at.path, item_at.shape, "added", None, new[j], at.owner, name, item=True))
        if len(self.out) == before and list(old) != list(new):
            self.out.append(_Raw(at.path, at.shape, "changed", old, new, at.owner, name, reordered=True))


def _is_branch(value: object) -> bool:
    """Models are walked into; LocalText is a leaf, as its two languages say one thing."""
    return isinstance(value, BaseModel) and not isinstance(value, LocalText)


def _identity(item: object) -> object:
    if isinstance(item, ContactChannel):
        return (item.kind, item.value)
    if isinstance(item, SupplementaryNotice):
        return item.id
    return item


def _pair_key(item: object) -> object:
    if isinstance(item, ContactChannel):
        return item.kind
    if isinstance(item, SupplementaryNotice):
        return None  # another id is another notice
    if isinstance(item, BaseModel):
        return type(item).__name__
    return None


# --------------------------------------------------------------------------- classification

_Rule = Callable[[_Raw, _Env], MaterialChange | None]


def _always(kind: MaterialChange) -> _Rule:
    return lambda raw, env: kind


def _if(kind: MaterialChange, test: Callable[[_Raw, _Env], bool]) -> _Rule:
    return lambda raw, env: kind if test(raw, env) else None


def _on_add(kind: MaterialChange) -> _Rule:
    return _if(kind, lambda raw, env: raw.change == "added")


def _on_remove(kind: MaterialChange) -> _Rule:
    return _if(kind, lambda raw, env: raw.change == "removed")


def _unless_removed(kind: MaterialChange) -> _Rule:
    return _if(kind, lambda raw, env: raw.change != "removed")


def _becomes(kind: MaterialChange, value: object) -> _Rule:
    return _if(kind, lambda raw, env: raw.new == value and raw.old != value)


def _worse(kind: MaterialChange, *best_first: object) -> _Rule:
    """Material when the new value ranks lower; a value not listed ranks lowest, as in doubt it is worse."""

    def rank(value: object) -> int:
        return next((i for i, v in enumerate(best_first) if v == value), len(best_first))

    return _if(kind, lambda raw, env: rank(raw.new) > rank(raw.old))


def _flag(kind: MaterialChange, *, good: bool) -> _Rule:
    """A yes/no promise: None (the policy is silent) ranks between keeping it and breaking it.

    Dropping a promise to silence is material, as the person can no longer rely on it.
    """
    return _worse(kind, good, None, not good)


def _days(value: object, none: float) -> float:
    if value is None:
        return none
    if isinstance(value, Duration):
        return value.approx_days()
    if value == "session":
        return 0.0
    return math.inf  # RetentionEnd: open-ended


def _longer(kind: MaterialChange, none: float = math.inf) -> _Rule:
    """For periods the person waits or PI is kept; ``none`` is what an unstated period means."""
    return _if(kind, lambda raw, env: _days(raw.new, none) > _days(raw.old, none))


def _shorter(kind: MaterialChange, none: float = 0.0) -> _Rule:
    """For periods that protect the person (notice before shutdown, cooldown after a refusal)."""
    return _if(kind, lambda raw, env: _days(raw.new, none) < _days(raw.old, none))


def _number(kind: MaterialChange, *, worse: Literal["lower", "higher"]) -> _Rule:
    def rule(raw: _Raw, env: _Env) -> MaterialChange | None:
        if not isinstance(raw.old, int) or not isinstance(raw.new, int):
            return kind
        return kind if (raw.new < raw.old if worse == "lower" else raw.new > raw.old) else None

    return rule


def _retention_end(raw: _Raw, env: _Env) -> MaterialChange | None:
    if isinstance(raw.old, Duration) and isinstance(raw.new, Duration):
        return SERVICE_MODEL if raw.new.approx_days() > raw.old.approx_days() else None
    # A fixed period and "until the account is cancelled" cannot be ordered: kept 3 years may
    # outlast an account cancelled after one. In doubt the change is material.
    return SERVICE_MODEL


def _right_deadline(raw: _Raw, env: _Env) -> MaterialChange | None:
    """A right's own deadline overrides the general one, so the effective deadlines are compared."""
    old = raw.old if raw.old is not None else env.old.requests.deadline
    new = raw.new if raw.new is not None else env.new.requests.deadline
    return RIGHTS if _days(new, math.inf) > _days(old, math.inf) else None


def _access_logs(raw: _Raw, env: _Env) -> MaterialChange | None:
    return SERVICE_MODEL if isinstance(raw.new, AccessLogs) and raw.new.kept else None


def _cancellation(raw: _Raw, env: _Env) -> MaterialChange | None:
    if raw.change == "removed":
        return RIGHTS
    return RIGHTS if isinstance(raw.new, Cancellation) and raw.new.blockers else None


def _destinations(raw: _Raw, env: _Env) -> MaterialChange | None:
    # An empty list means "destinations unspecified": removing the last one widens, not narrows.
    if raw.change != "removed" or not env.new.storage.cross_border.destinations:
        return RECIPIENTS
    return None


def _assessed(raw: _Raw, env: _Env) -> MaterialChange | None:
    # A fresh assessment that (still) shows high risk is itself the sixth kind of change.
    return IMPACT_ASSESSMENT if env.new.impact_assessment.risk is Risk.HIGH else None


_EXPIRY = (OnExpiry.DELETE, OnExpiry.DELETE_OR_ANONYMISE, OnExpiry.ANONYMISE)

_RULES: dict[tuple[str, ...], _Rule] = {
    # ---- ownership and organisation
    ("operator", "name"): _always(OWNERSHIP),
    ("operator", "app_operator"): _always(OWNERSHIP),
    ("operator", "includes_affiliates"): _always(OWNERSHIP),
    ("operator", "address"): _always(CONTACT),
    # ---- contact, responsible department, complaint channel
    ("contact", "channels", "[]"): _always(CONTACT),
    ("contact", "channels", "[]", "kind"): _always(CONTACT),
    ("contact", "channels", "[]", "value"): _always(CONTACT),
    ("contact", "channels", "[]", "uses", "[]"): _always(CONTACT),
    ("contact", "dpo", "**"): _always(CONTACT),
    ("contact", "response"): _longer(CONTACT),
    ("contact", "response_after"): _worse(CONTACT, "receipt", "identity_verified"),
    ("minors", "contact"): _always(CONTACT),
    # ---- service model: purposes, PI types, use
    ("scope", "channels", "[]"): _on_add(SERVICE_MODEL),
    ("scope", "visitors"): _flag(SERVICE_MODEL, good=False),
    ("scope", "registered_users"): _flag(SERVICE_MODEL, good=False),
    ("scope", "third_party_services_excluded"): _flag(SERVICE_MODEL, good=False),
    ("scope", "excluded", "[]"): _unless_removed(SERVICE_MODEL),
    ("scope", "supplementary_notices", "[]"): _always(SERVICE_MODEL),
    ("scope", "supplementary_notices", "[]", "prevails"): _always(SERVICE_MODEL),
    # A supplementary notice's text has no structured counterpart here: it is the promise itself.
    ("scope", "supplementary_notices", "[]", "text"): _always(SERVICE_MODEL),
    ("fields", "*"): _always(SERVICE_MODEL),
    ("fields", "*", "type"): _always(SERVICE_MODEL),
    ("fields", "*", "category"): _always(SERVICE_MODEL),
    # Lowering sensitivity is material too: it drops separate consent and the Art. 30 notice.
    ("fields", "*", "sensitivity"): _always(SERVICE_MODEL),
    ("fields", "*", "public_place"): _flag(SERVICE_MODEL, good=False),
    ("fields", "*", "sources", "[]"): _on_add(SERVICE_MODEL),
    ("fields", "*", "derived"): _always(SERVICE_MODEL),
    ("fields", "*", "lookup"): _flag(SERVICE_MODEL, good=False),
    ("fields", "*", "immutable"): _flag(RIGHTS, good=False),
    ("purposes", "*"): _always(SERVICE_MODEL),
    ("purposes", "*", "fields", "[]"): _always(SERVICE_MODEL),
    ("purposes", "*", "function"): _always(SERVICE_MODEL),
    ("purposes", "*", "legal_basis"): _always(SERVICE_MODEL),
    ("purposes", "*", "separate_consent"): _always(SERVICE_MODEL),
    ("purposes", "*", "permissions", "[]"): _always(SERVICE_MODEL),
    ("purposes", "*", "cookies", "[]"): _always(SERVICE_MODEL),
    ("purposes", "*", "personalisation"): _always(SERVICE_MODEL),
    ("purposes", "*", "automated_decision"): _always(SERVICE_MODEL),
    ("purposes", "*", "deidentified_only"): _always(SERVICE_MODEL),
    ("purposes", "*", "others_pi"): _always(SERVICE_MODEL),
    ("purposes", "*", "retention", "period"): _retention_end,
    ("purposes", "*", "retention", "on_expiry"): _worse(SERVICE_MODEL, *_EXPIRY),
    ("purposes", "*", "retention", "legal_minimum"): _longer(SERVICE_MODEL, none=0.0),
    # A period counted from a later event keeps the PI longer; which event it counts from is the purpose's use.
    ("purposes", "*", "retention", "after"): _always(SERVICE_MODEL),
    ("statistics", "dimensions", "[]"): _on_add(SERVICE_MODEL),
    ("permissions", "*"): _always(SERVICE_MODEL),
    ("permissions", "*", "kind"): _always(SERVICE_MODEL),
    ("permissions", "*", "prompt"): _worse(SERVICE_MODEL, "first_use", "settings", "install"),
    ("cookies", "*"): _always(SERVICE_MODEL),
    ("cookies", "*", "category"): _always(SERVICE_MODEL),
    ("cookies", "*", "technologies", "[]"): _on_add(SERVICE_MODEL),
    ("cookies", "*", "expiry"): _longer(SERVICE_MODEL),
    ("cookies", "*", "third_party"): _flag(SERVICE_MODEL, good=False),
    ("personalisation",): _always(SERVICE_MODEL),
    ("personalisation", "offered"): _always(SERVICE_MODEL),
    ("personalisation", "non_personalised_alternative"): _flag(RIGHTS, good=True),
    ("personalisation", "profile_deletion"): _flag(RIGHTS, good=True),
    ("storage", "region"): _always(SERVICE_MODEL),
    # Dropping a safeguard changes how PI is handled (使用方式); adding one is minor.
    ("storage", "security_measures", "[]"): _on_remove(SERVICE_MODEL),
    ("access_logs",): _access_logs,
    ("access_logs", "kept"): _flag(SERVICE_MODEL, good=False),
    ("access_logs", "retention"): _longer(SERVICE_MODEL),
    ("shutdown", "stop_collection"): _flag(SERVICE_MODEL, good=True),
    ("shutdown", "after"): _worse(SERVICE_MODEL, *_EXPIRY),
    # ---- main recipients of sharing, transfer and disclosure
    ("recipients", "*"): _always(RECIPIENTS),
    ("recipients", "*", "kind"): _always(RECIPIENTS),
    ("recipients", "*", "name"): _always(RECIPIENTS),
    ("recipients", "*", "sdk_provider"): _always(RECIPIENTS),
    ("recipients", "*", "contact"): _if(RECIPIENTS, lambda raw, env: raw.change != "added"),
    ("recipients", "*", "fields", "[]"): _always(RECIPIENTS),
    ("recipients", "*", "purposes", "[]"): _always(RECIPIENTS),
    ("recipients", "*", "region"): _always(RECIPIENTS),
    ("recipients", "*", "deidentified"): _always(RECIPIENTS),
    ("recipients", "*", "separate_consent"): _always(RECIPIENTS),
    ("recipients", "*", "cross_border_consent"): _always(RECIPIENTS),
    ("recipients", "*", "agreement"): _flag(RECIPIENTS, good=True),
    ("recipients", "*", "delete_on_end"): _flag(RECIPIENTS, good=True),
    ("recipients", "*", "deletion_channel"): _if(RIGHTS, lambda raw, env: raw.change != "added"),
    # A recipient's own uses are purposes of the recipient: a new or reworded one widens what it does with the PI
    # (PIPL Art. 22, 23); dropping one narrows it.
    ("recipients", "*", "uses", "*"): _unless_removed(RECIPIENTS),
    ("public_disclosures", "*"): _unless_removed(RECIPIENTS),
    ("public_disclosures", "*", "fields", "[]"): _on_add(RECIPIENTS),
    ("public_disclosures", "*", "audience"): _always(RECIPIENTS),
    ("public_disclosures", "*", "legal_basis"): _always(RECIPIENTS),
    ("public_disclosures", "*", "default_on"): _flag(RECIPIENTS, good=False),
    ("public_disclosures", "*", "deidentified"): _flag(RECIPIENTS, good=True),
    ("public_disclosures", "*", "opt_out_via_third_party"): _flag(RIGHTS, good=False),
    ("public_disclosures", "*", "separate_consent"): _flag(RECIPIENTS, good=True),
    ("open_lists", "[]"): _on_add(SERVICE_MODEL),
    ("recipients", "*", "deidentify"): _always(RECIPIENTS),
    ("recipients", "*", "deidentify", "*"): _always(RECIPIENTS),
    ("recipients", "*", "transfer_mechanism"): _always(RECIPIENTS),
    ("storage", "cross_border", "mechanism"): _always(RECIPIENTS),
    ("sharing", "transfer_on_merger"): _flag(RECIPIENTS, good=False),
    ("sharing", "merger_notice_recipient"): _flag(RECIPIENTS, good=True),
    ("sharing", "merger_reconsent"): _flag(RECIPIENTS, good=True),
    # Whether "with consent" narrows or widens cannot be told from the flag alone: either way is material.
    ("sharing", "transfer_with_explicit_consent"): _always(RECIPIENTS),
    ("sharing", "public_disclosure_with_consent"): _always(RECIPIENTS),
    ("sharing", "public_disclosure_on_compulsion"): _flag(RECIPIENTS, good=False),
    ("sharing", "checks_legal_documents"): _flag(RECIPIENTS, good=True),
    ("sharing", "deidentified_without_notice"): _flag(RECIPIENTS, good=False),
    ("sharing", "anonymised_statistics"): _flag(RECIPIENTS, good=False),
    ("sharing", "exceptions", "[]"): _on_add(RECIPIENTS),
    ("storage", "cross_border", "rule"): _always(RECIPIENTS),
    ("storage", "cross_border", "destinations", "[]"): _destinations,
    # ---- the person's rights and how to exercise them
    ("rights", "*"): _always(RIGHTS),
    ("rights", "*", "offered"): _always(RIGHTS),
    ("rights", "*", "self_service"): _always(RIGHTS),
    ("rights", "*", "path"): _always(RIGHTS),
    ("rights", "*", "deadline"): _right_deadline,
    ("requests", "deadline"): _longer(RIGHTS),
    ("requests", "complaints_deadline"): _longer(RIGHTS),
    ("requests", "identity_verification"): _flag(RIGHTS, good=False),
    ("requests", "written_request_may_be_required"): _flag(RIGHTS, good=False),
    ("requests", "free"): _flag(RIGHTS, good=True),
    ("requests", "excessive"): _on_add(RIGHTS),
    ("requests", "excessive", "max_requests"): _number(RIGHTS, worse="lower"),
    ("requests", "excessive", "window_days"): _number(RIGHTS, worse="higher"),
    ("requests", "excessive", "action"): _always(RIGHTS),
    ("requests", "refusal_grounds", "[]"): _on_add(RIGHTS),
    ("requests", "may_refuse_unreasonable"): _flag(RIGHTS, good=False),
    ("requests", "external_remedies", "[]"): _on_remove(RIGHTS),
    ("requests", "court"): _unless_removed(RIGHTS),
    ("cancellation",): _cancellation,
    # A blocker's text is the blocker: a reworded one cannot be told from a replaced one.
    ("cancellation", "blockers", "[]"): _unless_removed(RIGHTS),
    ("cancellation", "review_deadline"): _longer(RIGHTS),
    ("cancellation", "third_party_login_release"): _flag(RIGHTS, good=True),
    ("cancellation", "after"): _worse(RIGHTS, *_EXPIRY),
    ("minors",): _always(RIGHTS),
    ("minors", "rule"): _always(RIGHTS),
    ("minors", "guardian_consent_under"): _always(RIGHTS),
    ("minors", "delete_on_discovery"): _flag(RIGHTS, good=True),
    ("minors", "guardian_may", "[]"): _on_remove(RIGHTS),
    ("consent", "refusal_cooldown"): _shorter(RIGHTS),
    ("consent", "new_purpose_opt_in"): _flag(RIGHTS, good=True),
    ("shutdown", "notice"): _shorter(RIGHTS),
    ("incidents", "public_announcement_fallback"): _flag(RIGHTS, good=True),
    ("incidents", "report_to_regulators"): _flag(RIGHTS, good=True),
    ("incidents", "notice_contents", "[]"): _on_remove(RIGHTS),
    ("changes", "notice_before_effect"): _flag(RIGHTS, good=True),
    ("changes", "no_rights_reduction_without_consent"): _flag(RIGHTS, good=True),
    ("changes", "no_settings_change"): _flag(RIGHTS, good=True),
    ("changes", "material_kinds", "[]"): _on_remove(RIGHTS),
    ("changes", "without_notice"): _flag(RIGHTS, good=False),
    ("changes", "effective_after_confirmation"): _flag(RIGHTS, good=True),
    ("consent", "bundled_with_terms"): _flag(RIGHTS, good=False),
    # ---- a PI impact assessment showing high risk
    ("impact_assessment", "risk"): _becomes(IMPACT_ASSESSMENT, Risk.HIGH),
    ("impact_assessment", "last_assessed"): _assessed,
}
"""Path pattern → rule. ``*`` is any mapping key, ``[]`` any list item, a final ``**`` any sub-path.

Anything not named here is minor: the policy's identity and dates, every
label, description, note and ``how``, principles, security measures added,
periods shortened, notice channels, ``unstated`` and the internal ``roles``.
"""


def _classify(raw: _Raw, env: _Env) -> MaterialChange | None:
    if raw.reordered:
        return None
    rule = _RULES.get(raw.shape)
    if rule is None:
        for end in range(len(raw.shape), -1, -1):
            rule = _RULES.get((*raw.shape[:end], "**"))
            if rule is not None:
                break
    return rule(raw, env) if rule is not None else None


# --------------------------------------------------------------------------- summaries

_NOUNS: dict[str, Msg] = {
    "fields": Msg("字段", "field"),
    "purposes": Msg("目的", "purpose"),
    "permissions": Msg("权限", "permission"),
    "cookies": Msg("Cookie", "cookie"),
    "roles": Msg("角色", "role"),
    "recipients": Msg("接收方", "recipient"),
    "rights": Msg("权利", "right"),
}

_LABELS: dict[str, str | tuple[str, str]] = {
    # keys added with public disclosures, open lists and the missing vocabulary
    "app_type": ("App 类型", "app type"),
    "public_place": ("公共场所采集", "collected in public places"),
    "public_disclosures": ("公开披露的个人信息", "public disclosures"),
    "open_lists": ("未列全的清单", "open-ended lists"),
    "PublicDisclosure.fields": ("公开的字段", "fields made public"),
    "audience": ("公开对象", "audience"),
    "default_on": ("默认公开", "on by default"),
    "opt_out_via_third_party": ("只能通过第三方退出", "opt-out only through a third party"),
    "what": ("清单内容", "what is listed"),
    "OpenList.how": ("未列全的方式", "how it is left open"),
    "quote": ("原文", "the policy's words"),
    "certifications": ("认证", "certifications"),
    "level": ("等级", "level"),
    "fee": ("收费标准", "fee"),
    "effective_after_confirmation": ("确认后生效", "applies after confirmation"),
    "without_notice": ("可不经通知变更", "may change without notice"),
    "archive": ("历史版本", "archive of earlier versions"),
    "bundled_with_terms": ("同意与服务协议捆绑", "consent bundled with the terms"),
    # sections of the spec
    "spec_version": "规范版本",
    "policy": ("政策信息", "policy information"),
    "operator": "运营者",
    "contact": ("联系方式", "contact"),
    "scope": ("适用范围", "scope"),
    "principles": "原则",
    "personalisation": ("个性化推荐", "personalisation"),
    "sharing": ("共享、转让与公开披露规则", "sharing rules"),
    "storage": "存储",
    "access_logs": ("网络访问日志", "network access logs"),
    "requests": ("权利请求处理", "request handling"),
    "cancellation": ("注销账号", "account cancellation"),
    "minors": ("未成年人规则", "minors"),
    "consent": ("同意规则", "consent rules"),
    "incidents": ("安全事件处置", "incident handling"),
    "shutdown": ("停止运营", "shutdown"),
    "changes": ("政策变更", "policy changes"),
    "impact_assessment": ("个人信息保护影响评估", "PI impact assessment"),
    "unstated": ("未说明事项", "unstated matters"),
    # words shared by several objects
    "id": ("标识", "identifier"),
    "label": ("名称", "label"),
    "description": ("说明", "description"),
    "note": ("备注", "note"),
    "kind": ("类型", "kind"),
    "category": ("类别", "category"),
    "region": ("地区", "region"),
    "fields": ("字段", "fields"),
    "purposes": ("目的", "purposes"),
    "channels": ("渠道", "channels"),
    "product": ("产品", "product"),
    "after": ("之后的处理", "handling afterwards"),
    "rule": ("规则", "rule"),
    "offered": ("是否提供", "offered"),
    "deadline": ("期限", "deadline"),
    "separate_consent": ("需要单独同意", "separate consent"),
    "retention": ("保存期限", "retention"),
    # PolicyInfo
    "version": ("版本号", "version label"),
    "title": ("标题", "title"),
    "effective_date": ("生效日期", "effective date"),
    "updated_date": ("更新日期", "updated date"),
    "previous_version_date": ("上一版本日期", "previous version date"),
    "view_in_product": ("产品内查看位置", "where to find it in the product"),
    "introduction": ("引言", "introduction"),
    # Operator
    "Operator.name": ("名称", "name"),
    "app_operator": ("应用运营方", "app operator"),
    "includes_affiliates": ("包括关联公司", "includes affiliates"),
    "address": ("地址", "address"),
    "sms_signature": ("短信签名", "SMS signature"),
    # Contact
    "Contact.channels": ("联系渠道", "channel"),
    "value": ("号码或地址", "value"),
    "uses": ("用途", "uses"),
    "dpo": ("个人信息保护负责人", "PI protection officer"),
    "department": ("负责部门", "department"),
    "response": ("答复期限", "response time"),
    "response_after": ("答复期限起算点", "response time counted from"),
    # Scope
    "Scope.channels": ("适用渠道", "channels"),
    "visitors": ("适用于访客", "covers visitors"),
    "registered_users": ("适用于注册用户", "covers registered users"),
    "third_party_services_excluded": ("不适用于第三方服务", "excludes third-party services"),
    "excluded": ("不适用情形", "exclusions"),
    "supplementary_notices": ("补充说明", "supplementary notice"),
    "prevails": ("优先适用", "prevails"),
    "text": ("内容", "text"),
    # PiField
    "type": ("数据类型", "type"),
    "sensitivity": ("敏感程度", "sensitivity"),
    "lookup": ("可按值查找", "lookup by value"),
    "immutable": ("不可修改", "immutable"),
    "sources": ("来源", "sources"),
    "derived": ("推断得出", "derived"),
    "necessity": ("必要性说明", "necessity"),
    "impact": ("影响说明", "impact"),
    # Retention
    "period": ("时长", "period"),
    "until": ("时长", "period"),
    "on_expiry": ("到期处理", "handling on expiry"),
    "legal_minimum": ("法定最短保存期", "legal minimum"),
    "legal_minimum_source": ("法定依据", "legal minimum source"),
    "Retention.after": ("起算时点", "counted from"),
    # Statistics
    "statistics": ("匿名统计", "anonymous statistics"),
    "Statistics.dimensions": ("统计维度", "dimensions"),
    "min_group_size": ("最小分组人数", "minimum group size"),
    "noise_epsilon": ("噪声隐私预算", "noise privacy budget"),
    "privacy_budget": ("隐私预算总额", "total privacy budget"),
    "PrivacyBudget.epsilon": ("每期可用的隐私预算", "budget per period"),
    "PrivacyBudget.period": ("预算周期", "budget period"),
    # Purpose
    "Purpose.fields": ("收集字段", "fields"),
    "function": ("功能类型", "function kind"),
    "legal_basis": ("合法性基础", "legal basis"),
    "legal_basis_note": ("合法性基础说明", "legal basis note"),
    "permissions": ("设备权限", "permissions"),
    "cookies": ("Cookie", "cookies"),
    "Purpose.personalisation": ("用于个性化推荐", "used for personalisation"),
    "automated_decision": ("自动化决策", "automated decision-making"),
    "deidentified_only": ("仅使用去标识化信息", "de-identified data only"),
    "others_pi": ("涉及他人个人信息", "others' PI"),
    # Permission, Cookie
    "prompt": ("申请时机", "prompt timing"),
    "technologies": ("技术", "technologies"),
    "expiry": ("有效期", "expiry"),
    "third_party": ("第三方", "third-party"),
    # Personalisation
    "opt_out": ("关闭方式", "opt-out"),
    "non_personalised_alternative": ("非个性化选项", "non-personalised alternative"),
    "algorithm_disclosure": ("算法说明", "algorithm disclosure"),
    "profile_deletion": ("删除画像", "profile deletion"),
    # Role
    "operations": ("操作", "operations"),
    # Recipient
    "Recipient.name": ("名称", "name"),
    "Recipient.fields": ("提供的字段", "fields provided"),
    "agreement": ("书面协议", "written agreement"),
    "deidentified": ("去标识化", "de-identified"),
    "cross_border_consent": ("出境单独同意", "cross-border consent"),
    "delete_on_end": ("委托结束后删除", "deletes when the entrustment ends"),
    "deletion_channel": ("删除请求渠道", "deletion channel"),
    "sdk_provider": ("SDK 提供方", "SDK provider"),
    "deidentify": ("去标识化方式", "de-identification"),
    "transfer_mechanism": ("出境的法定条件", "transfer mechanism"),
    "CrossBorder.mechanism": ("出境的法定条件", "transfer mechanism"),
    # Minors
    "guardian_consent_under": ("需监护人同意的年龄", "guardian consent age"),
    "delete_on_discovery": ("发现后删除", "delete on discovery"),
    "guardian_may": ("监护人可行使的权利", "guardian may"),
    # Storage
    "cross_border": ("跨境传输", "cross-border transfer"),
    "destinations": ("目的地", "destinations"),
    "Storage.region": ("地区", "region"),
    "region_note": ("地区说明", "region note"),
    "security_measures": ("安全措施", "security measures"),
    "backup_deletion": ("备份删除说明", "backup deletion"),
    # RightSpec
    "how": ("行使方式", "how to exercise it"),
    "self_service": ("自助办理", "self-service"),
    "path": ("产品内路径", "path in the product"),
    # Excessive, Cancellation, Requests
    "excessive": ("过度请求规则", "excessive-request rule"),
    "max_requests": ("次数上限", "maximum requests"),
    "window_days": ("计算周期（天）", "window in days"),
    "action": ("处理方式", "action"),
    "blockers": ("注销前须处理的事项", "blockers"),
    "review_deadline": ("审核期限", "review deadline"),
    "third_party_login_release": ("解除第三方账号绑定", "third-party login release"),
    "Requests.deadline": ("答复期限", "deadline"),
    "complaints_deadline": ("投诉处理期限", "complaints deadline"),
    "identity_verification": ("身份验证", "identity verification"),
    "written_request_may_be_required": ("可能要求书面请求", "written request may be required"),
    "free": ("免费", "free of charge"),
    "refusal_grounds": ("拒绝理由", "refusal grounds"),
    "may_refuse_unreasonable": ("可拒绝无理请求", "may refuse unreasonable requests"),
    "external_remedies": ("外部救济途径", "external remedies"),
    "court": ("管辖法院", "court"),
    # Sharing
    "transfer_on_merger": ("合并时转让", "transfer on merger"),
    "merger_notice_recipient": ("告知新持有方", "names the new holder"),
    "merger_reconsent": ("合并后重新征得同意", "re-consent after a merger"),
    "transfer_with_explicit_consent": ("经明示同意转让", "transfer with explicit consent"),
    "public_disclosure_with_consent": ("经同意公开披露", "public disclosure with consent"),
    "public_disclosure_on_compulsion": ("依法强制公开披露", "public disclosure under compulsion"),
    "checks_legal_documents": ("核验法律文件", "checks legal documents"),
    "deidentified_without_notice": ("去标识化信息无需告知", "de-identified data without notice"),
    "anonymised_statistics": ("匿名化统计", "anonymised statistics"),
    "exceptions": ("无需同意的情形", "exceptions to consent"),
    # Incidents, Shutdown, Changes, ConsentRules
    "public_announcement_fallback": ("以公告兜底", "public announcement fallback"),
    "report_to_regulators": ("上报监管部门", "report to regulators"),
    "notice_contents": ("告知内容", "notice contents"),
    "notice": ("提前通知期", "notice period"),
    "stop_collection": ("停止收集", "stop collection"),
    "notice_before_effect": ("生效前通知", "notice before effect"),
    "no_rights_reduction_without_consent": ("未经同意不削减权利", "no reduction of rights without consent"),
    "no_settings_change": ("不擅自改变设置", "no silent change of settings"),
    "material_kinds": ("重大变更类型", "kinds of material change"),
    "refusal_cooldown": ("拒绝后再次询问的间隔", "refusal cooldown"),
    "new_purpose_opt_in": ("新目的须另行同意", "new purposes need opt-in"),
    "how_to_withdraw": ("撤回方式", "how to withdraw"),
    # ImpactAssessment, AccessLogs
    "last_assessed": ("最近评估日期", "last assessed"),
    "risk": ("风险等级", "risk"),
    "kept": ("保存", "kept"),
}


def _label(cls: type[BaseModel], attr: str) -> Msg:
    found = _LABELS.get(f"{cls.__name__}.{attr}", _LABELS.get(attr))
    if found is None:
        words = attr.replace("_", " ")
        return Msg(words, words)
    if isinstance(found, str):
        return Msg(found, attr.replace("_", " "))
    return Msg(*found)


_SHORT = 40


def _fmt(value: object, lang: str) -> str:
    zh = lang == "zh"
    if value is None:
        return "（无）" if zh else "(none)"
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if value is RetentionEnd.ACCOUNT_CANCELLATION:
        return "直至注销账号" if zh else "until the account is cancelled"
    if value is RetentionEnd.PURPOSE_FULFILLED:
        return "直至目的实现" if zh else "as long as the purpose needs"
    if isinstance(value, Enum):
        return f"'{value.value}'"
    if isinstance(value, Duration):
        return duration(value, "zh-CN" if zh else "en")
    if value == "session":
        return "会话期间" if zh else "the session"
    if isinstance(value, LocalText):
        text = value.zh_CN if zh else value.get("en")
        text = " ".join(text.split())
        return f"'{text if len(text) <= _SHORT else text[: _SHORT - 1] + '…'}'"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, ContactChannel):
        return f"{value.kind.value} {value.value}" if value.value else value.kind.value
    if isinstance(value, SupplementaryNotice):
        return f"'{value.id}'"
    if isinstance(value, list):
        return ("、" if zh else ", ").join(_fmt(v, lang) for v in value) or _fmt(None, lang)
    return type(value).__name__


def _is_scalar(value: object) -> bool:
    return not isinstance(value, BaseModel | dict | list) or isinstance(value, LocalText)


_ZH_PUNCT = set("：（）、，。；")


def _zh(*parts: str) -> str:
    """Chinese joins without spaces, but a space sets off Latin text and quoted identifiers."""
    text = ""
    for part in parts:
        if not part:
            continue
        if text and not (
            (not text[-1].isascii() and not part[0].isascii())
            or text[-1].isspace()
            or part[0].isspace()
            or text[-1] in _ZH_PUNCT
            or part[0] in _ZH_PUNCT
        ):
            text += " "
        text += part
    return text


def _en(*parts: str) -> str:
    text = " ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


_ITEM_PHRASES: dict[tuple[str, ...], tuple[Msg, Msg]] = {
    # (added, removed): the Chinese follows the owner; the English fills in {owner}
    ("purposes", "*", "fields", "[]"): (
        Msg("新增收集字段 {item}", "{owner} now collects {item}"),
        Msg("不再收集字段 {item}", "{owner} no longer collects {item}"),
    ),
    ("recipients", "*", "fields", "[]"): (
        Msg("新增接收字段 {item}", "{owner} now receives {item}"),
        Msg("不再接收字段 {item}", "{owner} no longer receives {item}"),
    ),
}


def _summarise(raw: _Raw, env: _Env) -> Msg:
    owner_zh = ""
    for segment in raw.owner:
        owner_zh = _zh(owner_zh, "的", segment.zh) if owner_zh else segment.zh
    owner_en = " ".join(m.en for m in raw.owner)
    name = raw.name
    of = _zh(owner_zh, "的") if owner_zh else ""
    if raw.reordered:
        msg = Msg(_zh(of, name.zh, "顺序调整"), _en(owner_en, name.en, "reordered"))
    elif raw.item and raw.change != "changed":
        value = raw.new if raw.change == "added" else raw.old
        phrases = _ITEM_PHRASES.get(raw.shape)
        if phrases is not None:
            template = phrases[0] if raw.change == "added" else phrases[1]
            msg = Msg(
                _zh(owner_zh, template.zh.format(item=_fmt(value, "zh"))),
                _en(template.en.format(owner=owner_en, item=_fmt(value, "en"))),
            )
        else:
            verb_zh = "新增" if raw.change == "added" else "删除"
            msg = Msg(
                _zh(owner_zh, verb_zh, name.zh, _fmt(value, "zh")),
                _en(owner_en, f"{name.en}: {_fmt(value, 'en')} {raw.change}"),
            )
    elif raw.change == "added":
        shown = _is_scalar(raw.new)
        msg = Msg(
            _zh(owner_zh, "新增", name.zh) + (f"：{_fmt(raw.new, 'zh')}" if shown else ""),
            _en(owner_en, name.en, "added") + (f": {_fmt(raw.new, 'en')}" if shown else ""),
        )
    elif raw.change == "removed":
        shown = _is_scalar(raw.old)
        msg = Msg(
            _zh(owner_zh, "删除", name.zh) + (f"（原为 {_fmt(raw.old, 'zh')}）" if shown else ""),
            _en(owner_en, name.en, "removed") + (f" (was {_fmt(raw.old, 'en')})" if shown else ""),
        )
    else:
        msg = Msg(_changed_zh(_zh(of, name.zh), raw.old, raw.new), _changed_en(owner_en, name.en, raw.old, raw.new))
    if raw.shape[:1] == ("roles",):
        msg = _role_note(raw, env, msg)
    return msg


def _changed_zh(what: str, old: object, new: object) -> str:
    if isinstance(old, LocalText) and isinstance(new, LocalText):
        if old.zh_CN == new.zh_CN:
            return _zh(what, "的英文文字已修改")
        if len(old.zh_CN) > _SHORT or len(new.zh_CN) > _SHORT:
            return _zh(what, "的文字已修改")
    return _zh(what, "由", _fmt(old, "zh"), "改为", _fmt(new, "zh"))


def _changed_en(owner: str, what: str, old: object, new: object) -> str:
    if isinstance(old, LocalText) and isinstance(new, LocalText):
        old_en, new_en = old.get("en"), new.get("en")
        if old_en == new_en:
            return _en(owner, what, "reworded in Chinese")
        if len(old_en) > _SHORT or len(new_en) > _SHORT:
            return _en(owner, what, "reworded")
    return _en(owner, what, "changed from", _fmt(old, "en"), "to", _fmt(new, "en"))


def _role_note(raw: _Raw, env: _Env, msg: Msg) -> Msg:
    """Roles configure the running system, not the notice; a sensitive field seen whole still deserves a look."""
    exposed: list[str] = []
    if isinstance(raw.new, Role):
        visible = raw.new.fields
        exposed = [f for f, v in visible.items() if v == Visibility.WHOLE and _sensitive(env, f)]
    elif raw.shape == ("roles", "*", "fields", "*") and raw.new == Visibility.WHOLE and isinstance(raw.path[-1], str):
        exposed = [raw.path[-1]] if _sensitive(env, raw.path[-1]) else []
    zh, en = (
        msg.zh + "（内部配置，不属于公开的政策文本）",
        msg.en + " (internal configuration, not part of the published notice)",
    )
    if exposed:
        names = ", ".join(f"'{f}'" for f in exposed)
        zh += f"；注意：敏感字段 {names} 完整可见"
        en += f"; note: sensitive field {names} becomes wholly visible"
    return Msg(zh, en)


def _sensitive(env: _Env, field_id: str) -> bool:
    pi = env.new.fields.get(field_id)
    return pi is not None and pi.sensitivity is Sensitivity.SENSITIVE
