"""The platform administrator adds an organisation on /beheer/organisaties/nieuw; the page and
`flask add-organisation` share one service (app.services.organisations.add_organisation).
A beheerder of one organisation, a medewerker and a resident may not."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccessLog, Organisation, StaffMember, StaffMembership
from tests.html import check_form_page, check_page, text_of
from tests.login import log_in
from tests.staff.conftest import BAKKER, JAN, JANSEN, VISSER, csrf, login_staff, staff

pytestmark = pytest.mark.usefixtures("seeded")

URL = "/beheer/organisaties/nieuw"
VALID = {
    "name": "Voedselbank Rijnstad",
    "kind": "anders",
    "address": "Kerkstraat 5, 2400 AB Rijnstad",
    "phone": "0172 11 22 33",
    "opening_hours": "dinsdag en donderdag, 10.00 tot 12.00 uur",
    "about": "Wij helpen met een voedselpakket.",
}


def organisations() -> int:
    return db.session.scalar(select(func.count(Organisation.id))) or 0


def found(name: str) -> Organisation | None:
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def test_the_platform_administrator_adds_an_organisation(app: Flask, client: FlaskClient) -> None:
    login_staff(client, VISSER)
    index = check_page(client.get("/beheer").data)
    assert index.select_one(f'main a[href="{URL}"]'), "linked from the start page"
    page = check_form_page(app, client.get(URL).data, error=False)
    assert page.select_one("input#name") and page.select_one("input#phone[type=tel]")
    assert page.select("input[name=kind][type=radio]")
    response = client.post(URL, data={"csrf_token": csrf(client, URL), **VALID})
    assert response.status_code == 303 and response.headers["Location"] == "/beheer"
    added = found("Voedselbank Rijnstad")
    assert added is not None and added.slug == "voedselbank-rijnstad"
    assert (added.phone, added.about) == (VALID["phone"], VALID["about"])
    assert added.opening_hours == VALID["opening_hours"] and added.kind == "anders"
    log = db.session.scalar(select(AccessLog).where(AccessLog.action == "add_organisation"))
    assert log is not None and log.staff_id == staff(VISSER).id
    after = text_of(check_page(client.get("/beheer").data))
    assert "Voedselbank Rijnstad" in after and "flask create-admin" in after


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Vul de naam in."),
        ({"name": "  gemeente rijnstad "}, "name", "Er is al een organisatie met deze naam."),
        ({"phone": "123"}, "phone", "Vul een telefoonnummer in zoals 0172 46 59 00."),
        ({"kind": ""}, "kind", "Kies wat voor organisatie het is."),
    ],
)
def test_mistakes_are_told_at_the_field_and_nothing_typed_is_lost(
    app: Flask, client: FlaskClient, changes: dict[str, str], field: str, message: str
) -> None:
    login_staff(client, VISSER)
    before = organisations()
    data = {"csrf_token": csrf(client, URL), **VALID, **changes}
    soup = check_form_page(app, client.post(URL, data=data).data, error=True)
    error = soup.select_one(f"#{field}-error")
    assert error is not None and message in error.get_text()
    assert organisations() == before
    for name in ("address", "phone", "opening_hours"):
        assert soup.select_one(f"input#{name}")["value"] == data[name]  # type: ignore[index]
    assert soup.select_one("textarea#about").get_text(strip=True) == VALID["about"]  # type: ignore[union-attr]


def test_a_taken_name_is_told_with_the_other_mistakes(app: Flask, client: FlaskClient) -> None:
    login_staff(client, VISSER)
    data = {"csrf_token": csrf(client, URL), **VALID, "name": "Gemeente Rijnstad", "phone": "1"}
    soup = check_form_page(app, client.post(URL, data=data).data, error=True)
    assert soup.select_one("#name-error") and soup.select_one("#phone-error")


def test_only_the_platform_administrator(app: Flask, client: FlaskClient) -> None:
    # A beheerder of one organisation: not a platform administrator.
    bakker = staff(BAKKER)
    db.session.scalar(
        select(StaffMembership).where(StaffMembership.staff_id == bakker.id)
    ).role = "beheerder"  # type: ignore[union-attr]
    db.session.commit()
    login_staff(client, BAKKER)
    index = check_page(client.get("/beheer").data)
    assert not index.select_one(f'a[href="{URL}"]')
    assert client.get(URL).status_code == 403
    token = csrf(client, "/beheer")
    assert client.post(URL, data={"csrf_token": token, **VALID}).status_code == 403
    login_staff(client, JANSEN)  # medewerker
    assert client.get(URL).status_code == 403
    log_in(client, JAN)  # a resident
    assert client.get(URL).status_code == 403
    anonymous = app.test_client()
    response = anonymous.get(URL)
    assert response.status_code == 302 and "/medewerker/inloggen" in response.headers["Location"]
    assert found("Voedselbank Rijnstad") is None


def test_the_command_line_says_the_same_mistakes(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["add-organisation", "--slug", "nieuw", "--name", "Gemeente Rijnstad"]
    )
    assert result.exit_code != 0 and "already an organisation with this name" in result.output
    args = ["add-organisation", "--slug", "nieuw", "--name", "Nieuw", "--phone", "123"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "not a phone number" in result.output
    assert found("Nieuw") is None


def test_create_admin_platform_makes_a_platform_administrator(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["create-admin", "--name", "R. Platform", "--email", "r.platform@example.nl"]
    result = runner.invoke(args=[*args, "--organisation", "gemeente-rijnstad", "--platform"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    member = db.session.scalar(
        select(StaffMember).where(StaffMember.email == "r.platform@example.nl")
    )
    assert member is not None and member.platform_admin and member.is_admin
    assert not staff(BAKKER).platform_admin


def test_a_platform_administrator_who_is_no_beheerder_finds_the_page(
    app: Flask, client: FlaskClient
) -> None:
    """The role beheerder taken away later: the Administration link and its start page stay,
    with the platform part only (no staff lists, no account form); making staff is refused."""
    visser = staff(VISSER)
    for membership in visser.memberships:
        membership.role = "medewerker"
    db.session.commit()
    assert visser.platform_admin and not visser.is_admin
    login_staff(client, VISSER)
    caseload = check_page(client.get("/medewerker").data)
    assert caseload.select_one('nav a[href="/beheer"]'), "the Administration link in the menu"
    index = check_page(client.get("/beheer").data)
    assert index.select_one(f'main a[href="{URL}"]')
    assert not index.select_one("#staff-kop") and not index.select_one("main form")
    assert "Gegevens van" not in text_of(index)
    token = csrf(client, URL)
    data = {"csrf_token": token, "name": "A", "email": "a@example.nl", "role": "medewerker"}
    assert client.post("/beheer", data=data).status_code == 403
    assert client.get(URL).status_code == 200
