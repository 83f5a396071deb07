"""The committed JSON Schemas are generated from the models and cannot drift from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventfiles import SCHEMAS, committed_schema
from jsonschema import Draft202012Validator

from taskai.contracts import TOPICS, TYPES, dataschema, export_schemas, schema_of
from taskai.contracts.__main__ import main as contracts_cli

REGENERATE = "regenerate them: python -m taskai.contracts events/schemas"


def test_the_committed_schemas_are_exactly_what_the_models_generate(tmp_path: Path) -> None:
    export_schemas(tmp_path)
    generated = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json")}
    committed = {p.name: p.read_text(encoding="utf-8") for p in SCHEMAS.glob("*.json")}
    assert committed.keys() == generated.keys(), f"schema files differ from TYPES; {REGENERATE}"
    drifted = sorted(name for name in generated if committed[name] != generated[name])
    assert not drifted, f"{drifted} differ from the models; {REGENERATE}"


def test_the_check_mode_of_the_generator_fails_on_an_edited_schema(tmp_path: Path) -> None:
    export_schemas(tmp_path)
    assert contracts_cli([str(tmp_path), "--check"]) == 0
    (tmp_path / "com.taskai.task.created.json").write_text("{}\n", encoding="utf-8")
    assert contracts_cli([str(tmp_path), "--check"]) == 1


@pytest.mark.parametrize("event_type", TYPES)
def test_each_schema_is_a_valid_draft_2020_12_schema_named_by_its_dataschema(
    event_type: str,
) -> None:
    schema = committed_schema(event_type)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == dataschema(event_type) == f"urn:taskai:schema:{event_type}:1"


@pytest.mark.parametrize("event_type", TYPES)
def test_each_schema_lets_consumers_meet_fields_added_later(event_type: str) -> None:
    schema = schema_of(event_type)
    objects = [schema, *schema.get("$defs", {}).values()]
    assert all(node.get("additionalProperties") is True for node in objects)


@pytest.mark.parametrize("event_type", TYPES)
def test_each_field_of_the_first_version_is_required_even_when_it_may_be_null(
    event_type: str,
) -> None:
    schema = schema_of(event_type)
    for node in [schema, *schema.get("$defs", {}).values()]:
        later = ADDED_LATER.get(node["title"], set())
        assert sorted(node["required"]) == sorted(set(node["properties"]) - later), node["title"]
        assert later <= set(node["properties"]), node["title"]


# Fields added after a type's first version have defaults, so that events produced before them
# (in the outbox, on a dead-letter topic) still validate.
ADDED_LATER = {
    "TaskSnapshot": {"all_day", "due_on", "project_id", "section_id", "parent_id", "position"}
}  # issue 16


def test_the_readme_catalog_lists_every_type_and_topic() -> None:
    readme = (SCHEMAS.parent / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `com.taskai.")]
    assert sorted(row.split("`")[1] for row in rows) == sorted(TYPES)
    for row in rows:
        event_type, topic = row.split("`")[1], row.split("`")[3]
        assert topic == TYPES[event_type].topic, event_type
    assert all(f"| `{topic}` |" in readme for topic in TOPICS)


def test_the_check_mode_also_reports_a_missing_and_a_stray_schema(tmp_path: Path) -> None:
    export_schemas(tmp_path)
    (tmp_path / "com.taskai.task.created.json").unlink()
    (tmp_path / "com.taskai.task.archived.json").write_text("{}\n", encoding="utf-8")
    assert contracts_cli([str(tmp_path), "--check"]) == 1
