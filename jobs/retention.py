"""The daily retention run (app.services.retention), queued once a day by the worker's clock."""

from __future__ import annotations

from typing import Any

from app.services.retention import purge_due
from jobs import app_job


@app_job
def retention_tick() -> dict[str, Any]:
    result = purge_due()
    return {"purged": result.purged, "access_log_rows": result.access_log_rows_removed}
