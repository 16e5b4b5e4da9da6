"""The resident menu, defined once: its areas in order, and which blueprints belong to which area.

The menu (templates/components/resident_nav.html) shows one link per area and marks the area of
the page being read; the reactions on "Was deze pagina duidelijk?" name their page by the same
area name (app.feedback.page_names).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class Area:
    blueprint: str
    endpoint: str
    label: LazyString


MENU = (
    Area("overview", "overview.index", _l("Overview")),
    Area("documents", "documents.index", _l("Documents")),
    Area("appointments", "appointments.index", _l("Appointments")),
    Area("questions", "questions.index", _l("Questions")),
    Area("timeline", "timeline.index", _l("Timeline")),
    Area("account", "account.index", _l("My details")),
)
# Blueprints with pages of their own that are part of an area of the menu.
PART_OF = {
    "summary": "overview",
    "access_history": "account",
    "consent": "account",
    "device": "account",
    "push": "account",
    "receipts": "account",
}


def area_of(blueprint: str | None) -> Area | None:
    """The menu area a page of this blueprint belongs to, if any."""
    name = PART_OF.get(blueprint or "", blueprint)
    return next((area for area in MENU if area.blueprint == name), None)
