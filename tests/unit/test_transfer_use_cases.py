"""Import and export (`taskai.services.transfer`, `taskai.domain.todoist`) against the fakes."""

from __future__ import annotations

import pytest
from fakes import NOW, FakeWebhookSender, new_task

from taskai.domain import todoist
from taskai.errors import InvalidInput
from taskai.services.todoist_import import import_todoist
from taskai.services.transfer import export_account, import_export


def test_an_import_runs_once_per_import_id_and_announces_each_task(uow, user):
    document = {"tasks": [{"title": "a", "tags": ["x"]}, {"title": "b", "priority": "nope"}]}
    first = import_export(
        uow=uow,
        user_id=user.id,
        document=document,
        import_id="i1",
        now=NOW,
        sender=FakeWebhookSender(),
    )
    assert first["created"]["tasks"] == 1 and first["created"]["tags"] == 1
    assert first["rejected"] == [
        {
            "kind": "tasks",
            "index": 1,
            "field": "priority",
            "message": first["rejected"][0]["message"],
        }
    ]
    assert uow.event_types().count("TaskCreated") == 1
    again = import_export(
        uow=uow,
        user_id=user.id,
        document=document,
        import_id="i1",
        now=NOW,
        sender=FakeWebhookSender(),
    )
    assert again["repeated"] is True and len(uow.tasks.items) == 1


def test_an_export_reads_tasks_a_page_at_a_time_after_the_rest(uow, user):
    for _ in range(3):
        new_task(uow, user)
    kinds = [kind for kind, _ in export_account(uow=uow, user_id=user.id)]
    assert kinds == ["user", "projects", "sections", "tags", "filters", "webhooks", "tasks"]


def test_todoist_rows_carry_their_first_line_and_the_refused_ones_say_which_column():
    sheet = todoist.read_csv(
        'TYPE,CONTENT,PRIORITY,INDENT\ntask,"two\nlines @a @a",1,2\n\ntask,x,0,1\nnote,y,,9\n'
    )
    assert [(r.line, r.content, r.labels, r.priority, r.indent) for r in sheet.rows] == [
        (2, "two lines", ["a"], "urgent", 2)
    ]
    assert [(r.line, r.field) for r in sheet.rejected] == [(5, "PRIORITY"), (6, "INDENT")]


def test_a_meta_row_gives_the_view_and_an_unknown_view_style_is_a_list():
    assert todoist.read_csv("TYPE,CONTENT\nmeta,view_style=board\n").view == "board"
    assert todoist.read_csv("TYPE,CONTENT\nmeta,view_style=calendar\n").view == "list"
    assert todoist.read_csv("TYPE,CONTENT\ntask,x\n").view is None


def test_a_file_without_todoists_columns_is_refused_whole():
    with pytest.raises(InvalidInput) as refused:
        todoist.read_csv("title,due\nx,y\n")
    assert "file" in refused.value.fields


def test_indented_rows_nest_as_subtasks_in_file_order(uow, user):
    rows = [f"task,level {n},{n}" for n in range(1, 6)] + ["task,next,1", "task,beside,2"]
    text = "TYPE,CONTENT,INDENT\n" + "\n".join(rows) + "\n"
    report = import_todoist(
        uow=uow, user_id=user.id, text=text, project="P", import_id="t", now=NOW
    )
    tasks = {t.title: t for t in uow.tasks.items.values()}
    for n in range(2, 6):  # INDENT 5 is a task and four levels below it: the deepest nesting
        assert tasks[f"level {n}"].parent_id == tasks[f"level {n - 1}"].id
    assert tasks["next"].parent_id is None and tasks["beside"].parent_id == tasks["next"].id
    assert report["created"]["tasks"] == 7 and "flattened" not in report
    assert tasks["level 1"].position < tasks["next"].position  # file order among siblings
