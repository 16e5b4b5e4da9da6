"""The report page (tables and server-made SVG charts, no JS) and a CSV per figure. Only for
beheerders, and only about the organisations where they are beheerder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Blueprint, abort, render_template, stream_with_context
from flask_login import current_user
from werkzeug.wrappers import Response

from app import clock
from app.auth.guards import admin_required
from app.responses import no_store
from app.services.access_log import csv_line, safe_cell
from app.services.reports import Figure, all_figures

bp = Blueprint("reports", __name__, url_prefix="/beheer/rapportage")

MONTHS = 12


@bp.after_request
def _private(response: Response) -> Response:
    no_store(response)
    return response


def _start(today: date) -> date:
    """The first day of the month MONTHS - 1 months ago: this month and the eleven before it."""
    months = today.year * 12 + today.month - 1 - (MONTHS - 1)
    return date(months // 12, months % 12 + 1, 1)


def _figures() -> list[Figure]:
    org_ids = [m.organisation_id for m in current_user.memberships if m.role == "beheerder"]
    today = clock.today()
    return all_figures(org_ids, _start(today), today)


@bp.get("")
@admin_required
def index() -> str:
    today = clock.today()
    return render_template(
        "reports/index.html", figures=_figures(), start=_start(today), today=today
    )


@bp.get("/<key>.csv")
@admin_required
def export(key: str) -> Response:
    figure = next((f for f in _figures() if f.key == key), None)
    if figure is None:
        abort(404)

    def lines() -> Iterator[str]:
        yield csv_line(figure.columns)
        for row in figure.rows:
            yield csv_line([safe_cell("" if v is None else str(v)) for v in row])

    response = Response(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="rapportage-{key}.csv"'
    return response
