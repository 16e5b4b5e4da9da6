"""Build a resident's data export (the ZIP of all their data) for the download page."""

from __future__ import annotations

from app.services.data_export import build
from jobs import app_job


@app_job
def build_export(export_id: int) -> None:
    build(export_id)
