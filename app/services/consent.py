"""The resident's consent: which organisations may work on (and see) the dossier.

Linking records the consent time; revoking ends every staff right of that organisation at once
(app.services.access_log.dossier_for_staff only counts links without revoked_at). Both land in
the timeline.
"""

from __future__ import annotations

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Dossier, DossierOrganisation, Organisation
from app.services.timeline import Actor, record_event


def active_links(dossier: Dossier) -> list[DossierOrganisation]:
    links = [link for link in dossier.links if link.revoked_at is None]
    return sorted(links, key=lambda link: link.organisation.name)


def available_organisations(dossier: Dossier) -> list[Organisation]:
    linked = {link.organisation_id for link in active_links(dossier)}
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [o for o in orgs if o.id not in linked]


def link_organisation(dossier: Dossier, organisation: Organisation) -> DossierOrganisation:
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
    record_event(
        dossier, "organisation_linked", Actor.resident(), organisation=organisation, at=now
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
