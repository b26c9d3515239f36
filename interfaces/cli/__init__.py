"""The ``mcphub`` command-line interface: the local operator's edge of the hub.

Entry point :func:`interfaces.cli.main.main`; one module per command group.
"""
