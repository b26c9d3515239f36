"""The hub's domain: aggregates, their events, value objects and pure policies. No I/O."""
