"""Helpers of the contract tests: the committed files under events/ and exact schema checks."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

EVENTS = Path(__file__).resolve().parents[2] / "events"
SCHEMAS = EVENTS / "schemas"
EXAMPLES = EVENTS / "examples"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def committed_schema(event_type: str) -> dict[str, Any]:
    return load(SCHEMAS / f"{event_type}.json")


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A 2020-12 validator that also checks formats (date-time, uuid)."""
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def exact(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema closed on the producer side: every listed field present, no unlisted one.

    Consumers accept unknown fields; a producer must still declare each field it emits.
    """
    schema = copy.deepcopy(schema)

    def close(node: Any) -> None:
        if isinstance(node, dict):
            if "properties" in node and node.get("type") == "object":
                node["additionalProperties"] = False
                node["required"] = sorted(node["properties"])
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(schema)
    return schema
