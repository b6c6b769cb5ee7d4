"""Telling many people one thing through their own channels (an incident, a shutdown), in batches.

yinsi can reach a person directly where the spec names a channel it delivers on and the person has the
field that holds the address: SMS to a mobile number, e-mail to an e-mail address. A minor's guardian is
told too. Addresses are opened a batch at a time, and the connection is closed before anything is sent (a
gateway may take seconds, and no transaction waits on it); what each person was sent is handed back by
channel, never logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from yinsi.adapters.db.rows import SubjectRow, table_of
from yinsi.core.policy.vocabulary import FieldType
from yinsi.core.ports import Message
from yinsi.services.context import ServiceContext
from yinsi.services.notifier import Notifier
from yinsi.services.vault import Vault

_subjects = table_of(SubjectRow)

DIRECT = {"sms": FieldType.MOBILE, "email": FieldType.EMAIL}
BATCH = 500


@dataclass
class Told:
    messages: int = 0
    unreached: list[str] = field(default_factory=list)
    channels: dict[str, list[str]] = field(default_factory=dict)  # subject -> channels it was told on

    @property
    def reached(self) -> int:
        return len(self.channels)


def direct_channels(channels: Sequence[str]) -> list[str]:
    return [c for c in channels if c in DIRECT]


class PeopleNotices:
    """Tells many people one thing (an incident, a shutdown) on the direct channels the spec names."""

    def __init__(self, context: ServiceContext, vault: Vault, notifier: Notifier) -> None:
        self._context = context
        self._vault = vault  # opens the addresses, a batch at a time
        self._notifier = notifier

    def tell(
        self,
        *,
        subjects: Sequence[str],
        channels: Sequence[str],
        title: str,
        text: dict[str, str],
        tags: dict[str, str],
    ) -> Told:
        """Sends ``text`` (zh-CN and en) to each subject, and a minor's guardian, on each direct channel."""
        policy = self._context.policy
        fields = {
            c: next((f for f, t in policy.field_types.items() if t is DIRECT[c]), None)
            for c in direct_channels(channels)
        }
        wanted = sorted({f for f in fields.values() if f is not None})
        told = Told()
        for start in range(0, len(subjects), BATCH):
            chunk = list(subjects[start : start + BATCH])
            guardians, addresses = self._addresses(chunk, wanted)
            for subject in chunk:
                used: set[str] = set()
                for person, prefix in ((subject, ""), (guardians.get(subject), "guardian:")):
                    if person is None:
                        continue
                    for channel, field_id in fields.items():
                        address = addresses.get(person, {}).get(field_id) if field_id else None
                        if not address:
                            continue
                        # An SMS carries the Chinese alone (the notifier signs it); e-mail both languages.
                        body = text["zh-CN"] if channel == "sms" else f"{text['zh-CN']}\n\n{text['en']}"
                        if self._notifier.send(Message(channel, address, title, body, tags=dict(tags))) is not None:
                            told.messages += 1
                            used.add(prefix + channel)
                if used:
                    told.channels[subject] = sorted(used)
                else:
                    told.unreached.append(subject)
        return told

    def _addresses(
        self, chunk: list[str], wanted: list[str]
    ) -> tuple[dict[str, str | None], dict[str, dict[str, str]]]:
        """The chunk's guardians and everyone's addresses, in one read closed before anything is sent."""
        with self._context.connect() as connection:
            guardians: dict[str, str | None] = {
                row.id: row.guardian_id
                for row in connection.execute(
                    select(_subjects.c.id, _subjects.c.guardian_id).where(
                        _subjects.c.id.in_(chunk), _subjects.c.guardian_id.is_not(None)
                    )
                )
            }
            everyone = sorted({*chunk, *(g for g in guardians.values() if g is not None)})
            addresses = self._vault.open_fields_of(connection, everyone, wanted) if wanted else {}
        return guardians, addresses
