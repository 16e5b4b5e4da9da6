"""The staff workspace's blueprint (/medewerker). Its own module, so the route modules import it
and the package imports them, without a cycle."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

from app.responses import no_store

bp = Blueprint("staff", __name__, url_prefix="/medewerker")


@bp.after_request
def _private(response: Response) -> Response:
    # Personal data: never in a shared cache, nor kept by the browser.
    no_store(response)
    return response
