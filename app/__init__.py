"""API Explorer: a desktop client for JSON REST APIs that follow the Paysera conventions.

Layers (enforced by import-linter, see pyproject.toml):
``ui -> services -> http, storage -> core``; ``demo`` is a standalone stdlib server.
"""
