"""Staff login (/medewerker/inloggen): e-mail, password and a TOTP code; first-time TOTP set-up."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.local_paths import safe_local_path
from app.services import staff_auth
from app.services.accounts import end_session
from app.staff.blueprint import bp
from app.staff.forms import EnrolForm, LoginForm


def _login_limit() -> str:
    return str(current_app.config["STAFF_LOGIN_RATE_LIMIT"])


def _refused_message(outcome: str) -> str:
    if outcome == "locked":
        return gettext(
            "You tried to log in too often. Wait %(minutes)d minutes, or ask a beheerder "
            "of your organisation to reset your login.",
            minutes=staff_auth.LOCK_MINUTES,
        )
    # The same words for every wrong part: nobody learns which one was wrong.
    return gettext(
        "We could not log you in with these details. Check your e-mail address, password "
        "and code, and try again."
    )


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Response | str:
    if current_user.is_authenticated and getattr(current_user, "is_staff", False):
        return redirect(url_for("staff.caseload"), 303)
    form = LoginForm()
    problem = ""
    if form.validate_on_submit():
        result = staff_auth.authenticate(
            form.email.data or "",
            form.password.data or "",
            form.code.data or "",
            request.remote_addr or "",
        )
        if result.outcome == "ok" and result.staff is not None:
            if current_user.is_authenticated:
                end_session()
            staff_auth.start_staff_session(result.staff)
            target = safe_local_path(request.args.get("next"))
            if not target.startswith("/medewerker") and not target.startswith("/beheer"):
                target = url_for("staff.caseload")
            return redirect(target, 303)
        if result.outcome == "enrol" and result.staff is not None:
            staff_auth.begin_enrolment(result.staff)
            return redirect(url_for("staff.enrol"), 303)
        problem = _refused_message(result.outcome)
    form.password.data = ""
    form.code.data = ""
    return render_template("staff/login.html", form=form, problem=problem)


@bp.route("/inloggen/app-instellen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def enrol() -> Response | str:
    staff = staff_auth.pending_enrolment()
    if staff is None or not staff.totp_secret:
        return redirect(url_for("staff.login"), 303)
    form = EnrolForm()
    if form.validate_on_submit():
        if staff_auth.finish_enrolment(staff, form.code.data or "", form.password.data or ""):
            session.pop(staff_auth.ENROL_KEY, None)
            staff_auth.start_staff_session(staff)
            flash(gettext("Your login is set up. From now on you log in with the code too."))
            return redirect(url_for("staff.caseload"), 303)
        form.code.errors = [gettext("This code is not right. Enter the newest code from the app.")]
    return render_template(
        "staff/enrol.html",
        form=form,
        secret=staff_auth.grouped(staff.totp_secret),
        uri=staff_auth.otpauth_uri(staff),
        qr=staff_auth.qr_svg(
            staff_auth.otpauth_uri(staff),
            gettext("QR code to scan with your authenticator app"),
        ),
    )


@bp.post("/uitloggen")
def logout() -> Response:
    member = current_user._get_current_object() if current_user.is_authenticated else None
    if member is not None and getattr(member, "is_staff", False):
        # The session lives in a signed cookie: without a new token a copy of it (a shared desk
        # computer, a proxy log) would still work after logout. Like residents' logout, this
        # ends the member's sessions on other devices too.
        staff_auth.end_all_staff_sessions(member)
    end_session()
    flash(gettext("You are logged out."))
    return redirect(url_for("staff.login"), 303)
