"""Staff login: e-mail + password (argon2id) + a TOTP code, with a lockout counted in the database.

The database counter (app.models.LoginFailure) is the real protection against guessing: it holds
when Redis is down and across workers. It counts per account *and* per source address, and an
e-mail address nobody has counts exactly like a real one: the same rows, queries and password
hashing, and the same 'locked' answer after MAX_FAILURES. So the login page cannot be used to
find out which staff e-mail addresses exist. Flask-Limiter (app.extensions.limiter) only slows down
floods per address on top. Every refusal gets the same plain message, so nobody learns which
part was wrong; a beheerder can lift an account's lock (lift_lock).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, session
from flask_login import login_user
from markupsafe import Markup
from sqlalchemy import delete, func, select

from app import clock
from app.extensions import db
from app.models import LoginFailure, Organisation, StaffMember, StaffMembership
from app.models.resident import new_session_token
from app.services import sessions

MAX_FAILURES = 5
# From one address: enough for a team behind one office NAT having a bad morning, too few to
# lock out more than a handful of colleagues by guessing.
MAX_ADDRESS_FAILURES = 20
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 12
ISSUER = "Mijn Overzicht"
# Verified against when the e-mail is unknown, so a wrong address costs as much time as a
# wrong password (no timing difference that tells which part was wrong).
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
# Staff id waiting for the TOTP enrolment step (password checked, no second factor yet).
ENROL_KEY = "staff_enrol"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify_password(staff: StaffMember | None, password: str) -> bool:
    stored = staff.password_hash if staff is not None else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """'JBSWY3DPEHPK3PXP' -> 'JBSW Y3DP EHPK 3PXP': easier to type from the screen."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otpauth_uri(staff: StaffMember) -> str:
    assert staff.totp_secret
    return pyotp.TOTP(staff.totp_secret).provisioning_uri(name=staff.email, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> Markup:
    """The otpauth address as an inline SVG QR code (segno), for the enrolment page."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=5, border=4, title=title, nl=False
    )
    # segno writes the SVG itself and escapes the title: safe to put in the page as it is.
    return Markup(out.getvalue().decode())  # noqa: S704


def _code_step(staff: StaffMember, code: str, at: datetime) -> int | None:
    """The time step this code belongs to (this one or one either side), or None."""
    code = "".join(code.split())
    if not staff.totp_secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(staff.totp_secret)
    step = int(at.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def check_totp(staff: StaffMember, code: str, at: datetime) -> bool:
    """Right code, and not used before: a step is taken once."""
    step = _code_step(staff, code, at)
    if step is None or step <= staff.totp_last_step:
        return False
    staff.totp_last_step = step
    return True


def temporary_password() -> str:
    """A one-time password an administrator hands over; replaced at the first login."""
    alphabet = string.ascii_letters + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def staff_for_email(email: str) -> StaffMember | None:
    normalised = email.strip().lower()
    if not normalised:
        return None
    return db.session.scalar(select(StaffMember).where(func.lower(StaffMember.email) == normalised))


@dataclass(frozen=True)
class LoginResult:
    staff: StaffMember | None
    # ok / enrol / refused / locked
    outcome: str


def _key(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _account_key(email: str) -> str:
    return _key("account", email.strip().lower())


def _address_key(address: str) -> str:
    return _key("address", address)


def _window_start(at: datetime) -> datetime:
    return at - timedelta(minutes=LOCK_MINUTES)


def _failure_counts(keys: list[str], at: datetime) -> dict[str, int]:
    rows = db.session.execute(
        select(LoginFailure.key, func.count())
        .where(LoginFailure.key.in_(keys), LoginFailure.at > _window_start(at))
        .group_by(LoginFailure.key)
    )
    return {key: int(count) for key, count in rows}


def is_locked(staff: StaffMember, at: datetime) -> bool:
    key = _account_key(staff.email)
    return _failure_counts([key], at).get(key, 0) >= MAX_FAILURES


def lift_lock(staff: StaffMember) -> None:
    """A beheerder lets a locked-out colleague try again at once."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _account_key(staff.email)))
    db.session.commit()


def _fail(account: str, address: str, counts: dict[str, int], at: datetime) -> LoginResult:
    # The same statements whether or not the account exists (no timing difference).
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= _window_start(at)))
    db.session.add_all([LoginFailure(key=account, at=at), LoginFailure(key=address, at=at)])
    db.session.commit()
    if counts.get(account, 0) + 1 >= MAX_FAILURES:
        return LoginResult(None, "locked")
    return LoginResult(None, "refused")


def authenticate(email: str, password: str, code: str, address: str = "") -> LoginResult:
    """Check all three parts. 'enrol' means the password was right and no TOTP is set up yet."""
    at = clock.now()
    staff = staff_for_email(email)
    password_ok = _verify_password(staff, password)
    account, source = _account_key(email), _address_key(address)
    counts = _failure_counts([account, source], at)
    if counts.get(account, 0) >= MAX_FAILURES or counts.get(source, 0) >= MAX_ADDRESS_FAILURES:
        return LoginResult(None, "locked")
    if staff is None or not password_ok:
        return _fail(account, source, counts, at)
    if not staff.memberships:
        return _fail(account, source, counts, at)
    if staff.totp_confirmed_at is None:
        return LoginResult(staff, "enrol")
    if not check_totp(staff, code, at):
        return _fail(account, source, counts, at)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == account))
    db.session.commit()
    return LoginResult(staff, "ok")


def begin_enrolment(staff: StaffMember) -> None:
    """A new secret for this attempt; the account is not usable until a code confirms it."""
    staff.totp_secret = new_totp_secret()
    db.session.commit()
    session[ENROL_KEY] = staff.id


def pending_enrolment() -> StaffMember | None:
    staff_id = session.get(ENROL_KEY)
    if not isinstance(staff_id, int):
        return None
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or staff.totp_confirmed_at is not None:
        return None
    return staff


def finish_enrolment(staff: StaffMember, code: str, new_password: str) -> bool:
    at = clock.now()
    if not check_totp(staff, code, at):
        db.session.commit()
        return False
    staff.totp_confirmed_at = at
    staff.password_hash = hash_password(new_password)
    staff.must_change_password = False
    db.session.commit()
    return True


def start_staff_session(staff: StaffMember) -> None:
    """A fresh session, as for residents: nothing from before the login survives."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(staff)
    sessions.mark_login()


def end_all_staff_sessions(staff: StaffMember) -> None:
    staff.session_token = new_session_token()
    db.session.commit()


def create_staff(
    name: str, email: str, organisation: Organisation, role: str, *, platform_admin: bool = False
) -> tuple[StaffMember, str]:
    """A new account with a one-time password (returned once, to hand over). Committed.
    platform_admin: only from `flask create-admin --platform` (see StaffMember)."""
    if role not in ("medewerker", "beheerder"):
        raise ValueError(f"unknown role {role!r}")
    password = temporary_password()
    staff = StaffMember(
        name=name.strip(),
        email=email.strip().lower(),
        password_hash=hash_password(password),
        must_change_password=True,
        platform_admin=platform_admin,
    )
    db.session.add(staff)
    db.session.add(StaffMembership(staff=staff, organisation=organisation, role=role))
    db.session.commit()
    return staff, password


def link_staff(staff: StaffMember, organisation: Organisation, role: str) -> None:
    """A beheerder links a staff member to one of their organisations, or changes the role."""
    link = next((m for m in staff.memberships if m.organisation_id == organisation.id), None)
    if link is None:
        staff.memberships.append(StaffMembership(organisation=organisation, role=role))
    else:
        link.role = role
    db.session.commit()


def unlink_staff(staff: StaffMember, link: StaffMembership) -> None:
    """Fewer rights: the link goes, and sessions that had the rights end now."""
    staff.memberships.remove(link)
    staff.session_token = new_session_token()
    db.session.commit()


def reset_login(staff: StaffMember) -> str:
    """A beheerder resets a locked or lost login: new one-time password, TOTP set up again."""
    password = temporary_password()
    staff.password_hash = hash_password(password)
    staff.must_change_password = True
    staff.totp_secret = None
    staff.totp_confirmed_at = None
    staff.session_token = new_session_token()
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _account_key(staff.email)))
    db.session.commit()
    return password
