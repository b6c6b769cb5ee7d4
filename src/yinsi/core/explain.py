"""The explanation of the processing rules a person may ask for (PIPL Art. 48), field by field.

The published policy answers "what do you do with personal information" for
everyone at once, in chapters; a person asking for an explanation wants the
same answer turned around: "what do you do with *my* mobile number". This
module gives that answer per field, from the spec alone, so it can never say
more (or less) than the policy in force: the purposes the field serves, the
legal basis of each, how long it is kept, who receives it and, for sensitive
information, why it is necessary and how it affects the person.

Every vocabulary word comes from ``policy.labels``, the words the published
policy uses, so the explanation and the policy cannot describe the same thing
differently. Where the spec is silent (a recipient that does not say which
information it receives, a sensitive field without a stated necessity) the
text says so instead of implying a promise the operator never made.

Output is a pure function of the spec and the arguments: no clock, no
hash-ordered iteration, so the same request always gets the same words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from yinsi.core.i18n import Msg
from yinsi.core.policy import labels as L
from yinsi.core.policy import law
from yinsi.core.policy.model import PiField, PolicySpec, Purpose, Recipient, Retention
from yinsi.core.policy.types import LocalText
from yinsi.core.policy.vocabulary import LegalBasis, OnExpiry, RecipientKind, RetentionStart, Sensitivity

__all__ = ["ExplainLang", "FieldExplanation", "PurposeExplanation", "explain_fields"]

ExplainLang = Literal["zh-CN", "en"]
_LANGS: tuple[str, ...] = ("zh-CN", "en")


@dataclass(frozen=True, slots=True)
class PurposeExplanation:
    """One purpose a field serves, in words ready to show; ``recipients`` are recipient names."""

    purpose: str
    label: str
    function: str
    legal_basis: str
    retention: str
    recipients: list[str]
    needs_consent: bool
    separate_consent: bool


@dataclass(frozen=True, slots=True)
class FieldExplanation:
    """One field: the facts as data (for a UI that lays them out itself) and as one paragraph (``text``)."""

    field: str
    label: str
    sensitive: bool
    text: str
    purposes: list[PurposeExplanation]


# --------------------------------------------------------------------------- the sentences
#
# The vocabulary words live in ``labels``; these are only the sentence frames
# an explanation needs and the published policy does not.

_OPENING = Msg("我们出于以下目的处理{your_field}。", "We hold {your_field} for the purposes below.")
_NO_PURPOSE = Msg("本政策未写明处理{your_field}的目的。", "This policy does not say why we hold {your_field}.")
# English says each purpose in three short sentences; Chinese reads better as one.
_USE = Msg(
    "用于“{purpose}”（{function}）：依据是{basis}；保存{retention}。",
    'For "{purpose}" ({function}). Legal basis: {basis}. Kept {retention}.',
)
_SEPARATE_CONSENT = Msg("（我们会单独征求您的同意）", " (we ask for your separate consent)")
_WITHDRAW = Msg(
    "基于您的同意进行的处理，您可以随时撤回同意；撤回不影响撤回前已经进行的处理。",
    "Where we rely on your consent, you can withdraw it at any time; this does not affect what was done before.",
)
# The recipients follow these sentences as a list of their own, grouped by kind.
_PROVIDED_TO = Msg("我们会向以下接收方提供{your_field}。", "We provide it to the recipients below.")
_MAY_RECEIVE = Msg(
    "以下接收方也可能收到这项信息（本政策未写明它们具体接收哪些个人信息）。",
    "These recipients may also receive it (this policy does not say which personal information they receive).",
)
_ONLY_MAY_RECEIVE = Msg(
    "本政策未写明向哪个接收方提供{your_field}，但以下接收方可能收到这项信息（本政策未写明它们具体接收哪些个人信息）。",
    "This policy names no recipient of {your_field}, but these recipients may receive it (this policy does not "
    "say which personal information they receive).",
)
_NOT_PROVIDED = Msg("我们不向第三方提供{your_field}。", "We do not provide {your_field} to third parties.")
_NOT_PROVIDED_EXCEPT = Msg(
    "除本政策列明的无需征得您同意的情形外，我们不向第三方提供{your_field}。",
    "Apart from the cases this policy lists where no consent is needed, we do not provide {your_field} to third "
    "parties.",
)
_SENSITIVE = Msg(
    "{field}属于敏感个人信息。处理的必要性：{necessity}对您个人权益的影响：{impact}",
    "This is sensitive personal information. Why it is necessary: {necessity} How it affects you: {impact}",
)
_RECIPIENT_SEPARATE = Msg("需要您的单独同意", "with your separate consent")
_PAREN = Msg("（{text}）", " ({text})")
_LIST_SEP = Msg("；", "; ")
_DETAIL_SEP = Msg("，", ", ")

_TERMINAL = "。！？.!?"
_DOUBLE_STOP = re.compile(r"(?<!\.)([。.])[。.](?!\.)")


# --------------------------------------------------------------------------- public API


def explain_fields(spec: PolicySpec, lang: ExplainLang, fields: Sequence[str] | None = None) -> list[FieldExplanation]:
    """Explanations of ``fields`` (all declared fields, in spec order, when None), in ``lang``.

    An unknown field id is refused rather than skipped: a person asked about
    it, and silently leaving it out would read as "we hold nothing of that".
    """
    if lang not in _LANGS:
        raise ValueError(f"unknown language {lang!r}: use zh-CN or en")
    if fields is None:
        wanted = list(spec.fields)
    else:
        wanted = list(dict.fromkeys(fields))
        unknown = [fid for fid in wanted if fid not in spec.fields]
        if unknown:
            raise ValueError(f"the policy declares no field {unknown[0]!r}")
    writer = _Writer(spec, lang)
    return [writer.field(fid) for fid in wanted]


# --------------------------------------------------------------------------- writing


def _receives(recipient: Recipient, field_id: str, purpose_id: str) -> bool:
    """Whether the spec lets ``recipient`` receive the field for the purpose.

    An empty ``fields`` or ``purposes`` list means the policy does not say,
    which is read as "may be any": telling a person too much about who may
    receive their information is the safe side of an unclear policy.
    """
    return (not recipient.fields or field_id in recipient.fields) and (
        not recipient.purposes or purpose_id in recipient.purposes
    )


class _Writer:
    def __init__(self, spec: PolicySpec, lang: str) -> None:
        self.spec = spec
        self.lang = lang
        self.en = lang == "en"

    # ---- words

    def t(self, msg: Msg, **values: str) -> str:
        return msg.get(self.lang).format(**values)

    def period(self, text: str) -> str:
        return text if self.en else L.pad_digits(text)

    def local(self, text: LocalText) -> str:
        return L.prose(text.get(self.lang))

    def sentence(self, text: str) -> str:
        text = text.strip()
        if not text or text[-1] in _TERMINAL or text[-2:-1] in _TERMINAL:
            return text
        return text + ("." if self.en else "。")

    def inline(self, text: str) -> str:
        """An English phrase from a capitalised label, to sit inside a sentence ("Basic function" → "basic function").

        Acronyms and names keep their capitals: only a plain capitalised first
        word is lowered, and only when no later word is capitalised.
        """
        if not self.en or not text[:1].isupper() or text[1:2].isupper():
            return text
        first, _, rest = text.partition(" ")
        if not first[1:].islower() and first[1:] != "":
            return text
        if any(word[:1].isupper() for word in rest.split()):
            return text
        return text[0].lower() + text[1:]

    def possessive(self, label: str) -> str:
        """ "您的手机号码", "your mobile number"; a label that already says whose ("您发布的信息") is kept as it is."""
        phrase = self.inline(label)
        if self.en:
            return phrase if phrase.lower().startswith("your ") else f"your {phrase}"
        return phrase if phrase.startswith("您") else f"您的{phrase}"

    # ---- facts

    def field_label(self, field: PiField) -> str:
        return self.local(field.label)

    def legal_basis(self, purpose: Purpose) -> str:
        basis = L.label(purpose.legal_basis, self.lang)
        if purpose.legal_basis_note is not None:
            basis += self.t(_PAREN, text=self.local(purpose.legal_basis_note))
        return basis

    def retention(self, retention: Retention) -> str:
        """How long, as the policy's table says it: "至您注销账号", "6 个月，之后删除", "until you cancel your account"."""
        if retention.period is not None:
            period = L.duration(retention.period, self.lang)
            if retention.after is not None and retention.after is not RetentionStart.COLLECTION:
                period = self.t(L.RETENTION_AFTER, start=L.label(retention.after, self.lang), period=period)
            text = self.t(L.RETENTION_THEN[retention.on_expiry], period=period)
        elif retention.until is not None:
            end = L.label(retention.until, self.lang)
            # "Until you cancel" already says the value goes then; a different fate (anonymised) is worth saying.
            text = (
                end
                if retention.on_expiry is OnExpiry.DELETE
                else self.t(L.RETENTION_THEN[retention.on_expiry], period=end)
            )
        else:  # the model's validator forbids this; say so rather than guess
            text = L.NOT_STATED.get(self.lang)
        parts = [text]
        if retention.legal_minimum is not None:
            period = self.period(L.duration(retention.legal_minimum, self.lang))
            if retention.legal_minimum_source is not None:
                source = self.local(retention.legal_minimum_source)
                parts.append(self.t(L.LEGAL_MINIMUM_SOURCE, period=period, source=source))
            else:
                parts.append(self.t(L.LEGAL_MINIMUM, period=period))
        if retention.note is not None:
            parts.append(self.local(retention.note).rstrip("。.；;"))
        return L.CLAUSE_SEP.get(self.lang).join(parts)

    def _law_requires_separate(self, recipient: Recipient) -> bool:
        """Whether the law requires the person's separate consent before PI goes to ``recipient`` (PIPL Art. 23,
        29, 39), whatever the spec says."""
        rid = next((rid for rid, r in self.spec.recipients.items() if r is recipient), None)
        return rid is not None and bool(law.recipient_articles(self.spec, rid))

    def recipient_list(self, recipients: Sequence[Recipient]) -> str:
        """Recipients grouped under their kind ("受托处理者：A、B；关联公司：C").

        Grouping keeps the kind's own parentheses ("合作伙伴（其他个人信息处理者）")
        from nesting inside a recipient's, and says each kind once. Within a
        group, a recipient carries what a person weighs about it: where it is
        when that is not where we store PI, and whether it needs their consent.
        """
        groups: dict[RecipientKind, list[str]] = {}
        for recipient in recipients:
            details = []
            region = recipient.region
            if region is not None and region != self.spec.storage.region:
                details.append(L.region(region, self.lang))
            if recipient.separate_consent or self._law_requires_separate(recipient):
                details.append(_RECIPIENT_SEPARATE.get(self.lang))
            entry = self.local(recipient.name)
            if details:
                entry += self.t(_PAREN, text=self.t(_DETAIL_SEP).join(details))
            groups.setdefault(recipient.kind, []).append(entry)
        return self.t(_LIST_SEP).join(
            self.t(L.COLON).join((L.label(kind, self.lang), L.join(names, self.lang))) for kind, names in groups.items()
        )

    # ---- the explanation

    def field(self, field_id: str) -> FieldExplanation:
        spec = self.spec
        field = spec.fields[field_id]
        label = self.field_label(field)
        in_sentence = self.possessive(label)
        purpose_ids = [pid for pid, p in spec.purposes.items() if field_id in p.fields]

        explained = [self.purpose(field_id, pid) for pid in purpose_ids]
        parts: list[str] = []
        if explained:
            parts.append(self.t(_OPENING, your_field=in_sentence))
            for item, pid in zip(explained, purpose_ids, strict=True):
                parts.append(self.use(item, spec.purposes[pid]))
            if any(item.needs_consent for item in explained):
                parts.append(self.t(_WITHDRAW))
        else:
            parts.append(self.t(_NO_PURPOSE, your_field=in_sentence))

        parts.append(self.recipients(field_id, purpose_ids, in_sentence))

        sensitive = field.sensitivity is Sensitivity.SENSITIVE
        if sensitive:
            not_stated = self.sentence(L.NOT_STATED.get(self.lang))
            necessity = self.sentence(self.local(field.necessity)) if field.necessity is not None else not_stated
            impact = self.sentence(self.local(field.impact)) if field.impact is not None else not_stated
            parts.append(self.t(_SENSITIVE, field=label, necessity=necessity, impact=impact))

        text = (" " if self.en else "").join(self.sentence(p) for p in parts if p)
        return FieldExplanation(field=field_id, label=label, sensitive=sensitive, text=text, purposes=explained)

    def purpose(self, field_id: str, purpose_id: str) -> PurposeExplanation:
        purpose = self.spec.purposes[purpose_id]
        return PurposeExplanation(
            purpose=purpose_id,
            label=self.local(purpose.label),
            function=L.label(purpose.function, self.lang),
            legal_basis=self.legal_basis(purpose),
            retention=self.retention(purpose.retention),
            recipients=[
                self.local(r.name) for r in self.spec.recipients.values() if _receives(r, field_id, purpose_id)
            ],
            needs_consent=purpose.legal_basis is LegalBasis.CONSENT,
            separate_consent=purpose.legal_basis is LegalBasis.CONSENT
            and (purpose.separate_consent or bool(law.purpose_articles(self.spec, purpose_id))),
        )

    def use(self, item: PurposeExplanation, purpose: Purpose) -> str:
        basis = self.inline(item.legal_basis)
        if item.separate_consent:
            basis += _SEPARATE_CONSENT.get(self.lang)
        if self.en:
            retention = item.retention if purpose.retention.period is None else f"for {item.retention}"
        else:
            retention = self.period(item.retention)
        text = self.t(_USE, purpose=item.label, function=self.inline(item.function), basis=basis, retention=retention)
        # A spec text ending in its own full stop ("Co., Ltd.") must not double the frame's.
        return _DOUBLE_STOP.sub(lambda m: m.group(1), text)

    def recipients(self, field_id: str, purpose_ids: Sequence[str], in_sentence: str) -> str:
        """Who receives the field: those the spec names for it, then those that do not say what they receive."""
        named: list[Recipient] = []
        possible: list[Recipient] = []
        for recipient in self.spec.recipients.values():
            if field_id in recipient.fields:
                named.append(recipient)
            elif not recipient.fields and (
                not recipient.purposes or any(pid in recipient.purposes for pid in purpose_ids)
            ):
                possible.append(recipient)
        sentences: list[str] = []
        if named:
            sentences += [self.t(_PROVIDED_TO, your_field=in_sentence), self.sentence(self.recipient_list(named))]
        if possible:
            intro = _MAY_RECEIVE if named else _ONLY_MAY_RECEIVE
            sentences += [self.t(intro, your_field=in_sentence), self.sentence(self.recipient_list(possible))]
        if sentences:
            return (" " if self.en else "").join(sentences)
        # "Never" would overstate a policy that lists disclosures without consent (court orders and the like).
        return self.t(_NOT_PROVIDED_EXCEPT if self.spec.sharing.exceptions else _NOT_PROVIDED, your_field=in_sentence)
