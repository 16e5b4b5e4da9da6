"""Proving a new address (issue 15): a signed, expiring e-mail link and a six-digit SMS code with
limited tries and sends; nothing else goes to the address until then; /account says so. Against
a real Redis, aiosmtpd and the fake Spryng on loopback."""

from __future__ import annotations

import re
from datetime import time, timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from rq import Queue
from sqlalchemy import select

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Notification, Resident
from app.models.notification import AddressConfirmation, Channel, NotificationStatus
from app.services.notifications.changes import Change, notify_change
from app.services.notifications.confirmation import (
    CONFIRM_CODE_ATTEMPTS,
    CONFIRM_SENDS_PER_DAY,
    ConfirmationError,
    confirm_code,
    confirm_link,
    send_again,
)
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.preferences import CHOICES, save_contact_and_preferences
from tests.html import check_page, text_of
from tests.login import log_in
from tests.notifications.conftest import NOW, FakeSpryng, SmtpRecorder, make_resident, run_worker

NEW_EMAIL, NEW_PHONE = "nieuw@example.nl", "+31687654321"


def _change_addresses(resident: Resident) -> None:
    save_contact_and_preferences(
        resident,
        email=NEW_EMAIL,
        phone_e164=NEW_PHONE,
        appointment=CHOICES["both"],
        document=CHOICES["both"],
        quiet_start=time(21),
        quiet_end=time(8),
    )


def _work(queue: Queue, at) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        dispatch_due()
        run_worker(queue)


def _mail_texts(smtp: SmtpRecorder) -> list[tuple[list[str], str, str]]:
    found = []
    for envelope in smtp.messages:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None
        found.append((envelope.rcpt_tos, str(msg["Subject"]).strip(), body.get_content()))
    return found


def test_nothing_but_the_proof_goes_to_a_new_address_until_it_is_proved(
    app: Flask, queue: Queue, smtp: SmtpRecorder, spryng: FakeSpryng
) -> None:
    with time_machine.travel(NOW, tick=False):
        resident = make_resident(email="oud@example.nl", phone="+31612345678")
        resident_id = resident.id
        _change_addresses(resident)
        notify_change(resident_id, Change.DOCUMENT_APPROVED, "Gemeente Rijnstad")
        db.session.commit()
    _work(queue, NOW + timedelta(minutes=11))
    # Only the link and the code went out, each to the new address; the notice was held back.
    ((to, subject, text),) = _mail_texts(smtp)
    assert to == [NEW_EMAIL] and subject == "Bevestig uw e-mailadres voor Mijn Overzicht"
    (sms,) = spryng.accepted()
    assert sms["recipients"] == [NEW_PHONE.lstrip("+")] or NEW_PHONE in str(sms["recipients"])
    code = re.search(r"uw code is (\d{6})\.", sms["body"])
    assert code is not None, sms["body"]
    held = db.session.scalars(
        select(Notification).where(Notification.template == "change-notice")
    ).all()
    assert {(n.status, n.status_reason) for n in held} == {
        (NotificationStatus.CANCELLED, "unconfirmed")
    }

    # A wrong code counts; the right one proves the number. The link proves the address.
    with time_machine.travel(NOW + timedelta(minutes=12), tick=False):
        resident = db.session.get(Resident, resident_id)
        assert resident is not None
        with pytest.raises(ConfirmationError, match="wrong"):
            confirm_code(resident, "000000" if code.group(1) != "000000" else "111111")
        confirm_code(resident, code.group(1))
        link = re.search(r"(https?://\S+/account/bevestigen/\S+)", text)
        assert link is not None, text
        confirm_link(link.group(1).rsplit("/", 1)[1])
        db.session.commit()
        notify_change(resident_id, Change.QUESTION_ANSWERED, "Gemeente Rijnstad")
        db.session.commit()
    _work(queue, NOW + timedelta(minutes=23))
    assert [t for t, s, _ in _mail_texts(smtp) if "iets nieuws" in s] == [[NEW_EMAIL]]
    assert [s for s in spryng.accepted() if "iets nieuws" in s["body"]]


def test_the_code_allows_few_tries_and_expires_and_the_link_expires(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        resident = make_resident(email="oud@example.nl", phone="+31612345678")
        _change_addresses(resident)
        db.session.commit()
        sms_row = db.session.scalars(
            select(Notification).where(Notification.template == "confirm-sms")
        ).one()
        code = sms_row.personalisation["code"]
        link = (
            db.session.scalars(select(Notification).where(Notification.template == "confirm-email"))
            .one()
            .personalisation["link"]
        )
        for _ in range(CONFIRM_CODE_ATTEMPTS - 1):
            with pytest.raises(ConfirmationError, match="wrong"):
                confirm_code(resident, "999999" if code != "999999" else "888888")
        with pytest.raises(ConfirmationError, match="too-many"):
            confirm_code(resident, "999999" if code != "999999" else "888888")
        with pytest.raises(ConfirmationError, match="too-many"):
            confirm_code(resident, code)  # even the right one: ask for a new code
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        send_again(resident, Channel.SMS)
        db.session.commit()
    with time_machine.travel(NOW + timedelta(minutes=40), tick=False):
        newest = db.session.scalars(
            select(Notification)
            .where(Notification.template == "confirm-sms")
            .order_by(Notification.created_at.desc())
        ).first()
        assert newest is not None
        with pytest.raises(ConfirmationError, match="expired"):
            confirm_code(resident, newest.personalisation["code"])  # 15 minutes have passed
    with (
        time_machine.travel(NOW + timedelta(hours=49), tick=False),
        pytest.raises(ConfirmationError, match="expired"),
    ):
        confirm_link(link.rsplit("/", 1)[1])
    with pytest.raises(ConfirmationError, match="expired"):
        confirm_link("not-a-token")


def test_codes_are_rate_limited(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        resident = make_resident(email="", phone="+31612345678")
        _change_addresses(resident)
        for _ in range(CONFIRM_SENDS_PER_DAY - 1):
            send_again(resident, Channel.SMS)
        with pytest.raises(ConfirmationError, match="rate-limited"):
            send_again(resident, Channel.SMS)
    sent = db.session.scalars(
        select(Notification).where(Notification.template == "confirm-sms")
    ).all()
    assert len(sent) == CONFIRM_SENDS_PER_DAY


def test_account_says_what_waits_and_the_pages_confirm(
    app: Flask, seeded: None, live_server: str, client: FlaskClient
) -> None:
    resident_id = log_in(client, DEMO_RESIDENTS[0].bsn).id
    soup = check_page(client.get("/account").data)
    data = {
        "csrf_token": soup.select_one("input[name=csrf_token]")["value"],
        "email": NEW_EMAIL,
        "phone": "06-87654321",
        "appointment": "both",
        "document": "both",
        "changes": "both",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
    }
    assert client.post("/account", data=data).status_code == 303
    page = check_page(client.get("/account").data)
    notice = text_of(page.select_one(".address-proof"))
    assert "Uw e-mailadres is nog niet bevestigd." in notice
    assert "Uw mobiele nummer is nog niet bevestigd." in notice
    assert page.select_one(".address-proof a[href='/account/sms-code']")

    # The code page: a label tied to the field; a wrong code is an error tied to it.
    form = check_page(client.get("/account/sms-code").data)
    assert text_of(form.select_one("label[for=code]")) == "De code uit het sms-bericht"
    wrong = client.post(
        "/account/sms-code",
        data={"csrf_token": form.select_one("input[name=csrf_token]")["value"], "code": "12"},
    )
    wrong_page = check_page(wrong.data)
    assert wrong_page.title.get_text().startswith("Fout")
    assert "code-error" in wrong_page.select_one("input#code")["aria-describedby"]
    assert wrong_page.select_one("input#code")["value"] == "12"

    # The e-mail link: GET only shows the button, POST confirms.
    db.session.expire_all()
    link = (
        db.session.scalars(
            select(Notification).where(
                Notification.resident_id == resident_id, Notification.template == "confirm-email"
            )
        )
        .one()
        .personalisation["link"]
    )
    path = "/account/bevestigen/" + link.rsplit("/", 1)[1]
    shown = check_page(client.get(path).data)
    assert shown.select_one(f"form[method=post][action='{path}'] button")
    row = db.session.scalars(
        select(AddressConfirmation).where(AddressConfirmation.channel == Channel.EMAIL)
    ).one()
    assert row.confirmed_at is None
    done = client.post(
        path, data={"csrf_token": shown.select_one("input[name=csrf_token]")["value"]}
    )
    assert "Uw e-mailadres is bevestigd." in text_of(check_page(done.data).select_one("main"))
    after = check_page(client.get("/account").data)
    assert "Uw e-mailadres is nog niet bevestigd." not in after.get_text()
