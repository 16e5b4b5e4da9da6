"""The traffic-light rules of the product, in one place.

A dossier is red when any resident item is open, else orange when any organisation item is open,
else green. The most urgent item is the resident's (or, when there is none, the organisation's)
open item with the earliest due date; items without a due date come last.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.models import Holder, Task


class Light(enum.StrEnum):
    RED = "red"
    ORANGE = "orange"
    GREEN = "green"


def _urgency(task: Task) -> tuple[bool, date]:
    return (task.due_date is None, task.due_date or date.max)


@dataclass(frozen=True)
class LightState:
    light: Light
    resident_items: list[Task] = field(default_factory=list)
    organisation_items: list[Task] = field(default_factory=list)
    overdue_items: list[Task] = field(default_factory=list)

    @property
    def most_urgent(self) -> Task | None:
        items = self.resident_items or self.organisation_items
        return items[0] if items else None

    @property
    def overdue(self) -> bool:
        return bool(self.overdue_items)


def light_for(tasks: Iterable[Task], today: date) -> LightState:
    open_tasks = [t for t in tasks if t.is_open]
    resident = sorted((t for t in open_tasks if t.holder is Holder.RESIDENT), key=_urgency)
    organisation = sorted((t for t in open_tasks if t.holder is Holder.ORGANISATION), key=_urgency)
    overdue = [t for t in resident if t.is_overdue(today)]
    if resident:
        light = Light.RED
    elif organisation:
        light = Light.ORANGE
    else:
        light = Light.GREEN
    return LightState(light, resident, organisation, overdue)
