"""/account: contact details (mobile numbers normalised to E.164) and reminder choices."""

from __future__ import annotations

from datetime import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import ReminderPreference, Resident
from app.models.notification import Channel, ReminderKind
from app.services.notifications.preferences import InvalidPhone, normalise_mobile
from tests.html import check_page, text_of


def jan() -> Resident:
    db.session.expire_all()
    resident = db.session.scalar(select(Resident).where(Resident.first_name == "Jan"))
    assert resident is not None
    return resident


def form_data(client: FlaskClient, **changes: str) -> dict[str, str]:
    soup = check_page(client.get("/account").data)
    data = {
        "csrf_token": soup.select_one("input[name=csrf_token]")["value"],
        "email": "jan@example.nl",
        "phone": "06-12345678",
        "appointment": "both",
        "document": "email",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("06-12345678", "+31612345678"),
        ("06 12 34 56 78", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("(06) 1234 5678", "+31612345678"),
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_mobile_numbers_are_normalised(raw: str, e164: str) -> None:
    assert normalise_mobile(raw) == e164


@pytest.mark.parametrize(
    ("raw", "reason"), [("071 123 4567", "not-mobile"), ("0612", "invalid"), ("hallo", "invalid")]
)
def test_other_numbers_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as info:
        normalise_mobile(raw)
    assert info.value.reason == reason


def test_the_page_shows_the_current_choices(app: Flask, resident_client: FlaskClient) -> None:
    response = resident_client.get("/account")
    assert response.status_code == 200
    soup = check_page(response.data)
    assert soup.h1.get_text(strip=True) in (
        "Your contact details and reminders",
        "Uw contactgegevens en herinneringen",
    )
    assert soup.select_one("input[name=appointment][value=both]").has_attr("checked")
    assert soup.select_one("#quiet_start option[selected]")["value"] == "21:00"
    assert soup.select_one("#phone")["type"] == "tel"
    assert soup.select_one("#email")["autocomplete"] == "email"


def test_saving_contact_details_and_choices(app: Flask, resident_client: FlaskClient) -> None:
    response = resident_client.post("/account", data=form_data(resident_client))
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    resident = jan()
    assert (resident.email, resident.phone) == ("jan@example.nl", "+31612345678")
    pref = db.session.get(ReminderPreference, resident.id)
    assert pref.channels_for(ReminderKind.APPOINTMENT) == {Channel.EMAIL, Channel.SMS}
    assert pref.document_channels == "email"
    assert (pref.quiet_start, pref.quiet_end) == (time(22), time(7))
    page = check_page(resident_client.get("/account").data)
    assert page.select_one("#phone")["value"] == "06 12345678"
    assert page.select_one("[role=status]") is not None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "071 123 4567"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"email": "jan@example"}, "email"),
        ({"phone": "", "appointment": "sms"}, "phone"),
        ({"email": "", "document": "email"}, "email"),
    ],
)
def test_mistakes_are_shown_next_to_the_field_and_typed_values_kept(
    app: Flask, resident_client: FlaskClient, changes: dict[str, str], field: str
) -> None:
    response = resident_client.post("/account", data=form_data(resident_client, **changes))
    assert response.status_code == 200
    soup = check_page(response.data)
    error = soup.select_one(f"#{field}-error")
    assert error is not None and text_of(error)
    assert f"{field}-error" in soup.select_one(f"#{field}")["aria-describedby"]
    assert soup.select_one(".error-summary a")["href"] == f"#{field}"
    assert soup.title.get_text().startswith(("Fout", "Error"))
    for name in ("email", "phone"):
        assert (
            soup.select_one(f"#{name}").get("value", "")
            == form_data(resident_client, **changes)[name]
        )
    assert jan().phone == ""


def test_no_reminders_needs_no_address(app: Flask, resident_client: FlaskClient) -> None:
    data = form_data(resident_client, email="", phone="", appointment="none", document="none")
    assert resident_client.post("/account", data=data).status_code == 303
    assert jan().email == ""


def test_anonymous_visitors_are_sent_to_login(app: Flask, client: FlaskClient) -> None:
    response = client.get("/account")
    assert response.status_code in (302, 303)
    assert response.headers["Location"].startswith("/inloggen")
