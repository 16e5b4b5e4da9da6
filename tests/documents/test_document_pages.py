"""The documents pages after a real DigiD login: checklist, upload, bad input, download, access."""

from __future__ import annotations

import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Document
from app.services.accounts import resident_for_bsn
from app.services.documents import checklist
from app.services.storage import LocalStorage
from tests import files
from tests.html import check_form_page, check_page, text_of
from tests.htmx_headers import boosted_request
from tests.i18n import nl
from tests.login import log_in

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)


def first_needed_task_id(bsn: str) -> int:
    resident = resident_for_bsn(bsn)
    assert resident is not None and resident.dossier is not None
    return next(i.task.id for i in checklist(resident.dossier) if i.state == "needed")


def csrf(client: FlaskClient, url: str) -> str:
    soup = BeautifulSoup(client.get(url).data, "html.parser")
    return str(soup.select_one("main form input[name=csrf_token]")["value"])


def post_files(
    client: FlaskClient,
    url: str,
    uploads: list[tuple[bytes, str]],
    headers: dict[str, str] | None = None,
    **fields: Any,
):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = {"csrf_token": csrf(client, url), **fields}
    data["files"] = [(io.BytesIO(content), name) for content, name in uploads]
    return client.post(url, data=data, content_type="multipart/form-data", headers=headers or {})


def document_count() -> int:
    return int(db.session.scalar(select(func.count(Document.id))) or 0)


@pytest.fixture
def no_new_documents(app: Flask, seeded: None):  # type: ignore[no-untyped-def]
    """Asserts after the test that no Document row was added (the seed has some)."""
    before = document_count()
    yield
    db.session.rollback()
    assert document_count() == before


@pytest.fixture
def jan(
    app: Flask, seeded: None, live_server: str, client: FlaskClient, storage: LocalStorage
) -> FlaskClient:
    log_in(client, RED)
    return client


def test_checklist_says_who_asked_why_and_by_when(app: Flask, jan: FlaskClient) -> None:
    soup = check_page(jan.get("/documenten").data)
    assert text_of(soup.h1) == nl(app, "Your documents")
    items = soup.select("ul.checklist > li")
    first = text_of(items[0])
    assert "Uitkeringsspecificatie van oktober sturen" in first
    assert "Schuldhulpverlening Rijnstreek" in first
    assert "Wij hebben dit nodig om uw inkomen te berekenen." in first
    assert items[0].select_one(".status-needed")
    assert items[0].select_one("a.button")["href"].endswith("/sturen")
    boosted = jan.get("/documenten", headers=boosted_request("/documenten/iets-anders-sturen"))
    assert text_of(check_page(boosted.data).h1) == nl(app, "Your documents"), "the whole page"


def test_upload_form_offers_camera_progress_and_plain_post(app: Flask, jan: FlaskClient) -> None:
    task_id = first_needed_task_id(RED)
    soup = check_form_page(app, jan.get(f"/documenten/{task_id}/sturen").data, error=False)
    form = soup.select_one("main form")
    assert form["method"] == "post" and form["enctype"] == "multipart/form-data"
    assert form["action"] == f"/documenten/{task_id}/sturen" and form["hx-boost"] == "true"
    assert "application/pdf" in soup.select_one("#files")["accept"]
    assert soup.select_one("#files").has_attr("multiple")
    assert soup.select_one("#photo")["capture"] == "environment"
    assert soup.select_one("progress")


@pytest.mark.parametrize("htmx", [False, True])
def test_upload_then_download(
    app: Flask, jan: FlaskClient, storage: LocalStorage, htmx: bool
) -> None:
    task_id = first_needed_task_id(RED)
    data = files.pdf()
    headers = boosted_request(f"/documenten/{task_id}/sturen") if htmx else {}
    response = post_files(
        jan,
        f"/documenten/{task_id}/sturen",
        [(data, "spec oktober.pdf"), (files.png(), "foto.png")],
        headers,
    )
    assert response.status_code == 303 and response.headers["Location"] == "/documenten"
    soup = check_page(jan.get("/documenten").data)
    item = soup.select_one(f"#document-{task_id}")
    assert item.select_one(".status-received")
    links = item.select("ul.files a")
    assert [text_of(a) for a in links] == ["spec oktober.pdf", "foto.png"]
    assert len(storage.stored_keys()) == 2
    download = jan.get(links[0]["href"])
    assert download.status_code == 200 and download.data == data
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    # The overview's light follows: one of Jan's two documents is now with the organisation.
    overview = check_page(jan.get("/").data)
    assert "Uitkeringsspecificatie van oktober sturen" in text_of(
        overview.select_one("#voor-org").parent
    )


BAD = [
    ("not a pdf", b"just some text, not a PDF", "brief.pdf"),
    ("empty", b"", "leeg.pdf"),
    ("encrypted", files.pdf(password="geheim"), "slot.pdf"),
    ("broken", files.broken_pdf(), "kapot.pdf"),
    ("path parts", files.pdf(), "../../etc/passwd.pdf"),
    ("control chars", files.pdf(), "bad\x07name.pdf"),
    ("html as png", b"<html><script>alert(1)</script></html>", "foto.png"),
]


@pytest.mark.parametrize(("case", "content", "name"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_get_a_plain_message_next_to_the_field(
    app: Flask,
    jan: FlaskClient,
    storage: LocalStorage,
    no_new_documents: None,
    case: str,
    content: bytes,
    name: str,
) -> None:
    task_id = first_needed_task_id(RED)
    response = post_files(jan, f"/documenten/{task_id}/sturen", [(content, name)])
    assert response.status_code == 200
    soup = check_form_page(app, response.data, error=True)
    error = soup.select_one("#files-error")
    assert error is not None and text_of(error)
    assert "files-error" in soup.select_one("#files")["aria-describedby"]
    assert soup.select_one(".error-summary a")["href"] == "#files"
    assert storage.stored_keys() == []


def test_too_big_is_refused_while_streaming(
    no_new_documents: None,
    app: Flask,
    jan: FlaskClient,
    storage: LocalStorage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    task_id = first_needed_task_id(RED)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_FILE_BYTES", 2048)
    response = post_files(
        jan, f"/documenten/{task_id}/sturen", [(files.pdf() + b"0" * 4096, "groot.pdf")]
    )
    soup = check_form_page(app, response.data, error=True)
    assert "MB" in text_of(soup.select_one("#files-error"))
    assert storage.stored_keys() == []


def test_no_file_chosen(app: Flask, jan: FlaskClient) -> None:
    task_id = first_needed_task_id(RED)
    url = f"/documenten/{task_id}/sturen"
    response = jan.post(url, data={"csrf_token": csrf(jan, url)})
    soup = check_form_page(app, response.data, error=True)
    assert soup.select_one("#files-error")


def test_boosted_error_gets_the_whole_page(app: Flask, jan: FlaskClient) -> None:
    """The form is hx-boost'ed: htmx swaps the answer into the body, so it is the full page."""
    task_id = first_needed_task_id(RED)
    url = f"/documenten/{task_id}/sturen"
    response = post_files(jan, url, [(b"", "leeg.pdf")], boosted_request(url))
    assert response.status_code == 200
    check_form_page(app, response.data, error=True)


def test_cut_off_upload_leaves_nothing_behind(
    no_new_documents: None, app: Flask, jan: FlaskClient, storage: LocalStorage
) -> None:
    task_id = first_needed_task_id(RED)
    url = f"/documenten/{task_id}/sturen"
    token = csrf(jan, url)
    boundary = "grens"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + files.pdf()[:200]
    response = jan.post(
        url,
        input_stream=io.BytesIO(body),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(body) + 5000),
        },
    )
    assert response.status_code == 400, "a plain 'try again' page, never a 500"
    assert storage.stored_keys() == []


SEND_OTHER = "/documenten/iets-anders-sturen"


def send_other_refused(app: Flask, client: FlaskClient, upload: tuple[bytes, str]) -> Any:
    """Send "iets anders" with this file to the first organisation, with a description; the
    file is refused. Returns the page that comes back (an error page) and that organisation's
    id."""
    page = check_form_page(app, client.get(SEND_OTHER).data, error=False)
    org_id = page.select("#organisation option")[1]["value"]
    response = post_files(
        client, SEND_OTHER, [upload], organisation=org_id, description="Brief over mijn huur"
    )
    return check_form_page(app, response.data, error=True), org_id


def test_something_else_keeps_what_was_typed(
    app: Flask, jan: FlaskClient, storage: LocalStorage
) -> None:
    url = SEND_OTHER
    soup, org_id = send_other_refused(app, jan, (b"", "leeg.pdf"))
    assert soup.select_one("#description")["value"] == "Brief over mijn huur"
    assert soup.select_one(f"#organisation option[value='{org_id}']").has_attr("selected")
    response = post_files(jan, url, [(files.pdf(), "a.pdf")], organisation="0", description="")
    soup = check_form_page(app, response.data, error=True)
    assert soup.select_one("#organisation-error") and soup.select_one("#description-error")
    assert [a["href"] for a in soup.select(".error-summary a")] == ["#organisation", "#description"]
    assert storage.stored_keys() == []
    response = post_files(
        jan,
        url,
        [(files.pdf(), "brief.pdf")],
        organisation=org_id,
        description="Brief over mijn huur",
    )
    assert response.status_code == 303
    soup = check_page(jan.get("/documenten").data)
    assert "Brief over mijn huur" in text_of(soup.select_one("ul.checklist"))


def test_another_resident_gets_404_for_every_id(
    app: Flask, seeded: None, live_server: str, client: FlaskClient, storage: LocalStorage
) -> None:
    log_in(client, RED)
    task_id = first_needed_task_id(RED)
    assert (
        post_files(client, f"/documenten/{task_id}/sturen", [(files.pdf(), "a.pdf")]).status_code
        == 303
    )
    doc_id = db.session.scalar(select(func.max(Document.id)))
    log_in(client, GREEN)
    assert client.get(f"/documenten/{task_id}/sturen").status_code == 404
    token = csrf(client, "/documenten/iets-anders-sturen")
    posted = client.post(
        f"/documenten/{task_id}/sturen",
        data={"csrf_token": token},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 404
    assert client.get(f"/documenten/bestand/{doc_id}").status_code == 404
    assert client.get("/documenten/bestand/999999").status_code == 404
    soup = check_page(client.get("/documenten").data)
    assert "Uitkeringsspecificatie van oktober" not in text_of(soup)


def test_a_request_that_is_no_longer_open_sends_back_with_a_message(
    app: Flask, jan: FlaskClient
) -> None:
    from app import clock
    from app.models import Task, TaskKind

    jan_dossier = resident_for_bsn(RED).dossier  # type: ignore[union-attr]
    tasks = db.session.scalars(
        select(Task).where(Task.dossier_id == jan_dossier.id, Task.kind == TaskKind.DOCUMENT)
    ).all()
    done = next(t for t in tasks if not t.is_open)
    cancelled = next(t for t in tasks if t.is_open)
    cancelled.cancel(clock.now())
    db.session.commit()
    for task_id in (done.id, cancelled.id):
        response = jan.get(f"/documenten/{task_id}/sturen")
        assert response.status_code == 303 and response.headers["Location"] == "/documenten"
        check_page(jan.get("/documenten").data)


def test_a_request_far_too_big_gets_the_plain_413_page(
    no_new_documents: None,
    app: Flask,
    jan: FlaskClient,
    storage: LocalStorage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    task_id = first_needed_task_id(RED)
    url = f"/documenten/{task_id}/sturen"
    monkeypatch.setitem(app.config, "UPLOAD_MAX_FILE_BYTES", 1024)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_FILES", 1)
    response = post_files(jan, url, [(files.pdf() + b"0" * (1024 * 1024 + 4096), "groot.pdf")])
    assert response.status_code == 413
    soup = check_page(response.data)
    assert text_of(soup.h1) == nl(app, "The file is too big")
    assert storage.stored_keys() == []
