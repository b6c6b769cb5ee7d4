"""The pure domain of yinsi: no web, database or network imports live here.

Everything in ``core`` is deterministic given its inputs, so decisions about
personal information can be unit-tested in microseconds and reasoned about
without a running system.
"""
