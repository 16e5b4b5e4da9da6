"""The caseload in the staff's words: 'Wacht op ons / op inwoner / Klaar', flags and counts for
what needs this organisation now (uploads to check, questions to answer, late items), our own
work first."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.services.questions import ask_question
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.staff.conftest import (
    BAKKER,
    JAN,
    JANSEN,
    KEES,
    dossier_of,
    login_staff,
    received_document,
)

pytestmark = pytest.mark.usefixtures("seeded")


def rows(client: FlaskClient, query: str = "") -> dict[str, str]:
    soup = check_page(client.get(f"/medewerker{query}").data)
    return {text_of(li.select_one(".what")): text_of(li) for li in soup.select(".caseload > li")}


def test_flags_counts_and_own_work_first(
    app: Flask, client: FlaskClient, storage: LocalStorage
) -> None:
    received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)  # for schuldhulp
    kees = dossier_of(KEES)
    schuld = next(o for o in kees.organisations if o.slug == "schuldhulp-rijnstreek")
    with app.test_request_context():
        ask_question(
            kees, schuld, "Wanneer hoor ik iets over mijn regeling?", actor=Actor.resident()
        )
    db.session.commit()

    login_staff(client, BAKKER)
    soup = check_page(client.get("/medewerker").data)
    shown = rows(client)
    assert nl(app, "%(num)d upload to check", num=1) in shown["Jan de Vries"]
    assert nl(app, "%(num)d question to answer", num=1) in shown["Kees Bakker"]
    assert nl(app, "Waiting for us") in shown["Jan de Vries"]
    assert nl(app, "Waiting for us") in shown["Kees Bakker"]
    totals = text_of(soup.select_one(".caseload-totals"))  # type: ignore[arg-type]
    assert nl(app, "For your organisation now:") in totals
    # Our work comes first: every dossier that waits for us comes before every other one.
    ours_flags = [nl(app, "Waiting for us") in line for line in shown.values()]
    assert ours_flags == sorted(ours_flags, reverse=True)
    ours = rows(client, "?wacht=ons")
    assert {"Jan de Vries", "Kees Bakker"} <= set(ours)
    assert all(nl(app, "Waiting for us") in line for line in ours.values())

    # The gemeente does not check schuldhulp's uploads: no flag for it on Jan.
    gemeente = app.test_client()
    login_staff(gemeente, JANSEN)
    jan_for_gemeente = rows(gemeente)["Jan de Vries"]
    assert "upload" not in jan_for_gemeente and "controleren" not in jan_for_gemeente


def test_filters_in_staff_words(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    page = check_page(client.get("/medewerker").data)
    labels = [o.get_text() for o in page.select("select#wacht option")]
    assert labels[1:] == [
        nl(app, "Waiting for the resident"),
        nl(app, "Waiting for us"),
        nl(app, "Finished"),
    ]
    assert set(rows(client, "?wacht=klaar")) == {"Sanne Jansen"}
    waiting_for_resident = rows(client, "?wacht=inwoner")
    assert "Sanne Jansen" not in waiting_for_resident and "Fatima el Amrani" in waiting_for_resident
    # The gemeente has an item of its own open for Jan.
    assert "Jan de Vries" in rows(client, "?wacht=ons")
    assert nl(app, "Waiting for us") in rows(client)["Jan de Vries"]
