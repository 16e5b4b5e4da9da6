"""Reminders in the staff dossier view (with "send again" for a failed one) and staff downloads
of a resident's document: rights, CSRF, the access log."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import AccessLog, Notification
from app.models.notification import NotificationStatus
from app.services.storage import LocalStorage
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.staff.conftest import (
    BAKKER,
    DEBOER,
    FATIMA,
    JAN,
    JANSEN,
    KEES,
    csrf,
    dossier_of,
    login_staff,
    received_document,
    reminder,
    resident_of,
)

pytestmark = pytest.mark.usefixtures("seeded")


def log_rows(dossier_id: int) -> list[tuple[str, str]]:
    db.session.expire_all()
    return [
        (r.action, r.why)
        for r in db.session.scalars(
            select(AccessLog).where(AccessLog.dossier_id == dossier_id).order_by(AccessLog.id)
        )
    ]


def log_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AccessLog)) or 0


def resends_of(notification_id: str) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Notification).where(Notification.resend_of == notification_id))
    )


def test_the_reminders_section_says_each_reminder_in_plain_words(
    app: Flask, client: FlaskClient
) -> None:
    failed = reminder(JAN, "permanent-failure", channel="sms")
    reminder(JAN, "delivered", template="appointment-day-before", reason=None)
    reminder(JAN, "cancelled", reason="opted-out")
    reminder(JAN, "pending", template="document-overdue", reason=None)
    login_staff(client, JANSEN)
    soup = check_page(client.get(f"/medewerker/dossier/{dossier_of(JAN).id}").data)
    section = soup.select_one('section[aria-labelledby="herinneringen-kop"]')
    assert section is not None
    assert text_of(section.h2) == nl(app, "Reminders")
    text = text_of(section)
    for words in (
        "Reminder: a document is needed soon",
        "Appointment reminder, the day before",
        "Reminder: a document is late",
        "SMS",
        "E-mail",
        "Failed",
        "Delivered",
        "Planned",
        "Cancelled, not sent",
        "the resident does not want this reminder",
    ):
        assert nl(app, words) in text, words
    assert "smtp 550 mailbox unknown" in text  # a provider's reason as it came
    assert "Bankafschrift sturen" in text
    # Only the failed one has a button, and it is a real form.
    forms = section.select("form")
    assert len(forms) == 1
    assert forms[0]["method"] == "post"
    assert forms[0]["action"].endswith(f"/herinnering/{failed}/opnieuw")
    assert forms[0].select_one("input[name=csrf_token]")
    assert nl(app, "Send again") in text_of(forms[0])


def test_no_reminders(app: Flask, client: FlaskClient) -> None:
    db.session.execute(delete(Notification).where(Notification.resident_id == resident_of(JAN).id))
    db.session.commit()
    login_staff(client, JANSEN)
    soup = check_page(client.get(f"/medewerker/dossier/{dossier_of(JAN).id}").data)
    section = soup.select_one('section[aria-labelledby="herinneringen-kop"]')
    assert section is not None and nl(app, "No reminders were planned.") in text_of(section)


def test_a_failed_reminder_can_be_sent_again(app: Flask, client: FlaskClient) -> None:
    failed = reminder(JAN, "permanent-failure")
    dossier_id = dossier_of(JAN).id
    login_staff(client, JANSEN)
    page = f"/medewerker/dossier/{dossier_id}"
    token = csrf(client, page)
    before = log_rows(dossier_id)
    response = client.post(f"{page}/herinnering/{failed}/opnieuw", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].split("#")[0].endswith(page)
    (copy,) = resends_of(failed)
    assert copy.status is NotificationStatus.PENDING
    assert db.session.get(Notification, failed).status is NotificationStatus.PERMANENT_FAILURE  # type: ignore[union-attr]
    assert log_rows(dossier_id)[len(before) :] == [("resend_reminder", "casework")]
    # The new row shows as planned, the old one stays failed (with its button).
    soup = check_page(client.get(page).data)
    section = soup.select_one('section[aria-labelledby="herinneringen-kop"]')
    assert section is not None
    assert nl(app, "Planned") in text_of(section) and nl(app, "Failed") in text_of(section)
    assert nl(app, "The reminder will be sent again.") in soup.get_text()


@pytest.mark.parametrize("status", ["pending", "sent", "delivered", "cancelled"])
def test_a_reminder_that_did_not_fail_cannot_be_sent_again(
    app: Flask, client: FlaskClient, status: str
) -> None:
    row = reminder(JAN, status, reason=None)
    dossier_id = dossier_of(JAN).id
    login_staff(client, JANSEN)
    page = f"/medewerker/dossier/{dossier_id}"
    token = csrf(client, page)
    before = log_count()
    response = client.post(f"{page}/herinnering/{row}/opnieuw", data={"csrf_token": token})
    assert response.status_code == 303
    assert resends_of(row) == []
    assert log_count() == before
    assert nl(app, "Only a failed reminder can be sent again.") in client.get(page).get_data(
        as_text=True
    )


def test_resend_needs_csrf(client: FlaskClient) -> None:
    failed = reminder(JAN)
    login_staff(client, JANSEN)
    url = f"/medewerker/dossier/{dossier_of(JAN).id}/herinnering/{failed}/opnieuw"
    assert client.post(url).status_code == 400
    assert client.post(url, data={"csrf_token": "wrong"}).status_code == 400
    assert resends_of(failed) == []


def test_a_reminder_of_another_resident_is_not_found(client: FlaskClient) -> None:
    other = reminder(KEES)  # Kees's dossier, through Jan's dossier address
    login_staff(client, BAKKER)
    page = f"/medewerker/dossier/{dossier_of(JAN).id}"
    token = csrf(client, page)
    before = log_count()
    response = client.post(f"{page}/herinnering/{other}/opnieuw", data={"csrf_token": token})
    assert response.status_code == 404
    assert resends_of(other) == [] and log_count() == before


def test_download_for_linked_staff(client: FlaskClient, storage: LocalStorage) -> None:
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    login_staff(client, BAKKER)
    page = check_page(client.get(f"/medewerker/dossier/{doc.dossier_id}").data)
    review = page.select_one('section[aria-labelledby="check-kop"]')
    assert review is not None
    link = review.select_one(f'a[href="/medewerker/dossier/{doc.dossier_id}/bestand/{doc.id}"]')
    assert link is not None and "bewijs.pdf" in text_of(link)
    before = log_rows(doc.dossier_id)
    response = client.get(str(link["href"]))
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "bewijs.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.mimetype == "application/pdf"
    assert log_rows(doc.dossier_id)[len(before) :] == [("download_document", "casework")]


def test_unlinked_staff_get_404_for_both_routes_and_no_log_row(
    client: FlaskClient, storage: LocalStorage
) -> None:
    # De Boer's housing corporation is not linked to Jan's dossier.
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    failed = reminder(JAN)
    login_staff(client, DEBOER)
    token = csrf(client, f"/medewerker/dossier/{dossier_of(FATIMA).id}")
    base = f"/medewerker/dossier/{doc.dossier_id}"
    before = log_count()
    download = client.get(f"{base}/bestand/{doc.id}")
    assert download.status_code == 404 and not download.data.startswith(b"%PDF")
    resend = client.post(f"{base}/herinnering/{failed}/opnieuw", data={"csrf_token": token})
    assert resend.status_code == 404
    assert "Jan de Vries" not in resend.get_data(as_text=True)
    assert log_count() == before
    assert resends_of(failed) == []


def test_a_file_for_another_organisation_is_404_without_a_log_row(
    client: FlaskClient, storage: LocalStorage
) -> None:
    # Jansen's gemeente is linked to Jan's dossier, but this file is for the schuldhulp.
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    login_staff(client, JANSEN)
    before = log_count()
    response = client.get(f"/medewerker/dossier/{doc.dossier_id}/bestand/{doc.id}")
    assert response.status_code == 404
    assert log_count() == before
