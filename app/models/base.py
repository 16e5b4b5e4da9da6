from __future__ import annotations

from datetime import datetime

from app import clock


def utcnow() -> datetime:
    """Timezone-aware now from the one clock (app.clock); every stored timestamp is UTC."""
    return clock.now()
