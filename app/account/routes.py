"""/account: the resident's e-mail address, mobile number and reminder choices."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.account.forms import ReminderForm
from app.auth.guards import resident_required
from app.services.notifications.preferences import (
    CHOICES,
    choice_name,
    preferences_for,
    save_contact_and_preferences,
)
from app.services.notifications.quiet_hours import parse_hhmm

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
@resident_required
def index() -> Response | str:
    resident = current_user
    form = ReminderForm()
    if not form.is_submitted():
        prefs = preferences_for(resident.id)
        form.email.data = resident.email
        form.phone.data = _display_phone(resident.phone)
        form.appointment.data = choice_name(prefs.appointment)
        form.document.data = choice_name(prefs.document)
        form.changes.data = choice_name(prefs.change)
        form.quiet_start.data = prefs.quiet_start.strftime("%H:00")
        form.quiet_end.data = prefs.quiet_end.strftime("%H:00")
    elif form.validate():
        save_contact_and_preferences(
            resident,
            email=form.email.data or "",
            phone_e164=form.phone_e164,
            appointment=CHOICES[form.appointment.data or "none"],
            document=CHOICES[form.document.data or "none"],
            quiet_start=parse_hhmm(form.quiet_start.data or "21:00"),
            quiet_end=parse_hhmm(form.quiet_end.data or "08:00"),
            change=CHOICES.get(form.changes.data or ""),
        )
        flash(gettext("Your choices are saved."), "success")
        return redirect(url_for("account.index"), code=303)
    return render_template("account/index.html", form=form)


def _display_phone(e164: str) -> str:
    """'+31612345678' -> '06 12345678' (how Dutch residents write their number)."""
    if e164.startswith("+316") and len(e164) == 12:
        return f"06 {e164[4:]}"
    return e164
