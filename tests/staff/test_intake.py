"""Intake: staff register a resident (/medewerker/inwoner/nieuw). The BSN is checked with the
11-proef and stored only as a keyed hash and an encrypted copy; a known BSN never gives a second
resident, and says nothing about which other organisation has the dossier."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.demo import DEMO_BSN_WITHOUT_DOSSIER
from app.extensions import db
from app.models import AccessLog, ActorType, Resident, TimelineEvent
from app.services.accounts import resident_for_bsn
from app.services.bsn import reveal_bsn
from app.services.timeline import actor_text, event_text
from tests.digid import login_as
from tests.html import check_form_page, check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import JAN, JANSEN, KEES, csrf, dossier_of, login_staff, staff

pytestmark = pytest.mark.usefixtures("seeded")

URL = "/medewerker/inwoner/nieuw"
NEW_BSN = "123456782"  # passes the 11-proef, not in the demo data


def form_data(client: FlaskClient, **changes: str) -> dict[str, str]:
    data = {
        "csrf_token": csrf(client, URL),
        "bsn": NEW_BSN,
        "first_name": "Karel",
        "initials": "K.",
        "last_name": "van Dam",
        "date_of_birth": "1961-04-12",
        "phone": "06-12 34 56 78",
        "email": "karel@example.nl",
        "language": "nl",
        "channel": "desk",
    }
    data.update(changes)
    return data


def resident_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Resident.id))) or 0


def test_the_caseload_links_to_the_form(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    soup = check_page(client.get("/medewerker").data)
    assert soup.select_one(f'main a[href="{URL}"]')
    page = client.get(URL)
    assert page.status_code == 200
    form = check_form_page(app, page.data, error=False)
    assert form.select_one("form[method=post] input[name=csrf_token]")
    assert form.select_one("label[for=bsn]") and form.select_one("input#bsn")


def test_a_new_resident_is_registered(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    before = resident_count()
    response = client.post(URL, data=form_data(client))
    assert response.status_code == 303
    resident = resident_for_bsn(NEW_BSN)
    assert resident is not None and resident.dossier is not None
    assert resident_count() == before + 1
    # Stored as elsewhere: keyed hash and encrypted copy, never the BSN in a column.
    assert resident.bsn_hash != NEW_BSN and NEW_BSN not in resident.bsn_hash
    assert reveal_bsn(resident.bsn_encrypted) == NEW_BSN
    assert resident.phone == "+31612345678"
    assert resident.email == "karel@example.nl"
    dossier = resident.dossier
    assert response.headers["Location"].endswith(f"/medewerker/dossier/{dossier.id}")
    # Linked to the staff member's organisation, with the consent told at the desk.
    [link] = dossier.links
    assert link.organisation.slug == "gemeente-rijnstad"
    assert link.consent_channel == "desk" and link.consent_staff_id == staff(JANSEN).id
    # The timeline says who did it.
    events = db.session.scalars(
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == dossier.id)
        .order_by(TimelineEvent.id)
    ).all()
    assert [e.kind for e in events] == ["dossier_opened", "organisation_linked_at_desk"]
    with app.test_request_context():
        assert all(e.actor_type is ActorType.STAFF for e in events)
        assert "P. Jansen" in actor_text(events[0])
        assert "Gemeente Rijnstad" in event_text(events[1])
    assert db.session.scalar(
        select(AccessLog.id).where(
            AccessLog.dossier_id == dossier.id, AccessLog.action == "register_resident"
        )
    )
    # The dossier page shows how to reach the resident.
    page = client.get(response.headers["Location"])
    text = text_of(check_page(page.data))
    assert "Karel van Dam" in text and "06 12345678" in text and "karel@example.nl" in text
    assert NEW_BSN not in text


@pytest.mark.parametrize("bad", ["123456789", "12345678", "abcdefghi", "000000000"])
def test_a_bad_bsn_is_refused_and_nothing_typed_is_lost(
    app: Flask, client: FlaskClient, bad: str
) -> None:
    login_staff(client, JANSEN)
    before = resident_count()
    response = client.post(URL, data=form_data(client, bsn=bad))
    assert response.status_code == 200
    soup = check_form_page(app, response.data, error=True)
    field = soup.select_one("input#bsn")
    assert field is not None and field["value"] == bad
    assert "bsn-error" in str(field.get("aria-describedby"))
    assert soup.select_one("#bsn-error")
    assert soup.select_one("input#first_name")["value"] == "Karel"  # type: ignore[index]
    assert soup.select_one("input#phone")["value"] == "06-12 34 56 78"  # type: ignore[index]
    assert soup.select_one("input#channel-1[checked]")  # desk, still chosen
    assert resident_count() == before


def test_missing_fields_and_a_bad_phone_are_tied_to_their_fields(
    app: Flask, client: FlaskClient
) -> None:
    login_staff(client, JANSEN)
    response = client.post(
        URL, data=form_data(client, first_name="", phone="12", email="geen-adres", channel="")
    )
    soup = check_form_page(app, response.data, error=True)
    for name in ("first_name", "phone", "email"):
        assert soup.select_one(f"#{name}-error"), name
    assert soup.select_one("#channel-error")
    assert soup.select_one("input#last_name")["value"] == "van Dam"  # type: ignore[index]
    assert resident_for_bsn(NEW_BSN) is None


def test_a_known_bsn_offers_the_dossier_and_makes_no_duplicate(
    app: Flask, client: FlaskClient
) -> None:
    login_staff(client, JANSEN)
    before = resident_count()
    jan = dossier_of(JAN)
    links_before = len(jan.links)
    response = client.post(URL, data=form_data(client, bsn=JAN))
    assert response.status_code == 200
    soup = check_form_page(app, response.data, error=True)
    assert soup.select_one("#bsn-error")
    assert soup.select_one(f'main a[href="/medewerker/dossier/{jan.id}"]')
    assert resident_count() == before
    db.session.expire_all()
    assert len(dossier_of(JAN).links) == links_before


def test_a_bsn_in_another_organisations_dossier_leaks_nothing(
    app: Flask, client: FlaskClient
) -> None:
    # Kees Bakker's dossier is linked to Schuldhulpverlening only, not to the gemeente.
    login_staff(client, JANSEN)
    kees = dossier_of(KEES)
    before = resident_count()
    response = client.post(URL, data=form_data(client, bsn=KEES))
    assert response.status_code == 200
    soup = check_form_page(app, response.data, error=True)
    text = text_of(soup)
    assert soup.select_one("#bsn-error")
    assert "Schuldhulpverlening" not in text and "Kees" not in text
    assert not soup.select_one(f'a[href="/medewerker/dossier/{kees.id}"]')
    assert resident_count() == before
    db.session.expire_all()
    assert {link.organisation.slug for link in dossier_of(KEES).links} == {"schuldhulp-rijnstreek"}
    # The same answer as for any known BSN the gemeente cannot see: no hint whose it is.
    assert nl(app, "This BSN is registered already. No new dossier was made.") in text


def test_rights_resident_403_and_csrf(client: FlaskClient) -> None:
    assert client.get(URL).status_code == 302  # not logged in: to the staff login
    log_in(client, JAN)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"bsn": NEW_BSN}).status_code in (400, 403)


def test_a_post_without_csrf_is_refused(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    data = form_data(client)
    del data["csrf_token"]
    assert client.post(URL, data=data).status_code == 400
    assert resident_for_bsn(NEW_BSN) is None


def test_the_registered_resident_logs_in_with_digid(client: FlaskClient, live_server: str) -> None:
    # Before: DigiD works, but there is no dossier; the page says how to get one.
    page = login_as(client, DEMO_BSN_WITHOUT_DOSSIER)
    text = text_of(check_page(page.data))
    assert "14 0172" in text
    staff_client = client.application.test_client()
    login_staff(staff_client, JANSEN)
    staff_client.post(
        URL, data=form_data(staff_client, bsn=DEMO_BSN_WITHOUT_DOSSIER, first_name="Nieuw")
    )
    assert resident_for_bsn(DEMO_BSN_WITHOUT_DOSSIER) is not None
    response = login_as(client, DEMO_BSN_WITHOUT_DOSSIER)
    assert response.status_code == 200 and response.request.path == "/"
    assert "van Dam" in text_of(check_page(response.get_data()))
