"""Search as people type: the last word matches as a prefix, below whole-word matches."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from taskai.adapters.task_search import last_word_typed


def titles(response):
    assert response.status_code == 200, response.json
    return [task["title"] for task in response.json["items"]]


def make(user, title, **fields):
    response = user.post("/api/tasks", {"title": title, **fields})
    assert response.status_code == 201, response.json
    return response.json


def test_the_last_word_typed_finds_words_it_begins(alice):
    make(alice, "Submit report")
    make(alice, "Repaint the fence")
    make(alice, "Buy milk")
    assert titles(alice.get("/api/tasks?q=repo")) == ["Submit report"]
    assert titles(alice.get("/api/tasks?q=submit%20repo")) == ["Submit report"]
    assert set(titles(alice.get("/api/tasks?q=rep"))) == {"Submit report", "Repaint the fence"}


def test_only_the_last_word_is_a_prefix_and_a_finished_word_is_whole(alice):
    make(alice, "Submit report")
    assert titles(alice.get("/api/tasks?q=sub%20report")) == []
    assert titles(alice.get("/api/tasks?q=repo%20")) == []  # a space ends the word
    assert titles(alice.get("/api/tasks?q=%22repo%22")) == []  # so does quoting it


def test_a_whole_word_match_ranks_above_a_prefix_match_even_in_the_description(alice):
    make(alice, "Submit report")
    make(alice, "Chores", description="clean the repo")
    make(alice, "Repo cleanup")
    assert titles(alice.get("/api/tasks?q=repo")) == ["Repo cleanup", "Chores", "Submit report"]


def test_among_whole_word_matches_a_prefix_elsewhere_in_the_task_adds_nothing(alice):
    make(alice, "the repo")
    make(alice, "Quarterly report", description="repo stuff")  # whole in the description only
    make(alice, "Repository cleanup")
    ranked = titles(alice.get("/api/tasks?q=repo"))
    assert ranked[0] == "the repo" and ranked[-1] == "Repository cleanup"


def test_a_stop_word_being_typed_still_finds_its_whole_word_matches(alice):
    make(alice, "Call the plumber")
    make(alice, "Theater tickets")
    assert titles(alice.get("/api/tasks?q=call%20the")) == ["Call the plumber"]
    assert "Theater tickets" in titles(alice.get("/api/tasks?q=the"))


def test_pages_by_relevance_run_from_whole_to_prefix_matches_without_gaps(alice):
    for i in range(3):
        make(alice, f"plan {i}")
        make(alice, f"planning {i}", description="planning " * i)
        make(alice, f"planet {i}")
    seen, cursor = [], None
    while True:
        body = alice.get("/api/tasks?q=plan&limit=2" + (f"&cursor={cursor}" if cursor else "")).json
        seen += [task["title"] for task in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 9
    # "planning" stems to plan on both stores, so it is a whole-word match too.
    assert {title.split()[0] for title in seen[:6]} == {"plan", "planning"}
    assert {title.split()[0] for title in seen[6:]} == {"planet"}


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("repo", "repo"),
        ("submit repo", "repo"),
        ("repo ", None),
        ('"repo', None),
        ('"submit repo"', None),
        ("report -repo", None),
        ("", None),
        ("déj", "déj"),
    ],
)
def test_the_last_word_typed_is_a_plain_unquoted_word_at_the_end(typed, word):
    assert last_word_typed(typed) == word


@pytest.mark.parametrize("typed", ["x_", "²", "_", "a²b", "ǅ", "report -", "-repo", '"re'])
def test_odd_last_words_search_without_an_error(alice, typed):
    make(alice, "Submit report")
    assert alice.get(f"/api/tasks?q={quote(typed)}").status_code == 200


@pytest.mark.parametrize("blank", ["%20", "%20%20%20", "%09"])
def test_a_search_of_only_spaces_is_refused_naming_q(alice, blank):
    refused = alice.get(f"/api/tasks?q={blank}")
    assert refused.status_code == 422 and "q" in refused.json["error"]["fields"]


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
@pytest.mark.parametrize("typed", ["repo", "  repo", "- repo", "submit repo"])
def test_a_search_on_postgresql_draws_no_notice_from_an_empty_tsquery(api, typed):
    # Before the last word there was nothing to search for, but its tsquery was still built:
    # "text-search query doesn't contain lexemes", in every answer to a one-word search.
    from taskai import bootstrap

    alice = api.as_new_user()
    make(alice, "Submit report")
    pool = bootstrap.engine().pool
    pool.dispose()  # the next request opens the one connection these lines look at
    assert titles(alice.get(f"/api/tasks?q={quote(typed)}")) == ["Submit report"]
    notices = [n for record in pool._pool.queue for n in record.dbapi_connection.notices]
    assert not [n for n in notices if b"lexemes" in n[b"M"]], notices
