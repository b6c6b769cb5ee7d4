"""The API's request and response bodies, one module per group of routes, in one naming family.

``XIn`` is a body a caller sends, ``XOut`` one yinsi answers with, ``XPageOut``
a page of a list (with its ``next_cursor``). Bodies a caller sends forbid
unknown keys (``Body``). Values of PI only ever travel in bodies, never in
URLs (URLs get logged).
"""

from yinsi.api.schemas.common import Body, PageOut, ProblemOut

__all__ = ["Body", "PageOut", "ProblemOut"]
