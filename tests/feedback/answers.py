"""Answers to 'Was deze pagina duidelijk?' for pages a test opens by address."""

from __future__ import annotations

from app.extensions import db
from app.models import PageFeedback, Resident


def feedback_to_handle(resident: Resident) -> int:
    """A few answers, one with a comment from a resident who may be called; its id."""
    db.session.add_all(
        [
            PageFeedback(page="overview.index", clear=True),
            PageFeedback(page="overview.index", clear=False, comment="De kleur snap ik niet"),
        ]
    )
    call = PageFeedback(
        page="timeline.index", clear=False, comment="Bel mij maar", resident_id=resident.id
    )
    db.session.add(call)
    db.session.commit()
    return call.id
