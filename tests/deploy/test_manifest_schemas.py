"""Every manifest validates, strictly, against the schema an API server would enforce."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import deploy_checks as dc
import pytest

# Two platform configurations, as envs/dev and envs/prod set them.
PLATFORM_VARIABLES = {
    "dev": {
        "kafka_replicas": 1,
        "kafka_storage_size": "5Gi",
        "postgres_instances": 1,
        "acme_email": None,
    },
    "prod": {
        "kafka_replicas": 3,
        "kafka_storage_size": "50Gi",
        "postgres_instances": 2,
        "acme_email": "ops@example.com",
    },
}


@pytest.mark.parametrize("overlay", dc.OVERLAYS)
def test_every_rendered_manifest_validates_against_its_crd_or_core_schema(
    overlay: str, rendered: dict[str, list[dict[str, Any]]], schema_book: dc.SchemaBook
) -> None:
    docs = rendered[overlay]
    assert len(docs) >= 20, f"kustomize rendered only {len(docs)} documents"
    assert dc.schema_problems(docs, schema_book) == []


@pytest.mark.parametrize("environment", sorted(PLATFORM_VARIABLES))
def test_the_manifests_terraform_renders_for_the_platform_validate_too(
    environment: str, tmp_path: Path, schema_book: dc.SchemaBook
) -> None:
    manifests = dc.render_platform_templates(tmp_path, PLATFORM_VARIABLES[environment])
    docs = [doc for group in manifests.values() for doc in group]
    assert {"gateways_yaml", "issuer_yaml", "kafka_yaml", "postgres_yaml"} <= set(manifests)
    assert dc.schema_problems(docs, schema_book, dc.NO_SCHEMA_OFFLINE) == []
    kinds = {dc.kind_of(doc) for doc in docs}
    assert set(dc.NO_SCHEMA_OFFLINE) <= kinds, (
        "an excused kind is no longer used: drop it from NO_SCHEMA_OFFLINE"
    )
    assert {("kafka.strimzi.io/v1", "Kafka"), ("kafka.strimzi.io/v1", "KafkaNodePool")} <= kinds


def test_the_issuer_is_lets_encrypt_with_an_email_and_self_signed_without() -> None:
    import tempfile

    issuers = {}
    for environment, variables in PLATFORM_VARIABLES.items():
        with tempfile.TemporaryDirectory() as work:
            (issuer,) = dc.render_platform_templates(Path(work), variables)["issuer_yaml"]
        issuers[environment] = issuer["spec"]
    assert issuers["dev"] == {"selfSigned": {}}
    assert issuers["prod"]["acme"]["email"] == "ops@example.com"


def test_with_an_object_store_cloudnativepg_backs_up_daily_and_keeps_the_retention(
    tmp_path: Path,
) -> None:
    variables = {
        **PLATFORM_VARIABLES["prod"],
        "postgres_backup_destination": "s3://taskai-backups/postgres",
        "postgres_backup_retention": "14d",
    }
    docs = dc.render_platform_templates(tmp_path, variables)["postgres_yaml"]
    kinds = {doc["kind"]: doc for doc in docs}
    cluster, scheduled = kinds["Cluster"], kinds["ScheduledBackup"]
    assert cluster["spec"]["backup"]["retentionPolicy"] == "14d"
    store = cluster["spec"]["backup"]["barmanObjectStore"]
    assert store["destinationPath"] == "s3://taskai-backups/postgres"
    assert scheduled["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert scheduled["spec"]["schedule"] == "0 0 3 * * *"  # daily, seconds first


def test_without_an_object_store_no_backup_is_scheduled(tmp_path: Path) -> None:
    docs = dc.render_platform_templates(tmp_path, PLATFORM_VARIABLES["dev"])["postgres_yaml"]
    assert [doc["kind"] for doc in docs] == ["Cluster"]
    assert "backup" not in docs[0]["spec"]
