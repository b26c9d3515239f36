"""Cost of verifying a presented API key on the hot path (target: <= 20 µs amortised for a
valid key). Runs the real Hub on a throw-away SQLite store with every projection on.

    .venv/bin/python bench/keys.py [--iterations N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from domain.principal import OPERATOR
from infrastructure.settings import load_settings
from interfaces.bootstrap import build

TARGET_VALID_US = 20.0


def measure(authenticate, value: str, iterations: int, rounds: int = 5) -> tuple[float, float]:
    """Median and best per-call time over ``rounds`` rounds, in microseconds."""
    per_call = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(iterations):
            authenticate(value)
        per_call.append((time.perf_counter() - started) / iterations * 1e6)
    return statistics.median(per_call), min(per_call)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=50_000)
    parser.add_argument("--keys", type=int, default=1_000, help="keys in the index")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        container = build(load_settings(data_dir=Path(data_dir)))
        hub = container.hub
        issued = [hub.issue_key(OPERATOR, None, "write").key for _ in range(args.keys)]
        valid = issued[len(issued) // 2]
        revoked = hub.issue_key(OPERATOR, None, "read")
        hub.revoke_key(OPERATOR, revoked.info.key_id)
        unknown = valid[:-10] + "AAAAAAAAAA"
        unknown_id = "mcphub_" + "a" * 12 + valid[len("mcphub_") + 12 :]
        master = container.secrets.master_key
        auth = hub.authenticator.authenticate
        if auth(valid) is None or auth(revoked.key) is not None or auth(unknown) is not None:
            raise SystemExit("verification gives wrong answers; refusing to time it")

        print(f"key verification, {args.iterations} calls x 5 rounds, {args.keys} keys in index")
        print(f"{'case':<28}{'median µs':>12}{'best µs':>10}")
        results = {}
        for name, value in [
            ("valid key", valid),
            ("valid key, wrong secret", unknown),
            ("unknown key id", unknown_id),
            ("revoked key", revoked.key),
            ("master key", master),
            ("not a key at all", "Bearer-garbage-value"),
        ]:
            median, best = measure(auth, value, args.iterations)
            results[name] = median
            print(f"{name:<28}{median:>12.2f}{best:>10.2f}")
        verdict = "meets" if results["valid key"] <= TARGET_VALID_US else "MISSES"
        print(f"target: valid key <= {TARGET_VALID_US} µs amortised -> {verdict} target")
        container.close()


if __name__ == "__main__":
    main()
