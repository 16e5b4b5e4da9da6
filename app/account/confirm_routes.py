"""Proving a new address: the link in the e-mail (/account/bevestigen/<token>) and the six-digit
SMS code (/account/sms-code). The work is in app.services.notifications.confirmation."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField

from app.account.routes import bp
from app.auth.guards import resident_required
from app.models.notification import Channel
from app.services.notifications.confirmation import (
    CONFIRM_CODE_ATTEMPTS,
    ConfirmationError,
    confirm_code,
    confirm_link,
    open_confirmation,
    send_again,
    waiting_for,
)


class CodeForm(FlaskForm):
    code = StringField(
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": 12,
            "spellcheck": "false",
        }
    )


def problem_text(reason: str) -> str:
    return {
        "wrong": gettext("This code is not right. Check the text message and try again."),
        "expired": gettext("This code or link no longer works. Ask for a new one."),
        "too-many": gettext(
            "The code was wrong %(num)d times. Ask for a new code.", num=CONFIRM_CODE_ATTEMPTS
        ),
        "none": gettext("There is nothing to confirm."),
        "rate-limited": gettext("We have sent enough codes today. Try again tomorrow, or call us."),
    }.get(reason, gettext("This code or link no longer works. Ask for a new one."))


@bp.route("/account/bevestigen/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Response | str:
    """No login needed: the signed link is the proof. GET only shows the button, so a mail
    program that opens links in advance confirms nothing."""
    if request.method == "GET":
        return render_template("account/confirm_email.html", token=token, done=False, problem="")
    try:
        confirm_link(token)
    except ConfirmationError as error:
        return render_template(
            "account/confirm_email.html",
            token=token,
            done=False,
            problem=problem_text(error.reason),
        )
    return render_template("account/confirm_email.html", token=token, done=True, problem="")


@bp.route("/account/sms-code", methods=["GET", "POST"])
@resident_required
def sms_code() -> Response | str:
    form = CodeForm()
    problem = ""
    if open_confirmation(current_user.id, Channel.SMS) is None:
        return redirect(url_for("account.index"), code=303)
    if form.validate_on_submit():
        try:
            confirm_code(current_user, form.code.data or "")
        except ConfirmationError as error:
            problem = problem_text(error.reason)
        else:
            flash(gettext("Your mobile number is confirmed."), "success")
            return redirect(url_for("account.index"), code=303)
    return render_template("account/sms_code.html", form=form, problem=problem)


@bp.post("/account/sms-code/opnieuw")
@resident_required
def sms_code_again() -> Response | str:
    form = CodeForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.sms_code"), code=303)
    try:
        send_again(current_user, Channel.SMS)
    except ConfirmationError as error:
        return render_template(
            "account/sms_code.html",
            form=CodeForm(formdata=None),
            problem=problem_text(error.reason),
        )
    flash(gettext("We sent you a new code."), "success")
    return redirect(url_for("account.sms_code"), code=303)


@bp.context_processor
def _address_proof() -> dict[str, object]:
    """For /account (templates/account/_changes.html): which addresses still wait for proof."""
    return {"address_waiting": lambda: waiting_for(current_user)}
