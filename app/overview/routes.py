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
from app.services.next_steps import overview_links
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
    links = overview_links(overview)
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
        steps=links.steps,
        rejections=links.rejections,
        news_steps=links.news_steps,
    )
    return live.validate(response)
