"""The edges: the HTTP app, the CLI, and the composition root that builds the object graph."""
