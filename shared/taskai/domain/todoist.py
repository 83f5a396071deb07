"""Todoist's CSV export read as rows TaskAI can import: its documented columns (TYPE, CONTENT,
DESCRIPTION, PRIORITY, INDENT, AUTHOR, RESPONSIBLE, DATE, DATE_LANG, TIMEZONE), each row with
the line of the file it starts on, and the rows that cannot be read, with why."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from taskai.errors import InvalidInput

KINDS = ("task", "section", "note")
# Todoist numbers priorities the other way round: 4 is p1, the most urgent.
PRIORITIES = {4: "urgent", 3: "high", 2: "medium", 1: "low"}
REQUIRED = ("TYPE", "CONTENT")
LABEL = re.compile(r"(?<!\S)@([^\s@]+)")


@dataclass(frozen=True)
class Rejection:
    """A row not imported: the CSV line it starts on, the column at fault, and why."""

    line: int
    field: str
    message: str


@dataclass
class Row:
    """One readable row: a task (its labels taken out of CONTENT), a section or a note."""

    line: int
    kind: str
    content: str
    description: str = ""
    priority: str = "low"
    indent: int = 1
    date: str = ""
    date_lang: str = ""
    timezone: str = ""
    labels: list[str] = field(default_factory=list)


MAX_ROWS = 50_000  # as many as an import of TaskAI's own export may hold


def read_csv(text: str) -> tuple[list[Row], list[Rejection]]:
    """The rows of a Todoist CSV export, in order, and the rejected ones with their line numbers;
    blank rows are skipped. Raises InvalidInput (field `file`) past MAX_ROWS rows, without a TYPE
    or CONTENT column, or for a file the csv module cannot read (a field over its 128 KiB limit,
    a NUL, a quote left open: RFC 4180's quoted fields)."""
    # strict: a quote left open is an error at the end, not the rest of the file in one field
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        return _read(reader)
    except csv.Error as e:
        why = "a quoted field is not closed" if "end of data" in str(e) else str(e)
        message = f"cannot read line {reader.line_num}: {why}"
        raise InvalidInput(message, fields={"file": message}) from e


def _read(reader: Any) -> tuple[list[Row], list[Rejection]]:  # a csv reader
    header = [name.strip().upper() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        message = "not a Todoist CSV export: no column " + ", ".join(missing)
        raise InvalidInput(message, fields={"file": message})
    rows: list[Row] = []
    rejected: list[Rejection] = []
    line = reader.line_num + 1
    for values in reader:
        if len(rows) + len(rejected) == MAX_ROWS:
            message = f"more than {MAX_ROWS:,} rows: split the file"
            raise InvalidInput(message, fields={"file": message})
        if any(value.strip() for value in values):
            cells = dict(zip(header, values, strict=False))
            try:
                rows.append(read_row(cells, line))
            except InvalidInput as e:
                (name, message), *_ = (e.fields or {"row": e.message}).items()
                rejected.append(Rejection(line, name, message))
        line = reader.line_num + 1
    return rows, rejected


def read_row(cells: dict[str, str], line: int) -> Row:
    """One row of cells by upper-case column name; raises InvalidInput naming the column."""
    kind = cells.get("TYPE", "").strip().lower()
    if kind not in KINDS:
        raise InvalidInput("bad TYPE", fields={"TYPE": "must be one of " + ", ".join(KINDS)})
    content = cells.get("CONTENT", "").strip()
    title, labels = take_labels(content) if kind == "task" else (content, [])
    if not title:
        raise InvalidInput("empty CONTENT", fields={"CONTENT": "must not be empty"})
    return Row(
        line=line,
        kind=kind,
        content=title,
        description=cells.get("DESCRIPTION", "").strip(),
        priority=priority(cells.get("PRIORITY", "")),
        indent=indent(cells.get("INDENT", "")),
        date=cells.get("DATE", "").strip(),
        date_lang=cells.get("DATE_LANG", "").strip(),
        timezone=cells.get("TIMEZONE", "").strip(),
        labels=labels,
    )


def take_labels(content: str) -> tuple[str, list[str]]:
    """(CONTENT without its `@label` words, the labels in order, each once)."""
    labels = list(dict.fromkeys(LABEL.findall(content)))
    title = " ".join(LABEL.sub("", content).split())
    return title, labels


def priority(value: str) -> str:
    """TaskAI's priority of Todoist's PRIORITY (4 = p1 = urgent … 1 = low; empty: low); raises
    InvalidInput naming PRIORITY."""
    if not value.strip():
        return PRIORITIES[1]
    try:
        return PRIORITIES[int(value)]
    except (ValueError, KeyError):
        raise InvalidInput("bad PRIORITY", fields={"PRIORITY": "must be 1 to 4"}) from None


def indent(value: str) -> int:
    """The INDENT level (1 = top level; empty: 1); raises InvalidInput naming INDENT."""
    if not value.strip():
        return 1
    try:
        level = int(value)
    except ValueError:
        level = 0
    if not 1 <= level <= 5:
        raise InvalidInput("bad INDENT", fields={"INDENT": "must be 1 to 5"})
    return level
