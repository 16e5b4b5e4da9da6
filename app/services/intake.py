"""Intake: a staff member registers a resident and opens the dossier for their organisation.

The BSN is stored as elsewhere (app.services.bsn): a keyed hash to find the resident and an
encrypted copy, never in clear text. One resident per BSN: when the BSN is known already the
staff member is told so, and gets the dossier only when their organisation may see it. Whether
another organisation has the dossier, and which one, is never said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Dossier, Organisation, Resident, StaffMember
from app.services.access_log import dossier_for_staff, record_access
from app.services.bsn import bsn_hash, encrypt_bsn
from app.services.consent import add_link
from app.services.notifications.preferences import choice_name, preferences_for
from app.services.timeline import Actor, record_event


@dataclass(frozen=True)
class NewResident:
    bsn: str
    first_name: str
    initials: str
    last_name: str
    date_of_birth: date | None
    email: str
    phone_e164: str
    language: str
    # How the resident agreed to be helped by the organisation: phone or desk.
    channel: str


@dataclass(frozen=True)
class Known:
    """The BSN has a resident already. dossier_id only when this staff member may open it."""

    dossier_id: int | None


class AlreadyKnown(Exception):
    def __init__(self, known: Known) -> None:
        super().__init__("the BSN has a resident already")
        self.known = known


def known_resident(staff: StaffMember, bsn: str) -> Known | None:
    """None for a new BSN; else whether (and where) this staff member may see the dossier."""
    resident = db.session.scalar(select(Resident).where(Resident.bsn_hash == bsn_hash(bsn)))
    if resident is None:
        return None
    dossier = resident.dossier
    if dossier is not None and dossier_for_staff(staff, dossier.id) is not None:
        return Known(dossier.id)
    return Known(None)


def open_dossier(
    new: NewResident, organisation: Organisation, *, staff: StaffMember | None
) -> Dossier:
    """The resident, the dossier and the organisation's link, with their timeline lines (the
    caller commits). Without a staff member (the go-live import) the organisation opened it.
    Raises IntegrityError on a BSN that has a resident."""
    now = clock.now()
    resident = Resident(
        bsn_hash=bsn_hash(new.bsn),
        bsn_encrypted=encrypt_bsn(new.bsn),
        first_name=new.first_name.strip(),
        initials=new.initials.strip(),
        last_name=new.last_name.strip(),
        date_of_birth=new.date_of_birth,
        email=new.email.strip(),
        phone=new.phone_e164,
        language=new.language,
        created_at=now,
    )
    dossier = Dossier(resident=resident, created_at=now, updated_at=now)
    db.session.add_all([resident, dossier])
    db.session.flush()
    who = Actor.staff_member(staff, organisation) if staff else Actor.system(organisation)
    record_event(dossier, "dossier_opened", who, at=now)
    add_link(dossier, organisation, channel=new.channel, staff=staff, acting=organisation)
    return dossier


def register_resident(staff: StaffMember, organisation: Organisation, new: NewResident) -> Dossier:
    """Create the resident and the dossier, link the organisation with the consent as told, and
    write the timeline and the access log. Raises AlreadyKnown (and changes nothing) when the
    BSN has a resident, also when another request registered it a moment ago."""
    known = known_resident(staff, new.bsn)
    if known is not None:
        raise AlreadyKnown(known)
    try:
        dossier = open_dossier(new, organisation, staff=staff)
    except IntegrityError:
        # The same BSN registered by someone else between the check and this insert.
        db.session.rollback()
        raise AlreadyKnown(known_resident(staff, new.bsn) or Known(None)) from None
    record_access(staff, organisation, dossier, "register_resident", "casework")
    db.session.commit()
    return dossier


@dataclass(frozen=True)
class Reach:
    """How staff can reach a resident: contact details and the reminder choices."""

    phone: str
    phone_display: str
    email: str
    language: str
    # 'both' / 'email' / 'sms' / 'none' (app.services.notifications.preferences.CHOICES)
    appointment: str
    document: str


def display_phone(e164: str) -> str:
    """'+31612345678' -> '06 12345678', the way staff dial it."""
    try:
        number = phonenumbers.parse(e164, "NL")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def reach_of(resident: Resident) -> Reach:
    prefs = preferences_for(resident.id)
    return Reach(
        phone=resident.phone,
        phone_display=display_phone(resident.phone) if resident.phone else "",
        email=resident.email,
        language=resident.language,
        appointment=choice_name(prefs.appointment),
        document=choice_name(prefs.document),
    )
