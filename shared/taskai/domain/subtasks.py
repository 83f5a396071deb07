"""Subtasks and manual order (#16): how deep subtasks nest, and where a task stands among its
siblings. Positions are integers GAP apart: a move between two neighbours takes the midpoint
(one row written); only when two neighbours are adjacent is their group renumbered, which takes
16 moves into the same gap. Integers (rather than fractional string keys) compare and index the
same on PostgreSQL and SQLite and make plain keyset cursors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import NamedTuple

from taskai.errors import InvalidInput

MAX_DEPTH = 4  # a subtask has at most 4 ancestors: a task and four levels below it
GAP = 65536


class Place(NamedTuple):
    """A group of siblings: the project, section and parent they share (None: none)."""

    project_id: uuid.UUID
    section_id: uuid.UUID | None
    parent_id: uuid.UUID | None


def check_parent(task_id: uuid.UUID, ancestors: Sequence[uuid.UUID], height: int = 0) -> None:
    """Refuse a parent whose chain (`ancestors`: the parent, its parent, … to the top) holds
    `task_id` (a cycle) or would nest the task's subtree (`height` levels below it) deeper than
    MAX_DEPTH; raises InvalidInput naming parent_id."""
    if task_id in ancestors:
        message = "would make the task a subtask of itself"
        raise InvalidInput(f"parent_id {message}", fields={"parent_id": message})
    if len(ancestors) + height > MAX_DEPTH:
        message = f"subtasks nest at most {MAX_DEPTH} levels deep"
        raise InvalidInput(f"parent_id {message}", fields={"parent_id": message})


def position_between(before: int | None, after: int | None) -> int | None:
    """A position after `before` and before `after` (None: no neighbour on that side), or None
    when the two are adjacent and the group needs renumbering."""
    if before is None and after is None:
        return GAP
    if before is None:
        assert after is not None
        return after - GAP
    if after is None:
        return before + GAP
    middle = (before + after) // 2
    return middle if before < middle < after else None


def spaced(count: int) -> list[int]:
    """Positions for `count` siblings in order, GAP apart from GAP."""
    return [GAP * (i + 1) for i in range(count)]
