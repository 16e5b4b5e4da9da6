"""The dispatcher: moves due reminders from the outbox onto the RQ queue.

Per batch, in one transaction: lock due `pending` rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so
two dispatchers never take the same row; on SQLite, which has one writer at a time, the
conditional UPDATE ... RETURNING does that job), check opt-out, address, expiry, whether the task
is still open and quiet hours, and mark the sendable ones `created`. After the commit each gets
`deliver(id)` on the queue. If Redis is down the rows stay `created` with no `queued_at`, and
`requeue_created` tries again on the next run; it also re-queues rows whose job Redis lost.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import DuplicateJobError
from rq.job import Job, JobStatus
from sqlalchemy import exists, or_, select, update

from app import clock
from app.extensions import db
from app.models import (
    Holder,
    Notification,
    PushSubscription,
    ReminderPreference,
    Resident,
    Task,
    TaskStatus,
)
from app.models.notification import Channel, NotificationStatus, ReminderKind
from app.queues import get_queue
from app.services.notifications.confirmation import waiting_addresses
from app.services.notifications.outbox import CHUNK, transition
from app.services.notifications.preferences import Preferences, preferences_from_row
from app.services.notifications.push import PUSH_ADDRESS
from app.services.notifications.quiet_hours import next_allowed

log = logging.getLogger(__name__)

DELIVER = "jobs.reminders.deliver"
PENDING = NotificationStatus.PENDING
CREATED = NotificationStatus.CREATED
# Jobs still to run (or running): another enqueue of the same attempt would be a duplicate.
# A scheduled job is not among them: we only get here once its time is well past, so the
# scheduler is not running or lost it, and the job is replaced by one on the queue.
LIVE_JOB = frozenset({JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED})


@dataclass
class DispatchResult:
    created: int = 0
    enqueued: int = 0
    deferred: int = 0
    cancelled: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    enqueue_failed: int = 0


# Results kept a day, failures a month; a deliver() waits at most SMTP/Spryng timeouts.
JOB_OPTIONS: dict[str, Any] = {"job_timeout": 120, "result_ttl": 86400, "failure_ttl": 30 * 86400}


def deliver_job_id(notification_id: str, attempts: int) -> str:
    """One job id per attempt: a second enqueue of the same attempt is refused by RQ."""
    return f"deliver-{notification_id}-{attempts}"


def reminder_queue() -> Queue:
    return get_queue(current_app.config["REMINDER_QUEUE"])


def enqueue_deliver(
    queue: Queue, notification_id: str, attempts: int, at: datetime | None = None
) -> bool:
    """Put deliver(id) on the queue (or schedule it). True when a job for this attempt is on the
    queue afterwards; raises RedisError when Redis cannot be reached."""
    job_id = deliver_job_id(notification_id, attempts)
    options: dict[str, Any] = {"job_id": job_id, "unique": True, **JOB_OPTIONS}
    try:
        if at is not None:
            queue.enqueue_at(at, DELIVER, notification_id, **options)
        else:
            queue.enqueue(DELIVER, notification_id, **options)
        return True
    except DuplicateJobError:
        # Still waiting or running: fine. Finished or failed without sending (the row is still
        # created), or scheduled long ago: the old job is spent, so replace it.
        job = Job.fetch(job_id, connection=queue.connection, serializer=queue.serializer)
        if job.get_status(refresh=True) in LIVE_JOB:
            return True
        job.delete()
        queue.enqueue(DELIVER, notification_id, **options)
        return True


def enqueue_many_deliver(queue: Queue, items: Sequence[tuple[str, int]]) -> None:
    """enqueue_deliver() for many rows in two Redis round trips, with RQ's public API only: one
    pipelined EXISTS per job id, then `Queue.enqueue_many` for the ids that are free. The few
    whose job exists already take the one-by-one unique path, which sorts them out.

    Not atomic like `enqueue(unique=True)`, and it need not be: the database decides who enqueues
    a row (a `pending` row is locked and marked `created` before it is enqueued; `requeue_created`
    holds its rows FOR UPDATE while it enqueues), and deliver() claims its row `created` ->
    `sending`, so a second job for the same attempt would only be skipped. bench/reminders.py:
    about 6,000 jobs/s this way against 2,100/s one `enqueue(unique=True)` at a time."""
    if not items:
        return
    job_ids = [deliver_job_id(nid, attempts) for nid, attempts in items]
    with queue.connection.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.exists(Job.key_for(job_id))
        taken = pipe.execute()
    free = [
        Queue.prepare_data(
            DELIVER,
            (nid,),
            job_id=job_id,
            timeout=JOB_OPTIONS["job_timeout"],
            result_ttl=JOB_OPTIONS["result_ttl"],
            failure_ttl=JOB_OPTIONS["failure_ttl"],
        )
        for (nid, _), job_id, exists_ in zip(items, job_ids, taken, strict=True)
        if not exists_
    ]
    queue.enqueue_many(free)
    for (nid, attempts), exists_ in zip(items, taken, strict=True):
        if exists_:
            enqueue_deliver(queue, nid, attempts)


@dataclass(frozen=True)
class Due:
    id: str
    kind: ReminderKind
    channel: Channel
    expires_at: datetime | None
    subject_type: str
    subject_id: str
    address: str
    prefs: Preferences
    resident_id: int = 0


def _lock_due(now: datetime, limit: int) -> list[Due]:
    stmt = (
        select(
            Notification.id,
            Notification.kind,
            Notification.channel,
            Notification.expires_at,
            Notification.subject_type,
            Notification.subject_id,
            Notification.resident_id,
            Resident.email,
            Resident.phone,
            ReminderPreference,
            exists().where(PushSubscription.resident_id == Resident.id),
        )
        .join(Resident, Resident.id == Notification.resident_id)
        .outerjoin(ReminderPreference, ReminderPreference.resident_id == Resident.id)
        .where(Notification.status == PENDING, Notification.not_before <= now)
        .order_by(Notification.not_before)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Notification)
    )
    rows = []
    for (
        nid,
        kind,
        channel,
        expires,
        stype,
        sid,
        rid,
        email,
        phone,
        pref,
        push,
    ) in db.session.execute(stmt):
        push_address = PUSH_ADDRESS if push else ""
        address = {Channel.EMAIL: email, Channel.SMS: phone, Channel.PUSH: push_address}[channel]
        rows.append(
            Due(
                nid,
                kind,
                channel,
                expires,
                stype,
                sid,
                address or "",
                preferences_from_row(pref),
                rid,
            )
        )
    return rows


def _closed_tasks(rows: Sequence[Due]) -> set[str]:
    """Tasks whose reminders must not go: closed, or no longer waiting for the resident (the
    document was sent and is being checked). If it is rejected the task is the resident's
    again, and the reminders still planned for later moments go out as planned."""
    ids = sorted({int(r.subject_id) for r in rows if r.subject_type == "task"})
    closed: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        closed.update(
            str(tid)
            for tid in db.session.scalars(
                select(Task.id).where(
                    Task.id.in_(ids[start : start + CHUNK]),
                    or_(Task.status != TaskStatus.OPEN, Task.holder != Holder.RESIDENT),
                )
            )
        )
    return closed


def why_not_send(
    row: Due,
    now: datetime,
    closed: set[str],
    waiting: frozenset[tuple[int, str, str]] = frozenset(),
) -> str | None:
    """The cancel reason for a due row, or None when it may go (quiet hours aside)."""
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    if row.subject_type == "task" and row.subject_id in closed:
        return "not-waiting-for-resident"
    if not row.prefs.allows(row.kind, row.channel):
        return "opted-out"
    if not row.address:
        return "no-address"
    if row.kind is not ReminderKind.CONFIRM and (
        (row.resident_id, str(row.channel), row.address) in waiting
    ):
        return "unconfirmed"
    return None


def _dispatch_batch(now: datetime, limit: int, result: DispatchResult) -> tuple[int, list[str]]:
    rows = _lock_due(now, limit)
    closed = _closed_tasks(rows)
    waiting = frozenset(waiting_addresses(r.resident_id for r in rows))
    sendable: list[str] = []
    cancel: dict[str, list[str]] = defaultdict(list)
    defer: dict[datetime, list[str]] = defaultdict(list)
    for row in rows:
        reason = why_not_send(row, now, closed, waiting)
        if reason is None:
            allowed = next_allowed(now, row.prefs.quiet_start, row.prefs.quiet_end)
            if allowed > now:
                if row.expires_at is not None and allowed >= row.expires_at:
                    reason = "expired"  # quiet hours last until it is too late
                else:
                    defer[allowed].append(row.id)
                    continue
        if reason is None:
            sendable.append(row.id)
        else:
            cancel[reason].append(row.id)
    for reason, ids in cancel.items():
        result.cancelled[reason] += len(
            transition(
                ids, [PENDING], NotificationStatus.CANCELLED, status_reason=reason, detail=reason
            )
        )
    for allowed, ids in defer.items():
        for start in range(0, len(ids), CHUNK):
            db.session.execute(
                update(Notification)
                .where(
                    Notification.id.in_(ids[start : start + CHUNK]), Notification.status == PENDING
                )
                .values(not_before=allowed, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        result.deferred += len(ids)
    # queued_at is set now, in the same UPDATE; reset to NULL if the enqueue fails.
    created = transition(sendable, [PENDING], CREATED, detail="due", queued_at=now)
    result.created += len(created)
    db.session.commit()
    return len(rows), created


def _set_queued_at(ids: Sequence[str], value: datetime | None) -> None:
    for start in range(0, len(ids), CHUNK):
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids[start : start + CHUNK]), Notification.status == CREATED)
            .values(queued_at=value)
            .execution_options(synchronize_session=False)
        )


def _enqueue_all(
    ids: Sequence[str],
    attempts: dict[str, int],
    now: datetime,
    result: DispatchResult,
    *,
    marked: bool,
) -> bool:
    """Enqueue; afterwards queued_at is `now` for rows on the queue and NULL for rows that are
    not (`marked`: the caller already set it to `now`). False when Redis failed."""
    try:
        enqueue_many_deliver(reminder_queue(), [(nid, attempts.get(nid, 0)) for nid in ids])
    except RedisError as exc:
        log.warning(
            "reminders: Redis unavailable, %d rows wait for the next run: %s", len(ids), exc
        )
        result.enqueue_failed += len(ids)
        if marked:
            _set_queued_at(ids, None)
            db.session.commit()
        return False
    if not marked:
        _set_queued_at(ids, now)
        db.session.commit()
    result.enqueued += len(ids)
    return True


def dispatch_due(
    *, now: datetime | None = None, batch_size: int | None = None, max_batches: int | None = None
) -> DispatchResult:
    """Hand every due pending reminder to the queue, batch by batch."""
    now = now or clock.now()
    limit = batch_size or current_app.config["REMINDER_BATCH_SIZE"]
    result = DispatchResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        seen, created = _dispatch_batch(now, limit, result)
        batches += 1
        if created and not _enqueue_all(created, {}, now, result, marked=True):
            return result  # Redis is down: the next run picks these up
        if seen < limit:
            break
    requeue_created(now=now, result=result)
    return result


def requeue_created(
    *, now: datetime | None = None, result: DispatchResult | None = None
) -> DispatchResult:
    """`created` rows that are not on the queue: never enqueued (Redis was down), or enqueued
    longer ago than REMINDER_REQUEUE_SECONDS (Redis lost it, or a retry is due)."""
    now = now or clock.now()
    result = result or DispatchResult()
    grace = timedelta(seconds=current_app.config["REMINDER_REQUEUE_SECONDS"])
    limit = current_app.config["REMINDER_BATCH_SIZE"]
    while True:
        rows = db.session.execute(
            select(Notification.id, Notification.attempts, Notification.expires_at)
            .where(
                Notification.status == CREATED,
                or_(Notification.queued_at.is_(None), Notification.queued_at <= now - grace),
                or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
            )
            .order_by(Notification.queued_at.nulls_first())
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        expired = {r.id for r in rows if r.expires_at is not None and r.expires_at <= now}
        if expired:
            result.cancelled["expired"] += len(
                transition(
                    sorted(expired),
                    [CREATED],
                    NotificationStatus.CANCELLED,
                    status_reason="expired",
                    detail="expired",
                )
            )
        live = [r.id for r in rows if r.id not in expired]
        attempts = {r.id: r.attempts for r in rows}
        if not live:
            db.session.commit()
            return result
        if not _enqueue_all(live, attempts, now, result, marked=False) or len(rows) < limit:
            return result
