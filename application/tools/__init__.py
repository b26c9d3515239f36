"""Tools as data: declarative specs compiled into closures at start-up (never ``exec``)."""
