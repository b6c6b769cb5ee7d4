"""Background rounds keep going after a failure and stop when asked."""

from __future__ import annotations

import threading

from yinsi.core.periodic import Periodic


def test_a_failed_round_does_not_end_the_rounds_and_stop_ends_them() -> None:
    rounds: list[int] = []
    third = threading.Event()

    def work() -> None:
        rounds.append(len(rounds))
        if len(rounds) == 3:
            third.set()
        if len(rounds) == 1:
            raise RuntimeError("a passing failure")

    periodic = Periodic("test", 0.01, work)
    periodic.start()
    assert third.wait(5)
    periodic.stop()
    done = len(rounds)
    assert threading.Event().wait(0.05) is False
    assert len(rounds) == done  # nothing runs after stop
