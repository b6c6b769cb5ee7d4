"""Group commit of read events for coroutines: the server's hot reads wait for their audit event on the event loop.

``GroupAppender`` serves threads: a read's worker thread waits until the
batch carrying its event has committed, and the batch's writer wakes every
one of those threads in turn. Under load those hand-overs between threads
cost more than the read itself. Here a read served on the event loop hands
its events to the loop's queue and awaits a future; one task per loop writes
whatever has gathered, in a worker thread, and settles the batch's futures
on the loop in one go. The promise is the same: a read is answered only
once its event is committed, or fails with the error that stopped it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from weakref import WeakKeyDictionary

from anyio.to_thread import run_sync

from yinsi.services.audit import AuditEvent, GroupAppender, copy_of


class _Queue:
    __slots__ = ("draining", "pending")

    def __init__(self) -> None:
        self.pending: list[tuple[Sequence[AuditEvent], asyncio.Future[None]]] = []
        self.draining: asyncio.Task[None] | None = None


class LoopAppender:
    """One queue per event loop (a test client runs its own loop beside the server's)."""

    def __init__(self, appender: GroupAppender) -> None:
        self._appender = appender
        self._queues: WeakKeyDictionary[asyncio.AbstractEventLoop, _Queue] = WeakKeyDictionary()

    def enqueue(self, events: Sequence[AuditEvent]) -> asyncio.Future[None]:
        """Queues ``events`` for the next batch at once (call it on the loop); the future settles when the
        batch has committed, or with the error that stopped it. A read cancelled while it awaits the future
        cancels only the future: its events stay in the batch, so what was read is still accounted for."""
        loop = asyncio.get_running_loop()
        settled: asyncio.Future[None] = loop.create_future()
        if not events:
            settled.set_result(None)
            return settled
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue()
        queue.pending.append((events, settled))
        if queue.draining is None:
            queue.draining = loop.create_task(self._drain(queue))
        return settled

    async def _drain(self, queue: _Queue) -> None:
        batch: list[tuple[Sequence[AuditEvent], asyncio.Future[None]]] = []
        try:
            while queue.pending:
                batch, queue.pending = queue.pending, []
                try:
                    # Not cancellable: once handed to the thread, the batch commits or fails as a whole.
                    await run_sync(self._appender.write, [event for events, _ in batch for event in events])
                except Exception as exc:  # handed to every read of the batch, each its own copy
                    _settle(batch, exc)
                else:
                    _settle(batch, None)
                batch = []
        finally:
            queue.draining = None
            for _, settled in batch + queue.pending:  # only when the loop itself is going away
                if not settled.done():
                    settled.cancel()
            queue.pending = []


def _settle(batch: list[tuple[Sequence[AuditEvent], asyncio.Future[None]]], error: Exception | None) -> None:
    for _, settled in batch:
        if settled.done():  # its read was cancelled while it waited
            continue
        if error is None:
            settled.set_result(None)
            continue
        try:
            own = copy_of(error)
        except Exception:  # an error that cannot be rebuilt is shared rather than lost
            own = error
        settled.set_exception(own)
