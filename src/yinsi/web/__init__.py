"""Server-rendered pages: the privacy centre for people (/me), and later the privacy officer's console.

Pages are a second entry point beside the HTTP API: they parse a form, call one service operation and
render a template, never orchestrate a use case themselves. The page layer (``pages``: templates,
languages, session cookies, CSRF) is shared by every set of pages.
"""
