"""A small world whose figures are counted by hand: two organisations (A and B), three residents,
and rows dated relative to now (this month, and the month before). Also used by bench/report.py
to grow a big one."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from app import clock
from app.extensions import db
from app.models import (
    ActorType,
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Channel,
    Document,
    Dossier,
    DossierOrganisation,
    Holder,
    Notification,
    Organisation,
    Question,
    QuestionMessage,
    Resident,
    StaffMember,
    StaffMembership,
    Task,
    TaskKind,
    TaskStatus,
    TimelineEvent,
)
from app.models.notification import Channel as NotificationChannel
from app.models.notification import NotificationStatus, ReminderKind
from app.services.bsn import bsn_hash, encrypt_bsn

_ids = itertools.count(1)


def month_start(today: date, back: int) -> datetime:
    months = today.year * 12 + today.month - 1 - back
    return datetime(months // 12, months % 12 + 1, 1, 9, tzinfo=UTC)


@dataclass
class World:
    a: Organisation
    b: Organisation
    admin_a: StaffMember
    admin_b: StaffMember
    this_month: str
    last_month: str


def organisation(slug: str) -> Organisation:
    org = Organisation(slug=slug, name=f"Organisatie {slug.upper()}", kind="gemeente")
    db.session.add(org)
    return org


def staff_member(org: Organisation, role: str) -> StaffMember:
    n = next(_ids)
    member = StaffMember(name=f"Medewerker {n}", email=f"m{n}-{org.slug}@example.nl")
    db.session.add(member)
    db.session.flush()
    db.session.add(StaffMembership(staff_id=member.id, organisation_id=org.id, role=role))
    return member


def resident(*orgs: Organisation) -> Dossier:
    n = next(_ids)
    bsn = f"9{n:08d}"
    person = Resident(
        bsn_hash=bsn_hash(bsn), bsn_encrypted=encrypt_bsn(bsn), first_name="R", last_name=str(n)
    )
    db.session.add(person)
    db.session.flush()
    dossier = Dossier(resident_id=person.id)
    db.session.add(dossier)
    db.session.flush()
    for org in orgs:
        db.session.add(DossierOrganisation(dossier_id=dossier.id, organisation_id=org.id))
    return dossier


def resident_did(dossier: Dossier, at: datetime) -> None:
    db.session.add(
        TimelineEvent(
            dossier_id=dossier.id,
            occurred_at=at,
            actor_type=ActorType.RESIDENT,
            kind="document_sent",
        )
    )


def task(
    dossier: Dossier,
    org: Organisation,
    due: date | None = None,
    status: TaskStatus = TaskStatus.OPEN,
) -> Task:
    item = Task(
        dossier_id=dossier.id,
        kind=TaskKind.DOCUMENT,
        holder=Holder.RESIDENT,
        organisation_id=org.id,
        title="Stuk",
        due_date=due,
        status=status,
    )
    db.session.add(item)
    db.session.flush()
    return item


def document(
    dossier: Dossier, org: Organisation, at: datetime, by: StaffMember | None = None
) -> None:
    item = task(dossier, org)
    n = next(_ids)
    db.session.add(
        Document(
            dossier_id=dossier.id,
            task_id=item.id,
            organisation_id=org.id,
            filename="a.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            storage_key=f"k{n}",
            uploaded_at=at,
            uploaded_by_staff_id=by.id if by else None,
        )
    )


def question(
    dossier: Dossier,
    org: Organisation,
    at: datetime,
    answer_after: timedelta | None,
    by: StaffMember,
) -> None:
    asked = Question(dossier_id=dossier.id, organisation_id=org.id, subject="Vraag", created_at=at)
    db.session.add(asked)
    db.session.flush()
    db.session.add(QuestionMessage(question_id=asked.id, body="?", created_at=at))
    if answer_after is not None:
        db.session.add(
            QuestionMessage(
                question_id=asked.id, staff_id=by.id, body="!", created_at=at + answer_after
            )
        )
        # A later second answer does not change the time to the first one.
        db.session.add(
            QuestionMessage(
                question_id=asked.id, staff_id=by.id, body="!!", created_at=at + answer_after * 2
            )
        )


def appointment(
    dossier: Dossier, org: Organisation, at: datetime, channel: Channel, cancelled: bool = False
) -> Appointment:
    slot = AppointmentSlot(organisation_id=org.id, starts_at=at, channel=channel)
    db.session.add(slot)
    db.session.flush()
    booked = Appointment(
        dossier_id=dossier.id,
        slot_id=slot.id,
        topic="other",
        held_slot_id=None if cancelled else slot.id,
        status=AppointmentStatus.CANCELLED if cancelled else AppointmentStatus.BOOKED,
    )
    db.session.add(booked)
    db.session.flush()
    return booked


def notification(
    dossier: Dossier,
    subject: Task | Appointment,
    channel: NotificationChannel,
    status: NotificationStatus,
    at: datetime,
) -> None:
    kind = "task" if isinstance(subject, Task) else "appointment"
    n = next(_ids)
    db.session.add(
        Notification(
            dedupe_key=f"d{n}",
            subject_type=kind,
            subject_id=str(subject.id),
            resident_id=dossier.resident_id,
            kind=ReminderKind.DOCUMENT,
            channel=channel,
            template="t",
            template_version=1,
            not_before=at,
            status=status,
            created_at=at,
        )
    )


def build_world() -> World:
    today = clock.today()
    m0, m1 = month_start(today, 0), month_start(today, 1)
    a, b = organisation("a"), organisation("b")
    db.session.flush()
    admin_a = staff_member(a, "beheerder")
    worker_a = staff_member(a, "medewerker")
    admin_b = staff_member(b, "beheerder")
    r1, r2, r3 = resident(a), resident(a, b), resident(b)

    # Active: A this month r1 + r2, last month r2; B this month r2 + r3 (not A's to see).
    for dossier, at in ((r1, m0), (r1, m0 + timedelta(hours=1)), (r2, m0), (r2, m1), (r3, m0)):
        resident_did(dossier, at)
    # Documents for A this month: 3 by the resident, 1 by staff (75 %); B's one is not counted.
    for by in (None, None, None, worker_a):
        document(r1, a, m0, by)
    document(r3, b, m0)
    # Questions to A this month: answered after 2, 4 and 9 hours (median 4), one unanswered.
    for after in (timedelta(hours=2), timedelta(hours=4), timedelta(hours=9), None):
        question(r1, a, m0, after, worker_a)
    # Appointments with A this month: phone 2, desk 1, video 1 (a cancelled video is not counted).
    for channel in (Channel.PHONE, Channel.PHONE, Channel.DESK, Channel.VIDEO):
        booked = appointment(r2, a, m0, channel)
    appointment(r2, a, m0, Channel.VIDEO, cancelled=True)
    # Reminders about A's items this month: e-mail sent 3 (1 delivered, 1 failed); SMS 1 delivered.
    item = task(r1, a)
    for status in (
        NotificationStatus.DELIVERED,
        NotificationStatus.PERMANENT_FAILURE,
        NotificationStatus.SENT,
    ):
        notification(r1, item, NotificationChannel.EMAIL, status, m0)
    notification(r1, item, NotificationChannel.EMAIL, NotificationStatus.PENDING, m0)  # not sent
    notification(r2, booked, NotificationChannel.SMS, NotificationStatus.DELIVERED, m0)
    # Overdue for A: one open item past its date; done and future ones do not count.
    task(r1, a, today - timedelta(days=1))
    task(r1, a, today - timedelta(days=1), TaskStatus.DONE)
    task(r1, a, today + timedelta(days=1))
    task(r3, b, today - timedelta(days=1))
    db.session.commit()
    return World(a, b, admin_a, admin_b, m0.strftime("%Y-%m"), m1.strftime("%Y-%m"))
