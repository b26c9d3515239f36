"""The layer rules hold: dependencies point inward (import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_the_linter_would_catch_an_inward_layer_importing_an_outer_one(tmp_path: Path) -> None:
    """A mutation check: copy the layers, make the domain import the web framework, expect a
    broken contract — so the passing check above is not vacuous."""
    for layer in ("domain", "application", "infrastructure", "interfaces"):
        subprocess.run(["cp", "-r", str(ROOT / layer), str(tmp_path / layer)], check=True)
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "domain" / "leak.py").write_text("import fastapi\nimport interfaces.bootstrap\n")
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"],
        cwd=tmp_path,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "Contracts: 1 kept, 2 broken." in result.stdout
