"""Web Push subscriptions: one row per device (browser) on which a resident turned on notices.
The endpoint is the push service's address for that browser; p256dh and auth are the browser's
keys that each message is encrypted to (RFC 8291). A 404 or 410 from the push service means the
subscription is gone: the row is deleted then."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow
from app.models.types import UTCDateTime


class PushSubscription(db.Model):  # type: ignore[name-defined]
    __tablename__ = "push_subscription"
    __table_args__ = (Index("ix_push_subscription_resident", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    # Unique: the same browser subscribing again replaces its row.
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def info(self) -> dict[str, object]:
        """The subscription as the browser gave it (what pywebpush takes)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
