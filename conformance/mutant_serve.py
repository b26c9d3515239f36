"""``mcphub serve`` with the hub's Host/Origin validation switched off — a MUTANT, tests only.

``run.sh --mutant-no-host-check`` starts the hub through this wrapper to prove the conformance
harness is honest: with every Host and Origin accepted, the suite's ``dns-rebinding-protection``
scenario must FAIL (and the other scenarios still pass). The switch lives here, outside the
hub's packages, as a monkeypatch of ``OriginPolicy``: production code has no setting that turns
the check off. (The SDK's own check is already off in ``create_app``; the hub's is the only one.)

Usage: python conformance/mutant_serve.py serve --host 127.0.0.1 --port N
"""

from __future__ import annotations

from interfaces.cli.main import main
from interfaces.mcp.policy import OriginPolicy


def _accept_everything(self: OriginPolicy, value: str | None) -> bool:
    return True


OriginPolicy.host_allowed = _accept_everything  # type: ignore[method-assign]
OriginPolicy.origin_allowed = _accept_everything  # type: ignore[method-assign,assignment]

if __name__ == "__main__":
    main()
