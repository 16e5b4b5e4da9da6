"""The resident menu (app.resident_menu): one link per area, and the page being read marks its
area, also on the pages of an area that live in a blueprint of their own (who looked at my
dossier, the printable summary)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.demo import DEMO_RESIDENTS
from app.feedback.page_names import page_name
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in

RED = DEMO_RESIDENTS[0].bsn
MENU = ["Overview", "Documents", "Appointments", "Questions", "Timeline", "My details"]


@pytest.mark.parametrize(
    ("path", "area"),
    [
        ("/", "Overview"),
        ("/documenten", "Documents"),
        ("/account", "My details"),
        ("/account/bekeken", "My details"),
        ("/overzicht/print", "Overview"),
    ],
)
def test_the_menu_marks_the_area_of_the_page(
    app: Flask, seeded: None, client: FlaskClient, path: str, area: str
) -> None:
    log_in(client, RED)
    soup = check_page(client.get(path).data)
    links = soup.select("nav.resident-nav a")
    assert [text_of(a) for a in links] == [nl(app, label) for label in MENU]
    current = soup.select("nav.resident-nav a[aria-current=page]")
    assert [text_of(a) for a in current] == [nl(app, area)]


def test_a_reaction_names_its_page_as_the_menu_does(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        assert page_name("documents.upload") == nl(app, "Documents")
        assert page_name("consent.index") == nl(app, "My details")
        assert page_name("summary.print_page") == nl(app, "Overview")
        assert page_name("pages.help") == nl(app, "Help and information")
        assert page_name("nergens.iets") == "nergens.iets"
        assert page_name(None) == "–"
