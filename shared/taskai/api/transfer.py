"""The export document written out as it is read (never the whole account in memory), and the
bodies of the import operations read in."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from taskai.api import schemas as s
from taskai.api.call import Call, PayloadTooLarge, validate
from taskai.api.presenters import (
    filter_public,
    project_public,
    section_public,
    tag_public,
    task_public,
    user_public,
)
from taskai.domain.users import User
from taskai.errors import InvalidInput
from taskai.services.transfer import FORMAT, MAX_IMPORT_BYTES, VERSION


def export_json(
    parts: Iterable[tuple[str, Sequence[Any]]], *, export_id: str, now: datetime
) -> Iterator[str]:
    """ExportPublic's JSON text in pieces, from export_account's (kind, items): the user first,
    then each kind as it comes, the tasks page by page."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "export_id": export_id,
        "exported_at": now.isoformat(),
    }
    yield json.dumps(head, separators=(",", ":"))[:-1]
    zone = None
    opened = False
    for kind, items in parts:
        if kind == "user":
            user: User = items[0]
            zone = user.zone
            yield ',"user":' + user_public(user).model_dump_json()
            continue
        assert zone is not None  # the user comes first
        shown = [show(kind, item, zone) for item in items]
        if kind != "tasks":
            yield f',"{kind}":[' + ",".join(shown) + "]"
        elif shown:
            yield ("," if opened else ',"tasks":[') + ",".join(shown)
            opened = True
    yield ("]" if opened else ',"tasks":[]') + "}"


def show(kind: str, item: Any, zone: Any) -> str:
    """One item of `kind` as its public JSON, times in `zone`."""
    if kind == "projects":
        return project_public(item, zone).model_dump_json()
    if kind == "sections":
        return section_public(item).model_dump_json()
    if kind == "tags":
        return tag_public(item).model_dump_json()
    if kind == "filters":
        return filter_public(item, zone).model_dump_json()
    if kind == "webhooks":  # without its secret
        return s.WebhookPublic(
            id=str(item.id),
            url=item.url,
            event_types=list(item.event_types),
            enabled=item.enabled,
            disabled_reason=item.disabled_reason,
            created_at=item.created_at.astimezone(zone),
            updated_at=item.updated_at.astimezone(zone),
        ).model_dump_json()
    return task_public(item, zone).model_dump_json()


def export_document(raw: bytes) -> dict[str, Any]:
    """An export (JSON text) checked against ImportIn, as a dict; raises InvalidInput."""
    return validate(s.ImportIn, raw).model_dump()


def import_id(call: Call, raw: bytes, *given: object) -> str:
    """The import id: the Idempotency-Key header, else the first of `given` that is set, else
    the body's SHA-256 (the same file imported twice creates nothing the second time)."""
    chosen = call.request.headers.get("Idempotency-Key") or next((g for g in given if g), None)
    key = str(chosen or hashlib.sha256(raw).hexdigest())
    # a longer key is kept as its SHA-256: cut to 200, two keys alike that far were one import
    return key if len(key) <= 200 else hashlib.sha256(key.encode()).hexdigest()


def csv_upload(call: Call) -> tuple[str, bytes, str | None]:
    """(the CSV text, its bytes, the uploaded file's name without .csv) of a text/csv body or a
    multipart `file`; raises PayloadTooLarge past MAX_IMPORT_BYTES, InvalidInput (field `file`)
    for an empty or non-UTF-8 one."""
    name = None
    if call.request.mimetype == "multipart/form-data":
        if (call.request.content_length or 0) > MAX_IMPORT_BYTES:
            raise PayloadTooLarge(MAX_IMPORT_BYTES)
        upload = call.request.files.get("file")
        raw = upload.read(MAX_IMPORT_BYTES + 1) if upload is not None else b""
        if len(raw) > MAX_IMPORT_BYTES:
            raise PayloadTooLarge(MAX_IMPORT_BYTES)
        if upload is not None and upload.filename:
            name = upload.filename.rsplit("/", 1)[-1]
            name = (name[:-4] if name.lower().endswith(".csv") else name).strip() or None
    else:
        raw = call.raw_body(MAX_IMPORT_BYTES)
    try:
        text = raw.decode("utf-8-sig").replace("\x00", "")  # PostgreSQL text cannot hold it
    except UnicodeDecodeError:
        text = ""
    if not text.strip():
        message = "send Todoist's CSV export, UTF-8, as text/csv or a multipart file"
        raise InvalidInput(message, fields={"file": message})
    return text, raw, name
