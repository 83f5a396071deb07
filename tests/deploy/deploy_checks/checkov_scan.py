"""checkov's scan of the manifests, Terraform and the Dockerfile, offline."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any


def run_checkov(
    checkov: str, args: list[str], kustomize: str | None = None
) -> list[dict[str, Any]]:
    """checkov's JSON reports (one per framework) for `args`, offline."""
    env = dict(os.environ)
    if kustomize:  # checkov's kustomize framework runs `kustomize build` itself
        env["PATH"] = f"{Path(kustomize).parent}{os.pathsep}{env['PATH']}"
    result = subprocess.run(
        [checkov, *args, "--skip-download", "--output", "json", "--soft-fail"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if not result.stdout.strip():
        raise RuntimeError(f"checkov printed no report:\n{result.stderr}")
    reports = json.loads(result.stdout)
    return reports if isinstance(reports, list) else [reports]


def checkov_problems(reports: list[dict[str, Any]]) -> list[str]:
    """Failed checks, parsing errors, and skips that do not say why."""
    found = []
    for report in reports:
        results, summary = report.get("results", {}), report.get("summary", {})
        found += [
            f"{report.get('check_type')}: {c['check_id']} failed for {c['resource']} "
            f"({c['file_path']}:{c['file_line_range']}): {c['check_name']}"
            for c in results.get("failed_checks", [])
        ]
        found += [
            f"{report.get('check_type')}: {c['check_id']} skipped, no reason: {c['resource']}"
            for c in results.get("skipped_checks", [])
            if len(c.get("check_result", {}).get("suppress_comment", "").strip()) < 10
        ]
        if summary.get("parsing_errors"):
            found.append(
                f"{report.get('check_type')}: {summary['parsing_errors']} files did not parse"
            )
    return found


def checkov_passed(reports: list[dict[str, Any]]) -> int:
    return sum(r.get("summary", {}).get("passed", 0) for r in reports)
