"""``mcphub doctor``: walk the deployment security checklist.

One line per finding, ``PASS|WARN|FAIL  <check>: <detail>``, then a summary; the exit status is
1 when anything failed. Building the hub as any command would may generate development secrets
into the data directory; they are then reported as generated (WARN).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from interfaces.cli.context import CliState, pass_state
from interfaces.cli.diagnosis import Check, Diagnosis, Finding, Unavailable
from interfaces.cli.doctor_checks import CHECKS

_COLOURS = {"PASS": "green", "WARN": "yellow", "FAIL": "red"}


def run_checks(diagnosis: Diagnosis, checks: Sequence[Check]) -> list[Finding]:
    """Every check's findings in order; a missing prerequisite is reported once."""
    findings: list[Finding] = []
    for check in checks:
        try:
            found = list(check(diagnosis))
        except Unavailable as missing:
            found = [missing.finding]
        except Exception as error:  # a broken check must not hide the others
            name = check.__name__.removeprefix("check_").replace("_", " ")
            found = [Finding("FAIL", name, f"could not run: {type(error).__name__}: {error}")]
        findings += [f for f in found if f not in findings]
    return findings


def render(finding: Finding) -> str:
    status = click.style(finding.status, fg=_COLOURS[finding.status], bold=True)
    return f"{status}  {finding.name}: {finding.detail}"


@click.command()
@pass_state
def doctor(state: CliState) -> None:
    """Check this deployment against the security checklist."""
    findings = run_checks(Diagnosis(state, Path.cwd()), CHECKS)
    for finding in findings:
        click.echo(render(finding))
    counts = {s: sum(f.status == s for f in findings) for s in _COLOURS}
    click.echo(f"\n{counts['PASS']} passed, {counts['WARN']} warning(s), {counts['FAIL']} failed")
    if counts["FAIL"]:
        raise click.exceptions.Exit(1)
