"""The dossier view for staff and the dossier actions: review a document, add an item, mark our
item done, record a contact moment. Every route looks the dossier up through
dossier_for_staff (404 without a right) and writes an access-log row."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import staff_required
from app.dates import long_date
from app.models import Holder
from app.services import staff_reminders, staff_work
from app.services.access_log import StaffDossier, dossier_for_staff, staff_org_ids
from app.services.appointments import appointments_of
from app.services.documents import DocumentError, checklist
from app.services.overview import build_overview, light_sentence, light_words
from app.services.questions import questions_for
from app.services.staff_visibility import StaffReading
from app.services.storage import download_response
from app.staff.blueprint import bp
from app.staff.forms import ContactForm, ReviewForm, TaskForm


def load(
    dossier_id: int,
    action: str = "view_dossier",
    why: str = "casework",
    detail: str = "",
    *,
    log: bool = True,
) -> StaffDossier:
    """The dossier, or 404. Every GET is a read and gets its access-log row here; a POST logs
    the action it does (in the transaction of the change)."""
    sd = dossier_for_staff(current_user, dossier_id)
    if sd is None:
        abort(404)
    if log and request.method == "GET":
        staff_work.log_read(sd, current_user, action, why, detail or str(request.endpoint))
    return sd


@bp.get("/dossier/<int:dossier_id>")
@staff_required
def dossier(dossier_id: int) -> str:
    sd = load(dossier_id)
    today = clock.today()
    # Outside assisted mode: other organisations' questions and descriptions stay theirs.
    reading = StaffReading.of(sd.dossier, staff_org_ids(current_user))
    overview = reading.overview(build_overview(sd.dossier.resident, today, news_count=0))
    return render_template(
        "staff/dossier.html",
        sd=sd,
        resident=sd.dossier.resident,
        overview=overview,
        light_words=light_words,
        light_sentence=light_sentence(overview.state),
        timeline=staff_work.timeline_for_staff(sd, reading),
        task_title=reading.title,
        to_review=staff_work.documents_to_review(sd, current_user),
        checklist=checklist(sd.dossier),
        appointments=appointments_of(sd.dossier),
        questions=questions_for(sd.dossier, staff_org_ids(current_user)),
        our_items=[
            i
            for i in overview.for_organisations
            if i.task.organisation_id == sd.organisation.id and i.task.holder is Holder.ORGANISATION
        ],
        reminders=staff_reminders.reminder_lines(sd, today),
        long_date=long_date,
        today=today,
    )


@bp.route("/dossier/<int:dossier_id>/document/<int:document_id>", methods=["GET", "POST"])
@staff_required
def review(dossier_id: int, document_id: int) -> Response | str:
    sd = load(dossier_id)
    doc = staff_work.reviewable_document(sd, current_user, document_id)
    if doc is None:
        abort(404)
    form = ReviewForm()
    if doc.status.value != "received":
        flash(gettext("This document was checked already."))
        return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            staff_work.review(sd, current_user, doc, approve=approve, reason=form.reason.data or "")
        except DocumentError:
            flash(gettext("This document was checked already."))
            return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
        flash(
            gettext("The document is approved.")
            if approve
            else gettext("The document is not approved. The resident sees your reason.")
        )
        return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    return render_template("staff/review.html", sd=sd, doc=doc, form=form)


@bp.get("/dossier/<int:dossier_id>/bestand/<int:document_id>")
@staff_required
def download(dossier_id: int, document_id: int) -> Response:
    # Logged only once the file is found (no row for a 404).
    sd = load(dossier_id, log=False)
    doc = staff_work.reviewable_document(sd, current_user, document_id)
    if doc is None:
        abort(404)
    staff_work.log_read(sd, current_user, "download_document", "casework", f"document {doc.id}")
    return download_response(doc.storage_key, doc.content_type, doc.filename)


@bp.route("/dossier/<int:dossier_id>/item-toevoegen", methods=["GET", "POST"])
@staff_required
def add_item(dossier_id: int) -> Response | str:
    sd = load(dossier_id)
    form = TaskForm()
    if form.validate_on_submit():
        staff_work.add_staff_task(
            sd,
            current_user,
            kind=form.kind.data or "step",
            title=form.title.data or "",
            description=form.description.data or "",
            due_date=form.due_date.data,
        )
        flash(gettext("The item is added. The resident sees it now."))
        return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    return render_template("staff/add_item.html", sd=sd, form=form)


@bp.post("/dossier/<int:dossier_id>/item/<int:task_id>/klaar")
@staff_required
def finish_item(dossier_id: int, task_id: int) -> Response:
    sd = load(dossier_id)
    task = staff_work.organisation_task(sd, task_id)
    if task is None:
        abort(404)
    staff_work.finish_task(sd, current_user, task)
    flash(gettext("The item is marked as done."))
    return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)


@bp.route("/dossier/<int:dossier_id>/contact", methods=["GET", "POST"])
@staff_required
def contact(dossier_id: int) -> Response | str:
    sd = load(dossier_id)
    form = ContactForm()
    if form.validate_on_submit():
        staff_work.record_contact(
            sd, current_user, form.channel.data or "phone", form.note.data or ""
        )
        flash(gettext("The contact is written down. The resident sees it in the timeline."))
        return redirect(url_for("staff.dossier", dossier_id=dossier_id), 303)
    return render_template("staff/contact.html", sd=sd, form=form)
