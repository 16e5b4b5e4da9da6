"""Pages with personal data are never kept: `Cache-Control: private, no-store` on every page a
logged-in resident or staff member sees (a library PC's disk must not keep someone's dossier)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Question
from app.services.accounts import resident_for_bsn
from tests.htmx_headers import fragment_request
from tests.staff.conftest import VISSER, fresh_rate_limits, login_staff

__all__ = ["fresh_rate_limits"]


def test_every_resident_page_is_no_store(resident_client: FlaskClient) -> None:
    jan = resident_for_bsn(DEMO_RESIDENTS[0].bsn)
    assert jan is not None and jan.dossier is not None
    question = db.session.scalar(select(Question.id).where(Question.dossier_id == jan.dossier.id))
    assert question is not None, "the demo gives Jan a question"
    pages = ["/", "/tijdlijn", "/documenten", "/vragen", f"/vragen/{question}", "/afspraken"]
    for page in [*pages, "/account"]:
        response = resident_client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        assert response.headers["Cache-Control"] == "private, no-store", page


def test_the_live_poll_is_no_store_and_still_answers_304(resident_client: FlaskClient) -> None:
    first = resident_client.get("/")
    soup = BeautifulSoup(first.data, "html.parser")
    tag = soup.select_one("[data-etag]")["data-etag"]
    poll = resident_client.get(
        "/",
        headers={
            **fragment_request("/", target="overzicht"),
            "X-Poll": "1",
            "If-None-Match": f'"{tag}"',
        },
    )
    assert poll.status_code == 304
    assert poll.headers["Cache-Control"] == "private, no-store"


@pytest.mark.usefixtures("seeded")
def test_admin_pages_are_no_store(app: Flask, client: FlaskClient) -> None:
    login_staff(client, VISSER)
    response = client.get("/beheer")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_public_pages_may_still_be_cached(client: FlaskClient) -> None:
    assert "no-store" not in client.get("/toegankelijkheid").headers.get("Cache-Control", "")
