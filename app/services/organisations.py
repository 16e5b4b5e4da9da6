"""Organisations: what a beheerder may change about their own organisation, and adding one
(the platform administrator, `flask add-organisation`)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, StaffMember
from app.services.access_log import record_access

# The fields a beheerder edits; residents see them on their pages, in reminders and the summary.
EDITABLE = ("name", "address", "phone", "opening_hours", "about")


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


class OrganisationExists(Exception):
    pass


def add_organisation(
    slug: str, name: str, kind: str, *, phone: str = "", address: str = "", hours: str = ""
) -> Organisation:
    if db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise OrganisationExists(slug)
    organisation = Organisation(
        slug=slug, name=name, kind=kind, phone=phone, address=address, opening_hours=hours
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation
