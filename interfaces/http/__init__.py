"""The HTTP edge: health, the admin API, and (later) OAuth and MCP endpoints."""

from interfaces.http.app import create_app

__all__ = ["create_app"]
