"""Over the wire, from the live server (issue 14 items 5 and 7): redirects carry no body (Dillo
3.0.5 does not follow one with a body over about 1,000 bytes; the DigiD one was 2.2 KB), error pages
are compressed like every page, and the favicon is there, small and cached for good."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import RED, Visit

pytestmark = pytest.mark.browser

IMMUTABLE = "public, max-age=31536000, immutable"


def test_redirects_have_an_empty_body(browser: Browser, live_server: str, seeded: None) -> None:
    context = browser.new_context()
    api = context.request
    # The DigiD start (a long SAML address), the overview for a visitor, an old language form post.
    for path in ("/inloggen/digid", "/", "/account"):
        response = api.get(f"{live_server}{path}", max_redirects=0)
        assert 300 <= response.status < 400, f"{path}: HTTP {response.status}"
        assert response.headers.get("location"), path
        assert response.body() == b"", f"{path}: a {len(response.body())}-byte body"
    context.close()


def test_error_pages_are_compressed(visit: Visit, live_server: str, seeded: None) -> None:
    for bsn in (None, RED):
        page = visit("/deze-pagina-bestaat-niet", bsn=bsn, status=404)
        response = page.context.request.get(
            f"{live_server}/deze-pagina-bestaat-niet", headers={"Accept-Encoding": "br"}
        )
        assert response.status == 404
        # Playwright decodes the body; the header says what went over the wire.
        assert response.headers.get("content-encoding") == "br", f"logged in: {bool(bsn)}"
        assert "Accept-Encoding" in response.headers.get("vary", "")
        assert "Mijn Overzicht" in response.text()
        page.context.close()


def test_favicon_is_small_and_cached_for_good(visit: Visit, live_server: str) -> None:
    page = visit("/inloggen")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href
    api = page.context.request
    for url, kind in (
        (f"{live_server}{href}", "image/svg+xml"),
        (f"{live_server}/favicon.ico", "image/x-icon"),
    ):
        response = api.get(url)
        assert response.status == 200, url
        assert response.headers["content-type"].startswith(kind), url
        assert response.headers.get("cache-control") == IMMUTABLE, url
        assert len(response.body()) <= 1200, url
