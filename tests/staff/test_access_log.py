"""The access log: a row for every staff read of a dossier (every GET staff route that takes a
dossier), append-only, shown to the resident on /account, exported as CSV by beheerders."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccessLog
from app.services.access_log import record_access
from app.services.storage import LocalStorage
from tests.html import check_page, text_of
from tests.i18n import nl
from tests.login import log_in
from tests.staff.conftest import (
    BAKKER,
    JAN,
    JANSEN,
    VISSER,
    csrf,
    dossier_of,
    login_staff,
    received_document,
    staff,
    who_looked,
)
from tests.staff.test_rights import staff_dossier_rules, url_for_rule

pytestmark = pytest.mark.usefixtures("seeded")


def count(dossier_id: int) -> int:
    db.session.expire_all()
    return (
        db.session.scalar(
            select(func.count()).select_from(AccessLog).where(AccessLog.dossier_id == dossier_id)
        )
        or 0
    )


def test_every_staff_read_writes_a_row(
    app: Flask, client: FlaskClient, storage: LocalStorage
) -> None:
    doc = received_document(JAN, "Uitkeringsspecificatie van oktober sturen", storage)
    task_id = doc.task_id
    login_staff(client, BAKKER)
    values = {
        "dossier_id": doc.dossier_id,
        "document_id": doc.id,
        "task_id": task_id,
        "question_id": 1,
    }
    # The item was sent already, so 'send for the resident' needs another open request.
    gets = [r for r, method, _ in staff_dossier_rules(app) if method == "GET"]
    assert len(gets) >= 7
    for rule in gets:
        url = url_for_rule(rule, values)
        before = count(doc.dossier_id)
        response = client.get(url)
        assert response.status_code in (200, 303, 404), (url, response.status_code)
        assert count(doc.dossier_id) > before, f"no access-log row for {url}"
    rows = list(db.session.scalars(select(AccessLog).where(AccessLog.dossier_id == doc.dossier_id)))
    assert {r.staff_id for r in rows} == {staff(BAKKER).id}
    assert {r.organisation.slug for r in rows} == {"schuldhulp-rijnstreek"}  # type: ignore[union-attr]
    assert {r.why for r in rows} <= {"casework", "assisted", "print"}


def test_the_log_is_append_only(app: Flask) -> None:
    member = staff(JANSEN)
    entry = record_access(
        member, member.organisations[0], dossier_of(JAN), "view_dossier", "casework"
    )
    db.session.commit()
    entry.detail = "changed"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AccessLog, entry.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()


def test_the_resident_sees_who_looked(app: Flask, client: FlaskClient, live_server: str) -> None:
    login_staff(client, JANSEN)
    client.get(f"/medewerker/dossier/{dossier_of(JAN).id}")
    text = who_looked(app, JAN)
    assert "P. Jansen (Gemeente Rijnstad)" in text
    assert nl(app, "Looked at your dossier") in text
    assert nl(app, "Work on your dossier") in text


def test_the_resident_revokes_and_gives_consent_on_the_account_page(
    app: Flask, client: FlaskClient, live_server: str
) -> None:
    resident = app.test_client()
    log_in(resident, JAN)
    soup = check_page(resident.get("/account").data)
    orgs = soup.select_one("section[aria-labelledby=organisaties]")
    assert orgs is not None and "Gemeente Rijnstad" in text_of(orgs)
    form = next(
        f
        for f in orgs.select("form")
        if "Gemeente Rijnstad" in text_of(f) and "intrekken" in f["action"]
    )
    token = str(form.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    response = resident.post(str(form["action"]), data={"csrf_token": token})
    assert response.status_code == 303
    login_staff(client, JANSEN)
    assert client.get(f"/medewerker/dossier/{dossier_of(JAN).id}").status_code == 404
    # The revocation is in the resident's timeline.
    timeline = text_of(check_page(resident.get("/tijdlijn").data))
    assert "Gemeente Rijnstad" in timeline
    # Give it again.
    soup = check_page(resident.get("/account").data)
    select_el = soup.select_one("#consent-organisation")
    assert select_el is not None
    gemeente = next(o for o in select_el.select("option") if o.get_text() == "Gemeente Rijnstad")
    response = resident.post(
        "/account/organisaties",
        data={"csrf_token": csrf(resident, "/account"), "organisation": gemeente["value"]},
    )
    assert response.status_code == 303
    assert client.get(f"/medewerker/dossier/{dossier_of(JAN).id}").status_code == 200


def test_a_resident_cannot_revoke_another_residents_link(app: Flask, live_server: str) -> None:
    from tests.staff.conftest import KEES

    other = dossier_of(KEES).links[0]
    resident = app.test_client()
    log_in(resident, JAN)
    response = resident.post(
        f"/account/organisaties/{other.id}/intrekken",
        data={"csrf_token": csrf(resident, "/account")},
    )
    assert response.status_code == 404


def test_csv_export(app: Flask, client: FlaskClient) -> None:
    login_staff(client, JANSEN)
    client.get(f"/medewerker/dossier/{dossier_of(JAN).id}")
    # A name that would run as a formula in a spreadsheet is defused.
    member = staff(JANSEN)
    member.name = "=HYPERLINK(1)"
    db.session.commit()
    admin = app.test_client()
    login_staff(admin, VISSER)
    response = admin.get("/beheer/toegangslog.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["when_utc", "staff_id", "staff"]
    views = [r for r in rows[1:] if r[5] == "view_dossier"]
    assert views and views[0][2] == "'=HYPERLINK(1)"
    assert views[0][3] == "Gemeente Rijnstad"
    # Only the beheerder's organisations; the export itself is logged too.
    assert all(r[3] == "Gemeente Rijnstad" for r in rows[1:])
    db.session.expire_all()
    assert db.session.scalar(select(AccessLog.action).order_by(AccessLog.id.desc()).limit(1)) == (
        "export_log"
    )
