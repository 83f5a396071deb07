"""The JSON Schemas of event data, generated from the models: the files in events/schemas/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from taskai.contracts.registry import TYPES, dataschema

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_of(event_type: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a type's `data`."""
    body = TYPES[event_type].model.model_json_schema(mode="validation")
    return {"$schema": DIALECT, "$id": dataschema(event_type), **body}


def schema_text(event_type: str) -> str:
    """The schema as it is written to its file."""
    return json.dumps(schema_of(event_type), indent=2, ensure_ascii=False) + "\n"


def schema_file(directory: Path, event_type: str) -> Path:
    """The path of `event_type`'s schema in `directory`: `<directory>/<event_type>.json`."""
    return directory / f"{event_type}.json"


def export_schemas(directory: str | Path) -> list[Path]:
    """Write one `<type>.json` per event type into `directory`; returns the files written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type in TYPES:
        path = schema_file(directory, event_type)
        path.write_text(schema_text(event_type), encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: str | Path) -> list[Path]:
    """The schema files in `directory` that are missing, differ from the models, or are extra."""
    directory = Path(directory)
    expected = {schema_file(directory, event_type): schema_text(event_type) for event_type in TYPES}
    stale = [
        path
        for path, text in expected.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    return stale + sorted(p for p in directory.glob("*.json") if p not in expected)
