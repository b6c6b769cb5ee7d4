"""The use cases: register, consent, store and read PI, rights requests, key and backup operations.

Each use case runs in one transaction (``UnitOfWork``) and leaves its audit events in the chain.
"""
