"""tags function: list with counts, autocomplete, create, rename, recolor, delete (/api/tags*)."""

import functions_framework

from taskai.api import schemas as s
from taskai.api.http import Api, Call
from taskai.api.presenters import tag_public
from taskai.services import tags as service

api = Api("tags")


@api.handles("listTags")
def list_tags(call: Call) -> s.TagList:
    """GET /api/tags → 200 TagList with each tag's task count, names filtered by prefix `q`; 422
    InvalidInput."""
    params = call.query(s.TagListParams)
    found = service.list_tags(
        uow=call.uow(), user_id=call.user_id, prefix=params.q, limit=params.limit
    )
    return s.TagList(
        items=[s.TagWithCount(**tag_public(tag).model_dump(), task_count=n) for tag, n in found]
    )


@api.handles("createTag")
def create_tag(call: Call) -> s.TagPublic:
    """POST /api/tags → 201 TagPublic; 409 Conflict for a name the user has, 422 InvalidInput."""
    body = call.body(s.TagCreate)
    tag = service.create_tag(
        uow=call.uow(), user_id=call.user_id, name=body.name, color=body.color, now=call.now
    )
    return tag_public(tag)


@api.handles("updateTag")
def update_tag(call: Call) -> s.TagPublic:
    """PATCH /api/tags/<id> → 200 TagPublic renamed or recolored; 404 NotFound, 409 Conflict, 422
    InvalidInput."""
    body = call.body(s.TagUpdate)
    tag = service.update_tag(
        uow=call.uow(),
        user_id=call.user_id,
        tag_id=call.values["tag_id"],
        name=body.name,
        color=body.color,
        now=call.now,
    )
    return tag_public(tag)


@api.handles("deleteTag")
def delete_tag(call: Call) -> None:
    """DELETE /api/tags/<id> → 204, the tag taken off its tasks; 404 NotFound."""
    service.delete_tag(
        uow=call.uow(), user_id=call.user_id, tag_id=call.values["tag_id"], now=call.now
    )


@functions_framework.http
def tags(request):  # type: ignore[no-untyped-def]
    """Entry point Knative runs (FUNCTION_TARGET=tags)."""
    return api(request)
