"""The print view, the PDF download and the polling page, logged in through the real DigiD flow."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from rq.serializers import JSONSerializer

from app import clock
from app.demo import DEMO_RESIDENTS
from app.models import Channel
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request
from tests.login import log_in
from tests.summary.conftest import book

JAN, FATIMA = DEMO_RESIDENTS[0].bsn, DEMO_RESIDENTS[1].bsn


@pytest.fixture
def as_resident(app: Flask, seeded: None, live_server: str, client: FlaskClient):  # type: ignore[no-untyped-def]
    def login(bsn: str) -> FlaskClient:
        log_in(client, bsn)
        return client

    return login


def test_overview_links_to_the_summary(as_resident) -> None:  # type: ignore[no-untyped-def]
    soup = check_page(as_resident(JAN).get("/").data)
    hrefs = [a["href"] for a in soup.select(".print-links a")]
    assert hrefs == ["/overzicht/print", "/overzicht.pdf"]


def test_print_view(as_resident) -> None:  # type: ignore[no-untyped-def]
    response = as_resident(JAN).get("/overzicht/print")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    soup = check_page(response.data)
    assert "Jan de Vries" in text_of(soup.h1)
    assert soup.select_one('link[href^="/static/css/print.css"]') is not None
    lit = soup.select("ol.print-light li.on")
    assert len(lit) == 1 and "print-light-red" in lit[0]["class"]
    text = text_of(soup)
    assert "Uitkeringsspecificatie van oktober sturen" in text
    assert "Uw huurcontract bekijken" in text
    assert "maandag tot en met vrijdag, 9.00 tot 17.00 uur" in text
    assert str(clock.today().year) in text_of(soup.select_one(".made"))
    assert soup.select_one('form[method=get][action="/overzicht.pdf"]') is not None
    assert "Fatima" not in text


def test_print_view_lists_a_booked_appointment(as_resident) -> None:  # type: ignore[no-untyped-def]
    booked = book(JAN, Channel.DESK)
    client = as_resident(JAN)
    soup = check_page(client.get("/overzicht/print").data)
    section = soup.select_one('section[aria-labelledby="s-appointments"]')
    assert section is not None
    [item] = section.select("li")
    text = text_of(item)
    slot = booked.slot
    assert f"om {slot.starts_at.astimezone(clock.AMSTERDAM):%H.%M} uur" in text, "when"
    assert "Aan de balie." in text, "how"
    assert slot.location in text, "where"
    assert slot.with_whom in text and slot.organisation.name in text, "with whom"
    assert slot.what_to_bring in text, "what to bring"
    assert booked.task is not None and booked.task.title not in text_of(soup), "listed once"


def test_pdf_download(as_resident) -> None:  # type: ignore[no-untyped-def]
    response = as_resident(JAN).get("/overzicht.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="overzicht-{clock.today().isoformat()}.pdf"'
    assert re.search(r"overzicht-\d{4}-\d{2}-\d{2}\.pdf", disposition)
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data.startswith(b"%PDF-")


def test_the_print_page_offers_large_or_extra_large_letters(as_resident) -> None:  # type: ignore[no-untyped-def]
    client = as_resident(JAN)
    soup = check_page(client.get("/overzicht/print").data)
    form = soup.select_one("main form[method=get][action='/overzicht.pdf']")
    assert form is not None
    choices = {r["value"]: r.has_attr("checked") for r in form.select("input[name=letters]")}
    assert choices == {"normaal": True, "groot": False}, "16 pt by default, 18 pt as a choice"
    big = client.get("/overzicht.pdf?letters=groot")
    assert big.status_code == 200 and big.mimetype == "application/pdf"
    assert big.data != client.get("/overzicht.pdf?letters=normaal").data


def test_each_resident_gets_their_own_pdf(as_resident, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.summary.conftest import pdf_text

    client = as_resident(FATIMA)
    text = pdf_text(client.get("/overzicht.pdf").data, tmp_path)
    assert "Fatima el Amrani" in text and "Jan de Vries" not in text


def test_queued_pdf_has_a_polling_page(as_resident, app: Flask, rq_queue: Queue) -> None:  # type: ignore[no-untyped-def]
    from rq import SimpleWorker

    client = as_resident(JAN)
    app.config["SUMMARY_INLINE_BUDGET_SECONDS"] = 0
    response = client.get("/overzicht.pdf")
    assert response.status_code == 303
    assert response.headers["Location"] == "/overzicht/pdf-wordt-gemaakt"

    page = client.get("/overzicht/pdf-wordt-gemaakt")
    soup = check_page(page.data)
    assert "HX-Request" in page.headers["Vary"]
    link = soup.select_one("#pdf-status a")
    assert link is not None
    assert link["href"] == "/overzicht.pdf", "without JS the link is the poll"
    assert link["hx-get"] == "/overzicht/pdf-wordt-gemaakt" and "every" in link["hx-trigger"]
    assert soup.select_one('[role="status"] #pdf-status') is not None

    hx = fragment_request("/overzicht/pdf-wordt-gemaakt", target="pdf-status")
    poll = client.get("/overzicht/pdf-wordt-gemaakt", headers=hx)
    assert poll.status_code == 204, "nothing new: htmx keeps polling"

    SimpleWorker([rq_queue], connection=rq_queue.connection, serializer=JSONSerializer).work(
        burst=True
    )
    ready = client.get("/overzicht/pdf-wordt-gemaakt", headers=hx)
    assert ready.status_code == 200
    fragment = check_page(ready.data, partial=True) if b"<h1" in ready.data else None
    assert fragment is None, "the fragment is only the status"
    assert b'href="/overzicht.pdf"' in ready.data and b"hx-trigger" not in ready.data
    full = check_page(client.get("/overzicht/pdf-wordt-gemaakt").data)
    assert "ready" in text_of(full.h1) or "klaar" in text_of(full.h1)
    pdf = client.get("/overzicht.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
