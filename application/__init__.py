"""Use cases, the event-sourced application, projections, and the ports the outside world fills."""
