"""The caseload: my organisations' dossiers, filtered by light, overdue first, searchable by name
or date of birth (never by BSN, never showing one), paginated, a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Dossier, DossierOrganisation, Holder, Organisation, Resident, TaskKind
from app.services.bsn import bsn_hash, encrypt_bsn
from app.services.caseload import PAGE_SIZE, caseload, parse_birth_date
from app.services.tasks import add_task
from app.services.timeline import Actor
from tests.html import check_page, text_of
from tests.htmx_headers import fragment_request
from tests.querycount import count_queries
from tests.staff.conftest import BAKKER, JANSEN, login_staff, staff

pytestmark = pytest.mark.usefixtures("seeded")


def names(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(f"/medewerker{query}")
    assert response.status_code == 200
    soup = check_page(response.data)
    return [a.get_text() for a in soup.select(".caseload .what a")]


def add_residents(n: int, organisation: Organisation, *, red: bool = False) -> None:
    for i in range(n):
        resident = Resident(
            bsn_hash=bsn_hash(f"extra{i}-{organisation.id}"),
            bsn_encrypted=encrypt_bsn("999900067"),
            first_name="Test",
            last_name=f"Persoon {i:05d}",
            date_of_birth=date(1970, 1, 1) + timedelta(days=i),
        )
        db.session.add(resident)
        db.session.flush()
        dossier = Dossier(resident_id=resident.id)
        db.session.add(dossier)
        db.session.flush()
        db.session.add(DossierOrganisation(dossier=dossier, organisation=organisation))
        if red:
            add_task(
                dossier,
                kind=TaskKind.STEP,
                holder=Holder.RESIDENT,
                organisation=organisation,
                title="Iets doen",
                actor=Actor.system(organisation),
            )
    db.session.commit()


def test_only_my_organisations_overdue_first(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    shown = names(client)
    # Gemeente: Jan, Fatima, Sanne, Mohamed (not Kees). The gemeente's own work first (it has
    # an item open in Jan's dossier), then late ones: Fatima is late.
    assert shown[:2] == ["Jan de Vries", "Fatima el Amrani"]
    assert set(shown) == {"Jan de Vries", "Fatima el Amrani", "Sanne Jansen", "Mohamed Yilmaz"}
    assert "Kees Bakker" in names(login_staff(app.test_client(), BAKKER))


@pytest.mark.parametrize(
    ("light", "expected"),
    [
        ("red", {"Jan de Vries", "Fatima el Amrani", "Mohamed Yilmaz"}),
        ("green", {"Sanne Jansen"}),
        ("orange", set()),
    ],
)
def test_filter_by_light(client: FlaskClient, light: str, expected: set[str]) -> None:
    login_staff(client, JANSEN)
    assert set(names(client, f"?licht={light}")) == expected


def test_search_by_name_date_of_birth_or_exact_bsn(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    assert names(client, "?zoek=de+vries") == ["Jan de Vries"]
    assert names(client, "?zoek=14-03-1968") == ["Jan de Vries"]
    assert names(client, "?zoek=14/3/1968") == ["Jan de Vries"]
    # Issue 16: a whole BSN finds exactly that resident (through the keyed hash); part of one
    # finds nothing.
    assert names(client, f"?zoek={DEMO_RESIDENTS[0].bsn}") == ["Jan de Vries"]
    assert names(client, f"?zoek={DEMO_RESIDENTS[0].bsn[:6]}") == []
    assert names(client, "?zoek=%25") == []  # a LIKE wildcard is searched as a character


def test_no_bsn_on_the_page(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    text = client.get("/medewerker").get_data(as_text=True)
    for resident in DEMO_RESIDENTS:
        assert resident.bsn not in text


def test_light_in_words_not_only_colour(app: Flask, client: FlaskClient) -> None:
    from tests.i18n import nl

    login_staff(client, JANSEN)
    soup = check_page(client.get("/medewerker?zoek=Sanne").data)
    # In the staff's words (issue 16): "Klaar", not the resident's light words.
    assert nl(app, "Finished") in text_of(soup.select_one(".case-light"))  # type: ignore[arg-type]


def test_pagination_and_a_fixed_number_of_queries(app: Flask, client: FlaskClient) -> None:
    login_staff(client, BAKKER)
    schuld = staff(BAKKER).memberships[0].organisation
    org_ids = {schuld.id}
    today = clock.today()
    with app.test_request_context(), count_queries(db.engine) as small:
        caseload(org_ids, today)
    add_residents(PAGE_SIZE + 5, schuld, red=True)
    with app.test_request_context(), count_queries(db.engine) as large:
        page = caseload(org_ids, today, page=2)
    assert small.count == large.count == 2
    assert page.total == 4 + PAGE_SIZE + 5
    assert page.pages == 2 and len(page.rows) == page.total - PAGE_SIZE
    soup = check_page(client.get("/medewerker").data)
    next_link = soup.select_one(".pagination a[rel=next]")
    assert next_link is not None and "pagina=2" in str(next_link["href"])
    second = check_page(client.get(str(next_link["href"])).data)
    assert len(second.select(".caseload > li")) == page.total - PAGE_SIZE


def test_htmx_search_gets_the_fragment(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    search = fragment_request("/medewerker", target="caseload-results")
    response = client.get("/medewerker?zoek=vries", headers=search)
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Jan de Vries" in html
    assert "HX-Request" in response.headers["Vary"]


def test_parse_birth_date() -> None:
    assert parse_birth_date("1-2-2000") == date(2000, 2, 1)
    assert parse_birth_date("31-02-2000") is None
    assert parse_birth_date("de Vries") is None


def test_filter_by_organisation_for_staff_in_several(client: FlaskClient) -> None:
    member = staff(JANSEN)
    schuld = db.session.scalar(
        db.select(Organisation).where(Organisation.slug == "schuldhulp-rijnstreek")
    )
    assert schuld is not None
    from app.models import StaffMembership

    db.session.add(StaffMembership(staff=member, organisation=schuld, role="medewerker"))
    db.session.commit()
    login_staff(client, JANSEN)
    assert "Kees Bakker" in names(client)
    only_schuld = set(names(client, f"?organisatie={schuld.id}"))
    assert only_schuld == {"Jan de Vries", "Fatima el Amrani", "Kees Bakker", "Mohamed Yilmaz"}
    # Not one of mine: ignored, all my organisations.
    assert "Sanne Jansen" in names(client, "?organisatie=99999")
