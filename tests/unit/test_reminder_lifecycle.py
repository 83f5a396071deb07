"""The reminder lifecycle: every (state, transition) pair, legal and illegal, against the table."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from taskai.domain.reminders import (
    TRANSITIONS,
    IllegalTransition,
    Reminder,
    ReminderSpec,
    Transition,
    single_target,
)
from taskai.domain.vocabulary import ReminderState as S

NOW = datetime(2031, 3, 10, 9, 0, tzinfo=UTC)
LATER, EARLIER = NOW + timedelta(days=1), NOW - timedelta(days=1)

EXPECTED = {
    Transition.MOVE: {S.PENDING, S.SKIPPED, S.CANCELLED},
    Transition.CANCEL: {S.PENDING, S.SKIPPED, S.CANCELLED, S.QUEUED},
    Transition.RESTORE: {S.CANCELLED},
    Transition.QUEUE: {S.PENDING},
    Transition.MARK_SENT: {S.QUEUED},
    Transition.MARK_FAILED: {S.QUEUED},
    Transition.MARK_MISSED: {S.PENDING, S.QUEUED},
}
"""The lifecycle written out by hand, so that a change to the table is a change to this test."""


def offset(state: S, *, fire_at: datetime = LATER) -> Reminder:
    return Reminder(uuid.uuid4(), uuid.uuid4(), 15, None, fire_at, state)


def fixed(state: S, *, at: datetime = LATER) -> Reminder:
    return Reminder(uuid.uuid4(), uuid.uuid4(), None, at, at, state)


# How each transition is made on a reminder of the kind it applies to.
MAKE: dict[Transition, tuple[Callable[[S], Reminder], Callable[[Reminder], None]]] = {
    Transition.MOVE: (offset, lambda r: r.move(LATER, now=NOW)),
    Transition.CANCEL: (offset, lambda r: r.cancel()),
    Transition.RESTORE: (fixed, lambda r: r.restore(now=NOW)),
    Transition.QUEUE: (offset, lambda r: r.queue()),
    Transition.MARK_SENT: (offset, lambda r: r.mark_sent()),
    Transition.MARK_FAILED: (offset, lambda r: r.mark_failed()),
    Transition.MARK_MISSED: (offset, lambda r: r.mark_missed()),
}
PAIRS = [(state, transition) for state in S for transition in Transition]


def test_the_table_is_the_lifecycle_written_out() -> None:
    assert {t: set(step.sources) for t, step in TRANSITIONS.items()} == EXPECTED
    assert set(MAKE) == set(Transition) == set(TRANSITIONS)


@pytest.mark.parametrize(("state", "transition"), PAIRS, ids=[f"{s}-{t}" for s, t in PAIRS])
def test_a_transition_is_made_from_the_states_the_table_allows_and_refused_from_the_rest(
    state: S, transition: Transition
) -> None:
    build, make = MAKE[transition]
    reminder = build(state)
    if state in EXPECTED[transition]:
        make(reminder)
        assert reminder.status in TRANSITIONS[transition].targets
    else:
        with pytest.raises(IllegalTransition):
            make(reminder)
        assert reminder.status == state


@pytest.mark.parametrize(
    ("transition", "target"),
    [
        (Transition.CANCEL, S.CANCELLED),
        (Transition.QUEUE, S.QUEUED),
        (Transition.MARK_SENT, S.SENT),
        (Transition.MARK_FAILED, S.FAILED),
        (Transition.MARK_MISSED, S.MISSED),
    ],
)
def test_a_bulk_transition_has_one_target(transition: Transition, target: S) -> None:
    assert single_target(transition) == target


@pytest.mark.parametrize("transition", [Transition.MOVE, Transition.RESTORE])
def test_a_transition_whose_target_depends_on_the_time_cannot_be_made_in_bulk(
    transition: Transition,
) -> None:
    with pytest.raises(ValueError):
        single_target(transition)


def test_moving_an_offset_reminder_past_its_time_skips_it_and_moves_its_fire_time() -> None:
    reminder = offset(S.PENDING)
    reminder.move(NOW + timedelta(minutes=10), now=NOW)
    assert (reminder.status, reminder.fire_at) == (S.SKIPPED, NOW - timedelta(minutes=5))
    reminder.move(LATER, now=NOW)
    assert (reminder.status, reminder.fire_at) == (S.PENDING, LATER - timedelta(minutes=15))


def test_restoring_a_fixed_time_reminder_whose_time_passed_marks_it_missed() -> None:
    reminder = fixed(S.CANCELLED, at=EARLIER)
    reminder.restore(now=NOW)
    assert reminder.status == S.MISSED


def test_a_fixed_time_reminder_does_not_move_and_an_offset_one_is_not_restored() -> None:
    with pytest.raises(IllegalTransition):
        fixed(S.PENDING).move(LATER, now=NOW)
    with pytest.raises(IllegalTransition):
        offset(S.CANCELLED).restore(now=NOW)


@pytest.mark.parametrize(
    ("spec", "due_at", "state"),
    [
        (ReminderSpec(minutes_before=15), LATER, S.PENDING),
        (ReminderSpec(minutes_before=15), NOW, S.SKIPPED),
        (ReminderSpec(minutes_before=15), None, S.CANCELLED),
        (ReminderSpec(at=LATER), None, S.PENDING),
        (ReminderSpec(at=EARLIER), LATER, S.MISSED),
    ],
)
def test_scheduling_starts_a_reminder_in_the_state_its_time_gives(
    spec: ReminderSpec, due_at: datetime | None, state: S
) -> None:
    reminder = Reminder.schedule(
        spec, task_id=uuid.uuid4(), user_id=uuid.uuid4(), due_at=due_at, now=NOW, index=0
    )
    assert reminder.status == state
