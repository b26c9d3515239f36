"""The HTTP edge: health, the admin API, discovery documents and the MCP endpoints."""
