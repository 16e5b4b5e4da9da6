"""'Download uw gegevens': the resident asks for a ZIP of all their data (built by a job), waits
on a page that works without JS, and downloads it once.

The token in the address is the export's secret; find_export answers only for the resident who
asked, so any other address or resident gets 404.
"""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.account.routes import bp
from app.auth.guards import resident_required
from app.export_pages import download_or_refuse, waiting_page
from app.services.data_export import find_export, request_export


@bp.post("/account/gegevens")
@resident_required
def export_start() -> Response:
    _, token = request_export(current_user)
    return redirect(url_for("account.export_status", token=token), 303)


@bp.get("/account/gegevens/<token>")
@resident_required
def export_status(token: str) -> Response:
    export = find_export(token, resident=current_user)
    if export is None:
        abort(404)
    return waiting_page(
        export,
        layout="base.html",
        status_url=url_for("account.export_status", token=token),
        download_url=url_for("account.export_download", token=token),
        again_url=url_for("account.export_start"),
        back_url=url_for("account.index"),
    )


@bp.post("/account/gegevens/<token>/download")
@resident_required
def export_download(token: str) -> Response:
    export = find_export(token, resident=current_user)
    if export is None:
        abort(404)
    return download_or_refuse(
        export,
        refused=lambda: make_response(
            render_template(
                "export/gone.html",
                layout="base.html",
                again_url=url_for("account.export_start"),
                back_url=url_for("account.index"),
            ),
            410,
        ),
    )
