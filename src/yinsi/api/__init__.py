"""The HTTP API (FastAPI): versioned under /v1, problem+json errors, API keys bound to roles."""
