"""Adapters to the outside world: databases, key providers, message channels.

Each adapter implements a port from ``yinsi.core.ports`` or a repository the
services call; ``yinsi.bootstrap`` alone chooses which ones run.
"""
