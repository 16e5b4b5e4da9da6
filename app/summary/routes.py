"""The printable summary for the logged-in resident: /overzicht/print and /overzicht.pdf.

No id in any URL: a resident only ever gets their own summary. Staff routes (dossier view,
assisted mode) will call the same services with Viewer.for_staff(staff) and the dossier's resident.
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import resident_required
from app.htmx import is_htmx, nothing_new, render_page
from app.responses import no_store
from app.services.overview import light_words
from app.services.summary import SummaryForbidden, Viewer, summary_for
from app.services.summary_pdf import (
    LETTERS,
    PdfReady,
    letters_choice,
    pdf_status,
    request_pdf,
)
from app.summary.listening import ListenLinks, audio_file, listen_page

bp = Blueprint("summary", __name__)


def _chosen(letters: str) -> str | None:
    """The letter size for a link: left out when it is the default (shorter, same as before)."""
    return None if letters == LETTERS[0] else letters


@bp.get("/overzicht/print")
@resident_required
def print_view() -> Response:
    try:
        summary = summary_for(Viewer.for_resident(current_user), current_user, clock.today())
    except (SummaryForbidden, LookupError):
        abort(404)
    html = render_template(
        "summary/print.html",
        summary=summary,
        light_words=light_words,
        pdf=False,
        layout="base.html",
        pdf_url=url_for("summary.pdf"),
        back_url=url_for("overview.index"),
        back_label=gettext("Back to your overview"),
    )
    return no_store(make_response(html))


@bp.get("/overzicht.pdf")
@resident_required
def pdf() -> Response:
    letters = letters_choice(request.args.get("letters"))
    try:
        result = request_pdf(
            Viewer.for_resident(current_user), current_user, clock.today(), letters
        )
    except (SummaryForbidden, LookupError):
        abort(404)
    if not isinstance(result, PdfReady):
        return redirect(url_for("summary.pdf_waiting", letters=_chosen(letters)), 303)
    response = make_response(result.data)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return no_store(response)


@bp.get("/overzicht/pdf-wordt-gemaakt")
@resident_required
def pdf_waiting() -> Response:
    letters = letters_choice(request.args.get("letters"))
    try:
        status = pdf_status(Viewer.for_resident(current_user), current_user, clock.today(), letters)
    except (SummaryForbidden, LookupError):
        abort(404)
    ready = isinstance(status, PdfReady)
    if is_htmx() and not ready:
        return nothing_new()
    page = render_page(
        "summary/waiting.html",
        "summary/_waiting_status.html",
        ready=ready,
        letters=_chosen(letters),
    )
    return no_store(page)


@bp.get("/overzicht/luisteren")
@resident_required
def listen() -> Response:
    return listen_page(
        Viewer.for_resident(current_user),
        current_user,
        ListenLinks(
            layout="base.html",
            page=url_for("summary.listen"),
            audio=url_for("summary.audio"),
            back=url_for("overview.index"),
            back_label=gettext("Back to your overview"),
        ),
    )


@bp.get("/overzicht.mp3")
@resident_required
def audio() -> Response:
    return audio_file(Viewer.for_resident(current_user), current_user, url_for("summary.listen"))
