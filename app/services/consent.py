"""The resident's consent: which organisations may work on (and see) the dossier.

Linking records the consent: when, how (the resident in the portal, or told to a staff member by
phone or at the desk) and, for phone and desk, which staff member answers for it. Revoking ends
every staff right of that organisation at once (app.services.access_log.dossier_for_staff only
counts links without revoked_at). Both land in the timeline.
"""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Dossier, DossierOrganisation, Organisation, StaffMember
from app.services.access_log import record_access
from app.services.timeline import Actor, record_event

# How a resident can agree: themselves in the portal, or told to a staff member; 'import': the
# organisation helped the resident before go-live and brought the file along (flask
# import-residents).
CONSENT_CHANNELS = ("portal", "phone", "desk", "import")
STAFF_CHANNELS = ("phone", "desk")
# The timeline line per channel (the staff member is named as the actor of the line).
LINK_EVENTS = {
    "portal": "organisation_linked",
    "phone": "organisation_linked_by_phone",
    "desk": "organisation_linked_at_desk",
    "import": "organisation_linked",
}


def active_links(dossier: Dossier) -> list[DossierOrganisation]:
    links = [link for link in dossier.links if link.revoked_at is None]
    return sorted(links, key=lambda link: link.organisation.name)


def available_organisations(dossier: Dossier) -> list[Organisation]:
    linked = {link.organisation_id for link in active_links(dossier)}
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [o for o in orgs if o.id not in linked]


def add_link(
    dossier: Dossier,
    organisation: Organisation,
    *,
    channel: str = "portal",
    staff: StaffMember | None = None,
    acting: Organisation | None = None,
) -> DossierOrganisation:
    """Record the consent and its timeline line (the caller commits). Phone and desk consent
    need the staff member who heard it, and the organisation they work for."""
    if channel not in CONSENT_CHANNELS:
        raise ValueError(f"unknown consent channel {channel!r}")
    if channel in STAFF_CHANNELS and (staff is None or acting is None):
        raise ValueError("consent by phone or at the desk needs the staff member")
    now = clock.now()
    link = next((x for x in dossier.links if x.organisation_id == organisation.id), None)
    if link is None:
        link = DossierOrganisation(dossier=dossier, organisation=organisation, consent_at=now)
        db.session.add(link)
    elif link.revoked_at is None:
        return link
    else:
        link.consent_at = now
        link.revoked_at = None
    link.consent_channel = channel
    link.consent_staff = staff if channel in STAFF_CHANNELS else None
    if channel in STAFF_CHANNELS and staff is not None and acting is not None:
        who = Actor.staff_member(staff, acting)
    elif channel == "import":
        who = Actor.system(organisation)
    else:
        who = Actor.resident()
    record_event(dossier, LINK_EVENTS[channel], who, organisation=organisation, at=now)
    return link


def link_organisation(dossier: Dossier, organisation: Organisation) -> DossierOrganisation:
    """The resident gives access themselves (on /account)."""
    link = add_link(dossier, organisation)
    db.session.commit()
    return link


def link_for_resident(
    dossier: Dossier,
    organisation: Organisation,
    *,
    channel: str,
    staff: StaffMember,
    acting: Organisation,
) -> DossierOrganisation:
    """A staff member records the resident's consent given by phone or at the desk."""
    link = add_link(dossier, organisation, channel=channel, staff=staff, acting=acting)
    record_access(
        staff, acting, dossier, "link_organisation", "casework", f"organisation {organisation.id}"
    )
    db.session.commit()
    return link


def revoke_link(dossier: Dossier, link_id: int) -> bool:
    link = next((x for x in dossier.links if x.id == link_id and x.revoked_at is None), None)
    if link is None:
        return False
    now = clock.now()
    link.revoked_at = now
    record_event(
        dossier, "organisation_unlinked", Actor.resident(), organisation=link.organisation, at=now
    )
    db.session.commit()
    return True
