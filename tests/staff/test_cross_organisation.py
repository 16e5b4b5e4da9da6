"""Reading across organisations (app.services.staff_visibility): outside assisted mode, staff
see every item's title, holder, status and dates, but the words of another organisation's
questions and of documents the resident sent it only in assisted mode, where the read is logged.
An upload for the resident names the staff member's own organisation in the timeline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Organisation, Task
from app.services.documents import send_other_document
from app.services.questions import ask_question
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from app.services.uploads import check_file
from tests import files
from tests.html import check_page, text_of
from tests.login import log_in
from tests.staff.conftest import BAKKER, JAN, JANSEN, csrf, dossier_of, login_staff
from tests.staff.test_assisted import access_rows
from tests.summary.conftest import pdf_text

pytestmark = pytest.mark.usefixtures("seeded")

QUESTION = "Mag de deurwaarder mijn auto meenemen als ik de bank niet betaal?"
DESCRIPTION = "Brief van de deurwaarder over beslag op mijn loon"


def _schuldhulp() -> Organisation:
    dossier = dossier_of(JAN)
    return next(o for o in dossier.organisations if o.slug.startswith("schuld"))


@pytest.fixture
def private_items(app: Flask, storage: LocalStorage) -> Organisation:
    """Jan asks Schuldhulpverlening a question and sends it a document nobody asked for."""
    dossier = dossier_of(JAN)
    schuld = _schuldhulp()
    with app.test_request_context():
        ask_question(dossier, schuld, QUESTION, actor=Actor.resident())
        db.session.commit()
        checked, problem = check_file(FileStorage(io.BytesIO(files.pdf()), filename="brief.pdf"))
        assert checked is not None, problem
        send_other_document(
            dossier, schuld, DESCRIPTION, [checked], storage, actor=Actor.resident()
        )
        db.session.commit()
    return schuld


def _page_text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return text_of(check_page(response.data))


def test_other_organisations_see_the_item_but_not_its_words(
    app: Flask, client: FlaskClient, private_items: Organisation, live_server: str
) -> None:
    login_staff(client, JANSEN)  # Gemeente Rijnstad: linked to Jan's dossier, not addressed
    dossier = dossier_of(JAN)
    for url in (
        f"/medewerker/dossier/{dossier.id}",
        f"/medewerker/dossier/{dossier.id}/samenvatting",
    ):
        text = _page_text(client, url)
        assert QUESTION[:30] not in text, url
        assert DESCRIPTION[:30] not in text, url
        # The team still sees that there is something, for whom, and its state.
        assert f"Een vraag van de inwoner aan {private_items.name}" in text, url
        assert f"Een document dat de inwoner naar {private_items.name} stuurde" in text, url
    dossier_page = _page_text(client, f"/medewerker/dossier/{dossier.id}")
    assert f"Vraag aan {private_items.name}" in dossier_page, "the timeline line, without words"


def test_the_addressed_organisation_reads_the_words(
    app: Flask, client: FlaskClient, private_items: Organisation, live_server: str
) -> None:
    login_staff(client, BAKKER)  # Schuldhulpverlening: the items are addressed to it
    dossier = dossier_of(JAN)
    for url in (
        f"/medewerker/dossier/{dossier.id}",
        f"/medewerker/dossier/{dossier.id}/samenvatting",
    ):
        text = _page_text(client, url)
        assert QUESTION[:30] in text, url
        assert DESCRIPTION[:30] in text, url


def test_assisted_mode_shows_what_the_resident_sees_and_logs_it(
    app: Flask, client: FlaskClient, private_items: Organisation, live_server: str
) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(JAN)
    text = _page_text(client, f"/medewerker/dossier/{dossier.id}/meekijken")
    assert QUESTION[:30] in text and DESCRIPTION[:30] in text
    assert ("view_as_resident", "assisted") in access_rows(dossier.id)


def test_an_upload_for_the_resident_names_the_staff_members_own_organisation(
    app: Flask, client: FlaskClient, storage: LocalStorage, live_server: str
) -> None:
    login_staff(client, BAKKER)  # Schuldhulpverlening, uploading into a Gemeente request
    dossier = dossier_of(JAN)
    task = db.session.scalar(
        select(Task).where(Task.dossier_id == dossier.id, Task.title.like("Bankafschrift%"))
    )
    assert task is not None and task.organisation.name == "Gemeente Rijnstad"
    url = f"/medewerker/dossier/{dossier.id}/namens/document/{task.id}"
    response = client.post(
        url,
        data={"csrf_token": csrf(client, url), "files": (io.BytesIO(files.pdf()), "bank.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    resident = app.test_client()
    log_in(resident, JAN)
    timeline = text_of(check_page(resident.get("/tijdlijn").data))
    schuld = _schuldhulp().name
    assert f"Door M. Bakker ({schuld}) voor u" in timeline
    assert "Door M. Bakker (Gemeente Rijnstad)" not in timeline
    staff_view = _page_text(client, f"/medewerker/dossier/{dossier.id}")
    assert f"M. Bakker ({schuld})" in staff_view


def test_the_staff_pdf_shows_no_more_than_the_staff_print_page(
    app: Flask,
    client: FlaskClient,
    private_items: Organisation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The summary PDF a staff member downloads is made for their organisation, like the print
    page: Gemeente staff get the neutral line, Schuldhulpverlening (addressed) the words."""
    # Rendered in the request, whatever this process measured of earlier renders (a slow one
    # would be queued for the worker, which test_cache_and_queue.py covers), in a cache of its own.
    monkeypatch.setitem(app.config, "SUMMARY_INLINE_BUDGET_SECONDS", 3600)
    monkeypatch.setitem(app.config, "SUMMARY_CACHE_DIR", str(tmp_path / "summary-cache"))
    dossier = dossier_of(JAN)
    url = f"/medewerker/dossier/{dossier.id}/samenvatting.pdf"
    login_staff(client, JANSEN)  # Gemeente Rijnstad: linked, not addressed
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert QUESTION[:30] not in text
    assert f"Een vraag van de inwoner aan {private_items.name}" in text
    addressed = client.application.test_client()
    login_staff(addressed, BAKKER)
    response = addressed.get(url)
    assert response.status_code == 200
    assert QUESTION[:30] in pdf_text(response.data, tmp_path)
