"""Test support: real services the tests start for themselves (see ``wordpress``)."""
