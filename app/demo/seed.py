"""Demo data for `flask seed-demo`: three organisations, staff, and residents covering every light
(the residents are in app.demo.people, the self-service data in app.demo.selfservice)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app import clock
from app.demo.people import DEMO_RESIDENTS, DemoResident
from app.demo.selfservice import seed_selfservice
from app.demo.staff import seed_demo_staff
from app.extensions import db
from app.models import (
    Dossier,
    DossierOrganisation,
    Holder,
    Organisation,
    Resident,
    StaffMember,
    StaffMembership,
    TaskKind,
)
from app.services.bsn import bsn_hash, encrypt_bsn, is_valid_bsn
from app.services.tasks import add_task, complete_task
from app.services.timeline import Actor, record_event


def _org(slug: str, name: str, kind: str, phone: str, address: str, about: str) -> Organisation:
    return Organisation(
        about=about,
        slug=slug,
        name=name,
        kind=kind,
        phone=phone,
        address=address,
        email=f"info@{slug}.example.nl",
        opening_hours="maandag tot en met vrijdag, 9.00 tot 17.00 uur",
    )


def _resident(demo: DemoResident) -> Resident:
    assert is_valid_bsn(demo.bsn)
    return Resident(
        bsn_hash=bsn_hash(demo.bsn),
        bsn_encrypted=encrypt_bsn(demo.bsn),
        first_name=demo.first_name,
        initials=demo.initials,
        last_name=demo.last_name,
        date_of_birth=demo.born,
    )


def seed_demo() -> bool:
    """Fill an empty database. Returns False (and changes nothing) when there is data already."""
    if db.session.scalar(db.select(Organisation.id).limit(1)) is not None:
        return False
    now = clock.now()
    today = clock.today()

    gemeente = _org(
        "gemeente-rijnstad",
        "Gemeente Rijnstad",
        "gemeente",
        "14 0172",
        "Stadhuisplein 1, 2400 AA Rijnstad",
        "Wij helpen u met uw uitkering en met toeslagen.",
    )
    schuld = _org(
        "schuldhulp-rijnstreek",
        "Schuldhulpverlening Rijnstreek",
        "schuldhulpverlening",
        "0172 46 59 00",
        "Havenstraat 12, 2401 BC Rijnstad",
        "Wij helpen u om uw geldzaken weer op orde te krijgen.",
    )
    woning = _org(
        "groene-hart-wonen",
        "Groene Hart Wonen",
        "woningcorporatie",
        "0172 55 44 33",
        "Lange Laan 40, 2402 CD Rijnstad",
        "Wij zijn uw verhuurder. Wij helpen als betalen even niet lukt.",
    )
    db.session.add_all([gemeente, schuld, woning])

    staff = {
        "jansen": StaffMember(name="P. Jansen", email="p.jansen@gemeente-rijnstad.example.nl"),
        "bakker": StaffMember(name="M. Bakker", email="m.bakker@schuldhulp-rijnstreek.example.nl"),
        "deboer": StaffMember(name="A. de Boer", email="a.deboer@groene-hart-wonen.example.nl"),
        # Beheerder of the gemeente, and the platform administrator (adds organisations).
        "visser": StaffMember(
            name="L. Visser", email="l.visser@gemeente-rijnstad.example.nl", platform_admin=True
        ),
    }
    db.session.add_all(staff.values())
    db.session.add_all(
        [
            StaffMembership(staff=staff["jansen"], organisation=gemeente, role="medewerker"),
            StaffMembership(staff=staff["visser"], organisation=gemeente, role="beheerder"),
            StaffMembership(staff=staff["bakker"], organisation=schuld, role="medewerker"),
            StaffMembership(staff=staff["deboer"], organisation=woning, role="medewerker"),
        ]
    )
    db.session.flush()

    as_jansen = Actor.staff_member(staff["jansen"], gemeente)
    as_bakker = Actor.staff_member(staff["bakker"], schuld)
    as_deboer = Actor.staff_member(staff["deboer"], woning)

    def open_dossier(demo: DemoResident, orgs: list[Organisation], started: datetime) -> Dossier:
        resident = _resident(demo)
        db.session.add(resident)
        db.session.flush()
        dossier = Dossier(resident_id=resident.id, created_at=started, updated_at=started)
        db.session.add(dossier)
        db.session.flush()
        record_event(dossier, "dossier_opened", Actor.system(orgs[0]), at=started)
        for i, org in enumerate(orgs):
            db.session.add(
                DossierOrganisation(dossier=dossier, organisation=org, consent_at=started)
            )
            record_event(
                dossier,
                "organisation_linked",
                Actor.resident(),
                organisation=org,
                at=started + timedelta(minutes=i + 1),
            )
        return dossier

    def days_ago(n: int, hour: int = 10) -> datetime:
        return (now - timedelta(days=n)).replace(hour=hour, minute=12, second=0, microsecond=0)

    # 1. Jan de Vries: red, two documents to send, one thing the gemeente is doing.
    jan = open_dossier(DEMO_RESIDENTS[0], [gemeente, schuld], days_ago(30))
    add_task(
        jan,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=schuld,
        title="Uitkeringsspecificatie van oktober sturen",
        description="Wij hebben dit nodig om uw inkomen te berekenen.",
        due_date=today + timedelta(days=4),
        actor=as_bakker,
        at=days_ago(3),
    )
    add_task(
        jan,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=gemeente,
        title="Bankafschrift van november sturen",
        due_date=today + timedelta(days=10),
        actor=as_jansen,
        at=days_ago(2),
    )
    add_task(
        jan,
        kind=TaskKind.STEP,
        holder=Holder.ORGANISATION,
        organisation=gemeente,
        title="Uw huurcontract bekijken",
        due_date=today + timedelta(days=8),
        actor=as_jansen,
        at=days_ago(2, 11),
    )
    done = add_task(
        jan,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=gemeente,
        title="Loonstrook van oktober sturen",
        due_date=today - timedelta(days=5),
        actor=as_jansen,
        at=days_ago(20),
    )
    complete_task(jan, done, actor=as_jansen, at=days_ago(1, 14))

    # 2. Fatima el Amrani: red and overdue.
    fatima = open_dossier(DEMO_RESIDENTS[1], [gemeente, schuld, woning], days_ago(60))
    add_task(
        fatima,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=gemeente,
        title="Bankafschrift van september sturen",
        due_date=today - timedelta(days=7),
        actor=as_jansen,
        at=days_ago(21),
    )
    add_task(
        fatima,
        kind=TaskKind.STEP,
        holder=Holder.RESIDENT,
        organisation=woning,
        title="Betalingsregeling voor de huur tekenen",
        due_date=today + timedelta(days=6),
        actor=as_deboer,
        at=days_ago(5),
    )
    add_task(
        fatima,
        kind=TaskKind.QUESTION,
        holder=Holder.ORGANISATION,
        organisation=schuld,
        title="Uw vraag over de betalingsregeling beantwoorden",
        due_date=today + timedelta(days=3),
        actor=Actor.resident(),
        at=days_ago(2),
    )

    # 3. Kees Bakker: orange, only the organisations have work to do.
    kees = open_dossier(DEMO_RESIDENTS[2], [schuld], days_ago(45))
    sent = add_task(
        kees,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=schuld,
        title="Overzicht van uw schulden sturen",
        due_date=today - timedelta(days=2),
        actor=as_bakker,
        at=days_ago(14),
    )
    complete_task(kees, sent, actor=Actor.resident(), at=days_ago(4))
    add_task(
        kees,
        kind=TaskKind.STEP,
        holder=Holder.ORGANISATION,
        organisation=schuld,
        title="Uw schuldenoverzicht controleren",
        due_date=today + timedelta(days=12),
        actor=as_bakker,
        at=days_ago(4, 15),
    )

    # 4. Sanne Jansen: green, everything done.
    sanne = open_dossier(DEMO_RESIDENTS[3], [gemeente], days_ago(90))
    t = add_task(
        sanne,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=gemeente,
        title="Kopie van uw identiteitsbewijs sturen",
        due_date=today - timedelta(days=60),
        actor=as_jansen,
        at=days_ago(80),
    )
    complete_task(sanne, t, actor=as_jansen, at=days_ago(70))

    # 5. Mohamed Yilmaz: two years of history, 200+ events, one open item for him.
    mohamed = open_dossier(DEMO_RESIDENTS[4], [gemeente, schuld, woning], days_ago(730))
    rng = random.Random(42)  # noqa: S311 - demo data, not security
    orgs = [(gemeente, as_jansen), (schuld, as_bakker), (woning, as_deboer)]
    months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    for i in range(70):
        org, actor = orgs[i % 3]
        start = days_ago(720 - i * 10)
        month = months[i % 12]
        task = add_task(
            mohamed,
            kind=TaskKind.DOCUMENT,
            holder=Holder.RESIDENT,
            organisation=org,
            title=f"Uitkeringsspecificatie van {month} sturen",
            due_date=start.date() + timedelta(days=14),
            actor=actor,
            at=start,
        )
        received = start + timedelta(days=rng.randint(1, 9))
        record_event(
            mohamed,
            "document_received",
            Actor.resident(),
            subject=task.title,
            task=task,
            organisation=org,
            at=received,
        )
        complete_task(mohamed, task, actor=actor, at=received + timedelta(days=1))
    add_task(
        mohamed,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation=schuld,
        title="Uitkeringsspecificatie van november sturen",
        due_date=today + timedelta(days=9),
        actor=as_bakker,
        at=days_ago(1),
    )
    db.session.commit()
    seed_selfservice(now)
    seed_demo_staff(now)
    return True
