"""Defence in depth next to the CSRF token: a POST whose browser says it comes from another
site (Origin or Sec-Fetch-Site) is refused with a kind page; without those headers (old
browsers) nothing changes; servers that post to us (DigiD, the SMS gateway) are not affected."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.html import check_page, text_of


def _language_post(client: FlaskClient, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    page = BeautifulSoup(client.get("/toegankelijkheid").data, "html.parser")
    token = page.select_one("footer form input[name=csrf_token]")["value"]
    data = {"csrf_token": token, "lang": "en", "next": "/toegankelijkheid"}
    return client.post("/taal", data=data, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_post_from_another_site_is_refused(client: FlaskClient, headers: dict[str, str]) -> None:
    response = _language_post(client, headers)
    assert response.status_code == 403
    soup = check_page(response.data)
    assert text_of(soup.h1) == "Dit formulier kwam van een andere website"
    with client.session_transaction() as session:
        assert session.get("lang") != "en", "nothing was done"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://localhost"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_own_posts_and_old_browsers_still_work(
    client: FlaskClient, headers: dict[str, str]
) -> None:
    response = _language_post(client, headers)
    assert response.status_code == 303
    assert response.headers["Location"] == "/toegankelijkheid"


def test_servers_that_post_to_us_are_not_affected(client: FlaskClient) -> None:
    response = client.post(
        "/receipts/spryng", data={}, headers={"Origin": "https://gateway.example"}
    )
    assert response.status_code != 403
