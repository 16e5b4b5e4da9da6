"""Reminders and change notices say whom to call: the organisation's own phone number and
opening hours (set by its beheerder), or the help line when the organisation has no number.
Sent for real: planned, dispatched through Redis, delivered to the loopback SMTP server."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
import time_machine
from flask import Flask
from rq import Queue

from app.extensions import db
from app.models import DossierOrganisation, Organisation, Resident
from app.models.notification import Channel
from app.services.notifications.dispatch import dispatch_due
from app.services.notifications.templates import TEMPLATES, render
from app.services.notifications.texts import CURRENT
from tests.notifications.conftest import (
    SEND,
    FakeSpryng,
    SmtpRecorder,
    dossier_of,
    plan_due_reminder,
    run_worker,
    sendable,
)

PHONE = "0172 12 34 56"
HOURS = "maandag tot en met donderdag, 8.30 tot 16.00 uur"


def link_organisation(resident: Resident, phone: str, hours: str) -> None:
    """The organisation the planned reminder names ('Gemeente'), linked to the dossier."""
    org = Organisation(
        slug=f"gemeente-{resident.id}",
        name="Gemeente",
        kind="gemeente",
        phone=phone,
        opening_hours=hours,
    )
    db.session.add(org)
    db.session.flush()
    db.session.add(DossierOrganisation(dossier_id=dossier_of(resident).id, organisation_id=org.id))
    db.session.commit()


def sent_email(queue: Queue, smtp: SmtpRecorder) -> dict[str, str]:
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        run_worker(queue)
    (message,) = smtp.messages
    msg = message_from_bytes(message.content, policy=policy.default)
    return {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}


def test_the_email_names_the_organisations_phone_and_hours(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    resident = plan_due_reminder("email")
    link_organisation(resident, PHONE, HOURS)
    assert sendable("email").template_version == CURRENT["appointment-soon"] == 3
    parts = sent_email(queue, smtp)
    assert f"Heeft u een vraag? Bel Gemeente op {PHONE} ({HOURS})." in parts["text/plain"]
    assert PHONE in parts["text/html"] and HOURS in parts["text/html"]
    assert "14 0172" not in parts["text/plain"], "not the help line"


def test_in_english_the_organisations_dutch_hours_are_marked_dutch(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    resident = plan_due_reminder("email", language="en")
    link_organisation(resident, PHONE, HOURS)
    parts = sent_email(queue, smtp)
    assert f"Do you have a question? Call Gemeente on {PHONE} ({HOURS})." in parts["text/plain"]
    assert f'<span lang="nl">{HOURS}</span>' in parts["text/html"]


def test_without_opening_hours_only_the_number(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    resident = plan_due_reminder("email")
    link_organisation(resident, PHONE, "")
    parts = sent_email(queue, smtp)
    assert f"Heeft u een vraag? Bel Gemeente op {PHONE}.\r\n" in parts["text/plain"]


@pytest.mark.parametrize(
    ("lang", "line", "hours_key"),
    [
        ("nl", "Heeft u een vraag? Bel ons op {phone} ({hours}).", "HELP_HOURS"),
        ("en", "Do you have a question? Call us on {phone} ({hours}).", "HELP_HOURS_EN"),
    ],
)
def test_an_organisation_without_a_number_gives_the_help_line(
    app: Flask, queue: Queue, smtp: SmtpRecorder, lang: str, line: str, hours_key: str
) -> None:
    resident = plan_due_reminder("email", language=lang)
    link_organisation(resident, "", HOURS)
    parts = sent_email(queue, smtp)
    help_line = line.format(phone=app.config["HELP_PHONE"], hours=app.config[hours_key])
    assert help_line in parts["text/plain"]
    assert HOURS not in parts["text/plain"]


def test_an_organisation_not_linked_to_the_dossier_gives_the_help_line(
    app: Flask, queue: Queue, smtp: SmtpRecorder
) -> None:
    plan_due_reminder("email")
    parts = sent_email(queue, smtp)
    assert f"Bel ons op {app.config['HELP_PHONE']}" in parts["text/plain"]


def test_the_sms_stays_one_message_without_the_number(
    app: Flask, queue: Queue, spryng: FakeSpryng
) -> None:
    resident = plan_due_reminder("sms")
    link_organisation(resident, PHONE, HOURS)
    with time_machine.travel(SEND, tick=False):
        dispatch_due()
        run_worker(queue)
    (request,) = spryng.requests
    assert request["json"]["body"].startswith("Mijn Overzicht: vandaag om 14.00 uur")
    assert PHONE not in request["json"]["body"]


def test_a_change_notice_about_one_organisation_names_its_number(app: Flask) -> None:
    values = {
        "organisations": ["Gemeente"],
        "changes": ["document-approved"],
        "contact_name": "Gemeente",
        "contact_phone": PHONE,
        "contact_hours": HOURS,
        "contact_dutch": True,
    }
    version = CURRENT["change-notice"]
    rendered = render("change-notice", version, Channel.EMAIL, "nl", values, "https://x.nl")
    assert rendered.paragraphs[-1] == f"Heeft u een vraag? Bel Gemeente op {PHONE} ({HOURS})."
    # Nothing of what changed: the kind of change only.
    assert "Een document dat u stuurde is goedgekeurd." in rendered.paragraphs


def test_the_versions_before_have_no_contact_line(app: Flask) -> None:
    """A reminder planned before the new version keeps its pinned text."""
    values = {"organisation": "Gemeente", "due": "2030-01-01", "contact_phone": PHONE}
    old = render("document-due-soon", 1, Channel.EMAIL, "nl", values, "https://x.nl")
    assert not any(PHONE in p for p in old.paragraphs)
    assert TEMPLATES[("document-due-soon", 2)]["nl"].paragraphs[-1] == "{contact}"
