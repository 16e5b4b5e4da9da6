"""Per organisation of the dossier the summary PDF says what it does (its 'about' text, as
its beheerder wrote it, cut to its first sentence) with its phone number and opening hours;
organisations not linked to the dossier are not in it. A full dossier leaves the texts out
rather than going over two pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app import clock
from app.demo import DEMO_RESIDENTS
from app.extensions import db
from app.models import Holder, Organisation, TaskKind
from app.services.summary import ABOUT_MAX, short_about
from app.services.summary_pdf import pdf_html
from app.services.tasks import add_task
from app.services.timeline import Actor
from tests.summary.conftest import book, pdf_text, reader, resident
from tests.summary.test_summary_pdf import make_pdf

RED, OVERDUE, ORANGE, GREEN, LONG = (r.bsn for r in DEMO_RESIDENTS)
HOURS = "maandag tot en met vrijdag, 9.00 tot 17.00 uur"


def contacts_part(text: str) -> str:
    return text.split("Contactgegevens")[1].split("Zo gebruikt u Mijn Overzicht")[0]


def test_each_organisation_of_the_dossier_with_what_it_does(
    app: Flask, seeded: None, tmp_path: Path
) -> None:
    who = resident(RED)
    assert who.dossier is not None
    linked = who.dossier.organisations
    data = make_pdf(RED)
    assert len(reader(data).pages) <= 2
    part = contacts_part(pdf_text(data, tmp_path))
    for org in linked:
        assert org.about and org.about in part, org.name
        assert f"Telefoon: {org.phone} ({HOURS})" in part, org.name
    others = db.session.scalars(
        select(Organisation).where(Organisation.id.not_in([o.id for o in linked]))
    ).all()
    for org in others:
        assert org.name not in part and org.about not in part


def test_a_long_text_is_cut_to_its_first_sentence(app: Flask, seeded: None, tmp_path: Path) -> None:
    who = resident(RED)
    assert who.dossier is not None
    org = who.dossier.organisations[0]
    org.about = "Wij helpen u met geld. " + "Daarna nog veel meer woorden over ons werk. " * 20
    db.session.commit()
    part = contacts_part(pdf_text(make_pdf(RED), tmp_path))
    assert "Wij helpen u met geld." in part and "veel meer woorden" not in part


def test_short_about() -> None:
    assert short_about("  Eén zin.  Twee zinnen. ") == "Eén zin."
    long = "woord " * 60
    cut = short_about(long)
    assert len(cut) <= ABOUT_MAX and cut.endswith("…") and "  " not in cut
    assert short_about("") == ""


def test_without_phone_the_opening_hours_alone(app: Flask, seeded: None, tmp_path: Path) -> None:
    who = resident(RED)
    assert who.dossier is not None
    org = who.dossier.organisations[0]
    org.phone = ""
    db.session.commit()
    part = contacts_part(pdf_text(make_pdf(RED), tmp_path))
    assert f"{org.name} {org.about} Open: {HOURS}." in part


def test_in_english_the_about_text_is_marked_dutch(app: Flask, seeded: None) -> None:
    who = resident(RED)
    assert who.dossier is not None
    about = who.dossier.organisations[0].about
    who.language = "en"
    db.session.commit()
    assert f'<span lang="nl">{about}</span>' in pdf_html(who, clock.today())


def test_a_very_full_dossier_leaves_the_texts_out_to_stay_on_two_pages(
    app: Flask, seeded: None, tmp_path: Path
) -> None:
    who = resident(OVERDUE)
    assert who.dossier is not None
    orgs = who.dossier.organisations
    today = clock.today()
    for i in range(9):
        add_task(
            who.dossier,
            kind=TaskKind.DOCUMENT,
            holder=Holder.RESIDENT,
            organisation=orgs[i % 3],
            due_date=today + timedelta(days=i),
            title=f"Een heel lang document met een lange naam nummer {i} sturen",
            actor=Actor.system(orgs[0]),
        )
    db.session.commit()
    for _ in range(6):
        book(OVERDUE)
    data = make_pdf(OVERDUE)
    assert len(reader(data).pages) <= 2
    part = contacts_part(pdf_text(data, tmp_path))
    assert all(o.phone in part for o in orgs), "the numbers always stay"
