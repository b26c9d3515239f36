"""The MCP endpoints: the SDK's low-level server behind the hub's own HTTP edge."""
