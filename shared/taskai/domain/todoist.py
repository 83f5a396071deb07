"""Todoist's CSV export read as rows TaskAI can import: its documented columns (TYPE, CONTENT,
DESCRIPTION, PRIORITY, INDENT, AUTHOR, RESPONSIBLE, DATE, DATE_LANG, TIMEZONE), each row with
the line of the file it starts on, the rows that cannot be read, with why, the project's view
(its `meta,view_style=…` row), and the other columns that hold values TaskAI does not read."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from taskai.errors import InvalidInput

KINDS = ("task", "section", "note")
# The CSV's PRIORITY is the p of p1-p4 as Todoist's app shows it (1 = p1, the most urgent; its
# help: "Type 1 to add p1 (highest priority)"). Its REST API counts the other way round.
PRIORITIES = {1: "urgent", 2: "high", 3: "medium", 4: "low"}
REQUIRED = ("TYPE", "CONTENT")
READ = (*REQUIRED, "DESCRIPTION", "PRIORITY", "INDENT", "DATE", "DATE_LANG", "TIMEZONE")
IGNORED = ("AUTHOR", "RESPONSIBLE")  # one owner: documented as ignored
VIEWS = ("list", "board")  # view_style values TaskAI has; another one (calendar) is a list
LABEL = re.compile(r"(?<!\S)@([^\s@]+)")


@dataclass(frozen=True)
class Rejection:
    """A row not imported: the CSV line it starts on, the column at fault, and why."""

    line: int
    field: str
    message: str


@dataclass
class Sheet:
    """A file read: its rows in order, the rows refused, the project's view (`meta` row's
    view_style; None without one) and, by column, how many rows hold a value nobody reads."""

    rows: list[Row]
    rejected: list[Rejection]
    view: str | None = None
    unread: dict[str, int] = field(default_factory=dict)


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


def read_csv(text: str) -> Sheet:
    """The Sheet of a Todoist CSV export: its rows, the rejected ones with their line numbers,
    its view and its unread columns; blank rows are skipped. Raises InvalidInput (field `file`)
    past MAX_ROWS rows, without a TYPE or CONTENT column, or for a file the csv module cannot
    read (a field over its 128 KiB limit, a NUL, a quote left open: RFC 4180's quoted fields)."""
    # strict: a quote left open is an error at the end, not the rest of the file in one field
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        return _read(reader)
    except csv.Error as e:
        why = "a quoted field is not closed" if "end of data" in str(e) else str(e)
        message = f"cannot read line {reader.line_num}: {why}"
        raise InvalidInput(message, fields={"file": message}) from e


def _read(reader: Any) -> Sheet:  # a csv reader
    header = [name.strip().upper() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        message = "not a Todoist CSV export: no column " + ", ".join(missing)
        raise InvalidInput(message, fields={"file": message})
    sheet = Sheet([], [])
    line = reader.line_num + 1
    for values in reader:
        if len(sheet.rows) + len(sheet.rejected) == MAX_ROWS:
            message = f"more than {MAX_ROWS:,} rows: split the file"
            raise InvalidInput(message, fields={"file": message})
        if any(value.strip() for value in values):
            cells = dict(zip(header, values, strict=False))
            try:
                read_cells(sheet, cells, line)
            except InvalidInput as e:
                (name, message), *_ = (e.fields or {"row": e.message}).items()
                sheet.rejected.append(Rejection(line, name, message))
        line = reader.line_num + 1
    return sheet


def read_cells(sheet: Sheet, cells: dict[str, str], line: int) -> None:
    """Add one non-blank row to the sheet: a `meta` row sets its view (other meta rows say
    nothing TaskAI keeps), any other is a Row; raises InvalidInput naming the column."""
    if cells.get("TYPE", "").strip().lower() == "meta":
        key, _, value = cells.get("CONTENT", "").partition("=")
        if key.strip().lower() == "view_style":
            sheet.view = value.strip().lower() if value.strip().lower() in VIEWS else "list"
        return
    sheet.rows.append(read_row(cells, line))
    for name, value in cells.items():
        if value.strip() and name not in READ + IGNORED:
            sheet.unread[name] = sheet.unread.get(name, 0) + 1


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
    """TaskAI's priority of Todoist's PRIORITY (1 = p1 = urgent … 4 = p4 = low; empty: low, as
    Todoist's default p4); raises InvalidInput naming PRIORITY."""
    if not value.strip():
        return PRIORITIES[4]
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
