"""Planning: reminders are planned, moved and cancelled in the caller's transaction, once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import time_machine
from flask import Flask

from app import clock
from app.extensions import db
from app.models import Holder, TaskKind
from app.models.notification import Channel, NotificationStatus
from app.services.notifications.planning import (
    cancel_reminders_for,
    plan_appointment_reminders,
    plan_document_reminders,
)
from app.services.notifications.texts import CURRENT
from app.services.tasks import add_task, complete_task
from app.services.timeline import Actor
from tests.moments import dst_switch, in_days, local
from tests.notifications.conftest import DAY, DUE, NOW, dossier_of, make_org, make_resident, rows


def _request_document(due=DUE, kind=TaskKind.DOCUMENT, holder=Holder.RESIDENT):
    resident = make_resident()
    org = make_org()
    task = add_task(
        dossier_of(resident),
        kind=kind,
        holder=holder,
        organisation=org,
        title="Uitkeringsspecificatie van oktober sturen",
        actor=Actor.system(org),
        due_date=due,
    )
    return resident, task


def test_a_document_request_plans_the_next_morning_and_three_reminders_per_channel(
    app: Flask,
) -> None:
    with time_machine.travel(NOW, tick=False):
        resident, task = _request_document()
        db.session.commit()
    planned = rows()
    assert len(planned) == 4 * 2
    assert {(r.dedupe_key.split(":")[2], r.template, r.channel) for r in planned} == {
        (name, t, c)
        for name, t in (
            ("document-first", "document-due-soon"),
            ("document-due-3d", "document-due-soon"),
            ("document-due-today", "document-due-today"),
            ("document-overdue", "document-overdue"),
        )
        for c in (Channel.EMAIL, Channel.SMS)  # push only with a device (test_push.py)
    }
    # The first reminder follows the request: the next morning at 09:00.
    first = next(r for r in planned if ":document-first:" in r.dedupe_key)
    assert first.not_before == local(in_days(1, DAY), 9)
    soon = next(r for r in planned if ":document-due-3d:" in r.dedupe_key)
    # Three days before the due date at 09:00 in Amsterdam; it expires when the due date begins.
    assert soon.not_before == local(in_days(-3, DUE), 9)
    assert soon.expires_at == local(DUE)
    assert soon.status is NotificationStatus.PENDING
    assert soon.template_version == CURRENT["document-due-soon"] == 2  # with whom to call
    assert soon.personalisation["due"] == DUE.isoformat()
    assert soon.resident_id == resident.id and soon.subject_id == str(task.id)


def test_other_tasks_and_tasks_without_due_date_plan_nothing(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        _request_document(due=None)
        _request_document(kind=TaskKind.STEP)
        _request_document(holder=Holder.ORGANISATION)
    assert rows() == []


def test_moments_already_past_are_not_planned(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        _request_document(due=in_days(1, DAY))
    # Three days before is past; due within a day, so the first reminder is now.
    assert {r.dedupe_key.split(":")[2] for r in rows()} == {
        "document-first",
        "document-due-today",
        "document-overdue",
    }
    assert {r.not_before for r in rows() if ":document-first:" in r.dedupe_key} == {NOW}


def test_planning_twice_is_a_no_op(app: Flask) -> None:
    """Fault 9: the same reminder created twice (double submit, re-run) stays one row."""
    with time_machine.travel(NOW, tick=False):
        _, task = _request_document()
        before = {r.id for r in rows()}
        plan_document_reminders(task)
        plan_document_reminders(task)
        db.session.commit()
    assert {r.id for r in rows()} == before


def test_a_new_due_date_cancels_the_old_reminders_and_plans_new_ones(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        _, task = _request_document()
        task.due_date = DUE + timedelta(days=7)
        plan_document_reminders(task)
        db.session.commit()
    per_task = 4 * 2  # the first reminder and the ladder of three, by e-mail and SMS
    assert len(rows(status=NotificationStatus.CANCELLED, status_reason="rescheduled")) == per_task
    live = rows(status=NotificationStatus.PENDING)
    assert len(live) == per_task and {r.personalisation["due"] for r in live} == {
        in_days(7, DUE).isoformat()
    }
    # Moving it back plans the original moment again: cancelled rows do not block their key.
    with time_machine.travel(NOW, tick=False):
        task.due_date = DUE
        plan_document_reminders(task)
        db.session.commit()
    assert {r.personalisation["due"] for r in rows(status=NotificationStatus.PENDING)} == {
        DUE.isoformat()
    }


def test_completing_the_task_cancels_its_unsent_reminders(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        resident, task = _request_document()
        complete_task(dossier_of(resident), task, actor=Actor.resident())
        db.session.commit()
    assert {(r.status, r.status_reason) for r in rows()} == {
        (NotificationStatus.CANCELLED, "task-closed")
    }


def test_appointment_reminders_day_before_and_two_hours_before(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        resident = make_resident()
        starts = local(in_days(6, DAY), 14, 30)
        assert (
            plan_appointment_reminders(
                12,
                resident_id=resident.id,
                starts_at=starts,
                title="Gesprek",
                organisation="Gemeente",
            )
            == 4
        )
        db.session.commit()
    by_template = {(r.template, r.channel): r for r in rows()}
    day_before = by_template[("appointment-day-before", Channel.SMS)]
    assert day_before.not_before == local(in_days(5, DAY), 10)  # the day before, 10:00 local
    assert day_before.expires_at == local(in_days(6, DAY))
    soon = by_template[("appointment-soon", Channel.EMAIL)]
    assert soon.not_before == starts - timedelta(hours=2) and soon.expires_at == starts


def test_moving_and_cancelling_an_appointment(app: Flask) -> None:
    with time_machine.travel(NOW, tick=False):
        resident = make_resident()
        first = local(in_days(6, DAY), 14, 30)
        plan_appointment_reminders(12, resident_id=resident.id, starts_at=first)
        plan_appointment_reminders(12, resident_id=resident.id, starts_at=first)  # no-op
        assert len(rows()) == 4
        plan_appointment_reminders(12, resident_id=resident.id, starts_at=first + timedelta(days=2))
        assert len(rows(status=NotificationStatus.PENDING)) == 4
        assert len(rows(status=NotificationStatus.CANCELLED)) == 4
        assert cancel_reminders_for("appointment", 12) == 4
        db.session.commit()
    assert rows(status=NotificationStatus.PENDING) == []


def test_planning_only_touches_the_session(app: Flask) -> None:
    """The caller's transaction decides: a rollback leaves no reminder behind."""
    with time_machine.travel(NOW, tick=False):
        resident = make_resident()
        db.session.commit()
        plan_appointment_reminders(3, resident_id=resident.id, starts_at=local(in_days(7, DAY), 13))
        db.session.rollback()
    assert rows() == []


def test_booking_moving_and_cancelling_through_the_appointment_service(
    app: Flask, seeded: None
) -> None:
    from app.demo import DEMO_RESIDENTS
    from app.services.accounts import resident_for_bsn
    from app.services.appointments import (
        book_appointment,
        cancel_appointment,
        free_slots,
        reschedule_appointment,
    )

    resident = resident_for_bsn(DEMO_RESIDENTS[2].bsn)
    assert resident is not None and resident.dossier is not None
    dossier = resident.dossier
    later = [
        s for s in free_slots(dossier, limit=200) if s.starts_at > clock.now() + timedelta(days=2)
    ]
    first = later[0]
    second = next(s for s in later[1:] if s.organisation_id == first.organisation_id)
    with app.test_request_context():
        appointment = book_appointment(dossier, first, "money", "", actor=Actor.resident())
        mine = {"subject_type": "appointment", "subject_id": str(appointment.id)}
        booked = rows(**mine)
        assert {r.personalisation["starts_at"] for r in booked} == {first.starts_at.isoformat()}
        assert len(booked) == 4 and {r.status for r in booked} == {NotificationStatus.PENDING}
        reschedule_appointment(dossier, appointment, second, actor=Actor.resident())
        live = rows(status=NotificationStatus.PENDING, **mine)
        assert {r.personalisation["starts_at"] for r in live} == {second.starts_at.isoformat()}
        cancel_appointment(dossier, appointment, actor=Actor.resident())
    assert rows(status=NotificationStatus.PENDING, **mine) == []
    assert {r.status_reason for r in rows(**mine)} == {"rescheduled", "subject-cancelled"}


def test_reminders_keep_their_local_time_across_the_dst_switch(app: Flask) -> None:
    """Fault 14 (DST): 09:00 in Amsterdam is 08:00 UTC before the spring switch, 07:00 UTC after.
    Planned nine days ahead of the next switch, for a document due the day after it."""
    switch = dst_switch("spring")
    with time_machine.travel(local(in_days(-9, switch), 13), tick=False):
        _request_document(due=in_days(1, switch))
    by_template = {r.template: r for r in rows(channel=Channel.EMAIL)}
    soon, today = by_template["document-due-soon"], by_template["document-due-today"]
    assert soon.not_before == datetime.combine(in_days(-2, switch), time(8), UTC)  # 09:00 CET
    assert today.not_before == datetime.combine(in_days(1, switch), time(7), UTC)  # 09:00 CEST
    assert soon.expires_at == datetime.combine(switch, time(22), UTC)  # 00:00 CEST
