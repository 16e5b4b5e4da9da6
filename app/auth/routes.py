"""DigiD login and logout. DigiD is the only way a resident logs in."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.digid import slo, soap
from app.digid.logs import redact
from app.digid.metadata import signed_sp_metadata_xml
from app.digid.sp import LoginFailed, NotConfigured, finish_login, start_login
from app.errors import render_error
from app.extensions import csrf
from app.local_paths import safe_local_path
from app.services.accounts import (
    end_all_sessions,
    end_session,
    resident_for_bsn,
    start_resident_session,
)
from app.services.bsn import reveal_bsn

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)
# The id of our LogoutRequest, kept in the (new, anonymous) session until DigiD answers.
LOGOUT_KEY = "digid_logout"


def _level_label() -> str:
    names = {
        "basis": _("Basis"),
        "midden": _("Midden"),
        "substantieel": _("Substantieel"),
        "hoog": _("Hoog"),
    }
    name = str(current_app.config["SAML_MIN_LEVEL"]).strip().lower()
    return names.get(name, name)


@bp.get("/inloggen")
def login() -> str:
    next_path = safe_local_path(request.args.get("next"))
    return render_template("auth/login.html", next_path=next_path, level=_level_label())


@bp.get("/inloggen/digid")
def login_digid() -> ResponseReturnValue:
    """Send the browser to DigiD with a signed AuthnRequest (HTTP-Redirect binding)."""
    try:
        location = start_login(safe_local_path(request.args.get("next")))
    except (NotConfigured, ValueError) as exc:
        log.error("DigiD login unavailable: %s", exc)
        return _unavailable()
    return redirect(location, 303)


@bp.get("/saml/acs")
def acs() -> ResponseReturnValue:
    """DigiD sends the browser back here with an artifact; we fetch the answer over SOAP."""
    try:
        result = finish_login(
            request.args.get("SAMLart"), request.args.get("RelayState"), request.remote_addr or ""
        )
    except LoginFailed as failed:
        log.warning("DigiD login failed (%s): %s", failed.kind, failed.reason)
        _not_logged_in()
        return _failure_page(failed.kind)
    except NotConfigured as exc:
        log.error("DigiD login unavailable: %s", exc)
        _not_logged_in()
        return _unavailable()
    except Exception as exc:  # never a 500 for a login; the message is redacted (no BSN)
        log.error("DigiD login failed unexpectedly: %s: %s", type(exc).__name__, redact(exc))
        _not_logged_in()
        return _failure_page("error")

    resident = resident_for_bsn(result.bsn)
    if resident is None:
        log.info("DigiD login without a dossier")
        _not_logged_in()
        return render_template("auth/no_dossier.html"), 200
    start_resident_session(resident)
    log.info("DigiD login for resident %s at level %s", resident.id, result.level)
    return redirect(result.next_path, 303)


def _not_logged_in() -> None:
    """End any session after a failed login, but keep the chosen language."""
    lang = session.get("lang")
    end_session()
    if lang:
        session["lang"] = lang


def _unavailable() -> ResponseReturnValue:
    return render_template("auth/unavailable.html"), 503


def _failure_page(kind: str) -> ResponseReturnValue:
    if kind == "unavailable":
        return _unavailable()
    if kind == "cancelled":
        return render_template("auth/cancelled.html"), 403
    if kind == "level":
        return render_template("auth/level_too_low.html", level=_level_label()), 403
    if kind == "relay":
        return render_error(
            400,
            _("Logging in did not work"),
            _("The link you came back with was not complete. Please log in again."),
        )
    return render_error(
        400,
        _("Logging in did not work"),
        _("We could not check your DigiD login. You are not logged in. Please try again."),
    )


@bp.get("/saml/metadata")
def metadata() -> Response:
    """This portal's SP metadata, signed with the SAML signing key (`flask saml-metadata` writes
    the same document to a file for Logius)."""
    xml = signed_sp_metadata_xml(current_app.config)
    return Response(xml, mimetype="application/samlmetadata+xml")


@bp.post("/uitloggen")
def logout() -> ResponseReturnValue:
    """Local logout always; with single sign-on, DigiD is asked to end its session too."""
    resident = current_user._get_current_object() if current_user.is_authenticated else None
    bsn = None
    if resident is not None and slo.enabled():
        try:
            bsn = reveal_bsn(resident.bsn_encrypted)
        except Exception as exc:  # the local logout must never fail
            log.error("no BSN for the DigiD logout: %s", type(exc).__name__)
    if resident is not None and not getattr(resident, "is_staff", False):
        # The session lives in a signed cookie: without a new token a copy of the cookie would
        # still work after logout. This ends the resident's sessions on other devices too.
        end_all_sessions(resident)
    _not_logged_in()
    if bsn is None:
        return redirect(url_for("auth.logged_out"), 303)
    try:
        request_id, location = slo.logout_request_url(bsn)
    except Exception as exc:
        log.error("DigiD logout request failed: %s", redact(exc))
        return redirect(url_for("auth.logged_out"), 303)
    session[LOGOUT_KEY] = request_id
    return redirect(location, 303)


@bp.get("/saml/slo/redirect")
def slo_redirect() -> ResponseReturnValue:
    """DigiD's answer to our LogoutRequest (HTTP-Redirect, signed in the query string)."""
    expected = session.pop(LOGOUT_KEY, None)
    _not_logged_in()
    try:
        slo.check_logout_response(request.query_string, expected)
    except (slo.LogoutError, NotConfigured) as exc:
        log.warning("DigiD logout answer refused: %s", redact(exc))
        return render_template("auth/logout_unconfirmed.html"), 400
    return redirect(url_for("auth.logged_out"), 303)


@bp.post("/saml/slo/soap")
@csrf.exempt
def slo_soap() -> Response:
    """DigiD tells us the resident logged out elsewhere: end every session of that BSN."""
    try:
        logout = slo.handle_soap_logout_request(request.get_data())
    except (slo.LogoutError, NotConfigured) as exc:
        log.warning("DigiD SOAP logout refused: %s", redact(exc))
        # SOAP 1.1: a fault travels with HTTP 500.
        return Response(soap.fault("Client", "LogoutRequest refused"), 500, mimetype="text/xml")
    resident = resident_for_bsn(logout.bsn)
    if resident is not None:
        end_all_sessions(resident)
        log.info("DigiD logout: every session of resident %s ended", resident.id)
    return Response(logout.answer, mimetype="text/xml")


@bp.get("/uitgelogd")
def logged_out() -> str:
    return render_template("auth/logged_out.html")
