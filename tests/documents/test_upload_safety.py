"""Uploads that are refused on every form: PDFs with active content (JavaScript, OpenAction/AA,
Launch, embedded files, XFA, RichMedia), image decompression bombs (also through the photo
field), and files that are HTML as well as PDF. Nothing refused is stored, and the form keeps
everything else that was typed."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Document, Question
from app.services.storage import LocalStorage
from app.services.uploads import check_file
from tests import files
from tests.documents.test_document_pages import (
    csrf,
    first_needed_task_id,
    jan,
    post_files,
    send_other_refused,
)
from tests.html import check_form_page, check_page, text_of
from tests.staff.conftest import (
    JAN,
    JANSEN,
    fresh_rate_limits,
    login_staff,
    upload_for_url,
)
from tests.staff.conftest import csrf as staff_csrf

__all__ = ["fresh_rate_limits", "jan"]

ACTIVE = (
    "bevat onderdelen die wij niet openen. Sla het opnieuw op als gewone pdf, of maak een foto."
)
TOO_MANY_DOTS = "is een afbeelding met te veel puntjes"
NOT_A_PDF = "is geen pdf-, jpg- of png-bestand"

REFUSED: list[tuple[str, Callable[[], bytes], str, str]] = [
    *[
        (kind, lambda kind=kind: files.active_pdf(kind), "brief.pdf", ACTIVE)  # type: ignore[misc]
        for kind in (
            "javascript",
            "openaction",
            "page-aa",
            "launch",
            "embedded-file",
            "xfa",
            "richmedia",
        )
    ],
    ("hex-escaped-openaction", files.hex_escaped_openaction_pdf, "brief.pdf", ACTIVE),
    ("png-bomb-40000x40000", files.png_bomb, "foto.png", TOO_MANY_DOTS),
    ("png-60-megapixels", lambda: files.png_bomb(10_000, 6_000), "foto.png", TOO_MANY_DOTS),
    ("jpeg-bomb", lambda: files.jpeg_with_size(30_000, 30_000), "foto.jpg", TOO_MANY_DOTS),
    ("pdf-after-a-bom", files.bom_pdf, "brief.pdf", NOT_A_PDF),
    ("pdf-with-html-up-front", files.pdf_with_html_up_front, "brief.pdf", NOT_A_PDF),
]
IDS = [r[0] for r in REFUSED]


def document_count() -> int:
    return int(db.session.scalar(select(func.count(Document.id))) or 0)


@pytest.mark.parametrize(("case", "make", "name", "says"), REFUSED, ids=IDS)
def test_check_file_refuses_with_a_plain_message(
    app: Flask, case: str, make: Callable[[], bytes], name: str, says: str
) -> None:
    with app.test_request_context():
        checked, problem = check_file(FileStorage(io.BytesIO(make()), filename=name))
    assert checked is None
    assert problem is not None and says.lower() in problem.lower()


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (files.pdf, "brief.pdf"),
        (files.png, "foto.png"),
        (files.jpeg, "foto.jpg"),
        (lambda: files.png_bomb(7_000, 7_000), "groot.png"),  # 49 megapixels: a big scan is fine
    ],
)
def test_ordinary_files_still_pass(app: Flask, make: Callable[[], bytes], name: str) -> None:
    with app.test_request_context():
        checked, problem = check_file(FileStorage(io.BytesIO(make()), filename=name))
    assert problem is None and checked is not None


@pytest.mark.parametrize(("case", "make", "name", "says"), REFUSED, ids=IDS)
def test_requested_document_form_refuses_and_stores_nothing(
    app: Flask,
    jan: FlaskClient,
    storage: LocalStorage,
    case: str,
    make: Callable[[], bytes],
    name: str,
    says: str,
) -> None:
    before = document_count()
    task_id = first_needed_task_id(JAN)
    response = post_files(jan, f"/documenten/{task_id}/sturen", [(make(), name)])
    assert response.status_code == 200
    soup = check_form_page(app, response.data, error=True)
    assert name in text_of(soup.select_one("#files-error"))
    assert storage.stored_keys() == [] and document_count() == before


def test_photo_field_refuses_a_bomb(app: Flask, jan: FlaskClient, storage: LocalStorage) -> None:
    task_id = first_needed_task_id(JAN)
    url = f"/documenten/{task_id}/sturen"
    response = jan.post(
        url,
        data={"csrf_token": csrf(jan, url), "photo": (io.BytesIO(files.png_bomb()), "foto.png")},
        content_type="multipart/form-data",
    )
    soup = check_form_page(app, response.data, error=True)
    assert TOO_MANY_DOTS in text_of(soup.select_one("main"))
    assert storage.stored_keys() == []


def test_something_else_with_active_content_keeps_what_was_typed(
    app: Flask, jan: FlaskClient, storage: LocalStorage
) -> None:
    soup, org_id = send_other_refused(app, jan, (files.active_pdf("javascript"), "huur.pdf"))
    assert ACTIVE in text_of(soup.select_one("#files-error"))
    assert soup.select_one("#description")["value"] == "Brief over mijn huur"
    assert soup.select_one(f"#organisation option[value='{org_id}']").has_attr("selected")
    assert storage.stored_keys() == []


def _ask(client: FlaskClient, attachment: tuple[bytes, str], **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf(client, "/vragen/stellen"), "about": "0", **fields}
    data["attachment"] = (io.BytesIO(attachment[0]), attachment[1])  # type: ignore[assignment]
    return client.post("/vragen/stellen", data=data, content_type="multipart/form-data")


def test_question_attachment_refused_and_the_text_kept(
    app: Flask, jan: FlaskClient, storage: LocalStorage
) -> None:
    before = db.session.scalar(select(func.count(Question.id)))
    page = check_page(jan.get("/vragen/stellen").data)
    org_id = str(page.select("#organisation option")[1]["value"])
    response = _ask(
        jan, (files.pdf_with_html_up_front(), "brief.pdf"), organisation=org_id, text="Mijn vraag"
    )
    soup = check_page(response.data.replace(b"<title>Fout: ", b"<title>"))
    assert NOT_A_PDF in text_of(soup.select_one("#attachment-error")).lower()
    assert soup.select_one("#text").get_text().strip() == "Mijn vraag"
    assert db.session.scalar(select(func.count(Question.id))) == before
    assert storage.stored_keys() == []


def test_reply_attachment_refused_and_the_text_kept(
    app: Flask, jan: FlaskClient, storage: LocalStorage
) -> None:
    question = db.session.scalar(select(Question))  # the seed's question for Jan
    assert question is not None
    url = f"/vragen/{question.id}"
    response = jan.post(
        url,
        data={
            "csrf_token": csrf(jan, url),
            "text": "Hier is de brief.",
            "attachment": (io.BytesIO(files.active_pdf("launch")), "brief.pdf"),
        },
        content_type="multipart/form-data",
    )
    soup = check_page(response.data.replace(b"<title>Fout: ", b"<title>"))
    assert ACTIVE in text_of(soup.select_one("#attachment-error"))
    assert soup.select_one("#text").get_text().strip() == "Hier is de brief."
    assert storage.stored_keys() == []


def test_staff_upload_for_the_resident_refuses(
    app: Flask, seeded: None, client: FlaskClient, storage: LocalStorage
) -> None:
    login_staff(client, JANSEN)
    before = document_count()
    url = upload_for_url(JAN, "Bankafschrift")
    response = client.post(
        url,
        data={
            "csrf_token": staff_csrf(client, url),
            "files": (io.BytesIO(files.active_pdf("embedded-file")), "afschrift.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert ACTIVE in text_of(check_page(response.data.replace(b"<title>Fout: ", b"<title>")))
    assert storage.stored_keys() == [] and document_count() == before
