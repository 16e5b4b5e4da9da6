"""'Wie heeft mijn gegevens bekeken' on /account: one line per staff member per day, with what
they did and why; the full list one link away (a plain link, no JavaScript needed)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import BAKKER, JAN, JANSEN, dossier_of, login_staff

pytestmark = pytest.mark.usefixtures("seeded")


def test_views_are_grouped_per_staff_member_per_day(app: Flask, client: FlaskClient) -> None:
    jan = dossier_of(JAN)
    login_staff(client, JANSEN)
    for _ in range(5):
        client.get(f"/medewerker/dossier/{jan.id}")
    client.get(f"/medewerker/dossier/{jan.id}/meekijken")
    other = app.test_client()
    login_staff(other, BAKKER)
    other.get(f"/medewerker/dossier/{jan.id}")

    resident = app.test_client()
    log_in(resident, JAN)
    soup = check_page(resident.get("/account").data)
    section = soup.select_one("section[aria-labelledby=bekeken]")
    assert section is not None
    lines = [text_of(li) for li in section.select("li")]
    assert len(lines) == 2  # Jansen and Bakker, today
    jansen = next(line for line in lines if "P. Jansen" in line)
    assert "(Gemeente Rijnstad)" in jansen
    assert nl(app, "Looked at your dossier") in jansen
    assert nl(app, "Looked at your overview with you") in jansen
    assert nl(app, "Work on your dossier") in jansen
    assert nl(app, "Helping you by phone or at the desk") in jansen
    link = section.select_one("a[href='/account/bekeken']")
    assert link is not None

    # The full list: one line per look.
    full = check_page(resident.get("/account/bekeken").data)
    entries = full.select("main ul.access-log li")
    assert len(entries) == 7
    assert sum(nl(app, "Looked at your dossier") in text_of(e) for e in entries) == 6


def test_the_full_list_is_for_the_resident_only(client: FlaskClient) -> None:
    assert client.get("/account/bekeken").status_code == 302  # to DigiD
    login_staff(client, JANSEN)
    assert client.get("/account/bekeken").status_code == 403
