"""Assisted mode: look along ('meekijken'), act for the resident ('namens'), print the summary.
The resident's timeline says 'by <staff> (<organisation>) for you'."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AccessLog, TimelineEvent
from app.services.storage import LocalStorage
from tests import files
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import JAN, JANSEN, csrf, dossier_of, login_staff, upload_for_url

pytestmark = pytest.mark.usefixtures("seeded")


def access_rows(dossier_id: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [
        (r.action, r.why)
        for r in db.session.scalars(
            select(AccessLog).where(AccessLog.dossier_id == dossier_id).order_by(AccessLog.id)
        )
    ]


def resident_timeline_text(app: Flask) -> str:
    resident = app.test_client()
    log_in(resident, JAN)
    return text_of(check_page(resident.get("/tijdlijn").data))


def test_look_along_shows_the_residents_own_overview(
    app: Flask, client: FlaskClient, live_server: str
) -> None:
    resident = app.test_client()
    log_in(resident, JAN)
    own = check_page(resident.get("/").data)
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    response = client.get(f"/medewerker/dossier/{dossier.id}/meekijken")
    soup = check_page(response.data)
    assert soup.select_one(".large-print")
    # The same overview, word for word: light, to-do list, news.
    for section in ("#stoplicht-kop", "#voor-u", "#voor-org"):
        assert own.select_one(section) is not None
        assert soup.select_one(section) is not None
    assert text_of(own.select_one("#overzicht .summary")) == text_of(  # type: ignore[arg-type]
        soup.select_one("#overzicht .summary")  # type: ignore[arg-type]
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert access_rows(dossier.id) == [("view_as_resident", "assisted")]


def test_upload_for_the_resident(
    app: Flask, client: FlaskClient, storage: LocalStorage, live_server: str
) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    url = upload_for_url(JAN, "Bankafschrift")
    check_page(client.get(url).data)
    response = client.post(
        url,
        data={"csrf_token": csrf(client, url), "files": (io.BytesIO(files.pdf()), "afschrift.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.expire_all()
    event = db.session.scalar(
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == dossier.id)
        .order_by(TimelineEvent.id.desc())
        .limit(1)
    )
    assert event is not None and event.on_behalf_of_resident
    assert ("upload_for_resident", "assisted") in access_rows(dossier.id)
    label = nl(
        app,
        "By %(name)s (%(organisation)s) for you",
        name="P. Jansen",
        organisation="Gemeente Rijnstad",
    )
    assert label in resident_timeline_text(app)


def test_book_an_appointment_for_the_resident(
    app: Flask, client: FlaskClient, live_server: str
) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    url = f"/medewerker/dossier/{dossier.id}/namens/afspraak"
    page = check_page(client.get(url).data)
    slot = page.select_one("input[name=slot]")
    assert slot is not None
    response = client.post(
        url,
        data={"csrf_token": csrf(client, url), "slot": slot["value"], "topic": "money"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert ("book_for_resident", "assisted") in access_rows(dossier.id)
    label = nl(
        app,
        "By %(name)s (%(organisation)s) for you",
        name="P. Jansen",
        organisation="Gemeente Rijnstad",
    )
    assert label in resident_timeline_text(app)


def test_print_summary_and_pdf_are_logged(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    page = client.get(f"/medewerker/dossier/{dossier.id}/samenvatting")
    soup = check_page(page.data)
    assert "Jan de Vries" in text_of(soup)
    pdf = client.get(f"/medewerker/dossier/{dossier.id}/samenvatting.pdf")
    if pdf.status_code == 200:
        assert pdf.data.startswith(b"%PDF")
    else:
        assert pdf.status_code == 303
    rows = access_rows(dossier.id)
    assert rows[0] == ("print_summary", "print")
    assert rows[1] == ("print_summary", "print")
    assert len(rows) == 2


def test_look_along_links_lead_to_the_staff_pages(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    soup = check_page(client.get(f"/medewerker/dossier/{dossier.id}/meekijken").data)
    links = [str(a["href"]) for a in soup.select("#overzicht a[href]")]
    assert links
    for href in links:
        assert href.startswith(f"/medewerker/dossier/{dossier.id}"), href
        assert client.get(href).status_code in (200, 303), href
