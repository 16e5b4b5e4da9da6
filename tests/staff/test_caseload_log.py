"""The caseload list is a staff read too: one access-log row per list view (no dossier), in the
beheerder's export, never on a resident's 'who looked' page."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccessLog
from app.services.access_log import entries_for_dossier
from app.services.caseload import DETAIL_MAX, Page, caseload_detail
from tests.html import check_page
from tests.htmx_headers import fragment_request
from tests.i18n import nl
from tests.staff.conftest import JAN, JANSEN, VISSER, dossier_of, login_staff, staff, who_looked

pytestmark = pytest.mark.usefixtures("seeded")


def caseload_rows() -> list[AccessLog]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AccessLog).where(AccessLog.action == "view_caseload").order_by(AccessLog.id)
        )
    )


def all_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AccessLog)) or 0


def test_a_list_view_adds_exactly_one_row(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    before = all_rows()
    response = client.get("/medewerker?zoek=Jan&licht=red")
    assert response.status_code == 200
    assert all_rows() == before + 1
    (row,) = caseload_rows()
    assert row.staff_id == staff(JANSEN).id
    assert row.dossier_id is None
    assert row.why == "casework"
    assert row.organisation is not None and row.organisation.slug == "gemeente-rijnstad"
    shown = len(check_page(response.data).select(".caseload .what a"))
    assert shown >= 1
    assert row.detail == (f'light=red org=all page=1/1 shown={shown} of {shown} search="Jan"')


def test_an_htmx_fragment_and_the_next_page_count_as_views(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    search = fragment_request("/medewerker", target="caseload-results")
    response = client.get("/medewerker?licht=green", headers=search)
    assert response.status_code == 200
    assert "<h1" not in response.get_data(as_text=True)  # the fragment, not the page
    client.get("/medewerker?pagina=7")
    first, second = caseload_rows()
    assert first.detail.startswith("light=green org=all page=1/1 shown=")
    # A page number past the end shows the last page; the log says which one was shown.
    assert second.detail.startswith("light=all org=all page=1/1 shown=4 of 4")


def test_a_long_search_is_cut_and_a_number_is_masked() -> None:
    page = Page(rows=[], total=0, page=1, pages=1)
    detail = caseload_detail("", None, page, "x" * 100 + " 999900018 " + "y" * 100)
    assert len(detail) <= DETAIL_MAX
    assert detail.startswith('light=all org=all page=1/1 shown=0 of 0 search="xxx')
    assert detail.endswith('…"')
    assert "999900018" not in caseload_detail("", None, page, "999900018")
    assert "[number]" in caseload_detail("", None, page, "999900018")
    # A date of birth is a normal search and stays readable.
    assert caseload_detail("", None, page, "14-03-1968").endswith('search="14-03-1968"')


def test_the_resident_does_not_see_list_views(
    app: Flask, client: FlaskClient, live_server: str
) -> None:
    login_staff(client, JANSEN)
    client.get("/medewerker?zoek=Jan")
    assert caseload_rows()
    # The query behind the page: only rows of this dossier, so NULL-dossier rows never match.
    assert entries_for_dossier(dossier_of(JAN)) == []
    text = who_looked(app, JAN)
    assert nl(app, "Looked at the caseload list") not in text
    assert "P. Jansen" not in text


def test_the_admin_export_includes_list_views(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    client.get("/medewerker?zoek=de+Vries")
    admin = app.test_client()
    login_staff(admin, VISSER)
    response = admin.get("/beheer/toegangslog.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    views = [r for r in rows[1:] if r[5] == "view_caseload"]
    assert [(r[2], r[3], r[4], r[6]) for r in views] == [
        ("P. Jansen", "Gemeente Rijnstad", "", "casework")
    ]
    # The auditor sees what the list showed, not only that it was looked at.
    assert rows[0][7] == "detail"
    assert 'search="de Vries"' in views[0][7]
