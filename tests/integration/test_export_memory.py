"""The export streams: the memory it holds stays flat from 2,000 to 20,000 tasks (a page of rows
at a time), measured with tracemalloc on SQLite."""

from __future__ import annotations

import time
import tracemalloc
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from taskai import bootstrap
from taskai.adapters import orm
from taskai.api.transfer import export_json
from taskai.services.transfer import export_account


def seed(user_id: uuid.UUID, project_id: uuid.UUID, tag_id: uuid.UUID, count: int) -> None:
    """`count` tasks with a description, a due date and a tag, inserted in bulk."""
    now = datetime.now(UTC)
    tasks = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "project_id": project_id,
            "title": f"Task number {i}",
            "description": "some words " * 20,
            "status": "pending",
            "priority": "medium",
            "due_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    ]
    with bootstrap.session_factory()() as session:
        session.execute(insert(orm.tasks), tasks)
        links = [{"task_id": t["id"], "tag_id": tag_id} for t in tasks]
        session.execute(insert(orm.task_tags), links)
        session.commit()


def export_peak(user_id: uuid.UUID) -> tuple[int, int, float]:
    """(peak bytes traced, bytes written, seconds) of one whole export."""
    started = time.perf_counter()
    tracemalloc.start()
    written = 0
    parts = export_account(uow=bootstrap.uow(read_only=True), user_id=user_id)
    for piece in export_json(parts, export_id="bench", now=datetime.now(UTC)):
        written += len(piece)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, written, time.perf_counter() - started


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_exporting_20000_tasks_holds_no_more_memory_than_2000(alice):
    user_id = uuid.UUID(alice.get("/api/auth/me").json["id"])
    inbox = alice.get("/api/projects").json["items"][0]["id"]
    tag = alice.post("/api/tags", {"name": "bulk"}).json["id"]
    seed(user_id, uuid.UUID(inbox), uuid.UUID(tag), 2_000)
    small, small_size, small_s = export_peak(user_id)
    seed(user_id, uuid.UUID(inbox), uuid.UUID(tag), 18_000)
    big, big_size, big_s = export_peak(user_id)
    print(
        f"export peak: 2,000 tasks {small / 1e6:.1f} MB ({small_size / 1e6:.1f} MB out, "
        f"{small_s:.1f} s); 20,000 tasks {big / 1e6:.1f} MB ({big_size / 1e6:.1f} MB out, "
        f"{big_s:.1f} s)"
    )
    assert big_size > 9 * small_size  # the whole account went out
    assert big < 1.5 * small  # but never more than a page of it was held
