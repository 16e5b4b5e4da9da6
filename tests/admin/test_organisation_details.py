"""A beheerder edits their organisation's details (name, visiting address, phone, opening hours,
the text for residents); residents see them on /account and in the summary. The platform
administrator adds organisations with `flask add-organisation`."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AccessLog, Organisation
from tests.html import check_form_page, check_page, text_of
from tests.login import log_in
from tests.staff.conftest import JAN, JANSEN, VISSER, csrf, login_staff

pytestmark = pytest.mark.usefixtures("seeded")


def org(slug: str) -> Organisation:
    db.session.expire_all()
    found = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    assert found is not None
    return found


def test_a_beheerder_edits_the_details_residents_see(app: Flask, client: FlaskClient) -> None:
    gemeente = org("gemeente-rijnstad")
    url = f"/beheer/organisatie/{gemeente.id}"
    login_staff(client, VISSER)
    index = check_page(client.get("/beheer").data)
    assert index.select_one(f'main a[href="{url}"]')
    form = check_form_page(app, client.get(url).data, error=False)
    assert form.select_one("input#name")["value"] == "Gemeente Rijnstad"  # type: ignore[index]
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            "name": "Gemeente Rijnstad",
            "address": "Marktplein 2, 2400 AB Rijnstad",
            "phone": "0172 12 34 56",
            "opening_hours": "maandag tot en met donderdag, 8.30 tot 16.00 uur",
            "about": "Wij helpen u met uitkering, toeslagen en schulden.",
        },
    )
    assert response.status_code == 303
    saved = org("gemeente-rijnstad")
    assert saved.phone == "0172 12 34 56" and saved.address.startswith("Marktplein 2")
    assert (
        db.session.scalar(select(AccessLog.detail).where(AccessLog.action == "edit_organisation"))
        == "address,phone,opening_hours,about"
    )

    resident = app.test_client()
    log_in(resident, JAN)
    account = text_of(check_page(resident.get("/account").data))
    assert "Wij helpen u met uitkering, toeslagen en schulden." in account
    assert "0172 12 34 56" in account
    summary = text_of(check_page(resident.get("/overzicht/print").data))
    assert "0172 12 34 56" in summary and "Marktplein 2" in summary


def test_errors_keep_what_was_typed(app: Flask, client: FlaskClient) -> None:
    gemeente = org("gemeente-rijnstad")
    url = f"/beheer/organisatie/{gemeente.id}"
    login_staff(client, VISSER)
    response = client.post(
        url, data={"csrf_token": csrf(client, url), "name": "", "phone": "0172 99 99 99"}
    )
    soup = check_form_page(app, response.data, error=True)
    assert soup.select_one("#name-error")
    assert soup.select_one("input#phone")["value"] == "0172 99 99 99"  # type: ignore[index]
    assert org("gemeente-rijnstad").name == "Gemeente Rijnstad"


def test_rights(client: FlaskClient) -> None:
    gemeente = org("gemeente-rijnstad")
    schuld = org("schuldhulp-rijnstreek")
    login_staff(client, VISSER)
    assert client.get(f"/beheer/organisatie/{schuld.id}").status_code == 404  # not theirs
    login_staff(client, JANSEN)  # medewerker, no beheerder
    assert client.get(f"/beheer/organisatie/{gemeente.id}").status_code == 403
    log_in(client, JAN)
    assert client.get(f"/beheer/organisatie/{gemeente.id}").status_code == 403


def test_the_platform_administrator_adds_an_organisation(app: Flask) -> None:
    runner = app.test_cli_runner()
    args = ["add-organisation", "--slug", "voedselbank", "--name", "Voedselbank Rijnstad"]
    about = ["--about", "Wij helpen met een voedselpakket."]
    result = runner.invoke(args=[*args, "--kind", "anders", "--phone", "0172 11 22 33", *about])
    assert result.exit_code == 0, result.output
    assert org("voedselbank").phone == "0172 11 22 33"
    assert org("voedselbank").about == "Wij helpen met een voedselpakket."
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already" in again.output
