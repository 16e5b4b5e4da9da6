"""Questions from the staff side: answer a resident's question, ask one for the resident."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AccessLog
from app.services import questions
from app.services.timeline import Actor
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import BAKKER, JAN, JANSEN, csrf, dossier_of, login_staff

pytestmark = pytest.mark.usefixtures("seeded")


def ask(bsn: str, slug: str, text: str):  # type: ignore[no-untyped-def]
    from flask import current_app

    dossier = dossier_of(bsn)
    organisation = next(o for o in dossier.organisations if o.slug == slug)
    with current_app.test_request_context():
        return questions.ask_question(dossier, organisation, text, actor=Actor.resident())


def actions(dossier_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AccessLog.action).where(AccessLog.dossier_id == dossier_id))
    )


def test_answer_a_question(app: Flask, client: FlaskClient, live_server: str) -> None:
    question = ask(JAN, "gemeente-rijnstad", "Wanneer krijg ik bericht over mijn huur?")
    login_staff(client, JANSEN)
    dossier_page = check_page(client.get(f"/medewerker/dossier/{question.dossier_id}").data)
    link = dossier_page.select_one(f'a[href$="/vraag/{question.id}"]')
    assert link is not None
    url = str(link["href"])
    page = check_page(client.get(url).data)
    assert "Wanneer krijg ik bericht" in text_of(page)
    empty = client.post(url, data={"csrf_token": csrf(client, url), "text": ""})
    assert empty.status_code == 200
    response = client.post(
        url, data={"csrf_token": csrf(client, url), "text": "Volgende week hoort u van ons."}
    )
    assert response.status_code == 303
    assert "answer_question" in actions(question.dossier_id)
    resident = app.test_client()
    log_in(resident, JAN)
    assert "P. Jansen" in text_of(check_page(resident.get("/tijdlijn").data))


def test_questions_of_another_organisation_are_not_answerable(client: FlaskClient) -> None:
    question = ask(JAN, "schuldhulp-rijnstreek", "Een vraag voor de schuldhulp")
    login_staff(client, JANSEN)
    url = f"/medewerker/dossier/{question.dossier_id}/vraag/{question.id}"
    assert client.get(url).status_code == 404


def test_ask_a_question_for_the_resident(app: Flask, client: FlaskClient, live_server: str) -> None:
    login_staff(client, BAKKER)
    dossier = dossier_of(JAN)
    url = f"/medewerker/dossier/{dossier.id}/namens/vraag"
    check_page(client.get(url).data)
    schuld = next(o for o in dossier.organisations if o.slug == "schuldhulp-rijnstreek")
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "organisation": schuld.id,
            "text": "Kan de betalingsregeling lager?",
        },
    )
    assert response.status_code == 303
    assert "ask_for_resident" in actions(dossier.id)
    resident = app.test_client()
    log_in(resident, JAN)
    label = nl(
        app,
        "By %(name)s (%(organisation)s) for you",
        name="M. Bakker",
        organisation="Schuldhulpverlening Rijnstreek",
    )
    assert label in text_of(check_page(resident.get("/tijdlijn").data))
