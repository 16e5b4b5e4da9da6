"""/herinneringen/stoppen/<token>: the stop link in every reminder e-mail.

GET only shows a page: mail scanners and link previews follow links, so nothing changes until
the resident presses the button (a POST with a CSRF token). Mail providers' one-click POST
(RFC 8058: body 'List-Unsubscribe=One-Click', no cookies) has no CSRF token; the signed token
in the URL is what authorises both POSTs, so the view is exempt and checks CSRF itself for
everything that is not exactly a one-click request."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from app.extensions import csrf, limiter
from app.responses import no_store
from app.services.notifications.preferences import email_reminders_on, stop_email_reminders
from app.services.notifications.unsubscribe import STOP_PATH, resident_for_stop_token

bp = Blueprint("unsubscribe", __name__)


def _rate_limit() -> str:
    return str(current_app.config["UNSUBSCRIBE_RATE_LIMIT"])


@bp.after_request
def _not_kept(response: BaseResponse) -> BaseResponse:
    # The URL is a key to someone's reminder choice: keep it out of caches and search engines.
    no_store(response)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _link_broken() -> tuple[str, int]:
    return render_template("unsubscribe/broken.html"), 404


@bp.get(f"{STOP_PATH}/<token>")
def confirm(token: str) -> tuple[str, int] | str:
    resident = resident_for_stop_token(token)
    if resident is None:
        return _link_broken()
    if not email_reminders_on(resident.id):
        return render_template("unsubscribe/stopped.html", already_off=True)
    return render_template("unsubscribe/confirm.html", token=token)


@bp.post(f"{STOP_PATH}/<token>")
@limiter.limit(_rate_limit)
def stop(token: str) -> BaseResponse | tuple[str, int]:
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    if not one_click:
        csrf.protect()  # the resident's own button: a normal browser form
    resident = resident_for_stop_token(token)
    if resident is None:
        if one_click:
            return Response("Unknown or expired link.\n", 404, mimetype="text/plain")
        return _link_broken()
    outcome = stop_email_reminders(resident)
    if one_click:
        return Response(gettext("E-mail reminders are off.") + "\n", 200, mimetype="text/plain")
    if outcome.changed:
        return redirect(url_for("unsubscribe.stopped"), 303)
    return redirect(url_for("unsubscribe.stopped", al="1"), 303)


csrf.exempt(stop)


@bp.get("/herinneringen/gestopt")
def stopped() -> str:
    return render_template("unsubscribe/stopped.html", already_off=request.args.get("al") == "1")
