"""Which page a reaction was about, in words: a reaction stores the page's route name
(`documents.upload`); people read the area it belongs to, named as in the resident menu."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

AREAS = {
    "overview": _l("Overview"),
    "documents": _l("Documents"),
    "appointments": _l("Appointments"),
    "questions": _l("Questions"),
    "timeline": _l("Timeline"),
    "account": _l("My details"),
    "access_history": _l("My details"),
    "consent": _l("My details"),
    "device": _l("My details"),
    "push": _l("My details"),
    "receipts": _l("My details"),
    "summary": _l("Overview"),
    "pages": _l("Help and information"),
}


def page_name(endpoint: str | None) -> str:
    """The area's name for a route name; an unknown or missing one is shown as it is."""
    area = (endpoint or "").split(".", 1)[0]
    name = AREAS.get(area)
    return str(name) if name is not None else (endpoint or "–")
