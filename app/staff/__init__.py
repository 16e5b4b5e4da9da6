"""The staff workspace (/medewerker): login, caseload, dossier work, assisted mode."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.dates import when
from app.services import sessions
from app.services.accounts import end_session
from app.services.intake import reach_of
from app.staff import (  # noqa: F401 - the modules add their routes to bp
    assisted_routes,
    audio_routes,
    caseload_routes,
    close_routes,
    dossier_routes,
    export_routes,
    intake_routes,
    login_routes,
    organisation_routes,
    question_routes,
    reminder_routes,
    slot_routes,
)
from app.staff.blueprint import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["staff_acting_choice"] = organisation_routes.acting_choice
    # templates/staff/_reach.html: phone, e-mail, language and reminder choices of a resident.
    app.jinja_env.globals["resident_reach"] = reach_of
    app.jinja_env.filters["staff_datetime"] = _staff_datetime
    # Registered before the shared session rules (create_app's AREAS order): an expired staff
    # session goes back to the staff login page (the shared rule would send staff to DigiD).
    app.before_request(_staff_session_expired)


def _staff_datetime(moment: datetime) -> str:
    return when(moment, clock.today())


def _staff_session_expired() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if not getattr(current_user, "is_staff", False) or not sessions.expired():
        return None
    end_session()
    flash(gettext("You were logged out for your safety. Please log in again."))
    return redirect(url_for("staff.login"), 303)
