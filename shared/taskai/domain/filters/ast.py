"""The filter language's syntax tree: frozen values, no SQL, printed back as the query they mean."""

from __future__ import annotations

from dataclasses import dataclass

# p1 is the most urgent, as in Todoist.
PRIORITY_OF_LEVEL = {"p1": "urgent", "p2": "high", "p3": "medium", "p4": "low"}
LEVEL_OF_PRIORITY = {word: level for level, word in PRIORITY_OF_LEVEL.items()}


@dataclass(frozen=True)
class Today:
    """Due today in the owner's zone."""

    def __str__(self) -> str:
        return "today"


@dataclass(frozen=True)
class Tomorrow:
    """Due tomorrow in the owner's zone."""

    def __str__(self) -> str:
        return "tomorrow"


@dataclass(frozen=True)
class Overdue:
    """Due before now and not completed."""

    def __str__(self) -> str:
        return "overdue"


@dataclass(frozen=True)
class NoDate:
    """Without a due date."""

    def __str__(self) -> str:
        return "no date"


@dataclass(frozen=True)
class NextDays:
    """Due from the start of today through the end of day `days` - 1 (today is the first)."""

    days: int

    def __str__(self) -> str:
        return f"next {self.days} days"


@dataclass(frozen=True)
class DueBefore:
    """Due before the start of the day (or the moment) that `when` names, in quick add's words."""

    when: str

    def __str__(self) -> str:
        return f"due before: {self.when}"


@dataclass(frozen=True)
class DueAfter:
    """Due after the end of the day (or the moment) that `when` names, in quick add's words."""

    when: str

    def __str__(self) -> str:
        return f"due after: {self.when}"


@dataclass(frozen=True)
class PriorityIs:
    """Of one priority: urgent, high, medium or low."""

    priority: str

    def __str__(self) -> str:
        return LEVEL_OF_PRIORITY[self.priority]


@dataclass(frozen=True)
class HasTag:
    """Carrying the tag of this name (compared as tag names are: normalized, any case)."""

    name: str

    def __str__(self) -> str:
        return "#" + _marker_name(self.name)


@dataclass(frozen=True)
class NoTags:
    """Carrying no tag."""

    def __str__(self) -> str:
        return "no tags"


@dataclass(frozen=True)
class InProject:
    """In the project of this name."""

    name: str

    def __str__(self) -> str:
        return "+" + _marker_name(self.name)


@dataclass(frozen=True)
class InSection:
    """In a section of this name."""

    name: str

    def __str__(self) -> str:
        return "/" + _marker_name(self.name)


@dataclass(frozen=True)
class Recurring:
    """With a repeat rule."""

    def __str__(self) -> str:
        return "recurring"


@dataclass(frozen=True)
class Subtask:
    """A subtask: a task with a parent."""

    def __str__(self) -> str:
        return "subtask"


@dataclass(frozen=True)
class Search:
    """Matching these words as the `q` search does (the last word also as a prefix)."""

    words: str

    def __str__(self) -> str:
        return f"search: {self.words}"


@dataclass(frozen=True)
class StatusIs:
    """In one status: pending, in_progress or completed."""

    status: str

    def __str__(self) -> str:
        return f"status: {self.status}"


@dataclass(frozen=True)
class Not:
    """Not matching `operand`."""

    operand: Filter

    def __str__(self) -> str:
        return "!" + _wrapped(self.operand, (And, Or))


@dataclass(frozen=True)
class And:
    """Matching every one of `operands` (two or more)."""

    operands: tuple[Filter, ...]

    def __str__(self) -> str:
        return " & ".join(_wrapped(o, (Or,)) for o in self.operands)


@dataclass(frozen=True)
class Or:
    """Matching any one of `operands` (two or more)."""

    operands: tuple[Filter, ...]

    def __str__(self) -> str:
        return " | ".join(str(o) for o in self.operands)


Filter = (
    Today | Tomorrow | Overdue | NoDate | NextDays | DueBefore | DueAfter | PriorityIs | HasTag
    | NoTags | InProject | InSection | Recurring | Subtask | Search | StatusIs | Not | And | Or
)  # fmt: skip


def _wrapped(node: Filter, looser: tuple[type, ...]) -> str:
    """`node` printed, in parentheses when it binds more loosely than where it stands."""
    return f"({node})" if isinstance(node, looser) else str(node)


def _marker_name(name: str) -> str:
    """A name after #, + or /: quoted when it holds a space or an operator."""
    return f'"{name}"' if any(c in name for c in ' \t&|!()"') else name
