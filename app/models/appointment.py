"""Appointment slots organisations publish, and the appointments residents book in them."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation
from app.models.task import Task
from app.models.types import UTCDateTime, string_enum


class Channel(enum.StrEnum):
    PHONE = "phone"
    DESK = "desk"
    VIDEO = "video"


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class AppointmentSlot(db.Model):  # type: ignore[name-defined]
    """A time an organisation offers. Free while no booked appointment holds it."""

    __tablename__ = "appointment_slot"
    __table_args__ = (Index("ix_slot_org_start", "organisation_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=30)
    channel: Mapped[Channel] = mapped_column(string_enum(Channel, "appointment_channel"))
    # Desk: the address and room. Video: how the link arrives. Phone: empty (we call the resident).
    location: Mapped[str] = mapped_column(Text, default="")
    # Who the resident meets or who calls ("P. Jansen").
    with_whom: Mapped[str] = mapped_column(String(200), default="")
    # Plain words: "Neem uw identiteitsbewijs en uw laatste loonstrook mee."
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


class Appointment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("appointment_slot.id"))
    # The slot while booked, NULL once cancelled or moved. Unique: one booking per slot,
    # enforced by the database however many requests race for it.
    held_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_slot.id"), unique=True, default=None
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("task.id", ondelete="SET NULL"), default=None
    )
    # A key of app.services.appointments.TOPICS.
    topic: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AppointmentStatus] = mapped_column(
        string_enum(AppointmentStatus, "appointment_status"), default=AppointmentStatus.BOOKED
    )
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    slot: Mapped[AppointmentSlot] = relationship(foreign_keys=[slot_id])
    task: Mapped[Task | None] = relationship()

    @property
    def is_booked(self) -> bool:
        return self.status is AppointmentStatus.BOOKED
