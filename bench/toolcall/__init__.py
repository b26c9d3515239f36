"""The pieces of ``bench/tool_call.py``: the fake WordPress and the bare mcp-SDK server (each run
in its own process through ``tool_call.py --role``), the processes and their CPU, the hub's
preparation and figures, the load generator, the run and the report."""
