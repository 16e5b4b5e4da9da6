"""Resident side of staff access: consent per organisation, and 'who looked at my data', both
shown on the account page (templates/account/_consent.html and _access.html)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.guards import resident_required
from app.dates import long_date
from app.extensions import db
from app.models import Organisation
from app.services import consent
from app.services.access_log import grouped_for_dossier, history_page

bp = Blueprint("consent", __name__, url_prefix="/account/organisaties")
# The full 'who looked at my data' list (the account page shows it grouped per staff member
# per day).
history_bp = Blueprint("access_history", __name__)


@history_bp.get("/account/bekeken")
@resident_required
def history() -> str:
    dossier = current_user.dossier
    if dossier is None:
        abort(404)
    raw = request.args.get("pagina", "1")
    entries, page, pages = history_page(dossier, int(raw) if raw.isdigit() else 1)
    return render_template("account/access_history.html", entries=entries, page=page, pages=pages)


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
        "groups": grouped_for_dossier(dossier),
    }


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(history_bp)
    app.jinja_env.globals["account_access"] = _account_access
    app.jinja_env.globals["long_date_of"] = long_date
