"""Demo logins for the staff of app.services.demo (demo only: fixed passwords and TOTP secrets).

`flask demo-staff` prints them with the current TOTP code, so the demo can log in without an
authenticator app. Never used outside the demo configuration's seed.
"""

from __future__ import annotations

from datetime import datetime

import pyotp
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import StaffMember
from app.services.staff_auth import hash_password

DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 - demo data, printed on purpose
# e-mail -> base32 TOTP secret (fixed, so a demo authenticator app keeps working after a re-seed)
DEMO_TOTP = {
    "p.jansen@gemeente-rijnstad.example.nl": "JANSENDEMOTOTPGEHEIMRIJNSTAD2222",
    "l.visser@gemeente-rijnstad.example.nl": "VISSERDEMOTOTPGEHEIMRIJNSTAD2222",
    "m.bakker@schuldhulp-rijnstreek.example.nl": "BAKKERDEMOTOTPGEHEIMRIJNSTAD2222",
    "a.deboer@groene-hart-wonen.example.nl": "DEBOERDEMOTOTPGEHEIMRIJNSTAD2222",
}


def seed_demo_staff(now: datetime) -> None:
    """Give every demo staff member the demo password and a confirmed TOTP secret."""
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
