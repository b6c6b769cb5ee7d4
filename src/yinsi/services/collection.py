"""Whether the service still collects PI: not from the date a scheduled shutdown takes effect.

The vault asks on every write, so the answer must cost nothing: the date of the shutdown in force is read
from the store at most once a second per process (a shutdown is announced at least its notice period
ahead, and a cancellation is seen by every worker within a second), and the comparison with the clock is
exact: no write is accepted from the stated moment on.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import Connection, Engine, select

from yinsi.adapters.db.rows import ShutdownRow, table_of
from yinsi.core.errors import Conflict
from yinsi.core.i18n import Msg

_shutdowns = table_of(ShutdownRow)
_IN_FORCE = (
    select(_shutdowns.c.effective_at)
    .where(_shutdowns.c.status.in_(["scheduled", "completed"]))
    .order_by(_shutdowns.c.effective_at)
    .limit(1)
)
REFRESH_S = 1.0


class CollectionStopped(Conflict):
    code = "collection_stopped"


STOPPED = Msg(
    "本服务已停止运营，不再收集个人信息。",
    "The service has shut down and no longer collects personal information.",
)


class CollectionGate:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._stops_at: datetime | None = None
        self._read_at = float("-inf")

    def stops_at(self, connection: Connection | None = None) -> datetime | None:
        """When collection stops (None: no shutdown in force), as read at most a second ago; read on
        ``connection`` when given (a thread holds one connection at a time)."""
        with self._lock:
            if time.monotonic() - self._read_at < REFRESH_S:
                return self._stops_at
        if connection is not None:
            found = connection.execute(_IN_FORCE).scalar()
        else:
            with self._engine.connect() as own:
                found = own.execute(_IN_FORCE).scalar()
        with self._lock:
            self._stops_at, self._read_at = found, time.monotonic()
        return found

    def forget(self) -> None:
        """Reads the store again next time (this process just scheduled or cancelled a shutdown)."""
        with self._lock:
            self._read_at = float("-inf")

    def check(self, now: datetime, connection: Connection | None = None) -> None:
        stops = self.stops_at(connection)
        if stops is not None and now >= stops:
            raise CollectionStopped(STOPPED)
