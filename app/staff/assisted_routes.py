"""Assisted mode: helping a resident by phone or at the desk.

- 'Meekijken': the resident's own overview, exactly as they see it, in large print.
- 'Namens de inwoner': staff do what the resident can (send a document handed over at the desk,
  book an appointment) through the same services; the timeline says 'for you'.
- The printable summary with the staff viewer; app.services.summary logs the print.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.appointments.forms import BookForm
from app.auth.guards import staff_required
from app.dates import long_date
from app.documents.forms import UploadForm
from app.services import appointment_ics, appointments, staff_work
from app.services import documents as document_service
from app.services.access_log import AccessEntry
from app.services.next_steps import overview_links
from app.services.overview import build_overview, heading, light_sentence, light_words
from app.services.storage import get_storage
from app.services.summary import SummaryForbidden, Viewer, summary_for
from app.services.summary_pdf import PdfReady, letters_choice, request_pdf
from app.services.uploads import check_files
from app.staff.blueprint import bp
from app.staff.dossier_routes import load


def _appointment_words(today: Any) -> dict[str, Any]:
    ics = appointment_ics
    return {
        "slot_when": lambda slot: ics.slot_when(slot, today),
        "slots_by_day": lambda slots: ics.slots_by_day(slots, today),
        "slot_time": ics.slot_time,
        "channel_text": ics.channel_text,
        "where_text": ics.where_text,
        "topic_text": appointments.topic_text,
    }


# The resident's own links on their overview, and where they lead for the helping staff member.
RESIDENT_LINKS = {
    "summary.print_view": "staff.print_summary",
    "summary.pdf": "staff.summary_pdf",
    "summary.listen": "staff.listen",
    "appointments.index": "staff.dossier",
    "appointments.book": "staff.book_for_resident",
    # Where the overview's items lead (app.services.next_steps): staff read them in the dossier.
    "documents.index": "staff.dossier",
    "questions.index": "staff.dossier",
    "questions.thread": "staff.dossier",
    "questions.ask": "staff.dossier",
    "timeline.index": "staff.dossier",
}


def _resident_links_for_staff(dossier_id: int) -> Any:
    """url_for for the overview template: the page stays the resident's, word for word, but its
    links (print, appointments) open the staff versions for this dossier."""

    def staff_url_for(endpoint: str, **values: Any) -> str:
        if endpoint == "documents.upload":
            return url_for(
                "staff.upload_for_resident", dossier_id=dossier_id, task_id=values["task_id"]
            )
        if endpoint in RESIDENT_LINKS:
            return url_for(RESIDENT_LINKS[endpoint], dossier_id=dossier_id)
        return url_for(endpoint, **values)

    return staff_url_for


@bp.get("/dossier/<int:dossier_id>/meekijken")
@staff_required
def assisted(dossier_id: int) -> Response:
    sd = load(dossier_id, "view_as_resident", "assisted")
    today = clock.today()
    overview = build_overview(sd.dossier.resident, today)
    links = _resident_links_for_staff(sd.dossier.id)
    context: dict[str, Any] = _appointment_words(today)
    # The resident's buttons and reasons, word for word; the buttons open the staff pages.
    found = overview_links(overview, links)
    context["steps"] = found.steps
    context["rejections"] = found.rejections
    context["news_steps"] = found.news_steps
    context["next_appointment"] = appointments.next_appointment(sd.dossier)
    html = render_template(
        "staff/assisted.html",
        url_for=links,
        sd=sd,
        overview=overview,
        heading=heading(overview.light),
        light_words=light_words,
        light_sentence=light_sentence(overview.state),
        **context,
    )
    return make_response(html)  # no-store: the staff blueprint's hook


@bp.route("/dossier/<int:dossier_id>/namens/document/<int:task_id>", methods=["GET", "POST"])
@staff_required
def upload_for_resident(dossier_id: int, task_id: int) -> Response | str:
    sd = load(dossier_id, "view_as_resident", "assisted")
    task = document_service.document_task(sd.dossier, task_id)
    item = next(
        (i for i in document_service.checklist(sd.dossier) if task and i.task.id == task.id), None
    )
    if task is None or item is None or not item.can_upload:
        abort(404)
    form = UploadForm()
    if form.validate_on_submit():
        files, problems = check_files(
            request.files.getlist("files") + request.files.getlist("photo")
        )
        if problems:
            form.files.errors = problems
        else:
            audit = AccessEntry(
                current_user,
                sd.organisation,
                sd.dossier,
                "upload_for_resident",
                "assisted",
                f"task {task.id}",
            )
            document_service.submit_documents(
                sd.dossier,
                task,
                files,
                get_storage(),
                actor=staff_work.actor(current_user, sd, for_resident=True),
                audit=audit,
            )
            flash(gettext("The document is sent for the resident."))
            return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    return render_template(
        "staff/upload_for.html",
        sd=sd,
        item=item,
        form=form,
        long_date=long_date,
        today=clock.today(),
    )


@bp.route("/dossier/<int:dossier_id>/namens/afspraak", methods=["GET", "POST"])
@staff_required
def book_for_resident(dossier_id: int) -> Response | str:
    sd = load(dossier_id, "view_as_resident", "assisted")
    form = BookForm()
    slots = appointments.free_slots(sd.dossier)
    if form.validate_on_submit():
        slot = next((s for s in slots if s.id == form.slot.data), None)
        audit = AccessEntry(
            current_user,
            sd.organisation,
            sd.dossier,
            "book_for_resident",
            "assisted",
            f"slot {form.slot.data}",
        )
        try:
            appointments.book_appointment(
                sd.dossier,
                slot,
                form.topic.data or "other",
                form.note.data or "",
                actor=staff_work.actor(current_user, sd, for_resident=True),
                audit=audit,
            )
        except appointments.AppointmentError as error:
            form.slot.errors = [str(error)]
        else:
            flash(gettext("The appointment is made for the resident."))
            return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    elif form.slot.errors:
        form.slot.errors = [gettext("Choose a time.")]
    return render_template(
        "staff/book_for.html",
        sd=sd,
        form=form,
        slots=slots,
        topics=appointments.TOPICS,
        **_appointment_words(clock.today()),
    )


@bp.get("/dossier/<int:dossier_id>/samenvatting")
@staff_required
def print_summary(dossier_id: int) -> Response:
    sd = load(dossier_id, log=False)
    try:
        # summary_for checks the staff viewer and writes the access-log row (print).
        summary = summary_for(Viewer.for_staff(current_user), sd.dossier.resident, clock.today())
    except (SummaryForbidden, LookupError):
        abort(404)
    html = render_template(
        "summary/print.html",
        summary=summary,
        light_words=light_words,
        layout="staff/base.html",
        pdf_url=url_for("staff.summary_pdf", dossier_id=sd.dossier.id),
        back_url=url_for("staff.dossier", dossier_id=sd.dossier.id),
        back_label=gettext("Back to the dossier"),
    )
    return make_response(html)  # no-store: the staff blueprint's hook


@bp.get("/dossier/<int:dossier_id>/samenvatting.pdf")
@staff_required
def summary_pdf(dossier_id: int) -> Response:
    sd = load(dossier_id, log=False)
    letters = letters_choice(request.args.get("letters"))
    try:
        result = request_pdf(
            Viewer.for_staff(current_user), sd.dossier.resident, clock.today(), letters
        )
    except (SummaryForbidden, LookupError):
        abort(404)
    if not isinstance(result, PdfReady):
        flash(gettext("The PDF is being made. Try the button again in a minute."))
        return redirect(url_for("staff.print_summary", dossier_id=dossier_id), 303)
    response = make_response(result.data)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
