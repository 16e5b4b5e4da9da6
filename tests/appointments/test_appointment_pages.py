"""Appointment pages after a real DigiD login: book, bad input, move, cancel, .ics, access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Appointment, AppointmentSlot, Channel, Organisation
from app.services.accounts import resident_for_bsn
from app.services.appointments import book_appointment, free_slots, publish_slots
from app.services.timeline import Actor
from tests.html import check_page, text_of
from tests.htmx_headers import boosted_request
from tests.i18n import nl
from tests.login import log_in

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)


def dossier(bsn: str):  # type: ignore[no-untyped-def]
    resident = resident_for_bsn(bsn)
    assert resident is not None and resident.dossier is not None
    return resident.dossier


def later_slots(bsn: str, org_slug: str | None = None) -> list[AppointmentSlot]:
    org_id = None
    if org_slug:
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == org_slug))
    slots = free_slots(dossier(bsn), organisation_id=org_id)
    return [s for s in slots if s.starts_at > clock.now() + timedelta(days=2)]


def csrf(client: FlaskClient, url: str) -> str:
    soup = BeautifulSoup(client.get(url).data, "html.parser")
    return str(soup.select_one("main form input[name=csrf_token]")["value"])


def book(
    client: FlaskClient,
    slot: object,
    topic: str = "money",
    note: str = "",
    headers: dict[str, str] | None = None,
):  # type: ignore[no-untyped-def]
    data = {
        "csrf_token": csrf(client, "/afspraken/maken"),
        "slot": str(slot),
        "topic": topic,
        "note": note,
    }
    return client.post("/afspraken/maken", data=data, headers=headers or {})


def error_page(app: Flask, html: bytes, field: str) -> BeautifulSoup:
    soup = check_page(html)
    assert soup.title.get_text().startswith(nl(app, "Error") + ": ")
    assert soup.select_one(f".error-summary a[href='#{field}']")
    assert soup.select_one(f"#{field}-error .visually-hidden")
    return soup


@pytest.fixture
def kees(app: Flask, seeded: None, live_server: str, client: FlaskClient) -> FlaskClient:
    log_in(client, ORANGE)
    return client


@pytest.mark.parametrize("htmx", [False, True])
def test_book_an_appointment(app: Flask, kees: FlaskClient, htmx: bool) -> None:
    page = check_page(kees.get("/afspraken/maken").data)
    assert page.select_one("fieldset legend") and page.select_one("input#slot[type=radio]")
    slot = later_slots(ORANGE)[0]
    headers = boosted_request("/afspraken/maken") if htmx else {}
    response = book(kees, slot.id, "money", "Ik neem mijn buurvrouw mee.", headers)
    assert response.status_code == 303 and response.headers["Location"] == "/afspraken"
    soup = check_page(kees.get("/afspraken").data)
    item = text_of(soup.select_one("ul.todo > li"))
    assert "Schuldhulpverlening Rijnstreek" in item and "Ik neem mijn buurvrouw mee." in item
    assert "M. Bakker" in item, "who calls"
    assert "Leg uw brieven over schulden klaar." in item, "what to bring"
    assert nl(app, "By phone") in item
    overview = check_page(kees.get("/").data)
    assert "Schuldhulpverlening Rijnstreek" in text_of(overview.select_one("#afspraak-kop").parent)
    timeline = check_page(kees.get("/tijdlijn").data)
    assert "Afspraak gemaakt" in text_of(timeline.select_one("ol.events > li"))
    boosted = kees.get("/afspraken", headers=boosted_request("/afspraken/maken"))
    assert "Ik neem mijn buurvrouw mee." in text_of(check_page(boosted.data).select_one("main"))


def test_a_slot_just_taken_says_so_and_shows_the_free_times(app: Flask, kees: FlaskClient) -> None:
    slot = later_slots(ORANGE)[0]
    slot_id = slot.id
    with app.test_request_context():
        book_appointment(dossier(OVERDUE), slot, "money", "", actor=Actor.resident())
    response = book(kees, slot_id, "money", "Mijn notitie")
    assert response.status_code == 200
    soup = error_page(app, response.data, "slot")
    assert soup.select_one("#note").get_text().lstrip("\r\n") == "Mijn notitie", (
        "what was typed is kept"
    )
    assert soup.select_one("input[value='money']").has_attr("checked")
    shown = {int(i["value"]) for i in soup.select("input[name=slot]")}
    assert slot_id not in shown and shown


def test_refused_slots_and_missing_choices(app: Flask, kees: FlaskClient) -> None:
    past = publish_slots(
        db.session.scalar(select(Organisation).where(Organisation.slug == "schuldhulp-rijnstreek")),
        [clock.now() - timedelta(days=1)],
        minutes=30,
        channel=Channel.DESK,
    )[0]
    db.session.commit()
    other_org = later_slots(GREEN, "gemeente-rijnstad")[0]
    for bad in (past.id, other_org.id, 999999, "abc", ""):
        response = book(kees, bad)
        assert response.status_code == 200, bad
        error_page(app, response.data, "slot")
    response = book(kees, later_slots(ORANGE)[0].id, topic="")
    error_page(app, response.data, "topic")
    response = book(kees, later_slots(ORANGE)[0].id, note="x" * 501)
    soup = error_page(app, response.data, "note")
    assert soup.select_one("#note").get_text().lstrip("\r\n") == "x" * 501
    assert db.session.scalar(select(Appointment.id)) is not None  # the seed's, none of Kees's
    assert not [
        a for a in db.session.scalars(select(Appointment)) if a.dossier_id == dossier(ORANGE).id
    ]


def test_move_cancel_and_calendar_file(app: Flask, kees: FlaskClient) -> None:
    first, second = later_slots(ORANGE)[:2]
    second_id = second.id
    assert book(kees, first.id).status_code == 303
    soup = check_page(kees.get("/afspraken").data)
    links = {a.get_text(" ", strip=True).split()[0]: a["href"] for a in soup.select(".actions a")}
    ics = kees.get(soup.select_one("a[href$='.ics']")["href"])
    assert ics.mimetype == "text/calendar" and "attachment" in ics.headers["Content-Disposition"]
    assert Calendar.from_ical(ics.data).walk("VEVENT")
    move_url = next(h for h in links.values() if h.endswith("/verzetten"))
    check_page(kees.get(move_url).data)
    response = kees.post(move_url, data={"csrf_token": csrf(kees, move_url), "slot": second_id})
    assert response.status_code == 303
    appointment = db.session.scalar(
        select(Appointment).where(Appointment.dossier_id == dossier(ORANGE).id)
    )
    assert appointment is not None and appointment.held_slot_id == second_id
    cancel_url = next(h for h in links.values() if h.endswith("/afzeggen"))
    check_page(kees.get(cancel_url).data)
    response = kees.post(
        cancel_url, data={"csrf_token": csrf(kees, cancel_url)}, headers=boosted_request(cancel_url)
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert appointment.held_slot_id is None
    soup = check_page(kees.get("/afspraken").data)
    assert nl(app, "Cancelled") in text_of(soup.select_one("main"))


def test_another_resident_gets_404_for_every_appointment_url(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    theirs = db.session.scalar(select(Appointment))  # the seed booked one for Mohamed
    assert theirs is not None
    log_in(client, ORANGE)
    token = csrf(client, "/afspraken/maken")
    for path in ("verzetten", "afzeggen", "afspraak.ics"):
        assert client.get(f"/afspraken/{theirs.id}/{path}").status_code == 404
    for path in ("verzetten", "afzeggen"):
        response = client.post(
            f"/afspraken/{theirs.id}/{path}", data={"csrf_token": token, "slot": theirs.slot_id}
        )
        assert response.status_code == 404
    db.session.expire_all()
    assert theirs.is_booked


def test_two_residents_post_the_same_slot_at_once(
    app: Flask, seeded: None, live_server: str
) -> None:
    """Two logged-in browsers submit the same time concurrently: one booking, one plain message."""
    import threading

    clients = {}
    for bsn in (GREEN, RED):  # both have the gemeente in their dossier
        c = app.test_client()
        log_in(c, bsn)
        clients[bsn] = c
    slot_id = later_slots(GREEN, "gemeente-rijnstad")[0].id
    tokens = {bsn: csrf(c, "/afspraken/maken") for bsn, c in clients.items()}
    db.session.remove()
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}
    pages: dict[str, bytes] = {}

    def post(bsn: str) -> None:
        data = {"csrf_token": tokens[bsn], "slot": str(slot_id), "topic": "money", "note": ""}
        barrier.wait()
        response = clients[bsn].post("/afspraken/maken", data=data)
        statuses[bsn], pages[bsn] = response.status_code, response.data

    threads = [threading.Thread(target=post, args=(bsn,)) for bsn in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses.values()) == [200, 303]
    loser = next(bsn for bsn, status in statuses.items() if status == 200)
    soup = error_page(app, pages[loser], "slot")
    assert slot_id not in {int(i["value"]) for i in soup.select("input[name=slot]")}
    held = db.session.scalars(select(Appointment).where(Appointment.held_slot_id == slot_id))
    assert len(list(held)) == 1


def test_booking_can_show_one_organisations_times_only(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    """Plain links above the times narrow them to one organisation (no JavaScript needed); an
    error keeps that choice, and an unknown organisation shows all times again."""
    log_in(client, RED)  # Jan: two organisations
    orgs = sorted(dossier(RED).organisations, key=lambda o: o.name)
    assert len(orgs) > 1
    one = orgs[0]

    def shown(html: bytes) -> tuple[BeautifulSoup, set[str]]:
        soup = check_page(html)
        metas = {m.get_text() for m in soup.select("main .choices .meta")}
        return soup, {m.split(" · ")[0] for m in metas}

    soup, names = shown(client.get("/afspraken/maken").data)
    assert names == {o.name for o in orgs if free_slots(dossier(RED), organisation_id=o.id)}
    assert len(names) > 1
    assert soup.select_one("nav.filter a[aria-current]").get_text() == nl(app, "All organisations")

    url = f"/afspraken/maken?organisatie={one.slug}"
    soup, names = shown(client.get(url).data)
    assert names == {one.name}
    assert soup.select_one("nav.filter a[aria-current]").get_text() == one.name
    assert soup.select_one("main form[method=post]")["action"] == url

    # Sent without a time: the error page keeps the organisation chosen, and the note.
    token = csrf(client, url)
    sent = client.post(
        url, data={"csrf_token": token, "topic": "money", "note": "Graag 's ochtends"}
    )
    soup, names = shown(sent.data)
    assert names == {one.name}
    assert soup.select_one("#note").get_text().lstrip("\r\n") == "Graag 's ochtends"
    assert soup.select_one(".error-summary a[href='#slot']")

    _, names = shown(client.get("/afspraken/maken?organisatie=bestaat-niet").data)
    assert len(names) > 1
