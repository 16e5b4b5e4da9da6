"""Staff in several organisations choose which one they act for (a session choice, checked
against the memberships on every request). It changes who the resident sees, never the rights."""

from __future__ import annotations

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from sqlalchemy import select

from app.demo.staff import TWO_ORGANISATIONS
from app.extensions import db
from app.models import AccessLog, Organisation, StaffMembership, TimelineEvent
from app.services.access_log import ACTING_KEY, dossier_for_staff
from app.services.staff_auth import start_staff_session
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import (
    BAKKER,
    FATIMA,
    JAN,
    JANSEN,
    KEES,
    SANNE,
    csrf,
    dossier_of,
    login_staff,
    staff,
)
from tests.staff.test_rights import ALL, VISIBLE

pytestmark = pytest.mark.usefixtures("seeded")

DEWIT = TWO_ORGANISATIONS[1]  # gemeente and schuldhulp (app/services/demo_staff.py)
FORGED_ERROR = "You can only work for an organisation you belong to. Choose one from the list."


def org(slug: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    assert found is not None
    return found


def gemeente() -> Organisation:
    return org("gemeente-rijnstad")


def schuld() -> Organisation:
    return org("schuldhulp-rijnstreek")


def switch(client: FlaskClient, organisation_id: int | str, next_path: str = "") -> str:
    response = client.post(
        "/medewerker/organisatie",
        data={
            "csrf_token": csrf(client, "/medewerker/organisatie"),
            "organisation": str(organisation_id),
            "next": next_path,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def record_contact(client: FlaskClient, bsn: str, note: str) -> None:
    url = f"/medewerker/dossier/{dossier_of(bsn).id}/contact"
    response = client.post(
        url, data={"csrf_token": csrf(client, url), "channel": "phone", "note": note}
    )
    assert response.status_code == 303


def last_event_org(bsn: str) -> str:
    db.session.expire_all()
    event = db.session.scalar(
        select(TimelineEvent)
        .where(TimelineEvent.dossier_id == dossier_of(bsn).id)
        .order_by(TimelineEvent.id.desc())
        .limit(1)
    )
    assert event is not None and event.organisation is not None
    return event.organisation.slug


def last_log_org(action: str) -> str:
    db.session.expire_all()
    row = db.session.scalar(
        select(AccessLog).where(AccessLog.action == action).order_by(AccessLog.id.desc()).limit(1)
    )
    assert row is not None and row.organisation is not None
    return row.organisation.slug


def test_the_switcher_is_shown_only_to_staff_in_several_organisations(
    app: Flask, client: FlaskClient
) -> None:
    login_staff(client, JANSEN)
    soup = check_page(client.get("/medewerker").data)
    assert soup.select_one("#werkt-voor") is None
    # Nothing to choose: the page sends a one-organisation member back to the caseload.
    assert client.get("/medewerker/organisatie").status_code == 303

    other = app.test_client()
    login_staff(other, DEWIT)
    for path in ("/medewerker", f"/medewerker/dossier/{dossier_of(JAN).id}"):
        soup = check_page(other.get(path).data)
        form = soup.select_one("header form.acting-organisation")
        assert form is not None, path
        assert form["method"] == "post" and form["action"] == "/medewerker/organisatie"
        assert form.select_one("input[name=csrf_token]") is not None
        label = form.select_one("label[for=werkt-voor]")
        assert label is not None and text_of(label) == nl(app, "You are working for")
        options = {text_of(o) for o in form.select("#werkt-voor option")}
        assert options == {gemeente().name, schuld().name}
        selected = form.select_one("#werkt-voor option[selected]")
        # Nothing chosen yet: the lowest id, as acting_organisation falls back to.
        first = min((gemeente(), schuld()), key=lambda o: o.id)
        assert selected is not None and text_of(selected) == first.name
    page = check_page(other.get("/medewerker/organisatie").data)
    assert page.select_one("main select#organisation") is not None


def test_switching_changes_the_organisation_in_timeline_and_log(
    app: Flask, client: FlaskClient, live_server: str
) -> None:
    login_staff(client, DEWIT)
    jan = dossier_of(JAN).id  # linked to both the gemeente and the schuldhulp
    first, second = sorted((gemeente(), schuld()), key=lambda o: o.id)
    record_contact(client, JAN, "Eerste gesprek")
    assert last_event_org(JAN) == first.slug
    assert last_log_org("record_contact") == first.slug

    back = switch(client, second.id, f"/medewerker/dossier/{jan}")
    assert back.endswith(f"/medewerker/dossier/{jan}")
    page = text_of(check_page(client.get(back).data))
    assert nl(app, "You now work for %(organisation)s.", organisation=second.name) in page
    assert nl(app, "You work for %(organisation)s.", organisation=second.name) in page
    assert last_log_org("view_dossier") == second.slug

    record_contact(client, JAN, "Tweede gesprek")
    assert last_event_org(JAN) == second.slug
    assert last_log_org("record_contact") == second.slug
    # Staff and the resident read it in the timeline: by whom, of which organisation.
    soup = check_page(client.get(f"/medewerker/dossier/{jan}").data)
    assert f"S. de Wit ({second.name})" in text_of(soup)
    resident = app.test_client()
    log_in(resident, JAN)
    soup = check_page(resident.get("/tijdlijn").data)
    by = nl(app, "By %(name)s, %(organisation)s", name="S. de Wit", organisation=second.name)
    assert by in text_of(soup)

    # A dossier not linked to the chosen organisation: the other one acts, as before.
    switch(client, gemeente().id)
    record_contact(client, KEES, "Alleen schuldhulp")
    assert last_event_org(KEES) == "schuldhulp-rijnstreek"


def test_the_caseload_defaults_to_the_chosen_organisation(client: FlaskClient) -> None:
    login_staff(client, DEWIT)

    def names(query: str = "") -> set[str]:
        soup = check_page(client.get(f"/medewerker{query}").data)
        return {a.get_text() for a in soup.select(".caseload .what a")}

    everyone = names()
    assert len(everyone) == len(ALL)
    assert switch(client, schuld().id).endswith("/medewerker")
    only_schuld = names()
    assert only_schuld == {"Jan de Vries", "Fatima el Amrani", "Kees Bakker", "Mohamed Yilmaz"}
    assert last_log_org("view_caseload") == "schuldhulp-rijnstreek"
    # 'All my organisations' is still one choice away, and paging keeps it.
    assert names("?organisatie=alle") == everyone
    soup = check_page(client.get("/medewerker?organisatie=alle").data)
    selected = soup.select_one("#organisatie option[selected]")
    assert selected is not None and selected["value"] == "alle"


def test_a_forged_choice_gets_a_kind_error_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    login_staff(client, DEWIT)
    switch(client, schuld().id)
    token = csrf(client, "/medewerker/organisatie")
    woning = org("groene-hart-wonen")
    for forged in (str(woning.id), "99999", "abc", ""):
        response = client.post(
            "/medewerker/organisatie",
            data={"csrf_token": token, "organisation": forged, "next": "/medewerker"},
        )
        assert response.status_code == 200, forged
        soup = check_page(response.data)
        assert soup.title is not None and soup.title.get_text().startswith(nl(app, "Error") + ":")
        summary = soup.select_one(".error-summary a[href='#organisation']")
        assert summary is not None and text_of(summary) == nl(app, FORGED_ERROR)
        error = soup.select_one("#organisation-error")
        assert error is not None and nl(app, FORGED_ERROR) in text_of(error)
        field = soup.select_one("#organisation")
        assert field is not None and field["aria-describedby"] == "organisation-error"
    with client.session_transaction() as stored:
        assert stored[ACTING_KEY]["org"] == schuld().id
    record_contact(client, FATIMA, "Na de vervalste keuze")  # Fatima: linked to all three
    assert last_event_org(FATIMA) == "schuldhulp-rijnstreek"
    # Without the CSRF token nothing happens either.
    response = client.post("/medewerker/organisatie", data={"organisation": str(gemeente().id)})
    assert response.status_code == 400


def test_a_removed_membership_is_no_longer_used(app: Flask, client: FlaskClient) -> None:
    login_staff(client, DEWIT)
    switch(client, schuld().id)
    member = staff(DEWIT)
    link = next(m for m in member.memberships if m.organisation.slug == "schuldhulp-rijnstreek")
    db.session.delete(link)
    db.session.commit()
    # The session still holds the choice, but it is checked on every request.
    soup = check_page(client.get(f"/medewerker/dossier/{dossier_of(JAN).id}").data)
    text = text_of(soup)
    assert nl(app, "You work for %(organisation)s.", organisation=gemeente().name) in text
    assert soup.select_one("#werkt-voor") is None
    assert client.get(f"/medewerker/dossier/{dossier_of(KEES).id}").status_code == 404


def test_the_choice_does_not_survive_a_new_login(app: Flask, client: FlaskClient) -> None:
    login_staff(client, DEWIT)
    switch(client, schuld().id)
    response = client.post(
        "/medewerker/uitloggen", data={"csrf_token": csrf(client, "/medewerker")}
    )
    assert response.status_code == 303
    with client.session_transaction() as stored:
        assert ACTING_KEY not in stored
    login_staff(client, DEWIT)
    first = min((gemeente(), schuld()), key=lambda o: o.id)
    page = text_of(check_page(client.get(f"/medewerker/dossier/{dossier_of(JAN).id}").data))
    assert nl(app, "You work for %(organisation)s.", organisation=first.name) in page
    # Logging in again (start_staff_session) starts from a clean session as well.
    with app.test_request_context():
        session[ACTING_KEY] = {"staff": staff(DEWIT).id, "org": schuld().id}
        start_staff_session(staff(DEWIT))
        assert ACTING_KEY not in session


@pytest.mark.parametrize("email", [DEWIT, BAKKER, JANSEN])
def test_the_rights_matrix_holds_whatever_the_choice(app: Flask, email: str) -> None:
    member = staff(email)
    mine = {m.organisation_id for m in member.memberships}
    visible = set(ALL) if email == DEWIT else VISIBLE[email]
    every_org = list(db.session.scalars(select(Organisation.id)))
    for choice in [None, *every_org]:
        with app.test_request_context():
            if choice is not None:
                # Also choices that the form would refuse: a forged session value.
                session[ACTING_KEY] = {"staff": member.id, "org": choice}
            for bsn in ALL:
                sd = dossier_for_staff(member, dossier_of(bsn).id)
                assert (sd is not None) == (bsn in visible), (email, choice, bsn)
                if sd is None:
                    continue
                assert sd.organisation.id in mine
                linked = {x.organisation_id for x in sd.dossier.links if x.revoked_at is None}
                expected = choice if choice in mine & linked else min(mine & linked)
                assert sd.organisation.id == expected, (email, choice, bsn)


def test_another_members_choice_is_not_used(app: Flask) -> None:
    dewit, bakker = staff(DEWIT), staff(BAKKER)
    with app.test_request_context():
        higher, lower = max(gemeente().id, schuld().id), min(gemeente().id, schuld().id)
        session[ACTING_KEY] = {"staff": dewit.id, "org": higher}
        # Bakker belongs to the schuldhulp only: Sanne (gemeente only) stays out of reach.
        assert dossier_for_staff(bakker, dossier_of(SANNE).id) is None
        # Another member of the gemeente does not take over De Wit's choice.
        db.session.add(StaffMembership(staff=bakker, organisation=gemeente(), role="medewerker"))
        db.session.flush()
        sd = dossier_for_staff(bakker, dossier_of(JAN).id)
        assert sd is not None and sd.organisation.id == lower
        db.session.rollback()
