"""From knowing to doing (issue 15, part 1): every overview item and timeline entry leads to the
place where it is done or read about; a rejected file says why; an appointment says how."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Appointment, AppointmentSlot, Channel, Notification, StaffMember
from app.models.notification import Channel as NotificationChannel
from app.services.accounts import resident_for_bsn
from app.services.appointments import (
    AppointmentError,
    book_appointment,
    cancel_appointment,
    free_slots,
    publish_slots,
)
from app.services.documents import checklist, review_document, submit_documents
from app.services.notifications.templates import render
from app.services.questions import ask_question
from app.services.storage import LocalStorage
from app.services.timeline import Actor
from app.services.uploads import check_file
from tests import files
from tests.html import check_page, text_of
from tests.login import log_in
from tests.moments import in_days, local

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)
REASON = "De foto is te donker. Maak een nieuwe foto bij daglicht."


def _staff(name: str = "M. Bakker") -> StaffMember:
    found = db.session.scalar(select(StaffMember).where(StaffMember.name == name))
    assert found is not None
    return found


def _dossier(bsn: str):  # type: ignore[no-untyped-def]
    resident = resident_for_bsn(bsn)
    assert resident is not None and resident.dossier is not None
    return resident.dossier


def _reject_first_document(app: Flask, tmp_path: Path, bsn: str) -> int:
    """The resident sends a file for their first open request; staff turn it down."""
    dossier = _dossier(bsn)
    task = next(i for i in checklist(dossier) if i.state == "needed").task
    checked, problem = check_file(FileStorage(io.BytesIO(files.png()), filename="foto.png"))
    assert checked is not None, problem
    with app.test_request_context():
        (doc,) = submit_documents(
            dossier, task, [checked], LocalStorage(tmp_path), actor=Actor.resident()
        )
        review_document(doc, approve=False, staff=_staff(), reason=REASON)
    return task.id


@pytest.fixture
def page(app: Flask, seeded: None, live_server: str, client: FlaskClient):  # type: ignore[no-untyped-def]
    def open_as(bsn: str, url: str = "/"):  # type: ignore[no-untyped-def]
        log_in(client, bsn)
        response = client.get(url)
        assert response.status_code == 200
        return check_page(response.data)

    return open_as


def test_what_to_do_now_and_every_item_for_you_link_to_their_upload_form(page) -> None:  # type: ignore[no-untyped-def]
    soup = page(RED)
    tasks = {t.title: t.id for t in (i.task for i in checklist(_dossier(RED)))}
    now = soup.select_one(".now")
    button = now.select_one("a.button")
    assert button is not None and "Stuur dit document" in text_of(button)
    assert (
        button["href"] == f"/documenten/{tasks['Uitkeringsspecificatie van oktober sturen']}/sturen"
    )
    mine = soup.select("#voor-u ~ ul.todo > li")
    assert mine
    for li in mine:
        title = text_of(li.select_one(".what"))
        link = li.select_one("a.button")
        assert link["href"] == f"/documenten/{tasks[title]}/sturen"
        # Several links say the same: the hidden part tells a screen reader which one.
        assert text_of(link.select_one(".visually-hidden")) == f": {title}"


def test_items_for_the_organisations_link_to_where_to_read_more(page) -> None:  # type: ignore[no-untyped-def]
    soup = page(OVERDUE)
    theirs = soup.select("#voor-org ~ ul.todo > li")
    assert theirs
    for li in theirs:
        assert li.select_one(".item-step a[href]"), text_of(li)
    links = {text_of(li.select_one(".what")): li.select_one(".item-step a") for li in theirs}
    question = links["Uw vraag over de betalingsregeling beantwoorden"]
    assert question["href"].startswith("/vragen")
    # A step of the resident's own has no page of its own: ask about it, with the item chosen.
    step = next(li for li in soup.select("#voor-u ~ ul.todo > li") if "huur tekenen" in text_of(li))
    ask = step.select_one("a.button")
    assert "Stel hierover een vraag" in text_of(ask) and ask["href"].startswith("/vragen/stellen")
    form = page(OVERDUE, ask["href"])
    chosen = form.select_one("select[name=about] option[selected]")
    assert chosen is not None and "huur tekenen" in text_of(chosen)


def test_a_rejected_document_shows_why_on_the_overview_and_the_print(  # type: ignore[no-untyped-def]
    app: Flask, page, tmp_path: Path
) -> None:
    task_id = _reject_first_document(app, tmp_path, RED)
    soup = page(RED)
    item = next(
        li
        for li in soup.select("#voor-u ~ ul.todo > li")
        if li.select_one(f"a[href='/documenten/{task_id}/sturen']")
    )
    assert f"Waarom het niet is goedgekeurd: {REASON}" in text_of(item.select_one(".rejected"))
    assert "Stuur een nieuw bestand" in text_of(item.select_one("a.button"))
    assert REASON in item["data-speak"]
    printed = page(RED, "/overzicht/print")
    assert REASON in text_of(printed.select_one(".print-summary"))


def test_timeline_and_news_link_to_the_appointment_and_say_afspraak_once(  # type: ignore[no-untyped-def]
    app: Flask, page
) -> None:
    dossier = _dossier(ORANGE)
    slot = next(s for s in free_slots(dossier) if changeable(app, s))
    with app.test_request_context():
        appointment = book_appointment(dossier, slot, "money", "", actor=Actor.resident())
    for url in ("/tijdlijn", "/"):
        soup = page(ORANGE, url)
        line = next(a for a in soup.select("a") if "Afspraak gemaakt" in text_of(a))
        assert text_of(line) == "Afspraak gemaakt: Geld en schulden"
        assert line["href"] == f"/afspraken#afspraak-{appointment.id}"
        assert "Afspraak: Afspraak" not in soup.get_text()
    listing = page(ORANGE, "/afspraken")
    assert listing.select_one(f"li#afspraak-{appointment.id}")


def test_timeline_links_a_question_to_its_thread(app: Flask, page) -> None:  # type: ignore[no-untyped-def]
    dossier = _dossier(ORANGE)
    with app.test_request_context():
        question = ask_question(
            dossier,
            dossier.organisations[0],
            "Wanneer hoor ik iets over mijn aanvraag?",
            actor=Actor.resident(),
        )
    soup = page(ORANGE, "/tijdlijn")
    line = next(a for a in soup.select("ol.events a") if "Vraag gestuurd" in text_of(a))
    assert line["href"] == f"/vragen/{question.id}"


def changeable(app: Flask, slot: AppointmentSlot) -> bool:
    """Far enough ahead to change online (APPOINTMENT_CHANGE_HOURS), whatever the hour the test
    runs (late on New Year's Eve the next free slot may be too soon)."""
    hours = int(app.config["APPOINTMENT_CHANGE_HOURS"]) + 1
    return slot.starts_at > clock.now() + timedelta(hours=hours)


def test_the_reminder_e_mail_says_how_and_who_and_not_afspraak_twice(
    app: Flask, seeded: None
) -> None:
    dossier = _dossier(ORANGE)
    slot = next(s for s in free_slots(dossier) if changeable(app, s))
    with app.test_request_context():
        appointment = book_appointment(dossier, slot, "money", "", actor=Actor.resident())
    row = db.session.scalar(
        select(Notification).where(
            Notification.subject_id == str(appointment.id),
            Notification.template == "appointment-day-before",
            Notification.channel == NotificationChannel.EMAIL,
        )
    )
    if row is None:  # booked for tomorrow: the day-before moment has passed
        row = db.session.scalar(
            select(Notification).where(
                Notification.subject_type == "appointment",
                Notification.subject_id == str(appointment.id),
                Notification.channel == NotificationChannel.EMAIL,
            )
        )
    assert row is not None
    mail = render(
        row.template,
        row.template_version,
        NotificationChannel.EMAIL,
        "nl",
        row.personalisation,
        "https://mijn.example",
    )
    assert "Over: Geld en schulden." in mail.text
    assert "Afspraak: Afspraak" not in mail.text and "Over: Afspraak" not in mail.text
    how = {
        "phone": "belt u.",
        "desk": "Kom naar:",
        "video": "videogesprek",
    }[str(slot.channel)]
    assert how in mail.text
    sms = render(
        row.template,
        row.template_version,
        NotificationChannel.SMS,
        "nl",
        row.personalisation,
        "https://mijn.example",
    )
    assert how not in sms.text and "Geld" not in sms.text


def test_cancelling_an_already_cancelled_appointment_says_so(  # type: ignore[no-untyped-def]
    app: Flask, page, client: FlaskClient
) -> None:
    dossier = _dossier(ORANGE)
    slot = next(s for s in free_slots(dossier) if changeable(app, s))
    with app.test_request_context():
        appointment = book_appointment(dossier, slot, "money", "", actor=Actor.resident())
        cancel_appointment(dossier, appointment, actor=Actor.resident())
        with pytest.raises(AppointmentError, match=r"al afgezegd|already cancelled"):
            cancel_appointment(dossier, appointment, actor=Actor.resident())
    url = f"/afspraken/{appointment.id}/afzeggen"
    soup = page(ORANGE, url)
    assert "Deze afspraak is al afgezegd" in text_of(soup.select_one("main"))
    assert "te snel" not in soup.get_text()
    assert not soup.select("main form[method=post]")
    found = db.session.get(Appointment, appointment.id)
    assert found is not None and not found.is_booked


def test_a_phone_appointment_says_who_calls_on_which_number(app: Flask, page) -> None:  # type: ignore[no-untyped-def]
    resident = resident_for_bsn(ORANGE)
    assert resident is not None and resident.dossier is not None
    resident.phone = "0612345678"
    organisation = resident.dossier.organisations[0]
    (slot,) = publish_slots(
        organisation,
        [local(in_days(5), 10)],
        minutes=30,
        channel=Channel.PHONE,
        with_whom="M. Bakker",
    )
    db.session.commit()
    with app.test_request_context():
        book_appointment(resident.dossier, slot, "money", "", actor=Actor.resident())
    expected = f"M. Bakker ({organisation.name}) belt u op 0612345678."
    assert expected in text_of(page(ORANGE, "/afspraken").select_one("main"))
    assert expected in text_of(page(ORANGE, "/").select_one("#afspraak-kop").parent)


def test_the_print_view_has_a_print_button_that_is_a_link_without_js(page) -> None:  # type: ignore[no-untyped-def]
    soup = page(RED, "/overzicht/print")
    button = soup.select_one("a.button[data-print]")
    assert button is not None and text_of(button) == "Print dit overzicht"
    assert button["href"].startswith("/overzicht.pdf")
