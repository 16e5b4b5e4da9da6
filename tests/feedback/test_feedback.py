"""'Was deze pagina duidelijk?': under every resident page, plain forms without JS (htmx swaps the
box), CSRF, rate-limited, nothing personal unless the resident ticks 'U mag mij bellen'. Admins
see counts and comments, mark them handled and export CSV defused against formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo import DEMO_RESIDENTS
from app.extensions import db, limiter
from app.models import AccessLog, PageFeedback
from app.services.accounts import resident_for_bsn
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import JANSEN, VISSER, csrf, login_staff, staff

pytestmark = pytest.mark.usefixtures("seeded")
JAN = DEMO_RESIDENTS[0].bsn


@pytest.fixture(autouse=True)
def fresh_rate_limits(app: Flask) -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


def ask_box(client: FlaskClient, path: str = "/") -> dict[str, str]:
    """The box under the page: its form's hidden fields."""
    page = check_page(client.get(path).data)
    form = page.select_one("aside#feedback form[method=post]")
    assert form is not None, f"no 'Was deze pagina duidelijk?' on {path}"
    assert form["action"] == "/reactie" and form["hx-post"] == "/reactie"
    assert {b["value"] for b in form.select("button[name=duidelijk]")} == {"ja", "nee"}
    return {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}


def answers() -> list[PageFeedback]:
    db.session.expire_all()
    return list(db.session.scalars(select(PageFeedback).order_by(PageFeedback.id)))


def test_yes_without_javascript(app: Flask, client: FlaskClient) -> None:
    log_in(client, JAN)
    fields = ask_box(client, "/tijdlijn")
    assert fields["page"] == "timeline.index" or fields["page"].endswith(".index")
    answer = client.post("/reactie", data={**fields, "duidelijk": "ja"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/tijdlijn"
    page = check_page(client.get("/tijdlijn").data)
    assert nl(app, "Thank you for your answer.") in text_of(page)
    [saved] = answers()
    assert saved.clear and saved.page == fields["page"] and saved.resident_id is None


def test_no_then_a_comment_without_javascript(app: Flask, client: FlaskClient) -> None:
    log_in(client, JAN)
    fields = ask_box(client)
    answer = client.post("/reactie", data={**fields, "duidelijk": "nee"})
    assert answer.status_code == 303
    page = check_page(client.get(answer.headers["Location"]).data)
    form = page.select_one("main form")
    assert form is not None and form.select_one("textarea[name=comment]") is not None
    assert page.select_one("aside#feedback") is None, "no second box on the comment page"

    # Too long: an error tied to the field, and the words are kept.
    long_text = "woord " * 120
    again = client.post(
        "/reactie/toelichting",
        data={"csrf_token": fields["csrf_token"], "comment": long_text, "next": "/"},
    )
    page = check_page(again.data)
    textarea = page.select_one("textarea#comment")
    assert textarea is not None and "comment-error" in str(textarea.get("aria-describedby"))
    assert textarea.get_text().strip() == long_text.strip()

    sent = client.post(
        "/reactie/toelichting",
        data={"csrf_token": fields["csrf_token"], "comment": "Ik snap de kleur niet", "next": "/"},
    )
    assert sent.status_code == 303 and sent.headers["Location"] == "/"
    [saved] = answers()
    assert not saved.clear and saved.comment == "Ik snap de kleur niet"
    assert saved.resident_id is None, "no personal data without the tick"
    # The answer is no longer this session's: no second comment under it.
    assert client.get("/reactie/toelichting").status_code == 404


def test_call_me_keeps_who_it_was(app: Flask, client: FlaskClient) -> None:
    log_in(client, JAN)
    fields = ask_box(client)
    client.post("/reactie", data={**fields, "duidelijk": "nee"})
    client.post(
        "/reactie/toelichting",
        data={"csrf_token": fields["csrf_token"], "comment": "Bel mij", "call_me": "y"},
    )
    [saved] = answers()
    jan = resident_for_bsn(JAN)
    assert jan is not None and saved.resident_id == jan.id


def test_htmx_swaps_the_box(app: Flask, client: FlaskClient) -> None:
    log_in(client, JAN)
    fields = ask_box(client)
    hx = fragment_request("/", target="feedback")
    answer = client.post("/reactie", data={**fields, "duidelijk": "nee"}, headers=hx)
    assert answer.status_code == 200 and "HX-Request" in answer.headers["Vary"]
    fragment = BeautifulSoup(answer.data, "html.parser")
    assert fragment.select_one("form[hx-post='/reactie/toelichting'] textarea") is not None
    assert fragment.find("html") is None
    done = client.post(
        "/reactie/toelichting",
        data={"csrf_token": fields["csrf_token"], "comment": ""},
        headers=hx,
    )
    assert BeautifulSoup(done.data, "html.parser").select_one("[role=status]") is not None


def test_csrf_and_bad_input(app: Flask, client: FlaskClient) -> None:
    log_in(client, JAN)
    fields = ask_box(client)
    assert client.post("/reactie", data={"duidelijk": "ja", "page": "x"}).status_code == 400
    assert client.post("/reactie", data={**fields, "duidelijk": "misschien"}).status_code == 400
    # A made-up page name or an address elsewhere is not stored or followed.
    answer = client.post(
        "/reactie",
        data={**fields, "duidelijk": "ja", "page": "<script>", "next": "https://evil.example/"},
    )
    assert answer.headers["Location"] == "/"
    assert [a.page for a in answers()] == ["unknown"]


def test_rate_limited(app: Flask, client: FlaskClient) -> None:
    log_in(client, JAN)
    fields = ask_box(client)
    limit = int(app.config["FEEDBACK_RATE_LIMIT"].split()[0])
    codes = [
        client.post("/reactie", data={**fields, "duidelijk": "ja"}).status_code
        for _ in range(limit + 1)
    ]
    assert codes[:limit] == [303] * limit and codes[-1] == 429
    assert len(answers()) == limit


def test_not_for_staff_or_strangers(app: Flask, client: FlaskClient) -> None:
    assert client.post("/reactie", data={"duidelijk": "ja"}).status_code in (302, 400)
    login_staff(client, JANSEN)
    page = check_page(client.get("/medewerker").data)
    assert page.select_one("aside#feedback") is None


def test_admins_see_counts_comments_and_export(app: Flask, client: FlaskClient) -> None:
    db.session.add_all(
        [
            PageFeedback(page="overview.index", clear=True),
            PageFeedback(page="overview.index", clear=False, comment='=HYPERLINK("x")'),
            PageFeedback(page="timeline.index", clear=False, comment="Te veel tekst"),
        ]
    )
    jan = resident_for_bsn(JAN)
    assert jan is not None
    call = PageFeedback(page="timeline.index", clear=False, comment="Bel mij", resident_id=jan.id)
    db.session.add(call)
    db.session.commit()
    call_id = call.id

    login_staff(client, JANSEN)  # a medewerker, not a beheerder
    assert client.get("/beheer/reacties").status_code == 403
    resident = app.test_client()
    log_in(resident, JAN)
    assert resident.get("/beheer/reacties").status_code == 403

    admin = app.test_client()
    login_staff(admin, VISSER)
    page = check_page(admin.get("/beheer/reacties").data)
    rows = {
        r.select_one("th").get_text(): [td.get_text() for td in r.select("td")]  # type: ignore[union-attr]
        for r in page.select("table tbody tr")
    }
    overview, timeline = nl(app, "Overview"), nl(app, "Timeline")
    assert rows == {
        f"{overview} (overview.index)": ["1", "1"],
        f"{timeline} (timeline.index)": ["0", "2"],
    }
    assert "Te veel tekst" in text_of(page)
    assert jan.last_name not in text_of(page), "who it was only on the call-back page"

    back = check_page(admin.get(f"/beheer/reacties/{call_id}/terugbellen").data)
    assert jan.last_name in text_of(back)
    logged = db.session.scalar(select(AccessLog).where(AccessLog.action == "feedback_call_back"))
    assert logged is not None and logged.staff_id == staff(VISSER).id

    token = csrf(admin, "/beheer/reacties")
    done = admin.post(f"/beheer/reacties/{call_id}/afgehandeld", data={"csrf_token": token})
    assert done.status_code == 303
    assert db.session.get(PageFeedback, call_id).handled_at is not None  # type: ignore[union-attr]

    exported = admin.get("/beheer/reacties/reacties.csv")
    assert exported.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert table[0][0] == "when_utc" and len(table) == 5
    formula = next(r for r in table if "HYPERLINK" in r[3])
    assert formula[3].startswith("'="), "defused like the access-log export"
