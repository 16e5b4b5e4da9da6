"""The built-in pysaml2 test IdP ("Test-DigiD", demo and test only; never in production)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from saml2 import samlp

from app.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS
from app.digid import levels
from app.errors import render_error
from app.extensions import csrf
from app.services.bsn import is_valid_bsn
from app.testidp import idp

bp = Blueprint("testidp", __name__)
# The ArtifactResolve is a server-to-server SOAP call; it carries its own XML signature.
csrf.exempt(bp)
log = logging.getLogger(__name__)


def _choices() -> list[tuple[str, str]]:
    people = [(r.bsn, f"{r.first_name} {r.last_name} ({r.bsn})") for r in DEMO_RESIDENTS]
    people.append(
        (DEMO_BSN_WITHOUT_DOSSIER, _("No dossier (%(bsn)s)", bsn=DEMO_BSN_WITHOUT_DOSSIER))
    )
    return people


def _page(pending_token: str, pending: idp.Pending, error: str = "", **form: str) -> str:
    return render_template(
        "testidp/sso.html",
        pending=pending_token,
        people=_choices(),
        levels=list(levels.LEVELS),
        requested=levels.name_for(pending.requested_level) or "midden",
        chosen_bsn=form.get("bsn", DEMO_RESIDENTS[0].bsn),
        other_bsn=form.get("other_bsn", ""),
        chosen_level=form.get("level", "midden"),
        error=error,
    )


@bp.get("/sso")
def sso() -> ResponseReturnValue:
    try:
        pending = idp.parse_authn_request(request.args.to_dict())
    except idp.IdpError as exc:
        log.warning("test IdP refused an AuthnRequest: %s", exc)
        return render_error(
            400, _("Test-DigiD cannot handle this request"), _("Please start logging in again.")
        )
    return _page(idp.dump_pending(pending), pending)


@bp.post("/sso")
def sso_choice() -> ResponseReturnValue:
    token = request.form.get("pending", "")
    try:
        pending = idp.load_pending(token)
    except idp.IdpError:
        return render_error(
            400, _("Test-DigiD cannot handle this request"), _("Please start logging in again.")
        )
    if request.form.get("action") == "cancel":
        xml = idp.error_response(pending, samlp.STATUS_AUTHN_FAILED, "Geannuleerd")
        return redirect(idp.acs_redirect(pending, idp.store_artifact(xml)), 303)

    other = request.form.get("other_bsn", "").strip()
    bsn = other or request.form.get("bsn", "")
    level = request.form.get("level", "midden")
    if not is_valid_bsn(bsn) or level not in levels.LEVELS:
        return _page(
            token,
            pending,
            error=_("Enter a BSN of 9 digits that passes the 11-test."),
            bsn=request.form.get("bsn", ""),
            other_bsn=other,
            level=level if level in levels.LEVELS else "midden",
        ), 422
    xml = idp.login_response(pending, bsn, levels.LEVELS[level])
    return redirect(idp.acs_redirect(pending, idp.store_artifact(xml)), 303)


@bp.post("/ars")
def ars() -> Response:
    try:
        answer = idp.resolve_artifact(request.get_data())
    except idp.IdpError as exc:
        log.warning("test IdP refused an ArtifactResolve: %s", exc)
        # Like DigiD: unparseable or unverifiable messages get a 404.
        return Response("", status=404, mimetype="text/plain")
    return Response(answer, mimetype="text/xml")


@bp.get("/slo")
def slo() -> ResponseReturnValue:
    """The SP's signed Redirect LogoutRequest; answered with a signed Redirect LogoutResponse."""
    try:
        location = idp.logout_redirect(request.args.to_dict())
    except idp.IdpError as exc:
        log.warning("test IdP refused a LogoutRequest: %s", exc)
        return render_error(
            400, _("Test-DigiD cannot handle this request"), _("You are logged out of the portal.")
        )
    return redirect(location, 303)


@bp.get("/metadata")
def metadata() -> Response:
    """Signed, like DigiD's: the SP checks the signature before it uses the metadata."""
    return Response(
        idp.signed_idp_metadata_xml(current_app.config), mimetype="application/samlmetadata+xml"
    )
