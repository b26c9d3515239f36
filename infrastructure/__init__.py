"""Adapters for the application's ports: persistence, views, cryptography, settings."""
