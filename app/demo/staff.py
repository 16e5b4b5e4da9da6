"""Demo logins for the staff of app.demo.seed (demo only: fixed passwords and TOTP secrets).

`flask demo-staff` prints them with the current TOTP code, so the demo can log in without an
authenticator app. Never used outside the demo configuration's seed.
"""

from __future__ import annotations

from datetime import datetime

import pyotp
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Organisation, StaffMember, StaffMembership
from app.services.staff_auth import hash_password

DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 - demo data, printed on purpose
# e-mail -> base32 TOTP secret (fixed, so a demo authenticator app keeps working after a re-seed)
DEMO_TOTP = {
    "p.jansen@gemeente-rijnstad.example.nl": "JANSENDEMOTOTPGEHEIMRIJNSTAD2222",
    "l.visser@gemeente-rijnstad.example.nl": "VISSERDEMOTOTPGEHEIMRIJNSTAD2222",
    "m.bakker@schuldhulp-rijnstreek.example.nl": "BAKKERDEMOTOTPGEHEIMRIJNSTAD2222",
    "a.deboer@groene-hart-wonen.example.nl": "DEBOERDEMOTOTPGEHEIMRIJNSTAD2222",
    "s.dewit@gemeente-rijnstad.example.nl": "DEWITDEMOTOTPGEHEIMRIJNSTAD22222",
}
# One demo staff member works for two organisations, to show the organisation switcher.
TWO_ORGANISATIONS = ("S. de Wit", "s.dewit@gemeente-rijnstad.example.nl")
TWO_ORGANISATION_SLUGS = ("gemeente-rijnstad", "schuldhulp-rijnstreek")


def _add_staff_in_two_organisations() -> None:
    name, email = TWO_ORGANISATIONS
    if db.session.scalar(select(StaffMember.id).where(StaffMember.email == email)) is not None:
        return
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.slug.in_(TWO_ORGANISATION_SLUGS))
            .order_by(Organisation.id)
        )
    )
    if len(organisations) != len(TWO_ORGANISATION_SLUGS):
        return
    member = StaffMember(name=name, email=email)
    db.session.add(member)
    for organisation in organisations:
        db.session.add(StaffMembership(staff=member, organisation=organisation, role="medewerker"))
    db.session.flush()


def seed_demo_staff(now: datetime) -> None:
    """Give every demo staff member the demo password and a confirmed TOTP secret."""
    _add_staff_in_two_organisations()
    password_hash = hash_password(DEMO_PASSWORD)
    for staff in db.session.scalars(select(StaffMember).where(StaffMember.email.in_(DEMO_TOTP))):
        staff.password_hash = password_hash
        staff.totp_secret = DEMO_TOTP[staff.email]
        staff.totp_confirmed_at = now
        staff.must_change_password = False
    db.session.commit()


def describe_demo_staff() -> list[str]:
    at = clock.now()
    lines = [f"Demo staff (password for all: {DEMO_PASSWORD}); log in at /medewerker/inloggen:"]
    for staff in db.session.scalars(select(StaffMember).order_by(StaffMember.email)):
        secret = DEMO_TOTP.get(staff.email)
        if secret is None:
            continue
        roles = ", ".join(f"{m.organisation.name} ({m.role})" for m in staff.memberships)
        code = pyotp.TOTP(secret).at(at)
        lines.append(f"  {staff.email}  {roles}")
        lines.append(f"    TOTP secret {secret}  code now: {code}")
    return lines
