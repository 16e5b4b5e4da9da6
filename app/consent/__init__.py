"""Resident side of staff access: consent per organisation, and 'who looked at my data', both
shown on the account page (templates/account/_consent.html and _access.html)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import resident_required
from app.extensions import db
from app.models import Organisation
from app.services import consent
from app.services.access_log import entries_for_dossier

bp = Blueprint("consent", __name__, url_prefix="/account/organisaties")


@bp.post("")
@resident_required
def link() -> Response:
    dossier = current_user.dossier
    if dossier is None:
        abort(404)
    raw = request.form.get("organisation", "")
    organisation = db.session.get(Organisation, int(raw)) if raw.isdigit() else None
    if organisation is None:
        flash(gettext("Choose an organisation."))
    else:
        consent.link_organisation(dossier, organisation)
        flash(
            gettext(
                "%(organisation)s can now help you with your dossier.",
                organisation=organisation.name,
            )
        )
    return redirect(url_for("account.index") + "#organisaties", 303)


@bp.post("/<int:link_id>/intrekken")
@resident_required
def revoke(link_id: int) -> Response:
    dossier = current_user.dossier
    if dossier is None or not consent.revoke_link(dossier, link_id):
        abort(404)
    flash(gettext("The organisation no longer has access to your dossier."))
    return redirect(url_for("account.index") + "#organisaties", 303)


def _account_access() -> dict[str, Any]:
    """What the account page includes show; empty for anyone but a resident with a dossier."""
    dossier = getattr(current_user, "dossier", None) if current_user.is_authenticated else None
    if dossier is None or getattr(current_user, "is_staff", True):
        return {}
    return {
        "links": consent.active_links(dossier),
        "available": consent.available_organisations(dossier),
        "entries": entries_for_dossier(dossier),
    }


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["account_access"] = _account_access
