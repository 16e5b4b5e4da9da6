"""Stopping reminder e-mails from the e-mail itself: the List-Unsubscribe headers (RFC 8058
one-click) and the closing link of a mail really sent to the aiosmtpd server, the page behind the
link (GET changes nothing), the resident's button, the mail provider's one-click POST, and every
kind of bad link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from rq import Queue
from sqlalchemy import select

from app.extensions import db
from app.models import ActorType, Resident, TimelineEvent
from app.models.notification import Channel
from app.models.notification import NotificationStatus as S
from app.services.notifications.preferences import preferences_for
from app.services.notifications.unsubscribe import SALT, make_token, stop_links
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.notifications.conftest import (
    NOW,
    SEND,
    SmtpRecorder,
    dossier_of,
    plan_due_reminder,
    rows,
)
from tests.notifications.test_delivery import dispatch_and_work

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture(autouse=True)
def fresh_rate_limits(app: Flask) -> Iterator[None]:
    from app.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()


def path_of(url: str) -> str:
    return urlsplit(url).path


def stop_path(resident: Resident, channel: Channel = Channel.EMAIL) -> str:
    # Made now, on the real clock: itsdangerous refuses a token signed in the future.
    return path_of(stop_links(resident.id, channel).url)


def csrf_token(client: FlaskClient, path: str) -> str:
    # Every page has one (the language switch in the footer), the broken-link page too.
    soup = check_page(client.get(path).data)
    field = soup.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def events(resident: Resident) -> list[TimelineEvent]:
    db.session.expire_all()
    stmt = select(TimelineEvent).where(TimelineEvent.dossier_id == dossier_of(resident).id)
    return list(db.session.scalars(stmt))


def channels(resident: Resident) -> tuple[frozenset[Channel], frozenset[Channel]]:
    db.session.expire_all()
    prefs = preferences_for(resident.id)
    return prefs.appointment, prefs.document


BOTH = frozenset({Channel.EMAIL, Channel.SMS})
SMS_ONLY = frozenset({Channel.SMS})


def assert_unchanged(resident: Resident) -> None:
    assert channels(resident) == (BOTH, BOTH)
    assert {r.channel: r.status for r in rows(template="appointment-soon")} == {
        Channel.EMAIL: S.PENDING,
        Channel.SMS: S.PENDING,
    }
    assert events(resident) == []


# --- the e-mail -----------------------------------------------------------------------------


@pytest.mark.parametrize("mailto", ["", "stoppen@mijnoverzicht.example.nl"])
def test_a_sent_email_has_the_one_click_headers_and_the_link_in_both_parts(
    app: Flask,
    queue: Queue,
    smtp: SmtpRecorder,
    monkeypatch: pytest.MonkeyPatch,
    mailto: str,
) -> None:
    monkeypatch.setitem(app.config, "UNSUBSCRIBE_MAILTO", mailto)
    resident = plan_due_reminder("email")
    resident_id, address = resident.id, resident.email  # the worker closes our session
    dispatch_and_work(queue)
    (envelope,) = smtp.messages
    raw = envelope.content
    msg = message_from_bytes(raw, policy=policy.default)

    header = str(msg["List-Unsubscribe"])
    uris = [u.strip().strip("<>") for u in header.split(",")]
    url = uris[0]
    assert url.startswith(f"{app.config['PORTAL_URL']}/herinneringen/stoppen/")
    if mailto:
        assert uris[1].startswith(f"mailto:{mailto}?subject=stop%20")
    else:
        assert len(uris) == 1
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Mail providers read the raw header: never RFC 2047-encoded, whatever its length.
    raw_header = raw.split(b"List-Unsubscribe:", 1)[1].split(b"List-Unsubscribe-Post", 1)[0]
    assert b"=?" not in raw_header and url.encode() in raw_header

    # The token holds the resident id and the channel: no address, no BSN.
    token = url.rsplit("/", 1)[1]
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT).loads(token)
    assert payload == {"r": resident_id, "c": "email"}
    assert address not in header and "example.nl" not in token

    parts = {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}
    assert (
        parts["text/plain"]
        .replace("\r\n", "\n")
        .rstrip()
        .endswith(f"Wilt u deze e-mails niet meer krijgen? Ga dan naar:\n{url}")
    )
    soup = check_page(parts["text/html"], partial=True)
    last = soup.find_all("a")[-1]
    assert last["href"] == url and text_of(last) == "Stop deze e-mails"
    assert "Wilt u deze e-mails niet meer krijgen?" in text_of(last.parent)


def test_an_english_email_ends_in_english(app: Flask, queue: Queue, smtp: SmtpRecorder) -> None:
    plan_due_reminder("email", language="en")
    dispatch_and_work(queue)
    msg = message_from_bytes(smtp.messages[0].content, policy=policy.default)
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Do you no longer want these e-mails? Then go to:\nhttp" in text


# --- the page behind the link ---------------------------------------------------------------


def test_following_the_link_changes_nothing(app: Flask, client: FlaskClient) -> None:
    """Mail scanners and link previews open links: GET only shows the page and the button."""
    resident = plan_due_reminder("both")
    path = stop_path(resident)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    soup = check_page(response.data)
    assert text_of(soup.h1) == nl(app, "Stop reminder e-mails")
    form = soup.select_one("main form")
    assert form["method"] == "post" and form["action"] == path
    assert form.select_one("input[name=csrf_token]")["value"]
    assert text_of(form.select_one("button[type=submit]")) == nl(app, "Stop the e-mails")
    client.get(path)
    assert_unchanged(resident)


def test_the_button_stops_emails_keeps_sms_and_cancels_planned_emails(
    app: Flask, client: FlaskClient
) -> None:
    resident = plan_due_reminder("both")
    # Half an hour before the reminder goes out. The link, the page's CSRF token and the click
    # all happen on that one clock: a token signed on another clock is "from the future" or
    # expired, however right the code is.
    with time_machine.travel(SEND - timedelta(minutes=30), tick=False):
        path = stop_path(resident)
        token = csrf_token(client, path)
        response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/herinneringen/gestopt"

    assert channels(resident) == (SMS_ONLY, SMS_ONLY)
    email_row, sms_row = (
        rows(template="appointment-soon", channel=c) for c in (Channel.EMAIL, Channel.SMS)
    )
    assert email_row[0].status is S.CANCELLED and email_row[0].status_reason == "opted-out"
    assert sms_row[0].status is S.PENDING
    (event,) = events(resident)
    assert event.kind == "email_reminders_off" and event.actor_type is ActorType.RESIDENT

    page = client.get(response.headers["Location"])
    soup = check_page(page.data)
    assert text_of(soup.h1) == nl(app, "You will no longer get reminder e-mails")
    # How to turn them on again: the account page (after DigiD) or by phone.
    assert soup.select_one("main a[href='/account']")
    assert app.config["HELP_PHONE"] in text_of(soup.main)


def test_stopping_twice_says_already_off(app: Flask, client: FlaskClient) -> None:
    resident = plan_due_reminder("both")
    path = stop_path(resident)
    token = csrf_token(client, path)
    client.post(path, data={"csrf_token": token})
    again = client.post(path, data={"csrf_token": token})
    assert again.status_code == 303 and again.headers["Location"] == "/herinneringen/gestopt?al=1"
    soup = check_page(client.get(again.headers["Location"]).data)
    assert text_of(soup.h1) == nl(app, "Reminder e-mails were already off")
    # The link itself now says so too, without a button.
    soup = check_page(client.get(path).data)
    assert text_of(soup.h1) == nl(app, "Reminder e-mails were already off")
    assert not soup.select("main form")
    assert len(events(resident)) == 1
    assert channels(resident) == (SMS_ONLY, SMS_ONLY)


def test_the_form_post_needs_its_csrf_token(app: Flask, client: FlaskClient) -> None:
    resident = plan_due_reminder("both")
    path = stop_path(resident)
    client.get(path)
    for data in ({}, {"csrf_token": "forged"}, {"List-Unsubscribe": "Yes"}):
        response = client.post(path, data=data)
        assert response.status_code == 400
        check_page(response.data)
    assert_unchanged(resident)


# --- RFC 8058 one-click ---------------------------------------------------------------------


def test_the_one_click_post_works_without_cookies_or_csrf(app: Flask) -> None:
    resident = plan_due_reminder("both")
    path = stop_path(resident)
    provider = app.test_client(use_cookies=False)
    response = provider.post(path, data=ONE_CLICK)
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and len(response.data) < 100
    assert channels(resident) == (SMS_ONLY, SMS_ONLY)
    assert rows(template="appointment-soon", channel=Channel.EMAIL)[0].status is S.CANCELLED
    assert rows(template="appointment-soon", channel=Channel.SMS)[0].status is S.PENDING
    assert [e.kind for e in events(resident)] == ["email_reminders_off"]
    # Providers may retry: still 200, nothing recorded twice.
    assert provider.post(path, data=ONE_CLICK).status_code == 200
    assert len(events(resident)) == 1


def test_one_click_posts_are_rate_limited(
    app: Flask, monkeypatch: pytest.MonkeyPatch, client: FlaskClient
) -> None:
    monkeypatch.setitem(app.config, "UNSUBSCRIBE_RATE_LIMIT", "2 per minute")
    path = stop_path(plan_due_reminder("both"))
    statuses = [client.post(path, data=ONE_CLICK).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- bad links ------------------------------------------------------------------------------


def _tampered(resident: Resident) -> str:
    path = stop_path(resident)
    head, sig = path.rsplit(".", 1)
    return f"{head}.{'A' if sig[0] != 'A' else 'B'}{sig[1:]}"


def _other_resident(resident: Resident) -> str:
    # A valid signature over a token for someone else cannot be made; swapping the payload of
    # a real token breaks the signature.
    path = stop_path(resident)
    prefix, token = path.rsplit("/", 1)
    other = make_token(resident.id + 1, Channel.EMAIL).split(".", 1)[0]
    return f"{prefix}/{other}.{token.split('.', 1)[1]}"


BAD_LINKS = {
    "tampered": _tampered,
    "payload swapped": _other_resident,
    "sms token": lambda r: stop_path(r, Channel.SMS),
    "not a token": lambda r: "/herinneringen/stoppen/abc",
    "cut short": lambda r: stop_path(r)[:-6],
}


@pytest.mark.parametrize("kind", sorted(BAD_LINKS))
def test_a_bad_link_shows_a_kind_page_and_changes_nothing(
    app: Flask, client: FlaskClient, kind: str
) -> None:
    resident = plan_due_reminder("both")
    with app.test_request_context():
        path = BAD_LINKS[kind](resident)
    page = client.get(path)
    assert page.status_code == 404
    soup = check_page(page.data)
    assert text_of(soup.h1) == nl(app, "This link does not work any more")
    assert soup.select_one("main a[href='/account']") and not soup.select("main form")
    token = csrf_token(client, path)
    assert client.post(path, data={"csrf_token": token}).status_code == 404
    one_click = client.post(path, data=ONE_CLICK)
    assert one_click.status_code == 404 and one_click.mimetype == "text/plain"
    assert_unchanged(resident)


def test_links_work_for_the_configured_days_then_show_the_kind_page(
    app: Flask, client: FlaskClient
) -> None:
    resident = plan_due_reminder("both")
    with time_machine.travel(NOW, tick=False):
        path = stop_path(resident)
    days = app.config["UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS"]
    with time_machine.travel(NOW + timedelta(days=days, hours=-1), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(NOW + timedelta(days=days, hours=1), tick=False):
        page = client.get(path)
        assert page.status_code == 404
        assert text_of(check_page(page.data).h1) == nl(app, "This link does not work any more")
        token = csrf_token(client, path)
        assert client.post(path, data={"csrf_token": token}).status_code == 404
        assert client.post(path, data=ONE_CLICK).status_code == 404
    assert_unchanged(resident)


# --- the account page afterwards ------------------------------------------------------------


def test_the_account_page_shows_email_off_afterwards(
    app: Flask, resident_client: FlaskClient
) -> None:
    jan = db.session.scalar(select(Resident).where(Resident.first_name == "Jan"))
    assert jan is not None
    with app.test_request_context():
        path = path_of(stop_links(jan.id).url)
    token = csrf_token(resident_client, path)
    assert resident_client.post(path, data={"csrf_token": token}).status_code == 303
    soup = check_page(resident_client.get("/account").data)
    for kind in ("appointment", "document"):
        checked = soup.select_one(f"input[name={kind}][checked]")
        assert checked is not None and checked["value"] in ("sms", "none")
    timeline = check_page(resident_client.get("/tijdlijn").data)
    assert nl(app, "You turned off e-mail reminders") in text_of(timeline)
