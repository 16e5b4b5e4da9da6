"""Organisations: what a beheerder may change about their own organisation, and adding one
(the platform administrator: /beheer/organisaties/nieuw or `flask add-organisation`, both
through add_organisation)."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from sqlalchemy import func, select

from app.extensions import db
from app.models import Organisation, StaffMember
from app.services.access_log import record_access

# The fields a beheerder edits; residents see them on their pages, in reminders and the summary.
EDITABLE = ("name", "address", "phone", "opening_hours", "about")
SLUG_MAX = 60


def is_valid_phone(text: str) -> bool:
    """A number a resident can call: Dutch (0172 46 59 00, 14 0172, 0800 ...) or with +."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, "NL"))
    except phonenumbers.NumberParseException:
        return False


def update_organisation(
    organisation: Organisation, staff: StaffMember, values: dict[str, str]
) -> None:
    changed = []
    for name in EDITABLE:
        value = (values.get(name) or "").strip()
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed.append(name)
    if changed:
        record_access(staff, organisation, None, "edit_organisation", "admin", ",".join(changed))
    db.session.commit()


class OrganisationRefused(Exception):
    """What is wrong, by field: {'name': 'missing' | 'taken', 'slug': 'taken' | 'invalid',
    'phone': 'invalid'}. The web form and the command line each say it in their words."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


def name_taken(name: str) -> bool:
    """Two organisations with one name would confuse residents (it is all they see)."""
    found = select(Organisation.id).where(func.lower(Organisation.name) == name.strip().lower())
    return db.session.scalar(found.limit(1)) is not None


def _slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None


def slug_from(name: str) -> str:
    """'Voedselbank Rijnstad' -> 'voedselbank-rijnstad'; free: a number added when needed."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[: SLUG_MAX - 4] or "org"
    slug, n = base, 1
    while _slug_taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def add_organisation(
    name: str,
    kind: str,
    *,
    slug: str = "",
    phone: str = "",
    address: str = "",
    hours: str = "",
    about: str = "",
    by: StaffMember | None = None,
) -> Organisation:
    """Check everything first, then add and commit; refused: nothing is written. `by`: the
    platform administrator on the web page (logged), None from the command line."""
    name, slug, phone = name.strip(), slug.strip(), phone.strip()
    problems = {}
    if not name:
        problems["name"] = "missing"
    elif name_taken(name):
        problems["name"] = "taken"
    if slug and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug[:SLUG_MAX]):
        problems["slug"] = "invalid"
    elif slug and _slug_taken(slug):
        problems["slug"] = "taken"
    if phone and not is_valid_phone(phone):
        problems["phone"] = "invalid"
    if problems:
        raise OrganisationRefused(problems)
    organisation = Organisation(
        slug=slug[:SLUG_MAX] or slug_from(name),
        name=name,
        kind=kind.strip() or "anders",
        phone=phone,
        address=address.strip(),
        opening_hours=hours.strip(),
        about=about.strip(),
    )
    db.session.add(organisation)
    db.session.flush()
    if by is not None:
        record_access(by, organisation, None, "add_organisation", "admin", organisation.slug)
    db.session.commit()
    return organisation
