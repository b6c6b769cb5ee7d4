"""The ``yinsi`` command line: thin commands that parse, call a service, and present."""
