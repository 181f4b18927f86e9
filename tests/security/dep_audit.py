"""Known vulnerabilities in the installed packages: pip-audit, and a fallback where it is blind.

Run as ``.venv/bin/python tests/security/dep_audit.py`` (CI). pip-audit looks each package up
in PyPI's per-version JSON (``/pypi/<name>/<version>/json``). Where a mirror serves only the
per-project JSON, that lookup fails for every package, and pip-audit skips them all and still
prints "No known vulnerabilities found": a pass that audited nothing. So this script reads
pip-audit's report and, for each package it skipped, asks the per-project JSON instead: its
``vulnerabilities`` are those of the latest release, so a package installed at its latest
version is audited that way; an older one is named as not audited. Exit status 1 when a
vulnerability is known, or when not one package could be audited.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from importlib import metadata

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def _pip_audit() -> list[dict]:
    """pip-audit's JSON report: one dict per package, with ``vulns`` or ``skip_reason``."""
    run = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--skip-editable",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
    )
    if not run.stdout.strip():
        print(run.stderr, file=sys.stderr)
        return [
            {"name": d.metadata["Name"], "version": d.version, "skip_reason": "pip-audit failed"}
            for d in metadata.distributions()
        ]
    return json.loads(run.stdout)["dependencies"]


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _latest(name: str) -> dict:
    url = PROJECT_JSON.format(name=name)
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 - a fixed https URL
        return json.load(resp)


def audit() -> int:
    found, unaudited, audited = [], [], 0
    installed = {_canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    for dep in _pip_audit():
        name = dep["name"]
        version = dep.get("version") or installed.get(_canonical(name), "?")
        if "editable" in dep.get("skip_reason", ""):
            continue  # this project itself, installed from the work tree
        if "skip_reason" not in dep:
            audited += 1
            found += [(name, version, v["id"], v.get("fix_versions", [])) for v in dep["vulns"]]
            continue
        try:
            project = _latest(name)
        except OSError as exc:
            unaudited.append(f"{name} {version}: {exc}")
            continue
        latest = project["info"]["version"]
        if latest != version:
            unaudited.append(f"{name} {version}: not the latest ({latest}), no data for it")
            continue
        audited += 1
        for vuln in project.get("vulnerabilities") or []:
            if not vuln.get("withdrawn"):
                found.append((name, version, vuln["id"], vuln.get("fixed_in") or []))
    for name, version, ident, fixed in found:
        print(f"VULNERABLE {name} {version}: {ident} (fixed in {', '.join(fixed) or '?'})")
    for line in unaudited:
        print(f"not audited: {line}")
    print(f"{audited} packages audited, {len(unaudited)} not, {len(found)} known vulnerabilities")
    return 1 if found or audited == 0 else 0


if __name__ == "__main__":
    sys.exit(audit())
