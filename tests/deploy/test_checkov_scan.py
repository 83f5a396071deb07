"""checkov over terraform/, knative/ (as kustomize renders it) and the Dockerfile: no failed check,
and a skip only inline, with its reason."""

from __future__ import annotations

import deploy_checks as dc
import pytest

SCANS = {
    "terraform": ["--directory", str(dc.TERRAFORM), "--framework", "terraform"],
    "knative": ["--directory", str(dc.KNATIVE), "--framework", "kustomize"],
    "dockerfile": ["--file", str(dc.REPO / "Dockerfile"), "--framework", "dockerfile"],
}


@pytest.mark.parametrize("target", sorted(SCANS))
def test_checkov_leaves_no_failed_check_and_no_unexplained_skip(
    target: str, checkov: str, kustomize: str
) -> None:
    reports = dc.run_checkov(checkov, SCANS[target], kustomize)
    assert dc.checkov_problems(reports) == []
    assert dc.checkov_passed(reports) > 0, f"checkov checked nothing in {target}"
