"""The listening page and the MP3 of "Luister naar uw overzicht", for the resident
(app.summary.routes) and for staff helping them (app.staff.audio_routes): one view, two doors."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, make_response, redirect, request
from flask_babel import format_decimal, gettext, ngettext
from werkzeug.wrappers import Response

from app import clock
from app.htmx import is_htmx, nothing_new, render_page
from app.models import Resident
from app.responses import no_store
from app.services.summary import SummaryForbidden, Viewer
from app.services.summary_audio import AudioReady, AudioUnavailable, audio_status, request_audio


@dataclass(frozen=True)
class ListenLinks:
    layout: str  # base.html for the resident, staff/base.html for staff
    page: str  # the listening page itself (the poll)
    audio: str  # the MP3
    back: str
    back_label: str


def _words(audio: AudioReady) -> dict[str, str]:
    minutes = max(1, round(audio.seconds / 60))
    return {
        "minutes": ngettext("%(num)d minute", "%(num)d minutes", minutes),
        "size": gettext("%(kb)s kB", kb=format_decimal(round(len(audio.data) / 1000))),
    }


def listen_page(viewer: Viewer, resident: Resident, links: ListenLinks) -> Response:
    """The page with the player when the file is there; else 'being made', polled by htmx
    (204 until it is ready, so nothing is announced) or reloaded by a plain link."""
    try:
        status = audio_status(viewer, resident, clock.today())
    except (SummaryForbidden, LookupError):
        abort(404)
    except AudioUnavailable:
        abort(503)
    ready = isinstance(status, AudioReady)
    if is_htmx() and not ready:
        return nothing_new()
    words = _words(status) if isinstance(status, AudioReady) else {}
    page = render_page(
        "summary/listen.html", "summary/_listen_status.html", audio=ready, words=words, links=links
    )
    return no_store(page)


def audio_file(viewer: Viewer, resident: Resident, listen_url: str) -> Response:
    """The MP3 (byte ranges answered: Safari on iPhones plays <audio> only from such a server),
    or back to the listening page while it is being made."""
    try:
        result = request_audio(viewer, resident, clock.today())
    except (SummaryForbidden, LookupError):
        abort(404)
    except AudioUnavailable:
        abort(503)
    if not isinstance(result, AudioReady):
        return redirect(listen_url, 303)
    response = make_response(result.data)
    response.mimetype = "audio/mpeg"
    if request.args.get("download"):
        filename = gettext("overview") + ".mp3"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.make_conditional(request, accept_ranges=True, complete_length=len(result.data))
    return no_store(response)
