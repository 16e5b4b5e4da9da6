"""Consent for another organisation, told to a staff member by phone or at the desk: recorded
with who, when and how, shown on /account, in the timeline, and withdrawable there; withdrawal
ends the other organisation's access at once. And the caseload search by BSN and phone."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AccessLog, Organisation, TimelineEvent
from app.services.timeline import actor_text
from tests.html import check_form_page, check_page, text_of
from tests.login import log_in
from tests.staff.conftest import (
    DEBOER,
    JAN,
    JANSEN,
    KEES,
    csrf,
    dossier_of,
    login_staff,
    resident_of,
    staff,
)

pytestmark = pytest.mark.usefixtures("seeded")


def link_url(bsn: str) -> str:
    return f"/medewerker/dossier/{dossier_of(bsn).id}/organisatie-koppelen"


def woning_id() -> int:
    org_id = db.session.scalar(
        select(Organisation.id).where(Organisation.slug == "groene-hart-wonen")
    )
    assert org_id is not None
    return org_id


def test_consent_by_phone_is_recorded_shown_and_withdrawn(app: Flask, client: FlaskClient) -> None:
    jan = dossier_of(JAN)
    other = app.test_client()
    login_staff(other, DEBOER)  # Groene Hart Wonen: no access to Jan's dossier yet
    assert other.get(f"/medewerker/dossier/{jan.id}").status_code == 404

    login_staff(client, JANSEN)
    page = client.get(link_url(JAN))
    soup = check_form_page(app, page.data, error=False)
    options = [o.get_text() for o in soup.select("select#organisation option")]
    assert options == ["Groene Hart Wonen"]  # only organisations not linked yet
    response = client.post(
        link_url(JAN),
        data={
            "csrf_token": csrf(client, link_url(JAN)),
            "organisation": str(woning_id()),
            "channel": "phone",
            "agreed": "y",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    link = next(x for x in dossier_of(JAN).links if x.organisation_id == woning_id())
    assert link.revoked_at is None
    assert link.consent_channel == "phone" and link.consent_staff_id == staff(JANSEN).id
    event = db.session.scalar(
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == jan.id)
        .order_by(TimelineEvent.id.desc())
        .limit(1)
    )
    assert event is not None and event.kind == "organisation_linked_by_phone"
    with app.test_request_context():
        assert "P. Jansen" in actor_text(event)
    assert db.session.scalar(
        select(AccessLog.id).where(
            AccessLog.dossier_id == jan.id, AccessLog.action == "link_organisation"
        )
    )
    # The other organisation has access now.
    assert other.get(f"/medewerker/dossier/{jan.id}").status_code == 200

    # The resident sees who, when and how, and withdraws it.
    resident = app.test_client()
    log_in(resident, JAN)
    soup = check_page(resident.get("/account").data)
    section = soup.select_one("#organisaties")
    assert section is not None
    item = next(li for li in soup.select("section li") if "Groene Hart Wonen" in text_of(li))
    assert "P. Jansen" in text_of(item)
    form = item.select_one("form[method=post]")
    assert form is not None
    token = str(soup.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    withdrawn = resident.post(str(form["action"]), data={"csrf_token": token})
    assert withdrawn.status_code == 303
    # Access ends at once.
    assert other.get(f"/medewerker/dossier/{jan.id}").status_code == 404
    db.session.expire_all()
    again = next(x for x in dossier_of(JAN).links if x.organisation_id == woning_id())
    assert again.revoked_at is not None


def test_consent_needs_the_box_ticked(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    response = client.post(
        link_url(JAN),
        data={
            "csrf_token": csrf(client, link_url(JAN)),
            "organisation": str(woning_id()),
            "channel": "desk",
        },
    )
    assert response.status_code == 200
    soup = check_form_page(app, response.data, error=True)
    assert soup.select_one("#agreed-error")
    assert soup.select_one("input#channel-1[checked]")
    db.session.expire_all()
    assert woning_id() not in {
        x.organisation_id for x in dossier_of(JAN).links if x.revoked_at is None
    }


def test_a_forged_organisation_is_an_error_not_a_500(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    response = client.post(
        link_url(JAN),
        data={
            "csrf_token": csrf(client, link_url(JAN)),
            "organisation": "999999",
            "channel": "desk",
            "agreed": "y",
        },
    )
    assert response.status_code == 200
    check_form_page(app, response.data, error=True)


def test_rights_on_the_consent_route(client: FlaskClient) -> None:
    login_staff(client, DEBOER)
    assert client.get(link_url(JAN)).status_code == 404  # other organisation's dossier
    log_in(client, JAN)
    assert client.get(link_url(JAN)).status_code == 403  # a resident


def test_search_by_bsn_is_exact_and_stays_out_of_the_log(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    soup = check_page(client.get("/medewerker?zoek=9999.93.653").data)
    names = [a.get_text() for a in soup.select("ul.caseload .what a")]
    assert names == ["Jan de Vries"]
    # A BSN of a dossier the gemeente cannot see finds nothing.
    soup = check_page(client.get(f"/medewerker?zoek={KEES}").data)
    assert not soup.select("ul.caseload li")
    details = db.session.scalars(
        select(AccessLog.detail).where(AccessLog.action == "view_caseload")
    ).all()
    assert details and not any("9999" in d or KEES in d for d in details)


def test_search_by_phone(client: FlaskClient) -> None:
    resident = resident_of(JAN)
    resident.phone = "+31687654321"
    db.session.commit()
    login_staff(client, JANSEN)
    soup = check_page(client.get("/medewerker?zoek=06-87 65 43 21").data)
    names = [a.get_text() for a in soup.select("ul.caseload .what a")]
    assert names == ["Jan de Vries"]
