"""/tijdlijn: everything that happened in the dossier, newest first, refreshing while open."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import resident_required
from app.htmx import is_htmx, render_page
from app.live import LiveDossier
from app.services.next_steps import steps_for_events
from app.services.timeline_feed import feed_page

bp = Blueprint("timeline", __name__)


@bp.get("/tijdlijn")
@resident_required
def index() -> Response:
    live = LiveDossier.for_resident(current_user, "timeline")
    cursor = request.args.get("vanaf")
    if not cursor and (unchanged := live.not_modified()):
        return unchanged
    page = feed_page(current_user.dossier.id, live.today, cursor)
    # 'Toon meer' with htmx appends just the next page; a plain link shows it as a page.
    fragment = "timeline/_page.html" if cursor and is_htmx() else "timeline/_timeline.html"
    steps = steps_for_events(entry.event for entry in page.entries)
    response = render_page("timeline/index.html", fragment, page=page, live=live, steps=steps)
    return live.validate(response) if not cursor else response
