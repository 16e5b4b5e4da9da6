"""Which page a reaction was about, in words: a reaction stores the page's route name
(`documents.upload`); people read the area it belongs to, named as in the resident menu
(app.resident_menu). The help pages are not in the menu but have a name of their own."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.resident_menu import area_of

HELP_PAGES = _l("Help and information")


def page_name(endpoint: str | None) -> str:
    """The area's name for a route name; an unknown or missing one is shown as it is."""
    blueprint = (endpoint or "").split(".", 1)[0]
    if blueprint == "pages":
        return str(HELP_PAGES)
    area = area_of(blueprint)
    return str(area.label) if area is not None else (endpoint or "–")
