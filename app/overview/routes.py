"""Mijn Overzicht: the resident's traffic light, to-do list and latest news."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import resident_required
from app.htmx import render_page
from app.live import LiveDossier
from app.services.appointment_ics import channel_text, slot_when, where_text
from app.services.appointments import next_appointment, topic_text
from app.services.next_steps import rejection_reasons, steps_for, steps_for_events
from app.services.overview import build_overview, heading, light_sentence, light_words

bp = Blueprint("overview", __name__)


@bp.get("/")
@resident_required
def index() -> Response:
    # The page polls itself; an unchanged dossier costs one small query and a 304.
    live = LiveDossier.for_resident(current_user, "overview")
    if unchanged := live.not_modified():
        return unchanged
    overview = build_overview(current_user, live.today)
    items = overview.for_resident + overview.for_organisations
    response = render_page(
        "overview/index.html",
        "overview/_overview.html",
        overview=overview,
        heading=heading(overview.light),
        light_words=light_words,
        light_sentence=light_sentence(overview.state),
        live=live,
        next_appointment=next_appointment(overview.dossier),
        slot_when=lambda slot: slot_when(slot, live.today),
        channel_text=channel_text,
        where_text=where_text,
        topic_text=topic_text,
        steps=steps_for(item.task for item in items),
        rejections=rejection_reasons(item.task for item in overview.for_resident),
        news_steps=steps_for_events(news.event for news in overview.news),
    )
    return live.validate(response)
