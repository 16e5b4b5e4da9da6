"""Who is logged in: one flask-login loader for residents ('r:') and staff ('s:')."""

from __future__ import annotations

import hmac
from functools import cache

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Resident, StaffMember
from app.models.resident import new_session_token
from app.services import sessions
from app.services.bsn import bsn_hash


@cache
def _user_statement(kind: str) -> Select[Resident] | Select[StaffMember]:
    """Built once per process: every request runs the loader, and a statement built anew costs
    more than the query itself (construction and its cache key; SQLAlchemy caches the SQL)."""
    if kind == "r":
        # A resident's dossier comes along in the same statement: every resident page needs it.
        return (
            select(Resident)
            .where(Resident.id == bindparam("id"))
            .options(joinedload(Resident.dossier))
        )
    return select(StaffMember).where(StaffMember.id == bindparam("id"))


def load_user(user_id: str) -> Resident | StaffMember | None:
    kind, _, rest = user_id.partition(":")
    if kind not in ("r", "s"):
        return None
    raw_id, _, token = rest.partition(":")
    if not raw_id.isdigit():
        return None
    user: Resident | StaffMember | None = db.session.scalars(
        _user_statement(kind), {"id": int(raw_id)}
    ).first()
    # The token changes when every session of this user must end (logout everywhere).
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def resident_for_bsn(bsn: str) -> Resident | None:
    return db.session.scalar(db.select(Resident).where(Resident.bsn_hash == bsn_hash(bsn)))


def start_resident_session(resident: Resident) -> None:
    """A fresh session for a fresh login: nothing from before the login survives."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(resident)
    sessions.mark_login()


def end_session() -> None:
    logout_user()
    session.clear()


def end_all_sessions(resident: Resident) -> None:
    """Every session of this resident, on every device, stops working."""
    resident.session_token = new_session_token()
    db.session.commit()


def set_language(user: Resident | StaffMember, lang: str) -> None:
    """The language a logged-in person chose, kept for their next visit and their reminders."""
    if isinstance(user, Resident):
        user.language = lang
        db.session.commit()
