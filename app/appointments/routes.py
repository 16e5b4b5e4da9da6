"""/afspraken: the resident's appointments; book, move and cancel; download as .ics."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from werkzeug.wrappers import Response

from app import clock
from app.appointments.forms import BookForm, CancelForm, SlotForm
from app.auth.guards import current_dossier, resident_required
from app.extensions import db
from app.models import Appointment, AppointmentSlot, Dossier, Organisation
from app.responses import no_store
from app.services.appointment_ics import (
    appointment_ics,
    channel_text,
    slot_time,
    slot_when,
    slots_by_day,
    where_text,
)
from app.services.appointments import (
    TOPICS,
    AppointmentError,
    already_cancelled_message,
    appointments_of,
    book_appointment,
    can_change,
    cancel_appointment,
    dossier_appointment,
    free_slots,
    reschedule_appointment,
    too_late_message,
    topic_text,
)
from app.services.timeline import Actor

bp = Blueprint("appointments", __name__, url_prefix="/afspraken")


def _appointment(dossier: Dossier, appointment_id: int) -> Appointment:
    found = dossier_appointment(dossier, appointment_id)
    if found is None:
        abort(404)
    return found


def _words() -> dict[str, Any]:
    today = clock.today()
    return {
        "slot_when": lambda slot: slot_when(slot, today),
        "slots_by_day": lambda slots: slots_by_day(slots, today),
        "slot_time": slot_time,
        "where_text": where_text,
        "channel_text": channel_text,
        "topic_text": topic_text,
        "can_change": can_change,
        "too_late_message": too_late_message,
        "already_cancelled_message": already_cancelled_message,
    }


def _organisation_filter(dossier: Dossier) -> Organisation | None:
    """?organisatie=<slug>: only that organisation's times. Unknown or absent: all of them."""
    slug = request.args.get("organisatie", "")
    return next((o for o in dossier.organisations if o.slug == slug), None)


def _chosen_slot(form: SlotForm) -> AppointmentSlot | None:
    if form.slot.errors:
        form.slot.errors = [gettext("Choose a time.")]
        return None
    return db.session.get(AppointmentSlot, form.slot.data) if form.slot.data else None


@bp.get("")
@resident_required
def index() -> Response | str:
    dossier = current_dossier()
    now = clock.now()
    mine = appointments_of(dossier)
    upcoming = [a for a in mine if a.is_booked and a.slot.ends_at > now]
    earlier = [a for a in mine if a not in upcoming]
    return render_template(
        "appointments/index.html",
        upcoming=upcoming,
        earlier=list(reversed(earlier)),
        **_words(),
    )


@bp.route("/maken", methods=["GET", "POST"])
@resident_required
def book() -> Response | str:
    dossier = current_dossier()
    only = _organisation_filter(dossier)
    form = BookForm()
    if request.method == "POST":
        valid = form.validate()
        slot = _chosen_slot(form)
        if valid and not form.slot.errors:
            try:
                book_appointment(
                    dossier,
                    slot,
                    form.topic.data or "",
                    form.note.data or "",
                    actor=Actor.resident(),
                )
            except AppointmentError as error:
                form.slot.errors = [str(error)]
            else:
                flash(gettext("Your appointment is made."))
                return redirect(url_for("appointments.index"), 303)
    return render_template(
        "appointments/book.html",
        form=form,
        slots=free_slots(dossier, organisation_id=only.id if only else None),
        organisations=sorted(dossier.organisations, key=lambda o: o.name),
        only=only,
        topics=TOPICS,
        **_words(),
    )


@bp.route("/<int:appointment_id>/verzetten", methods=["GET", "POST"])
@resident_required
def reschedule(appointment_id: int) -> Response | str:
    dossier = current_dossier()
    appointment = _appointment(dossier, appointment_id)
    form = SlotForm()
    if request.method == "POST":
        valid = form.validate()
        slot = _chosen_slot(form)
        if valid and not form.slot.errors:
            try:
                reschedule_appointment(dossier, appointment, slot, actor=Actor.resident())
            except AppointmentError as error:
                form.slot.errors = [str(error)]
            else:
                flash(gettext("Your appointment is moved."))
                return redirect(url_for("appointments.index"), 303)
    slots = free_slots(dossier, organisation_id=appointment.slot.organisation_id)
    return render_template(
        "appointments/reschedule.html",
        form=form,
        appointment=appointment,
        slots=slots,
        **_words(),
    )


@bp.route("/<int:appointment_id>/afzeggen", methods=["GET", "POST"])
@resident_required
def cancel(appointment_id: int) -> Response | str:
    dossier = current_dossier()
    appointment = _appointment(dossier, appointment_id)
    form = CancelForm()
    problem = None
    if form.validate_on_submit():
        try:
            cancel_appointment(dossier, appointment, actor=Actor.resident())
        except AppointmentError as error:
            problem = str(error)
        else:
            flash(gettext("Your appointment is cancelled."))
            return redirect(url_for("appointments.index"), 303)
    return render_template(
        "appointments/cancel.html",
        form=form,
        appointment=appointment,
        problem=problem,
        **_words(),
    )


@bp.get("/<int:appointment_id>/afspraak.ics")
@resident_required
def calendar_file(appointment_id: int) -> Response:
    appointment = _appointment(current_dossier(), appointment_id)
    response = make_response(appointment_ics(appointment))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = "attachment; filename=afspraak.ics"
    no_store(response)
    return response
