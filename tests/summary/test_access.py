"""Who gets a summary: the resident their own, staff only through a consented organisation, and
every staff print leaves a trace; anonymous visitors go to the DigiD login."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Organisation, StaffMember, StaffMembership
from app.models.base import utcnow
from app.services.summary import SummaryForbidden, Viewer, may_print, summary_for
from app.services.summary_pdf import PdfReady, pdf_status, request_pdf
from tests.summary.conftest import resident

JAN, FATIMA = DEMO_RESIDENTS[0].bsn, DEMO_RESIDENTS[1].bsn


def staff(email_start: str) -> StaffMember:
    found = db.session.scalar(
        db.select(StaffMember).where(StaffMember.email.startswith(email_start))
    )
    assert found is not None
    return found


@pytest.mark.parametrize(
    "path", ["/overzicht/print", "/overzicht.pdf", "/overzicht/pdf-wordt-gemaakt"]
)
def test_anonymous_goes_to_login(app: Flask, client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen")


def test_resident_gets_only_their_own(app: Flask, seeded: None) -> None:
    jan, fatima = resident(JAN), resident(FATIMA)
    assert may_print(Viewer.for_resident(jan), jan)
    assert not may_print(Viewer.for_resident(jan), fatima)
    with pytest.raises(SummaryForbidden):
        request_pdf(Viewer.for_resident(jan), fatima, clock.today())
    with pytest.raises(SummaryForbidden):
        pdf_status(Viewer.for_resident(jan), fatima, clock.today())
    with pytest.raises(SummaryForbidden), app.test_request_context():
        summary_for(Viewer.for_resident(jan), fatima, clock.today())


def test_staff_need_a_consented_organisation(app: Flask, seeded: None) -> None:
    jan = resident(JAN)  # gemeente + schuldhulp
    assert may_print(Viewer.for_staff(staff("p.jansen")), jan), "gemeente is in Jan's dossier"
    assert not may_print(Viewer.for_staff(staff("a.deboer")), jan), "woning is not"
    # Consent revoked: access ends.
    assert jan.dossier is not None
    link = next(li for li in jan.dossier.links if li.organisation.slug == "gemeente-rijnstad")
    link.revoked_at = utcnow()
    db.session.commit()
    assert not may_print(Viewer.for_staff(staff("p.jansen")), jan)


def test_staff_without_organisation_gets_nothing(app: Flask, seeded: None) -> None:
    loner = StaffMember(name="Z. Zonder", email="z@example.nl")
    db.session.add(loner)
    db.session.commit()
    assert not may_print(Viewer.for_staff(loner), resident(JAN))


def test_each_staff_print_is_logged(
    app: Flask, seeded: None, caplog: pytest.LogCaptureFixture
) -> None:
    jan = resident(JAN)
    helper = staff("m.bakker")
    viewer = Viewer.for_staff(helper)
    with caplog.at_level(logging.INFO, logger="mijn_overzicht.access"):
        with app.test_request_context():
            summary_for(viewer, jan, clock.today())
        result = request_pdf(viewer, jan, clock.today())
        request_pdf(Viewer.for_resident(jan), jan, clock.today())  # the resident: no log line
    assert isinstance(result, PdfReady)
    assert jan.dossier is not None
    lines = [r.__dict__ for r in caplog.records if r.name == "mijn_overzicht.access"]
    seen = [(r["staff_id"], r["dossier_id"], r["what"]) for r in lines]
    assert seen == [(helper.id, jan.dossier.id, "print"), (helper.id, jan.dossier.id, "pdf")]


def test_staff_pdf_is_in_the_residents_language(app: Flask, seeded: None) -> None:
    import io

    from pypdf import PdfReader

    jan = resident(JAN)
    jan.language = "en"
    db.session.commit()
    gemeente = db.session.scalar(
        db.select(Organisation).where(Organisation.slug == "gemeente-rijnstad")
    )
    helper = StaffMember(name="E. Engels", email="e@example.nl")
    db.session.add_all([helper, StaffMembership(staff=helper, organisation=gemeente)])
    db.session.commit()
    result = request_pdf(Viewer.for_staff(helper), jan, clock.today())
    assert isinstance(result, PdfReady)
    assert PdfReader(io.BytesIO(result.data)).trailer["/Root"]["/Lang"] == "en"
