"""A page that also serves an htmx fragment gives the fragment only to the element that asks
for it (the headers a real htmx client sends: tests/htmx_headers.py). A boosted link or form and
a history restore (the back button after a pushed URL) are swapped into the whole body, so they
get the full page from the same URL; else the resident would see a page without its header,
menu and h1."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.html import check_page
from tests.htmx_headers import boosted_request, fragment_request, history_restore_request
from tests.staff.conftest import JANSEN, fresh_rate_limits, login_staff

__all__ = ["fresh_rate_limits"]

# The URLs that serve a fragment, with the id of the element their hx-get swaps it into.
RESIDENT_FRAGMENTS = [("/", "overzicht"), ("/tijdlijn", "tijdlijn-live")]
STAFF_FRAGMENTS = [("/medewerker?zoek=vries", "caseload-results")]


def assert_fragment_and_pages(client: FlaskClient, url: str, target: str) -> None:
    fragment = client.get(url, headers=fragment_request(url, target=target))
    assert fragment.status_code == 200 and b"<html" not in fragment.data, url
    whole: list[TestResponse] = [
        client.get(url, headers=boosted_request(url)),
        client.get(url, headers=history_restore_request(url)),
    ]
    for response in whole:
        assert response.status_code == 200, url
        assert b"<html" in response.data, f"{url}: a fragment for a whole-page request"
        check_page(response.data)
        assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(("url", "target"), RESIDENT_FRAGMENTS)
def test_resident_pages_give_fragments_only_to_their_element(
    resident_client: FlaskClient, url: str, target: str
) -> None:
    assert_fragment_and_pages(resident_client, url, target)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(("url", "target"), STAFF_FRAGMENTS)
def test_the_caseload_search_gives_its_fragment_only_to_the_search(
    app: Flask, client: FlaskClient, url: str, target: str
) -> None:
    login_staff(client, JANSEN)
    assert_fragment_and_pages(client, url, target)


def test_boosted_forms_get_the_whole_page_back(resident_client: FlaskClient) -> None:
    """Pages reached by a boosted form (and the form pages themselves) serve no fragment."""
    pages = ["/documenten", "/documenten/iets-anders-sturen", "/afspraken", "/vragen"]
    for url in [*pages, "/vragen/stellen", "/afspraken/maken"]:
        response = resident_client.get(url, headers=boosted_request(url))
        assert response.status_code == 200, url
        check_page(response.data)
