"""Render a resident's printable summary into the cache when it is too slow for the request."""

from __future__ import annotations

from app import clock
from app.extensions import db
from app.models import Resident
from app.services import summary_audio
from app.services.summary_pdf import render_for_cache
from jobs import app_job


@app_job
def render_summary(
    resident_id: int, letters: str = "normaal", readers: list[int] | None = None
) -> str | None:
    """Returns the cache key of the rendered PDF, or None when there is nothing to render.
    `readers`: the organisation ids of the staff member it is for (None: the resident)."""
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.dossier is None:
        return None
    return render_for_cache(resident, clock.today(), letters, tuple(readers or ()))


@app_job
def render_audio(resident_id: int, readers: list[int] | None = None) -> str | None:
    """Speak a resident's summary into the cache; returns its key (None: nothing to speak).
    `readers`: the organisation ids of the staff member it is for (None: the resident)."""
    resident = db.session.get(Resident, resident_id)
    if resident is None or resident.dossier is None:
        return None
    return summary_audio.render_for_cache(resident, clock.today(), tuple(readers or ()))
