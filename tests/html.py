"""Parse a rendered page and check the invariants every page must keep (after GOV.UK Notify's
client_request): lang set, one h1, title begins with the h1, unique ids, landmarks, skip link,
every form has method and action, every input has a label, errors tied to fields."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from flask import Flask

from tests.i18n import nl


def check_page(html: str | bytes, *, partial: bool = False) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    ids = [el["id"] for el in soup.find_all(id=True)]
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate ids: {dupes}"
    h1s = soup.find_all("h1")
    assert len(h1s) == 1, f"expected one h1, found {len(h1s)}"
    if not partial:
        html_el = soup.find("html")
        assert isinstance(html_el, Tag) and html_el.get("lang") in ("nl", "en"), "lang not set"
        title = soup.title.get_text(strip=True) if soup.title else ""
        h1 = " ".join(h1s[0].get_text().split())
        # On a page with errors the title is prefixed (GOV.UK): "Fout: <h1> – Mijn Overzicht".
        bare = title.removeprefix("Fout: ").removeprefix("Error: ")
        assert bare.startswith(h1), f"title {title!r} must start with h1 {h1!r}"
        for landmark in ("header", "main", "footer"):
            assert soup.find(landmark), f"no <{landmark}> landmark"
        skip = soup.find("a", class_="skip-link")
        assert skip is not None and skip["href"] == "#" + str(soup.main.get("id")), "skip link"
    for form in soup.find_all("form"):
        assert form.get("method") and form.get("action") is not None, (
            f"form without method/action: {form}"
        )
    for field in soup.select("input, select, textarea"):
        if field.get("type") in ("hidden", "submit", "button"):
            continue
        fid = field.get("id")
        labelled = (fid and soup.find("label", attrs={"for": fid})) or field.find_parent("label")
        assert labelled, f"field without label: {field}"
    for err in soup.select(".error-message"):
        eid = err.get("id")
        assert eid and soup.select(f'[aria-describedby~="{eid}"]'), (
            f"error not tied to a field: {err}"
        )
    return soup


def text_of(soup: BeautifulSoup | Tag) -> str:
    return " ".join(soup.get_text(" ").split())


def check_form_page(app: Flask, html: bytes, *, error: bool) -> BeautifulSoup:
    """check_page, plus the GOV.UK error rules: 'Error: ' before the title exactly when there
    are errors, a summary linking to each field, each message with its hidden prefix."""
    soup = BeautifulSoup(html, "html.parser")
    prefix = nl(app, "Error") + ": "
    title = soup.title.get_text() if soup.title else ""
    assert title.startswith(prefix) == error, title
    if error:
        soup.title.string = title[len(prefix) :]  # type: ignore[union-attr]
        links = soup.select(".error-summary a")
        assert links and all(soup.select_one(a["href"]) for a in links)
        for msg in soup.select(".error-message"):
            assert msg.select_one(".visually-hidden")
    return check_page(str(soup))
