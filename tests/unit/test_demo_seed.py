"""`flask seed-demo` gives a demo that shows every light, and never stores a BSN in clear text."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select, text

from app import clock
from app.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS, seed_demo
from app.extensions import db
from app.models import Organisation, Resident, StaffMember, TimelineEvent
from app.services.accounts import resident_for_bsn
from app.services.overview import open_tasks
from app.services.traffic_light import Light, light_for


def test_seed_covers_every_light(app: Flask, seeded: None) -> None:
    kinds = {o.kind for o in db.session.scalars(select(Organisation))}
    assert kinds == {"gemeente", "schuldhulpverlening", "woningcorporatie"}
    assert db.session.scalar(select(func.count(StaffMember.id))) >= 3

    states = {}
    for demo in DEMO_RESIDENTS:
        resident = resident_for_bsn(demo.bsn)
        assert resident is not None and resident.dossier is not None
        states[demo.bsn] = light_for(open_tasks(resident.dossier), clock.today())
    lights = [s.light for s in states.values()]
    assert {Light.RED, Light.ORANGE, Light.GREEN} <= set(lights)
    assert any(s.light is Light.RED and s.overdue for s in states.values())
    assert any(s.light is Light.RED and not s.overdue for s in states.values())
    assert resident_for_bsn(DEMO_BSN_WITHOUT_DOSSIER) is None


def test_one_resident_has_a_long_history(app: Flask, seeded: None) -> None:
    counts = db.session.execute(
        select(TimelineEvent.dossier_id, func.count()).group_by(TimelineEvent.dossier_id)
    ).all()
    assert max(n for _, n in counts) >= 200


def test_seed_twice_changes_nothing(app: Flask, seeded: None) -> None:
    before = db.session.scalar(select(func.count(Resident.id)))
    assert seed_demo() is False
    assert db.session.scalar(select(func.count(Resident.id))) == before


def test_no_bsn_in_clear_text_anywhere(app: Flask, seeded: None) -> None:
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f'SELECT * FROM "{table.name}"')):
            flat = " ".join(str(v) for v in row)
            for demo in DEMO_RESIDENTS:
                assert demo.bsn not in flat, f"BSN in clear text in {table.name}"
