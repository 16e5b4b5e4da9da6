"""Who sees what across organisations: the rule for staff, from the product design.

Every organisation linked to a dossier (by the resident's consent) works in the same system, so
the whole team sees the light and every item's title, holder, status and dates. The content —
question and answer texts, document descriptions and files — belongs to the organisation the
item is addressed to. Staff of another linked organisation see it only in assisted mode (the
resident is on the phone or at the desk and sees the same screen), and every such read is
logged and visible to the resident.

In the code:
- Outside assisted mode (the staff dossier page, the staff print view of the summary) an item of
  another organisation keeps its holder, status, dates and organisation, but a title that *is*
  content gets a neutral one: a question's item ("Answer your question: <the first words of the
  question>") and a document the resident sent unasked (its title is the resident's
  description). Timeline lines about them lose the same text. Question pages and files of
  another organisation are 404 (app.staff.question_routes, app.services.staff_work).
- In assisted mode (meekijken, acting for the resident: app.staff.assisted_routes) staff see the
  resident's own pages word for word; each page view writes an AccessLog row (why 'assisted'),
  which the resident sees under 'who looked at my data'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Document, Dossier, Task, TaskKind, TimelineEvent
from app.services.overview import Item, Overview

# Timeline kinds whose subject is the question's text.
QUESTION_EVENTS = {"question_asked", "question_answered", "question_followed_up"}


def _unrequested_task_ids(dossier: Dossier) -> set[int]:
    return set(
        db.session.scalars(
            select(Document.task_id).where(
                Document.dossier_id == dossier.id, Document.unrequested.is_(True)
            )
        )
    )


@dataclass(frozen=True)
class StaffReading:
    """What one staff member may read of one dossier outside assisted mode."""

    own_organisation_ids: frozenset[int]
    unrequested_task_ids: frozenset[int]

    @classmethod
    def of(cls, dossier: Dossier, own_organisation_ids: Iterable[int]) -> StaffReading:
        return cls(frozenset(own_organisation_ids), frozenset(_unrequested_task_ids(dossier)))

    def may_read(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and organisation_id in self.own_organisation_ids

    def _content_kind(self, task: Task) -> str | None:
        """'question' or 'document' when the task's title is the resident's own words."""
        if task.kind is TaskKind.QUESTION:
            return "question"
        if task.id in self.unrequested_task_ids:
            return "document"
        return None

    def title(self, task: Task) -> str:
        kind = self._content_kind(task)
        if kind is None or self.may_read(task.organisation_id):
            return task.title
        org = task.organisation.name
        if kind == "question":
            return gettext("A question of the resident for %(organisation)s", organisation=org)
        return gettext("A document the resident sent to %(organisation)s", organisation=org)

    def item(self, item: Item) -> Item:
        shown = self.title(item.task)
        if shown == item.title:
            return item
        return replace(item, title=shown, sentence=item.sentence.replace(item.title, shown))

    def overview(self, overview: Overview) -> Overview:
        return replace(
            overview,
            for_resident=[self.item(i) for i in overview.for_resident],
            for_organisations=[self.item(i) for i in overview.for_organisations],
        )

    def event_text(self, event: TimelineEvent, text: str) -> str:
        """The timeline line, without the question or description of another organisation."""
        if self.may_read(event.organisation_id):
            return text
        org = event.organisation.name if event.organisation else ""
        if event.kind in QUESTION_EVENTS:
            return gettext("Question for %(organisation)s", organisation=org)
        if event.kind == "document_sent" or event.task_id in self.unrequested_task_ids:
            return gettext("Document for %(organisation)s", organisation=org)
        return text
