"""The traffic-light rules on every combination: none open, only organisation items, resident
items, overdue, and closed items that must not count."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from app.clock import today
from app.models import Holder, Task, TaskKind, TaskStatus
from app.services.traffic_light import Light, light_for

# Any day will do: the rules only compare due dates with it.
TODAY = today()


def task(
    holder: Holder,
    *,
    due: int | None = None,
    status: TaskStatus = TaskStatus.OPEN,
    title: str = "t",
) -> Task:
    return Task(
        kind=TaskKind.DOCUMENT,
        holder=holder,
        status=status,
        title=title,
        due_date=TODAY + timedelta(days=due) if due is not None else None,
    )


def test_no_items_is_green() -> None:
    state = light_for([], TODAY)
    assert state.light is Light.GREEN
    assert state.most_urgent is None
    assert not state.overdue


def test_only_closed_items_is_green() -> None:
    tasks = [
        task(Holder.RESIDENT, status=TaskStatus.DONE),
        task(Holder.ORGANISATION, status=TaskStatus.CANCELLED),
        task(Holder.RESIDENT, due=-10, status=TaskStatus.DONE),
    ]
    state = light_for(tasks, TODAY)
    assert state.light is Light.GREEN
    assert not state.overdue, "a finished late item is not overdue"


def test_only_organisation_items_is_orange() -> None:
    tasks = [task(Holder.ORGANISATION, due=5), task(Holder.ORGANISATION, due=-3)]
    state = light_for(tasks, TODAY)
    assert state.light is Light.ORANGE
    assert not state.overdue, "late organisation work does not make the resident late"
    assert state.most_urgent is tasks[1]


def test_resident_item_is_red_even_with_organisation_items() -> None:
    mine = task(Holder.RESIDENT, due=7)
    state = light_for([task(Holder.ORGANISATION, due=1), mine], TODAY)
    assert state.light is Light.RED
    assert state.most_urgent is mine
    assert not state.overdue


def test_overdue_resident_item_is_red_and_overdue_and_most_urgent() -> None:
    late = task(Holder.RESIDENT, due=-1, title="late")
    soon = task(Holder.RESIDENT, due=0, title="today")
    state = light_for([soon, late], TODAY)
    assert state.light is Light.RED
    assert state.overdue and state.overdue_items == [late]
    assert state.most_urgent is late


def test_due_today_is_not_overdue() -> None:
    assert not light_for([task(Holder.RESIDENT, due=0)], TODAY).overdue


def test_items_without_due_date_come_last() -> None:
    undated = task(Holder.RESIDENT)
    dated = task(Holder.RESIDENT, due=30)
    assert light_for([undated, dated], TODAY).most_urgent is dated


@pytest.mark.parametrize(
    ("resident", "organisation", "late"),
    list(itertools.product([0, 1, 2], [0, 1, 2], [False, True])),
)
def test_every_combination(resident: int, organisation: int, late: bool) -> None:
    tasks = [task(Holder.RESIDENT, due=-2 if late and i == 0 else 3) for i in range(resident)]
    tasks += [task(Holder.ORGANISATION, due=-2 if late else 3) for _ in range(organisation)]
    tasks += [task(Holder.RESIDENT, status=TaskStatus.DONE, due=-9)]
    state = light_for(tasks, TODAY)
    expected = Light.RED if resident else Light.ORANGE if organisation else Light.GREEN
    assert state.light is expected
    assert state.overdue is (late and resident > 0)
    assert len(state.resident_items) == resident
    assert len(state.organisation_items) == organisation
