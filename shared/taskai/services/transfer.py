"""Import and export: an account's data read out a page at a time, and brought in (TaskAI's own
export here, Todoist's CSV in todoist_import) in one transaction, once per import id, with ids
remapped and a report of what was created and of each item refused.

Webhooks are exported without their signing secrets. An imported one gets a new secret, shown
once in the import's answer (never in the report kept for a repeat), and starts disabled with
a reason saying so: its receiver must learn the new secret before it is enabled again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from taskai.domain.events import FilterCreated, TaskCreated
from taskai.domain.filters.saved import MAX_PER_USER, SavedFilter
from taskai.domain.names import name_key
from taskai.domain.projects import MAX_PROJECTS, MAX_SECTIONS, Project, Section, clean_name
from taskai.domain.recurrence.occurrences import FIRST_YEAR, LAST_YEAR
from taskai.domain.subtasks import GAP, MAX_DEPTH, Place
from taskai.domain.tags import Tag, clean_tag_name
from taskai.domain.tasks import EARLIEST_DUE, LATEST_DUE, MAX_TAGS, Task
from taskai.domain.webhooks import MAX_WEBHOOKS, Webhook, check_event_types, new_secret
from taskai.errors import Clash, Conflict, InvalidInput, TaskAIError
from taskai.ports import UnitOfWork, WebhookSender
from taskai.services.tasks import parse_recurrence, reminder_specs
from taskai.services.webhooks import EVENT_TYPES

FORMAT, VERSION = "taskai-export", 1
MAX_IMPORT_BYTES = 10 * 1024 * 1024  # a bigger body is 413
PAGE = 500  # tasks read per statement while exporting
KINDS = ("projects", "sections", "tags", "filters", "webhooks", "tasks")
IMPORTED_WEBHOOK = (
    "Imported: it has a new signing secret, shown once when it was imported. "
    "Enable it once its receiver checks signatures with that secret."
)


class Progress(Protocol):
    """Where an import or export shows how far it got (the CLI's bar)."""

    def begin(self, total: int) -> None:
        """Start showing progress over `total` items."""

    def advance(self) -> None:
        """One more item done."""


def export_account(*, uow: UnitOfWork, user_id: uuid.UUID) -> Iterator[tuple[str, Sequence[Any]]]:
    """The account's data as (kind, items): "user" (one User), then every project, section, tag,
    saved filter and webhook, then "tasks" a page (PAGE TaskViews) at a time, all in one
    read-only transaction held while the caller consumes it; raises NotFound for an unknown
    user."""
    with uow:
        yield "user", [uow.users.get(user_id)]
        projects = [project for project, _ in uow.projects.with_counts(user_id)]
        yield "projects", projects
        yield "sections", [s for p in projects for s in uow.sections.of_project(p.id)]
        yield "tags", [tag for tag, _ in uow.tags.with_usage(user_id, prefix=None, limit=10**9)]
        yield "filters", uow.filters.of_user(user_id)
        yield "webhooks", uow.webhooks.of_user(user_id)
        after = None
        while page := uow.tasks.every(user_id, after=after, limit=PAGE):
            yield "tasks", page
            after = page[-1].id


def import_export(
    *,
    uow: UnitOfWork,
    user_id: uuid.UUID,
    document: dict[str, Any],
    import_id: str,
    sender: WebhookSender,
    now: datetime,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import a checked export document into the account in one transaction, new ids for all,
    references followed within the file only, each place's tasks in the order of their
    `position`; webhooks' URLs checked by `sender`. Run once per `import_id` (a repeat returns
    the first report with `"repeated": true`). Returns the report {created, rejected, webhooks}
    (webhooks: each one created, with its new secret); an item refused is listed with its kind,
    index, field and message. Raises Conflict for the same import running at once."""
    with uow:
        done = uow.imports.report(user_id, import_id)
        if done is not None:
            return {**done, "repeated": True}
        importer = Importer(uow, user_id, now, sender)
        if progress is not None:
            progress.begin(len(document.get("tasks", [])))
        for kind in KINDS:
            read = getattr(importer, kind[:-1])
            items = document.get(kind, [])
            repeated = repeated_ids(items)
            for index, item in in_order(kind, items):
                with importer.item(kind, index):
                    if index in repeated:
                        raise InvalidInput("bad id", fields={"id": REPEATED_ID})
                    read(shaped(kind, item))
                if kind == "tasks" and progress is not None:
                    progress.advance()
        return importer.finish(import_id)


def in_order(kind: str, items: list[Any]) -> list[tuple[int, Any]]:
    """(index in the file, item) pairs in the order to import them: tasks and sections by their
    `position` (positions order siblings, so sorting them all orders each place; those without
    one come after, in file order), everything else as the file has it."""
    indexed = list(enumerate(items))
    if kind not in ("tasks", "sections"):
        return indexed

    def position(pair: tuple[int, Any]) -> tuple[int, int]:
        found = pair[1].get("position") if isinstance(pair[1], dict) else None
        return (0, found) if isinstance(found, int) and not isinstance(found, bool) else (1, 0)

    return sorted(indexed, key=position)


@dataclass
class Importer:
    """One import in one unit of work: what the file's ids became, and the report so far."""

    uow: UnitOfWork
    user_id: uuid.UUID
    now: datetime
    sender: WebhookSender | None = None  # checks webhooks' URLs (none in a Todoist CSV)
    projects: dict[Any, Project] = field(default_factory=dict)
    sections: dict[Any, Section] = field(default_factory=dict)
    series: dict[Any, uuid.UUID] = field(default_factory=dict)
    places: set[tuple[uuid.UUID, int]] = field(default_factory=set)  # (series, occurrence)
    tags: dict[str, Tag] = field(default_factory=dict)  # by key
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    rejected: list[dict[str, Any]] = field(default_factory=list)
    subtasks: int = 0  # subtasks that could not nest (too deep, another place): left flat
    reopened: int = 0  # completed tasks of the file reopened, as an open subtask sits under them
    # subtasks and manual order: the next position of each place, the file's tasks by id, and
    # the file's subtasks whose parent may come later in it
    positions: dict[Place, int] = field(default_factory=dict)
    tasks: dict[Any, Task] = field(default_factory=dict)
    parents: list[tuple[Task, Any]] = field(default_factory=list)
    webhooks: list[Webhook] = field(default_factory=list)  # created, their secrets shown once
    notes: list[str] = field(default_factory=list)  # what the file held that was not imported

    def __post_init__(self) -> None:
        self.by_id: dict[uuid.UUID, Task] = {}
        self.clock = self.uow.users.get(self.user_id).clock
        inbox = self.uow.projects.inbox(self.user_id)
        self.inbox_id = inbox.id if inbox else None  # where a task of no project goes

    @contextmanager
    def item(self, kind: str, index: int, line: int | None = None) -> Iterator[None]:
        """Refuse the item (listed in the report, by its CSV `line` when given) on a TaskAIError,
        or on a value of a type the item's field never has (a number for a color)."""
        where: dict[str, Any] = {"kind": kind, "index": index} if line is None else {"line": line}
        try:
            yield
        except Clash:  # the store refused a write: the transaction, and the import, are spent
            raise
        except TaskAIError as e:
            name, message = next(iter((e.fields or {"item": e.message}).items()))
            self.rejected.append({**where, "field": name, "message": message})
        except (TypeError, ValueError, AttributeError, OverflowError) as e:
            message = f"malformed ({type(e).__name__})"
            self.rejected.append({**where, "field": "item", "message": message})

    def finish(self, import_id: str) -> dict[str, Any]:
        """Nest the file's subtasks under their parents, record the import under `import_id`,
        commit, and return the report."""
        for task, parent in self.nesting_order():
            found = self.tasks.get(parent)
            if found is None or not self.attach(task, found):
                self.subtasks += 1
        for task in self.by_id.values():
            if task.parent_id is not None and not task.is_completed:
                self.reopen_ancestors(task)
        if self.reopened:
            self.notes.append(
                f"{self.reopened} completed task(s) reopened: the file has open subtasks under them"
            )
        rejected = sorted(self.rejected, key=lambda r: r.get("line", 0))  # a CSV's by line
        report: dict[str, Any] = {"created": self.created, "rejected": rejected}
        if self.subtasks:
            report["subtasks"], report["flattened"] = self.subtasks, True
        if self.notes:
            report["notes"] = self.notes
        self.uow.imports.remember(self.user_id, import_id, report, self.now)
        self.uow.commit()
        self.uow.tasks.refresh_statistics(self.created["tasks"])
        secrets = [{"id": str(w.id), "url": w.url, "secret": w.secret} for w in self.webhooks]
        return {**report, "webhooks": secrets} if secrets else report

    def project(self, item: dict[str, Any]) -> None:
        """A project of the file: the Inbox is the account's, one of a name the account has is
        that one; else a new one (at most MAX_PROJECTS)."""
        key = ref(item, "id")
        repo = self.uow.projects
        if item.get("inbox"):
            found = repo.inbox(self.user_id)
        else:
            found = repo.by_key(self.user_id, name_key(clean_name(text(item, "name"))))
        if found is not None and found.archived and not item.get("archived"):
            message = "the account's project of this name is archived: unarchive it first"
            raise Conflict("archived project", fields={"name": message})
        if found is None:
            count, highest = repo.count(self.user_id)
            if count >= MAX_PROJECTS:
                raise Conflict("too many projects", fields={"name": f"at most {MAX_PROJECTS}"})
            found = Project.new(
                user_id=self.user_id,
                name=text(item, "name"),
                now=self.now,
                color=item.get("color"),
                view=item.get("view") or "list",
                position=highest + 1,  # after the account's own, in the file's order
            )
            if item.get("archived"):
                found.update(now=self.now, archived=True)
            repo.add(found)
            self.created["projects"] += 1
        self.projects[key] = found

    def section(self, item: dict[str, Any]) -> None:
        """A section of a project of the file (one of that name in it is reused)."""
        key = ref(item, "id")
        project = self.projects.get(ref(item, "project_id"))
        if project is None:
            raise InvalidInput("bad project_id", fields={"project_id": "not a project of the file"})
        name = clean_name(text(item, "name"))
        existing = self.uow.sections.of_project(project.id)
        found = next((s for s in existing if name_key(s.name) == name_key(name)), None)
        if found is None:
            if len(existing) >= MAX_SECTIONS:
                raise Conflict("too many sections", fields={"name": f"at most {MAX_SECTIONS}"})
            position = max((s.position for s in existing), default=-1) + 1
            found = Section.new(project=project, name=name, now=self.now, position=position)
            self.uow.sections.add(found)
            self.created["sections"] += 1
        self.sections[key] = found

    def tag(self, item: dict[str, Any]) -> None:
        """A tag of the file with its color, unless the account has one of that name."""
        name = clean_tag_name(text(item, "name"), field_name="name")
        found = self.uow.tags.by_keys(self.user_id, [name_key(name)])
        if not found:
            color = item.get("color")
            found = [Tag.new(user_id=self.user_id, name=name, color=color, now=self.now)]
            self.uow.tags.add(found[0])
            self.created["tags"] += 1
        self.tags[found[0].key] = found[0]

    def filter(self, item: dict[str, Any]) -> None:
        """A saved filter of the file, unless the account has one of that name (new ones go
        after the account's own, in the file's order)."""
        count, highest = self.uow.filters.count(self.user_id)
        saved = SavedFilter.new(
            user_id=self.user_id,
            name=text(item, "name"),
            query=text(item, "query"),
            color=item.get("color"),
            position=highest + 1,
            now=self.now,
        )
        if self.uow.filters.by_key(self.user_id, saved.key) is not None:
            return
        if count >= MAX_PER_USER:
            raise Conflict("too many filters", fields={"name": f"at most {MAX_PER_USER}"})
        self.uow.filters.add(saved)
        self.uow.publish(FilterCreated(filter=saved.snapshot(), occurred_at=self.now))
        self.created["filters"] += 1

    def webhook(self, item: dict[str, Any]) -> None:
        """A webhook of the file, unless the account has one of its URL: a new one, disabled
        (IMPORTED_WEBHOOK) with a new secret; raises InvalidInput naming url or event_types,
        Conflict at MAX_WEBHOOKS."""
        url = text(item, "url")
        types = item.get("event_types", ["*"])
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise InvalidInput("bad event_types", fields={"event_types": "must be a list of text"})
        wanted = check_event_types(types, EVENT_TYPES)
        existing = self.uow.webhooks.of_user(self.user_id)
        if any(w.url == url for w in existing):
            return
        if len(existing) >= MAX_WEBHOOKS:
            raise Conflict("too many webhooks", fields={"url": f"at most {MAX_WEBHOOKS}"})
        assert self.sender is not None, "an import of webhooks checks their URLs"
        self.sender.check(url)
        webhook = Webhook(
            user_id=self.user_id,
            url=url,
            event_types=wanted,
            secret=new_secret(),
            created_at=self.now,
            updated_at=self.now,
        )
        webhook.disable(IMPORTED_WEBHOOK, self.now)
        self.uow.webhooks.add(webhook)
        self.webhooks.append(webhook)
        self.created["webhooks"] += 1

    def task(self, item: dict[str, Any]) -> Task:
        """A task of the file (TaskPublic's shape), its project, section and series remapped, its
        created_at kept (one in the future: now); raises InvalidInput naming the field at fault.
        Its tags are made last, once nothing else can refuse it: a refused item leaves none."""
        project_id, section_id = self.place(item)
        due_at, all_day = self.due(item)
        wanted = tag_keys(item)
        recurrence = item.get("recurrence")  # an object, if any (SHAPES)
        rule = recurrence and parse_recurrence({k: recurrence.get(k) for k in ("rule", "anchor")})
        task = Task.create(
            user_id=self.user_id,
            title=text(item, "title"),
            description=item.get("description") or "",
            status=item.get("status") or "pending",
            priority=item.get("priority") or "medium",
            due_at=due_at,
            all_day=all_day,
            clock=self.clock,
            recurrence=rule or None,
            reminders=reminder_specs(
                reminders(item.get("reminders") or []), self.clock.zone, due_at=due_at
            ),
            project_id=project_id,
            section_id=section_id,
            now=self.now,
        )
        created = moment(item, "created_at")  # kept, so "Newest" still orders the tasks
        task.created_at = min(created, self.now) if created else self.now
        if task.is_completed:  # never in the future, nor before the task was created
            completed = min(moment(item, "completed_at") or self.now, self.now)
            task.created_at = min(task.created_at, completed)
            task.completed_at = completed
            task.skipped = bool(item.get("skipped"))
        if recurrence:
            ended = recurrence.get("ended_reason")
            if ended is not None and not isinstance(ended, str):
                message = "must be text"
                raise InvalidInput("bad ended_reason", fields={"recurrence.ended_reason": message})
            task.recurrence_ended_reason = ended[:200] if ended else None
            series = ref(item, "series_id")
            if series is not None:
                self.place_in_series(task, series, occurrence_of(item))
        task.set_tags(self.tags_of(wanted))
        return self.add(task, item)

    def place_in_series(self, task: Task, series: str | int, occurrence: int) -> None:
        """Put the task in the new series of the file's `series` (the id of its first task met),
        at `occurrence`; raises InvalidInput for a place another task of the file took."""
        task.series_id = self.series.setdefault(series, task.id)
        if (task.series_id, occurrence) in self.places:
            message = "another task of the file has this place in its series"
            raise InvalidInput("bad occurrence", fields={"occurrence": message})
        task.occurrence = occurrence
        self.places.add((task.series_id, occurrence))

    def tags_of(self, wanted: dict[str, str]) -> list[Tag]:
        """A task's tags of tag_keys (kept by key for the next tasks); those the account lacks
        are created and counted."""
        missing = {key: name for key, name in wanted.items() if key not in self.tags}
        if missing:
            known = len(self.uow.tags.by_keys(self.user_id, missing))
            for tag in self.uow.tags.get_or_create(self.user_id, missing, now=self.now):
                self.tags[tag.key] = tag
            self.created["tags"] += len(missing) - known
        return [self.tags[key] for key in wanted]

    def reopen_ancestors(self, task: Task) -> None:
        """Reopen the completed ancestors of an open subtask of the file, as adding a subtask
        does (services.subtasks.reopen_ancestors): an open subtask never sits under a completed
        one. Each keeps one TaskCreated event, showing it as imported and open."""
        above = self.by_id.get(task.parent_id) if task.parent_id else None
        for _ in range(MAX_DEPTH + 1):
            if above is None:
                return
            if above.reopen(now=self.now):
                above.events.clear()
                above.record(TaskCreated, self.now)
                self.reopened += 1
            above = self.by_id.get(above.parent_id) if above.parent_id else None

    def nesting_order(self) -> list[tuple[Task, Any]]:
        """The file's (subtask, parent id) pairs, parents' before their subtasks' (by how deep
        the file nests each; each depth found once, a cycle cut where it closes), siblings in
        file order: attach then sees every ancestor in place (a chain whose deeper tasks came
        first in the file was nested past MAX_DEPTH, each depth judged before its ancestors
        were attached)."""
        parent_of = {id(task): self.tasks.get(ref) for task, ref in self.parents}
        depth: dict[int, int] = {}
        for task, _ in self.parents:
            path: dict[int, Task] = {}  # by id, in walk order: a cycle is found in O(1)
            node: Task | None = task
            while node is not None and id(node) not in depth and id(node) not in path:
                path[id(node)] = node
                node = parent_of.get(id(node))
            known = depth.get(id(node), -1) if node is not None else -1
            for step, above in enumerate(reversed(path.values()), start=1):
                depth[id(above)] = known + step
        return sorted(self.parents, key=lambda pair: depth[id(pair[0])])

    def attach(self, task: Task, parent: Task) -> bool:
        """Make `task` a subtask of `parent`, last among its siblings; False (left as it is)
        for a parent in another project or section, one nested MAX_DEPTH deep already, or one
        under `task` itself (a cycle, or the task its own parent)."""
        depth, above = 1, parent
        while above is not task and above.parent_id is not None and depth <= MAX_DEPTH:
            depth, above = depth + 1, self.by_id[above.parent_id]
        if (
            above is task
            or depth > MAX_DEPTH
            or (parent.project_id, parent.section_id)
            != (
                task.project_id,
                task.section_id,
            )
        ):
            return False
        task.parent_id = parent.id
        task.position = self.next_position(task)
        return True

    def next_position(self, task: Task) -> int:
        """The position after the last of the task's place, the file's earlier tasks counted."""
        place = task.place
        last = self.positions.get(place)
        if last is None and place.parent_id in self.by_id:
            last = 0  # a new task has no subtasks: no read (on SQLite it walked the project)
        elif last is None:
            last = self.uow.tasks.next_position(self.user_id, place) - GAP
        self.positions[place] = last + GAP
        return last + GAP

    def add(self, task: Task, item: dict[str, Any] | None = None) -> Task:
        """Keep the new task, last in its place (a subtask of the file's `parent_id` once the
        file is read); its one TaskCreated event shows it as imported."""
        task.position = self.next_position(task)
        self.by_id[task.id] = task
        if item is not None:
            self.tasks.setdefault(ref(item, "id"), task)
            if ref(item, "parent_id") is not None:
                self.parents.append((task, ref(item, "parent_id")))
        task.events.clear()
        task.record(TaskCreated, self.now)
        self.uow.tasks.add(task)
        self.created["tasks"] += 1
        return task

    def place(self, item: dict[str, Any]) -> tuple[uuid.UUID | None, uuid.UUID | None]:
        """The new (project id, section id) of a task of the file: the Inbox without either, the
        section's project with a section alone (as a task added to a section); raises
        InvalidInput for one not in the file, or a section of another project."""
        project, section = ref(item, "project_id"), ref(item, "section_id")
        if project is not None and project not in self.projects:
            raise InvalidInput("bad project_id", fields={"project_id": "not a project of the file"})
        if section is not None and section not in self.sections:
            raise InvalidInput("bad section_id", fields={"section_id": "not a section of the file"})
        if section is None:
            return (self.inbox_id if project is None else self.projects[project].id), None
        found = self.sections[section]
        if project is not None and found.project_id != self.projects[project].id:
            message = "a section of another project"
            raise InvalidInput("bad section_id", fields={"section_id": message})
        return found.project_id, found.id

    def due(self, item: dict[str, Any]) -> tuple[datetime | None, bool]:
        """(due_at in UTC, all_day): an all-day task's `due_on` is a date in the owner's zone."""
        if item.get("all_day") and item.get("due_on"):
            try:
                day = date.fromisoformat(str(item["due_on"]))
            except ValueError:
                raise InvalidInput("bad due_on", fields={"due_on": "must be a date"}) from None
            if not FIRST_YEAR <= day.year <= LAST_YEAR:  # the year 1 east of UTC: an overflow
                message = f"must be in the years {FIRST_YEAR} to {LAST_YEAR}"
                raise InvalidInput("bad due_on", fields={"due_on": message})
            return self.clock.start(day), True
        return moment(item, "due_date"), False


ID = (str, int)
# The JSON type of each field an import reads, by kind (ExportPublic's items): one of another
# type is refused naming it (a list as a description was a 500 on SQLite, stored as text on
# PostgreSQL; a number as a color a "malformed" naming no field).
SHAPES: dict[str, dict[str, tuple[type, ...]]] = {
    "projects": {
        "id": ID,
        "name": (str,),
        "color": (str,),
        "view": (str,),
        "inbox": (bool,),
        "archived": (bool,),
    },
    "sections": {"id": ID, "project_id": ID, "name": (str,), "position": (int,)},
    "tags": {"name": (str,), "color": (str,)},
    "filters": {"name": (str,), "query": (str,), "color": (str,)},
    "webhooks": {"url": (str,), "event_types": (list,)},
    "tasks": {
        **{name: (str,) for name in ("title", "description", "status", "priority")},
        **{name: (str,) for name in ("due_date", "due_on", "created_at", "completed_at")},
        **{name: ID for name in ("id", "project_id", "section_id", "parent_id", "series_id")},
        **{"all_day": (bool,), "skipped": (bool,), "occurrence": (int,), "position": (int,)},
        **{"recurrence": (dict,), "reminders": (list,), "tags": (list,)},
    },
}
MUST_BE = {
    (str,): "must be text",
    (int,): "must be a whole number",
    (bool,): "must be true or false",
    (dict,): "must be an object",
    (list,): "must be a list",
    ID: "must be an id of the file",
}


def shaped(kind: str, item: Any) -> dict[str, Any]:
    """The item, when it is an object whose fields have their JSON types (SHAPES; null is
    absent); raises InvalidInput naming the first field that does not (`item` for a non-object).
    """
    if not isinstance(item, dict):
        raise InvalidInput("not an object", fields={"item": "must be an object"})
    for name, kinds in SHAPES.get(kind, {}).items():
        value = item.get(name)
        if value is not None and type(value) not in kinds:  # exact: true is not a number here
            raise InvalidInput(f"bad {name}", fields={name: MUST_BE[kinds]})
    return item


REPEATED_ID = "an earlier item of the file has this id"


def repeated_ids(items: list[Any]) -> set[int]:
    """The indexes of the items whose `id` an item before them in the file has (both were
    imported, and references went to one of them): each is refused naming `id`."""
    seen: set[Any] = set()
    repeated = set()
    for index, item in enumerate(items):
        key = item.get("id") if isinstance(item, dict) else None
        if isinstance(key, str | int) and not isinstance(key, bool):
            if (type(key), key) in seen:
                repeated.add(index)
            seen.add((type(key), key))
    return repeated


def tag_keys(item: dict[str, Any]) -> dict[str, str]:
    """A task's tag names by key, checked (tags.N names the one at fault), at most MAX_TAGS;
    raises InvalidInput. Nothing is created yet."""
    wanted: dict[str, str] = {}
    for index, name in enumerate(tag_names(item)):
        clean = clean_tag_name(name, field_name=f"tags.{index}")
        wanted.setdefault(name_key(clean), clean)
    if len(wanted) > MAX_TAGS:
        raise InvalidInput("too many tags", fields={"tags": f"at most {MAX_TAGS}"})
    return wanted


def text(item: dict[str, Any], name: str) -> str:
    """Field `name` of an item as text; raises InvalidInput naming it when missing or not text."""
    value = item.get(name) if isinstance(item, dict) else None
    if not isinstance(value, str):
        raise InvalidInput(f"bad {name}", fields={name: "must be text"})
    return value


def ref(item: dict[str, Any], name: str) -> str | int | None:
    """Field `name` of an item as an id of the file (text or a number), or None; raises
    InvalidInput naming it for another kind of value."""
    value = item.get(name)
    if value is not None and not isinstance(value, str | int):
        raise InvalidInput(f"bad {name}", fields={name: "must be an id of the file"})
    return value


def occurrence_of(item: dict[str, Any]) -> int:
    """A task's `occurrence` in its series (1 when absent); raises InvalidInput naming it
    unless a whole number from 1 to 2**31-1 (the column's range: past it the import was a 500)."""
    return whole(item, "occurrence", default=1, low=1)


def whole(item: dict[str, Any], name: str, *, default: int, low: int = 0) -> int:
    """Field `name` of an item as a whole number from `low` to 2**31-1 (an integer column's
    range), `default` when absent; raises InvalidInput naming it otherwise (1.5 or true too:
    one was a 500 on PostgreSQL, and stored on SQLite broke every later read of its row)."""
    value = item.get(name)
    if value is None:
        return default
    if type(value) is not int or not low <= value < 2**31:
        message = f"must be a whole number from {low} to 2147483647"
        raise InvalidInput(f"bad {name}", fields={name: message})
    return value


def moment(item: dict[str, Any], name: str) -> datetime | None:
    """Field `name` of an item as an aware datetime (ISO 8601 with an offset) in the years
    the API speaks, or None; raises InvalidInput naming it otherwise."""
    value = item.get(name)
    if value is None:
        return None
    try:
        found = datetime.fromisoformat(str(value))
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        raise InvalidInput(f"bad {name}", fields={name: "must be a time with its offset"})
    if not EARLIEST_DUE <= found <= LATEST_DUE:  # the year 1 broke SQLite's lists (a 500)
        message = f"must be in the years {FIRST_YEAR} to {LAST_YEAR}"
        raise InvalidInput(f"bad {name}", fields={name: message})
    return found


def tag_names(item: dict[str, Any]) -> list[str]:
    """A task's tag names: TaskPublic's tags ({name, …}) or plain names."""
    tags = item.get("tags") or []
    if not isinstance(tags, list):
        raise InvalidInput("bad tags", fields={"tags": "must be a list"})
    names = [tag.get("name", "") if isinstance(tag, dict) else tag for tag in tags]
    for index, name in enumerate(names):
        if not isinstance(name, str):  # null or 7 became tags named "None" and "7"
            raise InvalidInput("bad tags", fields={f"tags.{index}": "must be a tag name"})
    return names


def reminders(items: Any) -> list[dict[str, Any]]:
    """A task's reminders as reminder_specs reads them (minutes_before, or `at` as a time)."""
    if not isinstance(items, list) or not all(isinstance(r, dict) for r in items):
        raise InvalidInput("bad reminders", fields={"reminders": "must be a list of objects"})
    return [{"minutes_before": minutes(r), "at": moment(r, "at")} for r in items]


def minutes(reminder: dict[str, Any]) -> int | None:
    """A reminder's `minutes_before` (None when absent); raises InvalidInput naming it unless a
    whole number (1.5 and true were stored on SQLite, then broke every later read of the task)."""
    value = reminder.get("minutes_before")
    if value is not None and type(value) is not int:
        message = "must be a whole number of minutes"
        raise InvalidInput("bad minutes_before", fields={"minutes_before": message})
    return value
