"""The pages of a data export that the resident's and the staff side share: waiting (with a
'check again' link, no automatic reload that would make a screen reader start over; htmx
polls as an enhancement) and the one-time download."""

from __future__ import annotations

from collections.abc import Callable

from flask import make_response
from werkzeug.wrappers import Response

from app import clock
from app.htmx import is_htmx, nothing_new, render_page
from app.models import DataExport, ExportStatus
from app.responses import no_store
from app.services.data_export import is_expired, take_download


def waiting_page(
    export: DataExport,
    *,
    layout: str,
    status_url: str,
    download_url: str,
    again_url: str,
    back_url: str,
    note: str = "",
) -> Response:
    state = "expired" if is_expired(export) else export.status.value
    if is_htmx() and state == ExportStatus.PENDING.value:
        return nothing_new()
    page = render_page(
        "export/waiting.html",
        "export/_status.html",
        layout=layout,
        export=export,
        state=state,
        status_url=status_url,
        download_url=download_url,
        again_url=again_url,
        back_url=back_url,
        note=note,
    )
    return no_store(page)


def download_or_refuse(export: DataExport, refused: Callable[[], Response]) -> Response:
    data = take_download(export)
    if data is None:
        return no_store(refused())
    response = make_response(data)
    response.mimetype = "application/zip"
    name = f"mijn-gegevens-{clock.today().isoformat()}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return no_store(response)
