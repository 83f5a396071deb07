"""The stand-in serves what a Knative 1.23 / Strimzi cluster serves, shaped as their CRDs say."""

from __future__ import annotations

import cluster_objects
import pytest
import yaml
from kube_standin import SERVED

from deploy import deploy_checks as dc
from support import need


@pytest.fixture(scope="module")
def crds() -> dc.SchemaBook:
    folder = dc.crds_dir()
    need("crds", folder is not None, "../shared/crds is missing (or set TASKAI_CRDS_DIR)")
    assert folder
    return dc.SchemaBook([folder])


def test_the_standin_serves_the_api_versions_the_crds_serve() -> None:
    folder = dc.crds_dir()
    need("crds", folder is not None, "../shared/crds is missing (or set TASKAI_CRDS_DIR)")
    assert folder
    served = {}
    for path in folder.glob("*.yaml"):
        for crd in yaml.safe_load_all(path.read_text()):
            if crd and crd.get("kind") == "CustomResourceDefinition":
                versions = {v["name"] for v in crd["spec"]["versions"] if v.get("served")}
                served[(crd["spec"]["group"], crd["spec"]["names"]["plural"])] = versions
    for key, (_, versions) in SERVED.items():
        if key in served:  # Knative's Revision CRD is not among them
            assert set(versions) == served[key], key


@pytest.mark.parametrize("scenario", ["healthy", "broken"])
def test_every_object_the_standin_serves_matches_its_crd_schema(
    scenario: str, crds: dc.SchemaBook
) -> None:
    objects = getattr(cluster_objects, scenario)()
    checked = [o for o in objects if dc.kind_of(o) in crds.crds]
    assert {o["kind"] for o in checked} == {
        "Service",
        "KafkaSource",
        "PingSource",
        "KafkaTopic",
        "Kafka",
    }
    assert [p for o in checked for p in crds.problems(o)] == []


def test_a_status_field_that_knative_does_not_write_fails_the_schema(crds: dc.SchemaBook) -> None:
    ksvc = next(o for o in cluster_objects.healthy() if o["kind"] == "Service")
    ksvc["status"]["latestReadyRevision"] = "tasks-00001"
    assert crds.problems(ksvc) != []
