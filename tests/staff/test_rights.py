"""Rights: a staff member sees a dossier only while one of their organisations is linked to it.

Every staff route is tried, by every demo staff member, on every dossier they have no right to
(with ids of that dossier's own documents and tasks): 0 leaks. And every POST needs CSRF.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccessLog, Document, Notification, StaffMember, Task, TimelineEvent
from app.models.notification import FAILED
from app.services import consent
from app.services.access_log import dossier_for_staff
from app.services.storage import LocalStorage
from tests.staff.conftest import (
    BAKKER,
    DEBOER,
    FATIMA,
    JAN,
    JANSEN,
    KEES,
    MOHAMED,
    SANNE,
    VISSER,
    csrf,
    dossier_of,
    login_staff,
    received_document,
    reminder,
    resident_of,
    staff,
)

pytestmark = pytest.mark.usefixtures("seeded")

# Which demo dossiers each staff member's organisations are linked to (app/services/demo.py).
VISIBLE = {
    JANSEN: {JAN, FATIMA, SANNE, MOHAMED},
    VISSER: {JAN, FATIMA, SANNE, MOHAMED},
    BAKKER: {JAN, FATIMA, KEES, MOHAMED},
    DEBOER: {FATIMA, MOHAMED},
}
ALL = (JAN, FATIMA, KEES, SANNE, MOHAMED)


def staff_dossier_rules(app: Flask) -> list[tuple[str, str, list[str]]]:
    """(rule, method, argument names) of every staff route that takes a dossier."""
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or "dossier_id" not in rule.arguments:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            rules.append((rule.rule, method, sorted(rule.arguments)))
    return rules


def url_for_rule(rule: str, values: dict[str, int | str]) -> str:
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def ids_in(bsn: str) -> dict[str, int | str]:
    dossier = dossier_of(bsn)
    task = db.session.scalar(select(Task).where(Task.dossier_id == dossier.id).limit(1))
    doc = db.session.scalar(select(Document).where(Document.dossier_id == dossier.id).limit(1))
    # A failed reminder of this resident first (the one "send again" would take).
    notification = db.session.scalar(
        select(Notification.id)
        .where(Notification.resident_id == dossier.resident_id)
        .order_by(Notification.status.in_(list(FAILED)).desc())
        .limit(1)
    )
    values: dict[str, int | str] = {
        "dossier_id": dossier.id,
        "task_id": task.id if task else 1,
        "document_id": doc.id if doc else 1,
        "question_id": 1,
        "notification_id": notification or "00000000-0000-0000-0000-000000000000",
    }
    try:
        from app.models import Question  # type: ignore[attr-defined]
    except ImportError:
        return values
    question = db.session.scalar(select(Question.id).where(Question.dossier_id == dossier.id))
    values["question_id"] = question or 1
    return values


@pytest.mark.parametrize("email", list(VISIBLE))
def test_the_rights_matrix(app: Flask, email: str) -> None:
    member = staff(email)
    for bsn in ALL:
        assert (dossier_for_staff(member, dossier_of(bsn).id) is not None) == (
            bsn in VISIBLE[email]
        ), (email, bsn)


@pytest.mark.parametrize("email", list(VISIBLE))
def test_every_staff_route_refuses_other_dossiers(
    app: Flask, client: FlaskClient, storage: LocalStorage, email: str
) -> None:
    # Waiting documents in every dossier, so the review routes have a real target.
    received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    # And a failed reminder in every dossier, so "send again" has a real target too.
    for bsn in ALL:
        reminder(bsn)
    login_staff(client, email)
    token = csrf(client, f"/medewerker/dossier/{dossier_of(next(iter(VISIBLE[email]))).id}")
    rules = staff_dossier_rules(app)
    assert len(rules) >= 10, rules
    before_log = db.session.scalar(select(func.count()).select_from(AccessLog))
    before_events = db.session.scalar(select(func.count()).select_from(TimelineEvent))
    tried = 0
    for bsn in set(ALL) - VISIBLE[email]:
        name = resident_of(bsn).full_name
        values = ids_in(bsn)
        for rule, method, _ in rules:
            url = url_for_rule(rule, values)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(
                    url,
                    data={
                        "csrf_token": token,
                        "decision": "approve",
                        "kind": "step",
                        "title": "x",
                        "channel": "phone",
                        "note": "x",
                        "slot": "1",
                        "topic": "money",
                        "text": "x",
                        "organisation": "1",
                    },
                )
            tried += 1
            assert response.status_code == 404, (email, bsn, method, url, response.status_code)
            assert name not in response.get_data(as_text=True)
    assert tried
    assert any("/herinnering/" in rule for rule, _, _ in rules)
    assert any("/bestand/" in rule for rule, _, _ in rules)
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.resend_of.is_not(None))
        )
        == 0
    )
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == before_log
    assert db.session.scalar(select(func.count()).select_from(TimelineEvent)) == before_events


def test_a_revoked_consent_ends_access_at_once(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    dossier = dossier_of(SANNE)
    assert client.get(f"/medewerker/dossier/{dossier.id}").status_code == 200
    link = next(x for x in dossier.links if x.organisation.slug == "gemeente-rijnstad")
    assert consent.revoke_link(dossier, link.id)
    assert client.get(f"/medewerker/dossier/{dossier.id}").status_code == 404
    caseload = client.get("/medewerker?zoek=Sanne").get_data(as_text=True)
    assert "Sanne Jansen" not in caseload
    # Consent again: access again.
    consent.link_organisation(dossier, link.organisation)
    assert client.get(f"/medewerker/dossier/{dossier.id}").status_code == 200


def test_documents_of_another_organisation_in_a_shared_dossier_are_not_reviewable(
    app: Flask, client: FlaskClient, storage: LocalStorage
) -> None:
    # Jan's dossier has both the gemeente and the schuldhulp; the file is for the schuldhulp.
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    login_staff(client, JANSEN)
    base = f"/medewerker/dossier/{doc.dossier_id}"
    assert client.get(f"{base}/document/{doc.id}").status_code == 404
    assert client.get(f"{base}/bestand/{doc.id}").status_code == 404


def test_every_post_needs_a_csrf_token(app: Flask, client: FlaskClient) -> None:
    login_staff(client, VISSER)
    values = ids_in(JAN)
    values["staff_id"] = staff(JANSEN).id
    values["membership_id"] = staff(JANSEN).memberships[0].id
    values["link_id"] = 1
    values["organisation_id"] = staff(VISSER).memberships[0].organisation_id
    values["token"] = "x"  # a data export's secret (any value: CSRF is checked first)
    posts = [
        url_for_rule(rule.rule, values)
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
        and rule.endpoint.split(".")[0] in ("staff", "admin", "consent")
    ]
    assert len(posts) >= 10, posts
    before = db.session.scalar(select(func.count()).select_from(TimelineEvent))
    for url in posts:
        response = client.post(url, data={"title": "x", "note": "x", "kind": "step"})
        assert response.status_code == 400, (url, response.status_code)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(TimelineEvent)) == before


def test_admin_pages_need_the_beheerder_role(client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    assert client.get("/beheer").status_code == 403
    assert client.get("/beheer/toegangslog.csv").status_code == 403


def test_a_beheerder_manages_only_their_own_organisations(client: FlaskClient) -> None:
    login_staff(client, VISSER)
    assert client.get(f"/beheer/medewerker/{staff(JANSEN).id}").status_code == 200
    assert client.get(f"/beheer/medewerker/{staff(BAKKER).id}").status_code == 404
    page = client.get("/beheer").get_data(as_text=True)
    assert "P. Jansen" in page and "M. Bakker" not in page


def test_staff_without_organisations_see_nothing(app: Flask) -> None:
    lonely = StaffMember(name="Z. Zonder", email="z@example.nl")
    db.session.add(lonely)
    db.session.commit()
    for bsn in ALL:
        assert dossier_for_staff(lonely, dossier_of(bsn).id) is None


def test_error_pages_lead_staff_back_to_the_caseload(client: FlaskClient) -> None:
    from tests.html import check_page

    login_staff(client, JANSEN)
    response = client.get("/medewerker/dossier/999999")
    assert response.status_code == 404
    soup = check_page(response.data)
    assert soup.select_one('main a.button[href="/medewerker"]') is not None
