"""Failed staff logins, one row per failure and per key (the account tried, the address it came
from). Kept in the database so the lockout holds with Redis down and across workers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow
from app.models.types import UTCDateTime


class LoginFailure(db.Model):  # type: ignore[name-defined]
    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # HMAC of "account:<e-mail>" or "address:<ip>" (app.services.staff_auth): an unknown
    # e-mail counts exactly like a known one, and no typed e-mail or address is stored.
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
