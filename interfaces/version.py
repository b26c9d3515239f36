"""The installed version of the hub."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def hub_version() -> str:
    try:
        return version("mcphub")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"
