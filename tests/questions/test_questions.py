"""Questions: service rules and the real pages after a DigiD login (with and without htmx)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Question, StaffMember, TaskStatus
from app.services.accounts import resident_for_bsn
from app.services.overview import open_tasks
from app.services.questions import QuestionError, answer_question, ask_question
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from app.services.traffic_light import Light, light_for
from tests import files
from tests.html import check_page, text_of
from tests.htmx_headers import boosted_request
from tests.i18n import nl
from tests.login import log_in

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)


def dossier(bsn: str):  # type: ignore[no-untyped-def]
    resident = resident_for_bsn(bsn)
    assert resident is not None and resident.dossier is not None
    return resident.dossier


def bakker() -> StaffMember:
    found = db.session.scalar(select(StaffMember).where(StaffMember.name == "M. Bakker"))
    assert found is not None
    return found


@pytest.fixture
def storage(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalStorage:
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    return LocalStorage(tmp_path / "uploads")


def test_asking_and_answering_moves_the_light(app: Flask, seeded: None) -> None:
    kees = dossier(ORANGE)
    sanne = dossier(GREEN)
    org = sanne.organisations[0]
    with app.test_request_context():
        question = ask_question(sanne, org, "  Wanneer krijg ik bericht?  ", actor=Actor.resident())
    assert question.subject == "Wanneer krijg ik bericht?"
    assert light_for(open_tasks(sanne), clock.today()).light is Light.ORANGE
    with app.test_request_context():
        answer_question(question, bakker(), "Binnen twee weken.")
    assert question.task is not None and question.task.status is TaskStatus.DONE
    assert question.unread == 1
    assert light_for(open_tasks(sanne), clock.today()).light is Light.GREEN
    with app.test_request_context(), pytest.raises(QuestionError):
        ask_question(sanne, kees.organisations[0], "Vraag", actor=Actor.resident())
    with app.test_request_context(), pytest.raises(QuestionError):
        ask_question(sanne, org, "   ", actor=Actor.resident())


@pytest.fixture
def jan(
    app: Flask, seeded: None, live_server: str, client: FlaskClient, storage: LocalStorage
) -> FlaskClient:
    log_in(client, RED)
    return client


def csrf(client: FlaskClient, url: str) -> str:
    soup = BeautifulSoup(client.get(url).data, "html.parser")
    return str(soup.select_one("main form input[name=csrf_token]")["value"])


def ask(client: FlaskClient, headers: dict[str, str] | None = None, attachment=None, **fields):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf(client, "/vragen/stellen"), "about": "0", **fields}
    if attachment:
        data["attachment"] = (io.BytesIO(attachment[0]), attachment[1])
    return client.post(
        "/vragen/stellen", data=data, content_type="multipart/form-data", headers=headers or {}
    )


def error_page(app: Flask, html: bytes, *fields: str) -> BeautifulSoup:
    soup = check_page(html)
    assert soup.title.get_text().startswith(nl(app, "Error") + ": ")
    for field in fields:
        assert soup.select_one(f".error-summary a[href='#{field}']"), field
        assert soup.select_one(f"#{field}-error .visually-hidden"), field
        assert f"{field}-error" in soup.select_one(f"#{field}")["aria-describedby"]
    return soup


def org_id(client: FlaskClient) -> str:
    page = check_page(client.get("/vragen/stellen").data)
    return str(page.select("#organisation option")[1]["value"])


@pytest.mark.parametrize("htmx", [False, True])
def test_ask_with_a_file_then_see_the_answer_flagged_until_read(
    app: Flask, jan: FlaskClient, storage: LocalStorage, htmx: bool
) -> None:
    headers = boosted_request("/vragen/stellen") if htmx else {}
    response = ask(
        jan,
        headers,
        attachment=(files.pdf(), "brief.pdf"),
        organisation=org_id(jan),
        text="Wat moet ik doen met deze brief?",
    )
    assert response.status_code == 303
    thread_url = response.headers["Location"]
    soup = check_page(jan.get(thread_url).data)
    assert "Wat moet ik doen met deze brief?" in text_of(soup.select_one("main ol"))
    assert soup.select_one("main ol a[href^='/documenten/bestand/']")
    assert len(storage.stored_keys()) == 1
    question = db.session.scalar(select(Question).order_by(Question.id.desc()))
    assert question is not None
    with app.test_request_context():
        answer_question(question, bakker(), "Stuur hem naar ons door.")

    def listed() -> str:
        listing = check_page(jan.get("/vragen").data)
        return text_of(listing.select_one(f"a[href='{thread_url}']").find_parent("li"))

    assert nl(app, "New answer") in listed()
    first_view = check_page(jan.get(thread_url).data)
    assert first_view.select_one(".message-staff .new"), "flagged on the first view"
    again = check_page(jan.get(thread_url).data)
    assert again.select_one(".message-staff .new") is None
    assert nl(app, "New answer") not in listed()
    boosted = check_page(jan.get("/vragen", headers=boosted_request(thread_url)).data)
    assert boosted.select_one(f"main a[href='{thread_url}']"), "the whole page, with the list"


def test_bad_input_gets_messages_beside_the_fields(
    app: Flask, jan: FlaskClient, storage: LocalStorage
) -> None:
    before = db.session.scalar(select(func.count(Question.id)))
    soup = error_page(app, ask(jan, organisation="0", text="").data, "organisation", "text")
    soup = error_page(app, ask(jan, organisation="999999", text="Vraag").data, "organisation")
    assert soup.select_one("#text").get_text().strip() == "Vraag", "what was typed is kept"
    long_text = "x" * 2001
    soup = error_page(app, ask(jan, organisation=org_id(jan), text=long_text).data, "text")
    assert soup.select_one("#text").get_text().strip() == long_text
    soup = error_page(
        app,
        ask(
            jan, attachment=(b"not a pdf", "a.pdf"), organisation=org_id(jan), text="Met bijlage"
        ).data,
        "attachment",
    )
    assert soup.select_one("#text").get_text().strip() == "Met bijlage"
    soup = error_page(
        app, ask(jan, organisation=org_id(jan), text="Over", about="999999").data, "about"
    )
    boosted = ask(jan, boosted_request("/vragen/stellen"), organisation="0", text="")
    error_page(app, boosted.data, "organisation", "text")  # the whole page, errors and all
    assert db.session.scalar(select(func.count(Question.id))) == before
    assert storage.stored_keys() == []


def test_follow_up_reopens_the_question(app: Flask, jan: FlaskClient) -> None:
    question = db.session.scalar(select(Question))  # the seed's answered question for Jan
    assert question is not None and question.task is not None
    url = f"/vragen/{question.id}"
    response = jan.post(
        url,
        data={"csrf_token": csrf(jan, url), "text": "Dank u. Nog een vraag."},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert question.status.value == "waiting" and question.task.is_open
    empty = jan.post(
        url, data={"csrf_token": csrf(jan, url), "text": " "}, content_type="multipart/form-data"
    )
    error_page(app, empty.data, "text")


def test_another_resident_gets_404(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    question = db.session.scalar(select(Question))  # Jan's
    assert question is not None
    log_in(client, GREEN)
    assert client.get(f"/vragen/{question.id}").status_code == 404
    token = csrf(client, "/vragen/stellen")
    response = client.post(f"/vragen/{question.id}", data={"csrf_token": token, "text": "Hoi"})
    assert response.status_code == 404
    assert question.subject not in text_of(check_page(client.get("/vragen").data))
