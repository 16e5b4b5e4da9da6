"""/beheer: beheerders create staff accounts and link them to their organisations; the CLI makes
the first beheerder."""

from __future__ import annotations

import re

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Organisation
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.staff.conftest import JANSEN, VISSER, csrf, login_staff, post_login, staff


def session_contents(app: Flask, client: FlaskClient) -> dict[str, object]:
    """What the signed (not encrypted) session cookie holds: anyone with the cookie can read it."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


@pytest.mark.usefixtures("seeded")
def test_create_an_account_then_it_logs_in_with_totp(app: Flask, client: FlaskClient) -> None:
    login_staff(client, VISSER)
    page = check_page(client.get("/beheer").data)
    assert "P. Jansen" in text_of(page)
    gemeente = staff(VISSER).memberships[0].organisation_id
    bad = client.post(
        "/beheer",
        data={
            "csrf_token": csrf(client, "/beheer"),
            "name": "",
            "email": "geen-adres",
            "organisation": gemeente,
            "role": "medewerker",
        },
    )
    assert bad.status_code == 200
    assert bad.get_data(as_text=True).count('class="error-message"') == 2
    response = client.post(
        "/beheer",
        data={
            "csrf_token": csrf(client, "/beheer"),
            "name": "K. Nieuw",
            "email": "k.nieuw@gemeente-rijnstad.example.nl",
            "organisation": gemeente,
            "role": "medewerker",
        },
    )
    # Shown once, in the answer to the POST itself; never kept in the session cookie.
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    detail = check_page(response.data)
    password = detail.select_one(".notice .secret").get_text()  # type: ignore[union-attr]
    assert re.fullmatch(r"[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}", password)
    assert password not in str(session_contents(app, client))
    newbie_id = staff("k.nieuw@gemeente-rijnstad.example.nl").id
    again = client.get(f"/beheer/medewerker/{newbie_id}").get_data(as_text=True)
    assert password not in again
    # The new staff member: password, then the TOTP set-up, then the caseload.
    newbie = app.test_client()
    first = post_login(newbie, "k.nieuw@gemeente-rijnstad.example.nl", password=password, code="")
    assert first.headers["Location"].endswith("/app-instellen")
    newbie.get("/medewerker/inloggen/app-instellen")
    secret = staff("k.nieuw@gemeente-rijnstad.example.nl").totp_secret
    assert secret
    done = newbie.post(
        "/medewerker/inloggen/app-instellen",
        data={
            "csrf_token": csrf(newbie, "/medewerker/inloggen/app-instellen"),
            "code": pyotp.TOTP(secret).now(),
            "password": "nieuw wachtwoord 123",
            "password_again": "nieuw wachtwoord 123",
        },
    )
    assert done.status_code == 303
    assert newbie.get("/medewerker").status_code == 200


@pytest.mark.usefixtures("seeded")
def test_duplicate_email_is_refused(client: FlaskClient) -> None:
    login_staff(client, VISSER)
    gemeente = staff(VISSER).memberships[0].organisation_id
    response = client.post(
        "/beheer",
        data={
            "csrf_token": csrf(client, "/beheer"),
            "name": "X",
            "email": JANSEN,
            "organisation": gemeente,
            "role": "medewerker",
        },
    )
    assert response.status_code == 200
    assert check_page(response.data.replace(b"<title>Fout: ", b"<title>")).select_one(
        "#email-error"
    )


@pytest.mark.usefixtures("seeded")
def test_change_role_remove_link_and_reset(app: Flask, client: FlaskClient) -> None:
    login_staff(client, VISSER)
    jansen = staff(JANSEN)
    url = f"/beheer/medewerker/{jansen.id}"
    gemeente = jansen.memberships[0].organisation_id
    response = client.post(
        url, data={"csrf_token": csrf(client, url), "organisation": gemeente, "role": "beheerder"}
    )
    assert response.status_code == 303
    assert staff(JANSEN).is_admin
    worker = login_staff(app.test_client(), JANSEN)
    reset = client.post(f"{url}/herstellen", data={"csrf_token": csrf(client, url)})
    assert reset.status_code == 200
    assert reset.headers["Cache-Control"] == "private, no-store"
    password = check_page(reset.data).select_one(".notice .secret").get_text()  # type: ignore[union-attr]
    assert password not in str(session_contents(app, client))
    assert password not in client.get(url).get_data(as_text=True)
    # A reset ends the staff member's sessions and asks for a new TOTP set-up.
    assert worker.get("/medewerker").status_code == 302
    assert staff(JANSEN).totp_confirmed_at is None
    membership = staff(JANSEN).memberships[0].id
    gone = client.post(f"{url}/ontkoppelen/{membership}", data={"csrf_token": csrf(client, url)})
    assert gone.status_code == 303
    assert staff(JANSEN).memberships == []


def test_cli_creates_the_first_beheerder(app: Flask) -> None:
    runner = app.test_cli_runner()
    missing = runner.invoke(
        args=[
            "create-admin",
            "--name",
            "B. Eerst",
            "--email",
            "b@example.nl",
            "--organisation",
            "nieuw",
        ]
    )
    assert missing.exit_code != 0
    result = runner.invoke(
        args=[
            "create-admin",
            "--name",
            "B. Eerst",
            "--email",
            "b@example.nl",
            "--organisation",
            "nieuw",
            "--organisation-name",
            "Gemeente Nieuw",
        ]
    )
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password: (\S+)", result.output)
    assert password
    assert db.session.scalar(select(Organisation).where(Organisation.slug == "nieuw"))
    member = staff("b@example.nl")
    assert member.is_admin and member.totp_confirmed_at is None
    twice = runner.invoke(
        args=["create-admin", "--name", "B", "--email", "b@example.nl", "--organisation", "nieuw"]
    )
    assert twice.exit_code != 0


@pytest.mark.usefixtures("seeded")
def test_demo_staff_command_prints_logins(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo-staff"])
    assert result.exit_code == 0
    assert JANSEN in result.output and "code now:" in result.output


@pytest.mark.usefixtures("seeded")
def test_admin_pages_pass_the_page_checks(app: Flask, client: FlaskClient) -> None:
    login_staff(client, VISSER)
    for url in ("/beheer", f"/beheer/medewerker/{staff(JANSEN).id}"):
        soup = check_page(client.get(url).data)
        assert nl(app, "Administration") in text_of(soup.select_one("nav.staff-nav"))  # type: ignore[arg-type]
