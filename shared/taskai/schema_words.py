"""The vocabularies as pydantic field types, for the API models and the event contracts alike.

A field of one of these types validates to the domain's StrEnum member, and its JSON Schema is
the list of words inline (`{"enum": [...], "type": "string"}`), as the published documents have
always said it, rather than a reference to a definition.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import GetPydanticSchema
from pydantic_core import core_schema

from taskai.domain import vocabulary as v


def words(vocabulary: type[StrEnum]) -> GetPydanticSchema:
    """Validation of a vocabulary as the Literal of its values (in definition order, which
    gives the JSON Schema), then as its member."""
    literal = core_schema.literal_schema([word.value for word in vocabulary])
    return GetPydanticSchema(
        lambda _type, _handler: core_schema.no_info_after_validator_function(vocabulary, literal)
    )


Status = Annotated[v.TaskStatus, words(v.TaskStatus)]
Priority = Annotated[v.Priority, words(v.Priority)]
Anchor = Annotated[v.Anchor, words(v.Anchor)]
Language = Annotated[v.Language, words(v.Language)]
Preset = Annotated[v.Preset, words(v.Preset)]
SortKey = Annotated[v.SortKey, words(v.SortKey)]
SortOrder = Annotated[v.SortOrder, words(v.SortOrder)]
TagMode = Annotated[v.TagMode, words(v.TagMode)]
DraftSource = Annotated[v.DraftSource, words(v.DraftSource)]
Deleted = Annotated[v.Deleted, words(v.Deleted)]
ProjectView = Annotated[v.ProjectView, words(v.ProjectView)]
