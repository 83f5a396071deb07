"""Todoist's CSV export imported into one project: its rows (read by domain.todoist) through the
Importer of an export, in one transaction, once per import id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from taskai.domain import quickadd, todoist
from taskai.domain.tasks import MAX_DESCRIPTION, Task
from taskai.domain.users import check_timezone
from taskai.errors import InvalidInput, TaskAIError
from taskai.ports import UnitOfWork
from taskai.services.transfer import Importer, Progress


def import_todoist(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    text: str,
    project: str,
    import_id: str,
    now: datetime,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import Todoist's CSV export into project `project` (made unless the account has one of
    that name) in one transaction, once per `import_id`: sections, tasks (DATE read by quick
    add, `@labels` as tags, INDENT nesting as subtasks) and notes (appended to their
    task's description); a new project takes the file's view_style. Returns the report; a row
    refused is listed with its CSV line (field: the file's column), and `notes` name the columns
    whose values were not imported. Raises InvalidInput (field `file`) for a file that is not
    Todoist's CSV, Conflict as import_export."""
    sheet = todoist.read_csv(text)
    with uow:
        done = uow.imports.report(user_id, import_id)
        if done is not None:
            return {**done, "repeated": True}
        importer = Importer(uow, user_id, now)
        importer.rejected.extend(
            {"line": r.line, "field": r.field, "message": r.message} for r in sheet.rejected
        )
        importer.notes.extend(
            f"{name} is not imported ({count} {'row has' if count == 1 else 'rows have'} one)"
            for name, count in sheet.unread.items()
        )
        with importer.item("project", 0):
            importer.project({"id": "todoist", "name": project, "view": sheet.view})
        if "todoist" not in importer.projects:
            raise InvalidInput("bad project", fields={"project": importer.rejected[-1]["message"]})
        if progress is not None:
            progress.begin(len(sheet.rows))
        TodoistReader(importer).read(sheet.rows, progress)
        return importer.finish(import_id)


# The file's column a refusal of a task's field names: the user fixes the file, not the API.
COLUMNS = {
    "title": "CONTENT",
    "name": "CONTENT",  # a section's
    "tags": "CONTENT",  # labels are words of CONTENT
    "description": "DESCRIPTION",
    "priority": "PRIORITY",
    "due_date": "DATE",
    "due_on": "DATE",
    "recurrence": "DATE",
}


def column(name: str) -> str:
    """The CSV column of a task field named in a refusal (`tags.0` as `tags`); another name
    as it is."""
    return COLUMNS.get(name.split(".")[0], name)


class TodoistReader:
    """Todoist's rows into an Importer: a section row opens a section, a task row is a task in
    the last one, a note row adds to the last task's description, INDENT nests tasks."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer
        self.current_section: Any = None
        # the open ancestors (indent, task; None for a refused one)
        self.parents: list[tuple[int, Task | None]] = []

    def read(self, rows: list[todoist.Row], progress: Progress | None) -> None:
        """Import the rows in order; a refused one is reported by its line."""
        for row in rows:
            with self.importer.item("row", 0, line=row.line):
                try:
                    getattr(self, row.kind)(row)
                except TaskAIError as e:
                    e.fields = {column(name): message for name, message in e.fields.items()}
                    self.refused(row)
                    raise
            if progress is not None:
                progress.advance()

    def refused(self, row: todoist.Row) -> None:
        """After a refused row: the rows under it go to no other task or section (a refused
        task's notes are refused, its subtasks left flat; a refused section's tasks are in the
        project, in no section)."""
        if row.kind == "section":
            self.current_section, self.parents = None, []
        elif row.kind == "task":
            while self.parents and self.parents[-1][0] >= row.indent:
                self.parents.pop()
            self.parents.append((row.indent, None))

    def section(self, row: todoist.Row) -> None:
        """Open a section of the import's project."""
        self.importer.section({"id": row.line, "project_id": "todoist", "name": row.content})
        self.current_section, self.parents = row.line, []

    def note(self, row: todoist.Row) -> None:
        """Append the note to the last task's description."""
        task = self.parents[-1][1] if self.parents else None
        if task is None:
            message = "its task was refused" if self.parents else "no task before it"
            raise InvalidInput("note without a task", fields={"CONTENT": message})
        description = "\n\n".join(filter(None, (task.description, row.content)))
        if len(description) > MAX_DESCRIPTION:  # the next import of its export refused the task
            message = f"the task's description would pass {MAX_DESCRIPTION} characters"
            raise InvalidInput("note too long", fields={"CONTENT": message})
        task.description = description

    def task(self, row: todoist.Row) -> None:
        """A task of the row, its DATE read by quick add in its TIMEZONE and DATE_LANG."""
        item: dict[str, Any] = {
            "title": row.content,
            "description": row.description,
            "priority": row.priority,
            "tags": row.labels,
            "project_id": "todoist",
            "section_id": self.current_section,
        }
        if row.date:
            item.update(self.date(row))
        task = self.importer.task(item)
        while self.parents and self.parents[-1][0] >= row.indent:
            self.parents.pop()
        above = self.parents[-1][1] if self.parents else None
        if row.indent > 1 and not (above and self.importer.attach(task, above)):
            # no task above it (or a refused one), or one it cannot nest under
            self.importer.subtasks += 1
        self.parents.append((row.indent, task))

    def date(self, row: todoist.Row) -> dict[str, Any]:
        """The due date, all-day flag and recurrence DATE says; raises InvalidInput naming DATE
        or TIMEZONE."""
        zone = row.timezone or self.importer.clock.tz
        try:
            check_timezone(zone)
        except InvalidInput as e:
            raise InvalidInput("bad TIMEZONE", fields={"TIMEZONE": e.message}) from e
        draft = quickadd.parse(
            row.date, now=self.importer.now, tz=zone, language=row.date_lang or "en"
        )
        if draft.due_date is None:
            raise InvalidInput("unreadable DATE", fields={"DATE": f"cannot read {row.date!r}"})
        found: dict[str, Any] = {"due_date": draft.due_date.isoformat()}
        if draft.all_day:
            day = draft.due_date.date().isoformat()
            found.update(all_day=True, due_on=day)
        if draft.recurrence:
            found.update(recurrence=draft.recurrence, series_id=f"row {row.line}")
        return found
